// Export menu: the export-menu button in the top bar opens a small panel
// with the format (export-format-png / -svg / -pdf / -json buttons,
// aria-pressed on the chosen one), the scale for PNG and PDF
// (export-scale, 1–4), the page's background for PNG, SVG and PDF
// (export-background: white, transparent or dark; the board keeps its own
// colours), for SVG alone a checkbox to embed the fonts
// (export-embed-fonts: a self-contained file that renders the same on a
// computer without them; hidden for the other formats) and export-start,
// which hands the choice to the downloads. Both roles have it: viewers
// may download. The last choice is remembered in localStorage
// (easel.exportFormat, easel.exportScale, easel.exportBackground,
// easel.exportEmbedFonts).
// Escape, a click outside or starting closes the panel.

import { clampScale, FORMATS, isScaled } from './transfer.js';

const FORMAT_KEY = 'easel.exportFormat';
const SCALE_KEY = 'easel.exportScale';
const BACKGROUND_KEY = 'easel.exportBackground';
const EMBED_FONTS_KEY = 'easel.exportEmbedFonts';

/**
 * @param {() => string | null} read
 * @returns {string | null}
 */
function stored(read) {
  try {
    return read();
  } catch {
    return null; // storage blocked
  }
}

export class ExportMenu {
  /**
   * @param {HTMLButtonElement} toggle the export-menu button
   * @param {HTMLElement} panel the panel it opens (hidden)
   * @param {(format: string, scale: number, background: string, embedFonts: boolean) => void} onStart
   */
  constructor(toggle, panel, onStart) {
    this.toggleButton = toggle;
    this.panel = panel;
    this.onStart = onStart;
    /** @type {Map<string, HTMLButtonElement>} */
    this.formatButtons = new Map();
    for (const f of FORMATS) {
      const b = /** @type {HTMLButtonElement | null} */ (panel.querySelector(`[data-testid="export-format-${f}"]`));
      if (b) this.formatButtons.set(f, b);
    }
    /** @type {HTMLSelectElement} */
    this.scaleSelect = /** @type {HTMLSelectElement} */ (panel.querySelector('[data-testid="export-scale"]'));
    /** @type {HTMLElement | null} */
    this.scaleField = this.scaleSelect?.closest('.export-panel__scale') ?? null;
    /** Optional: a page without it exports on white. @type {HTMLSelectElement | null} */
    this.backgroundSelect = panel.querySelector('[data-testid="export-background"]');
    /** @type {HTMLElement | null} */
    this.backgroundField = this.backgroundSelect?.closest('.export-panel__scale') ?? null;
    /** Optional: a page without it never embeds fonts. @type {HTMLInputElement | null} */
    this.embedFontsBox = panel.querySelector('[data-testid="export-embed-fonts"]');
    /** @type {HTMLElement | null} */
    this.embedFontsField = this.embedFontsBox?.closest('.export-panel__check') ?? null;
    /** @type {HTMLButtonElement} */
    this.startButton = /** @type {HTMLButtonElement} */ (panel.querySelector('[data-testid="export-start"]'));
    if (!this.scaleSelect || !this.startButton) throw new Error('easel: the export panel lacks export-scale or export-start');

    const format = stored(() => localStorage.getItem(FORMAT_KEY));
    this.format = format && this.formatButtons.has(format) ? format : 'png';
    this.scale = clampScale(stored(() => localStorage.getItem(SCALE_KEY)) ?? 1);
    this.scaleSelect.value = String(this.scale);
    this.background = '';
    if (this.backgroundSelect) {
      const select = this.backgroundSelect;
      // Only one of the select's own values: nothing else reaches the request.
      const known = (/** @type {string | null} */ v) => v !== null && Array.from(select.options).some((o) => o.value === v);
      const saved = stored(() => localStorage.getItem(BACKGROUND_KEY));
      this.background = known(saved) ? /** @type {string} */ (saved) : '';
      select.value = this.background;
      select.addEventListener('change', () => {
        this.background = known(select.value) ? select.value : '';
        this.remember();
      });
    }

    this.embedFonts = stored(() => localStorage.getItem(EMBED_FONTS_KEY)) === '1';
    if (this.embedFontsBox) {
      const box = this.embedFontsBox;
      box.checked = this.embedFonts;
      box.addEventListener('change', () => {
        this.embedFonts = box.checked;
        this.remember();
      });
    }

    toggle.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    for (const [f, b] of this.formatButtons) b.addEventListener('click', () => this.choose(f));
    this.scaleSelect.addEventListener('change', () => {
      this.scale = clampScale(this.scaleSelect.value);
      this.scaleSelect.value = String(this.scale);
      this.remember();
    });
    this.startButton.addEventListener('click', () => {
      this.close();
      const svg = this.format === 'svg';
      this.onStart(this.format, isScaled(this.format) ? this.scale : 1, this.format === 'json' ? '' : this.background, svg && this.embedFonts);
    });
    document.addEventListener('pointerdown', (ev) => {
      if (!this.isOpen || !(ev.target instanceof Node)) return;
      if (!panel.contains(ev.target) && !toggle.contains(ev.target)) this.close();
    });
    window.addEventListener(
      'keydown',
      (ev) => {
        if (!this.isOpen || ev.key !== 'Escape') return;
        ev.preventDefault();
        ev.stopImmediatePropagation();
        this.close();
        toggle.focus();
      },
      true,
    );
    this.update();
  }

  /** @returns {boolean} */
  get isOpen() {
    return !this.panel.hidden;
  }

  open() {
    this.panel.hidden = false;
    this.toggleButton.setAttribute('aria-expanded', 'true');
    this.formatButtons.get(this.format)?.focus();
  }

  close() {
    this.panel.hidden = true;
    this.toggleButton.setAttribute('aria-expanded', 'false');
  }

  /** @param {string} format */
  choose(format) {
    if (!this.formatButtons.has(format)) return;
    this.format = format;
    this.remember();
    this.update();
  }

  remember() {
    try {
      localStorage.setItem(FORMAT_KEY, this.format);
      localStorage.setItem(SCALE_KEY, String(this.scale));
      localStorage.setItem(BACKGROUND_KEY, this.background);
      localStorage.setItem(EMBED_FONTS_KEY, this.embedFonts ? '1' : '');
    } catch {
      // storage blocked: the choice lasts for this page only
    }
  }

  update() {
    for (const [f, b] of this.formatButtons) b.setAttribute('aria-pressed', String(f === this.format));
    const scaled = isScaled(this.format);
    this.scaleSelect.disabled = !scaled;
    if (this.scaleField) this.scaleField.classList.toggle('is-off', !scaled);
    if (this.backgroundSelect) this.backgroundSelect.disabled = this.format === 'json';
    if (this.backgroundField) this.backgroundField.classList.toggle('is-off', this.format === 'json');
    if (this.embedFontsBox) this.embedFontsBox.disabled = this.format !== 'svg';
    if (this.embedFontsField) this.embedFontsField.hidden = this.format !== 'svg';
    this.startButton.textContent = `Download ${this.format.toUpperCase()}`;
  }
}

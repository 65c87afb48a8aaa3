// Help: the help-overlay listing every shortcut (from shortcuts.js), opened
// with "?" or the help button, closed with Escape, "?", the close button or
// a click beside the panel.

import { HELP } from './shortcuts.js';

export class HelpOverlay {
  /**
   * @param {HTMLElement} overlay the help-overlay element (hidden)
   * @param {HTMLElement} list where the shortcut tables go
   * @param {HTMLButtonElement} button the "?" button
   */
  constructor(overlay, list, button) {
    this.overlay = overlay;
    this.button = button;
    this.render(list);
    button.addEventListener('click', () => this.toggle());
    overlay.addEventListener('click', (ev) => {
      if (ev.target === overlay || (ev.target instanceof Element && ev.target.closest('[data-close]'))) this.close();
    });
    window.addEventListener('keydown', (ev) => {
      if (!this.isOpen) return;
      if (ev.key === 'Escape' || ev.key === '?') {
        ev.preventDefault();
        ev.stopImmediatePropagation();
        this.close();
      }
    }, true);
  }

  /** @returns {boolean} */
  get isOpen() {
    return !this.overlay.hidden;
  }

  toggle() {
    if (this.isOpen) this.close();
    else this.open();
  }

  open() {
    this.overlay.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    /** @type {HTMLElement | null} */ (this.overlay.querySelector('[data-close]'))?.focus();
  }

  close() {
    this.overlay.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (this.overlay.contains(document.activeElement)) /** @type {HTMLElement} */ (document.activeElement).blur();
  }

  /** @param {HTMLElement} list */
  render(list) {
    const sections = HELP.map((section) => {
      const box = document.createElement('section');
      box.className = 'help__section';
      const h = document.createElement('h3');
      h.textContent = section.title;
      const dl = document.createElement('dl');
      for (const [keys, what] of section.rows) {
        const dt = document.createElement('dt');
        // Alternatives ("V or 1"): one key cap each.
        (Array.isArray(keys) ? keys : [keys]).forEach((k, i) => {
          if (i > 0) dt.append(' or ');
          const kbd = document.createElement('kbd');
          kbd.textContent = k;
          dt.append(kbd);
        });
        const dd = document.createElement('dd');
        dd.textContent = what;
        dl.append(dt, dd);
      }
      box.append(h, dl);
      return box;
    });
    list.replaceChildren(...sections);
  }
}

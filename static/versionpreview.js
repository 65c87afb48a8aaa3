// Version preview: an earlier version of the board drawn read-only over the
// live one, on a canvas of its own (`#preview-canvas`) with the board's own
// painter (render.js) and the page's viewport, so panning and zooming move
// both and the place one looks at stays put. The canvas is opaque (it
// paints the board's background), so the live board is hidden under it;
// presses go through it to the board below, which is set read-only
// meanwhile (navigation still works); cursors, presence and the connection
// keep running above and beside it. The banner says which version this is
// and offers Restore (editors), the four downloads of that version, and
// the way back.

import { BoardCanvas } from './canvas.js';
import { ElementLayer } from './render.js';
import { VERSION_FORMATS, versionFilename, versionURL } from './versions.js';
import { relativeTime, shortTime } from './when.js';
import { Disclosure } from './panels.js';

/** @typedef {import('./versions.js').Version} Version */
/** @typedef {import('./versions.js').VersionFile} VersionFile */

export class VersionPreview {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root the #app element (gets is-previewing)
   * @param {HTMLCanvasElement} o.surface the preview canvas
   * @param {HTMLElement} o.banner
   * @param {import('./viewport.js').Viewport} o.viewport
   * @param {import('./imagecache.js').ImageCache} o.images
   * @param {string} o.route the page's board route (edit or view)
   * @param {() => string} o.title the board's title now (download names)
   * @param {() => boolean} o.canRestore
   * @param {() => void} o.onRestore
   * @param {() => void} o.onBack
   */
  constructor({ root, surface, banner, viewport, images, route, title, canRestore, onRestore, onBack }) {
    this.root = root;
    this.surface = surface;
    this.banner = banner;
    this.viewport = viewport;
    this.images = images;
    this.route = route;
    this.title = title;
    this.canRestore = canRestore;
    /** The version shown, or null. @type {Version | null} */
    this.version = null;
    /** @type {VersionFile | null} */
    this.file = null;
    /** Built on the first preview: a page that never previews pays nothing. @type {ElementLayer | null} */
    this.layer = null;
    this.text = /** @type {HTMLElement} */ (banner.querySelector('#preview-text'));
    this.restoreButton = /** @type {HTMLButtonElement | null} */ (banner.querySelector('[data-testid="history-restore"]'));
    this.links = /** @type {HTMLAnchorElement[]} */ ([...banner.querySelectorAll('.preview-downloads__link')]);
    this.downloads = new Disclosure(
      /** @type {HTMLElement} */ (banner.querySelector('[data-testid="history-download"]')),
      /** @type {HTMLElement} */ (banner.querySelector('#preview-downloads')),
      { useHidden: true },
    );
    this.restoreButton?.addEventListener('click', () => onRestore());
    /** @type {HTMLElement} */ (banner.querySelector('[data-testid="history-back"]')).addEventListener('click', () => onBack());
    for (const a of this.links) a.addEventListener('click', () => this.downloads.close());
    images.onChange(() => this.layer?.changed());
  }

  get active() {
    return this.version !== null;
  }

  /**
   * Show a version (replacing the one shown).
   * @param {Version} version
   * @param {VersionFile} file
   */
  show(version, file) {
    if (!this.layer) {
      this.layer = new ElementLayer(new BoardCanvas(this.surface, this.viewport), this.viewport);
      this.layer.images = this.images;
    }
    this.version = version;
    this.file = file;
    this.surface.hidden = false;
    this.root.classList.add('is-previewing');
    // Sized while hidden it was 1×1: measure it now it shows.
    this.layer.canvas.resize();
    this.layer.reset(file.elements);
    this.banner.hidden = false;
    this.label();
    if (this.restoreButton) this.restoreButton.hidden = !this.canRestore();
    for (const a of this.links) {
      const format = a.dataset.format ?? 'png';
      if (!VERSION_FORMATS.includes(/** @type {any} */ (format))) continue;
      a.href = versionURL(this.route, format, version.seq);
      a.download = versionFilename(this.title(), version.seq, format);
    }
  }

  /** Refresh the banner's "5 min ago". */
  label() {
    if (!this.version) return;
    const now = Date.now();
    const at = this.version.at;
    this.text.textContent = Number.isFinite(at) ? `Previewing the version of ${shortTime(at, now)} (${relativeTime(at, now)})` : `Previewing version ${this.version.seq}`;
  }

  /** Back to the live board. */
  hide() {
    if (!this.version) return;
    this.version = null;
    this.file = null;
    this.downloads.close();
    this.banner.hidden = true;
    this.surface.hidden = true;
    this.root.classList.remove('is-previewing');
    this.layer?.reset([]); // nothing to repaint while hidden
  }

  /** Faces arrived: text is laid out again. */
  fontsLoaded() {
    this.layer?.fontsLoaded();
  }
}

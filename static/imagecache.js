// Image cache: the decoded pictures of the board's image elements, by the
// SHA-256 their src names, for the elements layer (render.js) to draw.
//
// A picture is fetched the first time the layer wants to draw it (so images
// out of view cost nothing) from the board's blob route
// (/b/<id>/blobs/<sha>, or /v/<viewId>/blobs/<sha> on a view page); the
// server marks those URLs immutable, so the browser's cache serves them
// again after a reload. Until it is decoded the layer draws a placeholder of
// the element's size. A failed fetch is tried again (1 s, 4 s, 16 s) before
// the placeholder says the picture is missing. An image this page uploaded
// is primed with the bitmap it already decoded, never fetched back. The
// bytes are kept beside the picture, so that a copy can carry them to
// another board (clipboard.js).
//
// The dark theme draws the canvas through an inverting filter (easel.css
// --canvas-filter); a picture is drawn there from a copy run through the
// inverse filter once, so that it shows as it is. Each change of state
// (loaded, failed, theme) is told to the listeners, and the layer repaints.

/** How often a picture is fetched before it counts as missing, and the waits between. */
const RETRY_MS = [1000, 4000, 16000];
/**
 * The inverse of --canvas-filter (invert(93%) hue-rotate(180deg)):
 * hue-rotate(180deg) undoes itself, and invert(100%) then contrast(116.28%)
 * maps c to 1.0814 − 1.1628c, which invert(93%) (c ↦ 0.93 − 0.86c) takes
 * back to c. Only colours the filter can show come back exactly (it shows
 * 7 %–93 % of each channel); saturated ones come back paler.
 */
export const DARK_INVERSE = 'hue-rotate(180deg) invert(100%) contrast(116.28%)';
/** The dark copy's longest side, device pixels: it is drawn scaled anyway. */
const DARK_MAX_SIDE = 4096;

/**
 * @typedef {object} Entry
 * @property {'loading' | 'loaded' | 'failed'} state
 * @property {CanvasImageSource | null} image
 * @property {number} width the picture's size, pixels (0 until loaded)
 * @property {number} height
 * @property {HTMLCanvasElement | null} dark the copy for the dark theme
 * @property {number} tries
 * @property {{type: string, bytes: Uint8Array} | null} file the blob's bytes, once loaded
 * @property {Array<() => void>} waiting called once it is loaded or failed
 */

/**
 * A fetched and decoded blob.
 * @typedef {object} Loaded
 * @property {CanvasImageSource & {width: number, height: number}} image
 * @property {{type: string, bytes: Uint8Array} | null} file
 */

export class ImageCache {
  /**
   * @param {object} opts
   * @param {string} opts.base the board's blob route ("…/blobs"): a picture is at base/<sha>
   * @param {(url: string) => Promise<Loaded>} [opts.load] fetches and decodes (tests)
   */
  constructor({ base, load }) {
    this.base = base.replace(/\/+$/, '');
    this.load = load ?? loadBitmap;
    /** @type {Map<string, Entry>} */
    this.entries = new Map();
    /** @type {Set<() => void>} */
    this.listeners = new Set();
    /** Whether the canvas is drawn through the dark theme's filter. */
    this.dark = isDark();
    if (typeof MutationObserver === 'function' && typeof document !== 'undefined') {
      new MutationObserver(() => {
        const dark = isDark();
        if (dark === this.dark) return;
        this.dark = dark;
        this.emit();
      }).observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    }
  }

  /**
   * Call fn whenever a picture arrives or fails, or the theme changes.
   * @param {() => void} fn
   */
  onChange(fn) {
    this.listeners.add(fn);
  }

  emit() {
    for (const fn of this.listeners) fn();
  }

  /**
   * What to draw for a sha now: the picture (its dark copy in the dark
   * theme), or null while it loads or when it failed. The first ask starts
   * the fetch.
   * @param {string} sha
   * @param {boolean} [live] drawn on the board canvas (false: an image of the board, never filtered)
   * @returns {CanvasImageSource | null}
   */
  image(sha, live = true) {
    const e = this.entries.get(sha) ?? this.fetch(sha);
    if (e.state !== 'loaded' || !e.image) return null;
    if (!live || !this.dark) return e.image;
    if (!e.dark) e.dark = darkCopy(e.image, e.width, e.height);
    return e.dark ?? e.image;
  }

  /**
   * @param {string} sha
   * @returns {'none' | 'loading' | 'loaded' | 'failed'}
   */
  state(sha) {
    return this.entries.get(sha)?.state ?? 'none';
  }

  /**
   * The blob's bytes and type, when this page holds them.
   * @param {string} sha
   * @returns {{type: string, bytes: Uint8Array} | null}
   */
  file(sha) {
    return this.entries.get(sha)?.file ?? null;
  }

  /**
   * Whether the board holds a blob, as far as this page can tell: its
   * picture is loaded (fetched from the board, or uploaded by this page),
   * or fetching it now succeeds.
   * @param {string} sha
   * @returns {Promise<boolean>}
   */
  async has(sha) {
    const e = this.entries.get(sha) ?? this.fetch(sha);
    if (e.state === 'loading') await new Promise((resolve) => e.waiting.push(() => resolve(undefined)));
    return this.entries.get(sha)?.state === 'loaded';
  }

  /**
   * A picture this page already holds (an upload's bitmap and bytes): drawn at once.
   * @param {string} sha
   * @param {CanvasImageSource & {width: number, height: number}} image
   * @param {{type: string, bytes: Uint8Array} | null} [file]
   */
  prime(sha, image, file = null) {
    const e = this.entries.get(sha);
    if (e?.state === 'loaded') return;
    this.entries.set(sha, { state: 'loaded', image, width: image.width, height: image.height, dark: null, tries: 0, file, waiting: [] });
    if (e) for (const fn of e.waiting.splice(0)) fn();
    this.emit();
  }

  /**
   * @param {string} sha
   * @returns {Entry}
   */
  fetch(sha) {
    /** @type {Entry} */
    const e = { state: 'loading', image: null, width: 0, height: 0, dark: null, tries: 0, file: null, waiting: [] };
    this.entries.set(sha, e);
    const attempt = () => {
      e.tries++;
      this.load(`${this.base}/${sha}`).then(
        ({ image, file }) => {
          if (this.entries.get(sha) !== e) return; // primed meanwhile
          e.state = 'loaded';
          e.image = image;
          e.width = image.width;
          e.height = image.height;
          e.file = file;
          for (const fn of e.waiting.splice(0)) fn();
          this.emit();
        },
        (err) => {
          if (this.entries.get(sha) !== e) return;
          if (e.tries <= RETRY_MS.length && !(err instanceof Gone)) {
            setTimeout(attempt, RETRY_MS[e.tries - 1]);
            return;
          }
          console.warn(`easel: image ${sha} could not be loaded`, err);
          e.state = 'failed';
          for (const fn of e.waiting.splice(0)) fn();
          this.emit();
        },
      );
    };
    attempt();
    return e;
  }
}

/** A fetch answered for good (404, 410): trying again will not help. */
class Gone extends Error {}

/**
 * Fetch a blob and decode it (EXIF orientation applied, as <img> would).
 * @param {string} url
 * @returns {Promise<Loaded>}
 */
async function loadBitmap(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (res.status === 404 || res.status === 410) throw new Gone(`GET ${url}: ${res.status}`);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  const blob = await res.blob();
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return { image: await decodeImage(blob), file: { type: blob.type, bytes } };
}

/**
 * Decode image bytes into something a canvas draws: an ImageBitmap, or an
 * <img> where createImageBitmap is missing.
 * @param {Blob} blob
 * @returns {Promise<CanvasImageSource & {width: number, height: number}>}
 */
export async function decodeImage(blob) {
  if (typeof createImageBitmap === 'function') return createImageBitmap(blob);
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return Object.assign(img, { width: img.naturalWidth, height: img.naturalHeight });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** @returns {boolean} */
function isDark() {
  return typeof document !== 'undefined' && document.documentElement.dataset.theme === 'dark';
}

/**
 * The picture through DARK_INVERSE, or null where canvases have no filter.
 * @param {CanvasImageSource} image
 * @param {number} width
 * @param {number} height
 * @returns {HTMLCanvasElement | null}
 */
function darkCopy(image, width, height) {
  const k = Math.min(1, DARK_MAX_SIDE / Math.max(width, height, 1));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * k));
  canvas.height = Math.max(1, Math.round(height * k));
  const ctx = canvas.getContext('2d');
  if (!ctx || !('filter' in ctx)) return null;
  ctx.filter = DARK_INVERSE;
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas;
}

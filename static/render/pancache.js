// The panning cache: the elements of the view and a margin around it,
// rendered at one zoom into a bitmap. It is only used once painting
// directly has become slow (zoomed out over thousands of elements). While
// the zoom and the elements stay the same, a pan only copies the right part
// of it (whole device pixels); it is rebuilt when the view leaves it. While
// a zoom goes on, the cache is drawn stretched, and the elements are painted
// properly once it rests (SETTLE_MS). After an edit the elements are painted
// directly; the cache follows when things rest.

/** The panning cache is used once a direct paint takes this long, ms. */
const CACHE_AFTER_MS = 8;
/** The panning cache covers the view plus this fraction of it on each side. */
const CACHE_MARGIN = 0.5;
/** Largest panning cache, device pixels (32 MB). */
const CACHE_PIXELS = 8 * 1024 * 1024;
/** While zooming, the cache is stretched up to this factor either way. */
const ZOOM_PREVIEW = 3;
/** A zoom or an edit has rested after this long, ms. */
const SETTLE_MS = 150;

/**
 * Draw every element in the board rect (x0, y0)–(x1, y1) with board point
 * (ox, oy) at the context's device origin; returns how many were drawn.
 * @typedef {(ctx: CanvasRenderingContext2D, ox: number, oy: number, k: number, scale: number,
 *   x0: number, y0: number, x1: number, y1: number) => number} DrawElements
 */

/**
 * @typedef {object} Bitmap
 * @property {HTMLCanvasElement} canvas
 * @property {CanvasRenderingContext2D} ctx
 * @property {number} scale
 * @property {number} dpr
 * @property {number} version
 * @property {number} x0 board rect covered
 * @property {number} y0
 * @property {number} x1
 * @property {number} y1
 */

export class PanCache {
  /** @param {() => void} repaint asks the canvas for a frame (once things rest) */
  constructor(repaint) {
    this.repaint = repaint;
    /** @type {Bitmap | null} */
    this.cache = null;
    this.lastScale = 0;
    this.lastDpr = 0;
    this.lastVersion = -1;
    /** How long the last direct paint of the elements took, ms. */
    this.directMs = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.settleTimer = undefined;
  }

  /**
   * Paint the elements of the view: from the cache when it holds this
   * view, stretched while a zoom goes on, else directly. Returns how many
   * elements are in the view (drawn, or shown from the cache).
   * @param {CanvasRenderingContext2D} ctx
   * @param {{width: number, height: number, dpr: number}} c the canvas, CSS px
   * @param {{x: number, y: number, scale: number}} view
   * @param {number} version bumped by every change of what the elements look like
   * @param {DrawElements} draw
   * @param {(x0: number, y0: number, x1: number, y1: number) => number} count
   * @returns {number}
   */
  paint(ctx, c, view, version, draw, count) {
    const { x: vx, y: vy, scale } = view;
    const dpr = c.dpr;
    const x1 = vx + c.width / scale;
    const y1 = vy + c.height / scale;
    // The same zoom and scene as the frame before: a pan (or a repaint).
    const steady = this.lastScale === scale && this.lastDpr === dpr && this.lastVersion === version;
    this.lastScale = scale;
    this.lastDpr = dpr;
    this.lastVersion = version;

    const cache = this.cache;
    const k = dpr * scale;
    const current = cache !== null && cache.dpr === dpr && cache.version === version;
    const cached = current && cache.scale === scale && cache.x0 <= vx && cache.y0 <= vy && cache.x1 >= x1 && cache.y1 >= y1;
    const slow = this.directMs >= CACHE_AFTER_MS;
    if (cached || (steady && slow && this.fill(vx, vy, x1, y1, scale, dpr, version, draw))) {
      const cc = /** @type {Bitmap} */ (this.cache);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.imageSmoothingEnabled = false; // whole device pixels: no blur while panning
      const w = Math.round(c.width * dpr);
      const h = Math.round(c.height * dpr);
      ctx.drawImage(cc.canvas, Math.round((vx - cc.x0) * k), Math.round((vy - cc.y0) * k), w, h, 0, 0, w, h);
      ctx.imageSmoothingEnabled = true;
      return count(vx, vy, x1, y1);
    }
    if (current && slow && !steady && scale / cache.scale > 1 / ZOOM_PREVIEW && scale / cache.scale < ZOOM_PREVIEW) {
      // Zooming over many elements: the cache stretched, until the zoom rests.
      const f = scale / cache.scale;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(cache.canvas, (cache.x0 - vx) * k, (cache.y0 - vy) * k, cache.canvas.width * f, cache.canvas.height * f);
      const n = count(vx, vy, x1, y1);
      this.settleLater();
      return n;
    }
    const start = performance.now();
    const drawn = draw(ctx, vx, vy, k, scale, vx, vy, x1, y1);
    this.directMs = performance.now() - start;
    // Slow: once things rest, fill the cache for the next pan or zoom.
    if (this.directMs >= CACHE_AFTER_MS) this.settleLater();
    return drawn;
  }

  /** Repaint once nothing has changed for SETTLE_MS. */
  settleLater() {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(this.repaint, SETTLE_MS);
  }

  /**
   * Render the view and a margin around it into the cache. Returns false
   * when there is no canvas for it.
   * @param {number} vx visible board rect
   * @param {number} vy
   * @param {number} x1
   * @param {number} y1
   * @param {number} scale
   * @param {number} dpr
   * @param {number} version
   * @param {DrawElements} draw
   * @returns {boolean}
   */
  fill(vx, vy, x1, y1, scale, dpr, version, draw) {
    const k = dpr * scale;
    let mx = (x1 - vx) * CACHE_MARGIN;
    let my = (y1 - vy) * CACHE_MARGIN;
    // Keep the bitmap within CACHE_PIXELS device pixels.
    const area = (x1 - vx + 2 * mx) * (y1 - vy + 2 * my) * k * k;
    if (area > CACHE_PIXELS) {
      const f = Math.sqrt(CACHE_PIXELS / area);
      mx = Math.max(0, ((x1 - vx + 2 * mx) * f - (x1 - vx)) / 2);
      my = Math.max(0, ((y1 - vy + 2 * my) * f - (y1 - vy)) / 2);
    }
    const x0 = vx - mx;
    const y0 = vy - my;
    const w = Math.ceil((x1 - vx + 2 * mx) * k) + 1;
    const h = Math.ceil((y1 - vy + 2 * my) * k) + 1;
    let cache = this.cache;
    if (!cache) {
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d');
      if (!ctx) return false;
      cache = { canvas, ctx, scale: 0, dpr: 0, version: -1, x0: 0, y0: 0, x1: 0, y1: 0 };
      this.cache = cache;
    }
    if (cache.canvas.width !== w || cache.canvas.height !== h) {
      cache.canvas.width = w;
      cache.canvas.height = h;
    } else {
      cache.ctx.setTransform(1, 0, 0, 1, 0, 0);
      cache.ctx.clearRect(0, 0, w, h);
    }
    draw(cache.ctx, x0, y0, k, scale, x0, y0, x0 + w / k, y0 + h / k);
    cache.scale = scale;
    cache.dpr = dpr;
    cache.version = version;
    cache.x0 = x0;
    cache.y0 = y0;
    cache.x1 = x0 + (w - 1) / k;
    cache.y1 = y0 + (h - 1) / k;
    return true;
  }
}

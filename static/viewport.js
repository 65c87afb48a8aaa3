// Viewport: the transform between board coordinates (what the protocol
// speaks: cursors, elements) and screen coordinates (CSS pixels relative to
// the top-left corner of the board canvas).
//
//   screen = (board - origin) * scale
//   board  = screen / scale + origin
//
// It starts as the identity (origin (0, 0), scale 1); navigate.js pans and
// zooms by calling set(), and every layer that listens to onChange (the
// canvas, remote cursors, the outgoing cursor, the text editor) follows.

/**
 * @typedef {object} Point
 * @property {number} x
 * @property {number} y
 */

/**
 * @typedef {object} ViewState
 * @property {number} x board x at the canvas's left edge
 * @property {number} y board y at the canvas's top edge
 * @property {number} scale screen pixels per board unit
 */

export const MIN_SCALE = 0.1;
export const MAX_SCALE = 8;

export class Viewport {
  constructor() {
    /** @type {ViewState} */
    this.view = { x: 0, y: 0, scale: 1 };
    /** @type {Set<(view: ViewState) => void>} */
    this.listeners = new Set();
  }

  /**
   * Board coordinates of a screen point.
   * @param {number} sx CSS pixels from the canvas's left edge
   * @param {number} sy CSS pixels from the canvas's top edge
   * @returns {Point}
   */
  toBoard(sx, sy) {
    const { x, y, scale } = this.view;
    return { x: sx / scale + x, y: sy / scale + y };
  }

  /**
   * Screen coordinates (CSS pixels from the canvas's top-left) of a board point.
   * @param {number} bx
   * @param {number} by
   * @returns {Point}
   */
  toScreen(bx, by) {
    const { x, y, scale } = this.view;
    return { x: (bx - x) * scale, y: (by - y) * scale };
  }

  /** @returns {number} screen pixels per board unit */
  get scale() {
    return this.view.scale;
  }

  /**
   * Change the view (pan/zoom) and notify listeners. Missing fields keep
   * their value; scale is clamped to [MIN_SCALE, MAX_SCALE].
   * @param {Partial<ViewState>} next
   */
  set(next) {
    const view = { ...this.view, ...next };
    if (!Number.isFinite(view.x) || !Number.isFinite(view.y) || !Number.isFinite(view.scale)) return;
    view.scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, view.scale));
    if (view.x === this.view.x && view.y === this.view.y && view.scale === this.view.scale) return;
    this.view = view;
    for (const fn of this.listeners) fn(view);
  }

  /**
   * Call fn after every change of the view.
   * @param {(view: ViewState) => void} fn
   * @returns {() => void} unsubscribe
   */
  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

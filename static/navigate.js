// Navigate: pan and zoom of the viewport, from every input that asks for
// it. The wheel pans (shift+wheel sideways); ctrl/cmd+wheel and trackpad
// pinches (which browsers send as ctrl+wheel) zoom around the pointer;
// space+drag and middle-button drag pan; two fingers on a touch screen pan
// and pinch-zoom; the keys + and - zoom in and out, Ctrl/⌘+0 back to 100 %. Shift+1
// fits everything on screen; the 100 % button also brings the drawing back
// when none of it is in view (the hand tool, tools/hand.js, pans too).

import { MAX_SCALE, MIN_SCALE } from './viewport.js';

/** @typedef {import('./viewport.js').Viewport} Viewport */

/** Zoom factor of one keyboard or button step. */
export const ZOOM_STEP = 1.25;
/** Pixels of one wheel "line" (deltaMode 1). */
const LINE_PX = 16;

/**
 * The viewport that keeps board point under screen point (sx, sy) fixed
 * while changing the scale.
 * @param {{x: number, y: number, scale: number}} view
 * @param {number} sx
 * @param {number} sy
 * @param {number} scale the new scale (clamped to 0.1–8)
 * @returns {{x: number, y: number, scale: number}}
 */
export function zoomAround(view, sx, sy, scale) {
  const s = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
  const bx = sx / view.scale + view.x;
  const by = sy / view.scale + view.y;
  return { x: bx - sx / s, y: by - sy / s, scale: s };
}

/** Room left around the drawing by "zoom to fit", CSS px. */
export const FIT_MARGIN = 48;

/**
 * @typedef {object} Box
 * @property {number} minX
 * @property {number} minY
 * @property {number} maxX
 * @property {number} maxY
 */

/**
 * The view that shows the whole box centred on a w × h screen with a
 * margin, never zoomed in past 100 % (a single small shape is not blown up,
 * as in Excalidraw) nor out past the smallest scale.
 * @param {Box} box board units
 * @param {number} w screen width, CSS px
 * @param {number} h screen height
 * @param {number} [margin]
 * @returns {{x: number, y: number, scale: number}}
 */
export function fitView(box, w, h, margin = FIT_MARGIN) {
  const bw = Math.max(box.maxX - box.minX, 1e-6);
  const bh = Math.max(box.maxY - box.minY, 1e-6);
  const room = (/** @type {number} */ n) => Math.max(n - 2 * margin, n / 2, 1);
  const scale = Math.min(1, MAX_SCALE, Math.max(MIN_SCALE, Math.min(room(w) / bw, room(h) / bh)));
  return centredOn(box, w, h, scale);
}

/**
 * The view at this scale with the box's centre in the middle of the screen.
 * @param {Box} box
 * @param {number} w
 * @param {number} h
 * @param {number} scale
 * @returns {{x: number, y: number, scale: number}}
 */
export function centredOn(box, w, h, scale) {
  const cx = (box.minX + box.maxX) / 2;
  const cy = (box.minY + box.maxY) / 2;
  return { x: cx - w / 2 / scale, y: cy - h / 2 / scale, scale };
}

/**
 * Whether any part of the box is on a w × h screen showing view.
 * @param {Box} box
 * @param {{x: number, y: number, scale: number}} view
 * @param {number} w
 * @param {number} h
 * @returns {boolean}
 */
export function boxInView(box, view, w, h) {
  const x1 = view.x + w / view.scale;
  const y1 = view.y + h / view.scale;
  return box.maxX >= view.x && box.minX <= x1 && box.maxY >= view.y && box.minY <= y1;
}

/**
 * Wheel deltas in CSS pixels whatever the event's deltaMode.
 * @param {WheelEvent} ev
 * @param {number} pageHeight
 * @returns {{dx: number, dy: number}}
 */
export function wheelPixels(ev, pageHeight) {
  const unit = ev.deltaMode === 1 ? LINE_PX : ev.deltaMode === 2 ? pageHeight : 1;
  return { dx: ev.deltaX * unit, dy: ev.deltaY * unit };
}

export class Navigator {
  /**
   * @param {HTMLElement} surface the canvas
   * @param {Viewport} viewport
   */
  constructor(surface, viewport) {
    this.surface = surface;
    this.viewport = viewport;
    /** Whether space is held (space+drag pans). */
    this.spaceHeld = false;
    /** The pointer panning, if any. @type {{id: number, sx: number, sy: number} | null} */
    this.pan = null;
    /** Touch pointers down, screen positions. @type {Map<number, {x: number, y: number}>} */
    this.touches = new Map();
    /** @type {{dist: number, mx: number, my: number} | null} */
    this.pinch = null;

    surface.addEventListener('wheel', (ev) => this.onWheel(ev), { passive: false });
  }

  /**
   * A screen point relative to the surface.
   * @param {{clientX: number, clientY: number}} ev
   * @returns {{x: number, y: number}}
   */
  local(ev) {
    const r = this.surface.getBoundingClientRect();
    return { x: ev.clientX - r.left, y: ev.clientY - r.top };
  }

  /** @param {WheelEvent} ev */
  onWheel(ev) {
    ev.preventDefault();
    const v = this.viewport.view;
    const { dx, dy } = wheelPixels(ev, this.surface.clientHeight);
    if (ev.ctrlKey || ev.metaKey) {
      // Pinch gestures send small deltas, mouse wheels ~100 a notch.
      const d = Math.max(-50, Math.min(50, dy));
      const p = this.local(ev);
      this.viewport.set(zoomAround(v, p.x, p.y, v.scale * Math.exp(-d * 0.01)));
      return;
    }
    let px = dx;
    let py = dy;
    if (ev.shiftKey && px === 0) {
      px = py;
      py = 0;
    }
    this.viewport.set({ x: v.x + px / v.scale, y: v.y + py / v.scale });
  }

  /**
   * Zoom by a factor around a screen point (the centre by default).
   * @param {number} factor
   * @param {number} [sx]
   * @param {number} [sy]
   */
  zoomBy(factor, sx = this.surface.clientWidth / 2, sy = this.surface.clientHeight / 2) {
    const v = this.viewport.view;
    this.viewport.set(zoomAround(v, sx, sy, v.scale * factor));
  }

  /** Back to 100 %, keeping the centre of the screen where it is. */
  resetZoom() {
    const v = this.viewport.view;
    this.viewport.set(zoomAround(v, this.surface.clientWidth / 2, this.surface.clientHeight / 2, 1));
  }

  /**
   * Show all of box (board units), or nothing when there is no drawing.
   * @param {Box | null} box
   */
  fit(box) {
    if (box) this.viewport.set(fitView(box, this.surface.clientWidth, this.surface.clientHeight));
  }

  /**
   * Back to 100 %; when none of box is in view then, centre on it.
   * @param {Box | null} box the drawing
   */
  resetZoomTo(box) {
    this.resetZoom();
    const w = this.surface.clientWidth;
    const h = this.surface.clientHeight;
    if (box && !boxInView(box, this.viewport.view, w, h)) this.viewport.set(centredOn(box, w, h, 1));
  }

  /**
   * Pointer down: take it when it pans (middle button, space held, or a
   * second finger). Returns whether the navigator took the pointer.
   * @param {PointerEvent} ev
   * @returns {boolean}
   */
  down(ev) {
    if (ev.pointerType === 'touch') {
      this.touches.set(ev.pointerId, this.local(ev));
      if (this.touches.size === 2) {
        this.startPinch();
        return true;
      }
      return this.touches.size > 2;
    }
    if (ev.button === 1 || (ev.button === 0 && this.spaceHeld)) {
      const p = this.local(ev);
      this.pan = { id: ev.pointerId, sx: p.x, sy: p.y };
      return true;
    }
    return false;
  }

  /**
   * Pointer move: returns whether it belonged to a pan or pinch.
   * @param {PointerEvent} ev
   * @returns {boolean}
   */
  move(ev) {
    if (ev.pointerType === 'touch' && this.touches.has(ev.pointerId)) {
      this.touches.set(ev.pointerId, this.local(ev));
      if (this.pinch) {
        this.updatePinch();
        return true;
      }
      return false;
    }
    if (this.pan && this.pan.id === ev.pointerId) {
      const p = this.local(ev);
      const v = this.viewport.view;
      this.viewport.set({ x: v.x - (p.x - this.pan.sx) / v.scale, y: v.y - (p.y - this.pan.sy) / v.scale });
      this.pan.sx = p.x;
      this.pan.sy = p.y;
      return true;
    }
    return false;
  }

  /**
   * Pointer up or cancel: returns whether it belonged to a pan or pinch.
   * @param {PointerEvent} ev
   * @returns {boolean}
   */
  up(ev) {
    if (ev.pointerType === 'touch') {
      this.touches.delete(ev.pointerId);
      if (this.pinch) {
        if (this.touches.size < 2) this.pinch = null;
        return true;
      }
      return false;
    }
    if (this.pan && this.pan.id === ev.pointerId) {
      this.pan = null;
      return true;
    }
    return false;
  }

  /** @returns {boolean} whether a pan or pinch is going on */
  get active() {
    return this.pan !== null || this.pinch !== null;
  }

  startPinch() {
    const [a, b] = [...this.touches.values()];
    this.pinch = { dist: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2 };
  }

  updatePinch() {
    const pinch = /** @type {{dist: number, mx: number, my: number}} */ (this.pinch);
    const [a, b] = [...this.touches.values()];
    const dist = Math.max(1, Math.hypot(a.x - b.x, a.y - b.y));
    const mx = (a.x + b.x) / 2;
    const my = (a.y + b.y) / 2;
    let v = this.viewport.view;
    // Pan with the midpoint, then zoom around it.
    v = { ...v, x: v.x - (mx - pinch.mx) / v.scale, y: v.y - (my - pinch.my) / v.scale };
    this.viewport.set(zoomAround(v, mx, my, v.scale * (dist / pinch.dist)));
    this.pinch = { dist, mx, my };
  }
}

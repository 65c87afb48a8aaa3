// Select tool: click selects (shift-click adds or removes), a drag from empty
// space selects what the band encloses, a drag on the selection moves it,
// the corner handles resize it (a single turned element in its own frame;
// images keep their proportions unless Shift is held;
// line and arrow: their end points, which bind to the shape they are dropped
// on), the handle above the selection turns it about its centre (Shift:
// 15° steps), a double-click on a text or sticky edits it and on a rect,
// ellipse or diamond edits its label. Every gesture ends in one ops
// message, with the lines bound to what it moved following along.

import { detach, followBindings, placeEnd } from '../bindings.js';
import { LABEL_KINDS } from '../element.js';
import {
  absolutePoints,
  boundsBox,
  boxContains,
  boxFrom,
  resizeInFrame,
  rotateAbout,
  rotateElement,
  scaleElement,
  shapeBox,
  translate,
  unionBoxes,
} from '../geometry.js';
import { HANDLE_PX, paintBand, paintBindTarget, paintHandles, paintRotateHandle, ROTATE_HANDLE_PX } from '../render.js';
import { editLabel } from './text.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../geometry.js').Box} Box */
/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/** A press that moves less than this (CSS px) is a click. */
const CLICK_SLOP = 3;
/** The rotate handle sits this far (CSS px) above the selection's frame. */
const ROTATE_OFFSET = 22;
/** Shift turns in steps of this. */
const ROTATE_STEP = Math.PI / 12;

/**
 * A handle under the pointer: a corner of the selection's frame (index 0–3:
 * top-left, top-right, bottom-right, bottom-left of the frame), an end
 * point of a single line or arrow, or the rotate handle.
 * @typedef {{type: 'corner', index: number} | {type: 'end', index: number} | {type: 'rotate', index: number}} Handle
 */

/**
 * The selection's frame in board units: a single element's box turned with
 * it, or the axis-aligned bounds of several.
 * @typedef {{cx: number, cy: number, w: number, h: number, rot: number}} Frame
 */

/**
 * @typedef {object} Gesture
 * @property {'press' | 'move' | 'band' | 'scale' | 'end' | 'rotate'} mode
 * @property {number} sx screen point where it began
 * @property {number} sy
 * @property {number} bx board point where it began
 * @property {number} by
 * @property {Element[]} originals the selection as it was
 * @property {string | null} clicked element pressed on (select only it on a plain click)
 * @property {Set<string>} base selection kept by a shift band
 * @property {Handle | null} handle
 * @property {Frame | null} frame the selection's frame at the start of a scale or turn
 * @property {{x: number, y: number}} now current board point
 * @property {number} angle the turn so far (rotate)
 * @property {{x: number, y: number}} grab where the pointer is from the grabbed corner (scale), so the corner does not jump to it
 * @property {Element | null} target the shape a dragged line end binds to
 * @property {Map<string, Element | null> | null} result what the gesture makes
 */

/**
 * A CSS resize cursor for a handle in direction (dx, dy) from the centre.
 * @param {number} dx
 * @param {number} dy
 * @returns {string}
 */
function resizeCursor(dx, dy) {
  const a = ((Math.atan2(dy, dx) * 180) / Math.PI + 360) % 180; // 0–180, y down
  if (a < 22.5 || a >= 157.5) return 'ew-resize';
  if (a < 67.5) return 'nwse-resize';
  if (a < 112.5) return 'ns-resize';
  return 'nesw-resize';
}

/**
 * Whether two versions of an element are the same (the fields a gesture
 * changes; points compared by identity, bindings by id).
 * @param {Element} a
 * @param {Element} b
 */
function unchanged(a, b) {
  return (
    a.x === b.x &&
    a.y === b.y &&
    a.w === b.w &&
    a.h === b.h &&
    a.rot === b.rot &&
    a.points === b.points &&
    a.font === b.font &&
    a.start?.id === b.start?.id &&
    a.end?.id === b.end?.id
  );
}

export class SelectTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'select';
    this.cursor = 'default';
    /** @type {Gesture | null} */
    this.g = null;
  }

  /** The selected elements as shown. @returns {Element[]} */
  selected() {
    const out = [];
    for (const id of this.board.selection) {
      const el = this.board.layer.shown(id);
      if (el) out.push(el);
    }
    return out;
  }

  /**
   * The frame of elements: one element's own turned box, else the bounds
   * of all of them.
   * @param {Element[]} els
   * @returns {Frame | null}
   */
  frameOf(els) {
    if (els.length === 0) return null;
    if (els.length === 1) {
      const b = shapeBox(els[0]);
      return { cx: (b.minX + b.maxX) / 2, cy: (b.minY + b.maxY) / 2, w: b.maxX - b.minX, h: b.maxY - b.minY, rot: els[0].rot || 0 };
    }
    const b = /** @type {Box} */ (unionBoxes(els.map((el) => boundsBox(el))));
    return { cx: (b.minX + b.maxX) / 2, cy: (b.minY + b.maxY) / 2, w: b.maxX - b.minX, h: b.maxY - b.minY, rot: 0 };
  }

  /**
   * The handles of the current selection, screen points.
   * @returns {Array<{handle: Handle, x: number, y: number}>}
   */
  handles() {
    const b = this.board;
    if (b.readOnly) return [];
    const els = this.selected();
    if (els.length === 0) return [];
    const v = b.viewport;
    if (els.length === 1 && (els[0].kind === 'line' || els[0].kind === 'arrow') && els[0].points && els[0].points.length >= 2) {
      const pts = absolutePoints(els[0]);
      const last = pts.length - 1;
      return [0, last].map((index) => {
        const p = v.toScreen(pts[index][0], pts[index][1]);
        return { handle: /** @type {Handle} */ ({ type: 'end', index }), x: p.x, y: p.y };
      });
    }
    let f = /** @type {Frame} */ (this.frameOf(els));
    // While turning, the frame turns with the pointer.
    const g = this.g;
    if (g && g.mode === 'rotate' && g.frame) f = { ...g.frame, rot: g.frame.rot + g.angle };
    const pad = 4 / v.scale;
    const hw = f.w / 2 + pad;
    const hh = f.h / 2 + pad;
    const at = (/** @type {number} */ x, /** @type {number} */ y) => {
      const p = rotateAbout(f.cx + x, f.cy + y, f.cx, f.cy, f.rot);
      return v.toScreen(p.x, p.y);
    };
    const corners = [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
    const out = corners.map((p, index) => ({ handle: /** @type {Handle} */ ({ type: 'corner', index }), x: p.x, y: p.y }));
    const top = at(0, -hh - ROTATE_OFFSET / v.scale);
    out.push({ handle: { type: 'rotate', index: 0 }, x: top.x, y: top.y });
    return out;
  }

  /**
   * The handle at a screen point, if any (a finger reaches further).
   * @param {number} sx
   * @param {number} sy
   * @param {boolean} [touch]
   * @returns {Handle | null}
   */
  handleAt(sx, sy, touch = false) {
    for (const h of this.handles()) {
      const reach = (h.handle.type === 'rotate' ? ROTATE_HANDLE_PX : HANDLE_PX) / 2 + (touch ? 10 : 3);
      if (Math.abs(h.x - sx) <= reach && Math.abs(h.y - sy) <= reach) return h.handle;
    }
    return null;
  }

  /** @param {ToolPointer} p */
  hover(p) {
    const hs = this.handles();
    const h = this.handleAt(p.sx, p.sy);
    if (h && h.type === 'corner') {
      const c = hs[h.index];
      const mid = { x: (hs[0].x + hs[2].x) / 2, y: (hs[0].y + hs[2].y) / 2 };
      this.board.setCursor(resizeCursor(c.x - mid.x, c.y - mid.y));
    } else if (h) this.board.setCursor(h.type === 'rotate' ? 'grab' : 'crosshair');
    else if (!this.board.readOnly && this.board.hitTop(p.x, p.y)) this.board.setCursor('move');
    else this.board.setCursor(this.cursor);
  }

  /** @param {ToolPointer} p */
  down(p) {
    const b = this.board;
    /** @type {Gesture} */
    const g = {
      mode: 'press',
      sx: p.sx,
      sy: p.sy,
      bx: p.x,
      by: p.y,
      originals: [],
      clicked: null,
      base: new Set(),
      handle: null,
      frame: null,
      now: { x: p.x, y: p.y },
      angle: 0,
      grab: { x: 0, y: 0 },
      target: null,
      result: null,
    };
    // Handles first, Shift or not: Shift changes what a drag of them does.
    const handle = this.handleAt(p.sx, p.sy, p.pointerType === 'touch');
    if (handle) {
      g.mode = handle.type === 'corner' ? 'scale' : handle.type;
      g.handle = handle;
      g.originals = this.selected();
      g.frame = this.frameOf(g.originals);
      if (handle.type === 'corner' && g.frame) {
        const f = g.frame;
        const sx = handle.index === 1 || handle.index === 2 ? 1 : -1;
        const sy = handle.index >= 2 ? 1 : -1;
        const c = rotateAbout(f.cx + (sx * f.w) / 2, f.cy + (sy * f.h) / 2, f.cx, f.cy, f.rot);
        g.grab = { x: p.x - c.x, y: p.y - c.y };
      }
      if (handle.type === 'rotate') b.setCursor('grabbing');
      this.g = g;
      return;
    }
    const hit = b.hitTop(p.x, p.y);
    if (hit) {
      if (p.shift) {
        const next = new Set(b.selection);
        if (next.has(hit.id)) next.delete(hit.id);
        else next.add(hit.id);
        b.select(next);
      } else if (!b.selection.has(hit.id)) {
        b.select([hit.id]);
      } else {
        g.clicked = hit.id;
      }
      g.originals = b.selection.has(hit.id) ? this.selected() : [];
      this.g = g;
      return;
    }
    g.mode = 'band';
    if (p.shift) g.base = new Set(b.selection);
    else b.select([]);
    this.g = g;
  }

  /** @param {ToolPointer} p */
  move(p) {
    const g = this.g;
    if (!g) return this.hover(p);
    const b = this.board;
    g.now = { x: p.x, y: p.y };
    if (g.mode === 'press') {
      if (Math.hypot(p.sx - g.sx, p.sy - g.sy) < CLICK_SLOP) return;
      if (g.originals.length === 0 || b.readOnly) {
        g.mode = 'band';
        g.base = new Set(b.selection);
      } else {
        g.mode = 'move';
      }
    }
    switch (g.mode) {
      case 'move': {
        const dx = p.x - g.bx;
        const dy = p.y - g.by;
        const moving = new Set(g.originals.map((el) => el.id));
        // A line moved without the shapes it is bound to comes off them.
        g.result = new Map(g.originals.map((el) => [el.id, detach(translate(el, dx, dy), (id) => moving.has(id))]));
        this.preview(g.result);
        break;
      }
      case 'scale':
        g.result = this.scaled(g, p);
        this.preview(g.result);
        break;
      case 'end':
        g.result = this.endMoved(g, p);
        this.preview(g.result);
        break;
      case 'rotate':
        g.result = this.rotated(g, p);
        this.preview(g.result);
        break;
      case 'band': {
        const box = boxFrom(g.bx, g.by, p.x, p.y);
        const ids = new Set(g.base);
        const tmp = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
        b.layer.each((el, item) => {
          // Cheap reject on the cached paint box first.
          if (!el.rot && (item.maxX < box.minX || item.minX > box.maxX || item.maxY < box.minY || item.minY > box.maxY)) return;
          if (boxContains(box, boundsBox(el, tmp))) ids.add(el.id);
        });
        b.select(ids);
        b.layer.invalidate();
        break;
      }
      default:
        break;
    }
  }

  /**
   * Show a gesture's result with the lines bound to what it changes
   * following along (they are added to the result, so the commit sends
   * them too).
   * @param {Map<string, Element | null>} result
   */
  preview(result) {
    const b = this.board;
    const lines = followBindings(result, b.sync.view.values(), (id) => b.sync.get(id));
    for (const [id, el] of lines) result.set(id, el);
    b.preview(result);
  }

  /**
   * The selection resized by dragging a corner handle; shift keeps the
   * proportions (single text elements always do). A selection holding an
   * image keeps them unless shift is held, as in Excalidraw: a picture is
   * rarely meant to be stretched. One element resizes in its own (turned)
   * frame; several scale their bounds.
   * @param {Gesture} g
   * @param {ToolPointer} p
   * @returns {Map<string, Element | null>}
   */
  scaled(g, p) {
    p = { ...p, x: p.x - g.grab.x, y: p.y - g.grab.y };
    const idx = /** @type {Handle} */ (g.handle).index;
    const keep = g.originals.some((el) => el.kind === 'image') ? !p.shift : p.shift || (g.originals.length === 1 && g.originals[0].kind === 'text');
    if (g.originals.length === 1) {
      const el = g.originals[0];
      return new Map([[el.id, resizeInFrame(el, idx, p.x, p.y, keep)]]);
    }
    const f = /** @type {Frame} */ (g.frame);
    const box = { minX: f.cx - f.w / 2, minY: f.cy - f.h / 2, maxX: f.cx + f.w / 2, maxY: f.cy + f.h / 2 };
    const hx = idx === 1 || idx === 2 ? box.maxX : box.minX;
    const hy = idx >= 2 ? box.maxY : box.minY;
    const ax = idx === 1 || idx === 2 ? box.minX : box.maxX;
    const ay = idx >= 2 ? box.minY : box.maxY;
    const span = (/** @type {number} */ d) => (Math.abs(d) < 1e-6 ? 1e-6 : d);
    let sx = (p.x - ax) / span(hx - ax);
    let sy = (p.y - ay) / span(hy - ay);
    if (keep) {
      const s = Math.max(Math.abs(sx), Math.abs(sy));
      sx = Math.sign(sx || 1) * s;
      sy = Math.sign(sy || 1) * s;
    }
    // Flat boxes (a horizontal line) cannot scale in their flat direction.
    if (box.maxX - box.minX < 1e-6) sx = 1;
    if (box.maxY - box.minY < 1e-6) sy = 1;
    const min = 0.01;
    if (Math.abs(sx) < min) sx = Math.sign(sx || 1) * min;
    if (Math.abs(sy) < min) sy = Math.sign(sy || 1) * min;
    return new Map(g.originals.map((el) => [el.id, scaleElement(el, ax, ay, sx, sy)]));
  }

  /**
   * The selection turned about its frame's centre by the pointer's angle
   * around it since the press. Shift: a single element's rot, or the turn
   * of several, in 15° steps.
   * @param {Gesture} g
   * @param {ToolPointer} p
   * @returns {Map<string, Element | null>}
   */
  rotated(g, p) {
    const f = /** @type {Frame} */ (g.frame);
    // The handle starts straight above the centre in the frame's own turn.
    const from = Math.atan2(g.by - f.cy, g.bx - f.cx);
    let angle = Math.atan2(p.y - f.cy, p.x - f.cx) - from;
    if (p.shift) {
      const base = g.originals.length === 1 ? g.originals[0].rot || 0 : 0;
      angle = Math.round((base + angle) / ROTATE_STEP) * ROTATE_STEP - base;
    }
    g.angle = angle;
    return new Map(g.originals.map((el) => [el.id, rotateElement(el, f.cx, f.cy, angle)]));
  }

  /**
   * A line or arrow with one end dragged: bound to the shape it is dropped
   * on (snapped to its edge), unbound elsewhere.
   * @param {Gesture} g
   * @param {ToolPointer} p
   * @returns {Map<string, Element | null>}
   */
  endMoved(g, p) {
    const b = this.board;
    const el = g.originals[0];
    const index = /** @type {Handle} */ (g.handle).index;
    const other = index === 0 ? el.end : el.start;
    const target = b.bindTargetAt(p.x, p.y, el.id);
    g.target = target && target.id !== other?.id ? target : null;
    const moved = placeEnd(el, index, p.x, p.y, g.target, (id) => b.sync.get(id));
    return new Map([[el.id, moved]]);
  }

  /** @param {ToolPointer} _p */
  up(_p) {
    const g = this.g;
    this.g = null;
    if (!g) return;
    const b = this.board;
    b.endPreview();
    if (g.mode === 'press' && g.clicked) {
      b.select([g.clicked]);
      return;
    }
    if (g.mode === 'band') {
      b.layer.invalidate();
      return;
    }
    if (!g.result || b.readOnly) return;
    /** @type {import('../element.js').Op[]} */
    const ops = [];
    for (const el of g.result.values()) {
      if (!el) continue;
      const before = b.sync.get(el.id);
      // Only elements still on the board: someone may have deleted one meanwhile.
      if (!before || unchanged(before, el)) continue;
      ops.push({ op: 'put', el });
    }
    b.commit(ops);
  }

  cancel() {
    if (!this.g) return;
    this.g = null;
    this.board.endPreview();
  }

  /** @param {ToolPointer} p */
  doubleClick(p) {
    const b = this.board;
    if (b.readOnly) return;
    const hit = b.hitTop(p.x, p.y);
    // On empty space a new text starts there, as in Excalidraw.
    if (!hit) b.tools.text.down(p);
    else this.editElement(hit);
  }

  /**
   * Edit the text of a text or sticky, or the label of a shape (a
   * double-click on it, or Enter with it selected).
   * @param {Element} el
   * @returns {boolean} whether it has text to edit
   */
  editElement(el) {
    const b = this.board;
    if (el.kind === 'text' || el.kind === 'sticky') {
      b.select([el.id]);
      b.editText(el, false);
      return true;
    }
    if (LABEL_KINDS.has(el.kind)) {
      b.select([el.id]);
      editLabel(b, el);
      return true;
    }
    return false;
  }

  /** @param {CanvasRenderingContext2D} ctx */
  drawOverlay(ctx) {
    const g = this.g;
    const v = this.board.viewport;
    if (g && g.mode === 'band') {
      paintBand(ctx, v.toScreen(g.bx, g.by), v.toScreen(g.now.x, g.now.y));
      return;
    }
    if (g && g.mode === 'move') return;
    if (g && g.mode === 'end' && g.target) paintBindTarget(ctx, g.target, v);
    const hs = this.handles();
    const corners = hs.filter((h) => h.handle.type !== 'rotate');
    const rot = hs.find((h) => h.handle.type === 'rotate');
    if (rot) paintRotateHandle(ctx, rot, { x: (corners[0].x + corners[1].x) / 2, y: (corners[0].y + corners[1].y) / 2 });
    if (corners.length > 0) paintHandles(ctx, corners);
  }
}

// Select tool: click selects (shift-click adds or removes), a drag from empty
// space selects what the band encloses, a drag on the selection moves it,
// the corner handles scale it (line and arrow: their end points), a
// double-click on a text or sticky edits it. Every gesture ends in one ops
// message.

import { boxContains, boxFrom, scaleElement, shapeBox, translate, unionBoxes } from '../geometry.js';
import { HANDLE_PX, paintBand, paintHandles } from '../render.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../geometry.js').Box} Box */
/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/** A press that moves less than this (CSS px) is a click. */
const CLICK_SLOP = 3;

/**
 * A handle under the pointer: a corner of the selection's box (index 0–3:
 * top-left, top-right, bottom-right, bottom-left), or an end point of a
 * single line or arrow.
 * @typedef {{type: 'corner', index: number} | {type: 'end', index: number}} Handle
 */

const CORNER_CURSORS = ['nwse-resize', 'nesw-resize', 'nwse-resize', 'nesw-resize'];

/**
 * @typedef {object} Gesture
 * @property {'press' | 'move' | 'band' | 'scale' | 'end'} mode
 * @property {number} sx screen point where it began
 * @property {number} sy
 * @property {number} bx board point where it began
 * @property {number} by
 * @property {Element[]} originals the selection as it was
 * @property {string | null} clicked element pressed on (select only it on a plain click)
 * @property {Set<string>} base selection kept by a shift band
 * @property {Handle | null} handle
 * @property {Box | null} box the selection's box at the start of a scale
 * @property {{x: number, y: number}} now current board point
 * @property {Map<string, Element | null> | null} result what the gesture makes
 */

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
      const el = els[0];
      const pts = /** @type {Array<[number, number]>} */ (el.points);
      const last = pts.length - 1;
      return [0, last].map((index) => {
        const p = v.toScreen(el.x + pts[index][0], el.y + pts[index][1]);
        return { handle: /** @type {Handle} */ ({ type: 'end', index }), x: p.x, y: p.y };
      });
    }
    const box = /** @type {Box} */ (unionBoxes(els.map((el) => shapeBox(el))));
    const a = v.toScreen(box.minX, box.minY);
    const c = v.toScreen(box.maxX, box.maxY);
    const pad = 4;
    const corners = [
      [a.x - pad, a.y - pad],
      [c.x + pad, a.y - pad],
      [c.x + pad, c.y + pad],
      [a.x - pad, c.y + pad],
    ];
    return corners.map(([x, y], index) => ({ handle: /** @type {Handle} */ ({ type: 'corner', index }), x, y }));
  }

  /**
   * The handle at a screen point, if any.
   * @param {number} sx
   * @param {number} sy
   * @returns {Handle | null}
   */
  handleAt(sx, sy) {
    const reach = HANDLE_PX / 2 + 3;
    for (const h of this.handles()) {
      if (Math.abs(h.x - sx) <= reach && Math.abs(h.y - sy) <= reach) return h.handle;
    }
    return null;
  }

  /** @param {ToolPointer} p */
  hover(p) {
    const h = this.handleAt(p.sx, p.sy);
    if (h) this.board.setCursor(h.type === 'corner' ? CORNER_CURSORS[h.index] : 'crosshair');
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
      box: null,
      now: { x: p.x, y: p.y },
      result: null,
    };
    const handle = p.shift ? null : this.handleAt(p.sx, p.sy);
    if (handle) {
      g.mode = handle.type === 'corner' ? 'scale' : 'end';
      g.handle = handle;
      g.originals = this.selected();
      g.box = unionBoxes(g.originals.map((el) => shapeBox(el)));
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
        g.result = new Map(g.originals.map((el) => [el.id, translate(el, dx, dy)]));
        b.preview(g.result);
        break;
      }
      case 'scale':
        g.result = this.scaled(g, p);
        b.preview(g.result);
        break;
      case 'end':
        g.result = this.endMoved(g, p);
        b.preview(g.result);
        break;
      case 'band': {
        const box = boxFrom(g.bx, g.by, p.x, p.y);
        const ids = new Set(g.base);
        const tmp = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
        b.layer.each((el, item) => {
          // Cheap reject on the cached paint box first.
          if (item.maxX < box.minX || item.minX > box.maxX || item.maxY < box.minY || item.minY > box.maxY) return;
          if (boxContains(box, shapeBox(el, tmp))) ids.add(el.id);
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
   * The selection scaled by dragging a corner handle; shift keeps the
   * proportions (single text elements always do).
   * @param {Gesture} g
   * @param {ToolPointer} p
   * @returns {Map<string, Element | null>}
   */
  scaled(g, p) {
    const box = /** @type {Box} */ (g.box);
    const idx = /** @type {Handle} */ (g.handle).index;
    const hx = idx === 1 || idx === 2 ? box.maxX : box.minX;
    const hy = idx >= 2 ? box.maxY : box.minY;
    const ax = idx === 1 || idx === 2 ? box.minX : box.maxX;
    const ay = idx >= 2 ? box.minY : box.maxY;
    const span = (/** @type {number} */ d) => (Math.abs(d) < 1e-6 ? 1e-6 : d);
    let sx = (p.x - ax) / span(hx - ax);
    let sy = (p.y - ay) / span(hy - ay);
    const keep = p.shift || (g.originals.length === 1 && g.originals[0].kind === 'text');
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
   * A line or arrow with one end dragged.
   * @param {Gesture} g
   * @param {ToolPointer} p
   * @returns {Map<string, Element | null>}
   */
  endMoved(g, p) {
    const el = g.originals[0];
    const pts = /** @type {Array<[number, number]>} */ (el.points).map((q) => [el.x + q[0], el.y + q[1]]);
    const index = /** @type {Handle} */ (g.handle).index;
    pts[index] = [p.x, p.y];
    const x = Math.round(pts[0][0] * 100) / 100;
    const y = Math.round(pts[0][1] * 100) / 100;
    /** @type {Array<[number, number]>} */
    const points = pts.map((q) => [Math.round((q[0] - x) * 100) / 100, Math.round((q[1] - y) * 100) / 100]);
    const moved = { ...el, x, y, points };
    const box = shapeBox(moved);
    moved.w = Math.round((box.maxX - box.minX) * 100) / 100;
    moved.h = Math.round((box.maxY - box.minY) * 100) / 100;
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
      const before = g.originals.find((o) => o.id === el.id);
      if (before && before.x === el.x && before.y === el.y && before.w === el.w && before.h === el.h && before.points === el.points && before.font === el.font) continue;
      // Only elements still on the board: someone may have deleted one meanwhile.
      if (!b.sync.get(el.id)) continue;
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
    const hit = this.board.hitTop(p.x, p.y);
    if (hit && (hit.kind === 'text' || hit.kind === 'sticky') && !this.board.readOnly) {
      this.board.select([hit.id]);
      this.board.editText(hit, false);
    }
  }

  /** @param {CanvasRenderingContext2D} ctx */
  drawOverlay(ctx) {
    const g = this.g;
    if (g && g.mode === 'band') {
      const v = this.board.viewport;
      paintBand(ctx, v.toScreen(g.bx, g.by), v.toScreen(g.now.x, g.now.y));
      return;
    }
    if (g && g.mode === 'move') return;
    const hs = this.handles();
    if (hs.length > 0) paintHandles(ctx, hs);
  }
}

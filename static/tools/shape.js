// Shape tools: rectangle and ellipse (drag a box; shift for a square or a
// circle), line and arrow (drag from start to end; shift snaps to 15°).
// A drag shorter than a few screen pixels makes nothing.

import { round2 } from '../element.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/** Smallest shape worth making, CSS px. */
const MIN_PX = 3;

export class ShapeTool {
  /**
   * @param {Whiteboard} board
   * @param {'rect' | 'ellipse' | 'line' | 'arrow'} kind
   */
  constructor(board, kind) {
    this.board = board;
    this.kind = kind;
    this.name = kind;
    this.cursor = 'crosshair';
    /** @type {{x: number, y: number} | null} */
    this.start = null;
    /** @type {Element | null} */
    this.current = null;
    this.id = '';
    this.z = '';
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.start = { x: p.x, y: p.y };
    this.id = this.board.newId();
    this.z = this.board.topZ();
    this.current = null;
  }

  /** @param {ToolPointer} p */
  move(p) {
    if (!this.start) return;
    this.current = this.element(p);
    this.board.preview(new Map([[this.current.id, this.current]]));
  }

  /** @param {ToolPointer} p */
  up(p) {
    if (!this.start) return;
    const el = this.element(p);
    this.start = null;
    this.current = null;
    this.board.endPreview();
    const min = MIN_PX / this.board.viewport.scale;
    const big = this.kind === 'line' || this.kind === 'arrow' ? Math.hypot(el.w, el.h) >= min : el.w >= min || el.h >= min;
    if (!big) return;
    this.board.commit([{ op: 'put', el }]);
  }

  cancel() {
    this.start = null;
    this.current = null;
    this.board.endPreview();
  }

  /**
   * The element from the start to the pointer.
   * @param {ToolPointer} p
   * @returns {Element}
   */
  element(p) {
    const s = /** @type {{x: number, y: number}} */ (this.start);
    let dx = p.x - s.x;
    let dy = p.y - s.y;
    const style = this.board.style;
    const base = {
      id: this.id,
      rot: 0,
      stroke: style.stroke,
      width: style.width,
      z: this.z,
    };
    if (this.kind === 'line' || this.kind === 'arrow') {
      if (p.shift) {
        const step = Math.PI / 12;
        const angle = Math.round(Math.atan2(dy, dx) / step) * step;
        const len = Math.hypot(dx, dy);
        dx = len * Math.cos(angle);
        dy = len * Math.sin(angle);
      }
      dx = round2(dx);
      dy = round2(dy);
      return {
        ...base,
        kind: this.kind,
        x: round2(s.x),
        y: round2(s.y),
        w: Math.abs(dx),
        h: Math.abs(dy),
        points: [
          [0, 0],
          [dx, dy],
        ],
        fill: null,
      };
    }
    if (p.shift) {
      const side = Math.max(Math.abs(dx), Math.abs(dy));
      dx = Math.sign(dx || 1) * side;
      dy = Math.sign(dy || 1) * side;
    }
    const x = round2(Math.min(s.x, s.x + dx));
    const y = round2(Math.min(s.y, s.y + dy));
    return {
      ...base,
      kind: this.kind,
      x,
      y,
      w: round2(Math.abs(dx)),
      h: round2(Math.abs(dy)),
      fill: style.fill,
    };
  }
}

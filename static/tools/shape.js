// Shape tools: rectangle, ellipse and diamond (drag a box; shift for a
// square or a circle), line and arrow (drag from start to end; shift snaps
// to 15°). A drag shorter than a few screen pixels makes nothing. New
// shapes take the current style (dashes, rounded corners included). A line
// or arrow that starts or ends on a shape is bound to it there, its end
// snapped to the shape's edge (bindings.js).

import { rebind } from '../bindings.js';
import { DASH_KINDS, ROUND_KINDS, round2 } from '../element.js';
import { paintBindTarget } from '../render.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/** Smallest shape worth making, CSS px. */
const MIN_PX = 3;

export class ShapeTool {
  /**
   * @param {Whiteboard} board
   * @param {'rect' | 'ellipse' | 'diamond' | 'line' | 'arrow'} kind
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
    /** The shapes the line's start and end bind to. @type {Element | null} */
    this.startOn = null;
    /** @type {Element | null} */
    this.endOn = null;
  }

  /** Whether this tool draws lines (which bind to shapes). */
  get linear() {
    return this.kind === 'line' || this.kind === 'arrow';
  }

  /**
   * The shape a line's end at p binds to.
   * @param {ToolPointer} p
   * @param {string} [not] an id it must not be
   * @returns {Element | null}
   */
  targetAt(p, not) {
    return this.board.bindTargetAt(p.x, p.y, not);
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.start = { x: p.x, y: p.y };
    this.id = this.board.newId();
    this.z = this.board.topZ();
    this.current = null;
    this.startOn = this.linear ? this.targetAt(p) : null;
    this.endOn = null;
  }

  /** @param {ToolPointer} p */
  move(p) {
    if (!this.start) return;
    this.current = this.element(p);
    this.board.preview(new Map([[this.current.id, this.current]]));
  }

  /** @param {ToolPointer} p */
  hover(p) {
    if (!this.linear) return this.board.setCursor(this.cursor);
    const target = this.targetAt(p);
    if (target !== this.endOn) {
      this.endOn = target;
      this.board.layer.invalidate();
    }
    this.board.setCursor(this.cursor);
  }

  /** @param {CanvasRenderingContext2D} ctx */
  drawOverlay(ctx) {
    if (!this.linear) return;
    const v = this.board.viewport;
    if (this.start && this.startOn) paintBindTarget(ctx, this.startOn, v);
    if (this.endOn && this.endOn !== this.startOn) paintBindTarget(ctx, this.endOn, v);
  }

  /** @param {ToolPointer} p */
  up(p) {
    if (!this.start) return;
    const el = this.element(p);
    const s = this.start;
    this.start = null;
    this.current = null;
    this.startOn = null;
    this.endOn = null;
    this.board.endPreview();
    const min = MIN_PX / this.board.viewport.scale;
    // What the pointer drew decides, not the snapped ends of a bound line.
    const big = this.linear ? Math.hypot(p.x - s.x, p.y - s.y) >= min : el.w >= min || el.h >= min;
    if (!big) return;
    this.board.commit([{ op: 'put', el }]);
  }

  cancel() {
    this.start = null;
    this.current = null;
    this.startOn = null;
    this.endOn = null;
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
    /** @type {Partial<Element>} */
    const base = {
      id: this.id,
      rot: 0,
      stroke: style.stroke,
      width: style.width,
      z: this.z,
    };
    if (style.dash && style.dash !== 'solid' && DASH_KINDS.has(this.kind)) base.dash = style.dash;
    if (style.round && ROUND_KINDS.has(this.kind)) base.round = true;
    if (this.linear) {
      if (p.shift) {
        const step = Math.PI / 12;
        const angle = Math.round(Math.atan2(dy, dx) / step) * step;
        const len = Math.hypot(dx, dy);
        dx = len * Math.cos(angle);
        dy = len * Math.sin(angle);
      }
      dx = round2(dx);
      dy = round2(dy);
      /** @type {Element} */
      const line = /** @type {Element} */ ({
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
      });
      return this.bound(line, p);
    }
    if (p.shift) {
      const side = Math.max(Math.abs(dx), Math.abs(dy));
      dx = Math.sign(dx || 1) * side;
      dy = Math.sign(dy || 1) * side;
    }
    const x = round2(Math.min(s.x, s.x + dx));
    const y = round2(Math.min(s.y, s.y + dy));
    return /** @type {Element} */ ({
      ...base,
      kind: this.kind,
      x,
      y,
      w: round2(Math.abs(dx)),
      h: round2(Math.abs(dy)),
      fill: style.fill,
    });
  }

  /**
   * The line bound to the shapes under its ends, its ends on their edges.
   * An end on the shape the start is bound to stays free (a line from a
   * shape to itself would have nowhere to go).
   * @param {Element} line
   * @param {ToolPointer} p
   * @returns {Element}
   */
  bound(line, p) {
    const start = this.startOn;
    const endOn = this.targetAt(p, line.id);
    this.endOn = endOn && endOn.id !== start?.id ? endOn : null;
    if (!start && !this.endOn) return line;
    /** @type {Element} */
    const out = { ...line };
    if (start) out.start = { id: start.id };
    if (this.endOn) out.end = { id: this.endOn.id };
    const shapes = new Map([start, this.endOn].filter((e) => e !== null).map((e) => [/** @type {Element} */ (e).id, /** @type {Element} */ (e)]));
    return rebind(out, (id) => shapes.get(id));
  }
}

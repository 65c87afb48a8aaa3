// Pen tool: freehand strokes. Points are taken from every (coalesced)
// pointer event at least half a screen pixel apart, shown as they come, and
// on release simplified (Douglas–Peucker, half a screen pixel, at most 5000
// points) into one stroke element; the renderer smooths it with quadratic
// curves through the midpoints.

import { LIMITS } from '../element.js';
import { simplifyStroke, strokeGeometry } from '../geometry.js';

/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/** Simplification tolerance, CSS px. */
const EPSILON_PX = 0.5;
/** Smallest gap between captured points, CSS px. */
const MIN_GAP_PX = 0.5;
/** Points kept while drawing, before simplification trims them. */
const MAX_RAW_POINTS = 100_000;

export class PenTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'pen';
    this.cursor = 'crosshair';
    /** Absolute board points of the stroke being drawn. @type {Array<[number, number]> | null} */
    this.points = null;
    this.id = '';
    this.z = '';
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.points = [[p.x, p.y]];
    this.id = this.board.newId();
    this.z = this.board.topZ();
    this.show();
  }

  /** @param {ToolPointer} p */
  move(p) {
    const pts = this.points;
    if (!pts) return;
    const gap = MIN_GAP_PX / this.board.viewport.scale;
    for (const q of p.trail) {
      const last = pts[pts.length - 1];
      if (Math.abs(q.x - last[0]) < gap && Math.abs(q.y - last[1]) < gap) continue;
      if (pts.length >= MAX_RAW_POINTS) break;
      pts.push([q.x, q.y]);
    }
    this.show();
  }

  /** @param {ToolPointer} _p */
  up(_p) {
    const pts = this.points;
    this.points = null;
    this.board.endPreview();
    if (!pts) return;
    const el = this.element(pts, EPSILON_PX / this.board.viewport.scale);
    this.board.commit([{ op: 'put', el }]);
  }

  cancel() {
    this.points = null;
    this.board.endPreview();
  }

  show() {
    if (!this.points) return;
    // The preview is only lightly thinned: simplification happens once, at the end.
    const el = this.element(this.points, 0);
    this.board.preview(new Map([[el.id, el]]));
  }

  /**
   * The stroke element for absolute points.
   * @param {Array<[number, number]>} pts
   * @param {number} epsilon board units
   * @returns {import('../element.js').Element}
   */
  element(pts, epsilon) {
    const simple = epsilon > 0 || pts.length > LIMITS.maxPoints ? simplifyStroke(pts, Math.max(epsilon, 1e-9), LIMITS.maxPoints) : pts;
    const g = strokeGeometry(simple);
    const style = this.board.style;
    return {
      id: this.id,
      kind: 'stroke',
      x: g.x,
      y: g.y,
      w: g.w,
      h: g.h,
      rot: 0,
      points: g.points,
      stroke: style.stroke,
      fill: null,
      width: style.width,
      z: this.z,
    };
  }
}

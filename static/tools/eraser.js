// Eraser tool: drag over elements; everything the path touches fades while
// dragging and is deleted on release, in one ops message. A click erases the
// top element under the pointer. Locked elements are left alone; touching
// one element of a group erases the whole group (as in Excalidraw).

/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

import { segmentHits } from '../geometry.js';
import { expandSelection, isLocked } from '../organise.js';

/** How close (CSS px) the eraser's path must pass. */
const REACH_PX = 6;

export class EraserTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'eraser';
    this.cursor = 'cell';
    /** @type {{x: number, y: number} | null} */
    this.last = null;
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.last = { x: p.x, y: p.y };
    this.board.layer.faded.clear();
    this.sweep(p.x, p.y, p.x, p.y);
  }

  /** @param {ToolPointer} p */
  move(p) {
    if (!this.last) return;
    for (const q of p.trail) {
      this.sweep(this.last.x, this.last.y, q.x, q.y);
      this.last = { x: q.x, y: q.y };
    }
  }

  /**
   * Mark what the segment touches.
   * @param {number} ax
   * @param {number} ay
   * @param {number} bx
   * @param {number} by
   */
  sweep(ax, ay, bx, by) {
    const layer = this.board.layer;
    const tol = REACH_PX / this.board.viewport.scale;
    const minX = Math.min(ax, bx) - tol;
    const maxX = Math.max(ax, bx) + tol;
    const minY = Math.min(ay, by) - tol;
    const maxY = Math.max(ay, by) + tol;
    /** @type {string[]} */
    const hit = [];
    layer.each((el, item) => {
      if (item.maxX < minX || item.minX > maxX || item.maxY < minY || item.minY > maxY) return;
      if (layer.faded.has(el.id) || isLocked(el)) return;
      if (segmentHits(el, ax, ay, bx, by, tol)) hit.push(el.id);
    });
    if (hit.length === 0) return;
    const b = this.board;
    for (const id of expandSelection(hit, (i) => b.sync.get(i), b.eachElement())) layer.faded.add(id);
    layer.changed();
  }

  /** @param {ToolPointer} _p */
  up(_p) {
    if (!this.last) return;
    this.last = null;
    const layer = this.board.layer;
    const ids = [...layer.faded].filter((id) => this.board.sync.get(id));
    layer.faded.clear();
    layer.changed();
    this.board.commit(ids.map((id) => ({ op: /** @type {const} */ ('del'), id })));
  }

  cancel() {
    this.last = null;
    this.board.layer.faded.clear();
    this.board.layer.changed();
  }
}

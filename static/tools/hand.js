// Hand tool (H): the primary button or one finger drags the view, for
// viewers too. Nothing on the board changes.

/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

export class HandTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'hand';
    this.cursor = 'grab';
    /** The last screen point of the drag. @type {{sx: number, sy: number} | null} */
    this.last = null;
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.last = { sx: p.sx, sy: p.sy };
    this.board.setCursor('grabbing');
  }

  /** @param {ToolPointer} p */
  move(p) {
    if (!this.last) return;
    const v = this.board.viewport;
    const { x, y, scale } = v.view;
    v.set({ x: x - (p.sx - this.last.sx) / scale, y: y - (p.sy - this.last.sy) / scale });
    this.last = { sx: p.sx, sy: p.sy };
  }

  /** @param {ToolPointer} _p */
  up(_p) {
    this.cancel();
  }

  cancel() {
    this.last = null;
    this.board.setCursor(this.cursor);
  }
}

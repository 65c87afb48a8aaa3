// Image tool (I; editors only): choosing it opens the file picker for
// PNG, JPEG, WebP and GIF, as Excalidraw's image tool does; the chosen
// pictures land at the view's centre (imageupload.js), and the board goes
// back to the select tool, also when the picker is closed without a file.
// Should the tool stay on (a browser without the picker's `cancel`
// event), a press on the board opens the picker again and places the
// picture there.

/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

export class ImageTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'image';
    this.cursor = 'copy';
    /**
     * Opens the picker for pictures to place at a board point (null: the
     * view's centre); app.js sets it (bindImagePicker).
     * @type {((at: {x: number, y: number} | null) => void) | null}
     */
    this.open = null;
  }

  /** Chosen (button or key): the picker opens. */
  activate() {
    if (this.open) this.open(null);
    else this.board.setTool('select');
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.open?.({ x: p.x, y: p.y });
  }
}

/**
 * Wire the hidden file input to the tool: the picker's files go to place
 * (at the point the tool asked for), and the board returns to select.
 * @param {HTMLInputElement} input accept="image/png,image/jpeg,image/webp,image/gif"
 * @param {Whiteboard} board
 * @param {(files: File[], at: {x: number, y: number} | null) => void} place
 */
export function bindImagePicker(input, board, place) {
  const tool = /** @type {ImageTool} */ (board.tools.image);
  /** @type {{x: number, y: number} | null} */
  let at = null;
  const done = () => {
    if (board.tool === tool) board.setTool('select');
  };
  tool.open = (point) => {
    at = point;
    input.click();
  };
  input.addEventListener('change', () => {
    const files = [...(input.files ?? [])];
    input.value = ''; // the same file again is a new picture
    done();
    if (files.length > 0) place(files, at);
  });
  input.addEventListener('cancel', done);
}

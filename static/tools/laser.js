// Laser pointer tool (K): for both roles, nothing on the board changes.
// While the button or finger is down, every position goes to the sink:
// the page's own trail (laser.js) and the cursor messages, flagged
// `laser` so that the others draw the trail too (pointer.js).

/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/**
 * Where the laser goes; app.js sets it (laser.js wireLaser, pointer.js).
 * @typedef {object} LaserSink
 * @property {(on: boolean) => void} press the laser is pressed or let go
 * @property {(x: number, y: number) => void} point a board position while pressed
 */

/** A red dot with a light rim, its centre the hot spot. */
const CURSOR =
  'url("data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 width=%2720%27 height=%2720%27%3E%3Ccircle cx=%2710%27 cy=%2710%27 r=%275%27 fill=%27%23f03e3e%27 stroke=%27white%27 stroke-width=%272%27/%3E%3C/svg%3E") 10 10, crosshair';

export class LaserTool {
  constructor() {
    this.name = 'laser';
    this.cursor = CURSOR;
    /** @type {LaserSink | null} */
    this.sink = null;
    this.pressed = false;
  }

  /** @param {ToolPointer} p */
  down(p) {
    this.pressed = true;
    this.sink?.press(true);
    this.sink?.point(p.x, p.y);
  }

  /** @param {ToolPointer} p */
  move(p) {
    if (!this.pressed) return;
    for (const q of p.trail) this.sink?.point(q.x, q.y);
  }

  /** @param {ToolPointer} _p */
  up(_p) {
    this.cancel();
  }

  cancel() {
    if (!this.pressed) return;
    this.pressed = false;
    this.sink?.press(false);
  }
}

// Local pointer: turns pointer movement over the board into cursor
// messages in board coordinates, at most one per animation frame and only
// when the position changed; "gone" when the pointer leaves the board.
//
// On a high-refresh display "one per frame" can be 144 or 240 a second,
// past the server's budget (120/s) and far past its cursor tick (~30 Hz),
// so moves are also kept MIN_INTERVAL_MS apart.
//
// While the laser pointer is pressed (setLaser), positions carry
// `laser: true`; pressing and letting go send the position at once, so the
// others start and end the trail where it was.

/** Smallest gap between two cursor messages: at most ~80 a second. */
const MIN_INTERVAL_MS = 12;

/** @typedef {import('./viewport.js').Viewport} Viewport */

/**
 * @callback SendCursor
 * @param {{type: 'cursor', x: number, y: number, laser?: true} | {type: 'cursor', gone: true}} msg
 * @returns {boolean} whether the message went out
 */

/**
 * Round a board coordinate to 0.1 units: finer than any screen shows, and
 * shorter on the wire.
 * @param {number} v
 * @returns {number}
 */
function round(v) {
  return Math.round(v * 10) / 10;
}

export class LocalPointer {
  /**
   * @param {HTMLElement} surface the element whose area is "the board"
   * @param {Viewport} viewport
   * @param {SendCursor} send
   */
  constructor(surface, viewport, send) {
    this.surface = surface;
    this.viewport = viewport;
    this.send = send;
    /** Last pointer position over the surface, screen coordinates; null when outside. */
    /** @type {{x: number, y: number} | null} */
    this.screen = null;
    /** What the server last got from us. */
    /** @type {{x: number, y: number, laser: boolean} | null} */
    this.sent = null;
    /** The laser pointer is pressed. */
    this.laser = false;
    this.frame = 0;
    this.sentAt = 0;

    const track = (/** @type {PointerEvent} */ ev) => {
      if (ev.pointerType === 'touch' && ev.type === 'pointermove' && !ev.isPrimary) return;
      const rect = surface.getBoundingClientRect();
      this.screen = { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
      this.schedule();
    };
    surface.addEventListener('pointermove', track);
    surface.addEventListener('pointerdown', track);
    surface.addEventListener('pointerleave', () => this.leave());
    surface.addEventListener('pointercancel', () => this.leave());
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) this.leave();
    });
    viewport.onChange(() => this.schedule());
  }

  schedule() {
    if (this.frame || !this.screen) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      if (now - this.sentAt < MIN_INTERVAL_MS) {
        this.schedule(); // too soon after the last one: next frame
        return;
      }
      this.flush(false);
    });
  }

  /**
   * Send the current position if it changed (or always, when force).
   * @param {boolean} force
   */
  flush(force) {
    if (!this.screen) return;
    const p = this.viewport.toBoard(this.screen.x, this.screen.y);
    const x = round(p.x);
    const y = round(p.y);
    if (!inRange(x) || !inRange(y)) {
      // Panned past the protocol's coordinate range: to the others the
      // cursor has left the board (the server would refuse the position).
      if (this.sent) {
        this.send({ type: 'cursor', gone: true });
        this.sent = null;
      }
      return;
    }
    if (!force && this.sent && this.sent.x === x && this.sent.y === y && this.sent.laser === this.laser) return;
    if (this.send(this.laser ? { type: 'cursor', x, y, laser: true } : { type: 'cursor', x, y })) {
      this.sent = { x, y, laser: this.laser };
      this.sentAt = performance.now();
    }
  }

  /**
   * The laser pointer is pressed or let go: say so with the position now.
   * @param {boolean} on
   */
  setLaser(on) {
    if (this.laser === on) return;
    this.laser = on;
    this.flush(true);
  }

  leave() {
    this.screen = null;
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    if (this.sent) {
      this.send({ type: 'cursor', gone: true });
      this.sent = null;
    }
  }

  /**
   * After a (re)connect the server knows no cursor of ours: send the
   * position again if the pointer is over the board.
   */
  resync() {
    this.sent = null;
    this.flush(true);
  }
}

/** The protocol's coordinate bound: |v| ≤ 1e7. */
const MAX_COORDINATE = 1e7;

/**
 * @param {number} v
 * @returns {boolean}
 */
function inRange(v) {
  return Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE;
}

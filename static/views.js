// Views out: this page tells the others which rectangle of the board it
// sees (`view`), so that they can follow it. Sent when the view pans or
// zooms or the screen changes size, at most every VIEW_INTERVAL_MS with the
// last state always going out (a trailing send after a burst), and once
// after every welcome (the server forgets a connection's view with it).

import { Throttle, viewMessage, viewRect } from './presencewire.js';

/** @typedef {import('./viewport.js').Viewport} Viewport */

/** At most 10 views a second: a follower glides between them (follow.js). */
export const VIEW_INTERVAL_MS = 100;

export class ViewReporter {
  /**
   * @param {object} opts
   * @param {Viewport} opts.viewport
   * @param {() => {w: number, h: number}} opts.screen the board canvas's CSS size
   * @param {(msg: object) => boolean} opts.send false when not connected
   */
  constructor({ viewport, screen, send }) {
    this.viewport = viewport;
    this.screen = screen;
    this.send = send;
    this.throttle = new Throttle(() => this.report(), VIEW_INTERVAL_MS);
    /** The last view sent on this connection, as JSON: the same one is not sent twice. */
    this.sent = '';
    viewport.onChange(() => this.throttle.schedule());
  }

  /** The screen changed size. */
  resized() {
    this.throttle.schedule();
  }

  /** A new connection: it gets our view now. */
  welcomed() {
    this.sent = '';
    this.throttle.flush();
  }

  report() {
    const { w, h } = this.screen();
    if (w <= 0 || h <= 0) return;
    const msg = viewMessage(viewRect(this.viewport.view, w, h));
    if (!msg) return;
    const key = JSON.stringify(msg);
    if (key !== this.sent && this.send(msg)) this.sent = key;
  }
}

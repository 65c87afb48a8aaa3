// What the SSE and the long-polling carriers share: the session's numbered
// events (session.js), the POSTs upstream (httpsend.js), and how the
// carrier ends. Subclasses only bring the server's events in (start) and
// stop doing so (halt).

import { HTTPSender } from './httpsend.js';
import { SessionEvents } from './session.js';

/**
 * @typedef {object} HTTPEnv
 * @property {typeof fetch} [fetch]
 * @property {(url: string, body: string) => boolean} [beacon]
 * @property {() => number} [maxBody]
 */

/**
 * The close code for an HTTP refusal before the session began.
 * @param {number} status
 * @returns {number}
 */
export function refusalCode(status) {
  if (status === 403) return 1008;
  if (status === 413) return 1009;
  return 1006;
}

export class HTTPCarrier {
  /**
   * @param {'sse' | 'poll'} name
   * @param {string} base the board's path, "/b/<id>" or "/v/<viewId>"
   * @param {HTTPEnv} [env]
   */
  constructor(name, base, env = {}) {
    this.name = name;
    this.base = base;
    this.fetch = env.fetch ?? ((...args) => globalThis.fetch(...args));
    this.onopen = () => {};
    this.ontext = (/** @type {string} */ _text) => {};
    this.onbinary = (/** @type {ArrayBuffer} */ _data) => {};
    this.onclose = (/** @type {number} */ _code, /** @type {string} */ _reason) => {};
    this.done = false;
    this.opened = false;
    this.events = new SessionEvents({
      session: () => {
        this.opened = true;
        this.onopen();
      },
      text: (text) => this.ontext(text),
      binary: (data) => this.onbinary(data),
      close: (code, reason) => this.finish(code, reason),
    });
    this.sender = new HTTPSender({
      url: () => `${this.base}/send?session=${encodeURIComponent(this.events.token)}`,
      fail: (code, reason) => this.events.fail(code, reason),
      fetch: this.fetch,
      beacon: env.beacon,
      maxBody: env.maxBody,
    });
  }

  /** Start bringing the server's events in (subclasses). */
  start() {}

  /** Stop bringing events in (subclasses). */
  halt() {}

  /** @returns {boolean} */
  get isOpen() {
    return this.opened && !this.done;
  }

  /**
   * @param {string} text one message
   * @param {string} [kind] its type
   * @returns {boolean}
   */
  send(text, kind) {
    return this.isOpen && this.sender.send(text, kind);
  }

  get buffered() {
    return this.sender.buffered;
  }

  /**
   * The session ended (the server's close event, a refusal, or given up).
   * @param {number} code
   * @param {string} reason
   */
  finish(code, reason) {
    if (this.done) return;
    this.stopAll();
    this.onclose(code, reason);
  }

  /**
   * Close from our side: the server is told at once (bye), so our cursor
   * and presence do not linger for the seconds it waits for a carrier.
   * @param {number} _code
   * @param {string} _reason
   */
  close(_code, _reason) {
    if (this.done) return;
    if (this.opened) this.sender.farewell('{"type":"bye"}');
    this.stopAll();
  }

  /**
   * The page goes away: bye with sendBeacon, which outlives the page.
   * @param {string} text
   */
  bye(text) {
    if (this.done) return;
    if (this.opened) this.sender.beacon(text);
    this.stopAll();
  }

  stopAll() {
    this.done = true;
    this.events.closed = true;
    this.sender.close();
    this.halt();
  }
}

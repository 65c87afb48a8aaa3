// Choosing a carrier: WebSocket first; when the socket closes before it
// opens, or has not opened within 5 s (a proxy that refuses or swallows
// the upgrade), the same protocol over SSE; when no SSE event, not even
// the session's first, has arrived within 5 s (a proxy that buffers the
// stream), long-polling. Each connection starts over from WebSocket, so a
// page that moved to a network that allows it goes back to a socket on
// its next reconnect. `?transport=` on the page URL forces one (tests).
//
// FallbackCarrier has the shape of a single carrier (see websocket.js), so
// the connection does not know which one it is speaking through; `name`
// is the one tried or in use now and onchange tells when it changes.

/** @typedef {'websocket' | 'sse' | 'poll'} Transport */

/** How long a carrier has to open before the next one is tried. */
export const OPEN_WITHIN_MS = 5000;

/** @type {Transport[]} */
export const TRANSPORTS = ['websocket', 'sse', 'poll'];

/**
 * The transport a page URL's `?transport=` forces, or '' for the fallback.
 * @param {string} search location.search
 * @returns {Transport | ''}
 */
export function forcedTransport(search) {
  const t = new URLSearchParams(search).get('transport');
  return TRANSPORTS.includes(/** @type {Transport} */ (t)) ? /** @type {Transport} */ (t) : '';
}

/**
 * @typedef {object} Carrier
 * @property {Transport} name
 * @property {() => void} start
 * @property {(text: string, kind?: string) => boolean} send
 * @property {boolean} isOpen
 * @property {number} buffered
 * @property {(code: number, reason: string) => void} close
 * @property {(text: string) => void} bye
 * @property {() => void} onopen
 * @property {(text: string) => void} ontext
 * @property {(data: ArrayBuffer) => void} onbinary
 * @property {(code: number, reason: string) => void} onclose
 */

export class FallbackCarrier {
  /**
   * @param {(name: Transport) => Carrier} make
   * @param {Transport | ''} [forced]
   */
  constructor(make, forced = '') {
    this.make = make;
    this.order = forced ? [forced] : TRANSPORTS;
    this.index = -1;
    /** @type {Carrier | null} */
    this.current = null;
    this.opened = false;
    this.closed = false;
    /** Why the last carrier failed, reported if none is left. */
    this.lastClose = { code: 1006, reason: '' };
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.onopen = () => {};
    this.ontext = (/** @type {string} */ _text) => {};
    this.onbinary = (/** @type {ArrayBuffer} */ _data) => {};
    this.onclose = (/** @type {number} */ _code, /** @type {string} */ _reason) => {};
    this.onchange = (/** @type {Transport} */ _name) => {};
  }

  /** @returns {Transport} */
  get name() {
    return this.current?.name ?? this.order[Math.max(0, this.index)];
  }

  start() {
    this.next();
  }

  next() {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.index++;
    if (this.index >= this.order.length) {
      this.current = null;
      this.closed = true;
      this.onclose(this.lastClose.code, this.lastClose.reason);
      return;
    }
    const c = this.make(this.order[this.index]);
    this.current = c;
    c.onopen = () => {
      if (this.current !== c) return;
      clearTimeout(this.timer);
      this.opened = true;
      this.onopen();
    };
    c.ontext = (text) => this.current === c && this.ontext(text);
    c.onbinary = (data) => this.current === c && this.onbinary(data);
    c.onclose = (code, reason) => {
      if (this.current !== c) return;
      if (this.opened) {
        this.current = null;
        this.closed = true;
        this.onclose(code, reason);
        return;
      }
      this.lastClose = { code, reason };
      this.next();
    };
    // The last one gets no deadline here: the connection's own handshake timeout covers it.
    if (this.index < this.order.length - 1) {
      this.timer = setTimeout(() => {
        if (this.current !== c || this.opened) return;
        this.current = null;
        c.close(4000, 'too slow to open');
        this.lastClose = { code: 1006, reason: '' };
        this.next();
      }, OPEN_WITHIN_MS);
    }
    this.onchange(c.name);
    c.start();
  }

  /** @returns {boolean} */
  get isOpen() {
    return this.opened && !this.closed && (this.current?.isOpen ?? false);
  }

  /**
   * @param {string} text
   * @param {string} [kind]
   * @returns {boolean}
   */
  send(text, kind) {
    return this.isOpen && /** @type {Carrier} */ (this.current).send(text, kind);
  }

  get buffered() {
    return this.current?.buffered ?? 0;
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    this.closed = true;
    clearTimeout(this.timer);
    const c = this.current;
    this.current = null;
    c?.close(code, reason);
  }

  /** @param {string} text */
  bye(text) {
    this.closed = true;
    clearTimeout(this.timer);
    const c = this.current;
    this.current = null;
    if (!c) return;
    if (this.opened) c.bye(text);
    else c.close(1000, 'going away');
  }
}

// The WebSocket carrier: the board's protocol over one socket (easel.v1
// subprotocol, text frames of newline-delimited messages, binary frames
// for export chunks). Every carrier has the same shape (see fallback.js):
// start(), send(text), buffered, close(code, reason), bye(text), and the
// callbacks onopen, ontext, onbinary, onclose(code, reason). Callbacks stop
// once the owner has called close().

export const SUBPROTOCOL = 'easel.v1';

export class WebSocketCarrier {
  /**
   * @param {string} url ws:// or wss://
   * @param {{WebSocket?: typeof WebSocket}} [env] tests pass a fake
   */
  constructor(url, env = {}) {
    this.name = /** @type {const} */ ('websocket');
    this.url = url;
    this.Impl = env.WebSocket ?? globalThis.WebSocket;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.onopen = () => {};
    this.ontext = (/** @type {string} */ _text) => {};
    this.onbinary = (/** @type {ArrayBuffer} */ _data) => {};
    this.onclose = (/** @type {number} */ _code, /** @type {string} */ _reason) => {};
  }

  start() {
    let ws;
    try {
      ws = new this.Impl(this.url, SUBPROTOCOL);
    } catch (err) {
      // A malformed URL or a blocked port throws instead of closing: report it as a close.
      console.error('easel: cannot open the socket', err);
      queueMicrotask(() => this.onclose(1006, ''));
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => this.onopen();
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.ontext(ev.data);
      else if (ev.data instanceof ArrayBuffer) this.onbinary(ev.data);
    };
    // onerror is always followed by onclose, which does the work.
    ws.onclose = (ev) => {
      this.detach();
      this.onclose(ev.code, ev.reason);
    };
  }

  /** @returns {boolean} whether messages can go out now */
  get isOpen() {
    return this.ws !== null && this.ws.readyState === this.Impl.OPEN;
  }

  /**
   * @param {string} text one message
   * @returns {boolean}
   */
  send(text) {
    if (!this.isOpen) return false;
    /** @type {WebSocket} */ (this.ws).send(text);
    return true;
  }

  /** Bytes queued on the socket but not yet sent. */
  get buffered() {
    return this.ws?.bufferedAmount ?? 0;
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  close(code, reason) {
    const ws = this.ws;
    this.detach();
    try {
      ws?.close(code, reason);
    } catch {
      // already closing
    }
  }

  /**
   * A last message as the page goes away (bye), then close: the socket
   * sends what was queued before it closes.
   * @param {string} text
   */
  bye(text) {
    this.send(text);
    this.close(1000, 'going away'); // a page may only close with 1000 or 3000–4999
  }

  detach() {
    const ws = this.ws;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    this.ws = null;
  }
}

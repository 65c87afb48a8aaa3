// The numbered events of an HTTP session, shared by the SSE and the
// long-polling carriers: 1 is `session` (the token), later ones are
// `message` (a frame: messages one per line), `chunk` (an export chunk in
// base64, the same 24-byte header + payload as a WebSocket binary frame)
// and finally `close` ({"code","reason"}, the v1 close codes). An event
// seen twice (a poll answered again after a lost response, a stream
// reattached) is taken once.

/**
 * @typedef {object} SessionHandlers
 * @property {(token: string) => void} session
 * @property {(text: string) => void} text
 * @property {(data: ArrayBuffer) => void} binary
 * @property {(code: number, reason: string) => void} close
 */

/**
 * Bytes of a base64 string, as the ArrayBuffer a binary frame would be.
 * @param {string} b64
 * @returns {ArrayBuffer}
 */
export function base64ToBuffer(b64) {
  const binary = atob(b64.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * The code and reason of a `close` event; 1006 (abnormal) when unreadable.
 * @param {string} data
 * @returns {{code: number, reason: string}}
 */
export function parseClose(data) {
  try {
    const v = JSON.parse(data);
    if (v && Number.isInteger(v.code)) return { code: v.code, reason: typeof v.reason === 'string' ? v.reason : '' };
  } catch {
    // fall through
  }
  return { code: 1006, reason: '' };
}

export class SessionEvents {
  /** @param {SessionHandlers} on */
  constructor(on) {
    this.on = on;
    /** The highest event number taken: what a reattach or the next poll asks to come after. */
    this.last = 0;
    this.token = '';
    this.closed = false;
  }

  /**
   * Take one event.
   * @param {number} n its number (NaN when the server gave none: taken, not counted)
   * @param {string} event
   * @param {string} data
   */
  take(n, event, data) {
    if (this.closed) return;
    if (Number.isSafeInteger(n)) {
      if (n <= this.last) return;
      this.last = n;
    }
    switch (event) {
      case 'session': {
        let token = '';
        try {
          token = JSON.parse(data).session;
        } catch {
          // below
        }
        if (typeof token !== 'string' || token === '') {
          this.fail(1002, 'no session token');
          return;
        }
        this.token = token;
        this.on.session(token);
        return;
      }
      case 'message':
        this.on.text(data);
        return;
      case 'chunk': {
        let buf;
        try {
          buf = base64ToBuffer(data);
        } catch {
          console.warn('easel: skipping a chunk that is not base64');
          return;
        }
        this.on.binary(buf);
        return;
      }
      case 'close': {
        const { code, reason } = parseClose(data);
        this.fail(code, reason);
        return;
      }
      default:
      // an event this client does not know: skipped, as unknown message types are
    }
  }

  /**
   * The session is over: report it once.
   * @param {number} code
   * @param {string} reason
   */
  fail(code, reason) {
    if (this.closed) return;
    this.closed = true;
    this.on.close(code, reason);
  }
}

// The upstream half of an HTTP session (SSE or long-polling): the page's
// messages go out as POST …/send?session=<token>, body text/plain, one
// message per line, numbered by X-Easel-Seq 1, 2, 3… The server applies
// each number once and in order, so a request that failed on the network
// is sent again with the same number and the same body, and only one is
// in flight at a time: whatever is queued meanwhile goes in the next one.
// A queued cursor position is replaced by a newer one (latest wins, as the
// server's tick does), so cursors skip beats instead of piling up behind a
// slow request; `buffered` counts queued and in-flight bytes for the
// page's own backpressure checks.

/** Waits before sending a failed request again; then the session is given up. */
export const RETRY_MS = [250, 500, 1000, 2000, 4000, 4000, 4000];
/** The server's default message size limit; a body over it is refused (413). */
export const DEFAULT_MAX_BODY = 1 << 20;

const encoder = new TextEncoder();

/**
 * @typedef {object} SenderOptions
 * @property {() => string} url the send URL with this session's token
 * @property {(code: number, reason: string) => void} fail the session is over
 * @property {typeof fetch} [fetch]
 * @property {(url: string, body: string) => boolean} [beacon] navigator.sendBeacon
 * @property {() => number} [maxBody] bytes a request may carry
 */

export class HTTPSender {
  /** @param {SenderOptions} opts */
  constructor(opts) {
    this.url = opts.url;
    this.fail = opts.fail;
    this.fetch = opts.fetch ?? ((...args) => globalThis.fetch(...args));
    this.beaconImpl = opts.beacon ?? ((url, body) => navigator.sendBeacon(url, body));
    this.maxBody = opts.maxBody ?? (() => DEFAULT_MAX_BODY);
    /** @type {{text: string, kind: string, bytes: number}[]} */
    this.queue = [];
    this.queuedBytes = 0;
    /** @type {{seq: number, body: string, bytes: number, tries: number} | null} */
    this.inflight = null;
    /** The last X-Easel-Seq given out. */
    this.seq = 0;
    this.stopped = false;
    /** @type {AbortController | null} */
    this.abort = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
  }

  /**
   * Queue one message and send it as soon as no request is in flight.
   * @param {string} text the message's JSON
   * @param {string} [kind] its type; a queued `cursor` gives way to a newer one
   * @returns {boolean}
   */
  send(text, kind = '') {
    if (this.stopped) return false;
    if (kind === 'cursor') {
      const i = this.queue.findIndex((m) => m.kind === 'cursor');
      if (i >= 0) this.queuedBytes -= this.queue.splice(i, 1)[0].bytes;
    }
    const bytes = encoder.encode(text).length;
    this.queue.push({ text, kind, bytes });
    this.queuedBytes += bytes;
    this.pump();
    return true;
  }

  /** Bytes waiting or in flight. */
  get buffered() {
    return this.queuedBytes + (this.inflight?.bytes ?? 0);
  }

  pump() {
    if (this.stopped || this.inflight || this.queue.length === 0) return;
    // As many queued messages as fit in one body; the first always goes
    // (alone over the limit, the server refuses it as a socket would).
    const limit = this.maxBody();
    let n = 1;
    let bytes = this.queue[0].bytes;
    while (n < this.queue.length && bytes + 1 + this.queue[n].bytes <= limit) bytes += 1 + this.queue[n++].bytes;
    const batch = this.queue.splice(0, n);
    for (const m of batch) this.queuedBytes -= m.bytes;
    this.inflight = { seq: ++this.seq, body: batch.map((m) => m.text).join('\n'), bytes, tries: 0 };
    this.post();
  }

  async post() {
    const req = this.inflight;
    if (!req || this.stopped) return;
    const abort = new AbortController();
    this.abort = abort;
    let status = 0;
    try {
      const res = await this.fetch(this.url(), {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'X-Easel-Seq': String(req.seq) },
        body: req.body,
        cache: 'no-store',
        signal: abort.signal,
      });
      status = res.status;
    } catch {
      status = 0; // the network: try again below
    }
    if (this.stopped || this.inflight !== req) return;
    this.abort = null;
    if (status >= 200 && status < 300) {
      this.inflight = null;
      this.pump();
      return;
    }
    if (status === 410) return this.stop(1006, 'session gone');
    if (status === 413) return this.stop(1009, '');
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) return this.stop(1008, status === 403 ? '' : `send refused (${status})`);
    // The network, a proxy's 5xx, a timeout: the same number again, so it is applied once.
    if (req.tries >= RETRY_MS.length) return this.stop(1006, '');
    this.retryTimer = setTimeout(() => this.post(), RETRY_MS[req.tries++]);
  }

  /**
   * Give the session up and report why.
   * @param {number} code
   * @param {string} reason
   */
  stop(code, reason) {
    if (this.stopped) return;
    this.close();
    this.fail(code, reason);
  }

  /** Stop sending; nothing more is reported. */
  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.abort?.abort();
    this.abort = null;
  }

  /**
   * We end the session while the page stays (a reconnect): what is still
   * queued and a last message in one request, not waited for.
   * @param {string} text
   */
  farewell(text) {
    if (this.stopped) return;
    const body = [...this.queue.map((m) => m.text), text].join('\n');
    const seq = ++this.seq;
    const url = this.url();
    this.close();
    this.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'X-Easel-Seq': String(seq) },
      body,
      cache: 'no-store',
      keepalive: true,
    }).catch(() => {});
  }

  /**
   * The page goes away: what is still queued and a last message go with
   * sendBeacon, which outlives the page but cannot set headers, so the
   * number goes in the query as `seq`.
   * @param {string} text
   * @returns {boolean} whether the browser took it
   */
  beacon(text) {
    if (this.stopped) return false;
    const body = [...this.queue.map((m) => m.text), text].join('\n');
    const url = `${this.url()}&seq=${++this.seq}`;
    this.close();
    try {
      return this.beaconImpl(url, body);
    } catch {
      return false;
    }
  }
}

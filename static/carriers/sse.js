// The SSE carrier: the server's frames as a text/event-stream read with
// fetch (GET <base>/sse), the page's messages as POSTs (httpsend.js). A
// stream that drops after the session began is reattached to the same
// session (?session=<token>, Last-Event-ID: <last event taken>) within the
// seconds the server keeps it, so a flaky proxy costs no leave and no
// catch-up; a session the server no longer has (410) ends the carrier and
// the connection starts afresh. Why fetch and not EventSource: see
// eventstream.js.

import { EventStreamParser } from './eventstream.js';
import { HTTPCarrier, refusalCode } from './httpcarrier.js';

/** The server keeps a session 5 s without a stream: reattach within this. */
export const REATTACH_WITHIN_MS = 4000;
/** Waits between reattach attempts. */
export const REATTACH_MS = [0, 250, 500, 1000, 1000, 1000];
/** The server sends a comment after 15 s of quiet: this long without a byte means the stream is dead. */
export const SILENCE_MS = 40_000;

export class SSECarrier extends HTTPCarrier {
  /**
   * @param {string} base the board's path, "/b/<id>" or "/v/<viewId>"
   * @param {import('./httpcarrier.js').HTTPEnv} [env]
   */
  constructor(base, env = {}) {
    super('sse', base, env);
    /** @type {AbortController | null} */
    this.abort = null;
    /** When the stream dropped (0 while attached). */
    this.droppedAt = 0;
    this.reattaches = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.silence = undefined;
  }

  start() {
    this.stream();
  }

  async stream() {
    const reattach = this.events.token !== '';
    const abort = new AbortController();
    this.abort = abort;
    /** @type {Record<string, string>} */
    const headers = { Accept: 'text/event-stream' };
    let url = `${this.base}/sse`;
    if (reattach) {
      url += `?session=${encodeURIComponent(this.events.token)}`;
      headers['Last-Event-ID'] = String(this.events.last);
    }
    this.watch(abort);
    try {
      const res = await this.fetch(url, { headers, cache: 'no-store', signal: abort.signal });
      if (this.abort !== abort) return;
      if (res.status === 410 && reattach) return this.events.fail(1006, 'session gone');
      if (!res.ok || !res.body) return this.dropped(res.status);
      this.droppedAt = 0;
      this.reattaches = 0;
      const parser = new EventStreamParser((ev) => this.events.take(ev.id === '' ? NaN : Number(ev.id), ev.event, ev.data));
      const decoder = new TextDecoder();
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (this.abort !== abort) return;
        if (done) break;
        this.watch(abort);
        parser.push(decoder.decode(value, { stream: true }));
        if (this.done) return;
      }
    } catch {
      if (this.abort !== abort) return;
    }
    this.dropped(0);
  }

  /**
   * Abort the stream if nothing arrives for SILENCE_MS (a dead connection
   * that never says so); reading then fails and the stream reattaches.
   * @param {AbortController} abort
   */
  watch(abort) {
    clearTimeout(this.silence);
    this.silence = setTimeout(() => abort.abort(), SILENCE_MS);
  }

  /**
   * The stream ended or could not start.
   * @param {number} status the HTTP status, 0 for the network
   */
  dropped(status) {
    clearTimeout(this.silence);
    if (this.done) return;
    this.abort = null;
    // Before the session began there is nothing to reattach to: the fallback decides.
    if (this.events.token === '') return this.events.fail(refusalCode(status), '');
    const now = Date.now();
    if (this.droppedAt === 0) this.droppedAt = now;
    if (now - this.droppedAt > REATTACH_WITHIN_MS || this.reattaches >= REATTACH_MS.length) return this.events.fail(1006, '');
    this.timer = setTimeout(() => this.stream(), REATTACH_MS[this.reattaches++]);
  }

  halt() {
    clearTimeout(this.timer);
    clearTimeout(this.silence);
    this.abort?.abort();
    this.abort = null;
  }
}

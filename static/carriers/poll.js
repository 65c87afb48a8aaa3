// The long-polling carrier, for when even an event stream does not get
// through (a proxy that holds responses back until they end): GET
// <base>/poll opens the session, then GET …/poll?session=<token>&after=<n>
// again and again, each answering at once with the events after n or
// after up to 25 s with none. A poll acknowledges the events up to
// `after`, so a response lost on the way is simply asked for again. The
// page's messages go as POSTs (httpsend.js), as over SSE.

import { HTTPCarrier, refusalCode } from './httpcarrier.js';

/** The server holds a poll up to 25 s: a poll unanswered this long is given up and asked again. */
export const POLL_TIMEOUT_MS = 35_000;
/** Waits before polling again after a failure, all well inside the 30 s the server keeps a session without polls. */
export const POLL_RETRY_MS = [250, 500, 1000, 2000, 4000, 4000, 4000];

export class PollCarrier extends HTTPCarrier {
  /**
   * @param {string} base the board's path, "/b/<id>" or "/v/<viewId>"
   * @param {import('./httpcarrier.js').HTTPEnv} [env]
   */
  constructor(base, env = {}) {
    super('poll', base, env);
    /** @type {AbortController | null} */
    this.abort = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {(() => void) | null} */
    this.wake = null;
  }

  start() {
    this.loop();
  }

  async loop() {
    let failures = 0;
    while (!this.done) {
      const token = this.events.token;
      const url = token ? `${this.base}/poll?session=${encodeURIComponent(token)}&after=${this.events.last}` : `${this.base}/poll`;
      const abort = new AbortController();
      this.abort = abort;
      this.timer = setTimeout(() => abort.abort(), POLL_TIMEOUT_MS);
      let status = 0;
      /** @type {any} */
      let body = null;
      try {
        const res = await this.fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: abort.signal });
        status = res.status;
        if (res.ok) body = await res.json();
      } catch {
        // the network, a timeout, or JSON cut short: poll again below
      }
      clearTimeout(this.timer);
      if (this.done) return;
      this.abort = null;
      if (body && Array.isArray(body.events)) {
        failures = 0;
        for (const ev of body.events) {
          if (!ev || typeof ev.data !== 'string') continue;
          this.events.take(typeof ev.n === 'number' ? ev.n : NaN, typeof ev.event === 'string' && ev.event !== '' ? ev.event : 'message', ev.data);
          if (this.done) return;
        }
        continue;
      }
      // Before the session began there is nothing to keep: the fallback decides.
      if (!token) return this.events.fail(refusalCode(status), '');
      if (status === 410) return this.events.fail(1006, 'session gone');
      if (status === 403) return this.events.fail(1008, '');
      if (failures >= POLL_RETRY_MS.length) return this.events.fail(1006, '');
      await new Promise((resolve) => {
        this.wake = () => resolve(undefined);
        this.timer = setTimeout(resolve, POLL_RETRY_MS[failures++]);
      });
      this.wake = null;
    }
  }

  halt() {
    clearTimeout(this.timer);
    this.wake?.();
    this.abort?.abort();
    this.abort = null;
  }
}

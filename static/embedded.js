// Embedded: the board page inside another site's <iframe> (?embed=1) tells
// its host page how far the board has got, so that the host can show a
// "changed" badge without a connection of its own (docs/protocol.md,
// "Cross-origin use"): `{type: "easel.ready"}` once the board's state is
// applied, then `{type: "easel.seq", seq}` whenever the board's sequence
// number moves, bursts coalesced to one message per SEQ_INTERVAL_MS with
// the latest number always sent last.
//
// The messages go to the sites the server allows to frame its boards
// (--origins, `data-embed-origins`) and to no other: never "*". Where the
// browser says who the parent is (location.ancestorOrigins), to that origin
// when it is allowed and nowhere when it is not; elsewhere to each allowed
// origin as the target, which the browser delivers to the matching parent
// only. With no allowed origin, nothing is posted.

import { Throttle } from './presencewire.js';

/** At most one easel.seq per this many ms (about ten a second). */
export const SEQ_INTERVAL_MS = 100;

/**
 * The origins of `data-embed-origins`, as browsers write an origin
 * (scheme://host[:port], lower case, no default port); what is not an
 * http(s) origin (a wildcard, "null", a path) is left out.
 * @param {string} list space-separated
 * @returns {string[]}
 */
export function allowedOrigins(list) {
  /** @type {string[]} */
  const out = [];
  for (const word of list.split(/\s+/)) {
    if (word === '') continue;
    let url;
    try {
      url = new URL(word);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (!out.includes(url.origin)) out.push(url.origin);
  }
  return out;
}

/**
 * Where the page's messages to its parent may go.
 * @param {string[]} allowed the allowed origins (allowedOrigins)
 * @param {ArrayLike<string> | null | undefined} ancestors location.ancestorOrigins, or nothing where the browser lacks it
 * @returns {string[]} target origins for postMessage; empty: post nothing
 */
export function targetOrigins(allowed, ancestors) {
  if (allowed.length === 0) return [];
  const parent = ancestors && ancestors.length > 0 ? ancestors[0] : undefined;
  // No API, or the parent hidden ("null": the frame was given a no-referrer
  // policy): each allowed origin, of which the browser picks the parent's.
  if (parent === undefined || parent === 'null') return allowed.slice();
  return allowed.includes(parent) ? [parent] : [];
}

/**
 * What the host is told, and when: ready once the board holds a state,
 * then every change of seq, throttled. It only decides; `post` sends.
 */
export class HostReport {
  /**
   * @param {(msg: {type: string, seq?: number}) => void} post
   * @param {ConstructorParameters<typeof Throttle>[2]} [clock] for tests
   */
  constructor(post, clock) {
    this.post = post;
    this.ready = false;
    /** The board's seq as last seen. */
    this.seq = 0;
    /** The seq the host was last told, or null before the first. @type {number | null} */
    this.told = null;
    this.throttle = new Throttle(() => this.tell(), SEQ_INTERVAL_MS, clock);
  }

  /**
   * The board as it stands after a welcome or an ops message.
   * @param {boolean} hasState whether a welcome has given the board a state
   * @param {number} seq the board's sequence number
   */
  update(hasState, seq) {
    if (!hasState) return;
    if (!this.ready) {
      this.ready = true;
      this.post({ type: 'easel.ready' });
    }
    this.seq = seq;
    if (seq !== this.told) this.throttle.schedule();
  }

  tell() {
    if (this.seq === this.told) return;
    this.told = this.seq;
    this.post({ type: 'easel.seq', seq: this.seq });
  }
}

/**
 * Report to the host page when this page is an embed inside a frame; a
 * page opened on its own, or allowed to post to nobody, reports nothing.
 * Registered after wireSync, so the board has taken each message first.
 * @param {object} o
 * @param {{embed: boolean, embedOrigins: string}} o.page
 * @param {import('./net.js').Connection} o.conn
 * @param {{hasState: boolean, seq: number}} o.sync
 * @returns {HostReport | null}
 */
export function wireHostReport({ page, conn, sync }) {
  if (!page.embed || window.parent === window) return null;
  const targets = targetOrigins(allowedOrigins(page.embedOrigins), location.ancestorOrigins);
  if (targets.length === 0) return null;
  const report = new HostReport((msg) => {
    for (const origin of targets) window.parent.postMessage(msg, origin);
  });
  const update = () => report.update(sync.hasState, sync.seq);
  conn.on('welcome', update);
  conn.on('ops', update);
  return report;
}

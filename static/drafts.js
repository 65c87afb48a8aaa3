// Drafts: the shape a member is drawing right now, shown to the others
// before it is committed (protocol "Presence beyond cursors").
//
// Sending (editors only): the whiteboard tells the DraftSender what its
// gesture shows (each preview, each keystroke in the text editor) and when
// it ends. The sender coalesces to the latest element and sends at most one
// `draft` per animation frame, and never two within MIN_INTERVAL_MS (a
// 144 Hz display would otherwise send 144 a second; the server relays one
// per tick, ~30 Hz). When a gesture ends without committing the element it
// showed (Escape, a click that made nothing, an edit that changed nothing),
// `{"type":"draft","gone":true}` clears it; after a commit that puts the
// same id the server clears it by itself.
//
// Receiving: RemoteDrafts keeps each peer's latest draft from `presence`
// messages and hands them to the elements layer, which draws them faint in
// place of the stored element (render.js setDrafts). A draft goes away when
// its author's `ops` puts its id — in the same task that applies those ops,
// so the committed element replaces it in one frame — on `null`, on leave,
// and when the connection goes.

import { elementProblem, fromWire } from './element.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */

/** Smallest gap between two drafts, ms: ≤ 60 a second, half the server's cursor budget. */
export const MIN_INTERVAL_MS = 16;

/**
 * The element a gesture's preview shows to the others: the first one it
 * changes (a move of several sends the first; the protocol carries one
 * element per member).
 * @param {Map<string, Element | null>} preview
 * @returns {Element | null}
 */
export function draftOf(preview) {
  for (const el of preview.values()) if (el) return el;
  return null;
}

/**
 * @typedef {object} SenderOptions
 * @property {(msg: {type: 'draft', el: Element} | {type: 'draft', gone: true}) => boolean} send whether it went out
 * @property {() => boolean} allowed whether this member may send drafts now (edit role, connected)
 * @property {(fn: (now: number) => void) => number} [frame] requestAnimationFrame
 * @property {(id: number) => void} [cancelFrame]
 * @property {(fn: () => void) => void} [defer] queueMicrotask
 */

export class DraftSender {
  /** @param {SenderOptions} opts */
  constructor({ send, allowed, frame, cancelFrame, defer }) {
    this.send = send;
    this.allowed = allowed;
    this.frame = frame ?? ((fn) => requestAnimationFrame(fn));
    this.cancelFrame = cancelFrame ?? ((id) => cancelAnimationFrame(id));
    this.defer = defer ?? ((fn) => queueMicrotask(fn));
    /** The latest element not sent yet. @type {Element | null} */
    this.pending = null;
    /** The id the server holds as our draft, "" for none. */
    this.sentId = '';
    /** When the last draft went out (frame time), ms. */
    this.sentAt = -Infinity;
    this.scheduled = 0;
    /** Ids put by commits since the gesture ended (see end). @type {Set<string>} */
    this.committedIds = new Set();
    this.ending = false;
  }

  /**
   * What the gesture shows now; null when it ended.
   * @param {Element | null} el
   */
  show(el) {
    if (el === null) {
      this.end();
      return;
    }
    if (!this.allowed()) return;
    // A draft the server would refuse is not sent (its `bad_request` would toast).
    if (elementProblem(el) !== '') return;
    this.pending = el;
    this.schedule();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = this.frame((now) => {
      this.scheduled = 0;
      if (now - this.sentAt < MIN_INTERVAL_MS) {
        this.schedule();
        return;
      }
      this.flush(now);
    });
  }

  /** @param {number} now */
  flush(now) {
    const el = this.pending;
    if (!el || !this.allowed()) return;
    // Not sent (a busy socket): the next show tries again with what is newest then.
    if (!this.send({ type: 'draft', el })) return;
    this.pending = null;
    this.sentId = el.id;
    this.sentAt = now;
  }

  /**
   * The gesture ended. Tools end their preview just before or after they
   * commit, in the same task: whether the draft must be cleared is decided
   * once that task is done.
   */
  end() {
    if (this.scheduled) this.cancelFrame(this.scheduled);
    this.scheduled = 0;
    this.pending = null;
    if (this.ending || this.sentId === '') return;
    this.ending = true;
    this.defer(() => {
      this.ending = false;
      const id = this.sentId;
      const committed = this.committedIds.has(id);
      this.committedIds.clear();
      // A new gesture began meanwhile: its draft replaces this one anyway.
      if (this.pending || this.scheduled) return;
      this.sentId = '';
      if (!committed && this.allowed()) this.send({ type: 'draft', gone: true });
    });
  }

  /**
   * A commit went out: the server clears our draft if it puts its id.
   * @param {Op[]} ops
   */
  committed(ops) {
    if (this.sentId === '') return;
    for (const op of ops) if (op.op === 'put') this.committedIds.add(op.el.id);
  }

  /** The connection went: the server dropped our draft with us. */
  disconnected() {
    this.sentId = '';
    this.pending = null;
  }
}

/**
 * Every peer's draft, latest wins.
 */
export class RemoteDrafts {
  /** @param {(drafts: Element[]) => void} changed called with every draft when any changes */
  constructor(changed) {
    this.changed = changed;
    /** @type {Map<string, Element>} */
    this.byPeer = new Map();
  }

  /**
   * A `presence` message's drafts: [[peer, Element | null], …].
   * @param {unknown} entries
   * @param {string} you this member's id: never drawn (the server never sends it)
   */
  apply(entries, you) {
    if (!Array.isArray(entries)) return;
    let any = false;
    for (const entry of entries) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[0] === you) continue;
      const [peer, raw] = entry;
      const el = raw === null ? null : fromWire(raw);
      if (el) this.byPeer.set(peer, el);
      else if (!this.byPeer.delete(peer)) continue;
      any = true;
    }
    if (any) this.emit();
  }

  /**
   * Ops from `by` were applied: its draft of an element they put is
   * replaced by that element now, not a tick later when the server's
   * `null` arrives.
   * @param {unknown} by
   * @param {unknown} ops
   */
  committed(by, ops) {
    if (typeof by !== 'string' || !Array.isArray(ops)) return;
    const draft = this.byPeer.get(by);
    if (!draft) return;
    for (const op of ops) {
      if (op && op.op === 'put' && op.el && op.el.id === draft.id) {
        this.byPeer.delete(by);
        this.emit();
        return;
      }
    }
  }

  /** @param {string} peer */
  leave(peer) {
    if (this.byPeer.delete(peer)) this.emit();
  }

  /** Everything is stale (disconnected, or a welcome: the server sends the drafts again). */
  clear() {
    if (this.byPeer.size === 0) return;
    this.byPeer.clear();
    this.emit();
  }

  /** @returns {Array<{peer: string, el: Element}>} for window.easel.drafts() */
  list() {
    return [...this.byPeer].map(([peer, el]) => ({ peer, el: structuredClone(el) }));
  }

  emit() {
    this.changed([...this.byPeer.values()]);
  }
}

/**
 * Wire drafts to the page: ours out through the whiteboard's gestures,
 * the others' in from `presence` and `ops` to the elements layer.
 * @param {object} opts
 * @param {import('./net.js').Connection} opts.conn
 * @param {import('./whiteboard.js').Whiteboard} opts.board
 * @param {{you: string, role: 'edit' | 'view'}} opts.session
 * @returns {RemoteDrafts}
 */
export function wireDrafts({ conn, board, session }) {
  const sender = new DraftSender({
    // Latest-wins: skip a beat rather than queue behind a slow socket (as cursors do).
    send: (msg) => !('el' in msg && conn.buffered > 64 * 1024) && conn.send(msg),
    allowed: () => session.role === 'edit' && conn.connected,
  });
  board.drafts = sender;
  const remote = new RemoteDrafts((drafts) => board.layer.setDrafts(drafts));
  conn.on('presence', (msg) => remote.apply(msg.drafts, session.you));
  // In the task that applies the ops (app.js): the element replaces the draft in one frame.
  conn.on('ops', (msg) => remote.committed(msg.by, msg.ops));
  conn.on('leave', (msg) => {
    if (typeof msg.id === 'string') remote.leave(msg.id);
  });
  // The server sends everyone's drafts again after a welcome.
  conn.on('welcome', () => remote.clear());
  conn.onDisconnect(() => {
    remote.clear();
    sender.disconnected();
  });
  return remote;
}

// Sync: the board's elements and title as the server ordered them
// ("confirmed"), this client's own edits the server has not acknowledged yet
// ("pending"), and what the page shows: confirmed with pending replayed on
// top ("rendered"). No DOM and no socket: app.js feeds it the server's
// messages and sends what it hands out.
//
//   welcome  recovered:false  confirmed := elements, seq := welcome.seq
//            recovered:true   confirmed kept; the missed ops follow in order
//            then every pending message is sent again with its own ref
//   ops      seq = seq+1      applied to confirmed; our ref = ack, pending dropped
//            seq ≤ seq        already applied (a duplicate, or the ack of a
//                             resent ref): only drops the pending message
//            seq > seq+1      a gap: the caller reconnects with since
//   error    with our ref     that message was refused: dropped, its effect
//                             rolled back

import { fromWire, LIMITS } from './element.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */

/**
 * One ops message of ours the server has not acknowledged.
 * @typedef {object} PendingMessage
 * @property {string} ref
 * @property {Op[]} ops
 */

/**
 * A change of the rendered board: before/after are undefined for "absent".
 * @typedef {object} Change
 * @property {string} id
 * @property {Element | undefined} before
 * @property {Element | undefined} after
 */

/**
 * What a batch of changes did; reset means "everything may have changed".
 * @typedef {object} ChangeSet
 * @property {Change[]} changes
 * @property {boolean} reset
 * @property {boolean} title whether the rendered title changed
 */

/** @typedef {'applied' | 'ack' | 'duplicate' | 'gap' | 'ignored'} Received */

/** Room left in a message for the envelope, bytes. */
const ENVELOPE = 256;
/** Largest ops message this client sends, bytes (the server's default 1 MiB, minus slack). */
export const DEFAULT_MAX_BYTES = 1024 * 1024 - 4096;

/**
 * Apply ops to an element map and title in order; returns the new title.
 * Elements that cannot be drawn are dropped (the server never sends them).
 * @param {Map<string, Element | null>} map
 * @param {Op[]} ops
 * @param {string} title
 * @param {Set<string>} [touched] collects the ids the ops name
 * @param {boolean} [tombstones] record deletions as null instead of deleting
 * @returns {string}
 */
export function applyOps(map, ops, title, touched, tombstones = false) {
  for (const op of ops) {
    if (!op || typeof op !== 'object') continue;
    if (op.op === 'put') {
      const el = fromWire(op.el);
      if (!el) continue;
      map.set(el.id, el);
      touched?.add(el.id);
    } else if (op.op === 'del' && typeof op.id === 'string') {
      if (tombstones) map.set(op.id, null);
      else map.delete(op.id);
      touched?.add(op.id);
    } else if (op.op === 'title' && typeof op.title === 'string') {
      title = op.title;
    }
  }
  return title;
}

/**
 * Split ops into messages of at most maxOps ops and about maxBytes bytes of
 * JSON each, in order.
 * @param {Op[]} ops
 * @param {number} [maxOps]
 * @param {number} [maxBytes]
 * @returns {Op[][]}
 */
export function chunkOps(ops, maxOps = LIMITS.maxOps, maxBytes = DEFAULT_MAX_BYTES) {
  /** @type {Op[][]} */
  const chunks = [];
  /** @type {Op[]} */
  let cur = [];
  let bytes = ENVELOPE;
  for (const op of ops) {
    const size = utf8Length(JSON.stringify(op)) + 1;
    if (cur.length > 0 && (cur.length >= maxOps || bytes + size > maxBytes)) {
      chunks.push(cur);
      cur = [];
      bytes = ENVELOPE;
    }
    cur.push(op);
    bytes += size;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

export class BoardSync {
  /**
   * @param {string} clientId random per page load: the prefix of every ref
   */
  constructor(clientId) {
    this.clientId = clientId;
    this.counter = 0;
    /** Server state, applied in seq order. @type {Map<string, Element>} */
    this.confirmed = new Map();
    this.confirmedTitle = '';
    /** @type {string | null} */
    this.epoch = null;
    this.seq = 0;
    /** Whether a welcome has given us a confirmed state. */
    this.hasState = false;
    /** Our unacknowledged messages, in send order. @type {PendingMessage[]} */
    this.pending = [];
    /** Confirmed + pending. @type {Map<string, Element>} */
    this.view = new Map();
    this.title = '';
    /** Ids the pending overlay changes, to revert them when it shrinks. @type {Set<string>} */
    this.overlayIds = new Set();
    /** Largest message, bytes; from welcome.limits.maxMessage. */
    this.maxBytes = DEFAULT_MAX_BYTES;
    /** Most ops per message; from welcome.limits.maxOps. */
    this.maxOps = LIMITS.maxOps;
    /** @type {Set<(set: ChangeSet) => void>} */
    this.listeners = new Set();
    /** @type {Set<(added: PendingMessage[], removed: PendingMessage[]) => void>} */
    this.pendingListeners = new Set();
  }

  /**
   * Call fn whenever messages join pending (proposed or restored) or leave
   * it (acknowledged or refused): what the outbox keeps on disk.
   * @param {(added: PendingMessage[], removed: PendingMessage[]) => void} fn
   * @returns {() => void}
   */
  onPending(fn) {
    this.pendingListeners.add(fn);
    return () => this.pendingListeners.delete(fn);
  }

  /**
   * @param {PendingMessage[]} added
   * @param {PendingMessage[]} removed
   */
  emitPending(added, removed) {
    for (const fn of this.pendingListeners) fn(added, removed);
  }

  /**
   * Take back messages of ours from before a reload (the outbox's), after
   * those already pending: they are rendered at once and sent after the
   * next welcome like any pending message. Refs already pending are skipped.
   * @param {PendingMessage[]} messages
   */
  restore(messages) {
    const known = new Set(this.pending.map((p) => p.ref));
    const fresh = messages.filter((m) => typeof m.ref === 'string' && Array.isArray(m.ops) && !known.has(m.ref));
    if (fresh.length === 0) return;
    const touched = new Set();
    for (const m of fresh) {
      this.pending.push({ ref: m.ref, ops: m.ops });
      for (const id of idsOf(m.ops)) touched.add(id);
    }
    this.emitPending(fresh, []);
    this.refresh(touched);
  }

  /**
   * Call fn after every change of the rendered board.
   * @param {(set: ChangeSet) => void} fn
   * @returns {() => void}
   */
  onChange(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** @returns {{epoch: string, seq: number} | null} what hello's since says */
  since() {
    if (!this.hasState || this.epoch === null || this.epoch === '') return null;
    return { epoch: this.epoch, seq: this.seq };
  }

  /**
   * Take a welcome. Returns the pending messages to send again, in order.
   * @param {Record<string, any>} msg
   * @returns {PendingMessage[]}
   */
  welcome(msg) {
    const limits = msg.limits && typeof msg.limits === 'object' ? msg.limits : {};
    if (Number.isFinite(limits.maxMessage) && limits.maxMessage > 4096) {
      this.maxBytes = Math.min(DEFAULT_MAX_BYTES, limits.maxMessage - 4096);
    }
    if (Number.isInteger(limits.maxOps) && limits.maxOps >= 1) this.maxOps = Math.min(LIMITS.maxOps, limits.maxOps);
    const title = msg.board && typeof msg.board.title === 'string' ? msg.board.title : this.confirmedTitle;
    const seq = Number.isSafeInteger(msg.seq) && msg.seq >= 0 ? msg.seq : 0;
    const epoch = typeof msg.epoch === 'string' ? msg.epoch : '';
    if (msg.recovered === true && this.hasState && epoch === this.epoch) {
      // Keep what we have; the missed ops follow.
      this.confirmedTitle = title;
    } else {
      this.confirmed = new Map();
      applyOps(
        /** @type {Map<string, Element | null>} */ (this.confirmed),
        (Array.isArray(msg.elements) ? msg.elements : []).map((el) => ({ op: 'put', el })),
        '',
      );
      this.confirmedTitle = title;
      this.seq = seq;
      this.epoch = epoch;
      this.hasState = true;
      this.rebuild();
      return this.pending.slice();
    }
    this.refresh(new Set());
    return this.pending.slice();
  }

  /**
   * Take an ops message from the server.
   * @param {Record<string, any>} msg
   * @returns {Received}
   */
  receive(msg) {
    if (!this.hasState || !Number.isSafeInteger(msg.seq) || !Array.isArray(msg.ops)) return 'ignored';
    const ref = typeof msg.ref === 'string' ? msg.ref : '';
    if (msg.seq <= this.seq) {
      // Already in confirmed: the ack of a resent ref, or a repeat.
      const i = ref ? this.pending.findIndex((p) => p.ref === ref) : -1;
      if (i < 0) return 'duplicate';
      const [dropped] = this.pending.splice(i, 1);
      this.emitPending([], [dropped]);
      this.refresh(idsOf(dropped.ops));
      return 'ack';
    }
    if (msg.seq > this.seq + 1) return 'gap';
    this.seq = msg.seq;
    const touched = new Set();
    this.confirmedTitle = applyOps(
      /** @type {Map<string, Element | null>} */ (this.confirmed),
      msg.ops,
      this.confirmedTitle,
      touched,
    );
    let result = /** @type {Received} */ ('applied');
    if (ref) {
      // Normally the oldest; searched anyway.
      const i = this.pending.findIndex((p) => p.ref === ref);
      if (i >= 0) {
        const [dropped] = this.pending.splice(i, 1);
        this.emitPending([], [dropped]);
        for (const id of idsOf(dropped.ops)) touched.add(id);
        result = 'ack';
      }
    }
    this.refresh(touched);
    return result;
  }

  /**
   * Queue our own ops: split into messages, each with a fresh ref, applied
   * to the rendered board at once. Returns the messages to send.
   * @param {Op[]} ops
   * @returns {PendingMessage[]}
   */
  propose(ops) {
    if (ops.length === 0) return [];
    /** @type {PendingMessage[]} */
    const out = [];
    const touched = new Set();
    for (const chunk of chunkOps(ops, this.maxOps, this.maxBytes)) {
      const message = { ref: `${this.clientId}-${++this.counter}`, ops: chunk };
      this.pending.push(message);
      out.push(message);
      for (const id of idsOf(chunk)) touched.add(id);
    }
    this.emitPending(out, []);
    this.refresh(touched);
    return out;
  }

  /**
   * The server refused our message ref: forget it and roll back its effect.
   * @param {string} ref
   * @returns {boolean} whether ref was pending
   */
  reject(ref) {
    const i = this.pending.findIndex((p) => p.ref === ref);
    if (i < 0) return false;
    const [dropped] = this.pending.splice(i, 1);
    this.emitPending([], [dropped]);
    this.refresh(idsOf(dropped.ops));
    return true;
  }

  /**
   * @param {string} ref
   * @returns {boolean}
   */
  isPending(ref) {
    return this.pending.some((p) => p.ref === ref);
  }

  /**
   * The rendered element with this id.
   * @param {string} id
   * @returns {Element | undefined}
   */
  get(id) {
    return this.view.get(id);
  }

  /**
   * Replay the pending ops over confirmed for the ids they name.
   * @returns {{map: Map<string, Element | null>, title: string | null}}
   */
  overlay() {
    /** @type {Map<string, Element | null>} */
    const map = new Map();
    /** @type {string | null} */
    let title = null;
    for (const p of this.pending) {
      const t = applyOps(map, p.ops, '\u0000', undefined, true);
      if (t !== '\u0000') title = t;
    }
    return { map, title };
  }

  /**
   * Recompute the rendered elements for the touched ids and those pending
   * ops change, and tell the listeners what differs.
   * @param {Set<string>} touched
   */
  refresh(touched) {
    const { map, title } = this.overlay();
    for (const id of this.overlayIds) touched.add(id);
    for (const id of map.keys()) touched.add(id);
    this.overlayIds = new Set(map.keys());
    /** @type {Change[]} */
    const changes = [];
    for (const id of touched) {
      const next = map.has(id) ? map.get(id) ?? undefined : this.confirmed.get(id);
      const prev = this.view.get(id);
      if (next === prev) continue;
      if (next) this.view.set(id, next);
      else this.view.delete(id);
      changes.push({ id, before: prev, after: next });
    }
    const nextTitle = title ?? this.confirmedTitle;
    const titleChanged = nextTitle !== this.title;
    this.title = nextTitle;
    if (changes.length > 0 || titleChanged) this.emit({ changes, reset: false, title: titleChanged });
  }

  /** Recompute the whole rendered board (after a snapshot). */
  rebuild() {
    const { map, title } = this.overlay();
    this.view = new Map(this.confirmed);
    for (const [id, el] of map) {
      if (el) this.view.set(id, el);
      else this.view.delete(id);
    }
    this.overlayIds = new Set(map.keys());
    this.title = title ?? this.confirmedTitle;
    this.emit({ changes: [], reset: true, title: true });
  }

  /** @param {ChangeSet} set */
  emit(set) {
    for (const fn of this.listeners) fn(set);
  }
}

/**
 * Bytes of s in UTF-8.
 * @param {string} s
 * @returns {number}
 */
export function utf8Length(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // a surrogate pair: 4 bytes for 2 units
      i++;
    } else n += 2;
  }
  return n;
}

/**
 * The element ids ops name.
 * @param {Op[]} ops
 * @returns {Set<string>}
 */
function idsOf(ops) {
  const ids = new Set();
  for (const op of ops) {
    if (op.op === 'put' && op.el && typeof op.el.id === 'string') ids.add(op.el.id);
    else if (op.op === 'del') ids.add(op.id);
  }
  return ids;
}

/**
 * Feed the board's state from the connection: each welcome brings a
 * snapshot (or, recovered, the missed ops follow), after which the outbox
 * sends every message of ours still unacknowledged again with its own ref,
 * once it has marked it sent on disk (the server keeps each edit once).
 * Then everyone's edits in server order, ours included (that is the ack);
 * a gap in the seqs means ops were missed: a new connection catches up.
 * @param {object} o
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./session.js').Session} o.session
 * @param {BoardSync} o.sync
 * @param {{welcomed: () => void}} o.outbox
 */
export function wireSync({ conn, session, sync, outbox }) {
  session.onWelcome((msg) => {
    sync.welcome(msg);
    outbox.welcomed();
  });
  conn.on('ops', (msg) => {
    if (sync.receive(msg) === 'gap') {
      console.warn(`easel: missed ops before seq ${msg.seq} (have ${sync.seq}); catching up`);
      conn.reconnect();
    }
  });
}

// Outbox: keeps every ops message of ours that the server has not
// acknowledged in the browser (outboxdb.js), hands stored ones back after a
// reload or a crash, and decides under which hello client id they go out.
// No DOM and no socket: app.js gives it the database, the Web Locks API,
// the board's sync and a way to send.
//
// Exactly once. The server dedupes client + ref, so a message that may have
// reached a server (`sent`) is resent only under the client id it was sent
// under. Each page holds a Web Lock named after its client id for its whole
// life; on load it claims the stored ids no live page holds and adopts one
// as its own (preferring one with `sent` messages). A message of another
// claimed id that never left the browser (`sent: false`) cannot be on the
// server, so it moves to this page's id; a `sent` one stays stored, under its
// id, for the next page that adopts that id. A message is marked `sent` on
// disk before it is first written to a socket, so a crash cannot leave a
// transmitted message marked unsent. Without Web Locks (plain HTTP off
// loopback is not a secure context) a page adopts the best stored id even
// if a live tab may use it too — the same client + ref sent twice is still
// kept once — and moves nothing.

import { utf8Length } from './sync.js';

/** @typedef {import('./outboxdb.js').OutboxEntry} OutboxEntry */
/** @typedef {import('./sync.js').PendingMessage} PendingMessage */

/**
 * What a page stores, at most: past either bound newer edits live in the
 * page only (still sent when it reconnects; lost if it is closed first).
 */
export const OUTBOX_LIMITS = { count: 1000, bytes: 32 * 1024 * 1024 };

/** How long a page waits at load for the lock of an id with sent messages: a reload's old page may still be letting go. */
export const CLAIM_WAIT_MS = 1500;

/**
 * @typedef {object} LockManagerLike
 * @property {(name: string, options: {ifAvailable?: boolean, signal?: AbortSignal}, cb: (lock: unknown) => any) => Promise<any>} request
 */

/**
 * @typedef {object} OutboxStore what outboxdb.js provides
 * @property {(board: string) => Promise<OutboxEntry[]>} list
 * @property {(puts: OutboxEntry[], dels?: Array<[string, string, string]>) => Promise<void>} write
 */

/** @param {string} client */
export function lockName(client) {
  return `easel-client:${client}`;
}

/**
 * Take the lock on a client id and hold it until release() is called (or
 * the page goes). Resolves to null when another page holds it (ifAvailable)
 * or the wait was aborted.
 * @param {LockManagerLike} locks
 * @param {string} client
 * @param {{wait?: boolean, signal?: AbortSignal}} [opts]
 * @returns {Promise<(() => void) | null>}
 */
export function holdLock(locks, client, opts = {}) {
  return new Promise((resolve) => {
    /** @type {{ifAvailable?: boolean, signal?: AbortSignal}} */
    const options = opts.wait ? {} : { ifAvailable: true };
    if (opts.signal) options.signal = opts.signal;
    locks
      .request(lockName(client), options, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        return new Promise((release) => resolve(() => release(undefined)));
      })
      .catch(() => resolve(null));
  });
}

/**
 * Group stored entries by client, each group in send order.
 * @param {OutboxEntry[]} entries
 * @returns {Map<string, OutboxEntry[]>}
 */
export function groupByClient(entries) {
  /** @type {Map<string, OutboxEntry[]>} */
  const groups = new Map();
  for (const e of entries) {
    let g = groups.get(e.client);
    if (!g) groups.set(e.client, (g = []));
    g.push(e);
  }
  for (const g of groups.values()) g.sort((a, b) => a.order - b.order);
  return groups;
}

/**
 * The order to claim stored client ids in: those with messages that may be
 * on the server first (only their own id can resend them), then the most
 * messages, then the oldest.
 * @param {Map<string, OutboxEntry[]>} groups
 * @returns {string[]}
 */
export function claimOrder(groups) {
  const rank = (/** @type {OutboxEntry[]} */ g) => ({
    sent: g.some((e) => e.sent) ? 1 : 0,
    n: g.length,
    at: Math.min(...g.map((e) => e.at)),
  });
  return [...groups.keys()].sort((a, b) => {
    const ra = rank(/** @type {OutboxEntry[]} */ (groups.get(a)));
    const rb = rank(/** @type {OutboxEntry[]} */ (groups.get(b)));
    return rb.sent - ra.sent || rb.n - ra.n || ra.at - rb.at || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/**
 * What to do with the stored messages of the ids this page claimed.
 * @param {Map<string, OutboxEntry[]>} groups stored entries by client
 * @param {string[]} claimed the ids whose lock this page got, in claimOrder
 * @param {string} fresh a new client id, used when none is adopted
 * @returns {{client: string, adopted: OutboxEntry[], moved: OutboxEntry[], kept: OutboxEntry[]}}
 *   client: this page's id; adopted: its stored messages (resent as they
 *   are); moved: never-sent messages of other claimed ids (go to client);
 *   kept: sent messages of other claimed ids (stay for a later page)
 */
export function planClaim(groups, claimed, fresh) {
  const client = claimed.length > 0 ? claimed[0] : fresh;
  const adopted = groups.get(client) ?? [];
  /** @type {OutboxEntry[]} */
  const moved = [];
  /** @type {OutboxEntry[]} */
  const kept = [];
  for (const id of claimed.slice(1)) {
    for (const e of groups.get(id) ?? []) (e.sent ? kept : moved).push(e);
  }
  moved.sort((a, b) => a.at - b.at || a.order - b.order);
  return { client, adopted, moved, kept };
}

/**
 * Whether one more entry of `bytes` fits beside what is stored.
 * @param {{count: number, bytes: number}} stored
 * @param {number} bytes
 * @param {{count: number, bytes: number}} [limits]
 */
export function fits(stored, bytes, limits = OUTBOX_LIMITS) {
  return stored.count + 1 <= limits.count && stored.bytes + bytes <= limits.bytes;
}

/**
 * @typedef {object} OutboxOptions
 * @property {OutboxStore | null} db null: nothing is stored (no IndexedDB)
 * @property {LockManagerLike | null} locks null: no Web Locks (not a secure context)
 * @property {string} board the board's view id
 * @property {() => string} newClient a fresh random client id
 * @property {() => number} [now]
 * @property {{count: number, bytes: number}} [limits] default OUTBOX_LIMITS
 */

/**
 * @typedef {object} SyncLike the part of BoardSync the outbox uses
 * @property {PendingMessage[]} pending
 * @property {(messages: PendingMessage[]) => void} restore
 * @property {(fn: (added: PendingMessage[], removed: PendingMessage[]) => void) => () => void} onPending
 * @property {(ref: string) => boolean} isPending
 */

export class Outbox {
  /** @param {OutboxOptions} opts */
  constructor(opts) {
    this.db = opts.db;
    this.locks = opts.locks;
    this.board = opts.board;
    this.newClient = opts.newClient;
    this.now = opts.now ?? Date.now;
    this.limits = opts.limits ?? OUTBOX_LIMITS;
    /** This page's hello client id; set by claim(). */
    this.client = '';
    this.nextOrder = 1;
    /** What this page has on disk. @type {Map<string, OutboxEntry>} */
    this.stored = new Map();
    this.storedBytes = 0;
    /** Refs on disk as `sent` (or not on disk at all, so nothing can move them). @type {Set<string>} */
    this.marked = new Set();
    /** Refs written to the current connection. @type {Set<string>} */
    this.transmitted = new Set();
    /** Whether new messages may go straight out: connected, and every pending one sent. */
    this.flowing = false;
    /** Bumped by each welcome and disconnect, so a stale flush stops. */
    this.generation = 0;
    /** Refs kept in memory only, past the bounds or refused by the disk. @type {Set<string>} */
    this.memoryOnly = new Set();
    /** Called with the number of never-sent messages taken over from a closed page. */
    this.onTakeOver = (/** @type {number} */ _n) => {};
    /** Called with the number of messages that did not fit (once per overflow). */
    this.onOverflow = (/** @type {number} */ _n) => {};
    /** Disk writes in flight, for tests. @type {Promise<void>} */
    this.writes = Promise.resolve();
    /** @type {SyncLike | null} */
    this.sync = null;
    /** @type {(msg: PendingMessage) => boolean} */
    this.transmit = () => false;
    /** Our own lock's release, for tests. @type {(() => void) | null} */
    this.release = null;
    /** Stored ids whose lock a live page held when we claimed. @type {string[]} */
    this.others = [];
    /** Ids of other live pages we wait to outlive. @type {Set<string>} */
    this.watched = new Set();
  }

  /**
   * Claim this page's client id and the stored messages that come with it.
   * Call once, before the first hello.
   * @returns {Promise<{client: string, messages: PendingMessage[], kept: number}>}
   */
  async claim() {
    const entries = this.db ? await this.db.list(this.board).catch(() => []) : [];
    const groups = groupByClient(entries);
    /** @type {string[]} */
    const claimed = [];
    /** @type {Array<() => void>} */
    const releases = [];
    if (this.locks) {
      for (const id of claimOrder(groups)) {
        const group = /** @type {OutboxEntry[]} */ (groups.get(id));
        let release = await holdLock(this.locks, id);
        if (!release && group.some((e) => e.sent) && claimed.length === 0) {
          // A reload: the page before us may not have let go yet.
          release = await holdLock(this.locks, id, { wait: true, signal: timeoutSignal(CLAIM_WAIT_MS) });
        }
        if (release) {
          claimed.push(id);
          releases.push(release);
        } else {
          this.others.push(id);
        }
      }
    } else if (groups.size > 0) {
      // No Web Locks (not a secure context): a live tab's id and an
      // orphan's look alike, so adopt the best one anyway and move nothing.
      // Sharing an id with a live tab is safe: the server dedupes client +
      // ref, so a message sent by both pages is still kept once; only a
      // message sent under two ids could be kept twice.
      claimed.push(claimOrder(groups)[0]);
    }
    let plan = planClaim(groups, claimed, this.newClient());
    if (this.locks && releases.length === 0) {
      const release = await holdLock(this.locks, plan.client);
      if (!release) plan = planClaim(groups, [], this.newClient()); // astronomically unlikely
      this.release = release;
    } else if (releases.length > 0) {
      this.release = releases[0];
    }
    this.client = plan.client;
    for (const e of plan.adopted) {
      this.stored.set(e.ref, e);
      this.storedBytes += e.bytes;
      if (e.sent) this.marked.add(e.ref);
      this.nextOrder = Math.max(this.nextOrder, e.order + 1);
    }
    /** @type {OutboxEntry[]} */
    const moved = plan.moved.map((e) => ({ ...e, client: this.client, order: this.nextOrder++ }));
    for (const e of moved) {
      this.stored.set(e.ref, e);
      this.storedBytes += e.bytes;
    }
    if (moved.length > 0 && this.db) {
      await this.db
        .write(
          moved,
          plan.moved.map((e) => [e.board, e.client, e.ref]),
        )
        .catch((err) => console.warn('easel: could not move stored edits to this page', err));
    }
    // The other ids claimed: let go, so a later page can adopt what is left.
    for (const release of releases.slice(1)) release();
    const messages = [...plan.adopted, ...moved].map((e) => ({ ref: e.ref, ops: e.ops }));
    return { client: this.client, messages, kept: plan.kept.length };
  }

  /**
   * Follow the sync's pending messages from now on, starting with the ones
   * claim() returned (handed to the sync here).
   * @param {SyncLike} sync
   * @param {PendingMessage[]} restored
   * @param {(msg: PendingMessage) => boolean} transmit writes one message to the socket
   */
  attach(sync, restored, transmit) {
    this.sync = sync;
    this.transmit = transmit;
    sync.onPending((added, removed) => this.changed(added, removed));
    if (restored.length > 0) sync.restore(restored);
    // Edits made while claim() ran.
    this.changed(
      sync.pending.filter((m) => !this.stored.has(m.ref) && !this.memoryOnly.has(m.ref)),
      [],
    );
  }

  /**
   * Wait in the background for the pages that held the other stored ids to
   * go (a tab closed while offline): their never-sent messages then move to
   * this page and go out with ours.
   * @returns {Promise<void>[]} one per id, for tests
   */
  watchOthers() {
    return this.others.splice(0).map((id) => this.watch(id));
  }

  /**
   * Learn the ids of the other pages of this board as they open, over a
   * BroadcastChannel: each page says its id when it opens and answers a
   * newcomer with its own, and every page watches every other.
   * @param {{postMessage: (data: any) => void, onmessage: ((ev: {data: any}) => void) | null}} channel
   */
  listen(channel) {
    channel.onmessage = (ev) => {
      const data = ev.data;
      if (!data || typeof data.client !== 'string' || data.client === this.client) return;
      this.watch(data.client);
      if (data.hello === true) channel.postMessage({ client: this.client });
    };
    channel.postMessage({ client: this.client, hello: true });
  }

  /**
   * Wait for the lock of another page's id (it is free once that page is
   * gone), then take over its never-sent messages.
   * @param {string} id
   * @returns {Promise<void>}
   */
  async watch(id) {
    if (!this.locks || !this.db || id === this.client || this.watched.has(id)) return;
    this.watched.add(id);
    const release = await holdLock(this.locks, id, { wait: true });
    if (!release) return;
    try {
      await this.takeOver(id);
    } catch (err) {
      console.warn('easel: could not take over the edits of a closed page', err);
    } finally {
      // Sent messages stay under their id, for a page that adopts it.
      release();
      this.watched.delete(id);
    }
  }

  /**
   * Move the never-sent stored messages of another (orphaned, locked by us)
   * client id to this page: on disk in one transaction, then into pending.
   * @param {string} id
   */
  async takeOver(id) {
    const db = this.db;
    const sync = this.sync;
    if (!db || !sync || id === this.client) return;
    const group = groupByClient(await db.list(this.board)).get(id) ?? [];
    const unsent = group.filter((e) => !e.sent && !sync.isPending(e.ref));
    if (unsent.length === 0) return;
    const moved = unsent.map((e) => ({ ...e, client: this.client, order: this.nextOrder++ }));
    await db.write(
      moved,
      unsent.map((e) => [e.board, e.client, e.ref]),
    );
    for (const e of moved) {
      this.stored.set(e.ref, e);
      this.storedBytes += e.bytes;
    }
    sync.restore(moved.map((e) => ({ ref: e.ref, ops: e.ops })));
    this.onTakeOver(moved.length);
    if (this.flowing) {
      this.flowing = false;
      this.writes = this.flush(this.generation);
    }
  }

  /**
   * Send a message of ours now if the connection is flowing (what the
   * whiteboard calls after proposing it).
   * @param {PendingMessage} msg
   * @returns {boolean}
   */
  send(msg) {
    if (!this.flowing || this.transmitted.has(msg.ref)) return false;
    if (!this.marked.has(msg.ref)) return false; // changed() marks it first
    if (!this.transmit(msg)) return false;
    this.transmitted.add(msg.ref);
    return true;
  }

  /**
   * The connection was welcomed: mark every pending message `sent` on disk,
   * then write them out in order. New messages wait until then, so none
   * overtakes an older one.
   */
  welcomed() {
    const gen = ++this.generation;
    this.flowing = false;
    this.transmitted.clear();
    this.writes = this.flush(gen);
  }

  /** The welcomed connection is gone. */
  disconnected() {
    this.generation++;
    this.flowing = false;
    this.transmitted.clear();
  }

  /** @param {number} gen */
  async flush(gen) {
    const sync = this.sync;
    if (!sync) return;
    for (;;) {
      const unmarked = sync.pending.filter((m) => !this.marked.has(m.ref));
      if (unmarked.length === 0) break;
      const puts = [];
      for (const m of unmarked) {
        const e = this.stored.get(m.ref);
        if (e) puts.push((e.sent = true, e));
      }
      if (puts.length > 0 && this.db) {
        try {
          await this.db.write(puts);
        } catch (err) {
          // Not marked on disk: keep them unsent there rather than risk a
          // second copy; they go out on a later connection.
          console.warn('easel: could not mark stored edits as sent', err);
          for (const e of puts) e.sent = false;
          return;
        }
      }
      for (const m of unmarked) this.marked.add(m.ref);
      if (gen !== this.generation) return;
    }
    if (gen !== this.generation) return;
    // From here on synchronous: nothing can join pending in between.
    for (const m of sync.pending) {
      if (this.transmitted.has(m.ref)) continue;
      if (!this.transmit(m)) return;
      this.transmitted.add(m.ref);
    }
    this.flowing = true;
  }

  /**
   * The sync's pending messages changed: store the new ones (marked sent if
   * they go straight out), forget the acknowledged or refused ones.
   * @param {PendingMessage[]} added
   * @param {PendingMessage[]} removed
   */
  changed(added, removed) {
    /** @type {OutboxEntry[]} */
    const puts = [];
    /** @type {Array<[string, string, string]>} */
    const dels = [];
    let overflow = 0;
    for (const m of removed) {
      this.transmitted.delete(m.ref);
      this.marked.delete(m.ref);
      this.memoryOnly.delete(m.ref);
      const e = this.stored.get(m.ref);
      if (!e) continue;
      this.stored.delete(m.ref);
      this.storedBytes -= e.bytes;
      dels.push([e.board, e.client, e.ref]);
    }
    for (const m of added) {
      if (this.stored.has(m.ref)) continue; // restored: already on disk
      const bytes = utf8Length(JSON.stringify(m.ops));
      const sent = this.flowing;
      if (!this.db || !fits({ count: this.stored.size, bytes: this.storedBytes }, bytes, this.limits)) {
        if (this.db) overflow++;
        this.memoryOnly.add(m.ref);
        this.marked.add(m.ref); // nothing on disk to move elsewhere
        continue;
      }
      /** @type {OutboxEntry} */
      const e = { board: this.board, client: this.client, ref: m.ref, ops: m.ops, order: this.nextOrder++, sent, bytes, at: this.now() };
      this.stored.set(m.ref, e);
      this.storedBytes += bytes;
      if (sent) this.marked.add(m.ref);
      puts.push(e);
    }
    if (overflow > 0) this.onOverflow(overflow);
    if (!this.db || (puts.length === 0 && dels.length === 0)) return;
    const db = this.db;
    this.writes = db.write(puts, dels).catch((err) => {
      // Quota or a broken disk: these live in the page only from now on.
      console.warn('easel: could not store unsaved edits', err);
      for (const e of puts) {
        if (this.stored.delete(e.ref)) this.storedBytes -= e.bytes;
        this.memoryOnly.add(e.ref);
        this.marked.add(e.ref);
      }
      if (puts.length > 0) this.onOverflow(puts.length);
    });
  }

  /** @returns {number} pending messages that would be lost with the page */
  get unstored() {
    return this.memoryOnly.size;
  }
}

/**
 * An AbortSignal that aborts after ms.
 * @param {number} ms
 * @returns {AbortSignal}
 */
function timeoutSignal(ms) {
  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  const ctl = new AbortController();
  setTimeout(() => ctl.abort(), ms);
  return ctl.signal;
}

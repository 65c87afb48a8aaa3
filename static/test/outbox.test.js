// Unit tests of the outbox: what is kept on disk, under which client id a
// stored message goes out again, and that nothing overtakes or doubles.
// A Map stands in for IndexedDB and a small lock table for Web Locks.
// node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimOrder, fits, groupByClient, Outbox, planClaim } from '../outbox.js';
import { statusText, unsavedText } from '../status.js';
import { BoardSync } from '../sync.js';

/** @typedef {import('../outboxdb.js').OutboxEntry} OutboxEntry */

/** IndexedDB's part the outbox uses, in memory; `gate` delays writes. */
class MemoryDB {
  constructor() {
    /** @type {Map<string, OutboxEntry>} */
    this.rows = new Map();
    /** @type {Promise<void> | null} */
    this.gate = null;
    this.fail = false;
  }

  /** @param {string} board */
  async list(board) {
    return [...this.rows.values()].filter((e) => e.board === board).map((e) => structuredClone(e));
  }

  /**
   * @param {OutboxEntry[]} puts
   * @param {Array<[string, string, string]>} [dels]
   */
  async write(puts, dels = []) {
    if (this.gate) await this.gate;
    if (this.fail) throw new Error('QuotaExceededError');
    for (const k of dels) this.rows.delete(JSON.stringify(k));
    for (const e of puts) this.rows.set(JSON.stringify([e.board, e.client, e.ref]), structuredClone(e));
  }

  /** @param {string} client */
  of(client) {
    return [...this.rows.values()].filter((e) => e.client === client).sort((a, b) => a.order - b.order);
  }
}

/** Web Locks with exclusive locks only: ifAvailable, waiting, abort. */
class Locks {
  constructor() {
    /** @type {Set<string>} */
    this.held = new Set();
    /** @type {Map<string, Array<() => void>>} */
    this.waiting = new Map();
  }

  /**
   * @param {string} name
   * @param {{ifAvailable?: boolean, signal?: AbortSignal}} opts
   * @param {(lock: unknown) => any} cb
   */
  request(name, opts, cb) {
    const grant = () => {
      this.held.add(name);
      return Promise.resolve(cb({ name })).finally(() => {
        this.held.delete(name);
        const next = this.waiting.get(name)?.shift();
        if (next) next();
      });
    };
    if (!this.held.has(name)) return grant();
    if (opts.ifAvailable) return Promise.resolve(cb(null));
    return new Promise((resolve, reject) => {
      const q = this.waiting.get(name) ?? [];
      const go = () => grant().then(resolve, reject);
      q.push(go);
      this.waiting.set(name, q);
      opts.signal?.addEventListener('abort', () => {
        const i = q.indexOf(go);
        if (i >= 0) q.splice(i, 1);
        reject(new Error('AbortError'));
      });
    });
  }
}

/** @param {string} id */
function putRect(id) {
  return { op: 'put', el: { id, kind: 'rect', x: 0, y: 0, w: 10, h: 10, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0' } };
}

let ids = 0;

/**
 * One page of the board: its sync, outbox and what it wrote to its socket.
 * @param {MemoryDB} db
 * @param {Locks} locks
 * @param {Partial<import('../outbox.js').OutboxOptions>} [opts]
 */
async function openPage(db, locks, opts = {}) {
  const n = ++ids;
  const sync = new BoardSync(`p${n}`);
  const outbox = new Outbox({ db, locks, board: 'B', newClient: () => `client-${n}-0123456789abcdef`, ...opts });
  const claim = await outbox.claim();
  /** @type {string[]} */
  const wire = [];
  let open = false;
  outbox.attach(sync, claim.messages, (m) => open && (wire.push(m.ref), true));
  const page = {
    sync,
    outbox,
    claim,
    wire,
    /** A gesture: proposed and sent as the whiteboard does. */
    draw(/** @type {string} */ id) {
      const [m] = sync.propose([putRect(id)]);
      outbox.send(m);
      return m.ref;
    },
    welcome(seq = 0) {
      open = true;
      sync.welcome({ epoch: 'E', seq, recovered: false, elements: [] });
      outbox.welcomed();
      return outbox.writes;
    },
    drop() {
      open = false;
      outbox.disconnected();
    },
    /** The server's ops message for ref, at the next seq. */
    ack(/** @type {string} */ ref) {
      const m = sync.pending.find((p) => p.ref === ref);
      sync.receive({ type: 'ops', seq: sync.seq + 1, ref, ops: m ? m.ops : [] });
      return outbox.writes;
    },
    /** The page goes away: its lock is let go. */
    close() {
      outbox.release?.();
    },
  };
  return page;
}

test('a message proposed offline is stored unsent, marked sent before it goes out, deleted when acked', async () => {
  const db = new MemoryDB();
  const page = await openPage(db, new Locks());
  const ref = page.draw('a');
  assert.deepEqual(page.wire, [], 'not connected: nothing written');
  await page.outbox.writes;
  assert.deepEqual(
    db.of(page.outbox.client).map((e) => [e.ref, e.sent]),
    [[ref, false]],
  );
  await page.welcome();
  assert.deepEqual(page.wire, [ref]);
  assert.equal(db.of(page.outbox.client)[0].sent, true, 'on disk as sent before the socket had it');
  await page.ack(ref);
  assert.equal(db.rows.size, 0);
  // Connected: a new message is stored as sent and goes straight out.
  const ref2 = page.draw('b');
  assert.deepEqual(page.wire, [ref, ref2]);
  await page.outbox.writes;
  assert.equal(db.of(page.outbox.client)[0].sent, true);
});

test('a reload adopts the stored client id and resends its messages in order', async () => {
  const db = new MemoryDB();
  const locks = new Locks();
  const first = await openPage(db, locks);
  await first.welcome();
  const sentRef = first.draw('a'); // sent, ack lost
  first.drop();
  const r2 = first.draw('b');
  const r3 = first.draw('c');
  await first.outbox.writes;
  first.close();

  const second = await openPage(db, locks);
  assert.equal(second.outbox.client, first.outbox.client, 'same hello client: the server dedupes the resend');
  assert.deepEqual(
    second.sync.pending.map((m) => m.ref),
    [sentRef, r2, r3],
  );
  assert.deepEqual([...second.sync.view.keys()].sort(), ['a', 'b', 'c'], 'rendered before any welcome');
  await second.welcome();
  assert.deepEqual(second.wire, [sentRef, r2, r3]);
  // Its own new refs do not collide with the adopted ones.
  const mine = second.draw('d');
  assert.ok(![sentRef, r2, r3].includes(mine));
  for (const ref of [sentRef, r2, r3, mine]) await second.ack(ref);
  assert.equal(db.rows.size, 0);
});

test('two live pages never share a client id; a page closed offline hands its unsent work to the other', async () => {
  const db = new MemoryDB();
  const locks = new Locks();
  const a = await openPage(db, locks);
  a.draw('a1');
  await a.outbox.writes;
  const b = await openPage(db, locks);
  assert.notEqual(b.outbox.client, a.outbox.client, "a live page's id is not adopted");
  assert.deepEqual(b.sync.pending, [], "nor its messages");
  const watching = b.outbox.watchOthers();
  assert.equal(watching.length, 1);
  a.close();
  await Promise.all(watching);
  assert.deepEqual(
    b.sync.pending.map((m) => m.ops[0].el.id),
    ['a1'],
  );
  assert.deepEqual(
    db.of(b.outbox.client).map((e) => e.ops[0].el.id),
    ['a1'],
  );
  assert.deepEqual(db.of(a.outbox.client), [], 'moved, not copied');
});

test('of two orphaned ids, the one with sent messages is adopted; the other gives up only its unsent messages', async () => {
  const db = new MemoryDB();
  const locks = new Locks();
  const a = await openPage(db, locks);
  a.draw('a-unsent');
  const b = await openPage(db, locks);
  await b.welcome();
  const bSent = b.draw('b-sent');
  b.drop();
  const bUnsent = b.draw('b-unsent');
  await Promise.all([a.outbox.writes, b.outbox.writes]);
  a.close();
  b.close();
  const c = await openPage(db, locks);
  assert.equal(c.outbox.client, b.outbox.client);
  assert.deepEqual(
    c.sync.pending.map((m) => m.ref),
    [bSent, bUnsent, a.sync.pending[0].ref],
  );
  assert.equal(c.claim.kept, 0);
  assert.deepEqual(db.of(a.outbox.client), []);

  // Two orphaned ids with sent messages: one is adopted, the other's stay
  // stored under their id (only that id can resend them).
  const db2 = new MemoryDB();
  /** @type {(client: string, ref: string) => OutboxEntry} */
  const sent = (client, ref) => ({ board: 'B', client, ref, ops: [putRect(ref)], order: 1, sent: true, bytes: 2, at: 1 });
  await db2.write([sent('id-x-0123456789abcdef', 'x1'), sent('id-y-0123456789abcdef', 'y1')]);
  const d = await openPage(db2, locks);
  assert.equal(d.claim.kept, 1);
  const other = d.outbox.client === 'id-x-0123456789abcdef' ? 'id-y-0123456789abcdef' : 'id-x-0123456789abcdef';
  assert.equal(db2.of(other).length, 1);
  assert.equal(d.sync.pending.length, 1);
  assert.notEqual(d.sync.pending[0].ref, db2.of(other)[0].ref);
  d.close();
  // The next page adopts the id left behind.
  const e = await openPage(db2, locks);
  assert.ok([d.outbox.client, other].includes(e.outbox.client));
});

test('a message proposed while the welcome marks older ones does not overtake them', async () => {
  const db = new MemoryDB();
  const page = await openPage(db, new Locks());
  const r1 = page.draw('a');
  await page.outbox.writes;
  /** @type {() => void} */
  let open = () => {};
  db.gate = new Promise((r) => (open = r));
  const flushed = page.welcome();
  const r2 = page.draw('b'); // during the marking write
  assert.deepEqual(page.wire, [], 'nothing before the disk says sent');
  db.gate = null;
  open();
  await flushed;
  assert.deepEqual(page.wire, [r1, r2]);
  assert.ok(db.of(page.outbox.client).every((e) => e.sent));
});

test('a stale flush stops when the connection drops', async () => {
  const db = new MemoryDB();
  const page = await openPage(db, new Locks());
  page.draw('a');
  await page.outbox.writes;
  /** @type {() => void} */
  let open = () => {};
  db.gate = new Promise((r) => (open = r));
  const flushed = page.welcome();
  page.drop();
  db.gate = null;
  open();
  await flushed;
  assert.deepEqual(page.wire, []);
  assert.equal(page.outbox.flowing, false);
});

test('past the bounds, or when the disk refuses, messages live in the page only and the page is told', async () => {
  const db = new MemoryDB();
  /** @type {number[]} */
  const told = [];
  const page = await openPage(db, new Locks(), { limits: { count: 2, bytes: 1 << 20 } });
  page.outbox.onOverflow = (n) => told.push(n);
  page.draw('a');
  page.draw('b');
  page.draw('c');
  await page.outbox.writes;
  assert.equal(db.rows.size, 2);
  assert.deepEqual(told, [1]);
  assert.equal(page.outbox.unstored, 1);
  assert.equal(page.sync.pending.length, 3, 'still pending, still sent on reconnect');
  await page.welcome();
  assert.equal(page.wire.length, 3);

  db.fail = true;
  page.drop();
  page.draw('d');
  await page.outbox.writes;
  assert.deepEqual(told, [1, 1]);
});

test('without IndexedDB or Web Locks the page still works, on a fresh id', async () => {
  const page = await openPage(/** @type {any} */ (null), /** @type {any} */ (null));
  assert.match(page.outbox.client, /^client-/);
  const ref = page.draw('a');
  await page.welcome();
  assert.deepEqual(page.wire, [ref]);
});

test('claim order and plan: sent first, then most messages; unsent messages of other ids move, sent ones stay', () => {
  /** @type {(client: string, ref: string, sent: boolean, order: number) => OutboxEntry} */
  const e = (client, ref, sent, order) => ({ board: 'B', client, ref, ops: [], order, sent, bytes: 2, at: order });
  const entries = [e('x', 'x2', false, 2), e('x', 'x1', false, 1), e('x', 'x3', false, 3), e('y', 'y1', true, 5), e('z', 'z1', true, 4), e('z', 'z2', false, 6)];
  const groups = groupByClient(entries);
  assert.deepEqual(
    groups.get('x')?.map((x) => x.ref),
    ['x1', 'x2', 'x3'],
  );
  assert.deepEqual(claimOrder(groups), ['z', 'y', 'x']);
  const plan = planClaim(groups, ['z', 'y', 'x'], 'fresh');
  assert.equal(plan.client, 'z');
  assert.deepEqual(
    plan.adopted.map((x) => x.ref),
    ['z1', 'z2'],
  );
  assert.deepEqual(
    plan.moved.map((x) => x.ref),
    ['x1', 'x2', 'x3'],
  );
  assert.deepEqual(
    plan.kept.map((x) => x.ref),
    ['y1'],
  );
  assert.equal(planClaim(groups, [], 'fresh').client, 'fresh');
  assert.equal(fits({ count: 999, bytes: 0 }, 10), true);
  assert.equal(fits({ count: 1000, bytes: 0 }, 10), false);
  assert.equal(fits({ count: 0, bytes: 32 * 1024 * 1024 - 10 }, 11), false);
});

test('the status counts unsaved changes only while not connected', () => {
  assert.equal(unsavedText(1), '1 unsaved change');
  assert.equal(unsavedText(3), '3 unsaved changes');
  assert.equal(statusText('reconnecting', 0).text, 'Reconnecting…');
  assert.equal(statusText('reconnecting', 3).text, '3 unsaved changes');
  assert.equal(statusText('offline', 1).text, '1 unsaved change');
  assert.equal(statusText('connecting', 2).text, '2 unsaved changes');
  assert.equal(statusText('connected', 2).text, 'Connected');
  assert.match(statusText('reconnecting', 3).title, /^Reconnecting… — 3 unsaved changes/);
});

test('sync: restore renders stored messages, skips known refs, and reports what joins and leaves pending', () => {
  const s = new BoardSync('c1');
  /** @type {Array<[string[], string[]]>} */
  const seen = [];
  s.onPending((added, removed) => seen.push([added.map((m) => m.ref), removed.map((m) => m.ref)]));
  s.restore([{ ref: 'old-1', ops: [putRect('a')] }]);
  s.restore([{ ref: 'old-1', ops: [putRect('a')] }]);
  assert.deepEqual([...s.view.keys()], ['a']);
  s.welcome({ epoch: 'E', seq: 3, recovered: false, elements: [] });
  assert.deepEqual([...s.view.keys()], ['a'], 'rebased on the snapshot');
  const [m] = s.propose([putRect('b')]);
  s.receive({ type: 'ops', seq: 2, ref: 'old-1', ops: [putRect('a')] }); // committed before: an ack
  s.receive({ type: 'ops', seq: 4, ref: m.ref, ops: m.ops });
  assert.deepEqual(seen, [
    [['old-1'], []],
    [[m.ref], []],
    [[], ['old-1']],
    [[], [m.ref]],
  ]);
});

test('pages that open later are found over the channel: whichever closes first hands its unsent work over', async () => {
  const db = new MemoryDB();
  const locks = new Locks();
  /** One BroadcastChannel name: every port but the sender's gets each message. */
  /** @type {Array<{postMessage: (d: any) => void, onmessage: ((ev: {data: any}) => void) | null}>} */
  const ports = [];
  const port = () => {
    const p = {
      onmessage: /** @type {((ev: {data: any}) => void) | null} */ (null),
      postMessage: (/** @type {any} */ data) => {
        for (const o of ports) if (o !== p) o.onmessage?.({ data: structuredClone(data) });
      },
    };
    ports.push(p);
    return p;
  };
  const a = await openPage(db, locks);
  a.outbox.listen(port());
  const b = await openPage(db, locks); // nothing stored yet: b finds a over the channel only
  b.outbox.listen(port());
  assert.deepEqual([...a.outbox.watched], [b.outbox.client]);
  assert.deepEqual([...b.outbox.watched], [a.outbox.client]);
  const ref = a.draw('from-a');
  await a.outbox.writes;
  const taken = new Promise((resolve) => b.sync.onPending((added) => added.length > 0 && resolve(added)));
  a.close();
  await taken;
  assert.deepEqual(
    b.sync.pending.map((m) => m.ref),
    [ref],
  );
  assert.deepEqual(
    db.of(b.outbox.client).map((e) => e.ref),
    [ref],
  );
});

test('without Web Locks a page adopts the stored id with most at stake and moves nothing', async () => {
  const db = new MemoryDB();
  const noLocks = /** @type {any} */ (null);
  // Opened before anything was stored: two ids.
  const a = await openPage(db, noLocks);
  const b = await openPage(db, noLocks);
  await a.welcome();
  const sentRef = a.draw('a'); // ack lost
  a.drop();
  b.draw('b'); // never sent
  await Promise.all([a.outbox.writes, b.outbox.writes]);
  const c = await openPage(db, noLocks);
  assert.equal(c.outbox.client, a.outbox.client, 'the id with a sent message');
  assert.deepEqual(
    c.sync.pending.map((m) => m.ref),
    [sentRef],
  );
  assert.equal(db.of(b.outbox.client).length, 1, "the other id's work stays where it is");
  assert.deepEqual(c.outbox.watchOthers(), []);
  // A page opened now shares c's id: a resend by both is one client + ref.
  const d = await openPage(db, noLocks);
  assert.equal(d.outbox.client, c.outbox.client);
});

// Unit tests of live presence's pure parts: drafts coalesced to one per
// frame and cleared when a gesture ends without committing (drafts.js),
// others' drafts kept and dropped (RemoteDrafts), laser trails fading
// (laser.js). Frames and microtasks are driven by hand.
// node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DraftSender, draftOf, MIN_INTERVAL_MS, RemoteDrafts } from '../drafts.js';
import { fade, LaserTrails, MAX_POINTS, TRAIL_MS } from '../laser.js';

/** @typedef {import('../element.js').Element} Element */

/**
 * @param {string} id
 * @param {number} [n] points
 * @returns {Element}
 */
function stroke(id, n = 2) {
  return {
    id,
    kind: 'stroke',
    x: 0,
    y: 0,
    w: n,
    h: n,
    rot: 0,
    points: Array.from({ length: n }, (_, i) => [i, i]),
    stroke: '#1e1e1e',
    fill: null,
    width: 2,
    z: 'a0',
  };
}

/** A DraftSender with hand-driven frames and microtasks, and what it sent. */
function harness({ allowed = true, accept = true } = {}) {
  /** @type {any[]} */
  const sent = [];
  /** @type {Map<number, (now: number) => void>} */
  const frames = new Map();
  /** @type {Array<() => void>} */
  const tasks = [];
  let next = 0;
  const state = { allowed, accept };
  const sender = new DraftSender({
    send: (msg) => {
      if (!state.accept) return false;
      sent.push(msg);
      return true;
    },
    allowed: () => state.allowed,
    frame: (fn) => {
      frames.set(++next, fn);
      return next;
    },
    cancelFrame: (id) => frames.delete(id),
    defer: (fn) => tasks.push(fn),
  });
  return {
    sender,
    sent,
    state,
    frames,
    /** Run the animation frames due at `now`. */
    frame(now) {
      const due = [...frames.values()];
      frames.clear();
      for (const fn of due) fn(now);
    },
    /** Finish the current task (its microtasks). */
    settle() {
      while (tasks.length > 0) /** @type {() => void} */ (tasks.shift())();
    },
  };
}

test('drafts are coalesced: one per frame, the latest, never two within MIN_INTERVAL_MS', () => {
  const h = harness();
  h.sender.show(stroke('el-a', 2));
  h.sender.show(stroke('el-a', 3));
  h.sender.show(stroke('el-a', 4));
  assert.equal(h.sent.length, 0, 'nothing before the frame');
  h.frame(1000);
  assert.equal(h.sent.length, 1);
  assert.equal(h.sent[0].type, 'draft');
  assert.equal(h.sent[0].el.points.length, 4, 'the latest element won');

  // A 144 Hz display: the next frame comes 7 ms later, too soon.
  h.sender.show(stroke('el-a', 5));
  h.frame(1007);
  assert.equal(h.sent.length, 1);
  assert.equal(h.frames.size, 1, 'waits for a later frame');
  h.sender.show(stroke('el-a', 6));
  h.frame(1000 + MIN_INTERVAL_MS);
  assert.equal(h.sent.length, 2);
  assert.equal(h.sent[1].el.points.length, 6);
  // Nothing new: no frame, nothing sent.
  h.frame(1100);
  assert.equal(h.sent.length, 2);
  assert.equal(h.frames.size, 0);
});

test('a cancelled gesture sends gone; a commit of the same id does not', () => {
  const h = harness();
  h.sender.show(stroke('el-a'));
  h.frame(0);
  h.sender.show(null); // Escape
  h.settle();
  assert.deepEqual(h.sent.at(-1), { type: 'draft', gone: true });

  // The pen: the preview ends, then the commit puts the same id, in one task.
  h.sent.length = 0;
  h.sender.show(stroke('el-b'));
  h.frame(100);
  h.sender.show(null);
  h.sender.committed([{ op: 'put', el: stroke('el-b') }]);
  h.settle();
  assert.deepEqual(
    h.sent.map((m) => m.gone ?? m.el.id),
    ['el-b'],
    'the server clears it on the commit',
  );

  // A commit of something else (a click that made nothing, a changed other element): gone.
  h.sent.length = 0;
  h.sender.show(stroke('el-c'));
  h.frame(200);
  h.sender.committed([{ op: 'put', el: stroke('el-other') }, { op: 'del', id: 'el-c' }]);
  h.sender.show(null);
  h.settle();
  assert.deepEqual(h.sent.at(-1), { type: 'draft', gone: true });
});

test('a gesture that ends before its first frame sends nothing at all', () => {
  const h = harness();
  h.sender.show(stroke('el-a'));
  h.sender.show(null);
  h.settle();
  h.frame(0);
  assert.deepEqual(h.sent, []);
});

test('viewers and invalid elements send no drafts; a busy socket retries with the newest', () => {
  const viewer = harness({ allowed: false });
  viewer.sender.show(stroke('el-a'));
  viewer.frame(0);
  viewer.sender.show(null);
  viewer.settle();
  assert.deepEqual(viewer.sent, []);

  const h = harness();
  h.sender.show({ ...stroke('el-a'), width: 0 }); // the server would answer bad_request
  h.sender.show({ ...stroke('el-b'), points: [] });
  h.frame(0);
  assert.deepEqual(h.sent, []);

  h.state.accept = false;
  h.sender.show(stroke('el-c', 2));
  h.frame(100);
  assert.equal(h.sent.length, 0);
  h.state.accept = true;
  h.sender.show(stroke('el-c', 3));
  h.frame(200);
  assert.equal(h.sent.length, 1);
  assert.equal(h.sent[0].el.points.length, 3);
});

test('draftOf takes the first element a preview shows', () => {
  assert.equal(draftOf(new Map()), null);
  assert.equal(draftOf(new Map([['a', null], ['b', stroke('b')]]))?.id, 'b');
});

test('others’ drafts: latest per peer, cleared by null, by the author’s commit, by leave', () => {
  /** @type {Element[][]} */
  const calls = [];
  const remote = new RemoteDrafts((d) => calls.push(d));
  remote.apply([['p1', stroke('el-1')], ['p2', stroke('el-2')], ['me', stroke('el-me')]], 'me');
  assert.deepEqual(
    remote.list().map((d) => [d.peer, d.el.id]),
    [
      ['p1', 'el-1'],
      ['p2', 'el-2'],
    ],
    'never our own',
  );
  remote.apply([['p1', stroke('el-1', 5)]], 'me');
  assert.equal(remote.list()[0].el.points?.length, 5);

  // Someone else's commit of el-1 leaves p1's draft; p1's own commit ends it.
  remote.committed('p2', [{ op: 'put', el: stroke('el-1') }]);
  assert.equal(remote.list().length, 2);
  const before = calls.length;
  remote.committed('p1', [{ op: 'put', el: stroke('el-1') }]);
  assert.deepEqual(remote.list().map((d) => d.peer), ['p2']);
  assert.equal(calls.length, before + 1);
  assert.deepEqual(calls.at(-1)?.map((el) => el.id), ['el-2']);

  remote.apply([['p2', null]], 'me');
  assert.equal(remote.list().length, 0);
  const quiet = calls.length;
  remote.apply([['p9', null], 'junk', [3, {}]], 'me');
  assert.equal(calls.length, quiet, 'nothing changed, nothing redrawn');

  remote.apply([['p3', stroke('el-3')], ['p4', { id: 'x', kind: 'nope' }]], 'me');
  assert.deepEqual(remote.list().map((d) => d.peer), ['p3'], 'an undrawable draft is dropped');
  remote.leave('p3');
  assert.equal(remote.list().length, 0);
});

test('laser trails fade over TRAIL_MS and are forgotten once faded and lifted', () => {
  assert.equal(fade(0), 1);
  assert.equal(fade(TRAIL_MS / 2), 0.75);
  assert.equal(fade(TRAIL_MS), 0);
  assert.equal(fade(-5), 1);

  const t = new LaserTrails();
  t.add('p', 0, 0, 0);
  t.add('p', 10, 0, 100);
  t.add('p', 20, 0, 200);
  let snap = t.snapshot(600);
  assert.equal(snap.length, 1);
  assert.deepEqual(
    snap[0].points.map((p) => Math.round(p.alpha * 100) / 100),
    [0.64, 0.75, 0.84],
    'older points are fainter',
  );
  t.lift('p');
  assert.equal(t.prune(1050), true, 'the newest points are still visible');
  assert.deepEqual(t.snapshot(1050)[0].points.map((p) => p.x), [10, 20]);
  assert.equal(t.prune(1200), false);
  assert.equal(t.trails.size, 0, 'a faded, lifted trail is forgotten');
  assert.deepEqual(t.snapshot(1200), []);
});

test('laser trails: a new press starts a new stroke, a rest keeps the head bright, points are bounded', () => {
  const t = new LaserTrails();
  t.add('p', 0, 0, 0);
  t.add('p', 5, 0, 10);
  t.lift('p');
  t.add('p', 50, 50, 20);
  const pts = /** @type {any} */ (t.trails.get('p')).points;
  assert.deepEqual(
    pts.map((/** @type {any} */ p) => p.start),
    [true, false, true],
  );
  t.add('p', 50, 50, 900);
  assert.equal(pts.length, 3, 'the same spot again is not a new point');
  assert.equal(pts[2].t, 900);

  for (let i = 0; i < MAX_POINTS * 2; i++) t.add('q', i, 0, i);
  assert.equal(/** @type {any} */ (t.trails.get('q')).points.length, MAX_POINTS);
  t.add('r', Number.NaN, 0, 0);
  assert.equal(t.trails.has('r'), false);
});

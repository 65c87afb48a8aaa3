// Unit tests of the confirmed + pending model and of undo's inverse ops:
// node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { History, inverseSteps, stepsToOps } from '../history.js';
import { BoardSync, chunkOps, utf8Length } from '../sync.js';

/**
 * @param {string} id
 * @param {Partial<import('../element.js').Element>} [fields]
 * @returns {import('../element.js').Element}
 */
function rect(id, fields = {}) {
  return { id, kind: 'rect', x: 0, y: 0, w: 10, h: 10, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0', ...fields };
}

/** @param {BoardSync} s */
function ids(s) {
  return [...s.view.keys()].sort();
}

function welcomed(elements = [], seq = 5) {
  const s = new BoardSync('c1');
  /** @type {import('../sync.js').ChangeSet[]} */
  const sets = [];
  s.onChange((set) => sets.push(set));
  s.welcome({ type: 'welcome', epoch: 'E', seq, recovered: false, elements, board: { title: 'T' } });
  return { s, sets };
}

test('welcome replaces confirmed; since appears only with a state', () => {
  const s = new BoardSync('c1');
  assert.equal(s.since(), null);
  s.welcome({ epoch: 'E', seq: 7, recovered: false, elements: [rect('a'), rect('b')], board: { title: 'Hi' } });
  assert.deepEqual(s.since(), { epoch: 'E', seq: 7 });
  assert.deepEqual(ids(s), ['a', 'b']);
  assert.equal(s.title, 'Hi');
  // A second snapshot replaces everything.
  s.welcome({ epoch: 'F', seq: 2, recovered: false, elements: [rect('c')], board: { title: 'Hi' } });
  assert.deepEqual(ids(s), ['c']);
  assert.deepEqual(s.since(), { epoch: 'F', seq: 2 });
});

test('own ops show at once and are acknowledged by their ref', () => {
  const { s } = welcomed([rect('a')]);
  const [m] = s.propose([{ op: 'put', el: rect('n', { x: 5 }) }, { op: 'del', id: 'a' }]);
  assert.equal(m.ref, 'c1-1');
  assert.deepEqual(ids(s), ['n']);
  assert.deepEqual([...s.confirmed.keys()], ['a']);
  assert.equal(s.pending.length, 1);
  assert.equal(s.receive({ type: 'ops', seq: 6, by: 'me', ref: 'c1-1', ops: m.ops }), 'ack');
  assert.equal(s.pending.length, 0);
  assert.deepEqual(ids(s), ['n']);
  assert.deepEqual([...s.confirmed.keys()], ['n']);
  assert.equal(s.seq, 6);
});

test('pending edits stay on top of other people’s ops in server order', () => {
  const { s } = welcomed([rect('a')]);
  s.propose([{ op: 'put', el: rect('a', { x: 100 }) }]);
  // Someone else moves a first: the server orders it before ours.
  assert.equal(s.receive({ seq: 6, by: 'p2', ref: 'p2-1', ops: [{ op: 'put', el: rect('a', { x: 50 }) }] }), 'applied');
  assert.equal(s.get('a')?.x, 100, 'our pending edit still shows');
  assert.equal(s.confirmed.get('a')?.x, 50);
  assert.equal(s.receive({ seq: 7, by: 'me', ref: 'c1-1', ops: [{ op: 'put', el: rect('a', { x: 100 }) }] }), 'ack');
  assert.equal(s.get('a')?.x, 100);
  // Then someone else's later edit wins.
  s.receive({ seq: 8, by: 'p2', ref: 'p2-2', ops: [{ op: 'put', el: rect('a', { x: 1 }) }] });
  assert.equal(s.get('a')?.x, 1);
});

test('a rejected message is rolled back', () => {
  const { s, sets } = welcomed([rect('a', { x: 3 })]);
  const [m] = s.propose([{ op: 'put', el: rect('a', { x: 9 }) }, { op: 'put', el: rect('b') }, { op: 'title', title: 'New' }]);
  assert.equal(s.title, 'New');
  sets.length = 0;
  assert.equal(s.reject(m.ref), true);
  assert.equal(s.get('a')?.x, 3);
  assert.equal(s.get('b'), undefined);
  assert.equal(s.title, 'T');
  assert.equal(s.pending.length, 0);
  assert.equal(sets.length, 1);
  assert.equal(sets[0].title, true);
  assert.deepEqual(sets[0].changes.map((c) => c.id).sort(), ['a', 'b']);
  assert.equal(s.reject(m.ref), false);
});

test('a duplicate ack (seq at or below ours) drops pending without re-applying', () => {
  const { s } = welcomed([], 10);
  const [m] = s.propose([{ op: 'put', el: rect('n') }]);
  // Reconnect: the snapshot already holds our edit at seq 10.
  const resend = s.welcome({ epoch: 'E', seq: 10, recovered: false, elements: [rect('n', { x: 1 })], board: { title: 'T' } });
  assert.deepEqual(resend.map((p) => p.ref), [m.ref]);
  assert.equal(s.get('n')?.x, 0, 'pending overlays the snapshot until acknowledged');
  assert.equal(s.receive({ seq: 9, by: 'me', ref: m.ref, ops: m.ops }), 'ack');
  assert.equal(s.pending.length, 0);
  assert.equal(s.get('n')?.x, 1, 'confirmed wins, nothing re-applied');
  assert.equal(s.seq, 10);
  // Somebody else's old message again: ignored.
  assert.equal(s.receive({ seq: 10, by: 'p', ref: 'p-1', ops: [{ op: 'del', id: 'n' }] }), 'duplicate');
  assert.ok(s.get('n'));
});

test('a gap is reported and nothing applied', () => {
  const { s } = welcomed([], 3);
  assert.equal(s.receive({ seq: 5, by: 'p', ref: 'p-1', ops: [{ op: 'put', el: rect('x') }] }), 'gap');
  assert.equal(s.get('x'), undefined);
  assert.equal(s.seq, 3);
});

test('recovered welcome keeps confirmed and takes the missed ops', () => {
  const { s } = welcomed([rect('a')], 3);
  s.propose([{ op: 'put', el: rect('b') }]);
  const resend = s.welcome({ epoch: 'E', seq: 5, recovered: true, board: { title: 'T' } });
  assert.equal(resend.length, 1);
  assert.deepEqual(ids(s), ['a', 'b']);
  assert.equal(s.seq, 3);
  assert.equal(s.receive({ seq: 4, ref: 'p-1', ops: [{ op: 'del', id: 'a' }] }), 'applied');
  assert.equal(s.receive({ seq: 5, ref: 'p-2', ops: [{ op: 'title', title: 'Renamed' }] }), 'applied');
  assert.deepEqual(ids(s), ['b']);
  assert.equal(s.title, 'Renamed');
  // A recovered welcome for another epoch is a fresh start.
  s.welcome({ epoch: 'Z', seq: 1, recovered: true, board: { title: 'T' } });
  assert.deepEqual(ids(s), ['b'], 'only the pending element remains');
});

test('ops are split into messages of at most 500 ops and the byte limit', () => {
  const ops = Array.from({ length: 1234 }, (_, i) => ({ op: /** @type {const} */ ('del'), id: `id-${i}` }));
  const chunks = chunkOps(ops);
  assert.deepEqual(chunks.map((c) => c.length), [500, 500, 234]);
  assert.deepEqual(chunks.flat(), ops);
  const big = chunkOps(ops, 500, 2000);
  for (const c of big) assert.ok(JSON.stringify(c).length < 2000);
  const { s } = welcomed();
  const msgs = s.propose(ops);
  assert.deepEqual(msgs.map((m) => m.ref), ['c1-1', 'c1-2', 'c1-3']);
  assert.equal(utf8Length('a€😀'), 1 + 3 + 4);
});

test('inverse steps undo create, move, delete and title', () => {
  const before = new Map([['a', rect('a')], ['b', rect('b', { x: 5 })]]);
  const look = (/** @type {string} */ id) => before.get(id);
  const steps = inverseSteps(
    [
      { op: 'put', el: rect('n') },
      { op: 'put', el: rect('a', { x: 99 }) },
      { op: 'put', el: rect('a', { x: 100 }) },
      { op: 'del', id: 'b' },
      { op: 'del', id: 'missing' },
      { op: 'title', title: 'X' },
    ],
    look,
    'Old',
  );
  const ops = steps.map((s) => s.op);
  assert.deepEqual(ops, [
    { op: 'put', el: rect('b', { x: 5 }) },
    { op: 'put', el: rect('a') },
    { op: 'del', id: 'n' },
    { op: 'title', title: 'Old' },
  ]);
  // The reversal of a change to an element someone deleted since is skipped;
  // a deletion of ours is restored regardless.
  assert.deepEqual(stepsToOps(steps, (id) => (id === 'a' ? undefined : before.get(id))), [
    { op: 'put', el: rect('b', { x: 5 }) },
    { op: 'del', id: 'n' },
    { op: 'title', title: 'Old' },
  ]);
  // An empty title cannot be sent back.
  assert.deepEqual(inverseSteps([{ op: 'title', title: 'X' }], look, ''), []);
});

test('undo then redo round-trips through the sync model', () => {
  const { s } = welcomed([rect('a')]);
  const h = new History();
  const edit = (/** @type {import('../element.js').Op[]} */ ops) => {
    const steps = inverseSteps(ops, (id) => s.get(id), s.title);
    const msgs = s.propose(ops);
    h.record(steps, msgs.map((m) => m.ref));
  };
  edit([{ op: 'put', el: rect('a', { x: 40 }) }]);
  edit([{ op: 'put', el: rect('n') }]);
  assert.deepEqual(ids(s), ['a', 'n']);
  const undo = (/** @type {'undo' | 'redo'} */ which) => {
    const e = which === 'undo' ? h.takeUndo() : h.takeRedo();
    assert.ok(e);
    const ops = stepsToOps(e.steps, (id) => s.get(id));
    const back = inverseSteps(ops, (id) => s.get(id), s.title);
    const msgs = s.propose(ops);
    const entry = { steps: back, refs: msgs.map((m) => m.ref) };
    if (which === 'undo') h.pushRedo(entry);
    else h.pushUndo(entry);
  };
  undo('undo');
  assert.deepEqual(ids(s), ['a']);
  undo('undo');
  assert.equal(s.get('a')?.x, 0);
  assert.equal(h.canUndo, false);
  undo('redo');
  assert.equal(s.get('a')?.x, 40);
  undo('redo');
  assert.deepEqual(ids(s), ['a', 'n']);
  // A refused message voids the entries that reverse it.
  const ref = h.undos[h.undos.length - 1].refs[0];
  h.forget(ref);
  assert.equal(h.undos.length, 1);
});

// Unit tests of organise.js (groups, locks, stacking, select all): node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elementProblem } from '../element.js';
import {
  byZ,
  expandSelection,
  groupOps,
  lockOps,
  regroup,
  selectableIds,
  spreadKeys,
  ungroupOps,
  unlockAllOps,
  zOrderOps,
} from '../organise.js';
import { compareStrings, isZKey, keyBetween } from '../zorder.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../element.js').Op} Op */

/**
 * A rect with an id and a z key.
 * @param {string} id
 * @param {string} z
 * @param {Partial<Element>} [more]
 * @returns {Element}
 */
function rect(id, z, more = {}) {
  return { id, kind: 'rect', x: 0, y: 0, w: 10, h: 10, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z, ...more };
}

/**
 * A board of n rects "e0".."e(n-1)", bottom to top, with keys made like the
 * page makes them (each on top of the last).
 * @param {number} n
 * @returns {Element[]}
 */
function board(n) {
  const out = [];
  let z = null;
  for (let i = 0; i < n; i++) {
    z = keyBetween(z, null);
    out.push(rect(`e${i}`, /** @type {string} */ (z)));
  }
  return out;
}

/**
 * The board after ops, as ids bottom to top.
 * @param {Element[]} els
 * @param {Op[]} ops
 * @returns {string[]}
 */
function applied(els, ops) {
  const m = new Map(els.map((el) => [el.id, el]));
  for (const op of ops) {
    if (op.op === 'put') m.set(op.el.id, op.el);
    else if (op.op === 'del') m.delete(op.id);
  }
  return [...m.values()].sort(byZ).map((el) => el.id);
}

/** @param {Op[]} ops */
function assertValid(ops) {
  for (const op of ops) {
    assert.equal(op.op, 'put');
    if (op.op === 'put') assert.equal(elementProblem(op.el), '', JSON.stringify(op.el));
  }
}

/** @param {Element[]} els */
function lookupOf(els) {
  const m = new Map(els.map((el) => [el.id, el]));
  return (/** @type {string} */ id) => m.get(id);
}

test('a selection holds whole groups and no locked element', () => {
  const els = [
    rect('a', 'a0', { group: 'g1' }),
    rect('b', 'a1', { group: 'g1' }),
    rect('c', 'a2'),
    rect('d', 'a3', { locked: true }),
    rect('e', 'a4', { group: 'g1', locked: true }),
    rect('f', 'a5', { group: 'g2' }),
  ];
  const lookup = lookupOf(els);
  assert.deepEqual([...expandSelection(['a'], lookup, els)].sort(), ['a', 'b']);
  assert.deepEqual([...expandSelection(['c', 'd'], lookup, els)].sort(), ['c']);
  assert.deepEqual([...expandSelection(['nope', 'f'], lookup, els)].sort(), ['f']);
  // A shift-click took "b" out: its whole group goes, the rest stays.
  assert.deepEqual([...expandSelection(['a', 'c'], lookup, els, 'b')].sort(), ['c']);
  // Without a group, the dropped id just stays out.
  assert.deepEqual([...expandSelection(['a', 'b'], lookup, els, 'c')].sort(), ['a', 'b']);
  assert.deepEqual(selectableIds(els), ['a', 'b', 'c', 'f']);
});

test('spreadKeys makes short ascending keys between two neighbours', () => {
  for (const [a, b] of /** @type {Array<[string | null, string | null]>} */ ([
    ['a0', 'a1'],
    [null, 'a0'],
    ['a5', null],
    [null, null],
    ['a0V', 'a0W'],
  ])) {
    for (const n of [1, 2, 7, 100, 1000]) {
      const keys = spreadKeys(a, b, n);
      assert.ok(keys, `keys between ${a} and ${b}`);
      assert.equal(keys.length, n);
      let prev = a;
      for (const k of keys) {
        assert.ok(isZKey(k), k);
        if (prev !== null) assert.ok(compareStrings(prev, k) < 0, `${prev} < ${k}`);
        prev = k;
      }
      if (b !== null) assert.ok(compareStrings(/** @type {string} */ (prev), b) < 0);
      assert.ok(Math.max(...keys.map((k) => k.length)) <= 8, `${n} keys between ${a} and ${b} stay short`);
    }
  }
  assert.equal(spreadKeys('a1', 'a1', 1), null, 'no key between equal keys');
  assert.deepEqual(spreadKeys('a0', 'a1', 0), []);
});

test('bring forward and send backward jump one neighbour, runs keep their order', () => {
  const els = board(6);
  const ids = els.map((el) => el.id);
  const fwd = zOrderOps(els, new Set(['e1', 'e2']), 'forward');
  assertValid(fwd);
  assert.equal(fwd.length, 2, 'only the moved elements change');
  assert.deepEqual(applied(els, fwd), ['e0', 'e3', 'e1', 'e2', 'e4', 'e5']);
  const back = zOrderOps(els, new Set(['e4']), 'backward');
  assert.deepEqual(applied(els, back), ['e0', 'e1', 'e2', 'e4', 'e3', 'e5']);
  // Two runs move independently.
  assert.deepEqual(applied(els, zOrderOps(els, new Set(['e0', 'e3']), 'forward')), ['e1', 'e0', 'e2', 'e4', 'e3', 'e5']);
  // At the edge: nothing to do.
  assert.deepEqual(zOrderOps(els, new Set(['e5']), 'forward'), []);
  assert.deepEqual(zOrderOps(els, new Set(['e0']), 'backward'), []);
  assert.deepEqual(zOrderOps(els, new Set(ids), 'forward'), []);
  assert.deepEqual(zOrderOps(els, new Set(), 'front'), []);
});

test('bring to front and send to back keep the selection’s order', () => {
  const els = board(6);
  const front = zOrderOps(els, new Set(['e0', 'e3']), 'front');
  assertValid(front);
  assert.deepEqual(applied(els, front), ['e1', 'e2', 'e4', 'e5', 'e0', 'e3']);
  const back = zOrderOps(els, new Set(['e2', 'e5']), 'back');
  assertValid(back);
  assert.deepEqual(applied(els, back), ['e2', 'e5', 'e0', 'e1', 'e3', 'e4']);
  assert.deepEqual(zOrderOps(els, new Set(['e4', 'e5']), 'front'), [], 'already on top');
  assert.deepEqual(zOrderOps(els, new Set(['e0', 'e1']), 'back'), [], 'already at the bottom');
});

test('stacking moves jump over a whole group', () => {
  const els = board(5).map((el, i) => (i === 2 || i === 3 ? { ...el, group: 'g' } : el));
  assert.deepEqual(applied(els, zOrderOps(els, new Set(['e1']), 'forward')), ['e0', 'e2', 'e3', 'e1', 'e4']);
  assert.deepEqual(applied(els, zOrderOps(els, new Set(['e4']), 'backward')), ['e0', 'e1', 'e4', 'e2', 'e3']);
});

test('stacking works with keys from elsewhere, even equal ones or "0"', () => {
  const els = [rect('a', '0'), rect('b', 'V'), rect('c', 'V'), rect('d', 'zzz')].sort(byZ);
  const over = zOrderOps(els, new Set(['b']), 'forward');
  assertValid(over);
  assert.deepEqual(applied(els, over), ['a', 'c', 'b', 'd']);
  // a goes between b and c, which share a key: b gets a new key too.
  const tied = zOrderOps(els, new Set(['a']), 'forward');
  assertValid(tied);
  assert.deepEqual(applied(els, tied), ['b', 'a', 'c', 'd']);
  assert.equal(tied.length, 2, 'a and one neighbour re-keyed');
  const up = zOrderOps(els, new Set(['c']), 'forward');
  assertValid(up);
  assert.deepEqual(applied(els, up), ['a', 'b', 'd', 'c']);
  // Nothing sorts below "0": the bottom element is re-keyed as well.
  const down = zOrderOps(els, new Set(['d']), 'back');
  assertValid(down);
  assert.deepEqual(applied(els, down), ['d', 'a', 'b', 'c']);
  assert.ok(down.length <= 3, `${down.length} puts`);
});

test('grouping stacks the members together under the topmost one', () => {
  const els = board(5);
  const ops = groupOps(els, new Set(['e0', 'e2', 'e4']), 'g-1');
  assertValid(ops);
  assert.equal(ops.length, 3);
  for (const op of ops) if (op.op === 'put') assert.equal(op.el.group, 'g-1');
  assert.deepEqual(applied(els, ops), ['e1', 'e3', 'e0', 'e2', 'e4']);
  const top = ops.find((op) => op.op === 'put' && op.el.id === 'e4');
  assert.equal(top && top.op === 'put' && top.el.z, els[4].z, 'the topmost member keeps its key');
  // Contiguous members keep their keys.
  const together = groupOps(els, new Set(['e1', 'e2']), 'g-2');
  assert.deepEqual(
    together.map((op) => op.op === 'put' && op.el.z),
    [els[1].z, els[2].z],
  );
  // One element, or exactly one whole existing group: nothing to do.
  assert.deepEqual(groupOps(els, new Set(['e1']), 'g-3'), []);
  const grouped = els.map((el) => ({ ...el, group: 'g' }));
  assert.deepEqual(groupOps(grouped, new Set(grouped.map((el) => el.id)), 'g-4'), []);
  // Two groups merge into a new one.
  const two = els.map((el, i) => ({ ...el, group: i < 2 ? 'a' : 'b' }));
  assert.equal(groupOps(two, new Set(two.map((el) => el.id)), 'g-5').length, 5);
});

test('ungroup, lock and unlock all change only what they must', () => {
  const els = [rect('a', 'a0', { group: 'g' }), rect('b', 'a1'), rect('c', 'a2', { locked: true })];
  const un = ungroupOps(els);
  assert.equal(un.length, 1);
  assert.ok(un[0].op === 'put' && !('group' in un[0].el));
  assertValid(un);
  const lock = lockOps(els);
  assert.deepEqual(
    lock.map((op) => op.op === 'put' && [op.el.id, op.el.locked]),
    [
      ['a', true],
      ['b', true],
    ],
  );
  assertValid(lock);
  const unlock = unlockAllOps(els);
  assert.equal(unlock.length, 1);
  assert.ok(unlock[0].op === 'put' && unlock[0].el.id === 'c' && !('locked' in unlock[0].el));
  assertValid(unlock);
});

test('copies get fresh groups, one per original group', () => {
  let n = 0;
  const copies = regroup([rect('a', 'a0', { group: 'x' }), rect('b', 'a1', { group: 'x' }), rect('c', 'a2', { group: 'y' }), rect('d', 'a3')], () => `n${++n}`);
  assert.deepEqual(
    copies.map((el) => el.group),
    ['n1', 'n1', 'n2', undefined],
  );
});

test('random boards: every move keeps valid keys and the order it promises', () => {
  let seed = 7;
  const rand = (/** @type {number} */ n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  for (let round = 0; round < 300; round++) {
    const n = 2 + rand(12);
    let els = [];
    for (let i = 0; i < n; i++) {
      // Short random keys from elsewhere collide often, "0" included.
      let z = '';
      for (let k = 0, len = 1 + rand(2); k < len; k++) z += alphabet[rand(4) === 0 ? 0 : rand(62)];
      els.push(rect(`e${i}`, z));
    }
    els.sort(byZ);
    for (let step = 0; step < 8; step++) {
      const selected = new Set(els.filter(() => rand(3) === 0).map((el) => el.id));
      const how = /** @type {const} */ (['forward', 'backward', 'front', 'back'])[rand(4)];
      const before = els.map((el) => el.id);
      const ops = zOrderOps(els, selected, how);
      assertValid(ops);
      const after = applied(els, ops);
      const sel = (/** @type {string[]} */ ids) => ids.filter((id) => selected.has(id));
      const rest = (/** @type {string[]} */ ids) => ids.filter((id) => !selected.has(id));
      assert.deepEqual(sel(after), sel(before), `${how}: the selection keeps its order`);
      assert.deepEqual(rest(after), rest(before), `${how}: the others keep theirs`);
      if (selected.size > 0 && selected.size < n) {
        if (how === 'front') assert.deepEqual(after.slice(n - selected.size), sel(before));
        if (how === 'back') assert.deepEqual(after.slice(0, selected.size), sel(before));
      }
      const m = new Map(els.map((el) => [el.id, el]));
      for (const op of ops) if (op.op === 'put') m.set(op.el.id, op.el);
      els = [...m.values()].sort(byZ);
    }
  }
});

// Unit tests of identity, color, presence and viewport helpers: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inkFor, isHexColor, safeColor } from '../color.js';
import { normalizeColor, normalizeName, PALETTE, randomColor, randomName } from '../identity.js';
import { toPeer } from '../presence.js';
import { Viewport } from '../viewport.js';

test('normalizeName trims, collapses and caps at 40 code points', () => {
  assert.equal(normalizeName('  Ada   Lovelace \n'), 'Ada Lovelace');
  assert.equal(normalizeName('a\u0000b'), 'a b');
  assert.equal(normalizeName('   '), null);
  assert.equal(normalizeName(42), null);
  assert.equal(normalizeName('x'.repeat(50)), 'x'.repeat(40));
  const emoji = '🎨'.repeat(45);
  assert.equal(Array.from(normalizeName(emoji) ?? '').length, 40);
});

test('random identities are valid', () => {
  for (let i = 0; i < 50; i++) {
    assert.match(randomName(), /^Guest \d{3}$/);
    assert.ok(PALETTE.includes(randomColor()));
  }
  for (const c of PALETTE) assert.ok(isHexColor(c), c);
});

test('colors are validated', () => {
  assert.equal(normalizeColor('#AbCdEf'), '#abcdef');
  for (const bad of ['abcdef', '#abc', '#abcdeg', 'red', null, '#abcdef; background:url(x)']) {
    assert.equal(normalizeColor(bad), null, String(bad));
    assert.equal(safeColor(bad), '#868e96');
  }
});

test('inkFor picks a readable text color', () => {
  assert.equal(inkFor('#000000'), '#ffffff');
  assert.equal(inkFor('#1971c2'), '#ffffff');
  // White on this blue is 4.2:1, under AA: black (5.0:1) instead.
  assert.equal(inkFor('#1c7ed6'), '#000000');
  assert.equal(inkFor('#ffd43b'), '#000000');
  assert.equal(inkFor('#ffffff'), '#000000');
});

test('toPeer checks fields from the network', () => {
  assert.deepEqual(toPeer({ id: 'p1', name: 'Ann', color: '#E03131', role: 'view', x: 1 }), {
    id: 'p1',
    name: 'Ann',
    color: '#e03131',
    role: 'view',
  });
  assert.deepEqual(toPeer({ id: 'p2', name: '', color: 'bad', role: 'admin' }), {
    id: 'p2',
    name: 'Guest',
    color: '#868e96',
    role: 'edit',
  });
  assert.equal(toPeer({ name: 'no id' }), null);
  assert.equal(toPeer(null), null);
  assert.equal(toPeer('p3'), null);
});

test('the viewport starts as the identity and round-trips after pan and zoom', () => {
  const v = new Viewport();
  assert.deepEqual(v.toBoard(12, 34), { x: 12, y: 34 });
  assert.deepEqual(v.toScreen(12, 34), { x: 12, y: 34 });
  let changes = 0;
  const off = v.onChange(() => changes++);
  v.set({ x: 100, y: -50, scale: 2 });
  assert.deepEqual(v.toScreen(110, -40), { x: 20, y: 20 });
  const b = v.toBoard(20, 20);
  assert.deepEqual(b, { x: 110, y: -40 });
  v.set({ x: 100, y: -50, scale: 2 }); // no change, no event
  v.set({ scale: 1000 });
  assert.equal(v.scale, 8);
  v.set({ x: NaN });
  assert.equal(v.view.x, 100);
  assert.equal(changes, 2);
  off();
  v.set({ x: 0 });
  assert.equal(changes, 2);
});

test('zoomAround keeps the board point under the pointer and clamps the scale', async () => {
  const { zoomAround } = await import('../navigate.js');
  const view = { x: 100, y: 50, scale: 1 };
  const z = zoomAround(view, 200, 100, 2);
  assert.equal(z.scale, 2);
  // The board point under (200, 100) before and after.
  assert.deepEqual({ x: 200 / z.scale + z.x, y: 100 / z.scale + z.y }, { x: 300, y: 150 });
  assert.equal(zoomAround(view, 0, 0, 100).scale, 8);
  assert.equal(zoomAround(view, 0, 0, 0.001).scale, 0.1);
});

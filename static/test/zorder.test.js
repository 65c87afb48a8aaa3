// Unit tests of the fractional z keys: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareStrings, isWellFormed, isZKey, keyBetween, keysBetween } from '../zorder.js';

/**
 * @param {string | null} a
 * @param {string | null} b
 */
function between(a, b) {
  const k = keyBetween(a, b);
  assert.ok(k !== null, `no key between ${a} and ${b}`);
  assert.ok(isZKey(k), `${k} is not a z key`);
  if (a !== null) assert.ok(compareStrings(a, k) < 0, `${a} < ${k}`);
  if (b !== null) assert.ok(compareStrings(k, b) < 0, `${k} < ${b}`);
  return k;
}

test('the first key and keys on top stay short', () => {
  assert.equal(keyBetween(null, null), 'a0');
  let top = 'a0';
  for (let i = 0; i < 10_000; i++) top = between(top, null);
  assert.ok(top.length <= 4, top);
  assert.ok(isWellFormed(top));
});

test('keys below the bottom', () => {
  let bottom = 'a0';
  for (let i = 0; i < 500; i++) bottom = between(null, bottom);
  assert.ok(bottom.length <= 4, bottom);
});

test('repeated inserts just above one key stay ordered and within 64 characters', () => {
  const lo = 'a0';
  let hi = 'a1';
  for (let i = 0; i < 200; i++) hi = between(lo, hi);
  assert.ok(hi.length < 64, hi);
  let lo2 = 'a0';
  for (let i = 0; i < 200; i++) lo2 = between(lo2, 'a1');
  assert.ok(lo2.length < 64);
});

test('keys between foreign (not well-formed) keys', () => {
  for (const [a, b] of [
    ['0', '1'],
    ['a', 'b'],
    ['a', 'a1'],
    ['a', 'a01'],
    ['zzz', null],
    ['Zz5', 'a'],
    [null, '0001'],
    [null, 'A'],
    ['x0', 'x00001'],
    ['a0', 'a00001'],
    ['abc', 'abd'],
    ['z'.repeat(63), null],
  ]) {
    between(a, b);
  }
  // Nothing lies between "a" and "a0", nor below "0".
  assert.equal(keyBetween('a', 'a0'), null);
  assert.equal(keyBetween(null, '0'), null);
  assert.equal(keyBetween('b', 'a'), null);
  assert.equal(keyBetween('a', 'a'), null);
  assert.equal(keyBetween('z'.repeat(64), null), null);
});

test('random inserts keep a consistent order', () => {
  /** @type {string[]} */
  const keys = [];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 2000; i++) {
    const at = Math.floor(rand() * (keys.length + 1));
    const k = between(keys[at - 1] ?? null, keys[at] ?? null);
    keys.splice(at, 0, k);
  }
  const sorted = [...keys].sort(compareStrings);
  assert.deepEqual(keys, sorted);
  assert.equal(new Set(keys).size, keys.length);
  for (const k of keys) assert.ok(k.length <= 64);
});

test('keysBetween gives n increasing keys', () => {
  const ks = keysBetween('a0', 'a1', 5);
  assert.equal(ks.length, 5);
  for (let i = 1; i < ks.length; i++) assert.ok(ks[i - 1] < ks[i]);
});

test('compareStrings is byte order', () => {
  assert.equal(compareStrings('A', 'a'), -1);
  assert.equal(compareStrings('Z', 'a'), -1);
  assert.equal(compareStrings('9', 'A'), -1);
  assert.equal(compareStrings('a', 'a0'), -1);
  assert.equal(compareStrings('b', 'a0'), 1);
  assert.equal(compareStrings('x', 'x'), 0);
  // U+FF5E (3 bytes in UTF-8) sorts before U+1F600 (4 bytes), unlike UTF-16.
  assert.equal(compareStrings('\uff5e', '😀'), -1);
  assert.ok('\uff5e' > '😀');
  assert.equal(Buffer.compare(Buffer.from('\uff5e'), Buffer.from('😀')), -1);
});

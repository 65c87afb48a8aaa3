// Unit tests of the page shell's pure helpers: peer colors (palette
// contrast, distinct colors), the presence bar's fitting, the theme choice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inkFor } from '../color.js';
import { colorAmong, distinctColor, PALETTE } from '../identity.js';
import { chipsThatFit, MAX_CHIPS } from '../presence.js';
import { resolveTheme } from '../theme.js';

/** WCAG contrast ratio of two "#rrggbb" colors. */
function contrast(a, b) {
  const lum = (h) => {
    const c = (i) => {
      const v = parseInt(h.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('the palette has at least 12 distinct colors, each readable with its ink (AA)', () => {
  assert.ok(PALETTE.length >= 12);
  assert.equal(new Set(PALETTE).size, PALETTE.length);
  for (const c of PALETTE) assert.ok(contrast(c, inkFor(c)) >= 4.5, `${c} with ${inkFor(c)}: ${contrast(c, inkFor(c)).toFixed(2)}`);
});

test('inkFor reaches AA on any color', () => {
  for (let i = 0; i < 4096; i++) {
    const hex = `#${[i >> 8, (i >> 4) & 15, i & 15].map((n) => (n * 17).toString(16).padStart(2, '0')).join('')}`;
    assert.ok(contrast(hex, inkFor(hex)) >= 4.5, hex);
  }
});

test('a default color keeps itself when free and moves to an unused palette color on a collision', () => {
  assert.equal(distinctColor(PALETTE[0], [PALETTE[1], PALETTE[2]]), PALETTE[0]);
  const taken = PALETTE.slice(0, 11);
  // Only the 12th is free: a collision with any of the others lands there.
  for (const own of taken) assert.equal(distinctColor(own, taken), PALETTE[11]);
  const moved = distinctColor(PALETTE[3], [PALETTE[3]], () => 0.99);
  assert.notEqual(moved, PALETTE[3]);
  assert.ok(PALETTE.includes(moved));
});

test('twelve arrivals with the same default color end with twelve colors', () => {
  const present = [];
  for (let i = 0; i < 12; i++) present.push(distinctColor(PALETTE[5], present));
  assert.equal(new Set(present).size, 12);
  // The 13th shares, with one of the least used, and keeps its own when that is one.
  assert.equal(distinctColor(PALETTE[5], present), PALETTE[5]);
  const more = [...present, PALETTE[5]];
  assert.notEqual(distinctColor(PALETTE[5], more), PALETTE[5]);
});

test('colorAmong: a picked color never moves; our own other connection is no collision', () => {
  const me = { name: 'Ann', color: PALETTE[0] };
  assert.notEqual(colorAmong(me, [{ name: 'Bob', color: PALETTE[0] }]), PALETTE[0]);
  assert.equal(colorAmong({ ...me, colorPicked: true }, [{ name: 'Bob', color: PALETTE[0] }]), PALETTE[0]);
  assert.equal(colorAmong(me, [{ name: 'Ann', color: PALETTE[0] }]), PALETTE[0]);
});

test('chipsThatFit keeps room for "+N" only when not all fit', () => {
  assert.equal(chipsThatFit([30, 30, 30], 6, 102, 32), 3);
  assert.equal(chipsThatFit([30, 30, 30], 6, 101, 32), 1);
  assert.equal(chipsThatFit([120, 30], 6, 100, 32), 0);
  assert.equal(chipsThatFit([], 6, 100, 32), 0);
  // However wide the bar, a few chips and "+N".
  assert.equal(chipsThatFit(Array(MAX_CHIPS).fill(20), 0, 1000, 30), MAX_CHIPS);
  assert.equal(chipsThatFit(Array(MAX_CHIPS + 1).fill(20), 0, 1000, 30), MAX_CHIPS);
});

test('the theme: a stored choice wins, else the system', () => {
  assert.equal(resolveTheme('dark', false), 'dark');
  assert.equal(resolveTheme('light', true), 'light');
  assert.equal(resolveTheme(null, true), 'dark');
  assert.equal(resolveTheme('blue', false), 'light');
});

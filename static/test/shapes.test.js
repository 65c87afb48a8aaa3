// The shared drawing rules (shapes.js, textlayout.js) against the fixture
// that export/layout_test.go checks the Go renderers against:
// node --test static/test/shapes.test.js
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { arrowHead, dashPattern, labelBox, labelLines, outline, rotateBox, rotationCentre, roundRadius, tracePath } from '../shapes.js';
import { breakLines } from '../textlayout.js';

const cases = JSON.parse(readFileSync(new URL('../../export/testdata/layout.json', import.meta.url), 'utf8'));

/** The fixture's measure: size × the characters' advances, summed left to right. */
function measureAt(/** @type {number} */ size) {
  return (/** @type {string} */ s) => {
    let w = 0;
    for (const ch of s) w += cases.measure.advances[ch] ?? cases.measure.default;
    return w * size;
  };
}

/** Deep equality with numbers compared to the fixture's 6 decimals. */
function near(/** @type {any} */ got, /** @type {any} */ want, /** @type {string} */ what) {
  if (typeof want === 'number') {
    assert.ok(typeof got === 'number' && Math.abs(got - want) <= 2e-6, `${what}: ${got}, want ${want}`);
    return;
  }
  if (want === null || typeof want !== 'object') {
    assert.equal(got, want, what);
    return;
  }
  assert.equal(Object.keys(got ?? {}).length, Object.keys(want).length, `${what}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  for (const k of Object.keys(want)) near(got[k], want[k], `${what}.${k}`);
}

/** A fixture element as a full element. */
function el(/** @type {any} */ fields) {
  return { id: 'x', x: 0, y: 0, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a', ...fields };
}

test('line breaking matches the fixture (and so the exports)', () => {
  for (const c of cases.breakLines) assert.deepEqual(breakLines(c.text, measureAt(c.size), c.maxWidth), c.lines, c.text);
});

test('dash patterns, corner radii and outlines match the fixture', () => {
  for (const c of cases.dash) near(dashPattern(c.dash, c.width), c.pattern, `${c.dash} ${c.width}`);
  for (const c of cases.round) near(roundRadius(c.w, c.h), c.radius, `${c.w}×${c.h}`);
  for (const c of cases.outline) near(outline(el(c.el)), c.path, JSON.stringify(c.el));
});

test('arrowheads, label boxes, label lines and rotation centres match the fixture', () => {
  for (const c of cases.arrowHead) near(arrowHead(c.points, c.width), c.head, JSON.stringify(c.points));
  for (const c of cases.labelBox) near(labelBox(el(c.el)), c.box, JSON.stringify(c.el));
  for (const c of cases.labelLines) near(labelLines(el(c.el), measureAt(c.el.font), cases.metrics), c.lines, c.el.text);
  for (const c of cases.rotationCentre) near(rotationCentre(el(c.el)), c.centre, JSON.stringify(c.el));
});

test('the rules as documented', () => {
  assert.equal(roundRadius(100, 60), 15); // a quarter of the shorter side
  assert.equal(roundRadius(600, 300), 32); // fixed past 128
  assert.deepEqual(dashPattern('dashed', 3), [12, 12]);
  assert.deepEqual(dashPattern('dotted', 3), [0, 9]);
  assert.deepEqual(dashPattern(undefined, 3), []);
  assert.deepEqual(labelBox(el({ kind: 'diamond', w: 200, h: 100 })), { x: 55, y: 30, w: 90, h: 40 });
  // A label is centred: its one line sits in the middle of a rect.
  const [line] = labelLines(el({ kind: 'rect', w: 100, h: 40, text: 'ab', font: 10 }), (s) => s.length * 5, { ascent: 0.8, descent: 0.2 });
  assert.equal(line.x, 45);
  assert.equal(line.y, 20 - 12.5 / 2 + (12.5 - 10) / 2 + 8);
  // Sides of an arrowhead leave the tip at π/7 from the shaft, 10 long at width 2.
  const h = /** @type {any} */ (arrowHead([[0, 0], [100, 0]], 2));
  assert.ok(Math.abs(h.left[0] - (100 - 10 * Math.cos(Math.PI / 7))) < 1e-9 && h.left[1] > 0 && h.right[1] < 0);
  assert.equal(arrowHead([[3, 3], [3, 3]], 2), null);
});

test('a turned box grows to the bounds of its corners', () => {
  const b = { minX: 0, minY: 0, maxX: 100, maxY: 50 };
  rotateBox(b, 50, 25, Math.PI / 2);
  near(b, { minX: 25, minY: -25, maxX: 75, maxY: 75 }, 'quarter turn');
  const same = { minX: 0, minY: 0, maxX: 100, maxY: 50 };
  rotateBox(same, 50, 25, 0);
  assert.deepEqual(same, { minX: 0, minY: 0, maxX: 100, maxY: 50 });
});

test('tracePath replays every command on a path', () => {
  /** @type {string[]} */
  const calls = [];
  const rec = new Proxy({}, { get: (_, name) => (/** @type {number[]} */ ...a) => calls.push(`${String(name)} ${a.map((v) => Math.round(v * 100) / 100).join(' ')}`) });
  tracePath(outline(el({ kind: 'rect', w: 100, h: 60, round: true })), /** @type {any} */ (rec));
  assert.equal(calls[0], 'moveTo 15 0');
  assert.equal(calls[2], `arc 85 15 15 ${-Math.round((Math.PI / 2) * 100) / 100} 0`);
  assert.equal(calls.at(-1), 'closePath ');
  calls.length = 0;
  tracePath(outline(el({ kind: 'ellipse', w: 100, h: 60 })), /** @type {any} */ (rec));
  assert.deepEqual(calls, ['moveTo 100 30', `ellipse 50 30 50 30 0 0 ${Math.round(Math.PI * 200) / 100}`]);
});

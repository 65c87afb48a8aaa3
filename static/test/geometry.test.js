// Unit tests of element rules, geometry, hit testing, stroke simplification
// and text layout: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charLength, elementProblem, fromWire, IdMaker, isValidElement, normalizeTitle, opProblem } from '../element.js';
import {
  absolutePoints,
  boundsBox,
  centerOf,
  cornersOf,
  hitTest,
  normalizeAngle,
  paintBox,
  resizeInFrame,
  rotateAbout,
  rotateElement,
  scaleElement,
  segmentHits,
  shapeBox,
  simplify,
  simplifyStroke,
  strokeGeometry,
  translate,
  withoutRotation,
} from '../geometry.js';
import { breakLines, textSize } from '../textlayout.js';

/** @returns {any} */
function el(fields = {}) {
  return { id: 'el-1', kind: 'rect', x: 10, y: 20, w: 100, h: 50, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0', ...fields };
}

test('element validation mirrors the server rules', () => {
  assert.equal(elementProblem(el()), '');
  assert.ok(isValidElement(el({ kind: 'stroke', points: [[0, 0]] })));
  assert.ok(isValidElement(el({ kind: 'text', text: 'hi', font: 20 })));
  assert.ok(isValidElement(el({ kind: 'sticky', fill: '#ffd43b', text: '', font: 18 })));
  const bad = [
    el({ id: '' }),
    el({ id: 'x'.repeat(65) }),
    el({ kind: 'circle' }),
    el({ x: NaN }),
    el({ y: Infinity }),
    el({ w: 1e7 + 1 }),
    el({ rot: NaN }),
    el({ kind: 'line', points: [] }),
    el({ kind: 'line', points: Array.from({ length: 5001 }, () => [0, 0]) }),
    el({ kind: 'line', points: [[0, 2e7]] }),
    el({ kind: 'line', points: [[0]] }),
    el({ points: [[0, 0]] }),
    el({ stroke: 'red' }),
    el({ stroke: '#fff' }),
    el({ fill: '' }),
    el({ width: 0.4 }),
    el({ width: 101 }),
    el({ kind: 'text', text: 'x'.repeat(4001), font: 20 }),
    el({ kind: 'text', text: 'x', font: 3 }),
    el({ kind: 'text', text: 'x', font: 401 }),
    el({ kind: 'line', points: [[0, 0]], text: 'not for lines' }),
    el({ z: '' }),
    el({ z: 'a-1' }),
    el({ z: 'a'.repeat(65) }),
  ];
  for (const b of bad) assert.notEqual(elementProblem(b), '', JSON.stringify(b).slice(0, 120));
  assert.ok(isValidElement(el({ kind: 'line', points: Array.from({ length: 5000 }, () => [0, 0]) })));
  assert.ok(isValidElement(el({ kind: 'text', text: '😀'.repeat(4000), font: 20 })), '4000 characters, 8000 UTF-16 units');
  assert.equal(charLength('a😀b'), 3);
});

test('op validation', () => {
  assert.equal(opProblem({ op: 'put', el: el() }), '');
  assert.equal(opProblem({ op: 'del', id: 'x' }), '');
  assert.equal(opProblem({ op: 'title', title: 'x'.repeat(120) }), '');
  assert.notEqual(opProblem({ op: 'title', title: '' }), '');
  assert.notEqual(opProblem({ op: 'title', title: 'x'.repeat(121) }), '');
  assert.notEqual(opProblem({ op: 'del', id: '' }), '');
  assert.notEqual(opProblem({ op: 'move' }), '');
  assert.equal(normalizeTitle('  My \n board '), 'My board');
  assert.equal(normalizeTitle('   '), null);
  assert.equal(normalizeTitle('x'.repeat(130))?.length, 120);
});

test('fromWire keeps valid elements as they are and repairs or drops the rest', () => {
  const good = el();
  assert.equal(fromWire(good), good);
  const fixed = fromWire({ id: 'a', kind: 'rect', x: 'no', stroke: 'bad', width: 1000, z: 'a0' });
  assert.equal(fixed?.x, 0);
  assert.equal(fixed?.stroke, '#1e1e1e');
  assert.equal(fixed?.width, 100);
  assert.equal(fromWire({ id: 'a', kind: 'blob' }), null);
  assert.equal(fromWire({ id: 'a', kind: 'stroke', points: [] }), null);
  assert.equal(fromWire(null), null);
});

test('ids are unique and short', () => {
  const m = new IdMaker();
  const a = m.next();
  const b = m.next();
  assert.match(a, /^el-[0-9a-z]{8}-1$/);
  assert.notEqual(a, b);
});

test('boxes of shapes and points', () => {
  assert.deepEqual(shapeBox(el()), { minX: 10, minY: 20, maxX: 110, maxY: 70 });
  assert.deepEqual(shapeBox(el({ w: -10 })), { minX: 0, minY: 20, maxX: 10, maxY: 70 });
  const line = el({ kind: 'line', x: 5, y: 5, points: [[0, 0], [-5, 20]] });
  assert.deepEqual(shapeBox(line), { minX: 0, minY: 5, maxX: 5, maxY: 25 });
  const p = paintBox(line);
  assert.ok(p.minX < 0 && p.maxY > 25);
});

test('hit testing', () => {
  const r = el();
  assert.ok(hitTest(r, 10, 40, 1), 'on the outline');
  assert.ok(hitTest(r, 60, 45, 1), 'inside an unfilled rect hits');
  assert.ok(hitTest({ ...r, fill: '#ffffff' }, 60, 45, 1), 'inside a filled rect hits');
  assert.ok(!hitTest(r, 5, 45, 1), 'left of it misses');
  assert.ok(!hitTest(r, 200, 200, 1));
  const e = el({ kind: 'ellipse', x: 0, y: 0, w: 100, h: 50 });
  assert.ok(hitTest(e, 100, 25, 1));
  assert.ok(hitTest(e, 50, 25, 1), 'the middle of an ellipse hits');
  assert.ok(!hitTest(e, 2, 2, 1), 'the corner of the box is outside the ellipse');
  const s = el({ kind: 'stroke', x: 0, y: 0, points: [[0, 0], [100, 0], [100, 100]] });
  assert.ok(hitTest(s, 50, 1, 1));
  assert.ok(hitTest(s, 101, 60, 1));
  assert.ok(!hitTest(s, 50, 50, 1));
  const dot = el({ kind: 'stroke', x: 10, y: 10, width: 4, points: [[0, 0]] });
  assert.ok(hitTest(dot, 12, 10, 0.5));
  assert.ok(!hitTest(dot, 20, 10, 0.5));
  const t = el({ kind: 'text', text: 'hi', font: 20 });
  assert.ok(hitTest(t, 60, 45, 1), 'text hits inside its box');
  assert.ok(segmentHits(s, 50, -20, 50, 20, 1), 'a segment crossing the stroke');
  assert.ok(!segmentHits(s, 20, 20, 80, 80, 1));
});

test('translate and scale', () => {
  const m = translate(el(), 5.123, -5);
  assert.equal(m.x, 15.12);
  assert.equal(m.y, 15);
  const sc = scaleElement(el({ x: 0, y: 0 }), 0, 0, 2, 3);
  assert.deepEqual([sc.x, sc.y, sc.w, sc.h], [0, 0, 200, 150]);
  const flipped = scaleElement(el({ x: 0, y: 0 }), 100, 50, -1, 1);
  assert.deepEqual([flipped.x, flipped.y, flipped.w, flipped.h], [100, 0, 100, 50]);
  const pts = scaleElement(el({ kind: 'line', x: 10, y: 10, points: [[0, 0], [10, 20]] }), 10, 10, 2, 2);
  assert.deepEqual(pts.points, [[0, 0], [20, 40]]);
  assert.deepEqual([pts.w, pts.h], [20, 40]);
  const text = scaleElement(el({ kind: 'text', font: 20, text: 'x' }), 10, 20, 2, 2);
  assert.equal(text.font, 40);
});

test('stroke simplification keeps the shape and respects the point cap', () => {
  /** @type {Array<[number, number]>} */
  const line = Array.from({ length: 101 }, (_, i) => [i, 0]);
  assert.deepEqual(simplify(line, 0.5), [[0, 0], [100, 0]]);
  /** @type {Array<[number, number]>} */
  const corner = [[0, 0], [50, 0.1], [100, 0], [100, 50], [100, 100]];
  assert.deepEqual(simplify(corner, 0.5), [[0, 0], [100, 0], [100, 100]]);
  /** @type {Array<[number, number]>} */
  const wiggle = Array.from({ length: 20_000 }, (_, i) => [i, (i % 2) * 3]);
  const out = simplifyStroke(wiggle, 0.5, 5000);
  assert.ok(out.length <= 5000 && out.length >= 2, String(out.length));
  assert.deepEqual(out[0], [0, 0]);
  assert.deepEqual(out[out.length - 1], wiggle[wiggle.length - 1]);
  const g = strokeGeometry([[10, 20], [30, 5], [15, 40]]);
  assert.deepEqual(g, { x: 10, y: 5, w: 20, h: 35, points: [[0, 15], [20, 0], [5, 35]] });
});

test('text layout breaks at newlines, words and long words', () => {
  const measure = (/** @type {string} */ s) => s.length * 10;
  assert.deepEqual(breakLines('a\nbc', measure), ['a', 'bc']);
  assert.deepEqual(breakLines('one two three', measure, 70), ['one two', 'three']);
  assert.deepEqual(breakLines('abcdefghij', measure, 40), ['abcd', 'efgh', 'ij']);
  assert.deepEqual(textSize('ab\nabcd', 20, measure), { w: 40, h: 50 });
});

test('hit testing respects rot: a turned rect, ellipse and line are hit where they are drawn', () => {
  // A 100×20 bar centred on (60, 30), turned a quarter: it stands upright,
  // x 50–70, y -20–80.
  const bar = el({ x: 10, y: 20, w: 100, h: 20, rot: Math.PI / 2 });
  assert.ok(hitTest(bar, 60, 75, 0), 'inside the upright bar, outside its unturned box');
  assert.ok(!hitTest(bar, 100, 30, 0), 'inside the unturned box, outside the upright bar');
  assert.ok(hitTest(bar, 60, -15, 0));
  // Turned by 45°: the corner of the unturned box is off the shape.
  const diag = el({ x: 0, y: 0, w: 100, h: 100, rot: Math.PI / 4 });
  assert.ok(!hitTest(diag, 3, 3, 0), 'the unturned corner is empty');
  assert.ok(hitTest(diag, 50, -15, 0), 'the turned corner reaches above the box');
  const oval = el({ kind: 'ellipse', x: 0, y: 0, w: 200, h: 40, rot: Math.PI / 2 });
  assert.ok(hitTest(oval, 100, 110, 0));
  assert.ok(!hitTest(oval, 180, 20, 0));
  const line = el({ kind: 'line', x: 0, y: 0, w: 100, h: 0, points: [[0, 0], [100, 0]], rot: Math.PI / 2 });
  assert.ok(hitTest(line, 50, 45, 1), 'the turned line runs from (50, -50) to (50, 50)');
  assert.ok(!hitTest(line, 90, 0, 1));
});

test('diamonds are hit inside the rhombus, not in the corners of their box', () => {
  const d = el({ kind: 'diamond', x: 0, y: 0, w: 100, h: 50 });
  assert.ok(hitTest(d, 50, 25, 0));
  assert.ok(hitTest(d, 95, 25, 0));
  assert.ok(!hitTest(d, 5, 5, 0));
  assert.ok(!hitTest(d, 95, 45, 0));
  // Within half the stroke plus the tolerance of a side: (75, 12.5) is on the upper right side.
  assert.ok(hitTest(d, 77, 11, 2));
  assert.ok(!hitTest(d, 85, 5, 1));
});

test('bounds of turned elements hold the turned shape; paint boxes stay unturned for the renderer to turn', () => {
  const sq = el({ x: 0, y: 0, w: 100, h: 100, rot: Math.PI / 4 });
  const b = boundsBox(sq);
  const r = 50 * Math.SQRT2;
  assert.ok(Math.abs(b.minX - (50 - r)) < 1e-9 && Math.abs(b.maxY - (50 + r)) < 1e-9, JSON.stringify(b));
  // The paint box stays in the element's own frame: the renderer turns it.
  const p = paintBox(sq);
  assert.ok(p.minX < 0 && p.minX > -5 && p.maxX > 100 && p.maxX < 105, JSON.stringify(p));
  const oval = boundsBox(el({ kind: 'ellipse', x: 0, y: 0, w: 200, h: 40, rot: Math.PI / 2 }));
  assert.ok(Math.abs(oval.minX - 80) < 1e-9 && Math.abs(oval.maxX - 120) < 1e-9 && Math.abs(oval.minY + 80) < 1e-9, JSON.stringify(oval));
  assert.deepEqual(boundsBox(el()), shapeBox(el()), 'unturned: the shape box');
});

test('rotateElement turns about a pivot; normalizeAngle keeps [0, 2π)', () => {
  const r = el({ x: 0, y: 0, w: 100, h: 50 }); // centre (50, 25)
  const t = rotateElement(r, 50, 25, Math.PI / 2);
  assert.equal(t.x, 0);
  assert.equal(t.y, 0);
  assert.equal(t.rot, normalizeAngle(Math.PI / 2));
  // About another pivot: the centre (50, 25) turns a quarter about (0, 0) to (-25, 50).
  const u = rotateElement(r, 0, 0, Math.PI / 2);
  assert.deepEqual(centerOf(u), { x: -25, y: 50 });
  assert.equal(normalizeAngle(-Math.PI / 2), normalizeAngle(1.5 * Math.PI));
  assert.equal(normalizeAngle(2 * Math.PI), 0);
  assert.equal(normalizeAngle(4 * Math.PI + 0.25), 0.25);
  const back = rotateAbout(10, 0, 0, 0, Math.PI / 2);
  assert.ok(Math.abs(back.x) < 1e-12 && Math.abs(back.y - 10) < 1e-12, 'clockwise on screen: right turns to down');
});

test('resizeInFrame: a turned element resizes in its own frame, the opposite corner stays', () => {
  const r = el({ x: 0, y: 0, w: 100, h: 50, rot: 0.7 });
  const before = cornersOf(r);
  // Drag the bottom-right corner (index 2) outwards along the frame.
  const c2 = before[2];
  const dir = { x: Math.cos(0.7), y: Math.sin(0.7) };
  const out = resizeInFrame(r, 2, c2.x + dir.x * 20, c2.y + dir.y * 20, false);
  assert.equal(out.rot, 0.7);
  assert.ok(Math.abs(out.w - 120) < 0.02 && Math.abs(out.h - 50) < 0.02, `${out.w}×${out.h}`);
  const after = cornersOf(out);
  assert.ok(Math.hypot(after[0].x - before[0].x, after[0].y - before[0].y) < 0.02, 'the top-left corner stays');
  // Unturned: plain scaling about the opposite corner.
  const plain = resizeInFrame(el({ x: 0, y: 0, w: 100, h: 50 }), 2, 200, 100, false);
  assert.deepEqual([plain.x, plain.y, plain.w, plain.h], [0, 0, 200, 100]);
  const kept = resizeInFrame(el({ x: 0, y: 0, w: 100, h: 50 }), 2, 300, 60, true);
  assert.deepEqual([kept.w, kept.h], [300, 150]);
});

test('scaling a turned element in a multi-selection keeps its turn and moves its centre', () => {
  const r = el({ x: 0, y: 0, w: 100, h: 50, rot: Math.PI / 2 });
  const s = scaleElement(r, 0, 0, 2, 2);
  assert.equal(s.rot, r.rot);
  assert.deepEqual([s.w, s.h], [200, 100]);
  assert.deepEqual(centerOf(s), { x: 100, y: 50 });
  // A quarter turn swaps what each axis scales.
  const t = scaleElement(r, 0, 0, 1, 3);
  assert.ok(Math.abs(t.w - 300) < 1e-9 && Math.abs(t.h - 50) < 1e-9, `${t.w}×${t.h}`);
  const flipped = scaleElement(el({ rot: 0.5 }), 0, 0, -1, 1);
  assert.equal(flipped.rot, normalizeAngle(-0.5));
  // A turned line is straightened into its points before scaling.
  const line = el({ kind: 'line', x: 0, y: 0, w: 100, h: 0, points: [[0, 0], [100, 0]], rot: Math.PI / 2 });
  const sl = scaleElement(line, 50, 0, 1, 2);
  assert.equal(sl.rot, 0);
  assert.deepEqual(absolutePoints(sl), [[50, -100], [50, 100]]);
  assert.deepEqual(absolutePoints(withoutRotation(line)), [[50, -50], [50, 50]]);
});

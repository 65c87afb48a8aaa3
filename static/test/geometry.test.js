// Unit tests of element rules, geometry, hit testing, stroke simplification
// and text layout: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charLength, elementProblem, fromWire, IdMaker, isValidElement, normalizeTitle, opProblem } from '../element.js';
import { hitTest, paintBox, scaleElement, segmentHits, shapeBox, simplify, simplifyStroke, strokeGeometry, translate } from '../geometry.js';
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

// The second wave's element fields, mirrored from board/element.go: what the
// server accepts, this client accepts, keeps and sends back unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blobSHA, elementProblem, fromWire } from '../element.js';

const base = { id: 'a', x: 0, y: 0, w: 10, h: 10, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'V' };
const line = { ...base, kind: 'arrow', points: [[0, 0], [10, 10]] };

test('the new fields are valid where the server allows them', () => {
  for (const el of [
    { ...base, kind: 'diamond', text: 'Decide', font: 20, round: true, dash: 'dashed' },
    { ...base, kind: 'rect', text: 'label', round: true, dash: 'dotted', group: 'g1', locked: true },
    { ...base, kind: 'ellipse', text: 'hi', dash: 'solid', locked: false },
    { ...line, start: { id: 'box' }, end: { id: 'other' }, dash: 'dashed' },
    { ...base, kind: 'text', text: 'x', dash: 'solid' },
  ]) assert.equal(elementProblem(el), '', JSON.stringify(el));
});

test('the new fields are refused where the server refuses them', () => {
  const cases = [
    [{ ...base, kind: 'text', text: 'x', dash: 'dashed' }, /dash/],
    [{ ...base, kind: 'sticky', text: 'x', dash: 'dotted' }, /dash/],
    [{ ...base, kind: 'rect', dash: 'wavy' }, /dash/],
    [{ ...base, kind: 'ellipse', round: true }, /round/],
    [{ ...base, kind: 'rect', round: 'yes' }, /round/],
    [{ ...base, kind: 'rect', start: { id: 'b' } }, /start/],
    [{ ...line, end: { id: '' } }, /end/],
    [{ ...line, end: 'b' }, /end/],
    [{ ...base, kind: 'rect', group: '' }, /group/],
    [{ ...base, kind: 'rect', group: 'g'.repeat(65) }, /group/],
    [{ ...base, kind: 'rect', locked: 1 }, /locked/],
    [{ ...line, text: 'no labels on arrows' }, /text/],
    [{ ...base, kind: 'image' }, /src/],
    [{ ...base, kind: 'image', src: 'https://example.com/x.png' }, /src/],
    [{ ...base, kind: 'image', src: `blob:${'A'.repeat(64)}` }, /src/],
    [{ ...base, kind: 'image', src: `blob:${'a'.repeat(63)}` }, /src/],
    [{ ...base, kind: 'rect', src: `blob:${'a'.repeat(64)}` }, /src/],
  ];
  for (const [el, want] of cases) assert.match(elementProblem(el), want, JSON.stringify(el));
});

test('fromWire keeps every new field of a valid element', () => {
  const el = { ...line, start: { id: 'box' }, end: { id: 'other' }, dash: 'dotted', group: 'g', locked: true };
  assert.deepEqual(fromWire(el), el);
  const d = { ...base, kind: 'diamond', text: 'Decide', font: 20, round: true };
  assert.deepEqual(fromWire(d), d);
});

test('fromWire repairs what it can and keeps the valid new fields', () => {
  const got = fromWire({ ...base, kind: 'rect', width: 0, text: 'label', round: true, dash: 'dashed', group: 'g', start: { id: 'x' } });
  assert.equal(got.width, 0.5);
  assert.equal(got.text, 'label');
  assert.equal(got.round, true);
  assert.equal(got.dash, 'dashed');
  assert.equal(got.group, 'g');
  assert.equal(got.start, undefined, 'a rect has no bound ends');
});

test('images: src "blob:<sha256>" of lowercase hex, kept by fromWire; nothing to draw without it', () => {
  const sha = '0123456789abcdef'.repeat(4);
  const img = { ...base, kind: 'image', src: `blob:${sha}` };
  assert.equal(elementProblem(img), '');
  assert.equal(elementProblem({ ...img, rot: 1.2, group: 'g', locked: true }), '');
  assert.equal(fromWire(img), img, 'a valid image comes back as it is');
  assert.equal(blobSHA(img.src), sha);
  assert.equal(blobSHA('blob:xyz'), null);
  assert.equal(blobSHA(undefined), null);
  // Repaired like any element, the src kept; without a src there is nothing to draw.
  assert.deepEqual(fromWire({ ...img, width: 0, dash: 'dashed' }), { ...img, width: 0.5 });
  assert.equal(fromWire({ ...img, src: 'blob:nope' }), null);
  assert.equal(fromWire({ ...base, kind: 'image' }), null);
  // Other kinds drop a src they should not carry.
  assert.equal(fromWire({ ...base, kind: 'rect', src: img.src })?.src, undefined);
});

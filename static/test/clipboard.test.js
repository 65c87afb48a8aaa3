// The pure parts of the clipboard (clipboard.js) and of imports that add
// (importer.js's answer and toast helpers, history.js's import undo step):
// node --test static/test/
import assert from 'node:assert/strict';
import test from 'node:test';

import { boundsOf, clipboardText, excalidrawScene, freshCopies, parseClipboard } from '../clipboard.js';
import { elementProblem } from '../element.js';
import { importSteps, stepsToOps } from '../history.js';
import { importResult, placedURL, skippedText } from '../importer.js';
import { compareStrings } from '../zorder.js';

const rect = { id: 'r', kind: 'rect', x: 0, y: 0, w: 100, h: 50, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a1', group: 'G' };
const ell = { id: 'e', kind: 'ellipse', x: 200, y: 100, w: 50, h: 50, rot: 0, stroke: '#1e1e1e', fill: '#a5d8ff', width: 2, z: 'a2', group: 'G' };
const arrow = {
  id: 'a',
  kind: 'arrow',
  x: 100,
  y: 25,
  w: 0,
  h: 0,
  rot: 0,
  points: [
    [0, 0],
    [100, 75],
  ],
  stroke: '#1e1e1e',
  fill: null,
  width: 2,
  z: 'a3',
  start: { id: 'r' },
  end: { id: 'elsewhere' },
};

test('clipboard text round-trips; other text is not Easel clipboard JSON', () => {
  const text = clipboardText([rect, ell, arrow]);
  assert.match(text, /"type":"easel\/clipboard"/);
  assert.deepEqual(parseClipboard(text), [rect, ell, arrow]);
  assert.equal(parseClipboard('hello'), null);
  assert.equal(parseClipboard('{"type":"excalidraw/clipboard","elements":[]}'), null);
  assert.equal(parseClipboard('{"type":"easel/clipboard"'), null);
  // Undrawable entries are dropped, not the whole paste.
  assert.deepEqual(parseClipboard('{"type":"easel/clipboard","version":1,"elements":[{"id":"x","kind":"blob"},' + JSON.stringify(rect) + ']}'), [rect]);
});

test("Excalidraw's clipboard becomes a scene for the import route", () => {
  const scene = excalidrawScene('{"type":"excalidraw/clipboard","elements":[{"id":"a","type":"rectangle"}],"files":{}}');
  assert.deepEqual(JSON.parse(scene ?? ''), { type: 'excalidraw', version: 2, elements: [{ id: 'a', type: 'rectangle' }], files: {} });
  assert.equal(excalidrawScene('{"type":"excalidraw/clipboard"}'), null);
  assert.equal(excalidrawScene('plain words'), null);
  assert.equal(excalidrawScene(clipboardText([rect])), null);
});

test('freshCopies: new ids, bindings and groups renamed within the set, z above the top, moved', () => {
  let n = 0;
  const newId = () => `el-test-${++n}`;
  const copies = freshCopies([arrow, ell, rect], { newId, top: 'b05', dx: 16, dy: -8 });
  assert.equal(copies.length, 3);
  const [r, e, a] = copies; // bottom to top
  for (const c of copies) assert.equal(elementProblem(c), '', JSON.stringify(c));
  assert.deepEqual(
    copies.map((c) => c.kind),
    ['rect', 'ellipse', 'arrow'],
  );
  assert.ok(!copies.some((c) => ['r', 'e', 'a'].includes(c.id)));
  assert.equal(new Set(copies.map((c) => c.id)).size, 3);
  assert.deepEqual(a.start, { id: r.id });
  assert.equal(a.end, undefined, 'a binding to an element outside the copy is dropped');
  assert.ok(r.group && r.group !== 'G' && r.group === e.group);
  assert.ok(compareStrings('b05', r.z) < 0 && compareStrings(r.z, e.z) < 0 && compareStrings(e.z, a.z) < 0);
  assert.deepEqual([r.x, r.y, a.x, a.y], [16, -8, 116, 17]);
  assert.deepEqual(a.points, arrow.points);
  // The originals are untouched; a second paste gets other ids and groups.
  assert.equal(rect.id, 'r');
  assert.deepEqual(arrow.start, { id: 'r' });
  const again = freshCopies([rect, ell], { newId, top: a.z, dx: 0, dy: 0 });
  assert.ok(again.every((c) => !copies.some((d) => d.id === c.id)));
  assert.notEqual(again[0].group, r.group);
});

test('boundsOf spans shapes and points', () => {
  assert.deepEqual(boundsOf([rect, arrow]), { minX: 0, minY: 0, maxX: 200, maxY: 100 });
  assert.equal(boundsOf([]), null);
});

test('import answers carry ids and skipped; the toast names what was skipped and why', () => {
  const r = importResult(
    '{"seq":4,"added":2,"ids":["i1","i2",3],"skipped":[{"kind":"image","count":2,"reason":"not supported yet"},{"kind":"frame","count":1,"reason":"frames are not supported"},{"kind":"x","count":0,"reason":"?"}]}',
  );
  assert.deepEqual(r?.ids, ['i1', 'i2']);
  assert.equal(r?.skipped.length, 2);
  assert.equal(skippedText(r?.skipped ?? []), '2 images skipped: not supported yet; 1 frame skipped: frames are not supported');
  assert.equal(skippedText([{ kind: 'selection', count: 1, reason: 'not an element type Easel knows' }]), '1 selection element skipped: not an element type Easel knows');
});

test('placedURL adds the view centre, rounded and within ±1e7', () => {
  assert.equal(placedURL('http://h/b/x/import', { x: 10.123, y: -5 }), 'http://h/b/x/import?cx=10.12&cy=-5');
  assert.equal(placedURL('http://h/b/x/import', { x: 5e7, y: Number.NaN }), 'http://h/b/x/import');
  assert.equal(placedURL('http://h/b/x/import', { x: 5e7, y: 0 }), 'http://h/b/x/import?cx=9000000&cy=0');
  assert.equal(placedURL('http://h/b/x/import', null), 'http://h/b/x/import');
});

test('an import is undone by deleting exactly its ids, those still there', () => {
  const board = new Map([
    ['i1', rect],
    ['i3', ell],
  ]);
  const ops = stepsToOps(importSteps(['i1', 'i2', 'i3']), (id) => board.get(id));
  assert.deepEqual(ops, [
    { op: 'del', id: 'i1' },
    { op: 'del', id: 'i3' },
  ]);
});

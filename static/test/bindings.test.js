// Unit tests of bindings.js: where bound ends sit on rects, ellipses and
// diamonds (turned too), and which lines a move, resize, turn or delete
// carries along in the same message: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BIND_GAP, bindingOps, bindsTo, detach, edgePoint, followBindings, placeEnd, rebind, remapBindings } from '../bindings.js';
import { elementProblem } from '../element.js';
import { absolutePoints, rotateElement, translate } from '../geometry.js';

/** @returns {any} */
function shape(fields = {}) {
  return { id: 'box', kind: 'rect', x: 0, y: 0, w: 100, h: 50, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0', ...fields };
}

/** @returns {any} */
function arrow(fields = {}) {
  return { id: 'arr', kind: 'arrow', x: 200, y: 25, w: 100, h: 0, rot: 0, points: [[0, 0], [100, 0]], stroke: '#1e1e1e', fill: null, width: 2, z: 'a1', ...fields };
}

const close = (/** @type {number} */ a, /** @type {number} */ b, eps = 1e-6) => Math.abs(a - b) <= eps;
const gap = BIND_GAP + 1; // half of the shapes' stroke width 2

test('edge points of a rect, an ellipse and a diamond, the gap outside the outline', () => {
  const r = shape();
  // Centre (50, 25). Right: x = 100 + gap.
  let p = /** @type {any} */ (edgePoint(r, 500, 25));
  assert.ok(close(p.x, 100 + gap) && close(p.y, 25), JSON.stringify(p));
  // Up: y = 0 - gap.
  p = edgePoint(r, 50, -300);
  assert.ok(close(p.x, 50) && close(p.y, -gap), JSON.stringify(p));
  // Towards a corner direction steeper than the diagonal: the top side.
  p = edgePoint(r, 60, -1000);
  const t = 25 / (1025 / Math.hypot(10, 1025));
  assert.ok(close(Math.hypot(p.x - 50, p.y - 25), t + gap, 1e-6), JSON.stringify(p));

  const e = shape({ kind: 'ellipse' });
  p = edgePoint(e, 50 + 3, 25 + 4); // direction (0.6, 0.8)
  const k = 1 / Math.hypot(0.6 / 50, 0.8 / 25);
  assert.ok(close(p.x, 50 + 0.6 * (k + gap)) && close(p.y, 25 + 0.8 * (k + gap)), JSON.stringify(p));
  // The point at the gap's distance is outside the ellipse, the outline point on it.
  const on = { x: 50 + 0.6 * k, y: 25 + 0.8 * k };
  assert.ok(close(((on.x - 50) / 50) ** 2 + ((on.y - 25) / 25) ** 2, 1));

  const d = shape({ kind: 'diamond' });
  p = edgePoint(d, 500, 25);
  assert.ok(close(p.x, 100 + gap) && close(p.y, 25), 'a diamond reaches its box at its corners');
  p = edgePoint(d, 50 + 1, 25 + 1); // 45°: |x|/50 + |y|/25 = 1 → x = y = 50/3
  const s = 50 / 3 + gap / Math.SQRT2;
  assert.ok(close(p.x, 50 + s) && close(p.y, 25 + s), JSON.stringify(p));
  assert.equal(edgePoint(d, 50, 25), null, 'no direction from the centre itself');
});

test('a turned shape: the edge point follows its turn', () => {
  // A 100×50 rect turned by 90° is 50 wide and 100 tall on the board.
  const r = shape({ rot: Math.PI / 2 });
  let p = /** @type {any} */ (edgePoint(r, 500, 25));
  assert.ok(close(p.x, 50 + 25 + gap) && close(p.y, 25), JSON.stringify(p));
  p = edgePoint(r, 50, 500);
  assert.ok(close(p.x, 50) && close(p.y, 25 + 50 + gap), JSON.stringify(p));
  // A turned ellipse: the same as the unturned one with the direction turned back.
  const e = shape({ kind: 'ellipse', rot: 0.5 });
  const plain = /** @type {any} */ (edgePoint(shape({ kind: 'ellipse' }), 50 + Math.cos(-0.5 + 0.3) * 10, 25 + Math.sin(-0.5 + 0.3) * 10));
  p = edgePoint(e, 50 + Math.cos(0.3) * 10, 25 + Math.sin(0.3) * 10);
  assert.ok(close(Math.hypot(p.x - 50, p.y - 25), Math.hypot(plain.x - 50, plain.y - 25)), 'same distance from the centre');
});

test('rebind: a bound start snaps to the shape, aimed at the free end; both bound aim centre to centre', () => {
  const box = shape();
  const lookup = (/** @type {string} */ id) => (id === 'box' ? box : id === 'other' ? other : undefined);
  const other = shape({ id: 'other', x: 300, y: 0 });
  const a = rebind(arrow({ start: { id: 'box' } }), lookup);
  const [s, e] = absolutePoints(a);
  assert.deepEqual(s, [100 + gap, 25], 'start on the right edge of the box');
  assert.deepEqual(e, [300, 25], 'the free end stays');
  assert.equal(a.start?.id, 'box');
  assert.equal(elementProblem(a), '', 'a valid element');
  assert.equal(rebind(a, lookup), a, 'rebinding again changes nothing (same object)');

  const both = rebind(arrow({ start: { id: 'box' }, end: { id: 'other' } }), lookup);
  const [s2, e2] = absolutePoints(both);
  assert.deepEqual(s2, [100 + gap, 25]);
  assert.deepEqual(e2, [300 - gap, 25]);

  // A binding to a shape that is not on the board: drawn unbound, left alone.
  const lost = arrow({ start: { id: 'gone' } });
  assert.equal(rebind(lost, lookup), lost);
});

test('rebind straightens a turned line into its points', () => {
  const box = shape();
  const turned = arrow({ rot: Math.PI, start: { id: 'box' } }); // drawn from (300, 25) back to (200, 25)
  const out = rebind(turned, (id) => (id === 'box' ? box : undefined));
  assert.equal(out.rot, 0);
  const pts = absolutePoints(out);
  assert.deepEqual(pts[0], [100 + gap, 25], 'the start, now at the box');
  assert.ok(close(pts[1][0], 200) && close(pts[1][1], 25), JSON.stringify(pts[1]));
});

test('followBindings: moving a shape moves every line bound to it, deleting it unbinds them', () => {
  const box = shape();
  const a1 = rebind(arrow({ start: { id: 'box' } }), () => box);
  const a2 = rebind(arrow({ id: 'arr2', x: 50, y: 200, points: [[0, 0], [0, 100]], end: { id: 'box' } }), () => box);
  const free = arrow({ id: 'free', y: 400 });
  const board = new Map([[box.id, box], [a1.id, a1], [a2.id, a2], [free.id, free]]);
  const lookup = (/** @type {string} */ id) => board.get(id);

  const moved = translate(box, 0, 300);
  const lines = followBindings(new Map([[box.id, moved]]), board.values(), lookup);
  assert.deepEqual([...lines.keys()].sort(), ['arr', 'arr2']);
  const [s] = absolutePoints(/** @type {any} */ (lines.get('arr')));
  // From the box's new centre (50, 325) towards the free end (300, 25).
  const p = /** @type {any} */ (edgePoint(moved, 300, 25));
  assert.ok(close(s[0], Math.round(p.x * 100) / 100, 0.006) && close(s[1], Math.round(p.y * 100) / 100, 0.006));

  const gone = followBindings(new Map([[box.id, null]]), board.values(), lookup);
  assert.equal(gone.get('arr')?.start, undefined, 'unbound from the deleted box');
  assert.equal(gone.get('arr2')?.end, undefined);
  assert.deepEqual(gone.get('arr')?.points, a1.points, 'and left where it was');

  const none = followBindings(new Map([[free.id, translate(free, 5, 5)]]), board.values(), lookup);
  assert.equal(none.size, 0, 'moving a line alone touches nothing else');
});

test('bindingOps: one message holds the shape and its lines; a line already in it is replaced', () => {
  const box = shape();
  const other = shape({ id: 'other', x: 300 });
  const a = rebind(arrow({ start: { id: 'box' }, end: { id: 'other' } }), (id) => (id === 'box' ? box : other));
  const board = new Map([[box.id, box], [other.id, other], [a.id, a]]);
  const lookup = (/** @type {string} */ id) => board.get(id);

  const turned = rotateElement(box, 50, 25, Math.PI / 2);
  const ops = bindingOps([{ op: 'put', el: turned }], board.values(), lookup);
  assert.equal(ops.length, 2);
  assert.equal(ops[0].op === 'put' && ops[0].el, turned);
  const line = ops[1].op === 'put' ? ops[1].el : null;
  assert.equal(line?.id, 'arr');
  // The turned box is 50 wide: its right edge at 75.
  assert.deepEqual(absolutePoints(/** @type {any} */ (line))[0], [75 + gap, 25]);

  // Both shapes and the line moved together (a multi-selection drag).
  const ops2 = bindingOps(
    [
      { op: 'put', el: translate(box, 10, 0) },
      { op: 'put', el: translate(other, 10, 0) },
      { op: 'put', el: translate(a, 10, 0) },
    ],
    board.values(),
    lookup,
  );
  assert.equal(ops2.length, 3, 'the line is not put twice');
  const l2 = ops2[2].op === 'put' ? ops2[2].el : null;
  assert.deepEqual(absolutePoints(/** @type {any} */ (l2)), [[110 + gap, 25], [310 - gap, 25]]);

  const ops3 = bindingOps([{ op: 'del', id: 'other' }], board.values(), lookup);
  assert.equal(ops3.length, 2);
  const l3 = ops3[1].op === 'put' ? ops3[1].el : null;
  assert.equal(l3?.end, undefined);
  assert.deepEqual(l3?.start, { id: 'box' });

  const plain = [{ op: /** @type {const} */ ('title'), title: 'x' }];
  assert.equal(bindingOps(plain, board.values(), lookup), plain, 'nothing to follow: the same ops');
});

test('placeEnd binds or unbinds a dragged end; detach and remapBindings', () => {
  const box = shape();
  const a = arrow({ start: { id: 'box' } });
  const dropped = placeEnd(a, 1, 50, 20, box, () => undefined);
  // Both ends on the same box would point nowhere; the caller prevents it, but the line stays valid.
  assert.equal(elementProblem(dropped), '');
  const free = placeEnd(a, 0, -50, -50, null, () => box);
  assert.equal(free.start, undefined);
  assert.deepEqual(absolutePoints(free)[0], [-50, -50]);
  const target = shape({ id: 't', x: 400, y: -100 });
  const onT = placeEnd(arrow(), 1, 450, -80, target, () => undefined);
  assert.deepEqual(onT.end, { id: 't' });
  const end = absolutePoints(onT)[1];
  assert.ok(end[0] < 400 && end[1] > -100, `outside the target's left side: ${end}`);

  const both = arrow({ start: { id: 'box' }, end: { id: 't' } });
  assert.equal(detach(both, (id) => id === 'box' || id === 't'), both);
  const d = detach(both, (id) => id === 't');
  assert.equal(d.start, undefined);
  assert.deepEqual(d.end, { id: 't' });
  const copy = remapBindings(both, new Map([['box', 'box-copy']]));
  assert.deepEqual(copy.start, { id: 'box-copy' });
  assert.equal(copy.end, undefined);
});

test('bindsTo: bindable, unlocked shapes under or near the point', () => {
  const box = shape();
  assert.ok(bindsTo(box, 50, 25, 0));
  assert.ok(bindsTo(box, 105, 25, 6), 'within reach outside the outline');
  assert.ok(!bindsTo(box, 120, 25, 6));
  assert.ok(!bindsTo({ ...box, locked: true }, 50, 25, 0), 'not to a locked shape');
  assert.ok(!bindsTo(arrow(), 250, 25, 0), 'not to a line');
  assert.ok(!bindsTo(box, 50, 25, 0, 'box'), 'not to the excluded id');
  assert.ok(bindsTo(shape({ kind: 'sticky', fill: '#ffd43b', text: '', font: 18 }), 50, 25, 0));
  assert.ok(bindsTo(shape({ kind: 'text', text: 'hi', font: 20 }), 50, 25, 0));
  const picture = shape({ kind: 'image', src: `blob:${'a'.repeat(64)}` });
  assert.ok(bindsTo(picture, 50, 25, 0), 'an image, as in Excalidraw');
  assert.deepEqual(edgePoint(picture, 300, 25), { x: 106, y: 25 }, 'its edge plus the gap, no stroke to clear');
  const d = shape({ kind: 'diamond' });
  assert.ok(!bindsTo(d, 5, 5, 0), 'outside a diamond, inside its box');
});

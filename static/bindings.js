// Bindings: lines and arrows whose ends are attached to shapes (`start`,
// `end` = {id}). Pure functions, no DOM, so the node tests cover them.
//
// The wire holds only which shape an end is bound to, not where on it, so
// where a bound end sits is a function of the shapes alone and every client
// computes the same point: on the ray from the shape's centre towards the
// end's reference, BIND_GAP outside the shape's outline (its turn
// included). The reference is the neighbouring point of the line, or, for a
// two-point line bound at both ends, the other shape's centre (so neither
// end depends on the other's snapped point and the result is the same
// whichever shape moved last).
//
// The client that moves, resizes, turns or deletes a shape sends the bound
// lines' new ends (or their unbinding) in the same ops message
// (`bindingOps`); other members receive the whole elements and compute
// nothing.

import { BINDABLE_ENDS } from './element.js';
import { absolutePoints, centerOf, hitTest, lineGeometry } from './geometry.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */

/** Kinds a line's end can be bound to (images too, as in Excalidraw: an arrow to a screenshot). */
export const BINDABLE_KINDS = new Set(['rect', 'ellipse', 'diamond', 'text', 'sticky', 'image']);
/** Space between a shape's outline and a bound end, board units (Excalidraw leaves a few px too). */
export const BIND_GAP = 6;
/** How far outside a shape (CSS px) an end still binds to it. */
export const BIND_REACH_PX = 10;

/**
 * Whether a line's end may be bound to this element.
 * @param {Element | null | undefined} el
 * @returns {boolean}
 */
export function canBind(el) {
  return !!el && BINDABLE_KINDS.has(el.kind) && el.locked !== true;
}

/**
 * The space between the outline and a bound end: the gap plus half the
 * shape's stroke, so the arrow's tip stops short of the painted line.
 * @param {Element} shape
 * @returns {number}
 */
function gapOf(shape) {
  return shape.kind === 'text' || shape.kind === 'sticky' || shape.kind === 'image' ? BIND_GAP : BIND_GAP + shape.width / 2;
}

/**
 * The point BIND_GAP outside the shape's outline on the ray from its centre
 * towards (tx, ty); null when that point is the centre (no direction).
 * @param {Element} shape
 * @param {number} tx
 * @param {number} ty
 * @returns {{x: number, y: number} | null}
 */
export function edgePoint(shape, tx, ty) {
  const c = centerOf(shape);
  const dx = tx - c.x;
  const dy = ty - c.y;
  const len = Math.hypot(dx, dy);
  if (len < 1e-9) return null;
  const rot = shape.rot || 0;
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  // The direction in the shape's own frame, as a unit vector.
  const lx = Math.abs((dx * cos + dy * sin) / len);
  const ly = Math.abs((-dx * sin + dy * cos) / len);
  const rx = Math.max(Math.abs(shape.w) / 2, 1e-9);
  const ry = Math.max(Math.abs(shape.h) / 2, 1e-9);
  /** Distance from the centre to the outline along the ray. */
  let t;
  switch (shape.kind) {
    case 'ellipse':
      t = 1 / Math.hypot(lx / rx, ly / ry);
      break;
    case 'diamond':
      t = 1 / (lx / rx + ly / ry);
      break;
    default:
      t = Math.min(lx > 1e-12 ? rx / lx : Infinity, ly > 1e-12 ? ry / ly : Infinity);
      break;
  }
  const d = t + gapOf(shape);
  return { x: c.x + (dx / len) * d, y: c.y + (dy / len) * d };
}

/**
 * The line with its bound ends placed on their shapes (and its turn applied
 * to its points); the same object when nothing moves. Ends bound to a shape
 * that is not on the board stay where they are.
 * @param {Element} line
 * @param {(id: string) => Element | null | undefined} lookup
 * @returns {Element}
 */
export function rebind(line, lookup) {
  if (!BINDABLE_ENDS.has(line.kind) || (!line.start && !line.end)) return line;
  const pts = absolutePoints(line);
  const n = pts.length;
  if (n < 2) return line;
  const shapeOf = (/** @type {{id: string} | undefined} */ b) => {
    if (!b || b.id === line.id) return null;
    const s = lookup(b.id);
    return s && BINDABLE_KINDS.has(s.kind) ? s : null;
  };
  const s = shapeOf(line.start);
  const e = shapeOf(line.end);
  if (!s && !e) return line;
  const sc = s ? centerOf(s) : null;
  const ec = e ? centerOf(e) : null;
  let moved = false;
  if (s) {
    const ref = n === 2 && ec ? [ec.x, ec.y] : pts[1];
    const p = edgePoint(s, ref[0], ref[1]);
    if (p) {
      pts[0] = [p.x, p.y];
      moved = true;
    }
  }
  if (e) {
    const ref = n === 2 && sc ? [sc.x, sc.y] : pts[n - 2];
    const p = edgePoint(e, ref[0], ref[1]);
    if (p) {
      pts[n - 1] = [p.x, p.y];
      moved = true;
    }
  }
  if (!moved) return line;
  const g = lineGeometry(pts);
  const out = { ...line, ...g, rot: 0 };
  if (!line.rot && samePoints(line, out)) return line;
  return out;
}

/**
 * @param {Element} a
 * @param {Element} b
 */
function samePoints(a, b) {
  if (a.x !== b.x || a.y !== b.y) return false;
  const p = a.points ?? [];
  const q = b.points ?? [];
  if (p.length !== q.length) return false;
  for (let i = 0; i < p.length; i++) if (p[i][0] !== q[i][0] || p[i][1] !== q[i][1]) return false;
  return true;
}

/**
 * The line without the bindings whose shape is not among keep: what moving
 * a line away from its shapes does.
 * @param {Element} line
 * @param {(id: string) => boolean} keep
 * @returns {Element}
 */
export function detach(line, keep) {
  const dropStart = line.start && !keep(line.start.id);
  const dropEnd = line.end && !keep(line.end.id);
  if (!dropStart && !dropEnd) return line;
  const out = { ...line };
  if (dropStart) delete out.start;
  if (dropEnd) delete out.end;
  return out;
}

/**
 * Copies of elements (a duplicate, a paste) with their bindings following
 * the copies: an end bound to a copied shape is bound to its copy, others
 * are unbound.
 * @param {Element} el the copy
 * @param {Map<string, string>} ids original id → copy's id
 * @returns {Element}
 */
export function remapBindings(el, ids) {
  if (!el.start && !el.end) return el;
  const out = { ...el };
  for (const end of /** @type {const} */ (['start', 'end'])) {
    const b = out[end];
    if (!b) continue;
    const id = ids.get(b.id);
    if (id) out[end] = { id };
    else delete out[end];
  }
  return out;
}

/**
 * The lines to change because the elements in `changes` changed (an element)
 * or went away (null): every line bound to one of them gets its bound ends
 * placed again, and unbound from those that went away. Lines that are
 * themselves in `changes` are taken as changed there.
 * @param {Map<string, Element | null>} changes
 * @param {Iterable<Element>} elements the board before the changes
 * @param {(id: string) => Element | null | undefined} lookup the board before the changes
 * @returns {Map<string, Element>} line id → its new version
 */
export function followBindings(changes, elements, lookup) {
  /** @type {Map<string, Element>} */
  const out = new Map();
  let shapes = false;
  for (const [id, el] of changes) {
    const kind = el ? el.kind : lookup(id)?.kind;
    if (kind && BINDABLE_KINDS.has(kind)) {
      shapes = true;
      break;
    }
  }
  if (!shapes) return out;
  const now = (/** @type {string} */ id) => (changes.has(id) ? changes.get(id) : lookup(id));
  const visit = (/** @type {Element} */ line) => {
    if (out.has(line.id)) return;
    const current = changes.has(line.id) ? changes.get(line.id) : line;
    if (!current || !BINDABLE_ENDS.has(current.kind)) return;
    const ends = [current.start?.id, current.end?.id];
    if (!ends.some((id) => id !== undefined && changes.has(id))) return;
    const kept = detach(current, (id) => !(changes.has(id) && changes.get(id) === null));
    const next = rebind(kept, now);
    if (next !== current) out.set(line.id, next);
  };
  for (const el of elements) if (el.start || el.end) visit(el);
  for (const el of changes.values()) if (el && (el.start || el.end)) visit(el);
  return out;
}

/**
 * A gesture's ops with what its bindings need added in the same message:
 * the bound lines of moved, resized or turned shapes follow them, and lines
 * bound to deleted shapes are unbound. A line the ops put already is
 * replaced by its followed version.
 * @param {Op[]} ops
 * @param {Iterable<Element>} elements the board before the ops
 * @param {(id: string) => Element | null | undefined} lookup the board before the ops
 * @returns {Op[]}
 */
export function bindingOps(ops, elements, lookup) {
  /** @type {Map<string, Element | null>} */
  const changes = new Map();
  for (const op of ops) {
    if (op.op === 'put') changes.set(op.el.id, op.el);
    else if (op.op === 'del') changes.set(op.id, null);
  }
  const lines = followBindings(changes, elements, lookup);
  if (lines.size === 0) return ops;
  /** @type {Op[]} */
  const out = ops.map((op) => {
    if (op.op !== 'put') return op;
    const line = lines.get(op.el.id);
    if (!line) return op;
    lines.delete(op.el.id);
    return { op: 'put', el: line };
  });
  for (const line of lines.values()) out.push({ op: 'put', el: line });
  return out;
}

/**
 * Whether a line's end at (x, y) binds to el: a bindable element (not the
 * line itself, not `not`) that the point is on or within reach of.
 * Callers walk the board topmost first and take the first.
 * @param {Element} el
 * @param {number} x
 * @param {number} y
 * @param {number} reach board units
 * @param {string} [not] an id to skip (the line, or the other end's shape)
 * @returns {boolean}
 */
export function bindsTo(el, x, y, reach, not) {
  return el.id !== not && canBind(el) && hitTest(el, x, y, reach);
}

/**
 * A line with one end (0: start, else the last point) moved to (x, y), bound
 * to `target` (snapped to its edge) or unbound when target is null.
 * @param {Element} line
 * @param {number} index 0 or points.length - 1
 * @param {number} x
 * @param {number} y
 * @param {Element | null} target
 * @param {(id: string) => Element | null | undefined} lookup the other end's shape
 * @returns {Element}
 */
export function placeEnd(line, index, x, y, target, lookup) {
  const pts = absolutePoints(line);
  pts[index] = [x, y];
  const which = index === 0 ? 'start' : 'end';
  /** @type {Element} */
  const moved = { ...line, ...lineGeometry(pts), rot: 0 };
  if (target) moved[which] = { id: target.id };
  else delete moved[which];
  const find = (/** @type {string} */ id) => (target && id === target.id ? target : lookup(id));
  return rebind(moved, find);
}

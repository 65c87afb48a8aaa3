// Paths: each element's outline as a Path2D in its own coordinates
// (relative to x, y), built once per shape and placed with setTransform,
// so a move or a turn costs no new path. The outlines follow shapes.js,
// which the exports share.

import { arrowHead, outline, tracePath } from '../shapes.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('./items.js').Item} Item */

const STICKY_RADIUS = 6;

/**
 * Whether b has the same shape as a (same path in its own coordinates).
 * @param {Element} a
 * @param {Element} b
 */
function sameShape(a, b) {
  return (
    a.kind === b.kind &&
    a.w === b.w &&
    a.h === b.h &&
    a.points === b.points &&
    a.round === b.round &&
    (a.kind !== 'arrow' || a.width === b.width) &&
    (a.kind !== 'stroke' || a.points?.length !== 1 || a.width === b.width)
  );
}

/**
 * The path of an element in its own coordinates (relative to x, y).
 * @param {Element} el
 * @returns {Path2D}
 */
export function buildPath(el) {
  const path = new Path2D();
  const pts = el.points ?? [];
  switch (el.kind) {
    case 'stroke': {
      if (pts.length === 1) {
        path.arc(pts[0][0], pts[0][1], el.width / 2, 0, Math.PI * 2);
        break;
      }
      path.moveTo(pts[0][0], pts[0][1]);
      if (pts.length === 2) {
        path.lineTo(pts[1][0], pts[1][1]);
        break;
      }
      // Quadratic curves through the midpoints: smooth, and through the ends.
      for (let i = 1; i < pts.length - 1; i++) {
        const p = pts[i];
        const q = pts[i + 1];
        path.quadraticCurveTo(p[0], p[1], (p[0] + q[0]) / 2, (p[1] + q[1]) / 2);
      }
      const last = pts[pts.length - 1];
      path.lineTo(last[0], last[1]);
      break;
    }
    case 'line':
    case 'arrow': {
      path.moveTo(pts[0][0], pts[0][1]);
      for (let i = 1; i < pts.length; i++) path.lineTo(pts[i][0], pts[i][1]);
      break;
    }
    case 'rect':
    case 'ellipse':
    case 'diamond':
      tracePath(outline(el), path);
      break;
    case 'sticky': {
      const r = Math.min(STICKY_RADIUS, Math.abs(el.w) / 2, Math.abs(el.h) / 2);
      if (typeof path.roundRect === 'function') path.roundRect(0, 0, el.w, el.h, r);
      else path.rect(0, 0, el.w, el.h);
      break;
    }
    default:
      break;
  }
  return path;
}

/**
 * An arrow's open head (shapes.js arrowHead), or null.
 * @param {Element} el
 * @returns {Path2D | null}
 */
function headPath(el) {
  const h = arrowHead(el.points ?? [], el.width);
  if (!h) return null;
  const path = new Path2D();
  path.moveTo(h.left[0], h.left[1]);
  path.lineTo(h.tip[0], h.tip[1]);
  path.lineTo(h.right[0], h.right[1]);
  return path;
}

/**
 * Make sure an item's path (and an arrow's head) is its element's shape,
 * building them again only when the shape changed; text has none.
 * @param {Item} it
 */
export function ensurePath(it) {
  const el = it.el;
  if (el.kind !== 'text' && (!it.path || !it.shapeOf || !sameShape(it.shapeOf, el))) {
    it.path = buildPath(el);
    it.head = el.kind === 'arrow' ? headPath(el) : null;
    it.lod = null;
  }
  it.shapeOf = el;
}

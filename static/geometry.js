// Geometry of elements in board coordinates: bounding boxes, hit testing,
// moving and scaling, and the simplification of freehand strokes. Pure
// functions, no DOM, so the node tests cover them.

import { clampCoordinate, clampFont, POINT_KINDS, round2 } from './element.js';

/** @typedef {import('./element.js').Element} Element */

/**
 * An axis-aligned box in board coordinates.
 * @typedef {object} Box
 * @property {number} minX
 * @property {number} minY
 * @property {number} maxX
 * @property {number} maxY
 */

/** Extra margin for text boxes whose measured size may differ between browsers. */
const TEXT_SLACK = 2;

/**
 * The box of an element's geometry (points or x, y, w, h), without the
 * stroke's width: what selection handles and scaling work on.
 * @param {Element} el
 * @param {Box} [out] filled in and returned, to avoid allocating
 * @returns {Box}
 */
export function shapeBox(el, out = { minX: 0, minY: 0, maxX: 0, maxY: 0 }) {
  if (POINT_KINDS.has(el.kind) && el.points && el.points.length > 0) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const p of el.points) {
      if (p[0] < minX) minX = p[0];
      if (p[0] > maxX) maxX = p[0];
      if (p[1] < minY) minY = p[1];
      if (p[1] > maxY) maxY = p[1];
    }
    out.minX = el.x + minX;
    out.minY = el.y + minY;
    out.maxX = el.x + maxX;
    out.maxY = el.y + maxY;
    return out;
  }
  // A negative size (from some other client) still spans the right area.
  out.minX = Math.min(el.x, el.x + el.w);
  out.maxX = Math.max(el.x, el.x + el.w);
  out.minY = Math.min(el.y, el.y + el.h);
  out.maxY = Math.max(el.y, el.y + el.h);
  return out;
}

/**
 * Everything an element paints on, stroke width and arrowhead included:
 * what culling and eraser/box hits use.
 * @param {Element} el
 * @param {Box} [out]
 * @returns {Box}
 */
export function paintBox(el, out) {
  const b = shapeBox(el, out);
  let pad = el.kind === 'text' || el.kind === 'sticky' ? TEXT_SLACK : el.width / 2 + 1;
  if (el.kind === 'arrow') pad += arrowHeadSize(el.width);
  if (el.kind === 'sticky') pad += 6; // the shadow
  b.minX -= pad;
  b.minY -= pad;
  b.maxX += pad;
  b.maxY += pad;
  return b;
}

/**
 * Length of an arrowhead's sides for a stroke width.
 * @param {number} width
 * @returns {number}
 */
export function arrowHeadSize(width) {
  return Math.max(10, width * 3.5);
}

/**
 * Union of boxes; null for none.
 * @param {Iterable<Box>} boxes
 * @returns {Box | null}
 */
export function unionBoxes(boxes) {
  /** @type {Box | null} */
  let u = null;
  for (const b of boxes) {
    if (!u) u = { minX: b.minX, minY: b.minY, maxX: b.maxX, maxY: b.maxY };
    else {
      if (b.minX < u.minX) u.minX = b.minX;
      if (b.minY < u.minY) u.minY = b.minY;
      if (b.maxX > u.maxX) u.maxX = b.maxX;
      if (b.maxY > u.maxY) u.maxY = b.maxY;
    }
  }
  return u;
}

/**
 * A box from two corners in any order.
 * @param {number} x0
 * @param {number} y0
 * @param {number} x1
 * @param {number} y1
 * @returns {Box}
 */
export function boxFrom(x0, y0, x1, y1) {
  return { minX: Math.min(x0, x1), minY: Math.min(y0, y1), maxX: Math.max(x0, x1), maxY: Math.max(y0, y1) };
}

/**
 * @param {Box} a
 * @param {Box} b
 * @returns {boolean} whether the boxes overlap
 */
export function boxesOverlap(a, b) {
  return a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;
}

/**
 * @param {Box} outer
 * @param {Box} inner
 * @returns {boolean} whether inner lies entirely in outer
 */
export function boxContains(outer, inner) {
  return inner.minX >= outer.minX && inner.maxX <= outer.maxX && inner.minY >= outer.minY && inner.maxY <= outer.maxY;
}

/**
 * Squared distance from point p to the segment a–b.
 * @param {number} px
 * @param {number} py
 * @param {number} ax
 * @param {number} ay
 * @param {number} bx
 * @param {number} by
 * @returns {number}
 */
export function segmentDistance2(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const qx = ax + t * dx - px;
  const qy = ay + t * dy - py;
  return qx * qx + qy * qy;
}

/**
 * Whether the board point (px, py) hits the element, within tol board units
 * of what it paints. Closed shapes (rectangles, ellipses, text, stickies)
 * hit anywhere inside, filled or not, so a click in the middle of an empty
 * frame selects it; lines and strokes only near their path.
 * @param {Element} el
 * @param {number} px
 * @param {number} py
 * @param {number} tol
 * @returns {boolean}
 */
export function hitTest(el, px, py, tol) {
  const half = el.width / 2 + tol;
  switch (el.kind) {
    case 'stroke':
    case 'line':
    case 'arrow': {
      const pts = el.points ?? [];
      const x = px - el.x;
      const y = py - el.y;
      const r2 = half * half;
      if (pts.length === 1) return (x - pts[0][0]) ** 2 + (y - pts[0][1]) ** 2 <= r2;
      for (let i = 1; i < pts.length; i++) {
        const a = pts[i - 1];
        const b = pts[i];
        if (segmentDistance2(x, y, a[0], a[1], b[0], b[1]) <= r2) return true;
      }
      return false;
    }
    case 'rect': {
      const b = shapeBox(el);
      return px >= b.minX - half && px <= b.maxX + half && py >= b.minY - half && py <= b.maxY + half;
    }
    case 'ellipse': {
      const b = shapeBox(el);
      const rx = (b.maxX - b.minX) / 2;
      const ry = (b.maxY - b.minY) / 2;
      const cx = b.minX + rx;
      const cy = b.minY + ry;
      const dx = px - cx;
      const dy = py - cy;
      return (dx * dx) / (rx + half) ** 2 + (dy * dy) / (ry + half) ** 2 <= 1;
    }
    default: {
      const b = shapeBox(el);
      return px >= b.minX - tol && px <= b.maxX + tol && py >= b.minY - tol && py <= b.maxY + tol;
    }
  }
}

/**
 * Whether the segment a–b (an eraser's path) touches the element, within
 * tol board units.
 * @param {Element} el
 * @param {number} ax
 * @param {number} ay
 * @param {number} bx
 * @param {number} by
 * @param {number} tol
 * @returns {boolean}
 */
export function segmentHits(el, ax, ay, bx, by, tol) {
  const len = Math.hypot(bx - ax, by - ay);
  const steps = Math.max(1, Math.ceil(len / Math.max(tol, 0.5)));
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    if (hitTest(el, ax + (bx - ax) * t, ay + (by - ay) * t, tol)) return true;
  }
  return false;
}

/**
 * The element moved by (dx, dy).
 * @param {Element} el
 * @param {number} dx
 * @param {number} dy
 * @returns {Element}
 */
export function translate(el, dx, dy) {
  return { ...el, x: round2(clampCoordinate(el.x + dx)), y: round2(clampCoordinate(el.y + dy)) };
}

/**
 * The element scaled about the board point (ax, ay) by (sx, sy). Box-like
 * elements keep a positive size (a negative factor flips them over the
 * anchor); text also scales its font, by the vertical factor.
 * @param {Element} el
 * @param {number} ax
 * @param {number} ay
 * @param {number} sx
 * @param {number} sy
 * @returns {Element}
 */
export function scaleElement(el, ax, ay, sx, sy) {
  const mapX = (/** @type {number} */ x) => round2(clampCoordinate(ax + (x - ax) * sx));
  const mapY = (/** @type {number} */ y) => round2(clampCoordinate(ay + (y - ay) * sy));
  if (POINT_KINDS.has(el.kind) && el.points) {
    const x = mapX(el.x);
    const y = mapY(el.y);
    /** @type {Array<[number, number]>} */
    const points = el.points.map((p) => [round2(clampCoordinate(p[0] * sx)), round2(clampCoordinate(p[1] * sy))]);
    const out = { ...el, x, y, points };
    const b = shapeBox(out);
    out.w = round2(b.maxX - b.minX);
    out.h = round2(b.maxY - b.minY);
    return out;
  }
  const x0 = mapX(el.x);
  const x1 = mapX(el.x + el.w);
  const y0 = mapY(el.y);
  const y1 = mapY(el.y + el.h);
  const out = { ...el, x: Math.min(x0, x1), y: Math.min(y0, y1), w: round2(Math.abs(x1 - x0)), h: round2(Math.abs(y1 - y0)) };
  if (el.kind === 'text' && typeof el.font === 'number') out.font = clampFont(el.font * Math.abs(sy));
  return out;
}

/**
 * Douglas–Peucker simplification of a polyline: drops points closer than
 * epsilon to the line through their neighbours. Keeps the first and last.
 * @param {Array<[number, number]>} points
 * @param {number} epsilon
 * @returns {Array<[number, number]>}
 */
export function simplify(points, epsilon) {
  if (points.length <= 2) return points.slice();
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  const eps2 = epsilon * epsilon;
  /** @type {Array<[number, number]>} */
  const stack = [[0, points.length - 1]];
  while (stack.length > 0) {
    const [first, last] = /** @type {[number, number]} */ (stack.pop());
    let maxD = -1;
    let index = -1;
    const a = points[first];
    const b = points[last];
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance2(points[i][0], points[i][1], a[0], a[1], b[0], b[1]);
      if (d > maxD) {
        maxD = d;
        index = i;
      }
    }
    if (index >= 0 && maxD > eps2) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  /** @type {Array<[number, number]>} */
  const out = [];
  for (let i = 0; i < points.length; i++) if (keep[i]) out.push(points[i]);
  return out;
}

/**
 * Simplify a freehand stroke to at most max points: Douglas–Peucker with
 * epsilon, doubled until the stroke fits.
 * @param {Array<[number, number]>} points
 * @param {number} epsilon
 * @param {number} max
 * @returns {Array<[number, number]>}
 */
export function simplifyStroke(points, epsilon, max) {
  let eps = epsilon;
  let out = simplify(points, eps);
  while (out.length > max) {
    eps *= 2;
    out = simplify(out, eps);
  }
  return out;
}

/**
 * A stroke element's geometry from absolute board points: x, y at the top
 * left of their box, points relative to it, rounded.
 * @param {Array<[number, number]>} absolute
 * @returns {{x: number, y: number, w: number, h: number, points: Array<[number, number]>}}
 */
export function strokeGeometry(absolute) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of absolute) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  const x = round2(clampCoordinate(minX));
  const y = round2(clampCoordinate(minY));
  /** @type {Array<[number, number]>} */
  const points = absolute.map((p) => [round2(clampCoordinate(p[0] - x)), round2(clampCoordinate(p[1] - y))]);
  return { x, y, w: round2(clampCoordinate(maxX - minX)), h: round2(clampCoordinate(maxY - minY)), points };
}

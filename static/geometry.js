// Geometry of elements in board coordinates: bounding boxes, hit testing,
// moving, scaling and rotating, and the simplification of freehand strokes.
// Pure functions, no DOM, so the node tests cover them.
//
// Rotation: `rot` turns an element clockwise on screen (y grows downwards)
// about the centre of its shape box (for points kinds, the box of the
// points), as the exports do. Hit tests turn the point back into the
// element's own frame; boxes that culling and band selection use hold the
// turned shape.

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
 * The box of points.
 * @param {Array<[number, number]>} points at least one
 * @param {Box} [out]
 * @returns {Box}
 */
export function pointsBox(points, out = { minX: 0, minY: 0, maxX: 0, maxY: 0 }) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  }
  out.minX = minX;
  out.minY = minY;
  out.maxX = maxX;
  out.maxY = maxY;
  return out;
}

/**
 * The box of an element's geometry (points or x, y, w, h), without the
 * stroke's width: what selection handles and scaling work on.
 * @param {Element} el
 * @param {Box} [out] filled in and returned, to avoid allocating
 * @returns {Box}
 */
export function shapeBox(el, out = { minX: 0, minY: 0, maxX: 0, maxY: 0 }) {
  if (POINT_KINDS.has(el.kind) && el.points && el.points.length > 0) {
    pointsBox(el.points, out);
    out.minX += el.x;
    out.minY += el.y;
    out.maxX += el.x;
    out.maxY += el.y;
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
 * Everything an element paints on in its own frame, stroke width and
 * arrowhead included, before its turn (the renderer turns it): what culling
 * and the cheap rejects of hit tests use. Callers that must be exact for a
 * turned element test it with hitTest or boundsBox instead.
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
 * The centre of an element's shape box: what it turns about.
 * @param {Element} el
 * @returns {{x: number, y: number}}
 */
export function centerOf(el) {
  const b = shapeBox(el);
  return { x: (b.minX + b.maxX) / 2, y: (b.minY + b.maxY) / 2 };
}

/**
 * The point (x, y) turned by rot radians (clockwise on screen) about (cx, cy).
 * @param {number} x
 * @param {number} y
 * @param {number} cx
 * @param {number} cy
 * @param {number} rot
 * @returns {{x: number, y: number}}
 */
export function rotateAbout(x, y, cx, cy, rot) {
  if (!rot) return { x, y };
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const dx = x - cx;
  const dy = y - cy;
  return { x: cx + dx * c - dy * s, y: cy + dx * s + dy * c };
}

/**
 * An angle in [0, 2π), without the float noise of sums of turns.
 * @param {number} a radians
 * @returns {number}
 */
export function normalizeAngle(a) {
  if (!Number.isFinite(a)) return 0;
  const full = Math.PI * 2;
  let r = a % full;
  if (r < 0) r += full;
  r = Math.round(r * 1e6) / 1e6;
  return r >= full - 1e-6 ? 0 : r;
}

/**
 * The four corners of an element's shape box as it is drawn (turned),
 * clockwise from the top left of its own frame.
 * @param {Element} el
 * @returns {Array<{x: number, y: number}>}
 */
export function cornersOf(el) {
  const b = shapeBox(el);
  const cx = (b.minX + b.maxX) / 2;
  const cy = (b.minY + b.maxY) / 2;
  const rot = el.rot || 0;
  return [
    rotateAbout(b.minX, b.minY, cx, cy, rot),
    rotateAbout(b.maxX, b.minY, cx, cy, rot),
    rotateAbout(b.maxX, b.maxY, cx, cy, rot),
    rotateAbout(b.minX, b.maxY, cx, cy, rot),
  ];
}

/**
 * The axis-aligned box of an element's shape as drawn, rotation included
 * (without the stroke): what band selection and the handles of a
 * multi-selection work on. An ellipse gets its own tight bounds.
 * @param {Element} el
 * @param {Box} [out]
 * @returns {Box}
 */
export function boundsBox(el, out = { minX: 0, minY: 0, maxX: 0, maxY: 0 }) {
  const rot = el.rot || 0;
  if (!rot) return shapeBox(el, out);
  const b = shapeBox(el, out);
  const cx = (b.minX + b.maxX) / 2;
  const cy = (b.minY + b.maxY) / 2;
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  if (POINT_KINDS.has(el.kind) && el.points && el.points.length > 0) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const p of el.points) {
      const dx = el.x + p[0] - cx;
      const dy = el.y + p[1] - cy;
      const x = cx + dx * c - dy * s;
      const y = cy + dx * s + dy * c;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    out.minX = minX;
    out.minY = minY;
    out.maxX = maxX;
    out.maxY = maxY;
    return out;
  }
  const rx = (b.maxX - b.minX) / 2;
  const ry = (b.maxY - b.minY) / 2;
  let hx;
  let hy;
  if (el.kind === 'ellipse') {
    hx = Math.hypot(rx * c, ry * s);
    hy = Math.hypot(rx * s, ry * c);
  } else {
    hx = Math.abs(rx * c) + Math.abs(ry * s);
    hy = Math.abs(rx * s) + Math.abs(ry * c);
  }
  out.minX = cx - hx;
  out.maxX = cx + hx;
  out.minY = cy - hy;
  out.maxY = cy + hy;
  return out;
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
 * of what it paints. Closed shapes (rectangles, ellipses, diamonds, text,
 * stickies) hit anywhere inside, filled or not, so a click in the middle of
 * an empty frame selects it; lines and strokes only near their path. A
 * turned element is tested in its own frame.
 * @param {Element} el
 * @param {number} px
 * @param {number} py
 * @param {number} tol
 * @returns {boolean}
 */
export function hitTest(el, px, py, tol) {
  if (el.rot) {
    const c = centerOf(el);
    const p = rotateAbout(px, py, c.x, c.y, -el.rot);
    px = p.x;
    py = p.y;
  }
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
    case 'diamond': {
      // Inside the rhombus |x|/rx + |y|/ry ≤ 1, or within half of its sides.
      const b = shapeBox(el);
      const rx = Math.max((b.maxX - b.minX) / 2, 1e-9);
      const ry = Math.max((b.maxY - b.minY) / 2, 1e-9);
      const dx = Math.abs(px - (b.minX + rx));
      const dy = Math.abs(py - (b.minY + ry));
      if (dx > rx + half || dy > ry + half) return false;
      return dx / rx + dy / ry - 1 <= half * Math.hypot(1 / rx, 1 / ry);
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
 * anchor); text also scales its font, by the vertical factor. A turned box
 * keeps its turn: its centre follows the scaling and its sides grow by what
 * the scaling does to them (a turned points element is straightened into
 * its points first).
 * @param {Element} el
 * @param {number} ax
 * @param {number} ay
 * @param {number} sx
 * @param {number} sy
 * @returns {Element}
 */
export function scaleElement(el, ax, ay, sx, sy) {
  if (el.rot && POINT_KINDS.has(el.kind)) el = withoutRotation(el);
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
  if (el.rot) {
    const c = centerOf(el);
    const cos = Math.cos(el.rot);
    const sin = Math.sin(el.rot);
    const w = round2(Math.abs(el.w) * Math.hypot(sx * cos, sy * sin));
    const h = round2(Math.abs(el.h) * Math.hypot(sx * sin, sy * cos));
    const cx = ax + (c.x - ax) * sx;
    const cy = ay + (c.y - ay) * sy;
    // A mirror image of a shape symmetric about its axes is the shape turned the other way.
    const rot = sx * sy < 0 ? normalizeAngle(-el.rot) : el.rot;
    const out = { ...el, x: round2(clampCoordinate(cx - w / 2)), y: round2(clampCoordinate(cy - h / 2)), w, h, rot };
    if (el.kind === 'text' && typeof el.font === 'number') out.font = clampFont(el.font * (h / Math.max(Math.abs(el.h), 1e-9)));
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
 * One element resized by dragging corner `index` of its own (turned) frame
 * to the board point (px, py): 0 top left, 1 top right, 2 bottom right,
 * 3 bottom left. The opposite corner stays where it is on the board; keep
 * holds the proportions. Factors smaller than min are raised to it.
 * @param {Element} el
 * @param {number} index
 * @param {number} px
 * @param {number} py
 * @param {boolean} keep
 * @param {number} [min]
 * @returns {Element}
 */
export function resizeInFrame(el, index, px, py, keep, min = 0.01) {
  const b = shapeBox(el);
  const cx = (b.minX + b.maxX) / 2;
  const cy = (b.minY + b.maxY) / 2;
  const rot = el.rot || 0;
  const q = rotateAbout(px, py, cx, cy, -rot);
  const right = index === 1 || index === 2;
  const bottom = index >= 2;
  const ax = right ? b.minX : b.maxX;
  const ay = bottom ? b.minY : b.maxY;
  const w0 = (right ? b.maxX : b.minX) - ax;
  const h0 = (bottom ? b.maxY : b.minY) - ay;
  let sx = Math.abs(w0) < 1e-6 ? 1 : (q.x - ax) / w0;
  let sy = Math.abs(h0) < 1e-6 ? 1 : (q.y - ay) / h0;
  if (keep) {
    const s = Math.max(Math.abs(sx), Math.abs(sy));
    sx = Math.sign(sx || 1) * s;
    sy = Math.sign(sy || 1) * s;
  }
  if (Math.abs(w0) < 1e-6) sx = 1;
  if (Math.abs(h0) < 1e-6) sy = 1;
  if (Math.abs(sx) < min) sx = Math.sign(sx || 1) * min;
  if (Math.abs(sy) < min) sy = Math.sign(sy || 1) * min;
  if (!rot) return scaleElement(el, ax, ay, sx, sy);
  // Scale in the element's own frame, then put the frame's new centre where
  // the turn about the old centre takes it: the anchor corner stays put.
  const local = scaleElement({ ...el, rot: 0 }, ax, ay, sx, sy);
  const lb = shapeBox(local);
  const m = rotateAbout((lb.minX + lb.maxX) / 2, (lb.minY + lb.maxY) / 2, cx, cy, rot);
  const dx = m.x - (lb.minX + lb.maxX) / 2;
  const dy = m.y - (lb.minY + lb.maxY) / 2;
  return { ...local, x: round2(clampCoordinate(local.x + dx)), y: round2(clampCoordinate(local.y + dy)), rot };
}

/**
 * The element turned by angle radians (clockwise on screen) about the board
 * point (px, py): its centre moves around the pivot and its rot grows.
 * @param {Element} el
 * @param {number} px
 * @param {number} py
 * @param {number} angle
 * @returns {Element}
 */
export function rotateElement(el, px, py, angle) {
  const c = centerOf(el);
  const n = rotateAbout(c.x, c.y, px, py, angle);
  return {
    ...el,
    x: round2(clampCoordinate(el.x + n.x - c.x)),
    y: round2(clampCoordinate(el.y + n.y - c.y)),
    rot: normalizeAngle((el.rot || 0) + angle),
  };
}

/**
 * The board points of a points element as drawn (its turn applied).
 * @param {Element} el
 * @returns {Array<[number, number]>}
 */
export function absolutePoints(el) {
  const pts = el.points ?? [];
  if (!el.rot) return pts.map((p) => [el.x + p[0], el.y + p[1]]);
  const c = centerOf(el);
  return pts.map((p) => {
    const q = rotateAbout(el.x + p[0], el.y + p[1], c.x, c.y, el.rot);
    return [q.x, q.y];
  });
}

/**
 * A line or arrow's geometry from its board points: x, y at the first
 * point, points relative to it, w and h of their box, rounded.
 * @param {Array<[number, number]>} absolute
 * @returns {{x: number, y: number, w: number, h: number, points: Array<[number, number]>}}
 */
export function lineGeometry(absolute) {
  const x = round2(clampCoordinate(absolute[0][0]));
  const y = round2(clampCoordinate(absolute[0][1]));
  /** @type {Array<[number, number]>} */
  const points = absolute.map((p) => [round2(clampCoordinate(p[0] - x)), round2(clampCoordinate(p[1] - y))]);
  const b = pointsBox(points);
  return { x, y, w: round2(b.maxX - b.minX), h: round2(b.maxY - b.minY), points };
}

/**
 * A points element with its turn applied to its points (rot 0): the same
 * drawing, so its points can be edited on the board directly.
 * @param {Element} el
 * @returns {Element}
 */
export function withoutRotation(el) {
  if (!el.rot || !POINT_KINDS.has(el.kind) || !el.points || el.points.length === 0) return el;
  const abs = absolutePoints(el);
  const g = el.kind === 'stroke' ? strokeGeometry(abs) : lineGeometry(abs);
  return { ...el, ...g, rot: 0 };
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
  const { minX, minY, maxX, maxY } = pointsBox(absolute);
  const x = round2(clampCoordinate(minX));
  const y = round2(clampCoordinate(minY));
  /** @type {Array<[number, number]>} */
  const points = absolute.map((p) => [round2(clampCoordinate(p[0] - x)), round2(clampCoordinate(p[1] - y))]);
  return { x, y, w: round2(clampCoordinate(maxX - minX)), h: round2(clampCoordinate(maxY - minY)), points };
}

// Shapes: the drawing rules the canvas and the exports share — outlines
// (rectangles, rounded corners, diamonds, ellipses) as path commands, dash
// patterns, arrowheads, label boxes and label layout, the rotation centre.
// Pure functions, no DOM: render.js turns the commands into Path2Ds; Go's
// export/layout.go implements the same rules, and both sides are checked
// against one fixture (export/testdata/layout.json).
//
// Path commands are arrays, in the element's own coordinates (relative to
// its x, y), y down:
//   ['M', x, y]  ['L', x, y]  ['Q', cx, cy, x, y]  ['Z']
//   ['A', cx, cy, r, a0, a1]  arc clockwise on screen from angle a0 to a1
//   ['E', cx, cy, rx, ry]     a whole ellipse, a subpath of its own, from
//                             its right end clockwise
// An arc starts with a line from the current point to its start.

import { arrowHeadSize, shapeBox } from './geometry.js';
import { breakLines, LINE_HEIGHT } from './textlayout.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {Array<string | number>} PathCommand */
/** @typedef {{x: number, y: number, w: number, h: number}} Rect */

/** Inner margin between a shape's outline and its label, board units. */
export const LABEL_PADDING = 5;
/** Rounded corners: a quarter of the shorter side up to this side, then a fixed radius (Excalidraw's adaptive radius). */
export const ROUND_CUTOFF = 128;
export const ROUND_FIXED = 32;
/** An arrowhead's sides leave the shaft at this angle either way. */
export const ARROW_SPREAD = Math.PI / 7;

/**
 * The corner radius of a rounded rect or diamond of this size: a quarter
 * of its shorter side, but at most ROUND_FIXED (reached at 128 units).
 * @param {number} w
 * @param {number} h
 * @returns {number}
 */
export function roundRadius(w, h) {
  const side = Math.min(Math.abs(w), Math.abs(h));
  return side <= ROUND_CUTOFF ? side / 4 : ROUND_FIXED;
}

/**
 * The dash pattern of a stroke (on, off, … in board units, as for
 * setLineDash and SVG's stroke-dasharray), scaled by its width, drawn
 * with round caps: a dash of length 0 is a dot. Solid: [].
 * @param {string | undefined} dash
 * @param {number} width
 * @returns {number[]}
 */
export function dashPattern(dash, width) {
  const u = Math.max(width, 1);
  if (dash === 'dashed') return [4 * u, 4 * u];
  if (dash === 'dotted') return [0, 3 * u];
  return [];
}

/**
 * The element's box in its own coordinates, made positive.
 * @param {Element} el
 * @returns {Rect}
 */
function localBox(el) {
  return { x: Math.min(0, el.w), y: Math.min(0, el.h), w: Math.abs(el.w), h: Math.abs(el.h) };
}

/**
 * The outline of a rect, rounded rect, diamond or ellipse (other kinds:
 * none), as path commands. A closed outline starts where a dash pattern
 * starts: a rect at its top left corner, a rounded rect where its top side
 * begins, a diamond at its top (after the rounding), an ellipse at its
 * right end; all go clockwise.
 * @param {Element} el
 * @returns {PathCommand[]}
 */
export function outline(el) {
  const b = localBox(el);
  const x1 = b.x + b.w;
  const y1 = b.y + b.h;
  switch (el.kind) {
    case 'rect': {
      const r = el.round ? roundRadius(b.w, b.h) : 0;
      if (r <= 0) return [['M', b.x, b.y], ['L', x1, b.y], ['L', x1, y1], ['L', b.x, y1], ['Z']];
      const h = Math.PI / 2;
      return [
        ['M', b.x + r, b.y],
        ['L', x1 - r, b.y],
        ['A', x1 - r, b.y + r, r, -h, 0],
        ['L', x1, y1 - r],
        ['A', x1 - r, y1 - r, r, 0, h],
        ['L', b.x + r, y1],
        ['A', b.x + r, y1 - r, r, h, 2 * h],
        ['L', b.x, b.y + r],
        ['A', b.x + r, b.y + r, r, 2 * h, 3 * h],
        ['Z'],
      ];
    }
    case 'diamond': {
      const cx = b.x + b.w / 2;
      const cy = b.y + b.h / 2;
      /** @type {Array<[number, number]>} clockwise from the top */
      const c = [[cx, b.y], [x1, cy], [cx, y1], [b.x, cy]];
      const edge = Math.hypot(b.w / 2, b.h / 2);
      const cut = el.round && edge > 0 ? Math.min(roundRadius(b.w, b.h), edge / 2) / edge : 0;
      if (cut <= 0) return [['M', ...c[0]], ['L', ...c[1]], ['L', ...c[2]], ['L', ...c[3]], ['Z']];
      // Each corner is cut `cut` of the way along both its sides and
      // bridged by a quadratic curve with the corner as control point.
      const along = (/** @type {number} */ i, /** @type {number} */ j) => [c[i][0] + (c[j][0] - c[i][0]) * cut, c[i][1] + (c[j][1] - c[i][1]) * cut];
      /** @type {PathCommand[]} */
      const out = [['M', ...along(0, 1)]];
      for (let n = 1; n <= 4; n++) {
        const i = n % 4;
        out.push(['L', ...along(i, (i + 3) % 4)], ['Q', ...c[i], ...along(i, (i + 1) % 4)]);
      }
      out.push(['Z']);
      return out;
    }
    case 'ellipse':
      return [['E', b.x + b.w / 2, b.y + b.h / 2, b.w / 2, b.h / 2]];
    default:
      return [];
  }
}

/**
 * Replay path commands on a Path2D or a 2D context.
 * @param {PathCommand[]} cmds
 * @param {Path2D | CanvasRenderingContext2D} path
 */
export function tracePath(cmds, path) {
  for (const c of cmds) {
    const a = /** @type {number[]} */ (c.slice(1));
    switch (c[0]) {
      case 'M':
        path.moveTo(a[0], a[1]);
        break;
      case 'L':
        path.lineTo(a[0], a[1]);
        break;
      case 'Q':
        path.quadraticCurveTo(a[0], a[1], a[2], a[3]);
        break;
      case 'A':
        path.arc(a[0], a[1], a[2], a[3], a[4]);
        break;
      case 'E':
        path.moveTo(a[0] + a[2], a[1]);
        path.ellipse(a[0], a[1], a[2], a[3], 0, 0, Math.PI * 2);
        break;
      case 'Z':
        path.closePath();
        break;
      default:
        break;
    }
  }
}

/**
 * The open arrowhead at the last point of an arrow: two sides of
 * arrowHeadSize(width) from the tip, ARROW_SPREAD either side of the
 * direction from the last distinct point before it; null when every point
 * is the same. Drawn as the line left → tip → right with the arrow's width
 * and round caps and joins, never dashed.
 * @param {Array<[number, number]>} pts
 * @param {number} width
 * @returns {{left: [number, number], tip: [number, number], right: [number, number]} | null}
 */
export function arrowHead(pts, width) {
  if (pts.length < 2) return null;
  const tip = pts[pts.length - 1];
  let from = tip;
  for (let i = pts.length - 2; i >= 0 && from[0] === tip[0] && from[1] === tip[1]; i--) from = pts[i];
  if (from[0] === tip[0] && from[1] === tip[1]) return null;
  const angle = Math.atan2(tip[1] - from[1], tip[0] - from[0]);
  const size = arrowHeadSize(width);
  return {
    left: [tip[0] - size * Math.cos(angle - ARROW_SPREAD), tip[1] - size * Math.sin(angle - ARROW_SPREAD)],
    tip: [tip[0], tip[1]],
    right: [tip[0] - size * Math.cos(angle + ARROW_SPREAD), tip[1] - size * Math.sin(angle + ARROW_SPREAD)],
  };
}

/**
 * The share of a shape's box, across and down, that lies inside its
 * outline for a label: 1 for a rect, 1/√2 for an ellipse, 1/2 for a diamond.
 * @param {string} kind
 * @returns {number}
 */
export function labelInset(kind) {
  if (kind === 'ellipse') return Math.SQRT1_2;
  if (kind === 'diamond') return 0.5;
  return 1;
}

/**
 * Where a label wraps and is centred: the shape's box in its own
 * coordinates shrunk to what lies inside the outline (a rect's whole box,
 * the rectangle inscribed in an ellipse, the middle half of a diamond),
 * less LABEL_PADDING on each side (never below 1 unit across).
 * @param {Element} el
 * @returns {Rect}
 */
export function labelBox(el) {
  const b = localBox(el);
  const f = labelInset(el.kind);
  const w = Math.max(1, b.w * f - 2 * LABEL_PADDING);
  const h = Math.max(1, b.h * f - 2 * LABEL_PADDING);
  return { x: b.x + (b.w - w) / 2, y: b.y + (b.h - h) / 2, w, h };
}

/**
 * A label's lines, wrapped to labelBox's width, each centred across it,
 * the block centred in it (a label longer than the box overflows above
 * and below equally). x, y: the line's left end on its baseline, in the
 * element's coordinates.
 * @param {Element} el with text
 * @param {(s: string) => number} measure width at el.font
 * @param {{ascent: number, descent: number}} metrics per unit of font size
 * @returns {Array<{text: string, x: number, y: number}>}
 */
export function labelLines(el, measure, metrics) {
  const text = el.text ?? '';
  if (text === '') return [];
  const size = el.font ?? 20;
  const box = labelBox(el);
  const lines = breakLines(text, measure, box.w);
  const lh = size * LINE_HEIGHT;
  const cx = box.x + box.w / 2;
  let y = box.y + box.h / 2 - (lines.length * lh) / 2 + (lh - (metrics.ascent + metrics.descent) * size) / 2 + metrics.ascent * size;
  const out = [];
  for (const line of lines) {
    out.push({ text: line, x: cx - measure(line) / 2, y });
    y += lh;
  }
  return out;
}

/**
 * The point an element turns about (rot): the centre of its box — for
 * strokes, lines and arrows the box of their points, else x, y, w, h.
 * @param {Element} el
 * @returns {[number, number]} board coordinates
 */
export function rotationCentre(el) {
  const b = shapeBox(el);
  return [(b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2];
}

/**
 * Grow a box (in place) to the bounds of itself turned by rot about
 * (cx, cy).
 * @param {{minX: number, minY: number, maxX: number, maxY: number}} b
 * @param {number} cx
 * @param {number} cy
 * @param {number} rot
 */
export function rotateBox(b, cx, cy, rot) {
  if (!rot) return;
  const c = Math.abs(Math.cos(rot));
  const s = Math.abs(Math.sin(rot));
  // The farthest corner from the centre along each axis.
  const hw = Math.max(Math.abs(b.maxX - cx), Math.abs(b.minX - cx));
  const hh = Math.max(Math.abs(b.maxY - cy), Math.abs(b.minY - cy));
  const ex = hw * c + hh * s;
  const ey = hw * s + hh * c;
  b.minX = cx - ex;
  b.maxX = cx + ex;
  b.minY = cy - ey;
  b.maxY = cy + ey;
}

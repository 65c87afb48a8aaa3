// Items: an element with what drawing it needs, cached until it changes —
// its paint box (for culling), the transform of its own coordinates to the
// board (its turn), its dash pattern and font; paths and text lines are
// filled in lazily by paths.js and text.js. Items are ordered by (z, id),
// the order the board is painted in.

import { LABEL_KINDS } from '../element.js';
import { paintBox } from '../geometry.js';
import { needFonts } from '../fonts.js';
import { dashPattern, rotateBox, rotationCentre } from '../shapes.js';
import { fontFor } from '../textlayout.js';
import { compareStrings } from '../zorder.js';

/** @typedef {import('../element.js').Element} Element */

/**
 * @typedef {object} Item
 * @property {string} id
 * @property {Element} el
 * @property {number} minX paint box, board units
 * @property {number} minY
 * @property {number} maxX
 * @property {number} maxY
 * @property {Element | null} shapeOf the element the path was built for
 * @property {Path2D | null} path
 * @property {Path2D | null} head an arrow's head, drawn without its dashes
 * @property {Path2D | null} lod a coarser path for strokes small on screen
 * @property {string} font CSS font of text, stickies and labels
 * @property {Element | null} linesOf the element the lines were laid out for
 * @property {string[] | null} lines
 * @property {Array<{text: string, x: number, y: number}> | null} label laid-out label (linesOf)
 * @property {number[]} dash the stroke's dash pattern, [] for solid
 * @property {number} a transform of the element's own coordinates to the board: x' = a·x + c·y + e
 * @property {number} b y' = b·x + d·y + f (a rotation about the centre, then x, y)
 * @property {number} e
 * @property {number} f
 */

/** The dash pattern of a solid line. */
export const NO_DASH = Object.freeze(/** @type {number[]} */ ([]));

/**
 * @param {Element} el
 * @returns {Item}
 */
export function makeItem(el) {
  const item = /** @type {Item} */ ({
    id: el.id,
    el,
    minX: 0,
    minY: 0,
    maxX: 0,
    maxY: 0,
    shapeOf: null,
    path: null,
    head: null,
    lod: null,
    font: '',
    linesOf: null,
    lines: null,
    label: null,
    dash: NO_DASH,
    a: 1,
    b: 0,
    e: 0,
    f: 0,
  });
  setElement(item, el);
  return item;
}

/**
 * Point an item at a new version of its element: the box now, the path and
 * lines lazily (kept when the shape did not change).
 * @param {Item} item
 * @param {Element} el
 */
export function setElement(item, el) {
  item.el = el;
  paintBox(el, item);
  if (el.kind === 'text' || el.kind === 'sticky' || (el.text && LABEL_KINDS.has(el.kind))) item.font = fontFor(el.font ?? 20);
  if (el.text) needFonts(el.text);
  item.dash = el.dash && el.dash !== 'solid' ? dashPattern(el.dash, el.width) : NO_DASH;
  item.a = 1;
  item.b = 0;
  item.e = el.x;
  item.f = el.y;
  if (el.rot) {
    const [cx, cy] = rotationCentre(el);
    const cos = Math.cos(el.rot);
    const sin = Math.sin(el.rot);
    item.a = cos;
    item.b = sin;
    item.e = cx + cos * (el.x - cx) - sin * (el.y - cy);
    item.f = cy + sin * (el.x - cx) + cos * (el.y - cy);
    rotateBox(item, cx, cy, el.rot);
  }
}

/**
 * Order of (z, id) pairs: -1, 0, 1.
 * @param {string} za
 * @param {string} ida
 * @param {string} zb
 * @param {string} idb
 * @returns {number}
 */
export function order(za, ida, zb, idb) {
  return compareStrings(za, zb) || compareStrings(ida, idb);
}

/**
 * @param {Item} a
 * @param {Item} b
 */
export function byOrder(a, b) {
  return order(a.el.z, a.id, b.el.z, b.id);
}

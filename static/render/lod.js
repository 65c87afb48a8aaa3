// Level of detail: what an element small on screen is drawn as, so that a
// board zoomed far out costs little per element and still shows where
// things are. Below DOT_PX an element is a dot of its color; below LOD_PX a
// long stroke is drawn from a coarser path; below SHADOW_PX a sticky has no
// shadow and square corners; text below BAR_PX is grey bars (text.js),
// without laying it out.

import { STICKY_FILL } from '../element.js';
import { simplify } from '../geometry.js';
import { PLACEHOLDER_SIGN } from './picture.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('./items.js').Item} Item */

/** An element smaller than this on screen (CSS px) is drawn as a dot. */
export const DOT_PX = 1.5;
/** Text smaller than this on screen (CSS px) is drawn as bars. */
export const BAR_PX = 2;
/** Below this size on screen (CSS px) a stroke is drawn from a coarser path. */
const LOD_PX = 48;
/** Strokes with more points than this get a coarser path. */
const LOD_POINTS = 8;
/** Below this size on screen (CSS px) a sticky has no shadow and square corners. */
export const SHADOW_PX = 48;

/**
 * A stroke's coarse path: straight segments within 1/24 of its size of the
 * real curve, for when it is a few dozen pixels on screen.
 * @param {Element} el
 * @returns {Path2D}
 */
function lodPath(el) {
  const pts = simplify(/** @type {Array<[number, number]>} */ (el.points), Math.max(el.w, el.h) / 24);
  const path = new Path2D();
  path.moveTo(pts[0][0], pts[0][1]);
  for (let i = 1; i < pts.length; i++) path.lineTo(pts[i][0], pts[i][1]);
  return path;
}

/**
 * The path to stroke a stroke with at px CSS pixels on screen: small on
 * screen, a few straight segments look the same (built once, kept on the
 * item until its shape changes).
 * @param {Item} it with its path built
 * @param {number} px
 * @returns {Path2D}
 */
export function strokePath(it, px) {
  const el = it.el;
  if (px < LOD_PX && el.points && el.points.length > LOD_POINTS) {
    if (!it.lod) it.lod = lodPath(el);
    return it.lod;
  }
  return /** @type {Path2D} */ (it.path);
}

/**
 * Draw an item too small to see a shape: a dot of its color at its top
 * left, dotSize board units wide.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Item} it
 * @param {number} k device pixels per board unit
 * @param {number} ox board point at the device origin
 * @param {number} oy
 * @param {number} dotSize
 */
export function paintDot(ctx, it, k, ox, oy, dotSize) {
  const el = it.el;
  ctx.setTransform(k, 0, 0, k, -ox * k, -oy * k);
  ctx.fillStyle = el.kind === 'sticky' ? el.fill ?? STICKY_FILL : el.kind === 'image' ? PLACEHOLDER_SIGN : el.fill ?? el.stroke;
  ctx.fillRect(it.minX, it.minY, dotSize, dotSize);
}

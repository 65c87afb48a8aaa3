// Culling: only what overlaps the rect being painted is drawn. One box test
// per item against its cached paint box (items.js), which already holds
// the stroke's width and the turn, so nothing that shows is ever left out.

/** @typedef {import('./items.js').Item} Item */

/**
 * Whether an item's paint box overlaps the board rect (x0, y0)–(x1, y1).
 * @param {Item} it
 * @param {number} x0
 * @param {number} y0
 * @param {number} x1
 * @param {number} y1
 * @returns {boolean}
 */
export function overlaps(it, x0, y0, x1, y1) {
  return !(it.maxX < x0 || it.minX > x1 || it.maxY < y0 || it.minY > y1);
}

/**
 * How many items overlap the board rect: perf.drawn when the panning cache
 * paints instead of the items themselves.
 * @param {Item[]} items
 * @param {number} x0
 * @param {number} y0
 * @param {number} x1
 * @param {number} y1
 * @returns {number}
 */
export function countOverlapping(items, x0, y0, x1, y1) {
  let n = 0;
  for (const it of items) if (overlaps(it, x0, y0, x1, y1)) n++;
  return n;
}

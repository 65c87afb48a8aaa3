// @ts-check
// How far two pictures of the same text disagree, pixel by pixel (issue 12,
// acceptance 3: the canvas and the PNG export "differ in under 3 % of text
// pixels").
//
// The metric, per text region (a board rectangle around an element's lines,
// on a background colour known in both pictures):
//   - a pixel is ink in a picture when one of its channels is more than
//     TOLERANCE away from the region's background;
//   - it differs when one of its channels is more than TOLERANCE away from
//     the same board pixel in the other picture;
//   - text pixels are those that are ink in either picture, or differ;
//   - the figure is differing pixels / text pixels.
// TOLERANCE is 64 of 255, a quarter of the way from paper to ink: a pixel
// that moves less is an edge shaded a little lighter or darker; one that
// moves more is a visibly different pixel. The denominator counts every
// pixel either picture inks, so a glyph drawn in one picture only counts
// fully against the figure.
/** @typedef {import('./png').RGBAImage} RGBAImage */

const TOLERANCE = 64;

/**
 * @typedef {object} Placed a picture and the pixel where board point (0, 0) is
 * @property {RGBAImage} img
 * @property {number} x0
 * @property {number} y0
 */

/**
 * @typedef {object} Region board rectangle (whole units) and its background
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 * @property {[number, number, number]} bg
 */

/**
 * @param {RGBAImage} img
 * @param {number} x
 * @param {number} y
 */
function pixel(img, x, y) {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) throw new Error(`pixel ${x},${y} outside the ${img.width}×${img.height} picture`);
  const o = (y * img.width + x) * 4;
  return img.data.subarray(o, o + 3);
}

/**
 * @param {ArrayLike<number>} p
 * @param {ArrayLike<number>} q
 */
function distance(p, q) {
  return Math.max(Math.abs(p[0] - q[0]), Math.abs(p[1] - q[1]), Math.abs(p[2] - q[2]));
}

/**
 * Counts text pixels and differing pixels of a and b over the regions.
 * @param {Placed} a
 * @param {Placed} b
 * @param {Region[]} regions
 * @returns {{text: number, differ: number, fraction: number}}
 */
function textDifference(a, b, regions) {
  let text = 0;
  let differ = 0;
  for (const r of regions) {
    for (let y = r.y; y < r.y + r.h; y++) {
      for (let x = r.x; x < r.x + r.w; x++) {
        const p = pixel(a.img, a.x0 + x, a.y0 + y);
        const q = pixel(b.img, b.x0 + x, b.y0 + y);
        const d = distance(p, q) > TOLERANCE;
        if (d || distance(p, r.bg) > TOLERANCE || distance(q, r.bg) > TOLERANCE) text++;
        if (d) differ++;
      }
    }
  }
  return { text, differ, fraction: text ? differ / text : 0 };
}

module.exports = { textDifference, TOLERANCE };

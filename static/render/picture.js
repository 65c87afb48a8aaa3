// Pictures: an image element draws the picture the image cache
// (imagecache.js) holds for its src, stretched to its box; until it is
// there, a placeholder of that size — a light grey box with a picture sign,
// crossed out once the picture failed to load — so the layout never jumps.

import { blobSHA } from '../element.js';

/** @typedef {import('../element.js').Element} Element */

/** An image's placeholder: its box, its edge and its picture sign. */
const PLACEHOLDER_FILL = '#e9ecef';
const PLACEHOLDER_EDGE = '#ced4da';
export const PLACEHOLDER_SIGN = '#adb5bd';
/** The picture sign's size: this much of the box's smaller side, at most SIGN_PX on screen. */
const SIGN_SHARE = 0.4;
const SIGN_PX = 44;

/**
 * Draw an image element in its box (the current transform): the picture
 * when the cache has it, else its placeholder.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Element} el
 * @param {number} scale
 * @param {import('../imagecache.js').ImageCache | null} images
 * @param {boolean} live the board canvas (the dark theme's filter applies), not an image of it
 */
export function drawPicture(ctx, el, scale, images, live) {
  const sha = blobSHA(el.src);
  const picture = sha && images ? images.image(sha, live) : null;
  if (picture) {
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(picture, 0, 0, el.w, el.h);
    return;
  }
  paintPlaceholder(ctx, el.w, el.h, scale, !!sha && images?.state(sha) === 'failed');
}

/**
 * An image's placeholder in its own coordinates: a light grey box of its
 * size with a thin edge and a picture sign in the middle (crossed out when
 * the picture is missing).
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} w
 * @param {number} h
 * @param {number} scale CSS pixels per board unit
 * @param {boolean} missing
 */
export function paintPlaceholder(ctx, w, h, scale, missing) {
  const x = Math.min(0, w);
  const y = Math.min(0, h);
  const aw = Math.abs(w);
  const ah = Math.abs(h);
  ctx.fillStyle = PLACEHOLDER_FILL;
  ctx.fillRect(x, y, aw, ah);
  const px = 1 / scale;
  ctx.strokeStyle = PLACEHOLDER_EDGE;
  ctx.lineWidth = px;
  ctx.strokeRect(x + px / 2, y + px / 2, Math.max(0, aw - px), Math.max(0, ah - px));
  const s = Math.min(Math.min(aw, ah) * SIGN_SHARE, SIGN_PX / scale);
  if (s * scale < 8) return; // too small for a sign
  const ox = x + (aw - s) / 2;
  const oy = y + (ah - s) / 2;
  const at = (/** @type {number} */ u, /** @type {number} */ v) => /** @type {[number, number]} */ ([ox + u * s, oy + v * s]);
  ctx.strokeStyle = PLACEHOLDER_SIGN;
  ctx.fillStyle = PLACEHOLDER_SIGN;
  ctx.lineWidth = Math.max(s * 0.07, 1.5 * px);
  ctx.beginPath();
  ctx.rect(...at(0.05, 0.15), s * 0.9, s * 0.7);
  ctx.moveTo(...at(0.12, 0.78));
  ctx.lineTo(...at(0.38, 0.48));
  ctx.lineTo(...at(0.58, 0.68));
  ctx.lineTo(...at(0.7, 0.56));
  ctx.lineTo(...at(0.88, 0.78));
  if (missing) {
    ctx.moveTo(...at(0, 1));
    ctx.lineTo(...at(1, 0));
  }
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(...at(0.7, 0.36), s * 0.08, 0, Math.PI * 2);
  ctx.fill();
}

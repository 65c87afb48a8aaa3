// Overlays: what the tools draw over the elements in CSS pixels — the
// selection outline, handles, the rotate handle, the box-select band and
// the shape a line's end is about to bind to — in one accent color.

import { POINT_KINDS } from '../element.js';
import { shapeBox } from '../geometry.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../viewport.js').Viewport} Viewport */

const ACCENT = '#4263eb';
/** Selection handles, CSS px. */
export const HANDLE_PX = 8;
/** The rotate handle's diameter, CSS px. */
export const ROTATE_HANDLE_PX = 10;

/**
 * Outline each selected element (CSS pixel transform), turned with it.
 * @param {CanvasRenderingContext2D} ctx
 * @param {Iterable<string>} selection
 * @param {(id: string) => Element | undefined} shown the element as shown (a gesture's preview first)
 * @param {Viewport} v
 */
export function paintSelection(ctx, selection, shown, v) {
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 1;
  const box = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  for (const id of selection) {
    const el = shown(id);
    if (!el) continue;
    shapeBox(el, box);
    const pad = POINT_KINDS.has(el.kind) ? (el.width * v.scale) / 2 + 3 : 3;
    if (el.rot) {
      const cx = (box.minX + box.maxX) / 2;
      const cy = (box.minY + box.maxY) / 2;
      const c = v.toScreen(cx, cy);
      const hw = ((box.maxX - box.minX) / 2) * v.scale + pad;
      const hh = ((box.maxY - box.minY) / 2) * v.scale + pad;
      ctx.save();
      ctx.translate(c.x, c.y);
      ctx.rotate(el.rot);
      ctx.strokeRect(-hw, -hh, 2 * hw, 2 * hh);
      ctx.restore();
      continue;
    }
    const a = v.toScreen(box.minX, box.minY);
    const b = v.toScreen(box.maxX, box.maxY);
    ctx.strokeRect(Math.round(a.x - pad) + 0.5, Math.round(a.y - pad) + 0.5, Math.round(b.x - a.x + 2 * pad), Math.round(b.y - a.y + 2 * pad));
  }
}

/**
 * Draw square handles centred on screen points.
 * @param {CanvasRenderingContext2D} ctx CSS pixel transform
 * @param {Array<{x: number, y: number}>} points
 */
export function paintHandles(ctx, points) {
  ctx.fillStyle = '#ffffff';
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 1.25;
  const h = HANDLE_PX;
  for (const p of points) {
    ctx.fillRect(Math.round(p.x - h / 2), Math.round(p.y - h / 2), h, h);
    ctx.strokeRect(Math.round(p.x - h / 2) + 0.5, Math.round(p.y - h / 2) + 0.5, h - 1, h - 1);
  }
}

/**
 * Draw the rubber band of a box selection.
 * @param {CanvasRenderingContext2D} ctx CSS pixel transform
 * @param {{x: number, y: number}} a screen corner
 * @param {{x: number, y: number}} b screen corner
 */
export function paintBand(ctx, a, b) {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  const w = Math.abs(a.x - b.x);
  const h = Math.abs(a.y - b.y);
  ctx.fillStyle = 'rgba(66, 99, 235, 0.08)';
  ctx.fillRect(x, y, w, h);
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 1;
  ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.round(w), Math.round(h));
}

/**
 * Draw the rotate handle: a circle at p on a short stem from the frame's
 * top edge at `from`.
 * @param {CanvasRenderingContext2D} ctx CSS pixel transform
 * @param {{x: number, y: number}} p
 * @param {{x: number, y: number}} from
 */
export function paintRotateHandle(ctx, p, from) {
  const r = ROTATE_HANDLE_PX / 2;
  const d = Math.hypot(p.x - from.x, p.y - from.y);
  ctx.strokeStyle = ACCENT;
  ctx.lineWidth = 1;
  if (d > r) {
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(p.x + ((from.x - p.x) * r) / d, p.y + ((from.y - p.y) * r) / d);
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
  ctx.fillStyle = '#ffffff';
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/**
 * Highlight the shape a line's end is about to bind to: a wide, light
 * outline of its turned box (ellipse and diamond: their own outline).
 * @param {CanvasRenderingContext2D} ctx CSS pixel transform
 * @param {Element} el
 * @param {Viewport} v
 */
export function paintBindTarget(ctx, el, v) {
  const b = shapeBox(el);
  const c = v.toScreen((b.minX + b.maxX) / 2, (b.minY + b.maxY) / 2);
  const hw = ((b.maxX - b.minX) / 2) * v.scale + 4;
  const hh = ((b.maxY - b.minY) / 2) * v.scale + 4;
  ctx.save();
  ctx.translate(c.x, c.y);
  if (el.rot) ctx.rotate(el.rot);
  ctx.beginPath();
  if (el.kind === 'ellipse') ctx.ellipse(0, 0, hw, hh, 0, 0, Math.PI * 2);
  else if (el.kind === 'diamond') {
    ctx.moveTo(0, -hh - 2);
    ctx.lineTo(hw + 2, 0);
    ctx.lineTo(0, hh + 2);
    ctx.lineTo(-hw - 2, 0);
    ctx.closePath();
  } else ctx.rect(-hw, -hh, 2 * hw, 2 * hh);
  ctx.strokeStyle = 'rgba(66, 99, 235, 0.35)';
  ctx.lineWidth = 6;
  ctx.lineJoin = 'round';
  ctx.stroke();
  ctx.restore();
}

// Text on the canvas: a text's or sticky's lines (hard breaks, wrapped
// inside a sticky) and a shape's label (shapes.js labelLines, the exports'
// layout), drawn where CSS and the exports put them, right-to-left lines in
// the same extent. Laid-out lines are cached on the item until the text,
// width or font change; unreadably small text is bars, with no layout.
// The painter remembers the font it last set, because setting ctx.font is
// costly and most neighbours share one.

import { labelLines } from '../shapes.js';
import { breakLines, fontFor, fontMetrics, isRTL, LINE_HEIGHT, STICKY_PADDING } from '../textlayout.js';
import { BAR_PX } from './lod.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('./items.js').Item} Item */

/**
 * Lay out an item's text: hard breaks for text, wrapped inside a sticky.
 * @param {CanvasRenderingContext2D} ctx with the item's font set
 * @param {Item} item
 * @returns {string[]}
 */
function linesOf(ctx, item) {
  const el = item.el;
  if (item.lines && item.linesOf && item.linesOf.text === el.text && item.linesOf.w === el.w && item.linesOf.font === el.font) {
    item.linesOf = el;
    return item.lines;
  }
  const text = el.text ?? '';
  item.lines =
    el.kind === 'sticky'
      ? breakLines(text, (s) => ctx.measureText(s).width, Math.max(1, Math.abs(el.w) - 2 * STICKY_PADDING))
      : text.split('\n');
  item.linesOf = el;
  return item.lines;
}

export class TextPainter {
  constructor() {
    /** The font last set while painting, to set it only when it changes. */
    this.font = '';
  }

  /** A new paint (or another context): the context's font is unknown. */
  reset() {
    this.font = '';
  }

  /**
   * @param {CanvasRenderingContext2D} ctx
   * @param {Item} it
   */
  useFont(ctx, it) {
    if (this.font !== it.font) {
      ctx.font = it.font;
      this.font = it.font;
    }
  }

  /**
   * Draw a shape's label (shapes.js labelLines) in the current transform;
   * nothing when it would be unreadably small.
   * @param {CanvasRenderingContext2D} ctx
   * @param {Item} it
   * @param {number} scale
   */
  drawLabel(ctx, it, scale) {
    const el = it.el;
    // A shape of no size draws nothing, its label neither (as in the exports).
    if ((el.font ?? 20) * scale < BAR_PX || (el.w === 0 && el.h === 0)) return;
    this.useFont(ctx, it);
    const prev = it.linesOf;
    if (!it.label || !prev || prev.text !== el.text || prev.w !== el.w || prev.h !== el.h || prev.font !== el.font || prev.kind !== el.kind) {
      it.label = labelLines(el, (s) => ctx.measureText(s).width, fontMetrics());
    }
    it.linesOf = el;
    ctx.fillStyle = el.stroke;
    for (const line of it.label) {
      if (!isRTL(line.text)) {
        ctx.fillText(line.text, line.x, line.y);
        continue;
      }
      // Right to left in the same extent, as the exports draw it.
      ctx.direction = 'rtl';
      ctx.fillText(line.text, line.x + ctx.measureText(line.text).width, line.y);
      ctx.direction = 'ltr';
    }
  }

  /**
   * Draw an item's text at its top left plus padding, in the current
   * transform; grey bars when it would be unreadably small.
   * @param {CanvasRenderingContext2D} ctx
   * @param {Item} it
   * @param {number} scale
   * @param {number} pad
   */
  drawText(ctx, it, scale, pad) {
    const el = it.el;
    const text = el.text ?? '';
    if (text === '') return;
    const size = el.font ?? 20;
    const lh = size * LINE_HEIGHT;
    const maxY = el.kind === 'sticky' ? Math.abs(el.h) - pad : Infinity;
    ctx.fillStyle = el.stroke;
    if (size * scale < BAR_PX) {
      // No layout at this size: a bar per line, about as long as the text.
      ctx.globalAlpha *= 0.35;
      const avail = el.kind === 'sticky' ? Math.abs(el.w) - 2 * pad : Math.abs(el.w);
      let y = pad;
      let start = 0;
      while (start <= text.length && y + lh <= maxY + 0.01) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        const width = Math.min(avail, (end - start) * size * 0.5);
        if (width > 0) ctx.fillRect(pad, y + size * 0.25, width, size * 0.6);
        y += lh;
        start = end + 1;
      }
      ctx.globalAlpha /= 0.35;
      return;
    }
    this.useFont(ctx, it);
    const lines = linesOf(ctx, it);
    // Where CSS puts the baseline in a line box of height lh, so the text
    // sits exactly where the editor's textarea showed it.
    const m = fontMetrics();
    let y = pad + (lh - (m.ascent + m.descent) * size) / 2 + m.ascent * size;
    for (const line of lines) {
      if (y + m.descent * size > maxY + 0.01) break;
      if (isRTL(line)) {
        // Right to left in the same extent, as the exports draw it: the
        // line's runs in RTL order, its right end at pad + its width.
        ctx.direction = 'rtl';
        ctx.fillText(line, pad + ctx.measureText(line).width, y);
        ctx.direction = 'ltr';
      } else ctx.fillText(line, pad, y);
      y += lh;
    }
  }

  /**
   * The lines drawText and drawLabel paint for an element's text (a text,
   * sticky or shape label), at full size: each line's text, its left end
   * on its baseline in the element's coordinates, and whether it reads
   * right to left. For tests, to compare with the exports' layout.
   * @param {CanvasRenderingContext2D} ctx its font is put back after
   * @param {Element} el
   * @returns {Array<{text: string, x: number, y: number, rtl: boolean}>}
   */
  layout(ctx, el) {
    const saved = ctx.font;
    ctx.font = fontFor(el.font ?? 20);
    const measure = (/** @type {string} */ s) => ctx.measureText(s).width;
    /** @type {Array<{text: string, x: number, y: number}>} */
    let lines = [];
    if (el.kind === 'text' || el.kind === 'sticky') {
      const size = el.font ?? 20;
      const pad = el.kind === 'sticky' ? STICKY_PADDING : 0;
      const lh = size * LINE_HEIGHT;
      const maxY = el.kind === 'sticky' ? Math.abs(el.h) - pad : Infinity;
      const text = el.text ?? '';
      const all = text === '' ? [] : el.kind === 'sticky' ? breakLines(text, measure, Math.max(1, Math.abs(el.w) - 2 * pad)) : text.split('\n');
      const m = fontMetrics();
      let y = pad + (lh - (m.ascent + m.descent) * size) / 2 + m.ascent * size;
      for (const line of all) {
        if (y + m.descent * size > maxY + 0.01) break;
        lines.push({ text: line, x: pad, y });
        y += lh;
      }
    } else if (el.text) lines = labelLines(el, measure, fontMetrics());
    ctx.font = saved;
    this.font = saved;
    return lines.map((l) => ({ ...l, rtl: isRTL(l.text) }));
  }
}

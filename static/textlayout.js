// Text layout: the font string, line height and line breaking shared by the
// renderer, the text editor and the text tool's measuring. Line breaking
// takes a measure function, so the node tests run it without a canvas.

import { FONT_STACK as FONT_FAMILY } from './fonts.js';
export const LINE_HEIGHT = 1.25;
/** Inner margin of a sticky note, board units. */
export const STICKY_PADDING = 12;

/**
 * The CSS font of a text element's size.
 * @param {number} size
 * @returns {string}
 */
export function fontFor(size) {
  return `${size}px ${FONT_FAMILY}`;
}

/**
 * Break text into lines: at every newline, and (with maxWidth) between
 * words, or inside a word longer than the line.
 * @param {string} text
 * @param {(s: string) => number} measure width of a string
 * @param {number} [maxWidth] Infinity: only hard breaks
 * @returns {string[]}
 */
export function breakLines(text, measure, maxWidth = Infinity) {
  /** @type {string[]} */
  const lines = [];
  for (const para of text.split('\n')) {
    if (maxWidth === Infinity || measure(para) <= maxWidth) {
      lines.push(para);
      continue;
    }
    let line = '';
    for (const word of para.split(/(?<=\s)/)) {
      const candidate = line + word;
      if (measure(candidate.trimEnd()) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line.trimEnd());
      line = word;
      if (measure(word.trimEnd()) <= maxWidth) continue;
      // A word wider than the line: break it between characters.
      let part = '';
      for (const ch of word) {
        if (part !== '' && measure(part + ch) > maxWidth) {
          lines.push(part);
          part = ch;
        } else part += ch;
      }
      line = part;
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/**
 * The size of a text element's unwrapped text.
 * @param {string} text
 * @param {number} font size
 * @param {(s: string) => number} measure width at that size
 * @returns {{w: number, h: number}}
 */
export function textSize(text, font, measure) {
  const lines = text.split('\n');
  let w = 0;
  for (const l of lines) w = Math.max(w, measure(l));
  return { w: Math.ceil(w), h: Math.ceil(lines.length * font * LINE_HEIGHT) };
}

/** @type {CanvasRenderingContext2D | null} */
let measuring = null;

/**
 * A measure function for a font size, on a shared offscreen canvas.
 * @param {number} size
 * @returns {(s: string) => number}
 */
export function canvasMeasure(size) {
  if (!measuring) measuring = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
  const ctx = measuring;
  const font = fontFor(size);
  return (s) => {
    ctx.font = font;
    return ctx.measureText(s).width;
  };
}

/** @type {{ascent: number, descent: number} | null} */
let metrics = null;

/**
 * The font's ascent and descent per pixel of size, as CSS lays out a line
 * (the content area), so canvas text can sit on the same baseline as the
 * editor's.
 * @returns {{ascent: number, descent: number}}
 */
export function fontMetrics() {
  if (metrics) return metrics;
  const ctx = document.createElement('canvas').getContext('2d');
  metrics = { ascent: 0.93, descent: 0.24 };
  if (ctx) {
    ctx.font = fontFor(100);
    const m = ctx.measureText('Hg');
    if (m.fontBoundingBoxAscent > 0) {
      metrics = { ascent: m.fontBoundingBoxAscent / 100, descent: m.fontBoundingBoxDescent / 100 };
    }
  }
  return metrics;
}

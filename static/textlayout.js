// Text layout: the font string, line height and line breaking shared by the
// renderer, the text editor and the text tool's measuring. Line breaking
// takes a measure function, so the node tests run it without a canvas.

import { FONT_STACK as FONT_FAMILY } from './fonts.js';
import { breakOpportunities, graphemes } from './linebreak.js';

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
 * Break text into lines: at every newline and, with maxWidth, greedily at
 * the Unicode line break opportunities (UAX #14, linebreak.js): between
 * words, between CJK characters (never before 。、）」 or after （「), at
 * spaces, which hang at the end of a line; a word wider than the line
 * breaks between grapheme clusters. A paragraph that fits stays as it is.
 * The exports break alike (breakLines in export/layout.go).
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
    for (const word of lineSegments(para)) {
      const candidate = line + word;
      if (measure(hang(candidate)) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(hang(line));
      line = word;
      if (measure(hang(word)) <= maxWidth) continue;
      // A word wider than the line: break it between graphemes.
      let part = '';
      for (const g of graphemes(word)) {
        if (part !== '' && measure(hang(part + g)) > maxWidth) {
          lines.push(part);
          part = g;
        } else part += g;
      }
      line = part;
    }
    lines.push(hang(line));
  }
  return lines;
}

/** Paragraphs' segments, most recent last: the canvas redraws the same
 * texts every frame, and finding the opportunities costs more than
 * measuring. */
/** @type {Map<string, string[]>} */
const segmentCache = new Map();
const SEGMENT_CACHE_SIZE = 512;

/**
 * A paragraph cut at its line break opportunities.
 * @param {string} para
 * @returns {string[]}
 */
function lineSegments(para) {
  let out = segmentCache.get(para);
  if (out) {
    segmentCache.delete(para);
  } else {
    out = cutAtOpportunities(para);
    if (segmentCache.size >= SEGMENT_CACHE_SIZE) segmentCache.delete(/** @type {string} */ (segmentCache.keys().next().value));
  }
  segmentCache.set(para, out);
  return out;
}

/**
 * @param {string} para
 * @returns {string[]}
 */
function cutAtOpportunities(para) {
  /** @type {string[]} */
  const out = [];
  let from = 0;
  for (const at of breakOpportunities(para)) {
    out.push(para.slice(from, at));
    from = at;
  }
  out.push(para.slice(from));
  return out;
}

/**
 * A line without the white space at its end, which hangs past the line's
 * end: it neither counts in its width nor shows.
 * @param {string} s
 */
const hang = (s) => s.replace(/\p{White_Space}+$/u, '');

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
  // The Go font's, as measured below (and as export/textfont.go lays out).
  metrics = { ascent: 0.94, descent: 0.21 };
  if (ctx) {
    ctx.font = fontFor(100);
    const m = ctx.measureText('Hg');
    if (m.fontBoundingBoxAscent > 0) {
      metrics = { ascent: m.fontBoundingBoxAscent / 100, descent: m.fontBoundingBoxDescent / 100 };
    }
  }
  return metrics;
}

// Letters of the right-to-left scripts the exports' baseDirection knows
// (export/shaping.go): Hebrew, Arabic, Syriac, Thaana, NKo.
const RTL_LETTER = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}]/u;
const LETTER = /\p{L}/u;

/**
 * Whether a line reads right to left: its first strong letter is of a
 * right-to-left script (bidi rules P2–P3 approximated by script, as
 * baseDirection in export/shaping.go). Such a line is drawn with an RTL
 * base direction in the same extent, so its mixed runs are ordered as the
 * PNG and SVG exports order them.
 * @param {string} line
 * @returns {boolean}
 */
export function isRTL(line) {
  for (const ch of line) {
    if (RTL_LETTER.test(ch)) return true;
    if (LETTER.test(ch)) return false;
  }
  return false;
}

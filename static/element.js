// Elements and ops: the shapes of the protocol, the server's validation rules
// mirrored so this client never sends what the server would refuse, and the
// check that what comes from the network is safe to draw.
//
// Elements are treated as immutable: an edit makes a new object (sharing the
// unchanged `points` array), so "did it change" is an identity check.

import { isHexColor } from './color.js';
import { isZKey } from './zorder.js';

/**
 * @typedef {'stroke' | 'rect' | 'ellipse' | 'diamond' | 'line' | 'arrow' | 'text' | 'sticky' | 'image'} Kind
 */

/**
 * @typedef {object} Element
 * @property {string} id 1–64 characters
 * @property {Kind} kind
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 * @property {number} rot radians, clockwise, about the box's centre
 * @property {Array<[number, number]>} [points] stroke, line, arrow: relative to x, y
 * @property {string} stroke "#rrggbb"
 * @property {string | null} fill "#rrggbb" or null
 * @property {number} width 0.5–100
 * @property {string} [text] text, sticky; a label on rect, ellipse, diamond
 * @property {number} [font] 4–400
 * @property {string} z ordering key
 * @property {'solid' | 'dashed' | 'dotted'} [dash] absent means solid; not on text or sticky
 * @property {boolean} [round] rounded corners: rect, diamond
 * @property {{id: string}} [start] line, arrow: the element the first point is bound to
 * @property {{id: string}} [end] line, arrow: the element the last point is bound to
 * @property {string} [group] 1–64 characters: elements of one group select and move together
 * @property {boolean} [locked] cannot be selected, moved or erased until unlocked
 * @property {string} [src] image: "blob:<sha256 hex>" of a blob uploaded to this board
 */

/**
 * @typedef {{op: 'put', el: Element} | {op: 'del', id: string} | {op: 'title', title: string}} Op
 */

export const KINDS = /** @type {const} */ (['stroke', 'rect', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky', 'image']);
/** Kinds whose shape is a list of points. */
export const POINT_KINDS = new Set(['stroke', 'line', 'arrow']);
/** Kinds that are text (text, sticky notes). */
export const TEXT_KINDS = new Set(['text', 'sticky']);
/** Shapes that may carry a label (`text` drawn centred inside). */
export const LABEL_KINDS = new Set(['rect', 'ellipse', 'diamond']);
/** Kinds with a stroke that may be dashed or dotted. */
export const DASH_KINDS = new Set(['stroke', 'rect', 'ellipse', 'diamond', 'line', 'arrow']);
/** Kinds that may have rounded corners. */
export const ROUND_KINDS = new Set(['rect', 'diamond']);
/** Kinds whose endpoints may be bound to other elements. */
export const BINDABLE_ENDS = new Set(['line', 'arrow']);
export const DASHES = /** @type {const} */ (['solid', 'dashed', 'dotted']);

export const LIMITS = Object.freeze({
  maxCoordinate: 1e7,
  maxPoints: 5000,
  maxText: 4000,
  minWidth: 0.5,
  maxWidth: 100,
  minFont: 4,
  maxFont: 400,
  maxId: 64,
  maxTitle: 120,
  maxOps: 500,
});

export const DEFAULT_STROKE = '#1e1e1e';
export const STICKY_FILL = '#ffd43b';
export const STICKY_SIZE = Object.freeze({ w: 200, h: 160 });
export const TEXT_FONT = 20;
export const STICKY_FONT = 18;

const KIND_SET = new Set(KINDS);

/**
 * Length in characters (code points), as the server counts.
 * @param {string} s
 * @returns {number}
 */
export function charLength(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= s.length) n++;
    else {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      n++;
    }
  }
  return n;
}

/**
 * @param {unknown} v
 * @returns {v is string}
 */
function isId(v) {
  return typeof v === 'string' && v !== '' && charLength(v) <= LIMITS.maxId;
}

/**
 * @param {unknown} v
 * @returns {v is number}
 */
function coordinate(v) {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= LIMITS.maxCoordinate;
}

/**
 * Why an element breaks the server's rules, or "" when it is valid.
 * @param {unknown} raw
 * @returns {string}
 */
export function elementProblem(raw) {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'not an object';
  const el = /** @type {Record<string, unknown>} */ (raw);
  if (typeof el.id !== 'string' || el.id === '' || charLength(el.id) > LIMITS.maxId) return 'id must be 1–64 characters';
  if (typeof el.kind !== 'string' || !KIND_SET.has(/** @type {Kind} */ (el.kind))) return `unknown kind ${String(el.kind)}`;
  for (const f of ['x', 'y', 'w', 'h']) if (!coordinate(el[f])) return `${f} must be finite with |v| ≤ 1e7`;
  if (typeof el.rot !== 'number' || !Number.isFinite(el.rot)) return 'rot must be finite';
  if (POINT_KINDS.has(el.kind)) {
    const pts = el.points;
    if (!Array.isArray(pts) || pts.length < 1 || pts.length > LIMITS.maxPoints) return 'points must hold 1–5000 pairs';
    for (const p of pts) {
      if (!Array.isArray(p) || p.length !== 2 || !coordinate(p[0]) || !coordinate(p[1])) return 'a point must be [x, y], finite, |v| ≤ 1e7';
    }
  } else if (el.points !== undefined && el.points !== null) {
    return `points are only for stroke, line and arrow`;
  }
  if (!isHexColor(el.stroke)) return 'stroke must be #rrggbb';
  if (el.fill !== null && !isHexColor(el.fill)) return 'fill must be null or #rrggbb';
  if (typeof el.width !== 'number' || !(el.width >= LIMITS.minWidth && el.width <= LIMITS.maxWidth)) return 'width must be 0.5–100';
  if (el.text !== undefined && el.text !== null && el.text !== '') {
    if (!TEXT_KINDS.has(el.kind) && !LABEL_KINDS.has(el.kind)) return 'text is only for text, sticky, rect, ellipse and diamond';
    if (typeof el.text !== 'string' || charLength(el.text) > LIMITS.maxText) return 'text must be at most 4000 characters';
  }
  if (el.font !== undefined && (typeof el.font !== 'number' || !(el.font >= LIMITS.minFont && el.font <= LIMITS.maxFont))) return 'font must be 4–400';
  if (el.dash !== undefined && el.dash !== 'solid') {
    if (el.dash !== 'dashed' && el.dash !== 'dotted') return 'dash must be one of solid, dashed, dotted';
    if (!DASH_KINDS.has(el.kind)) return 'dash is only for kinds with a stroke (not text or sticky)';
  }
  if (el.round !== undefined && el.round !== false) {
    if (el.round !== true) return 'round must be true or false';
    if (!ROUND_KINDS.has(el.kind)) return 'round is only for rect and diamond';
  }
  for (const end of ['start', 'end']) {
    const b = el[end];
    if (b === undefined || b === null) continue;
    if (!BINDABLE_ENDS.has(el.kind)) return `${end} is only for line and arrow`;
    if (typeof b !== 'object' || !isId(/** @type {any} */ (b).id)) return `${end}.id must be an element id of 1–64 characters`;
  }
  if (el.group !== undefined && !isId(el.group)) return 'group must be 1–64 characters';
  if (el.locked !== undefined && typeof el.locked !== 'boolean') return 'locked must be true or false';
  if (el.kind === 'image') {
    if (blobSHA(el.src) === null) return 'src must be "blob:" and the 64 lowercase hex digits of a blob\'s SHA-256';
  } else if (el.src !== undefined && el.src !== null && el.src !== '') {
    return 'src is only for image';
  }
  if (!isZKey(el.z)) return 'z must be 1–64 characters of [0-9A-Za-z]';
  return '';
}

/**
 * Whether an element obeys the server's rules.
 * @param {unknown} raw
 * @returns {raw is Element}
 */
export function isValidElement(raw) {
  return elementProblem(raw) === '';
}

/**
 * Why an op breaks the server's rules, or "".
 * @param {unknown} raw
 * @returns {string}
 */
export function opProblem(raw) {
  if (raw === null || typeof raw !== 'object') return 'not an object';
  const op = /** @type {Record<string, unknown>} */ (raw);
  switch (op.op) {
    case 'put':
      return elementProblem(op.el);
    case 'del':
      return typeof op.id === 'string' && op.id !== '' && charLength(op.id) <= LIMITS.maxId ? '' : 'del needs an id of 1–64 characters';
    case 'title': {
      if (typeof op.title !== 'string') return 'title must be a string';
      const n = charLength(op.title);
      return n >= 1 && n <= LIMITS.maxTitle ? '' : 'title must be 1–120 characters';
    }
    default:
      return `unknown op ${String(op.op)}`;
  }
}

/**
 * An element from the network made safe to keep and draw, or null when it
 * cannot be drawn at all. A valid element comes back as the same object.
 * @param {unknown} raw
 * @returns {Element | null}
 */
export function fromWire(raw) {
  if (isValidElement(raw)) return raw;
  if (raw === null || typeof raw !== 'object') return null;
  const el = /** @type {Record<string, any>} */ (raw);
  if (typeof el.id !== 'string' || el.id === '' || !KIND_SET.has(el.kind)) return null;
  const num = (/** @type {unknown} */ v, /** @type {number} */ d) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  /** @type {Element} */
  const out = {
    id: el.id,
    kind: el.kind,
    x: num(el.x, 0),
    y: num(el.y, 0),
    w: num(el.w, 0),
    h: num(el.h, 0),
    rot: num(el.rot, 0),
    stroke: isHexColor(el.stroke) ? el.stroke : DEFAULT_STROKE,
    fill: isHexColor(el.fill) ? el.fill : null,
    width: Math.min(LIMITS.maxWidth, Math.max(LIMITS.minWidth, num(el.width, 2))),
    z: typeof el.z === 'string' ? el.z : '',
  };
  if (POINT_KINDS.has(out.kind)) {
    const pts = Array.isArray(el.points) ? el.points : [];
    out.points = pts.filter(
      (/** @type {unknown} */ p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]),
    );
    if (out.points.length === 0) return null;
  }
  if (TEXT_KINDS.has(out.kind)) {
    out.text = typeof el.text === 'string' ? el.text : '';
    out.font = num(el.font, out.kind === 'sticky' ? STICKY_FONT : TEXT_FONT);
  } else if (LABEL_KINDS.has(out.kind) && typeof el.text === 'string' && el.text !== '') {
    out.text = el.text;
    out.font = num(el.font, TEXT_FONT);
  }
  if (DASH_KINDS.has(out.kind) && (el.dash === 'dashed' || el.dash === 'dotted')) out.dash = el.dash;
  if (ROUND_KINDS.has(out.kind) && el.round === true) out.round = true;
  if (BINDABLE_ENDS.has(out.kind)) {
    for (const end of /** @type {const} */ (['start', 'end'])) {
      if (el[end] && isId(el[end].id)) out[end] = { id: el[end].id };
    }
  }
  if (isId(el.group)) out.group = el.group;
  if (el.locked === true) out.locked = true;
  if (out.kind === 'image') {
    // Without the bytes it names, an image is nothing to draw or keep.
    if (blobSHA(el.src) === null) return null;
    out.src = el.src;
  }
  return out;
}

/**
 * The SHA-256 (64 lowercase hex digits) an image's src names, or null when
 * the src is not "blob:<sha256>".
 * @param {unknown} src
 * @returns {string | null}
 */
export function blobSHA(src) {
  if (typeof src !== 'string' || !src.startsWith('blob:')) return null;
  const sha = src.slice(5);
  return /^[0-9a-f]{64}$/.test(sha) ? sha : null;
}

/**
 * Random base36 characters for client and element ids.
 * @param {number} n
 * @returns {string}
 */
export function randomBase36(n) {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += (b % 36).toString(36);
  return s;
}

/** Makes element ids "el-<8 random base36>-<n>", unique per page load. */
export class IdMaker {
  /** @param {string} [prefix] 8 random base36 characters by default */
  constructor(prefix = randomBase36(8)) {
    this.prefix = prefix;
    this.n = 0;
  }

  /** @returns {string} */
  next() {
    return `el-${this.prefix}-${++this.n}`;
  }
}

/**
 * Round a coordinate to 1/100 of a board unit: finer than any zoom shows,
 * shorter on the wire.
 * @param {number} v
 * @returns {number}
 */
export function round2(v) {
  return Math.round(v * 100) / 100;
}

/**
 * Clamp a board coordinate into the protocol's range.
 * @param {number} v
 * @returns {number}
 */
export function clampCoordinate(v) {
  if (!Number.isFinite(v)) return 0;
  return Math.max(-LIMITS.maxCoordinate, Math.min(LIMITS.maxCoordinate, v));
}

/**
 * Clamp a stroke width into 0.5–100.
 * @param {number} v
 * @returns {number}
 */
export function clampWidth(v) {
  if (!Number.isFinite(v)) return 2;
  return Math.max(LIMITS.minWidth, Math.min(LIMITS.maxWidth, v));
}

/**
 * Clamp a font size into 4–400.
 * @param {number} v
 * @returns {number}
 */
export function clampFont(v) {
  if (!Number.isFinite(v)) return TEXT_FONT;
  return Math.max(LIMITS.minFont, Math.min(LIMITS.maxFont, Math.round(v * 10) / 10));
}

/**
 * The element with fields changed: a new object, the original untouched.
 * @param {Element} el
 * @param {Partial<Element>} fields
 * @returns {Element}
 */
export function withFields(el, fields) {
  return /** @type {Element} */ ({ ...el, ...fields });
}

/**
 * Trim a text to what the server accepts (4000 characters).
 * @param {string} text
 * @returns {string}
 */
export function clampText(text) {
  if (text.length <= LIMITS.maxText) return text;
  return Array.from(text).slice(0, LIMITS.maxText).join('');
}

/**
 * A title fit for a title op: whitespace collapsed, 1–120 characters, or null.
 * @param {unknown} value
 * @returns {string | null}
 */
export function normalizeTitle(value) {
  if (typeof value !== 'string') return null;
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return null;
  return Array.from(cleaned).slice(0, LIMITS.maxTitle).join('').trim();
}

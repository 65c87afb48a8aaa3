// Render: the elements layer of the board canvas. Keeps the rendered
// elements (confirmed + pending, from sync) as items sorted by z then id,
// each with its board-space box and a cached Path2D, and paints the visible
// ones each frame the canvas repaints.
//
// Cost per change: a binary search and a splice per changed element (a full
// sort only after a snapshot). Cost per frame: one box test per element,
// then drawing what is visible, with no allocation: items are reused, paths
// are built once per shape in the element's own coordinates and placed with
// setTransform. Below a couple of screen pixels an element is a dot and
// text is grey bars, without text layout.
//
// Shapes follow the rules of shapes.js, which the exports share: outlines
// (rounded corners, diamonds), dash patterns, open arrowheads, labels
// centred in rect/ellipse/diamond, and rot (radians, clockwise about the
// box's centre) for every kind, applied through the transform.
//
// A tool's gesture in progress (a stroke being drawn, a move, a resize)
// shows through setPreview: a map id → element (or null to hide one) drawn
// in place of the rendered element, new ids on top. Other members' drafts
// (drafts.js) show through setDrafts the same way, faint (DRAFT_ALPHA), under
// our own preview.
//
// Images (kind image) draw the picture the image cache (imagecache.js)
// holds for their src, stretched to their box; until it is there, a
// placeholder of that size: a light grey box with a picture sign (crossed
// out once the picture failed to load).

import { blobSHA, LABEL_KINDS, POINT_KINDS, STICKY_FILL } from './element.js';
import { paintBox, shapeBox, simplify } from './geometry.js';
import { arrowHead, dashPattern, labelLines, outline, rotateBox, rotationCentre, tracePath } from './shapes.js';
import { needFonts } from './fonts.js';
import { breakLines, fontFor, fontMetrics, isRTL, LINE_HEIGHT, STICKY_PADDING } from './textlayout.js';
import { compareStrings } from './zorder.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./geometry.js').Box} Box */
/** @typedef {import('./canvas.js').BoardCanvas} BoardCanvas */
/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./sync.js').ChangeSet} ChangeSet */

/**
 * The panning cache: the elements of the view and a margin around it,
 * rendered at one zoom into a bitmap. It is only used once painting
 * directly has become slow (zoomed out over thousands of elements). While
 * the zoom and the elements stay the same, a pan only copies the right part
 * of it (whole device pixels); it is rebuilt when the view leaves it. While
 * a zoom goes on, the cache is drawn stretched, and the elements are painted
 * properly once it rests (SETTLE_MS). After an edit the elements are painted
 * directly; the cache follows when things rest.
 * @typedef {object} PanCache
 * @property {HTMLCanvasElement} canvas
 * @property {CanvasRenderingContext2D} ctx
 * @property {number} scale
 * @property {number} dpr
 * @property {number} version
 * @property {number} x0 board rect covered
 * @property {number} y0
 * @property {number} x1
 * @property {number} y1
 */

/**
 * An element with what drawing it needs, cached until it changes.
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

const ACCENT = '#4263eb';
/** The dash pattern of a solid line. */
const NO_DASH = Object.freeze(/** @type {number[]} */ ([]));
const SHADOW = 'rgba(16, 24, 40, 0.16)';
const STICKY_RADIUS = 6;
/** An element smaller than this on screen (CSS px) is drawn as a dot. */
const DOT_PX = 1.5;
/** Text smaller than this on screen (CSS px) is drawn as bars. */
const BAR_PX = 2;
/** Selection handles, CSS px. */
export const HANDLE_PX = 8;
/** The rotate handle's diameter, CSS px. */
export const ROTATE_HANDLE_PX = 10;
/** Below this size on screen (CSS px) a stroke is drawn from a coarser path. */
const LOD_PX = 48;
/** Strokes with more points than this get a coarser path. */
const LOD_POINTS = 8;
/** Below this size on screen (CSS px) a sticky has no shadow and square corners. */
const SHADOW_PX = 48;
/** The panning cache is used once a direct paint takes this long, ms. */
const CACHE_AFTER_MS = 8;
/** The panning cache covers the view plus this fraction of it on each side. */
const CACHE_MARGIN = 0.5;
/** Largest panning cache, device pixels (32 MB). */
const CACHE_PIXELS = 8 * 1024 * 1024;
/** While zooming, the cache is stretched up to this factor either way. */
const ZOOM_PREVIEW = 3;
/** A zoom or an edit has rested after this long, ms. */
const SETTLE_MS = 150;
/** Others' drafts are drawn this opaque: there, but not done yet. */
export const DRAFT_ALPHA = 0.6;
/** An image's placeholder: its box, its edge and its picture sign. */
const PLACEHOLDER_FILL = '#e9ecef';
const PLACEHOLDER_EDGE = '#ced4da';
const PLACEHOLDER_SIGN = '#adb5bd';
/** The picture sign's size: this much of the box's smaller side, at most SIGN_PX on screen. */
const SIGN_SHARE = 0.4;
const SIGN_PX = 44;

/**
 * @param {Element} el
 * @returns {Item}
 */
function makeItem(el) {
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
function setElement(item, el) {
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
function order(za, ida, zb, idb) {
  return compareStrings(za, zb) || compareStrings(ida, idb);
}

/**
 * @param {Item} a
 * @param {Item} b
 */
function byOrder(a, b) {
  return order(a.el.z, a.id, b.el.z, b.id);
}

/**
 * Whether b has the same shape as a (same path in its own coordinates).
 * @param {Element} a
 * @param {Element} b
 */
function sameShape(a, b) {
  return (
    a.kind === b.kind &&
    a.w === b.w &&
    a.h === b.h &&
    a.points === b.points &&
    a.round === b.round &&
    (a.kind !== 'arrow' || a.width === b.width) &&
    (a.kind !== 'stroke' || a.points?.length !== 1 || a.width === b.width)
  );
}

/**
 * The path of an element in its own coordinates (relative to x, y).
 * @param {Element} el
 * @returns {Path2D}
 */
export function buildPath(el) {
  const path = new Path2D();
  const pts = el.points ?? [];
  switch (el.kind) {
    case 'stroke': {
      if (pts.length === 1) {
        path.arc(pts[0][0], pts[0][1], el.width / 2, 0, Math.PI * 2);
        break;
      }
      path.moveTo(pts[0][0], pts[0][1]);
      if (pts.length === 2) {
        path.lineTo(pts[1][0], pts[1][1]);
        break;
      }
      // Quadratic curves through the midpoints: smooth, and through the ends.
      for (let i = 1; i < pts.length - 1; i++) {
        const p = pts[i];
        const q = pts[i + 1];
        path.quadraticCurveTo(p[0], p[1], (p[0] + q[0]) / 2, (p[1] + q[1]) / 2);
      }
      const last = pts[pts.length - 1];
      path.lineTo(last[0], last[1]);
      break;
    }
    case 'line':
    case 'arrow': {
      path.moveTo(pts[0][0], pts[0][1]);
      for (let i = 1; i < pts.length; i++) path.lineTo(pts[i][0], pts[i][1]);
      break;
    }
    case 'rect':
    case 'ellipse':
    case 'diamond':
      tracePath(outline(el), path);
      break;
    case 'sticky': {
      const r = Math.min(STICKY_RADIUS, Math.abs(el.w) / 2, Math.abs(el.h) / 2);
      if (typeof path.roundRect === 'function') path.roundRect(0, 0, el.w, el.h, r);
      else path.rect(0, 0, el.w, el.h);
      break;
    }
    default:
      break;
  }
  return path;
}

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
 * An arrow's open head (shapes.js arrowHead), or null.
 * @param {Element} el
 * @returns {Path2D | null}
 */
function headPath(el) {
  const h = arrowHead(el.points ?? [], el.width);
  if (!h) return null;
  const path = new Path2D();
  path.moveTo(h.left[0], h.left[1]);
  path.lineTo(h.tip[0], h.tip[1]);
  path.lineTo(h.right[0], h.right[1]);
  return path;
}

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

export class ElementLayer {
  /**
   * @param {BoardCanvas} canvas
   * @param {Viewport} viewport
   */
  constructor(canvas, viewport) {
    this.canvas = canvas;
    this.viewport = viewport;
    /** Rendered elements sorted by (z, id). @type {Item[]} */
    this.items = [];
    /** Gesture preview: id → item, or null to hide the element. @type {Map<string, Item | null>} */
    this.preview = new Map();
    /** Preview items whose id is not on the board yet, drawn on top. @type {Item[]} */
    this.previewNew = [];
    /** Other members' drafts by element id, drawn faint in place of the element. @type {Map<string, Item>} */
    this.drafts = new Map();
    /** Drafts whose id is not on the board, drawn above it (below previewNew). @type {Item[]} */
    this.draftsNew = [];
    /** Drawn faint (what the eraser is about to delete). @type {Set<string>} */
    this.faded = new Set();
    /** Selected ids, outlined. @type {Set<string>} */
    this.selection = new Set();
    /** Ids being edited in the text editor: drawn without their text. @type {Set<string>} */
    this.editing = new Set();
    /** The rendered element with an id (sync's view). @type {(id: string) => Element | undefined} */
    this.lookup = () => undefined;
    /**
     * The pictures of image elements (imagecache.js), or null: placeholders.
     * @type {import('./imagecache.js').ImageCache | null}
     */
    this.images = null;
    /** Whether this layer paints the board canvas (the dark theme's filter applies), not an image of it. */
    this.live = true;
    /** The font last set while painting, to set it only when it changes. */
    this.font = '';
    /** Bumped by every change of what the elements look like. */
    this.version = 0;
    /** @type {PanCache | null} */
    this.cache = null;
    this.lastScale = 0;
    this.lastDpr = 0;
    this.lastVersion = -1;
    /** How long the last direct paint of the elements took, ms. */
    this.directMs = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.settleTimer = undefined;
    /**
     * Drawn after the elements in CSS pixels: box selection, handles.
     * @type {((ctx: CanvasRenderingContext2D) => void) | null}
     */
    this.overlay = null;
    canvas.addPainter((ctx) => this.paint(ctx));
  }

  /** Repaint on the next frame (selection, overlay: the elements are as they were). */
  invalidate() {
    this.canvas.invalidate();
  }

  /** Faces arrived (fonts.js): text measured with a fallback font is laid out again. */
  /**
   * The lines the canvas draws for an element's text (a text, sticky or
   * shape label), by the rules drawText and drawLabel paint with: each
   * line's text, its left end on its baseline in the element's
   * coordinates, and whether it reads right to left. For tests, to compare
   * with the exports' layout (window.easel.layout). null: no such element.
   * @param {string} id
   * @returns {Array<{text: string, x: number, y: number, rtl: boolean}> | null}
   */
  layoutOf(id) {
    const it = this.items.find((item) => item.id === id);
    if (!it) return null;
    const el = it.el;
    const ctx = this.canvas.ctx;
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

  fontsLoaded() {
    for (const it of this.items) it.linesOf = null;
    this.changed();
  }

  /** The elements look different (edits, preview, fading, editing): repaint them. */
  changed() {
    this.version++;
    this.canvas.invalidate();
  }

  /**
   * Replace everything with these elements (after a snapshot).
   * @param {Iterable<Element>} elements
   */
  reset(elements) {
    const items = [];
    for (const el of elements) items.push(makeItem(el));
    items.sort(byOrder);
    this.items = items;
    this.splitDrafts();
    this.changed();
  }

  /**
   * Follow a change set from sync.
   * @param {ChangeSet} set
   * @param {Map<string, Element>} view all rendered elements, for a reset
   */
  apply(set, view) {
    if (set.reset) {
      this.reset(view.values());
      return;
    }
    for (const c of set.changes) {
      if (c.before && c.after && c.before.z === c.after.z) {
        const i = this.indexOf(c.before);
        if (i >= 0) {
          setElement(this.items[i], c.after);
          continue;
        }
      }
      /** @type {Item | null} */
      let item = null;
      if (c.before) {
        const i = this.indexOf(c.before);
        if (i >= 0) [item] = this.items.splice(i, 1);
      }
      if (c.after) {
        if (item) setElement(item, c.after);
        else item = makeItem(c.after);
        this.items.splice(this.insertionPoint(c.after), 0, item);
      }
    }
    if (set.changes.length > 0) {
      if (this.drafts.size > 0) this.splitDrafts();
      this.changed();
    }
  }

  /**
   * Index of an element's item (found by its z and id), or -1.
   * @param {Element} el
   * @returns {number}
   */
  indexOf(el) {
    const i = this.insertionPoint(el);
    if (i < this.items.length && this.items[i].id === el.id) return i;
    // Not where its z says (should not happen): look everywhere.
    return this.items.findIndex((it) => it.id === el.id);
  }

  /**
   * First index whose (z, id) is not below the element's.
   * @param {Element} el
   * @returns {number}
   */
  insertionPoint(el) {
    let lo = 0;
    let hi = this.items.length;
    // Common case: on top.
    if (hi > 0 && order(this.items[hi - 1].el.z, this.items[hi - 1].id, el.z, el.id) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const it = this.items[mid];
      if (order(it.el.z, it.id, el.z, el.id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** @returns {string | null} the highest z on the board */
  topZ() {
    return this.items.length > 0 ? this.items[this.items.length - 1].el.z : null;
  }

  /**
   * The lowest z above el's among the other elements, or null.
   * @param {Element} el
   * @returns {string | null}
   */
  zAbove(el) {
    for (let i = this.insertionPoint(el); i < this.items.length; i++) {
      const z = this.items[i].el.z;
      if (compareStrings(z, el.z) > 0) return z;
    }
    return null;
  }

  /**
   * Show a gesture in progress (an empty map ends it).
   * @param {Map<string, Element | null>} elements
   */
  setPreview(elements) {
    this.preview = new Map();
    this.previewNew = [];
    const onBoard = new Set();
    for (const [id, el] of elements) {
      const item = el ? makeItem(el) : null;
      this.preview.set(id, item);
      onBoard.add(id);
    }
    // New ids: not among the items.
    if (onBoard.size > 0) {
      for (const it of this.items) onBoard.delete(it.id);
      for (const id of onBoard) {
        const item = this.preview.get(id);
        if (item) this.previewNew.push(item);
      }
      this.previewNew.sort(byOrder);
    }
    this.changed();
  }

  /** End the preview. */
  clearPreview() {
    if (this.preview.size === 0 && this.previewNew.length === 0) return;
    this.preview = new Map();
    this.previewNew = [];
    this.changed();
  }

  /**
   * Show other members' drafts (an empty list ends them). An item is kept
   * while its id stays, so a draft that only moves reuses its path.
   * @param {Element[]} elements
   */
  setDrafts(elements) {
    const next = new Map();
    for (const el of elements) {
      const item = this.drafts.get(el.id);
      if (item) setElement(item, el);
      next.set(el.id, item ?? makeItem(el));
    }
    if (next.size === 0 && this.drafts.size === 0) return;
    this.drafts = next;
    this.splitDrafts();
    this.changed();
  }

  /** Which drafts have no element on the board (drawn on top, by z). */
  splitDrafts() {
    this.draftsNew = [];
    for (const item of this.drafts.values()) if (!this.lookup(item.id)) this.draftsNew.push(item);
    this.draftsNew.sort(byOrder);
  }

  /**
   * The element with this id as shown (preview first).
   * @param {string} id
   * @returns {Element | undefined}
   */
  shown(id) {
    const p = this.preview.get(id);
    if (p !== undefined) return p?.el;
    return this.lookup(id);
  }

  /**
   * Visit every element shown, bottom to top (or top to bottom with
   * reverse); stop when fn returns true.
   * @param {(el: Element, item: Item) => boolean | void} fn
   * @param {boolean} [reverse]
   */
  each(fn, reverse = false) {
    const visit = (/** @type {Item} */ it) => {
      if (this.preview.size > 0) {
        const p = this.preview.get(it.id);
        if (p === null) return false;
        if (p) it = p;
      }
      return fn(it.el, it) === true;
    };
    if (reverse) {
      for (let i = this.previewNew.length - 1; i >= 0; i--) if (visit(this.previewNew[i])) return;
      for (let i = this.items.length - 1; i >= 0; i--) if (visit(this.items[i])) return;
    } else {
      for (const it of this.items) if (visit(it)) return;
      for (const it of this.previewNew) if (visit(it)) return;
    }
  }

  /**
   * Paint the elements: from the panning cache when it holds this view,
   * else directly (see the note on the cache below).
   * @param {CanvasRenderingContext2D} ctx
   */
  paint(ctx) {
    const c = this.canvas;
    const { x: vx, y: vy, scale } = this.viewport.view;
    const dpr = c.dpr;
    const x1 = vx + c.width / scale;
    const y1 = vy + c.height / scale;
    // The same zoom and scene as the frame before: a pan (or a repaint).
    const steady = this.lastScale === scale && this.lastDpr === dpr && this.lastVersion === this.version;
    this.lastScale = scale;
    this.lastDpr = dpr;
    this.lastVersion = this.version;

    const cache = this.cache;
    const k = dpr * scale;
    const current = cache !== null && cache.dpr === dpr && cache.version === this.version;
    const cached = current && cache.scale === scale && cache.x0 <= vx && cache.y0 <= vy && cache.x1 >= x1 && cache.y1 >= y1;
    const slow = this.directMs >= CACHE_AFTER_MS;
    if (cached || (steady && slow && this.fillCache(vx, vy, x1, y1, scale, dpr))) {
      const cc = /** @type {PanCache} */ (this.cache);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.imageSmoothingEnabled = false; // whole device pixels: no blur while panning
      const w = Math.round(c.width * dpr);
      const h = Math.round(c.height * dpr);
      ctx.drawImage(cc.canvas, Math.round((vx - cc.x0) * k), Math.round((vy - cc.y0) * k), w, h, 0, 0, w, h);
      ctx.imageSmoothingEnabled = true;
      c.perf.drawn = this.countVisible(vx, vy, x1, y1);
    } else if (current && slow && !steady && scale / cache.scale > 1 / ZOOM_PREVIEW && scale / cache.scale < ZOOM_PREVIEW) {
      // Zooming over many elements: the cache stretched, until the zoom rests.
      const cc = /** @type {PanCache} */ (cache);
      const f = scale / cc.scale;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(cc.canvas, (cc.x0 - vx) * k, (cc.y0 - vy) * k, cc.canvas.width * f, cc.canvas.height * f);
      c.perf.drawn = this.countVisible(vx, vy, x1, y1);
      this.settleLater();
    } else {
      const start = performance.now();
      c.perf.drawn = this.drawElements(ctx, vx, vy, k, scale, vx, vy, x1, y1);
      this.directMs = performance.now() - start;
      // Slow: once things rest, fill the cache for the next pan or zoom.
      if (this.directMs >= CACHE_AFTER_MS) this.settleLater();
    }

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (this.selection.size > 0) this.paintSelection(ctx);
    if (this.overlay) this.overlay(ctx);
  }

  /** Repaint once nothing has changed for SETTLE_MS. */
  settleLater() {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.canvas.invalidate(), SETTLE_MS);
  }

  /**
   * Render the view and a margin around it into the panning cache.
   * Returns false when there is no canvas for it.
   * @param {number} vx visible board rect
   * @param {number} vy
   * @param {number} x1
   * @param {number} y1
   * @param {number} scale
   * @param {number} dpr
   * @returns {boolean}
   */
  fillCache(vx, vy, x1, y1, scale, dpr) {
    const k = dpr * scale;
    let mx = (x1 - vx) * CACHE_MARGIN;
    let my = (y1 - vy) * CACHE_MARGIN;
    // Keep the bitmap within CACHE_PIXELS device pixels.
    const area = (x1 - vx + 2 * mx) * (y1 - vy + 2 * my) * k * k;
    if (area > CACHE_PIXELS) {
      const f = Math.sqrt(CACHE_PIXELS / area);
      mx = Math.max(0, ((x1 - vx + 2 * mx) * f - (x1 - vx)) / 2);
      my = Math.max(0, ((y1 - vy + 2 * my) * f - (y1 - vy)) / 2);
    }
    const x0 = vx - mx;
    const y0 = vy - my;
    const w = Math.ceil((x1 - vx + 2 * mx) * k) + 1;
    const h = Math.ceil((y1 - vy + 2 * my) * k) + 1;
    let cache = this.cache;
    if (!cache) {
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d');
      if (!ctx) return false;
      cache = { canvas, ctx, scale: 0, dpr: 0, version: -1, x0: 0, y0: 0, x1: 0, y1: 0 };
      this.cache = cache;
    }
    if (cache.canvas.width !== w || cache.canvas.height !== h) {
      cache.canvas.width = w;
      cache.canvas.height = h;
    } else {
      cache.ctx.setTransform(1, 0, 0, 1, 0, 0);
      cache.ctx.clearRect(0, 0, w, h);
    }
    this.drawElements(cache.ctx, x0, y0, k, scale, x0, y0, x0 + w / k, y0 + h / k);
    cache.scale = scale;
    cache.dpr = dpr;
    cache.version = this.version;
    cache.x0 = x0;
    cache.y0 = y0;
    cache.x1 = x0 + (w - 1) / k;
    cache.y1 = y0 + (h - 1) / k;
    return true;
  }

  /**
   * How many elements are in the board rect.
   * @param {number} x0
   * @param {number} y0
   * @param {number} x1
   * @param {number} y1
   * @returns {number}
   */
  countVisible(x0, y0, x1, y1) {
    let n = 0;
    for (const it of this.items) {
      if (it.maxX < x0 || it.minX > x1 || it.maxY < y0 || it.minY > y1) continue;
      n++;
    }
    return n + this.draftsNew.length + this.previewNew.length;
  }

  /**
   * Draw every element in the board rect (x0, y0)–(x1, y1) with board point
   * (ox, oy) at the context's device origin. Returns how many were drawn.
   * @param {CanvasRenderingContext2D} ctx
   * @param {number} ox
   * @param {number} oy
   * @param {number} k device pixels per board unit
   * @param {number} scale CSS pixels per board unit
   * @param {number} x0
   * @param {number} y0
   * @param {number} x1
   * @param {number} y1
   * @returns {number}
   */
  drawElements(ctx, ox, oy, k, scale, x0, y0, x1, y1) {
    const dotSize = DOT_PX / scale;
    const previewing = this.preview.size > 0;
    const fading = this.faded.size > 0;
    const editing = this.editing.size > 0;
    let drawn = 0;

    this.font = '';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.textBaseline = 'alphabetic';
    // Unhinted glyphs at subpixel positions (Chromium on Linux otherwise
    // snaps them to the pixel grid with FreeType's hinting, which the PNG
    // export cannot reproduce): the canvas then draws the outlines the
    // export draws, and the two agree pixel for pixel (export/png.go onGrid).
    /** @type {any} */ (ctx).textRendering = 'geometricPrecision';
    const items = this.items;
    const n = items.length;
    const d = this.draftsNew.length;
    const m = this.previewNew.length;
    const drafting = this.drafts.size > 0;
    for (let i = 0; i < n + d + m; i++) {
      let it = i < n ? items[i] : i < n + d ? this.draftsNew[i - n] : this.previewNew[i - n - d];
      // Ours first (what we are dragging), then someone's draft, then the board's.
      let draft = i >= n && i < n + d;
      const p = previewing && i < n ? this.preview.get(it.id) : undefined;
      if (p === null) continue;
      if (p) it = p;
      else if (drafting && i < n) {
        const q = this.drafts.get(it.id);
        if (q) {
          it = q;
          draft = true;
        }
      }
      if (it.maxX < x0 || it.minX > x1 || it.maxY < y0 || it.minY > y1) continue;
      drawn++;
      const faint = fading && this.faded.has(it.id);
      if (faint) ctx.globalAlpha = 0.25;
      else if (draft) ctx.globalAlpha = DRAFT_ALPHA;
      const size = Math.max(it.maxX - it.minX, it.maxY - it.minY);
      if (size < dotSize) {
        // Too small to see a shape: a dot of its color.
        const el = it.el;
        ctx.setTransform(k, 0, 0, k, -ox * k, -oy * k);
        ctx.fillStyle = el.kind === 'sticky' ? el.fill ?? STICKY_FILL : el.kind === 'image' ? PLACEHOLDER_SIGN : el.fill ?? el.stroke;
        ctx.fillRect(it.minX, it.minY, dotSize, dotSize);
      } else {
        this.drawItem(ctx, it, k, ox, oy, scale, size * scale, editing && this.editing.has(it.id));
      }
      if (faint || draft) ctx.globalAlpha = 1;
    }
    return drawn;
  }

  /**
   * @param {CanvasRenderingContext2D} ctx
   * @param {Item} it
   * @param {number} k device pixels per board unit
   * @param {number} ox board point at the device origin
   * @param {number} oy
   * @param {number} scale
   * @param {number} px the element's size on screen, CSS px
   * @param {boolean} noText the text editor shows its text
   */
  drawItem(ctx, it, k, ox, oy, scale, px, noText) {
    const el = it.el;
    if (el.kind !== 'text' && (!it.path || !it.shapeOf || !sameShape(it.shapeOf, el))) {
      it.path = buildPath(el);
      it.head = el.kind === 'arrow' ? headPath(el) : null;
      it.lod = null;
    }
    it.shapeOf = el;
    const ka = k * it.a;
    const kb = k * it.b;
    const e = (it.e - ox) * k;
    const f = (it.f - oy) * k;
    ctx.setTransform(ka, kb, -kb, ka, e, f);
    let path = /** @type {Path2D} */ (it.path);
    const dashed = it.dash.length > 0;
    if (dashed) ctx.setLineDash(it.dash);
    switch (el.kind) {
      case 'stroke':
        if (el.points && el.points.length === 1) {
          ctx.fillStyle = el.stroke;
          ctx.fill(path);
          break;
        }
        // Small on screen: a few straight segments look the same.
        if (px < LOD_PX && el.points && el.points.length > LOD_POINTS) {
          if (!it.lod) it.lod = lodPath(el);
          path = it.lod;
        }
        ctx.strokeStyle = el.stroke;
        ctx.lineWidth = el.width;
        ctx.stroke(path);
        break;
      case 'rect':
      case 'ellipse':
      case 'diamond':
        if (el.fill) {
          ctx.fillStyle = el.fill;
          ctx.fill(path);
        }
        ctx.strokeStyle = el.stroke;
        ctx.lineWidth = el.width;
        ctx.stroke(path);
        if (el.text && !noText) {
          if (dashed) ctx.setLineDash(NO_DASH);
          this.drawLabel(ctx, it, scale);
        }
        break;
      case 'line':
      case 'arrow':
        ctx.strokeStyle = el.stroke;
        ctx.lineWidth = el.width;
        ctx.stroke(path);
        if (it.head) {
          // The head is never dashed.
          if (dashed) ctx.setLineDash(NO_DASH);
          ctx.stroke(it.head);
        }
        break;
      case 'sticky': {
        if (px >= SHADOW_PX) {
          // The shadow falls straight down on screen, whatever the turn.
          ctx.setTransform(ka, kb, -kb, ka, e, f + 3 * (k / scale));
          ctx.fillStyle = SHADOW;
          ctx.fill(path);
          ctx.setTransform(ka, kb, -kb, ka, e, f);
          ctx.fillStyle = el.fill ?? STICKY_FILL;
          ctx.fill(path);
        } else {
          ctx.fillStyle = el.fill ?? STICKY_FILL;
          ctx.fillRect(0, 0, el.w, el.h);
        }
        if (!noText) this.drawText(ctx, it, scale, STICKY_PADDING);
        break;
      }
      case 'text':
        if (!noText) this.drawText(ctx, it, scale, 0);
        break;
      case 'image':
        this.drawPicture(ctx, el, scale);
        break;
      default:
        break;
    }
    if (dashed) ctx.setLineDash(NO_DASH);
  }

  /**
   * Draw an image element in its box (the current transform): the picture
   * when the cache has it, else its placeholder.
   * @param {CanvasRenderingContext2D} ctx
   * @param {Element} el
   * @param {number} scale
   */
  drawPicture(ctx, el, scale) {
    const sha = blobSHA(el.src);
    const picture = sha && this.images ? this.images.image(sha, this.live) : null;
    if (picture) {
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(picture, 0, 0, el.w, el.h);
      return;
    }
    paintPlaceholder(ctx, el.w, el.h, scale, !!sha && this.images?.state(sha) === 'failed');
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
    if (this.font !== it.font) {
      ctx.font = it.font;
      this.font = it.font;
    }
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
    if (this.font !== it.font) {
      ctx.font = it.font;
      this.font = it.font;
    }
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
   * Outline each selected element (CSS pixel transform), turned with it.
   * @param {CanvasRenderingContext2D} ctx
   */
  paintSelection(ctx) {
    const v = this.viewport;
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = 1;
    const box = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
    for (const id of this.selection) {
      const el = this.shown(id);
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

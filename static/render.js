// Render: the elements layer of the board canvas. Keeps the rendered
// elements (confirmed + pending, from sync) as items sorted by z then id,
// and paints the visible ones each frame the canvas repaints. Each concern
// has a module of its own under render/, which this layer composes:
//
//   items.js     an element with its cached box, transform, dash and font
//   paths.js     the Path2D of each shape, built once per shape
//   cull.js      which items overlap the rect being painted
//   lod.js       what small things are drawn as (dots, coarse strokes)
//   text.js      text, sticky and label lines, bars when tiny
//   picture.js   images and their placeholders
//   pancache.js  the bitmap that pans and zooms copy once painting is slow
//   overlays.js  selection, handles, band, rotate handle, bind target
//
// Cost per change: a binary search and a splice per changed element (a full
// sort only after a snapshot). Cost per frame: one box test per element,
// then drawing what is visible, with no allocation: items are reused, paths
// are built once per shape in the element's own coordinates and placed with
// setTransform.
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

import { STICKY_FILL } from './element.js';
import { STICKY_PADDING } from './textlayout.js';
import { compareStrings } from './zorder.js';
import { countOverlapping, overlaps } from './render/cull.js';
import { byOrder, makeItem, NO_DASH, order, setElement } from './render/items.js';
import { DOT_PX, paintDot, SHADOW_PX, strokePath } from './render/lod.js';
import { paintSelection } from './render/overlays.js';
import { PanCache } from './render/pancache.js';
import { ensurePath } from './render/paths.js';
import { drawPicture } from './render/picture.js';
import { TextPainter } from './render/text.js';

// The tools draw their overlays with these (tools/select.js, tools/shape.js).
export { HANDLE_PX, paintBand, paintBindTarget, paintHandles, paintRotateHandle, ROTATE_HANDLE_PX } from './render/overlays.js';
export { buildPath } from './render/paths.js';
export { paintPlaceholder } from './render/picture.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./canvas.js').BoardCanvas} BoardCanvas */
/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./sync.js').ChangeSet} ChangeSet */
/** @typedef {import('./render/items.js').Item} Item */

const SHADOW = 'rgba(16, 24, 40, 0.16)';
/** Others' drafts are drawn this opaque: there, but not done yet. */
export const DRAFT_ALPHA = 0.6;

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
    /** Text and labels, with the font last set while painting. */
    this.text = new TextPainter();
    /** Bumped by every change of what the elements look like. */
    this.version = 0;
    /** Pans over a slow board copy a bitmap of it (pancache.js). */
    this.pan = new PanCache(() => this.canvas.invalidate());
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

  /**
   * The lines the canvas draws for an element's text (a text, sticky or
   * shape label), by the rules drawText and drawLabel paint with (text.js).
   * For tests, to compare with the exports' layout (window.easel.layout).
   * null: no such element.
   * @param {string} id
   * @returns {Array<{text: string, x: number, y: number, rtl: boolean}> | null}
   */
  layoutOf(id) {
    const it = this.items.find((item) => item.id === id);
    return it ? this.text.layout(this.canvas.ctx, it.el) : null;
  }

  /** Faces arrived (fonts.js): text measured with a fallback font is laid out again. */
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
   * Paint the elements (directly, or from the panning cache: pancache.js),
   * then the selection and the tool's overlay.
   * @param {CanvasRenderingContext2D} ctx
   */
  paint(ctx) {
    const c = this.canvas;
    const draw = this.drawElements.bind(this);
    const count = (/** @type {number} */ x0, /** @type {number} */ y0, /** @type {number} */ x1, /** @type {number} */ y1) =>
      countOverlapping(this.items, x0, y0, x1, y1) + this.draftsNew.length + this.previewNew.length;
    c.perf.drawn = this.pan.paint(ctx, c, this.viewport.view, this.version, draw, count);
    ctx.setTransform(c.dpr, 0, 0, c.dpr, 0, 0);
    if (this.selection.size > 0) paintSelection(ctx, this.selection, (id) => this.shown(id), this.viewport);
    if (this.overlay) this.overlay(ctx);
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

    this.text.reset();
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
      if (!overlaps(it, x0, y0, x1, y1)) continue;
      drawn++;
      const faint = fading && this.faded.has(it.id);
      if (faint) ctx.globalAlpha = 0.25;
      else if (draft) ctx.globalAlpha = DRAFT_ALPHA;
      const size = Math.max(it.maxX - it.minX, it.maxY - it.minY);
      if (size < dotSize) {
        paintDot(ctx, it, k, ox, oy, dotSize); // too small to see a shape
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
    ensurePath(it);
    const ka = k * it.a;
    const kb = k * it.b;
    const e = (it.e - ox) * k;
    const f = (it.f - oy) * k;
    ctx.setTransform(ka, kb, -kb, ka, e, f);
    const path = /** @type {Path2D} */ (it.path);
    const dashed = it.dash.length > 0;
    if (dashed) ctx.setLineDash(it.dash);
    switch (el.kind) {
      case 'stroke':
        if (el.points && el.points.length === 1) {
          ctx.fillStyle = el.stroke;
          ctx.fill(path);
          break;
        }
        ctx.strokeStyle = el.stroke;
        ctx.lineWidth = el.width;
        ctx.stroke(strokePath(it, px));
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
          this.text.drawLabel(ctx, it, scale);
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
        if (!noText) this.text.drawText(ctx, it, scale, STICKY_PADDING);
        break;
      }
      case 'text':
        if (!noText) this.text.drawText(ctx, it, scale, 0);
        break;
      case 'image':
        drawPicture(ctx, el, scale, this.images, this.live);
        break;
      default:
        break;
    }
    if (dashed) ctx.setLineDash(NO_DASH);
  }
}

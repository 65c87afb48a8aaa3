// Clipboard: Ctrl/⌘+C, X and V copy, cut and paste the selection through
// the system clipboard as text/plain holding Easel clipboard JSON
// ({"type":"easel/clipboard","version":1,"elements":[…]}), so it pastes
// into another board, tab or browser page. Pasted elements get fresh ids
// (start/end bindings and groups renamed within the pasted set, bindings to
// anything outside it dropped) and z keys above the board; they land
// centred on the pointer when it is over the board, else where they were
// copied from, 16 units further down-right on each repeated paste. Plain
// text pastes as a text element. Ctrl/⌘+Shift+C copies the selection as a
// PNG (drawn here by the board's own painter). Each paste or cut is one ops
// message and one undo step. Excalidraw's clipboard JSON
// ("excalidraw/clipboard") goes through the board's import route, centred
// on the pointer, so its shapes come over as an import does. A picture on
// the clipboard (a screenshot, an image copied in another program or page)
// goes up as an image element centred on the pointer (imageupload.js),
// unless the text beside it is Easel's or Excalidraw's clipboard JSON.
// Copied images carry their bytes ("files", as in the JSON export), so
// that a paste into another board uploads them there before placing them;
// an image whose bytes neither the board nor the clipboard has is left out
// with a toast (the server would refuse the whole paste for it).
// Typing in a field keeps the browser's own clipboard behaviour.

import { remapBindings } from './bindings.js';
import { filesOf, readFiles } from './blobs.js';
import { blobSHA, clampText, fromWire, TEXT_FONT } from './element.js';
import { fontsReadyFor } from './fonts.js';
import { shapeBox } from './geometry.js';
import { regroup } from './organise.js';
import { ElementLayer } from './render.js';
import { isTextField } from './shortcuts.js';
import { resizeWhenFontsArrive } from './tools/text.js';
import { canvasMeasure, LINE_HEIGHT, textSize } from './textlayout.js';
import { compareStrings, keysBetween } from './zorder.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */
/** @typedef {import('./whiteboard.js').Whiteboard} Whiteboard */

export const CLIPBOARD_TYPE = 'easel/clipboard';
const EXCALIDRAW_CLIPBOARD = 'excalidraw/clipboard';
/** Board units between repeated pastes of the same thing. */
export const PASTE_OFFSET = 16;
/** Board units of white around a copied PNG, and its pixels per unit. */
const PNG_MARGIN = 16;
const PNG_SCALE = 2;
/** The largest PNG side, device pixels (canvas limits). */
const PNG_MAX_SIDE = 8192;

/**
 * The clipboard text of a selection, with the bytes of its images when
 * given ({"<sha256>": {"mime", "data": base64}}).
 * @param {Element[]} elements bottom to top
 * @param {Record<string, {mime: string, data: string}>} [files]
 * @returns {string}
 */
export function clipboardText(elements, files = {}) {
  return JSON.stringify(Object.keys(files).length > 0 ? { type: CLIPBOARD_TYPE, version: 1, elements, files } : { type: CLIPBOARD_TYPE, version: 1, elements });
}

/**
 * The elements of Easel clipboard text, each made drawable (fromWire);
 * null when the text is not Easel clipboard JSON.
 * @param {string} text
 * @returns {Element[] | null}
 */
export function parseClipboard(text) {
  return parseClipboardData(text)?.elements ?? null;
}

/**
 * Easel clipboard text read whole: its drawable elements and the valid
 * image bytes it carries; null when it is not Easel clipboard JSON.
 * @param {string} text
 * @returns {{elements: Element[], files: Record<string, {mime: string, data: Uint8Array}>} | null}
 */
export function parseClipboardData(text) {
  if (!text.trimStart().startsWith('{')) return null;
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!parsed || parsed.type !== CLIPBOARD_TYPE || !Array.isArray(parsed.elements)) return null;
  /** @type {Element[]} */
  const out = [];
  for (const raw of parsed.elements) {
    const el = fromWire(raw);
    if (el) out.push(el);
  }
  return { elements: out, files: readFiles(parsed.files) };
}

/**
 * Excalidraw's clipboard text made an Excalidraw scene the import route
 * reads, or null when the text is something else.
 * @param {string} text
 * @returns {string | null}
 */
export function excalidrawScene(text) {
  if (!text.trimStart().startsWith('{')) return null;
  try {
    const parsed = JSON.parse(text);
    if (!parsed || parsed.type !== EXCALIDRAW_CLIPBOARD || !Array.isArray(parsed.elements)) return null;
    return JSON.stringify({ ...parsed, type: 'excalidraw', version: 2 });
  } catch {
    return null;
  }
}

/**
 * The files a paste carries (a copied picture is one), in order.
 * @param {DataTransfer} data
 * @returns {File[]}
 */
export function clipboardFiles(data) {
  if (data.files && data.files.length > 0) return [...data.files];
  /** @type {File[]} */
  const out = [];
  for (const item of data.items ?? []) {
    if (item.kind !== 'file') continue;
    const f = item.getAsFile();
    if (f) out.push(f);
  }
  return out;
}

/**
 * The box around elements' shapes, or null for none.
 * @param {Element[]} elements
 * @returns {{minX: number, minY: number, maxX: number, maxY: number} | null}
 */
export function boundsOf(elements) {
  if (elements.length === 0) return null;
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const one = { minX: 0, minY: 0, maxX: 0, maxY: 0 };
  for (const el of elements) {
    shapeBox(el, one);
    b.minX = Math.min(b.minX, one.minX);
    b.minY = Math.min(b.minY, one.minY);
    b.maxX = Math.max(b.maxX, one.maxX);
    b.maxY = Math.max(b.maxY, one.maxY);
  }
  return b;
}

/**
 * Copies of elements to paste: fresh ids, bindings and groups renamed
 * consistently within the set (bindings to other elements dropped), z keys
 * above top in their order, moved by (dx, dy).
 * @param {Element[]} elements
 * @param {object} opts
 * @param {() => string} opts.newId
 * @param {string | null} opts.top the board's highest z key
 * @param {number} opts.dx
 * @param {number} opts.dy
 * @returns {Element[]}
 */
export function freshCopies(elements, { newId, top, dx, dy }) {
  // A whole 1/100 shift keeps every offset between the copies as it was.
  dx = Math.round(dx * 100) / 100;
  dy = Math.round(dy * 100) / 100;
  const sorted = [...elements].sort((a, b) => compareStrings(a.z, b.z) || compareStrings(a.id, b.id));
  /** @type {Map<string, string>} */
  const ids = new Map();
  for (const el of sorted) if (!ids.has(el.id)) ids.set(el.id, newId());
  const keys = keysBetween(top, null, sorted.length);
  /** @type {Element[]} */
  const out = [];
  const seen = new Set();
  sorted.forEach((el, i) => {
    if (seen.has(el.id)) return; // the same id twice: the first wins
    seen.add(el.id);
    /** @type {Element} */
    const copy = { ...el, id: /** @type {string} */ (ids.get(el.id)), x: move(el.x, dx), y: move(el.y, dy) };
    copy.z = keys[i] ?? keys[keys.length - 1] ?? el.z;
    out.push(remapBindings(copy, ids));
  });
  // Groups renamed within the set, as duplicates are (organise.js).
  return regroup(out, () => `g${newId()}`.slice(0, 64));
}

/**
 * A coordinate moved and kept within the server's ±1e7, to 1/100.
 * @param {number} v
 * @param {number} d
 * @returns {number}
 */
function move(v, d) {
  return Math.round(Math.min(1e7, Math.max(-1e7, v + d)) * 100) / 100;
}

export class Clipboard {
  /**
   * @param {object} opts
   * @param {Whiteboard} opts.board
   * @param {(text: string) => void} opts.notify the toast
   * @param {(scene: string, at: {x: number, y: number}) => void} [opts.importScene] imports an Excalidraw scene centred at a board point (editors)
   * @param {(files: File[], at: {x: number, y: number}) => void} [opts.pasteImages] puts pictures on the board centred at a board point (editors)
   * @param {(sha: string) => {type: string, bytes: Uint8Array} | null} [opts.blobBytes] the bytes of an image this page holds, for a copy
   * @param {(shas: string[], files: Record<string, {mime: string, data: Uint8Array}>) => Promise<Set<string>>} [opts.ensureBlobs] the board holds these blobs afterwards (uploading the clipboard's bytes where needed)
   */
  constructor({ board, notify, importScene, pasteImages, blobBytes, ensureBlobs }) {
    this.board = board;
    this.notify = notify;
    this.importScene = importScene ?? null;
    this.pasteImages = pasteImages ?? null;
    this.blobBytes = blobBytes ?? (() => null);
    this.ensureBlobs = ensureBlobs ?? null;
    /** The pointer over the board, CSS px from the canvas's top left; null when off it. @type {{sx: number, sy: number} | null} */
    this.pointer = null;
    /** What the last paste pasted, where, and how often in a row. */
    this.last = { text: '', sx: NaN, sy: NaN, repeats: 0 };
    const s = board.surface;
    s.addEventListener('pointermove', (ev) => {
      const r = s.getBoundingClientRect();
      this.pointer = { sx: ev.clientX - r.left, sy: ev.clientY - r.top };
    });
    s.addEventListener('pointerleave', () => {
      this.pointer = null;
    });
    document.addEventListener('copy', (ev) => this.onCopy(ev, false));
    document.addEventListener('cut', (ev) => this.onCopy(ev, true));
    document.addEventListener('paste', (ev) => this.onPaste(ev));
    window.addEventListener('keydown', (ev) => {
      if (ev.defaultPrevented || isTextField(ev.target)) return;
      if ((ev.ctrlKey || ev.metaKey) && ev.shiftKey && !ev.altKey && ev.key.toLowerCase() === 'c') {
        ev.preventDefault();
        this.copyPNG();
      }
    });
  }

  /**
   * Whether a clipboard event is the board's (not a field's or a text
   * selection's on the page).
   * @param {ClipboardEvent} ev
   * @returns {boolean}
   */
  ours(ev) {
    if (isTextField(ev.target) || isTextField(document.activeElement)) return false;
    const sel = document.getSelection();
    return !sel || sel.isCollapsed || sel.toString() === '';
  }

  /**
   * @param {ClipboardEvent} ev
   * @param {boolean} cut
   */
  onCopy(ev, cut) {
    if (!this.ours(ev) || !ev.clipboardData) return;
    const els = this.board.selected();
    if (els.length === 0) return;
    ev.preventDefault();
    ev.clipboardData.setData('text/plain', clipboardText(els, filesOf(els, this.blobBytes)));
    this.last = { text: '', sx: NaN, sy: NaN, repeats: 0 };
    if (cut && !this.board.readOnly) this.board.deleteSelection();
  }

  /** @param {ClipboardEvent} ev */
  onPaste(ev) {
    if (!this.ours(ev) || !ev.clipboardData) return;
    const b = this.board;
    if (b.readOnly) {
      this.notify('This link can only view the board: pasting needs the edit link');
      return;
    }
    if (!b.sync.hasState) return;
    const text = ev.clipboardData.getData('text/plain');
    const data = text === '' ? null : parseClipboardData(text);
    const els = data?.elements ?? null;
    const scene = text === '' || els ? null : excalidrawScene(text);
    // Boards' own clipboards first; then a picture; then text (a file
    // manager's copied document pastes its name, as before).
    const files = els || scene ? [] : clipboardFiles(ev.clipboardData).filter((f) => text === '' || f.type === '' || f.type.startsWith('image/'));
    if (text === '' && files.length === 0) return;
    ev.preventDefault();
    const at = this.pointerOnBoard() ?? this.viewCenter();
    if (data && els) this.pasteWithImages(text, els, data.files);
    else if (scene && this.importScene) this.importScene(scene, at);
    else if (files.length > 0) {
      if (this.pasteImages) this.pasteImages(files, at);
      else this.notify('Pasting images needs the edit link');
    } else this.pasteText(text);
  }

  /** @returns {{x: number, y: number}} the board point at the centre of the view */
  viewCenter() {
    const s = this.board.surface;
    return this.board.viewport.toBoard(s.clientWidth / 2, s.clientHeight / 2);
  }

  /**
   * Where a paste is centred: the pointer over the board, else null.
   * @returns {{x: number, y: number} | null}
   */
  pointerOnBoard() {
    return this.pointer ? this.board.viewport.toBoard(this.pointer.sx, this.pointer.sy) : null;
  }

  /**
   * How many times in a row this text was pasted here before: each repeat
   * lands PASTE_OFFSET further, so copies do not hide each other.
   * @param {string} text
   * @param {{sx: number, sy: number} | null} [p] the pointer then
   * @returns {number}
   */
  repeat(text, p = this.pointer) {
    const sx = p ? p.sx : NaN;
    const sy = p ? p.sy : NaN;
    const same = this.last.text === text && (p ? sx === this.last.sx && sy === this.last.sy : Number.isNaN(this.last.sx));
    this.last = { text, sx, sy, repeats: same ? this.last.repeats + 1 : 0 };
    return this.last.repeats;
  }

  /**
   * Paste elements; those with images once the board holds their bytes
   * (after uploading the ones the clipboard carries), leaving out the
   * images it cannot have.
   * @param {string} text the clipboard text
   * @param {Element[]} els
   * @param {Record<string, {mime: string, data: Uint8Array}>} files
   */
  pasteWithImages(text, els, files) {
    const shas = [...new Set(els.flatMap((el) => (el.kind === 'image' ? [blobSHA(el.src) ?? ''] : [])))];
    if (shas.length === 0 || !this.ensureBlobs) {
      this.pasteElements(text, els);
      return;
    }
    const where = this.pointer;
    this.ensureBlobs(shas, files).then((held) => {
      const kept = els.filter((el) => el.kind !== 'image' || held.has(blobSHA(el.src) ?? ''));
      const lost = els.length - kept.length;
      if (lost > 0) this.notify(lost === 1 ? 'An image was left out: its bytes are not on this board' : `${lost} images were left out: their bytes are not on this board`);
      this.pasteElements(text, kept, where); // centred where the paste was asked for
    });
  }

  /**
   * @param {string} text the clipboard text
   * @param {Element[]} els
   * @param {{sx: number, sy: number} | null} [pointer] where the pointer was (now by default)
   */
  pasteElements(text, els, pointer = this.pointer) {
    const box = boundsOf(els);
    if (!box) return;
    const n = this.repeat(text, pointer);
    const at = pointer ? this.board.viewport.toBoard(pointer.sx, pointer.sy) : null;
    let dx = PASTE_OFFSET * (n + 1);
    let dy = dx;
    if (at) {
      dx = at.x - (box.minX + box.maxX) / 2 + PASTE_OFFSET * n;
      dy = at.y - (box.minY + box.maxY) / 2 + PASTE_OFFSET * n;
    }
    const b = this.board;
    const copies = freshCopies(els, { newId: () => b.newId(), top: b.layer.topZ(), dx, dy });
    b.commit(copies.map((el) => ({ op: /** @type {const} */ ('put'), el })));
    b.select(copies.filter((el) => !el.locked).map((el) => el.id)); // locked ones cannot be selected
  }

  /** @param {string} raw */
  pasteText(raw) {
    const text = clampText(raw.replace(/\r\n?/g, '\n'));
    if (text.trim() === '') return;
    const b = this.board;
    const n = this.repeat(text);
    const at = this.pointerOnBoard() ?? this.viewCenter();
    const font = TEXT_FONT;
    const size = textSize(text, font, canvasMeasure(font));
    const h = Math.max(size.h, Math.ceil(font * LINE_HEIGHT));
    /** @type {Element} */
    const el = {
      id: b.newId(),
      kind: 'text',
      x: move(at.x - size.w / 2, PASTE_OFFSET * n),
      y: move(at.y - h / 2, PASTE_OFFSET * n),
      w: Math.max(1, size.w),
      h,
      rot: 0,
      stroke: b.style.stroke,
      fill: null,
      width: b.style.width,
      text,
      font,
      z: b.topZ(),
    };
    b.commit([{ op: 'put', el }]);
    b.select([el.id]);
    if (!fontsReadyFor(text)) resizeWhenFontsArrive(b, el.id, text, font);
  }

  /** Ctrl/⌘+Shift+C: the selection as an image/png on the clipboard. */
  copyPNG() {
    const els = this.board.selected();
    if (els.length === 0) return;
    if (!navigator.clipboard || typeof ClipboardItem === 'undefined') {
      this.notify('Copying images needs a secure page (https or localhost)');
      return;
    }
    const png = selectionPNG(els, this.board.viewport, this.board.layer.images);
    navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]).then(
      () => this.notify(els.length === 1 ? 'Copied 1 element as PNG' : `Copied ${els.length} elements as PNG`),
      (err) => {
        console.warn('easel: copying a PNG failed', err);
        this.notify('Copying as PNG failed: the browser refused the clipboard');
      },
    );
  }
}

/**
 * Draw elements on white with the board's own painter, into a PNG.
 * @param {Element[]} els
 * @param {import('./viewport.js').Viewport} viewport
 * @param {import('./imagecache.js').ImageCache | null} [images] the board's pictures (images not loaded yet are placeholders)
 * @returns {Promise<Blob>}
 */
export function selectionPNG(els, viewport, images = null) {
  const stub = /** @type {any} */ ({ addPainter() {}, invalidate() {} });
  const layer = new ElementLayer(stub, viewport);
  layer.images = images;
  layer.live = false; // on white, not through the dark theme's filter
  layer.reset(els);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const it of layer.items) {
    minX = Math.min(minX, it.minX);
    minY = Math.min(minY, it.minY);
    maxX = Math.max(maxX, it.maxX);
    maxY = Math.max(maxY, it.maxY);
  }
  minX -= PNG_MARGIN;
  minY -= PNG_MARGIN;
  maxX += PNG_MARGIN;
  maxY += PNG_MARGIN;
  const k = Math.min(PNG_SCALE, PNG_MAX_SIDE / Math.max(maxX - minX, maxY - minY, 1));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.ceil((maxX - minX) * k));
  canvas.height = Math.max(1, Math.ceil((maxY - minY) * k));
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  layer.drawElements(ctx, minX, minY, k, k, minX, minY, maxX, maxY);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas made no PNG'))), 'image/png');
  });
}

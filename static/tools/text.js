// Text and sticky tools, and the text editor they share (a positioned
// <textarea data-testid="text-editor"> over the element, turned with it).
//
// Enter inserts a new line, as in Excalidraw; Escape, Ctrl/⌘+Enter or a
// click outside (leaving the editor) finishes and commits one ops message.
// Text: a click places the editor; empty text makes nothing (and empties an
// existing text away). Sticky: a click shows a 200×160 note (fill #ffd43b;
// recolor it with the fill control) with the editor on it; the note is made,
// with its text, when the editor closes. With either tool a click on an
// existing text or sticky edits it; so does a double-click with select. Labels: a double-click on a rect,
// ellipse or diamond edits the text drawn centred inside it, wrapped to it
// (an empty label is removed).

import { clampText, DEFAULT_STROKE, STICKY_FILL, STICKY_FONT, STICKY_SIZE, TEXT_FONT, round2 } from '../element.js';
import { centerOf } from '../geometry.js';
import { LABEL_PADDING, labelBox, labelInset } from '../shapes.js';
import { FONT_STACK as FONT_FAMILY, fontsReadyFor, needFonts, whenFontsFor } from '../fonts.js';
import { breakLines, canvasMeasure, LINE_HEIGHT, STICKY_PADDING, textSize } from '../textlayout.js';

/** @typedef {import('../element.js').Element} Element */
/** @typedef {import('../viewport.js').Viewport} Viewport */
/** @typedef {import('../whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('../whiteboard.js').ToolPointer} ToolPointer */

/**
 * The size of a text element for its text.
 * @param {string} text
 * @param {number} font
 * @returns {{w: number, h: number}}
 */
export function measureText(text, font) {
  const size = textSize(text, font, canvasMeasure(font));
  return { w: Math.max(1, size.w), h: Math.max(1, size.h) };
}

/**
 * Where a label wraps, centred in its shape: the size of shapes.js
 * labelBox, which draws it.
 * @param {Element} el
 * @returns {{w: number, h: number}} board units
 */
export function labelArea(el) {
  const box = labelBox(el);
  return { w: box.w, h: box.h };
}

/**
 * A labelled shape grown taller when its wrapped label does not fit, as
 * Excalidraw grows a text container: the top stays (the centre, when the
 * shape is turned, so it does not shift sideways).
 * @param {Element} el with text and font
 * @returns {{y: number, h: number} | null} the new y and h, or null when it fits
 */
export function fitLabel(el) {
  const font = el.font ?? TEXT_FONT;
  const lines = breakLines(el.text ?? '', canvasMeasure(font), labelArea(el).w).length;
  const f = labelInset(el.kind);
  const need = Math.ceil((lines * font * LINE_HEIGHT + 2 * LABEL_PADDING) / f);
  const h = Math.abs(el.h);
  if (need <= h) return null;
  const top = Math.min(el.y, el.y + el.h);
  return { y: el.rot ? round2(top - (need - h) / 2) : top, h: need };
}

/**
 * An element with the editor's text, as its commit puts it (and as the
 * other members see it meanwhile, drafts.js): a text sized to its text, a
 * label fitted into its shape (taken away when blank, with its font), a
 * sticky note as it is.
 * @param {Element} base
 * @param {string} text
 * @param {boolean} label
 * @returns {Element}
 */
export function withText(base, text, label) {
  if (label) {
    /** @type {Element} */
    const next = { ...base };
    if (text.trim() === '') {
      delete next.text;
      delete next.font;
    } else {
      next.text = text;
      next.font = base.font ?? TEXT_FONT;
      Object.assign(next, fitLabel(next));
    }
    return next;
  }
  if (base.kind !== 'text') return { ...base, text };
  const size = measureText(text, base.font ?? TEXT_FONT);
  return { ...base, text, w: size.w, h: size.h };
}

/**
 * @typedef {object} EditSession
 * @property {Element} el the element as the editor opened
 * @property {boolean} [label] editing the label of a shape
 * @property {(text: string) => void} commit
 * @property {() => void} cancel
 * @property {(text: string) => void} [input] the text changed (not committed yet)
 */

export class TextEditor {
  /**
   * @param {HTMLElement} stage the element over the canvas to place it in
   * @param {Viewport} viewport
   */
  constructor(stage, viewport) {
    this.viewport = viewport;
    const area = document.createElement('textarea');
    area.className = 'text-editor';
    area.dataset.testid = 'text-editor';
    area.spellcheck = false;
    area.maxLength = 4000;
    area.setAttribute('aria-label', 'Text');
    area.setAttribute('autocomplete', 'off');
    area.hidden = true;
    stage.append(area);
    this.area = area;
    /** @type {EditSession | null} */
    this.session = null;

    area.addEventListener('keydown', (ev) => {
      ev.stopPropagation(); // no board shortcuts while typing
      if (ev.isComposing) return;
      // Enter is a new line; Escape or Ctrl/⌘+Enter finishes (and keeps the text).
      if (ev.key === 'Escape' || (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey))) {
        ev.preventDefault();
        this.close(true);
      }
    });
    area.addEventListener('input', () => {
      needFonts(area.value); // a CJK or Arabic face loads while the person types
      this.place();
      this.session?.input?.(clampText(area.value));
    });
    area.addEventListener('blur', () => this.close(true));
    viewport.onChange(() => this.place());
  }

  /** @returns {boolean} */
  get isOpen() {
    return this.session !== null;
  }

  /**
   * Open the editor on an element.
   * @param {EditSession} session
   */
  open(session) {
    if (this.session) this.close(true);
    this.session = session;
    const area = this.area;
    area.value = session.el.text ?? '';
    area.hidden = false;
    area.classList.toggle('text-editor--sticky', session.el.kind === 'sticky');
    area.classList.toggle('text-editor--label', session.label === true);
    area.setAttribute('aria-label', session.label ? 'Label' : 'Text');
    this.place();
    area.focus({ preventScroll: true });
    area.setSelectionRange(area.value.length, area.value.length);
  }

  /**
   * Close the editor, committing or cancelling. Safe to call twice.
   * @param {boolean} commit
   */
  close(commit) {
    const s = this.session;
    if (!s) return;
    this.session = null;
    const text = clampText(this.area.value);
    this.area.hidden = true;
    this.area.blur();
    if (commit) s.commit(text);
    else s.cancel();
  }

  /** Position and size the editor over its element at the current zoom. */
  place() {
    const s = this.session;
    if (!s) return;
    const el = s.el;
    const v = this.viewport;
    const scale = v.scale;
    const font = el.font ?? TEXT_FONT;
    const p = v.toScreen(el.x, el.y);
    const st = this.area.style;
    st.left = `${p.x}px`;
    st.top = `${p.y}px`;
    st.font = `${font * scale}px/${LINE_HEIGHT} ${FONT_FAMILY}`;
    st.color = el.stroke;
    // Turned with its element, about the element's centre.
    const c = centerOf(el);
    const o = v.toScreen(c.x, c.y);
    st.transformOrigin = `${o.x - p.x}px ${o.y - p.y}px`;
    st.transform = el.rot ? `rotate(${el.rot}rad)` : '';
    if (s.label) {
      // Centred on the shape, wrapped to its label area, growing both ways.
      const area = labelArea(el);
      const w = area.w * scale;
      st.width = `${w}px`;
      st.padding = '0';
      st.background = 'transparent';
      st.height = '0px';
      const h = Math.max(this.area.scrollHeight, font * LINE_HEIGHT * scale);
      st.height = `${h}px`;
      st.left = `${o.x - w / 2}px`;
      st.top = `${o.y - h / 2}px`;
      st.transformOrigin = `${w / 2}px ${h / 2}px`;
    } else if (el.kind === 'sticky') {
      st.width = `${Math.abs(el.w) * scale}px`;
      st.height = `${Math.abs(el.h) * scale}px`;
      st.padding = `${STICKY_PADDING * scale}px`;
      st.background = el.fill ?? STICKY_FILL;
    } else {
      const size = measureText(this.area.value || ' ', font);
      st.width = `${(size.w + font) * scale}px`;
      st.height = `${size.h * scale}px`;
      st.padding = '0';
      st.background = 'transparent';
    }
  }
}

/**
 * Open the editor on an element, which is drawn without its text while the
 * editor shows it.
 * @param {Whiteboard} board
 * @param {{el: Element, label?: boolean, isNew?: boolean, commit: (text: string) => void}} session
 */
function editOnBoard(board, session) {
  const layer = board.layer;
  // A new sticky note is shown (under the editor) until it is committed.
  const shown = session.isNew === true && session.el.kind === 'sticky';
  const done = () => {
    layer.editing.delete(session.el.id);
    if (shown) board.endPreview();
    board.drafts?.show(null);
    layer.changed();
  };
  layer.editing.add(session.el.id);
  if (shown) board.preview(new Map([[session.el.id, session.el]]));
  layer.changed();
  board.editor.open({
    ...session,
    // The others see the text as it is typed (a draft).
    input: (text) => board.drafts?.show(withText(board.sync.get(session.el.id) ?? session.el, text, session.label === true)),
    cancel: done,
    commit: (text) => {
      done();
      session.commit(text);
    },
  });
}

/**
 * Start editing a text or sticky element's text on the board.
 * @param {Whiteboard} board
 * @param {Element} el
 * @param {boolean} isNew a text element that exists only in the editor
 */
export function editText(board, el, isNew) {
  editOnBoard(board, {
    el,
    isNew,
    commit: (text) => {
      const current = board.sync.get(el.id);
      if (!isNew && !current) return; // deleted meanwhile
      const base = current ?? el;
      if (el.kind === 'text') {
        if (text.trim() === '') {
          if (!isNew) board.commit([{ op: 'del', id: el.id }]);
          return;
        }
        if (!isNew && text === base.text) return;
        const font = base.font ?? TEXT_FONT;
        board.commit([{ op: 'put', el: withText(base, text, false) }]);
        if (isNew) board.select([el.id]);
        if (!fontsReadyFor(text)) resizeWhenFontsArrive(board, el.id, text, font);
        return;
      }
      // A new note is made with its text: one message, one undo step.
      if (isNew || text !== (base.text ?? '')) board.commit([{ op: 'put', el: withText(base, text, false) }]);
      if (isNew) board.select([el.id]);
    },
  });
}

/** How long a text measured with a stand-in font waits for its faces, ms. */
const FONT_WAIT_MS = 10_000;

/**
 * A text committed before the faces it needs arrived was measured with a
 * stand-in font: once they are loaded, measure it again and, if it is
 * still the same text, send its true size (no undo step of its own: undoing
 * the edit restores the size before it anyway). Without this, every other
 * member and the exports see the stand-in's width.
 * @param {Whiteboard} board
 * @param {string} id
 * @param {string} text
 * @param {number} font
 */
export function resizeWhenFontsArrive(board, id, text, font) {
  whenFontsFor(text, FONT_WAIT_MS).then((ready) => {
    const el = board.sync.get(id);
    if (!ready || !el || el.kind !== 'text' || el.text !== text || (el.font ?? TEXT_FONT) !== font) return;
    const size = measureText(text, font);
    if (size.w === el.w && size.h === el.h) return;
    board.commit([{ op: 'put', el: { ...el, w: size.w, h: size.h } }], false);
  });
}

/**
 * Edit the label of a rect, ellipse or diamond: the editor centred over
 * the shape, its text drawn by the editor meanwhile. One put when the text
 * changed; an empty label takes the text (and its font) away.
 * @param {Whiteboard} board
 * @param {Element} el
 */
export function editLabel(board, el) {
  editOnBoard(board, {
    el,
    label: true,
    commit: (text) => {
      const base = board.sync.get(el.id);
      if (!base) return; // deleted meanwhile
      if (text === (base.text ?? '')) return;
      board.commit([{ op: 'put', el: withText(base, text, true) }]);
    },
  });
}

export class TextTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'text';
    this.cursor = 'text';
  }

  /** @param {ToolPointer} p */
  down(p) {
    const b = this.board;
    if (b.editor.isOpen) {
      b.editor.close(true); // a click outside finishes the edit
      return;
    }
    const hit = b.hitTop(p.x, p.y);
    if (hit && (hit.kind === 'text' || hit.kind === 'sticky')) {
      editText(b, hit, false);
      return;
    }
    const font = TEXT_FONT;
    /** @type {Element} */
    const el = {
      id: b.newId(),
      kind: 'text',
      x: round2(p.x),
      y: round2(p.y - (font * LINE_HEIGHT) / 2),
      w: 1,
      h: round2(font * LINE_HEIGHT),
      rot: 0,
      stroke: b.style.stroke,
      fill: null,
      width: b.style.width,
      text: '',
      font,
      z: b.topZ(),
    };
    editText(b, el, true);
  }
}

export class StickyTool {
  /** @param {Whiteboard} board */
  constructor(board) {
    this.board = board;
    this.name = 'sticky';
    this.cursor = 'copy';
  }

  /** @param {ToolPointer} p */
  down(p) {
    const b = this.board;
    if (b.editor.isOpen) {
      b.editor.close(true);
      return;
    }
    const hit = b.hitTop(p.x, p.y);
    if (hit && (hit.kind === 'text' || hit.kind === 'sticky')) {
      editText(b, hit, false);
      return;
    }
    /** @type {Element} */
    const el = {
      id: b.newId(),
      kind: 'sticky',
      x: round2(p.x - STICKY_SIZE.w / 2),
      y: round2(p.y - STICKY_SIZE.h / 2),
      w: STICKY_SIZE.w,
      h: STICKY_SIZE.h,
      rot: 0,
      stroke: b.style.stroke === '#ffffff' ? DEFAULT_STROKE : b.style.stroke,
      fill: STICKY_FILL,
      width: b.style.width,
      text: '',
      font: STICKY_FONT,
      z: b.topZ(),
    };
    editText(b, el, true);
  }
}

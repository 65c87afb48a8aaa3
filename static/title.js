// Title: the board-title heading, editable in place for editors. A click
// selects the whole title for typing; Enter or leaving it renames the board
// (a title op, 1–120 characters), Escape puts the old title back. Titles
// from the server (welcome, title ops) replace it unless it is being edited.

import { normalizeTitle } from './element.js';

export const UNTITLED = 'Untitled board';

export class TitleEditor {
  /**
   * @param {HTMLElement} el the board-title element
   * @param {(title: string) => void} onRename
   */
  constructor(el, onRename) {
    this.el = el;
    this.onRename = onRename;
    /** The board's title as last shown ("" when untitled). */
    this.title = '';
    this.editable = false;

    // The first click focuses it with everything selected, ready to be
    // typed over (no caret placed by that click); later clicks place the caret.
    el.addEventListener('pointerdown', (ev) => {
      if (!this.editable || document.activeElement === el || ev.button !== 0) return;
      ev.preventDefault();
      el.focus();
    });
    el.addEventListener('focus', () => {
      if (!this.editable) return;
      el.classList.add('is-editing');
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    });
    el.addEventListener('keydown', (ev) => {
      if (!this.editable) return;
      if (ev.key === 'Enter') {
        ev.preventDefault();
        el.blur();
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        this.show(this.title);
        el.blur();
      }
    });
    el.addEventListener('blur', () => {
      if (!this.editable) return;
      el.classList.remove('is-editing');
      getSelection()?.removeAllRanges();
      const next = normalizeTitle(el.textContent);
      if (next === null || next === this.title) {
        this.show(this.title);
        return;
      }
      this.show(next);
      this.title = next;
      this.onRename(next);
    });
  }

  /**
   * Allow editing (editors) or not (viewers).
   * @param {boolean} on
   */
  setEditable(on) {
    this.editable = on;
    if (on) {
      try {
        this.el.contentEditable = 'plaintext-only';
      } catch {
        this.el.contentEditable = 'true';
      }
      this.el.spellcheck = false;
      this.el.title = 'Rename the board';
    } else {
      this.el.contentEditable = 'false';
      this.el.title = '';
    }
  }

  /**
   * The board's title changed (from the server or an undo).
   * @param {string} title
   */
  set(title) {
    this.title = title;
    if (document.activeElement === this.el) return; // not while typing
    this.show(title);
  }

  /** @param {string} title */
  show(title) {
    const shown = title.trim() === '' ? UNTITLED : title;
    if (this.el.textContent !== shown) this.el.textContent = shown;
    document.title = `${shown} · Easel`;
  }
}

/**
 * The page's title heading: editable on editors' pages, starting from the
 * title the server rendered into it, then following the board's (welcome,
 * title ops), which the session's board description takes up too.
 * @param {object} o
 * @param {HTMLElement} o.el the board-title element
 * @param {boolean} o.editable
 * @param {import('./whiteboard.js').Whiteboard} o.board renames go out as its title op
 * @param {import('./sync.js').BoardSync} o.sync
 * @param {import('./session.js').Session} o.session
 * @returns {TitleEditor}
 */
export function setupTitle({ el, editable, board, sync, session }) {
  const title = new TitleEditor(el, (next) => board.setTitle(next));
  title.setEditable(editable);
  title.set(el.textContent === UNTITLED ? '' : (el.textContent ?? ''));
  sync.onChange((set) => {
    if (!set.title) return;
    session.board = { ...session.board, title: sync.title };
    title.set(sync.title);
  });
  return title;
}

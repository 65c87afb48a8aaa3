// Toolbar: the tool buttons (tool-<name>, aria-pressed on the current one),
// the style controls (stroke-color, fill-color with fill-none, stroke-width)
// that set the style of new elements and of the selection, undo/redo, and
// the zoom buttons with the zoom level; the tool lock, and the organise
// buttons: the selection-actions bar (stacking, group, lock) while
// something is selected, unlock-all while something is locked.

import { isHexColor } from './color.js';
import { clampWidth } from './element.js';
import { ZOOM_STEP } from './navigate.js';
import { ACTIONS, TOOLS } from './shortcuts.js';

/** @typedef {import('./whiteboard.js').Whiteboard} Whiteboard */

/**
 * @template {Element} T
 * @param {ParentNode} root
 * @param {string} testid
 * @returns {T}
 */
function byTestId(root, testid) {
  const el = root.querySelector(`[data-testid="${testid}"]`);
  if (!el) throw new Error(`easel: the page has no ${testid}`);
  return /** @type {T} */ (el);
}

/**
 * Buttons must not take the focus from the board on a click (space would
 * press them again); keyboard users still reach them with Tab.
 * @param {HTMLElement} el
 */
function keepFocus(el) {
  el.addEventListener('pointerdown', (ev) => {
    if (ev.pointerType !== 'touch') ev.preventDefault();
  });
}

/**
 * Wire the toolbar to the whiteboard.
 * @param {HTMLElement} root the page (#app)
 * @param {Whiteboard} board
 */
export function bindToolbar(root, board) {
  /** @type {Map<string, HTMLButtonElement>} */
  const buttons = new Map();
  for (const t of TOOLS) {
    /** @type {HTMLButtonElement} */
    const b = byTestId(root, `tool-${t.name}`);
    b.title = t.digit ? `${t.label} (${t.key} or ${t.digit})` : `${t.label} (${t.key})`;
    b.setAttribute('aria-keyshortcuts', t.digit ? `${t.key} ${t.digit}` : t.key);
    b.dataset.edits = String(t.edits);
    keepFocus(b);
    b.addEventListener('click', () => board.setTool(t.name));
    buttons.set(t.name, b);
  }

  /** @type {HTMLInputElement} */
  const stroke = byTestId(root, 'stroke-color');
  /** @type {HTMLInputElement} */
  const fill = byTestId(root, 'fill-color');
  /** @type {HTMLButtonElement} */
  const fillNone = byTestId(root, 'fill-none');
  /** @type {HTMLInputElement} */
  const width = byTestId(root, 'stroke-width');
  /** @type {HTMLButtonElement} */
  const undo = byTestId(root, 'undo');
  /** @type {HTMLButtonElement} */
  const redo = byTestId(root, 'redo');
  /** @type {HTMLButtonElement} */
  const zoomIn = byTestId(root, 'zoom-in');
  /** @type {HTMLButtonElement} */
  const zoomOut = byTestId(root, 'zoom-out');
  /** @type {HTMLButtonElement} */
  const zoomReset = byTestId(root, 'zoom-reset');
  for (const b of [fillNone, undo, redo, zoomIn, zoomOut, zoomReset]) keepFocus(b);

  stroke.addEventListener('change', () => {
    if (isHexColor(stroke.value)) board.setStyle({ stroke: stroke.value.toLowerCase() });
  });
  fill.addEventListener('change', () => {
    if (isHexColor(fill.value)) board.setStyle({ fill: fill.value.toLowerCase() });
  });
  fillNone.addEventListener('click', () => {
    board.setStyle({ fill: board.style.fill === null ? fill.value.toLowerCase() : null });
  });
  width.addEventListener('change', () => {
    const v = Number.parseFloat(width.value);
    if (Number.isFinite(v)) board.setStyle({ width: clampWidth(v) });
    width.value = String(board.style.width);
  });
  width.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === 'Escape') width.blur();
  });
  undo.addEventListener('click', () => board.undo());
  redo.addEventListener('click', () => board.redo());
  zoomIn.addEventListener('click', () => board.nav.zoomBy(ZOOM_STEP));
  zoomOut.addEventListener('click', () => board.nav.zoomBy(1 / ZOOM_STEP));
  zoomReset.addEventListener('click', () => board.resetZoom());
  bindOrganise(root, board);

  const showZoom = () => {
    zoomReset.textContent = `${Math.round(board.viewport.scale * 100)}%`;
  };
  board.viewport.onChange(showZoom);
  showZoom();

  const update = () => {
    for (const [name, b] of buttons) {
      const on = board.tool.name === name;
      b.setAttribute('aria-pressed', String(on));
      b.classList.toggle('is-active', on);
      b.disabled = board.readOnly && b.dataset.edits === 'true';
    }
    // The controls show the selection's style, else the style of new elements.
    const [first] = board.selected();
    const s = first ? { stroke: first.stroke, fill: first.fill, width: first.width } : board.style;
    if (document.activeElement !== stroke) stroke.value = s.stroke;
    if (s.fill !== null && document.activeElement !== fill) fill.value = s.fill;
    fillNone.setAttribute('aria-pressed', String(s.fill === null));
    fill.classList.toggle('is-off', s.fill === null);
    if (document.activeElement !== width) width.value = String(s.width);
    undo.disabled = board.readOnly || !board.history.canUndo;
    redo.disabled = board.readOnly || !board.history.canRedo;
    for (const el of [stroke, fill, fillNone, width]) el.disabled = board.readOnly;
  };
  board.onUpdate(update);
  update();
}

/**
 * The tool lock, the selection-actions bar and unlock-all, kept up to date
 * with the whiteboard and with everyone's edits (someone else may lock or
 * group).
 * @param {HTMLElement} root
 * @param {Whiteboard} board
 */
function bindOrganise(root, board) {
  /** @type {HTMLButtonElement} */
  const toolLock = byTestId(root, 'tool-lock');
  toolLock.title = `${toolLock.getAttribute('aria-label')} (Q)`;
  toolLock.setAttribute('aria-keyshortcuts', 'Q');
  keepFocus(toolLock);
  toolLock.addEventListener('click', () => board.run('toolLock'));

  /** @type {HTMLElement} */
  const bar = byTestId(root, 'selection-actions');
  /** @type {Array<[string, string]>} test id → action (shortcuts.js ACTIONS) */
  const wiring = [
    ['send-to-back', 'back'],
    ['send-backward', 'backward'],
    ['bring-forward', 'forward'],
    ['bring-to-front', 'front'],
    ['group-selection', 'group'],
    ['ungroup-selection', 'ungroup'],
    ['lock-selection', 'lock'],
  ];
  /** @type {Map<string, HTMLButtonElement>} */
  const buttons = new Map();
  for (const [testid, name] of wiring) {
    /** @type {HTMLButtonElement} */
    const b = byTestId(root, testid);
    const action = ACTIONS.find((a) => a.name === name);
    const label = b.getAttribute('aria-label') ?? b.textContent?.trim() ?? name;
    if (action) b.title = `${label} (${action.keys})`;
    keepFocus(b);
    b.addEventListener('click', () => board.run(name));
    buttons.set(testid, b);
  }
  /** @type {HTMLButtonElement} */
  const unlockAll = byTestId(root, 'unlock-all');
  const locks = /** @type {HTMLElement} */ (unlockAll.parentElement);
  keepFocus(unlockAll);
  unlockAll.addEventListener('click', () => board.unlockAll());

  const update = () => {
    toolLock.setAttribute('aria-pressed', String(board.toolLock));
    toolLock.disabled = board.readOnly;
    const sel = board.selected();
    bar.hidden = board.readOnly || sel.length === 0;
    if (!bar.hidden) {
      const groups = new Set(sel.map((el) => el.group));
      const oneGroup = groups.size === 1 && !groups.has(undefined);
      /** @type {HTMLButtonElement} */ (buttons.get('group-selection')).hidden = sel.length < 2 || oneGroup;
      /** @type {HTMLButtonElement} */ (buttons.get('ungroup-selection')).hidden = !sel.some((el) => el.group !== undefined);
    }
    const locked = board.readOnly ? 0 : board.lockedCount();
    locks.hidden = locked === 0;
    unlockAll.title = `Unlock ${locked === 1 ? 'the locked element' : `all ${locked} locked elements`} (Ctrl/⌘ + Shift + L with nothing selected)`;
  };
  board.onUpdate(update);
  let queued = false;
  board.sync.onChange(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      update();
    });
  });
  update();
}

// Toolbar: the tool buttons (tool-<name>, aria-pressed on the current one),
// the style controls (stroke-color, fill-color with fill-none, stroke-width,
// stroke-style-solid|dashed|dotted, edges-sharp|round)
// that set the style of new elements and of the selection, undo/redo, and
// the zoom buttons with the zoom level; the organise buttons through
// organisebar.js.

import { isHexColor } from './color.js';
import { clampWidth } from './element.js';
import { ZOOM_STEP } from './navigate.js';
import { Disclosure } from './panels.js';
import { toolKeys, TOOLS } from './shortcuts.js';
import { bindOrganise } from './organisebar.js';

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
    const keys = toolKeys(t);
    b.title = `${t.label} (${keys.join(' or ')})`;
    b.setAttribute('aria-keyshortcuts', keys.join(' '));
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
  // Narrow screens: the style controls open under the tools (style-toggle).
  new Disclosure(byTestId(root, 'style-toggle'), /** @type {HTMLElement} */ (stroke.closest('.toolbar__style')));

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
  // Stroke style (solid, dashed, dotted) and edges (sharp, round): pressed buttons.
  /** @type {HTMLButtonElement[]} */
  const dashes = Array.from(root.querySelectorAll('.toolbar [data-dash]'));
  /** @type {HTMLButtonElement[]} */
  const edges = Array.from(root.querySelectorAll('.toolbar [data-round]'));
  for (const b of dashes) {
    keepFocus(b);
    b.addEventListener('click', () => board.setStyle({ dash: /** @type {any} */ (b.dataset.dash) }));
  }
  for (const b of edges) {
    keepFocus(b);
    b.addEventListener('click', () => board.setStyle({ round: b.dataset.round === 'true' }));
  }

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
    const s = first ? { stroke: first.stroke, fill: first.fill, width: first.width, dash: first.dash ?? 'solid', round: first.round === true } : board.style;
    if (document.activeElement !== stroke) stroke.value = s.stroke;
    if (s.fill !== null && document.activeElement !== fill) fill.value = s.fill;
    fillNone.setAttribute('aria-pressed', String(s.fill === null));
    fill.classList.toggle('is-off', s.fill === null);
    if (document.activeElement !== width) width.value = String(s.width);
    undo.disabled = board.readOnly || !board.history.canUndo;
    redo.disabled = board.readOnly || !board.history.canRedo;
    for (const el of [stroke, fill, fillNone, width]) el.disabled = board.readOnly;
    for (const b of dashes) b.setAttribute('aria-pressed', String(b.dataset.dash === s.dash));
    for (const b of edges) b.setAttribute('aria-pressed', String((b.dataset.round === 'true') === s.round));
    for (const b of [...dashes, ...edges]) b.disabled = board.readOnly;
  };
  board.onUpdate(update);
  update();
}

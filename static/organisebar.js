// Organise bar: the tool lock (tool-lock), the selection-actions bar
// (stacking, group, ungroup, lock; shown while something is selected, for
// editors) and unlock-all (shown while something is locked), wired to the
// whiteboard's actions (shortcuts.js ACTIONS, organise.js).

import { ACTIONS } from './shortcuts.js';

/** @typedef {import('./whiteboard.js').Whiteboard} Whiteboard */

/**
 * A button of the page by its test id; like toolbar.js's buttons it does
 * not take the focus from the board on a click (keyboard users Tab to it).
 * @param {ParentNode} root
 * @param {string} testid
 * @returns {HTMLButtonElement}
 */
function button(root, testid) {
  const b = root.querySelector(`button[data-testid="${testid}"]`);
  if (!(b instanceof HTMLButtonElement)) throw new Error(`easel: the page has no ${testid} button`);
  b.addEventListener('pointerdown', (ev) => {
    if (ev.pointerType !== 'touch') ev.preventDefault();
  });
  return b;
}

/**
 * The tool lock, the selection-actions bar and unlock-all, kept up to date
 * with the whiteboard and with everyone's edits (someone else may lock or
 * group).
 * @param {HTMLElement} root
 * @param {Whiteboard} board
 */
export function bindOrganise(root, board) {
  const toolLock = button(root, 'tool-lock');
  toolLock.title = `${toolLock.getAttribute('aria-label')} (Q)`;
  toolLock.setAttribute('aria-keyshortcuts', 'Q');
  toolLock.addEventListener('click', () => board.run('toolLock'));

  const bar = root.querySelector('[data-testid="selection-actions"]');
  if (!(bar instanceof HTMLElement)) throw new Error('easel: the page has no selection-actions');
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
    const b = button(root, testid);
    const action = ACTIONS.find((a) => a.name === name);
    const label = b.getAttribute('aria-label') ?? b.textContent?.trim() ?? name;
    if (action) b.title = `${label} (${action.keys})`;
    b.addEventListener('click', () => board.run(name));
    buttons.set(testid, b);
  }
  // The bar sits just under the toolbar (easel.css reads --toolbar-bottom),
  // whose height changes: two rows on a narrow screen, more with the style
  // panel open. A fixed top covered the toolbar's second row (the style
  // toggle among it) whenever something was selected.
  const toolbar = root.querySelector('.toolbar');
  if (toolbar instanceof HTMLElement && typeof ResizeObserver === 'function') {
    const place = () => {
      bar.style.setProperty('--toolbar-bottom', `${toolbar.offsetTop + toolbar.offsetHeight}px`);
    };
    new ResizeObserver(place).observe(toolbar);
    // A breakpoint may move the toolbar without resizing it.
    window.addEventListener('resize', place);
    place();
  }

  const unlockAll = button(root, 'unlock-all');
  const locks = /** @type {HTMLElement} */ (unlockAll.parentElement);
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

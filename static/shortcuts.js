// Shortcuts: every key the board understands, in one table that the key
// handler, the tool buttons' titles and the help overlay all read.
//
// Keys are matched on what they mean where the layout is Latin (event.key)
// and on where they sit otherwise: number keys and brackets always by
// event.code (Shift+1 is "!" on a US keyboard, "1" on a French one; "[" is
// AltGr+8 on a German one), letters by event.code when the layout types no
// Latin letter (a Russian "к" is still R).

/**
 * @typedef {object} ToolInfo
 * @property {string} name the tool's name (tool-<name> test id)
 * @property {string} label
 * @property {string} key the shortcut, one letter, or "" (the eraser: E opens the reactions)
 * @property {boolean} edits whether the tool changes the board (hidden for viewers)
 * @property {boolean} [unnumbered] no number key (the hand, like Excalidraw's)
 * @property {number} [digit] its number key: 1–9 set below from the order, or 0 given here
 */

/**
 * The tools in toolbar order: the number keys 1–9 pick the numbered ones in
 * this order. The eraser is 0, as in Excalidraw, whose other key for it, E,
 * opens the reactions here (the contract's "E opens the picker"); Ctrl/⌘+0
 * still zooms to 100 %. The image tool comes tenth, so it has no number:
 * Excalidraw's 9 for it is the sticky note's here; I picks it.
 * @type {ToolInfo[]}
 */
export const TOOLS = [
  { name: 'hand', label: 'Hand (pan)', key: 'H', edits: false, unnumbered: true },
  { name: 'select', label: 'Select', key: 'V', edits: false },
  { name: 'pen', label: 'Pen', key: 'P', edits: true },
  { name: 'rect', label: 'Rectangle', key: 'R', edits: true },
  { name: 'ellipse', label: 'Ellipse', key: 'O', edits: true },
  { name: 'diamond', label: 'Diamond', key: 'D', edits: true },
  { name: 'line', label: 'Line', key: 'L', edits: true },
  { name: 'arrow', label: 'Arrow', key: 'A', edits: true },
  { name: 'text', label: 'Text', key: 'T', edits: true },
  { name: 'sticky', label: 'Sticky note', key: 'S', edits: true },
  { name: 'image', label: 'Image', key: 'I', edits: true },
  { name: 'eraser', label: 'Eraser', key: '', digit: 0, edits: true },
  { name: 'laser', label: 'Laser pointer', key: 'K', edits: false, unnumbered: true },
];
{
  let digit = 0;
  for (const t of TOOLS) if (!t.unnumbered && t.digit === undefined && digit < 9) t.digit = ++digit;
}

/**
 * A tool's keys as the help and the buttons' titles show them: its letter,
 * its number, or both.
 * @param {ToolInfo} t
 * @returns {string[]}
 */
export function toolKeys(t) {
  return [t.key, t.digit === undefined ? '' : String(t.digit)].filter((k) => k !== '');
}

/** Tools that give way to select once they made something, unless the tool lock is on (Excalidraw's habit; pen, eraser and hand stay). */
export const RETURNS_TO_SELECT = new Set(['rect', 'ellipse', 'diamond', 'line', 'arrow', 'text', 'sticky']);

/**
 * A key event as the matchers see it.
 * @typedef {object} Keys
 * @property {boolean} mod ctrl or cmd
 * @property {boolean} shift
 * @property {boolean} alt
 * @property {string} letter the Latin letter (upper case) or ""
 * @property {string} digit "0"–"9" by position, or ""
 * @property {string} bracket "[" or "]" by position, or ""
 */

/**
 * @param {KeyboardEvent} ev
 * @returns {Keys}
 */
export function keysOf(ev) {
  let letter = '';
  if (/^[a-z]$/i.test(ev.key)) letter = ev.key.toUpperCase();
  else if (/^Key[A-Z]$/.test(ev.code) && !/^[\x20-\x7e]$/.test(ev.key)) letter = ev.code.slice(3);
  let digit = '';
  if (/^Digit[0-9]$/.test(ev.code)) digit = ev.code.slice(5);
  else if (!ev.code && /^[0-9]$/.test(ev.key)) digit = ev.key;
  let bracket = '';
  if (ev.code === 'BracketLeft' || ev.code === 'BracketRight') bracket = ev.code === 'BracketLeft' ? '[' : ']';
  else if (!ev.altKey && (ev.key === '[' || ev.key === '{')) bracket = '[';
  else if (!ev.altKey && (ev.key === ']' || ev.key === '}')) bracket = ']';
  return { mod: ev.ctrlKey || ev.metaKey, shift: ev.shiftKey, alt: ev.altKey, letter, digit, bracket };
}

/**
 * The tool a key picks (its letter, or its number without modifiers), or null.
 * @param {Keys} k
 * @returns {ToolInfo | null}
 */
export function toolForKeys(k) {
  if (k.mod || k.alt) return null;
  if (k.digit !== '' && !k.shift) return TOOLS.find((t) => t.digit === Number(k.digit)) ?? null;
  if (k.letter !== '') return TOOLS.find((t) => t.key === k.letter) ?? null;
  return null;
}

/**
 * @typedef {object} ActionInfo
 * @property {string} name what the whiteboard runs (Whiteboard.run)
 * @property {string} keys as the help shows them
 * @property {string} label
 * @property {(k: Keys) => boolean} match
 * @property {boolean} edits whether it changes the board (not for viewers)
 */

/**
 * Organising and view actions, matched in this order (after the text
 * fields had their say). Ctrl/⌘+Alt+[ and ] also send to back and bring to
 * front, because ⌘+Shift+[ and ] switch tabs in browsers on macOS.
 * @type {ActionInfo[]}
 */
export const ACTIONS = [
  { name: 'group', keys: 'Ctrl/⌘ + G', label: 'Group the selection', edits: true, match: (k) => k.mod && !k.shift && !k.alt && k.letter === 'G' },
  { name: 'ungroup', keys: 'Ctrl/⌘ + Shift + G', label: 'Ungroup', edits: true, match: (k) => k.mod && k.shift && !k.alt && k.letter === 'G' },
  {
    name: 'lock',
    keys: 'Ctrl/⌘ + Shift + L',
    label: 'Lock the selection; with nothing selected, unlock all',
    edits: true,
    match: (k) => k.mod && k.shift && !k.alt && k.letter === 'L',
  },
  { name: 'forward', keys: 'Ctrl/⌘ + ]', label: 'Bring forward', edits: true, match: (k) => k.mod && !k.shift && !k.alt && k.bracket === ']' },
  { name: 'backward', keys: 'Ctrl/⌘ + [', label: 'Send backward', edits: true, match: (k) => k.mod && !k.shift && !k.alt && k.bracket === '[' },
  { name: 'front', keys: 'Ctrl/⌘ + Shift + ]', label: 'Bring to front (also Ctrl/⌘ + Alt + ])', edits: true, match: (k) => k.mod && (k.shift || k.alt) && k.bracket === ']' },
  { name: 'back', keys: 'Ctrl/⌘ + Shift + [', label: 'Send to back (also Ctrl/⌘ + Alt + [)', edits: true, match: (k) => k.mod && (k.shift || k.alt) && k.bracket === '[' },
  { name: 'fit', keys: 'Shift + 1', label: 'Zoom to fit everything', edits: false, match: (k) => k.shift && !k.mod && !k.alt && k.digit === '1' },
  { name: 'toolLock', keys: 'Q', label: 'Tool lock: keep the tool after drawing', edits: false, match: (k) => !k.mod && !k.alt && !k.shift && k.letter === 'Q' },
];

/**
 * The action a key event asks for, or null.
 * @param {Keys} k
 * @returns {ActionInfo | null}
 */
export function actionForKeys(k) {
  return ACTIONS.find((a) => a.match(k)) ?? null;
}

/**
 * What members do together (together.js): "/" opens the cursor chat
 * (by the character, wherever the layout puts it: Shift+7 on a German
 * keyboard), E the reactions.
 * @param {Keys} k
 * @param {string} key the event's key
 * @returns {'chat' | 'react' | null}
 */
export function togetherForKeys(k, key) {
  if (k.mod || k.alt) return null;
  if (key === '/') return 'chat';
  if (k.letter === 'E' && !k.shift) return 'react';
  return null;
}

/**
 * @param {string} name
 * @returns {ActionInfo}
 */
function action(name) {
  return /** @type {ActionInfo} */ (ACTIONS.find((a) => a.name === name));
}

/**
 * Sections of the help overlay: [keys (or alternatives), what they do].
 * @type {Array<{title: string, rows: Array<[string | string[], string]>}>}
 */
export const HELP = [
  {
    title: 'Tools',
    rows: [
      ...TOOLS.map((t) => /** @type {[string[], string]} */ ([toolKeys(t), t.label])),
      [action('toolLock').keys, action('toolLock').label],
    ],
  },
  {
    title: 'View',
    rows: [
      ['Wheel / Shift+wheel', 'Pan up and down / sideways'],
      ['Ctrl/⌘ + wheel, pinch', 'Zoom around the pointer'],
      ['Space + drag, middle drag', 'Pan (or the hand tool, H)'],
      ['+ / −', 'Zoom in / out'],
      ['Ctrl/⌘ + 0', 'Zoom to 100\u00a0%'],
      [action('fit').keys, action('fit').label],
      ['100\u00a0% button', 'Zoom to 100\u00a0%; back to the drawing if none is in view'],
      ['?', 'Show or hide this help'],
    ],
  },
  {
    title: 'Together',
    rows: [
      ['Click a person at the top', 'Follow their view (click again to stop)'],
      ['Escape, or pan or zoom', 'Stop following'],
      ['Bring everyone button', 'Everyone follows your view (edit link)'],
      ['/', 'Say something next to your cursor (Enter sends, Escape closes)'],
      ['E', 'Reactions (arrow keys and Enter, or 1–6)'],
    ],
  },
  {
    title: 'Edit',
    rows: [
      ['Click / Shift+click', 'Select / add to or remove from the selection'],
      ['Drag on empty space', 'Select what the box encloses'],
      ['Drag a corner handle', 'Resize (Shift keeps proportions; an image keeps them, Shift frees them)'],
      ['Double-click text or note', 'Edit its text'],
      ['Double-click a shape, Enter', 'Edit its label'],
      ['Double-click empty space', 'Start a text'],
      ['Enter', 'New line in a text'],
      ['Escape, Ctrl/⌘ + Enter, click outside', 'Finish the text'],
      ['Drag the handle above', 'Rotate the selection (Shift: 15° steps)'],
      ['Draw an arrow onto a shape', 'Bind it: it follows the shape'],
      ['Delete / Backspace', 'Delete the selection'],
      ['Ctrl/⌘ + D', 'Duplicate the selection'],
      ['Ctrl/⌘ + A', 'Select everything'],
      ['Ctrl/⌘ + C / X / V', 'Copy / cut / paste (also between boards; text pastes as text)'],
      ['Ctrl/⌘ + Shift + C', 'Copy the selection as a PNG image'],
      ['Ctrl/⌘ + V an image, or drop one', 'Add the picture at the pointer (PNG, JPEG, WebP, GIF; up to 8 MB)'],
      ['Arrow keys (+Shift)', 'Nudge the selection by 1 (10)'],
      ['Escape', 'Cancel, clear the selection, close this help'],
      ['Ctrl/⌘ + Z', 'Undo your last edit'],
      ['Ctrl/⌘ + Shift + Z, Ctrl + Y', 'Redo'],
      ['Shift while drawing', 'Square, circle, 15° lines'],
    ],
  },
  {
    title: 'Organise',
    rows: [
      ['Click a grouped element', 'Select its whole group'],
      ...ACTIONS.filter((a) => a.name !== 'fit' && a.name !== 'toolLock').map((a) => /** @type {[string, string]} */ ([a.keys, a.label])),
      ['Locked elements', 'Clicks, Ctrl/⌘ + A and the eraser pass them by'],
      ['Unlock all button', 'Unlock every locked element'],
    ],
  },
];

/**
 * Whether key events from this target belong to a text field, not the board.
 * @param {EventTarget | null} target
 * @returns {boolean}
 */
export function isTextField(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['color', 'checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'file'].includes(target.type);
  }
  return false;
}

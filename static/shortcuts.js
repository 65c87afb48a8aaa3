// Shortcuts: every key the board understands, in one table that the key
// handler, the tool buttons' titles and the help overlay all read.

/**
 * @typedef {object} ToolInfo
 * @property {string} name the tool's name (tool-<name> test id)
 * @property {string} label
 * @property {string} key the shortcut, one letter
 * @property {boolean} edits whether the tool changes the board (hidden for viewers)
 */

/** @type {ToolInfo[]} */
export const TOOLS = [
  { name: 'select', label: 'Select', key: 'V', edits: false },
  { name: 'pen', label: 'Pen', key: 'P', edits: true },
  { name: 'rect', label: 'Rectangle', key: 'R', edits: true },
  { name: 'ellipse', label: 'Ellipse', key: 'O', edits: true },
  { name: 'diamond', label: 'Diamond', key: 'D', edits: true },
  { name: 'line', label: 'Line', key: 'L', edits: true },
  { name: 'arrow', label: 'Arrow', key: 'A', edits: true },
  { name: 'text', label: 'Text', key: 'T', edits: true },
  { name: 'sticky', label: 'Sticky note', key: 'S', edits: true },
  { name: 'eraser', label: 'Eraser', key: 'E', edits: true },
];

/**
 * Sections of the help overlay: [keys, what they do].
 * @type {Array<{title: string, rows: Array<[string, string]>}>}
 */
export const HELP = [
  {
    title: 'Tools',
    rows: TOOLS.map((t) => [t.key, t.label]),
  },
  {
    title: 'View',
    rows: [
      ['Wheel / Shift+wheel', 'Pan up and down / sideways'],
      ['Ctrl/⌘ + wheel, pinch', 'Zoom around the pointer'],
      ['Space + drag, middle drag', 'Pan'],
      ['+ / − / 0', 'Zoom in / out / 100 %'],
      ['?', 'Show or hide this help'],
    ],
  },
  {
    title: 'Edit',
    rows: [
      ['Click / Shift+click', 'Select / add to or remove from the selection'],
      ['Drag on empty space', 'Select what the box encloses'],
      ['Drag a corner handle', 'Resize (Shift keeps proportions)'],
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
      ['Arrow keys (+Shift)', 'Nudge the selection by 1 (10)'],
      ['Escape', 'Cancel, clear the selection, close this help'],
      ['Ctrl/⌘ + Z', 'Undo your last edit'],
      ['Ctrl/⌘ + Shift + Z, Ctrl + Y', 'Redo'],
      ['Shift while drawing', 'Square, circle, 15° lines'],
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

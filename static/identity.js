// Identity: the name and color this browser introduces itself with in
// `hello`, remembered in localStorage as easel.name and easel.color.
//
// Distinct colors without a wire change: a color is either picked by the
// user (the color input; remembered as easel.colorPicked = "1") or a random
// default. A default color that someone already on the board has moves to a
// palette color nobody there has (colorAmong, on every welcome): the client
// then says hello again with it, as for any identity change. Only the one
// arriving moves, since only it sees the others in its welcome, so two
// clients never chase each other; a picked color never moves. Up to 12
// peers (the palette's size) get distinct colors that way.

import { isHexColor } from './color.js';
import { browserStorage } from './storage.js';

const NAME_KEY = 'easel.name';
const COLOR_KEY = 'easel.color';
const PICKED_KEY = 'easel.colorPicked';

/** The protocol's limit on a name, in characters. */
export const MAX_NAME_LENGTH = 40;

/**
 * Pleasant, distinguishable cursor colors that read well on a light or a
 * dark board; each has 4.5:1 contrast or more with its ink (color.js inkFor).
 */
export const PALETTE = [
  '#e03131', '#f76707', '#f59f00', '#37b24d', '#0ca678', '#1098ad',
  '#1c7ed6', '#4263eb', '#7048e8', '#ae3ec9', '#d6336c', '#5c940d',
];

/**
 * @typedef {object} Identity
 * @property {string} name 1–40 characters
 * @property {string} color "#rrggbb", lowercase
 * @property {boolean} [colorPicked] chosen by the user, not a random default
 */

/**
 * A random "Guest NNN" name.
 * @returns {string}
 */
export function randomName() {
  return `Guest ${100 + Math.floor(Math.random() * 900)}`;
}

/**
 * A random color from the palette.
 * @returns {string}
 */
export function randomColor() {
  return PALETTE[Math.floor(Math.random() * PALETTE.length)];
}

/**
 * The color a client with a random default color should use among the
 * colors of the peers already present: its own when nobody has it, else a
 * random palette color nobody has, else (more peers than colors) one of the
 * least used, keeping its own when that is one of them.
 * @param {string} own
 * @param {string[]} taken the others' colors
 * @param {() => number} [random]
 * @returns {string}
 */
export function distinctColor(own, taken, random = Math.random) {
  const counts = new Map(PALETTE.map((c) => [c, 0]));
  for (const c of taken) {
    const key = c.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (!counts.get(own)) return own;
  const fewest = Math.min(...PALETTE.map((c) => counts.get(c) ?? 0));
  if ((counts.get(own) ?? 0) <= fewest) return own;
  const choice = PALETTE.filter((c) => counts.get(c) === fewest);
  return choice[Math.floor(random() * choice.length)];
}

/**
 * The color to say hello with on a board where `peers` are: a picked
 * color stays; a default one moves off a collision (distinctColor). A peer
 * with our name and color is taken to be us (another tab, or this page's
 * previous connection not gone yet), not a collision.
 * @param {Identity} identity
 * @param {Array<{name: string, color: string}>} peers the others
 * @returns {string}
 */
export function colorAmong(identity, peers) {
  if (identity.colorPicked) return identity.color;
  const others = peers.filter((p) => !(p.name === identity.name && p.color === identity.color));
  return distinctColor(identity.color, others.map((p) => p.color));
}

/**
 * A name fit for `hello`: whitespace collapsed and trimmed, at most 40
 * characters (code points); null when nothing is left.
 * @param {unknown} value
 * @returns {string | null}
 */
export function normalizeName(value) {
  if (typeof value !== 'string') return null;
  // Drop control characters, collapse runs of whitespace.
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return null;
  return Array.from(cleaned).slice(0, MAX_NAME_LENGTH).join('').trim();
}

/**
 * A color fit for `hello` ("#rrggbb", lowercase), or null.
 * @param {unknown} value
 * @returns {string | null}
 */
export function normalizeColor(value) {
  return isHexColor(value) ? value.toLowerCase() : null;
}

/**
 * Load the remembered identity; a missing or invalid part is replaced by a
 * random one, which is remembered at once so a reload keeps it.
 * @returns {Identity}
 */
export function loadIdentity() {
  const store = browserStorage();
  let name = null;
  let color = null;
  let picked = false;
  try {
    name = normalizeName(store?.getItem(NAME_KEY));
    color = normalizeColor(store?.getItem(COLOR_KEY));
    picked = store?.getItem(PICKED_KEY) === '1';
  } catch {
    // unreadable storage: fall through to random values
  }
  const identity = { name: name ?? randomName(), color: color ?? randomColor(), colorPicked: color !== null && picked };
  if (name === null || color === null) saveIdentity(identity);
  return identity;
}

/**
 * Remember the identity in localStorage (silently skipped when storage is
 * unavailable or full).
 * @param {Identity} identity
 */
export function saveIdentity(identity) {
  const store = browserStorage();
  try {
    store?.setItem(NAME_KEY, identity.name);
    store?.setItem(COLOR_KEY, identity.color);
    if (identity.colorPicked) store?.setItem(PICKED_KEY, '1');
    else store?.removeItem(PICKED_KEY);
  } catch {
    // quota exceeded or storage disabled: the identity lasts for this page only
  }
}

/**
 * Wire the name and color inputs: show the identity, and when the user
 * commits a change (Enter, blur, closing the color picker) remember it and
 * call onChange with the new identity. A color chosen here counts as
 * picked. Returns a setter for changes made elsewhere (a default color
 * moving off a collision), which are remembered too.
 * @param {HTMLFormElement} form
 * @param {HTMLInputElement} nameInput
 * @param {HTMLInputElement} colorInput
 * @param {Identity} initial
 * @param {(identity: Identity) => void} onChange
 * @returns {(identity: Identity) => Identity}
 */
export function bindIdentityForm(form, nameInput, colorInput, initial, onChange) {
  let current = initial;
  nameInput.maxLength = MAX_NAME_LENGTH;
  nameInput.value = current.name;
  colorInput.value = current.color;

  const commit = () => {
    const name = normalizeName(nameInput.value) ?? current.name;
    const color = normalizeColor(colorInput.value) ?? current.color;
    nameInput.value = name;
    colorInput.value = color;
    if (name === current.name && color === current.color) return;
    current = { name, color, colorPicked: current.colorPicked || color !== current.color };
    saveIdentity(current);
    onChange(current);
  };

  nameInput.addEventListener('change', commit);
  colorInput.addEventListener('change', commit);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    commit();
    nameInput.blur();
  });
  nameInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      nameInput.value = current.name;
      nameInput.blur();
    }
  });
  return (identity) => {
    current = identity;
    nameInput.value = identity.name;
    colorInput.value = identity.color;
    saveIdentity(identity);
    return identity;
  };
}

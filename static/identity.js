// Identity: the name and color this browser introduces itself with in
// `hello`, remembered in localStorage as easel.name and easel.color.

import { isHexColor } from './color.js';

const NAME_KEY = 'easel.name';
const COLOR_KEY = 'easel.color';

/** The protocol's limit on a name, in characters. */
export const MAX_NAME_LENGTH = 40;

/** Pleasant, distinguishable cursor colors that read well on a light board. */
export const PALETTE = [
  '#e03131', '#f76707', '#f59f00', '#37b24d', '#0ca678', '#1098ad',
  '#1c7ed6', '#4263eb', '#7048e8', '#ae3ec9', '#d6336c', '#5c940d',
];

/**
 * @typedef {object} Identity
 * @property {string} name 1–40 characters
 * @property {string} color "#rrggbb", lowercase
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

/** @returns {Storage | null} */
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frame)
  }
}

/**
 * Load the remembered identity; a missing or invalid part is replaced by a
 * random one, which is remembered at once so a reload keeps it.
 * @returns {Identity}
 */
export function loadIdentity() {
  const store = storage();
  let name = null;
  let color = null;
  try {
    name = normalizeName(store?.getItem(NAME_KEY));
    color = normalizeColor(store?.getItem(COLOR_KEY));
  } catch {
    // unreadable storage: fall through to random values
  }
  const identity = { name: name ?? randomName(), color: color ?? randomColor() };
  if (name === null || color === null) saveIdentity(identity);
  return identity;
}

/**
 * Remember the identity in localStorage (silently skipped when storage is
 * unavailable or full).
 * @param {Identity} identity
 */
export function saveIdentity(identity) {
  const store = storage();
  try {
    store?.setItem(NAME_KEY, identity.name);
    store?.setItem(COLOR_KEY, identity.color);
  } catch {
    // quota exceeded or storage disabled: the identity lasts for this page only
  }
}

/**
 * Wire the name and color inputs: show the identity, and when the user
 * commits a change (Enter, blur, closing the color picker) remember it and
 * call onChange with the new identity.
 * @param {HTMLFormElement} form
 * @param {HTMLInputElement} nameInput
 * @param {HTMLInputElement} colorInput
 * @param {Identity} initial
 * @param {(identity: Identity) => void} onChange
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
    current = { name, color };
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
}

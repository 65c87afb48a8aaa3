// Versions: the pure side of the version history (the server's checkpoints
// of a board, docs/protocol.md "Versions"). The routes relative to the
// page's board route (edit or view), the history list and a version's
// Easel JSON export as they arrive (checked, never trusted), the names line
// of a version, its download filename, and the ops that turn the board as
// it is into that version: an ordinary edit, so it is acked, undoable in
// one step, and nothing is lost.

import { blobSHA, fromWire, normalizeTitle } from './element.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */

/**
 * One kept version, as GET …/history lists it.
 * @typedef {object} Version
 * @property {number} seq the board's seq at that version (what export ?seq= takes)
 * @property {number} at ms since the epoch (NaN when the server sent none)
 * @property {string[]} by names of those who edited since the version before
 * @property {number} elements how many elements it holds
 */

/**
 * A version's content, from its Easel JSON export.
 * @typedef {object} VersionFile
 * @property {string} title
 * @property {number} seq
 * @property {Element[]} elements the drawable ones, in the file's order
 * @property {Record<string, {mime: string, data: string}>} files the images' bytes (base64) by sha256
 */

/** The formats a version downloads as. */
export const VERSION_FORMATS = /** @type {const} */ (['png', 'svg', 'pdf', 'json']);

/**
 * @param {string} route the page's board route, "/b/<id>" or "/v/<viewId>"
 * @returns {string}
 */
export function historyURL(route) {
  return `${route.replace(/\/+$/, '')}/history`;
}

/**
 * @param {string} route the page's board route
 * @param {string} format one of VERSION_FORMATS
 * @param {number} seq
 * @returns {string}
 */
export function versionURL(route, format, seq) {
  return `${route.replace(/\/+$/, '')}/export.${format}?seq=${seq}`;
}

/**
 * The versions of a history answer, newest first; malformed entries are
 * skipped (a list that is not one → []).
 * @param {unknown} body
 * @returns {Version[]}
 */
export function parseVersions(body) {
  const list = body && typeof body === 'object' ? /** @type {any} */ (body).versions : null;
  if (!Array.isArray(list)) return [];
  /** @type {Version[]} */
  const out = [];
  for (const v of list) {
    if (!v || typeof v !== 'object' || !Number.isSafeInteger(v.seq) || v.seq < 0) continue;
    const at = typeof v.at === 'string' ? Date.parse(v.at) : NaN;
    const by = Array.isArray(v.by) ? v.by.filter((/** @type {unknown} */ n) => typeof n === 'string' && n.trim() !== '').map((/** @type {string} */ n) => n.trim()) : [];
    const elements = Number.isSafeInteger(v.elements) && v.elements >= 0 ? v.elements : 0;
    out.push({ seq: v.seq, at, by: [...new Set(by)], elements });
  }
  return out.sort((a, b) => b.seq - a.seq);
}

/**
 * A version's content from its JSON export; null when it is not Easel's
 * format. Elements the client cannot draw are left out.
 * @param {unknown} body
 * @returns {VersionFile | null}
 */
export function parseVersionFile(body) {
  if (!body || typeof body !== 'object') return null;
  const f = /** @type {any} */ (body);
  if (f.format !== 'easel' || !Array.isArray(f.elements)) return null;
  /** @type {Element[]} */
  const elements = [];
  for (const raw of f.elements) {
    const el = fromWire(raw);
    if (el) elements.push(el);
  }
  /** @type {Record<string, {mime: string, data: string}>} */
  const files = {};
  if (f.files && typeof f.files === 'object') {
    for (const [sha, file] of Object.entries(f.files)) {
      if (/^[0-9a-f]{64}$/.test(sha) && file && typeof file.mime === 'string' && typeof file.data === 'string') files[sha] = { mime: file.mime, data: file.data };
    }
  }
  return { title: typeof f.title === 'string' ? f.title : '', seq: Number.isSafeInteger(f.seq) ? f.seq : 0, elements, files };
}

/**
 * Who made a version: "Alice", "Alice and Bob", "Alice, Bob and 3 others";
 * "—" when nobody is known (the first version, an import).
 * @param {string[]} names
 * @returns {string}
 */
export function namesText(names) {
  if (names.length === 0) return '—';
  if (names.length === 1) return names[0];
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} others`;
}

/**
 * @param {number} n
 * @returns {string}
 */
export function elementsText(n) {
  return n === 1 ? '1 element' : `${n} elements`;
}

/**
 * The name a version downloads under: the board's title (without the
 * characters file systems refuse) and the version's seq.
 * @param {string} title
 * @param {number} seq
 * @param {string} format
 * @returns {string}
 */
export function versionFilename(title, seq, format) {
  const base = (title || 'Untitled board').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim() || 'board';
  return `${base} (version ${seq}).${format}`;
}

/**
 * An element's fields in one order, undefined ones left out: two elements
 * are the same when these strings are.
 * @param {unknown} v
 * @returns {string}
 */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = /** @type {Record<string, unknown>} */ (v);
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Whether two elements look the same on the wire.
 * @param {Element} a
 * @param {Element} b
 * @returns {boolean}
 */
export function sameElement(a, b) {
  return canonical(a) === canonical(b);
}

/**
 * The ops that turn the board (current, titled currentTitle) into a
 * version: puts of the version's elements that are missing or differ,
 * dels of the elements the version does not hold, a title op when the
 * titles differ. Empty when the board already is that version.
 * @param {Iterable<Element>} current the board as shown now (confirmed + pending)
 * @param {Element[]} target the version's elements
 * @param {string} currentTitle
 * @param {string} targetTitle
 * @returns {Op[]}
 */
export function restoreOps(current, target, currentTitle, targetTitle) {
  /** @type {Map<string, Element>} */
  const now = new Map();
  for (const el of current) now.set(el.id, el);
  /** @type {Op[]} */
  const ops = [];
  const title = normalizeTitle(targetTitle);
  if (title !== null && title !== currentTitle) ops.push({ op: 'title', title });
  const kept = new Set();
  for (const el of target) {
    kept.add(el.id);
    const was = now.get(el.id);
    if (!was || !sameElement(was, el)) ops.push({ op: 'put', el });
  }
  for (const id of now.keys()) if (!kept.has(id)) ops.push({ op: 'del', id });
  return ops;
}

/**
 * The image blobs a restore's puts need: the board must hold them before
 * the ops arrive (a put naming a blob the board lacks is refused), so the
 * bytes the version's file carries are uploaded again first.
 * @param {Op[]} ops
 * @param {Record<string, {mime: string, data: string}>} files
 * @returns {string[]} sha256s, each once
 */
export function neededBlobs(ops, files) {
  const out = new Set();
  for (const op of ops) {
    const sha = op.op === 'put' && op.el.kind === 'image' ? blobSHA(op.el.src) : null;
    if (sha && files[sha]) out.add(sha);
  }
  return [...out];
}

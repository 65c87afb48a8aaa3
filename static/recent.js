// Recent boards: the boards this browser opened, kept in localStorage
// (`easel.recent`) for the landing page's list. There is no server list:
// the links are capabilities, and only this browser knows which it holds.
// One entry per board (its view id), with the most capable link seen (an
// edit link is never replaced by the view link of the same board), the
// title as last seen and when it was last opened; newest first, at most
// RECENT_MAX. A deleted board leaves the list. Pure over a Storage-like
// object, so that the node tests can use a Map.

export const RECENT_KEY = 'easel.recent';
export const RECENT_MAX = 50;

/**
 * @typedef {object} RecentBoard
 * @property {string} viewId the board's view id: one entry per board
 * @property {string} url the page's route, "/b/<id>" or "/v/<viewId>"
 * @property {'edit' | 'view'} role what the link grants
 * @property {string} title "" when untitled
 * @property {number} at last opened, ms since the epoch
 */

/**
 * @typedef {{getItem(key: string): string | null, setItem(key: string, value: string): void}} StorageLike
 */

const ROUTE = /^\/(b|v)\/[A-Za-z0-9-]{1,64}$/;

/**
 * The stored list, newest first; what is malformed is dropped.
 * @param {StorageLike | null} storage
 * @returns {RecentBoard[]}
 */
export function loadRecent(storage) {
  /** @type {unknown} */
  let raw = null;
  try {
    raw = JSON.parse(storage?.getItem(RECENT_KEY) ?? 'null');
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  /** @type {RecentBoard[]} */
  const out = [];
  const seen = new Set();
  for (const e of raw) {
    if (!e || typeof e !== 'object' || typeof e.viewId !== 'string' || e.viewId === '' || seen.has(e.viewId)) continue;
    if (typeof e.url !== 'string' || !ROUTE.test(e.url)) continue;
    const role = e.url.startsWith('/b/') ? 'edit' : 'view';
    seen.add(e.viewId);
    out.push({ viewId: e.viewId, url: e.url, role, title: typeof e.title === 'string' ? e.title : '', at: Number.isFinite(e.at) ? e.at : 0 });
  }
  return out.sort((a, b) => b.at - a.at).slice(0, RECENT_MAX);
}

/**
 * @param {StorageLike | null} storage
 * @param {RecentBoard[]} list
 */
function save(storage, list) {
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(list.slice(0, RECENT_MAX)));
  } catch {
    // Full or forbidden (private mode): the list is a convenience.
  }
}

/**
 * A visit of a board page (or its title changing while open): the entry
 * goes to the top. The edit link of a board stays when its view link is
 * opened later.
 * @param {StorageLike | null} storage
 * @param {{viewId: string, url: string, title: string}} visit
 * @param {number} now
 * @returns {RecentBoard[]} the new list
 */
export function recordVisit(storage, visit, now) {
  if (!visit.viewId || !ROUTE.test(visit.url)) return loadRecent(storage);
  const list = loadRecent(storage);
  const old = list.find((e) => e.viewId === visit.viewId);
  const role = visit.url.startsWith('/b/') ? 'edit' : 'view';
  const keepOld = old !== undefined && old.role === 'edit' && role === 'view';
  /** @type {RecentBoard} */
  const entry = { viewId: visit.viewId, url: keepOld ? old.url : visit.url, role: keepOld ? 'edit' : role, title: visit.title, at: now };
  const next = [entry, ...list.filter((e) => e.viewId !== visit.viewId)];
  save(storage, next);
  return next.slice(0, RECENT_MAX);
}

/**
 * A new title for a board in the list (its place and time stay).
 * @param {StorageLike | null} storage
 * @param {string} viewId
 * @param {string} title
 */
export function renameRecent(storage, viewId, title) {
  const list = loadRecent(storage);
  const e = list.find((x) => x.viewId === viewId);
  if (!e || e.title === title) return;
  e.title = title;
  save(storage, list);
}

/**
 * Take a board off the list ("forget", or it was deleted).
 * @param {StorageLike | null} storage
 * @param {string} viewId
 * @returns {RecentBoard[]} the new list
 */
export function forgetRecent(storage, viewId) {
  const list = loadRecent(storage);
  const next = list.filter((e) => e.viewId !== viewId);
  if (next.length !== list.length) save(storage, next);
  return next;
}

/**
 * The board page's side: the visit is recorded once the page holds the
 * board (its title known), and the title again whenever it changes.
 * @param {object} o
 * @param {StorageLike | null} o.storage
 * @param {string} o.viewId
 * @param {string} o.url the page's route (edit or view)
 * @param {{hasState: boolean, title: string, onChange(fn: () => void): void}} o.sync
 * @param {() => number} [o.now]
 */
export function recordVisits({ storage, viewId, url, sync, now = Date.now }) {
  /** @type {string | null} */
  let recorded = null;
  sync.onChange(() => {
    if (!sync.hasState || sync.title === recorded) return;
    if (recorded === null) recordVisit(storage, { viewId, url, title: sync.title }, now());
    else renameRecent(storage, viewId, sync.title);
    recorded = sync.title;
  });
}

// Presence wire: the page's side of "Presence beyond cursors" in the
// protocol (docs/protocol.md) for views, chat, reactions and summon — the
// messages it sends, built within the contract's bounds, and the fields of
// a `presence` message, checked before anything reaches the DOM. The drafts
// of the same message are drafts.js's. Pure functions: no DOM, no network.

/** The protocol's coordinate bound: |v| ≤ 1e7. */
const MAX_COORDINATE = 1e7;
/** `chat.text`: 1–140 characters (code points). */
export const CHAT_MAX = 140;
/** `react.emoji`: 1–8 code points. */
export const EMOJI_MAX = 8;
/** Chat and reactions share one budget on the server: 5 in any 10 s. */
export const EVENT_BUDGET = 5;
export const EVENT_WINDOW_MS = 10_000;

/**
 * A rectangle of the board, board units.
 * @typedef {object} Rect
 * @property {number} x
 * @property {number} y
 * @property {number} w
 * @property {number} h
 */

/**
 * @param {number} v
 * @returns {number} v to 0.01 board units: finer than any screen shows
 */
function round(v) {
  return Math.round(v * 100) / 100;
}

/**
 * @param {unknown} v
 * @returns {v is number}
 */
function coordinate(v) {
  return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE;
}

/**
 * @param {unknown} v
 * @returns {v is number} whether v is a view's width or height as the server takes it (above 0, ≤ 2e7)
 */
function size(v) {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= 2 * MAX_COORDINATE;
}

/**
 * The rectangle a view shows on a w × h screen (CSS px).
 * @param {{x: number, y: number, scale: number}} view
 * @param {number} w
 * @param {number} h
 * @returns {Rect}
 */
export function viewRect(view, w, h) {
  return { x: view.x, y: view.y, w: w / view.scale, h: h / view.scale };
}

/**
 * The `view` message for a rectangle, or null when the rectangle is not one
 * the server takes (panned past the coordinate bound, a zero-sized screen).
 * @param {Rect} r
 * @returns {{type: 'view', x: number, y: number, w: number, h: number} | null}
 */
export function viewMessage(r) {
  const msg = { type: /** @type {const} */ ('view'), x: round(r.x), y: round(r.y), w: round(r.w), h: round(r.h) };
  if (![msg.x, msg.y, msg.w, msg.h].every(coordinate) || !(msg.w > 0) || !(msg.h > 0)) return null;
  return msg;
}

/**
 * The text a chat input holds as the contract takes it: trimmed, at most
 * CHAT_MAX code points; "" when nothing is left to send.
 * @param {string} text
 * @returns {string}
 */
export function chatText(text) {
  const chars = Array.from(text.trim());
  return chars.slice(0, CHAT_MAX).join('').trim();
}

/**
 * @param {unknown} s
 * @returns {boolean} whether s is a `react.emoji` the contract allows
 */
export function isEmoji(s) {
  if (typeof s !== 'string') return false;
  const n = Array.from(s).length;
  return n >= 1 && n <= EMOJI_MAX;
}

/**
 * What a `presence` message says about views, chat, reactions and summon,
 * checked: malformed entries are dropped, one by one.
 * @typedef {object} PresenceNews
 * @property {Array<[string, Rect]>} views
 * @property {Array<[string, string]>} chat
 * @property {Array<[string, string]>} reactions
 * @property {string} summon the summoning peer, or ""
 */

/**
 * @param {Record<string, unknown>} msg a `presence` message
 * @returns {PresenceNews}
 */
export function readPresence(msg) {
  /** @type {PresenceNews} */
  const news = { views: [], chat: [], reactions: [], summon: '' };
  for (const e of entries(msg.views)) {
    const [id, x, y, w, h] = e;
    if (typeof id !== 'string' || !coordinate(x) || !coordinate(y) || !size(w) || !size(h)) continue;
    news.views.push([id, { x, y, w, h }]);
  }
  for (const [id, text] of entries(msg.chat)) {
    // A longer text than the contract allows is cut, not trusted to the layout.
    if (typeof id === 'string' && typeof text === 'string' && text.trim() !== '') {
      news.chat.push([id, Array.from(text).slice(0, CHAT_MAX).join('')]);
    }
  }
  for (const [id, emoji] of entries(msg.reactions)) {
    if (typeof id === 'string' && isEmoji(emoji)) news.reactions.push([id, /** @type {string} */ (emoji)]);
  }
  if (typeof msg.summon === 'string') news.summon = msg.summon;
  return news;
}

/**
 * The arrays of an array field (at most 10 000 of them: a server sends one
 * per member).
 * @param {unknown} field
 * @returns {unknown[][]}
 */
function entries(field) {
  if (!Array.isArray(field)) return [];
  return field.slice(0, 10_000).filter((e) => Array.isArray(e));
}

/**
 * The share of chat messages and reactions the server accepts (the first
 * EVENT_BUDGET in any EVENT_WINDOW_MS): the page asks before sending, so
 * that a burst is answered at once, here, rather than by a `rate_limited`
 * a tick later. A little margin on the window absorbs the trip's jitter.
 */
export class EventBudget {
  /**
   * @param {number} [budget]
   * @param {number} [windowMs]
   */
  constructor(budget = EVENT_BUDGET, windowMs = EVENT_WINDOW_MS + 250) {
    this.budget = budget;
    this.windowMs = windowMs;
    /** @type {number[]} when the ones in the window went out */
    this.sent = [];
  }

  /**
   * Take one if the window has room.
   * @param {number} now ms
   * @returns {boolean}
   */
  take(now) {
    this.sent = this.sent.filter((t) => now - t < this.windowMs);
    if (this.sent.length >= this.budget) return false;
    this.sent.push(now);
    return true;
  }

  /**
   * @param {number} now
   * @returns {number} ms until take() can succeed again (0: now)
   */
  wait(now) {
    const live = this.sent.filter((t) => now - t < this.windowMs);
    if (live.length < this.budget) return 0;
    return live[0] + this.windowMs - now;
  }
}

/**
 * Runs fn at most once per interval, on the leading edge when it has been
 * quiet and always on the trailing edge after a burst, so the last state
 * goes out however the calls bunch up.
 */
export class Throttle {
  /**
   * @param {() => void} fn reads the state to send when it runs
   * @param {number} intervalMs
   * @param {{now: () => number, setTimeout: (fn: () => void, ms: number) => any, clearTimeout: (t: any) => void}} [clock]
   */
  constructor(fn, intervalMs, clock = { now: () => performance.now(), setTimeout: (f, ms) => setTimeout(f, ms), clearTimeout: (t) => clearTimeout(t) }) {
    this.fn = fn;
    this.intervalMs = intervalMs;
    this.clock = clock;
    this.last = -Infinity;
    /** @type {any} */
    this.timer = null;
  }

  /** Ask for a run: now, or at the end of the interval. */
  schedule() {
    if (this.timer !== null) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
  }

  /** Run now, whatever the interval (after a reconnect, say). */
  flush() {
    this.cancel();
    this.run();
  }

  cancel() {
    if (this.timer === null) return;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  run() {
    this.last = this.clock.now();
    this.fn();
  }
}

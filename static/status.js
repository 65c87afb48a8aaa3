// Status: the connection-status hook (a dot and a word, with data-state
// and data-transport) and a toast for errors the server reports. The wiring to the connection
// is here too (wireStatus, wireErrors), so that what a state or an error
// message looks like to the user is decided in one place.

/** @typedef {import('./net.js').ConnState} ConnState */
/** @typedef {import('./net.js').Transport} Transport */

/** What the title says of a carrier other than WebSocket. */
const OVER = { sse: 'over HTTP (server-sent events) instead of WebSocket', poll: 'over HTTP (long-polling) instead of WebSocket' };

/** @type {Record<ConnState, string>} */
const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/**
 * "1 unsaved change", "3 unsaved changes".
 * @param {number} n
 * @returns {string}
 */
export function unsavedText(n) {
  return n === 1 ? '1 unsaved change' : `${n} unsaved changes`;
}

/**
 * The words the status shows: the state, or — while not connected and
 * edits of ours wait for the server — how many, which is what a user needs
 * to know before closing the page.
 * @param {ConnState} state
 * @param {number} [unsaved] our unacknowledged ops messages
 * @returns {{text: string, title: string}}
 */
export function statusText(state, unsaved = 0) {
  const label = LABELS[state] ?? state;
  if (state === 'connected' || !(unsaved > 0)) return { text: label, title: label };
  return { text: unsavedText(unsaved), title: `${label} — ${unsavedText(unsaved)}, kept in this browser until the server has them` };
}

/**
 * Show a connection state in the status element.
 * @param {HTMLElement} el the connection-status element
 * @param {ConnState} state
 * @param {string} [problem] why the server closed the last connection
 * @param {number} [unsaved] our unacknowledged ops messages
 * @param {Transport} [transport] the carrier tried or in use
 */
export function showStatus(el, state, problem = '', unsaved = 0, transport = 'websocket') {
  el.dataset.state = state;
  el.dataset.transport = transport;
  const text = el.querySelector('.status__text') ?? el;
  const detail = el.querySelector('.status__detail');
  const words = statusText(state, unsaved);
  text.textContent = words.text;
  if (detail) {
    detail.textContent = problem;
    /** @type {HTMLElement} */ (detail).hidden = problem === '';
  }
  el.dataset.unsaved = String(state === 'connected' ? 0 : Math.max(0, unsaved));
  const over = state === 'connected' && transport !== 'websocket' ? ` — ${OVER[transport]}` : '';
  el.title = (problem ? `${words.title} — ${problem}` : words.title) + over;
}

const TOAST_MS = 5000;

export class Toast {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
  }

  /**
   * Show a message for a few seconds, replacing the one shown.
   * @param {string} text
   */
  show(text) {
    this.el.textContent = text;
    this.el.hidden = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.el.hidden = true;
    }, TOAST_MS);
  }
}

/**
 * Keep the connection-status hook current: on every state change (with why
 * the server closed the last connection) and every change in how many of
 * our edits wait for the server. `#app`'s data-connection follows the
 * state too, for the stylesheet and the tests.
 * @param {object} o
 * @param {HTMLElement} o.root the #app element
 * @param {HTMLElement} o.el the connection-status element
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./sync.js').BoardSync} o.sync its pending messages are the unsaved edits
 */
export function wireStatus({ root, el, conn, sync }) {
  let problem = '';
  const render = () => showStatus(el, conn.state, problem, sync.pending.length, conn.transport);
  conn.onState((state, why) => {
    problem = why;
    render();
    root.dataset.connection = state;
  });
  sync.onPending(render);
  render();
  root.dataset.connection = conn.state;
}

/**
 * What an `error` message says: its message, else its code.
 * @param {{code?: unknown, message?: unknown}} msg
 * @returns {{code: string, text: string}}
 */
export function errorText(msg) {
  const code = typeof msg.code === 'string' ? msg.code : 'error';
  const text = typeof msg.message === 'string' && msg.message !== '' ? msg.message : code;
  return { code, text };
}

/**
 * Show the server's `error` messages. Each is logged; the first of
 * `claimed` that says it is about one of its own (a download's item, a
 * chat over the budget) shows it its own way; an error answering one of
 * our ops messages (its ref, `rejected`) says the change was not saved;
 * any other is the toast's.
 * @param {object} o
 * @param {import('./net.js').Connection} o.conn
 * @param {Toast} o.toast
 * @param {Array<(msg: import('./net.js').Message) => boolean>} o.claimed
 * @param {(ref: string) => boolean} o.rejected whether ref was one of our pending edits (now dropped)
 */
export function wireErrors({ conn, toast, claimed, rejected }) {
  conn.on('error', (msg) => {
    const { code, text } = errorText(msg);
    console.warn(`easel: server error ${code}: ${text}`);
    if (claimed.some((claim) => claim(msg))) return;
    if (typeof msg.ref === 'string' && rejected(msg.ref)) {
      toast.show(`Your last change was not saved: ${text}`);
      return;
    }
    toast.show(text);
  });
}

// Status: the connection-status hook (a dot and a word, with data-state)
// and a toast for errors the server reports.

/** @typedef {import('./net.js').ConnState} ConnState */

/** @type {Record<ConnState, string>} */
const LABELS = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/**
 * Show a connection state in the status element.
 * @param {HTMLElement} el the connection-status element
 * @param {ConnState} state
 * @param {string} [problem] why the server closed the last connection
 */
export function showStatus(el, state, problem = '') {
  el.dataset.state = state;
  const text = el.querySelector('.status__text') ?? el;
  const detail = el.querySelector('.status__detail');
  text.textContent = LABELS[state] ?? state;
  if (detail) {
    detail.textContent = problem;
    /** @type {HTMLElement} */ (detail).hidden = problem === '';
  }
  el.title = problem ? `${LABELS[state]} — ${problem}` : LABELS[state];
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

// Deletion: deleting the board for everyone, and what a page shows once its
// board is gone. The `delete-board` button (editors) opens a confirmation
// naming the board; Delete sends `DELETE <edit route>` (204). Every member,
// the deleter included, is then sent `{"type":"deleted"}` and closed with
// 1000: the page ends its connection for good (net.js end(): no reconnect,
// not even from the back/forward cache), forgets the board in recent boards
// and this browser's stored unsent edits, and shows "This board was
// deleted" instead of the board. A page that was away when it happened
// finds out on its way back: while it cannot reconnect it asks the board's
// history route, which answers 410 for a deleted board.

import { forgetRecent } from './recent.js';
import { UNTITLED } from './title.js';

/** First wait before asking whether the board still exists while reconnecting, and the cap. */
const PROBE_FIRST_MS = 2000;
const PROBE_MAX_MS = 60_000;

/**
 * What a refused DELETE means to the person who asked.
 * @param {number} status
 * @returns {string}
 */
export function deleteProblem(status) {
  if (status === 403) return 'This page may not delete the board (only its edit link can, from Easel itself).';
  if (status === 404) return 'The server does not know this board any more.';
  if (status === 429 || status === 503) return 'The server is busy: try again in a moment.';
  return `The board could not be deleted (the server answered ${status}). Try again.`;
}

/**
 * @param {object} o
 * @param {HTMLElement} o.root the #app element
 * @param {import('./page.js').PageInfo} o.page
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./sync.js').BoardSync} o.sync
 * @param {import('./outbox.js').Outbox} o.outbox
 * @param {import('./recent.js').StorageLike | null} o.storage
 * @param {() => void} o.onGone closes what is open over the board (panels, previews)
 * @param {() => void} [o.onAsk] as the confirmation opens (closes the menu it was chosen from)
 * @param {(control: HTMLElement) => void} [o.focusBack] gives the focus back once the confirmation is cancelled
 */
export function setupDeletion({ root, page, conn, sync, outbox, storage, onGone, onAsk = () => {}, focusBack = (c) => c.focus() }) {
  const gonePage = /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="board-deleted"]'));
  let gone = false;
  /** Our DELETE is out: a `deleted` arriving before its answer is ours. */
  let asked = false;

  /** @param {boolean} byUs */
  const showGone = (byUs) => {
    if (gone) return;
    gone = true;
    conn.end();
    forgetRecent(storage, page.viewId);
    discardStored(outbox, page.viewId);
    onGone();
    const dialog = /** @type {HTMLDialogElement | null} */ (root.querySelector('#delete-dialog'));
    if (dialog?.open) dialog.close();
    if (gonePage) {
      const text = gonePage.querySelector('#deleted-text');
      if (text && byUs) text.textContent = `You deleted “${sync.title || UNTITLED}” for everyone: its drawing and its history are gone.`;
      root.hidden = true;
      gonePage.hidden = false;
      document.body.classList.add('is-deleted');
      // In an embed its links lead out of the frame, which may not show
      // Easel's other pages (they refuse frames): a new tab, as "Open in
      // Easel". And the frame takes the focus only from itself, never from
      // the host page the reader is on.
      const links = /** @type {NodeListOf<HTMLAnchorElement>} */ (gonePage.querySelectorAll('a'));
      if (page.embed) {
        for (const a of links) {
          a.target = '_blank';
          a.rel = 'noopener';
        }
      }
      if (!page.embed || document.hasFocus()) links[0]?.focus();
    }
    document.title = 'Board deleted · Easel';
  };

  conn.on('deleted', () => showGone(asked));
  watchWhileAway(conn, `${page.editURL || page.viewURL}/history`, () => showGone(false));

  const button = /** @type {HTMLButtonElement | null} */ (root.querySelector('[data-testid="delete-board"]'));
  const dialog = /** @type {HTMLDialogElement | null} */ (root.querySelector('#delete-dialog'));
  if (!button || !dialog || !page.editURL) return { showGone, isGone: () => gone };
  const name = /** @type {HTMLElement} */ (dialog.querySelector('#delete-name'));
  const error = /** @type {HTMLElement} */ (dialog.querySelector('#delete-error'));
  const confirm = /** @type {HTMLButtonElement} */ (dialog.querySelector('[data-testid="delete-confirm"]'));

  button.addEventListener('click', () => {
    name.textContent = sync.title || UNTITLED;
    error.hidden = true;
    confirm.disabled = false;
    confirm.textContent = 'Delete';
    onAsk();
    dialog.showModal();
  });
  // Cancelled: back to where it was asked from (the menu that held the button closed meanwhile).
  dialog.addEventListener('close', () => {
    if (!gone) focusBack(button);
  });
  dialog.addEventListener('cancel', (ev) => {
    if (asked) ev.preventDefault(); // the request is out: its answer decides
  });
  dialog.addEventListener('submit', (ev) => {
    const submitter = /** @type {SubmitEvent} */ (ev).submitter;
    if (!(submitter instanceof HTMLButtonElement) || submitter.value !== 'delete') return; // Cancel closes
    ev.preventDefault();
    if (asked) return;
    asked = true;
    confirm.disabled = true;
    confirm.textContent = 'Deleting…';
    error.hidden = true;
    fetch(page.editURL, { method: 'DELETE', cache: 'no-store' })
      .then((res) => {
        // 410: deleted already (by someone else, a moment ago): the same end.
        if (res.status === 204 || res.status === 410) showGone(res.status === 204);
        else fail(deleteProblem(res.status));
      })
      .catch(() => fail('The server could not be reached: check the connection and try again.'))
      .finally(() => {
        asked = false;
      });
  });

  /** @param {string} why */
  const fail = (why) => {
    error.textContent = why;
    error.hidden = false;
    confirm.disabled = false;
    confirm.textContent = 'Delete';
  };

  return { showGone, isGone: () => gone };
}

/**
 * While the connection cannot come back, ask now and then (2 s, doubling to
 * a minute) whether the board is gone: a member away when it was deleted
 * never receives `deleted`, and its socket handshakes only fail.
 * @param {import('./net.js').Connection} conn
 * @param {string} url a route of the board that answers 410 once it is deleted
 * @param {() => void} onGone
 */
function watchWhileAway(conn, url, onGone) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let wait = PROBE_FIRST_MS;
  const probe = async () => {
    if (conn.connected || conn.ended) return;
    try {
      const res = await fetch(url, { cache: 'no-store' });
      if (res.status === 410) {
        onGone();
        return;
      }
    } catch {
      // The server is not there (restarting, offline): keep waiting.
    }
    wait = Math.min(wait * 2, PROBE_MAX_MS);
    if (!conn.connected && !conn.ended) timer = setTimeout(probe, wait);
  };
  conn.onState((state) => {
    clearTimeout(timer);
    if (state === 'connected') wait = PROBE_FIRST_MS;
    else if (state === 'reconnecting' && !conn.ended) timer = setTimeout(probe, wait);
  });
}

/**
 * The board's unsent edits kept in this browser can never go anywhere now.
 * @param {import('./outbox.js').Outbox} outbox
 * @param {string} board the view id
 */
function discardStored(outbox, board) {
  const db = outbox.db;
  if (!db) return;
  db.list(board)
    .then((entries) => db.write([], entries.map((e) => /** @type {[string, string, string]} */ ([e.board, e.client, e.ref]))))
    .catch((err) => console.warn('easel: could not discard the deleted board’s stored edits', err));
}

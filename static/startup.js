// Startup: bringing the connection up (and down) with the page. The hello
// needs our client id, and edits kept in IndexedDB from an earlier visit
// must be pending before the first welcome, so the outbox claims them
// first and the socket opens after, whatever happens to the store. While
// edits wait for the server, leaving the page asks first: they are kept in
// IndexedDB too, but only this browser has them.

import { randomClientID } from './net.js';
import { OutboxDB } from './outboxdb.js';
import { latinReady } from './fonts.js';
import { unsavedText } from './status.js';

/**
 * @param {object} o
 * @param {'edit' | 'view'} o.role the page's role: only editors keep edits on disk
 * @param {import('./outbox.js').Outbox} o.outbox
 * @param {import('./sync.js').BoardSync} o.sync
 * @param {import('./net.js').Connection} o.conn
 * @param {(text: string) => void} o.notify a toast
 */
export function startConnection({ role, outbox, sync, conn, notify }) {
  outbox.onTakeOver = (n) => notify(`Took over ${unsavedText(n)} from a tab that was closed`);
  outbox.onOverflow = () => notify('This browser cannot keep more unsaved changes: keep this page open until it reconnects');
  conn.onDisconnect(() => outbox.disconnected());
  window.addEventListener('beforeunload', (ev) => {
    if (sync.pending.length === 0 || conn.ended) return; // a deleted board's edits have nowhere to go
    ev.preventDefault();
    ev.returnValue = '';
  });
  // No reconnecting while the page goes away, and a bye so our cursor leaves
  // at once; pick up again if the page comes back from the back/forward cache.
  window.addEventListener('pagehide', () => conn.stop({ bye: true }));
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) conn.start();
  });

  /** @param {{ref: string, ops: any[]}} m */
  const transmit = (m) => conn.send({ type: 'ops', ref: m.ref, ops: m.ops });
  (async () => {
    await latinReady(); // the board's first texts are measured with the export's Latin font
    if (role === 'edit') outbox.db = await OutboxDB.open();
    const { messages, kept } = await outbox.claim();
    outbox.attach(sync, messages, transmit);
    outbox.watchOthers();
    // Tabs of this board opened later: their unsaved edits come here if they close first.
    if (role === 'edit' && typeof BroadcastChannel === 'function') {
      outbox.listen(new BroadcastChannel(`easel-outbox:${outbox.board}`));
    }
    if (messages.length > 0) notify(`Restored ${unsavedText(messages.length)} kept in this browser`);
    if (kept > 0) console.warn(`easel: ${kept} stored edits belong to another page's id; they go out when a page adopts it`);
  })()
    .catch((err) => {
      console.error('easel: the outbox failed; unsaved edits live in this page only', err);
      outbox.db = null;
      if (!outbox.client) outbox.client = randomClientID();
      if (!outbox.sync) outbox.attach(sync, [], transmit);
    })
    .finally(() => conn.start());
}

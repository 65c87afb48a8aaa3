// Easel's entry module: reads the page's data-* attributes, builds the
// board's parts and connects them. It only wires: each part decodes the
// messages it owns (session.js the welcome, sync.js ops, presence.js and
// cursors.js join/leave/cursors, status.js errors and the connection
// state, files.js exports, together.js, drafts.js and laser.js presence)
// and registers for them itself.
//
// An embed (?embed=1, page.embed) has no top bar: no peer list, name and
// colour, share links, menu, downloads, imports from a button or version
// history; the board, its tools and the corner's status and "Open in Easel"
// stay, the page opens on the whole drawing (embedview.js) and reports the
// board's progress to its host (embedded.js).
//
// Order matters in two places, and the calls below keep it:
// - a welcome is handled in the order parts ask session.onWelcome: the
//   role, the board's state, our color, the peer list, cursors, the
//   pointer; then the connection's other welcome handlers (together,
//   downloads, drafts) in the order they were registered;
// - ops reach sync before drafts.js, so an element replaces its draft in
//   the same frame.

import { blobsURL } from './blobs.js';
import { BoardCanvas } from './canvas.js';
import { RemoteCursors, wireCursors } from './cursors.js';
import { wireDrafts } from './drafts.js';
import { setupDeletion } from './deletion.js';
import { wireHostReport } from './embedded.js';
import { setupEmbedShare } from './embedshare.js';
import { fitOnFirstState } from './embedview.js';
import { randomBase36 } from './element.js';
import { setupFiles } from './files.js';
import { onFontsLoaded } from './fonts.js';
import { HelpOverlay } from './help.js';
import { HistoryPanel } from './historypanel.js';
import { exposeHooks } from './hooks.js';
import { bindIdentityForm, colorAmong, loadIdentity, saveIdentity } from './identity.js';
import { ImageCache } from './imagecache.js';
import { wireLaser } from './laser.js';
import { Connection, forcedTransport, helloMessage, httpBase, randomClientID, socketURL } from './net.js';
import { Outbox } from './outbox.js';
import { $, readPage } from './page.js';
import { LocalPointer } from './pointer.js';
import { peersOf, Presence, wirePresence } from './presence.js';
import { recordVisits } from './recent.js';
import { browserStorage } from './storage.js';
import { Session } from './session.js';
import { setupShareLinks } from './share.js';
import { startConnection } from './startup.js';
import { Toast, wireErrors, wireStatus } from './status.js';
import { BoardSync, wireSync } from './sync.js';
import { setupTitle } from './title.js';
import { bindToolbar } from './toolbar.js';
import { setupTopbarMenu } from './topbarmenu.js';
import { setupTogether } from './together.js';
import { Viewport } from './viewport.js';
import { Whiteboard } from './whiteboard.js';

function main() {
  /** @type {HTMLElement} */
  const root = $('#app');
  const find = (/** @type {string} */ selector) => $(selector, root);
  const page = readPage(root);
  const session = new Session(page.role);
  const viewport = new Viewport();
  /** @type {HTMLCanvasElement} */
  const surface = find('[data-testid="board-canvas"]');
  const [stage, layer] = [find('#stage'), find('#cursor-layer')];
  const canvas = new BoardCanvas(surface, viewport);
  const cursors = new RemoteCursors(layer, viewport);
  const toast = new Toast(find('#toast'));
  const notify = (/** @type {string} */ text) => toast.show(text);
  /** Random per page load: the prefix of every ops ref. */
  const clientId = `c${randomBase36(10)}`;
  const sync = new BoardSync(clientId);
  // The hello's client id (secret: our refs belong to it) is a fresh one or
  // that of stored edits no live page owns (outbox.js); editors keep their
  // unacknowledged edits in IndexedDB.
  const locks = page.role === 'edit' ? (navigator.locks ?? null) : null;
  const outbox = new Outbox({ db: null, locks, board: page.viewId, newClient: () => randomClientID() });
  let identity = loadIdentity();
  // Once the page holds a confirmed board, the hello's since asks for the missed ops only.
  const conn = new Connection({
    url: socketURL(page.socketPath),
    // Where sockets are blocked, the same protocol over SSE or long-polling on these routes.
    base: httpBase(page.socketPath),
    transport: forcedTransport(location.search),
    hello: () => helloMessage(identity, sync.since(), outbox.client),
  });
  // An embed lists nobody (a list of its own, never shown): the peer map still names the cursors.
  const presence = new Presence(page.embed ? document.createElement('ul') : find('[data-testid="peer-list"]'));
  /** @type {(next: import('./identity.js').Identity) => import('./identity.js').Identity} */
  const setIdentity = page.embed
    ? (next) => {
        saveIdentity(next);
        return next;
      }
    : bindIdentityForm(find('#identity-form'), find('#name-input'), find('#color-input'), identity, (next) => {
        identity = next;
        presence.updateSelf({ name: next.name, color: next.color });
        conn.reconnect(); // v1 has no rename: a new hello on a new connection
      });

  // Before the welcome nothing goes out: the welcome resends every pending message.
  const board = new Whiteboard({ surface, stage, canvas, viewport, sync, send: (msg) => conn.connected && outbox.send(msg) });
  board.setReadOnly(page.role === 'view');
  // The pictures of image elements, from this page's blob route (/b/<id>/blobs or /v/<viewId>/blobs).
  const images = new ImageCache({ base: blobsURL(page.role === 'edit' && page.editURL ? page.editURL : page.viewURL, location.href) });
  board.layer.images = images;
  images.onChange(() => board.layer.changed());
  bindToolbar(root, board);
  // An embed's title is for screen readers only: never edited there.
  const editableTitle = () => session.role === 'edit' && !page.embed;
  const title = setupTitle({ el: find('[data-testid="board-title"]'), editable: editableTitle(), board, sync, session });
  const help = new HelpOverlay(find('[data-testid="help-overlay"]'), find('#help-list'), find('[data-testid="help-button"]'));
  board.onHelp = () => help.toggle();
  // Latest-wins: skip a beat rather than queue behind a slow socket.
  const pointer = new LocalPointer(surface, viewport, (msg) => !('x' in msg && conn.buffered > 64 * 1024) && conn.send(msg));

  session.listen(conn, root);
  session.onWelcome(() => {
    board.setReadOnly(session.role === 'view');
    title.setEditable(editableTitle());
  });
  wireSync({ conn, session, sync, outbox });
  wireHostReport({ page, conn, sync });
  // An embed's frame is smaller than the screens the board was drawn on: it opens on the whole drawing.
  if (page.embed) fitOnFirstState({ conn, sync, fit: () => board.run('fit') });
  // A random default color moves off one someone here has (identity.js): hello again with it.
  session.onWelcome((msg) => {
    const color = colorAmong(identity, peersOf(msg));
    if (color === identity.color) return;
    identity = setIdentity({ ...identity, color });
    setTimeout(() => conn.reconnect(), 0);
  });
  const together = setupTogether({ root, stage, surface, layer, conn, viewport, cursors, presence, pointer, notify, session: () => session, blocked: () => help.isOpen });
  const files = setupFiles({ page, conn, board, images, clientId, notify, $: find });
  wirePresence({ conn, session, presence, self: () => ({ id: session.you, name: identity.name, color: identity.color, role: session.role }) });
  wireCursors({ conn, session, cursors, peer: (id) => presence.get(id) });
  session.onWelcome(() => pointer.resync());
  // Live presence: shapes while they are drawn (drafts.js), the laser pointer (laser.js, tools/laser.js).
  const drafts = wireDrafts({ conn, board, session });
  const laser = wireLaser({ conn, viewport, pointer, tool: /** @type {any} */ (board.tools.laser), host: layer, you: () => session.you });
  wireErrors({ conn, toast, claimed: [(msg) => files.downloads.error(msg), (msg) => together.error(msg)], rejected: (ref) => board.rejected(ref) });
  wireStatus({ root, el: find('[data-testid="connection-status"]'), conn, sync });

  // The top bar's parts: share links and embed snippets, the ⋯ menu (the rare actions on wide
  // screens, most of the bar on narrow ones), earlier versions (listed, previewed over the board,
  // restored as one edit). Embeds have none of them.
  const bar = page.embed ? null : setupTopBar({ root, page, board, session, viewport, images, notify });
  // This browser's recent boards (the landing page lists them), and the end of a deleted board.
  const storage = browserStorage();
  recordVisits({ storage, viewId: page.viewId, url: page.role === 'edit' && page.editURL ? page.editURL : page.viewURL, sync });
  setupDeletion({ root, page, conn, sync, outbox, storage, onGone: () => bar?.history.close(), onAsk: () => bar?.menu.close(), focusBack: (b) => bar?.menu.focusBack(b) });
  // Text measured before a face of /fonts.css arrived is laid out again.
  onFontsLoaded(() => {
    board.layer.fontsLoaded();
    bar?.history.preview.fontsLoaded();
  });
  startConnection({ role: page.role, outbox, sync, conn, notify });
  exposeHooks({ session, identity: () => identity, presence, cursors, conn, sync, board, viewport, canvas, outbox, images, together, files, drafts, laser });
}

/**
 * The parts of the top bar that open things: the share links, the embed
 * snippets, the ⋯ menu and the version history.
 * @param {object} o
 * @param {HTMLElement} o.root
 * @param {import('./page.js').PageInfo} o.page
 * @param {Whiteboard} o.board
 * @param {Session} o.session
 * @param {Viewport} o.viewport
 * @param {ImageCache} o.images
 * @param {(text: string) => void} o.notify
 */
function setupTopBar({ root, page, board, session, viewport, images, notify }) {
  setupShareLinks(root, page);
  setupEmbedShare({ root, page, title: () => board.sync.title });
  const menu = setupTopbarMenu(root);
  const history = new HistoryPanel({ root, page, board, session, viewport, images, notify, onOpen: () => menu.close(), focusBack: (b) => menu.focusBack(b) });
  return { menu, history };
}

main();

// Easel's entry module: reads the page's data-* attributes, builds the
// board (viewport, canvas, cursors, presence, share links, identity,
// status, and the whiteboard: sync, tools, toolbar, title, help) and wires
// them to the connection.
//
// Files plug in the same way: the export menu and the downloads listen with
// conn.on(type, fn) and conn.onBinary(fn) and send with conn.send(msg); the
// importer (editors only) posts to the board's import URL.

import { blobsURL } from './blobs.js';
import { BoardCanvas } from './canvas.js';
import { Clipboard } from './clipboard.js';
import { FALLBACK_COLOR } from './color.js';
import { RemoteCursors } from './cursors.js';
import { Downloads } from './downloads.js';
import { wireDrafts } from './drafts.js';
import { latinReady, onFontsLoaded } from './fonts.js';
import { blobSHA, randomBase36 } from './element.js';
import { ExportMenu } from './exportmenu.js';
import { HelpOverlay } from './help.js';
import { bindIdentityForm, colorAmong, loadIdentity } from './identity.js';
import { ImageCache } from './imagecache.js';
import { ImageUploads } from './imageupload.js';
import { bindDropZone, Importer, importURL, landImport, preventFileNavigation } from './importer.js';
import { wireLaser } from './laser.js';
import { Connection, forcedTransport, helloMessage, httpBase, randomClientID, socketURL } from './net.js';
import { Outbox } from './outbox.js';
import { OutboxDB } from './outboxdb.js';
import { Disclosure } from './panels.js';
import { LocalPointer } from './pointer.js';
import { Presence, toPeer } from './presence.js';
import { setupTogether } from './together.js';
import { setupShareLink } from './share.js';
import { showStatus, Toast, unsavedText } from './status.js';
import { BoardSync } from './sync.js';
import { TitleEditor } from './title.js';
import { bindImagePicker } from './tools/image.js';
import { bindToolbar } from './toolbar.js';
import { Viewport } from './viewport.js';
import { Whiteboard } from './whiteboard.js';
import { compareStrings } from './zorder.js';

/** @typedef {import('./presence.js').Peer} Peer */
/** @typedef {import('./net.js').Message} Message */
/** @typedef {import('./element.js').Element} Element */

/**
 * Elements as plain objects, sorted by z then id (byte order).
 * @param {Iterable<Element>} elements
 * @returns {Element[]}
 */
function sortedCopies(elements) {
  return [...elements]
    .sort((a, b) => compareStrings(a.z, b.z) || compareStrings(a.id, b.id))
    .map((el) => JSON.parse(JSON.stringify(el)));
}

/**
 * @template {Element} T
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {T}
 */
function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`easel: the page has no ${selector}`);
  return /** @type {T} */ (el);
}

function main() {
  /** @type {HTMLElement} */
  const root = $('#app');
  const page = {
    role: root.dataset.role === 'view' ? 'view' : 'edit',
    socketPath: root.dataset.socketPath ?? '',
    editURL: root.dataset.editUrl ?? '',
    viewURL: root.dataset.viewUrl ?? '',
  };

  const viewport = new Viewport();
  /** @type {HTMLCanvasElement} */
  const canvasEl = $('[data-testid="board-canvas"]', root);
  const canvas = new BoardCanvas(canvasEl, viewport);
  const cursors = new RemoteCursors($('#cursor-layer', root), viewport);
  const presence = new Presence($('[data-testid="peer-list"]', root));
  /** @type {HTMLElement} */
  const statusEl = $('[data-testid="connection-status"]', root);
  /** @type {HTMLElement} */
  const titleEl = $('[data-testid="board-title"]', root);
  const toast = new Toast($('#toast', root));
  /** Random per page load: the prefix of every ops ref. */
  const clientId = `c${randomBase36(10)}`;
  const sync = new BoardSync(clientId);
  // Unacknowledged edits are kept in IndexedDB until acked; the hello
  // client id (secret, sent in every hello: our refs belong to it) is a
  // fresh one or the id of stored edits no live page owns (outbox.js).
  const outbox = new Outbox({
    db: null,
    locks: page.role === 'edit' ? (navigator.locks ?? null) : null,
    board: root.dataset.viewId ?? '',
    newClient: () => randomClientID(),
  });

  let identity = loadIdentity();
  const session = {
    /** This connection's peer id, from welcome. */
    you: '',
    /** @type {'edit' | 'view'} */
    role: /** @type {'edit' | 'view'} */ (page.role),
    /** @type {{viewId?: string, title?: string, id?: string}} */
    board: {},
    /** The server's cursor tick, ms. */
    tick: 0,
  };

  const conn = new Connection({
    url: socketURL(page.socketPath),
    // Where sockets are blocked, the same protocol over SSE or long-polling on these routes.
    base: httpBase(page.socketPath),
    transport: forcedTransport(location.search),
    // Once the page holds a confirmed board, since asks for the missed ops only.
    hello: () => helloMessage(identity, sync.since(), outbox.client),
  });

  const board = new Whiteboard({
    surface: canvasEl,
    stage: $('#stage', root),
    canvas,
    viewport,
    sync,
    // Before welcome nothing goes out: the welcome resends every pending message.
    send: (msg) => conn.connected && outbox.send(msg),
  });
  board.setReadOnly(page.role === 'view');
  // The pictures of image elements, from this page's blob route (/b/<id>/blobs or /v/<viewId>/blobs).
  const images = new ImageCache({ base: blobsURL(page.role === 'edit' && page.editURL ? page.editURL : page.viewURL, location.href) });
  board.layer.images = images;
  images.onChange(() => board.layer.changed());
  bindToolbar(root, board);
  const title = new TitleEditor(titleEl, (next) => board.setTitle(next));
  title.setEditable(page.role === 'edit');
  title.set(titleEl.textContent === 'Untitled board' ? '' : (titleEl.textContent ?? ''));
  const help = new HelpOverlay($('[data-testid="help-overlay"]', root), $('#help-list', root), $('[data-testid="help-button"]', root));
  board.onHelp = () => help.toggle();
  sync.onChange((set) => {
    if (!set.title) return;
    session.board = { ...session.board, title: sync.title };
    title.set(sync.title);
  });
  const pointer = new LocalPointer(canvasEl, viewport, (msg) => {
    // Latest-wins: skip a beat rather than queue behind a slow socket.
    if ('x' in msg && conn.buffered > 64 * 1024) return false;
    return conn.send(msg);
  });

  conn.on('welcome', (msg) => {
    if (typeof msg.you !== 'string') return;
    session.you = msg.you;
    session.role = msg.role === 'view' ? 'view' : 'edit';
    session.tick = typeof msg.tick === 'number' ? msg.tick : 0;
    root.dataset.role = session.role;
    board.setReadOnly(session.role === 'view');
    title.setEditable(session.role === 'edit');
    if (msg.board && typeof msg.board === 'object') session.board = msg.board;
    // The board's state: a snapshot, or (recovered) the missed ops follow.
    // Then every message of ours still unacknowledged goes out again with
    // its own ref, once the outbox has marked it sent on disk; the server
    // keeps each edit once.
    sync.welcome(msg);
    outbox.welcomed();
    const others = Array.isArray(msg.peers) ? msg.peers.map(toPeer).filter((p) => p !== null) : [];
    // A random default color moves off one someone here has (identity.js): hello again with it.
    const color = colorAmong(identity, /** @type {Peer[]} */ (others));
    if (color !== identity.color) {
      identity = setIdentity({ ...identity, color });
      setTimeout(() => conn.reconnect(), 0);
    }
    presence.reset(
      { id: session.you, name: identity.name, color: identity.color, role: session.role },
      /** @type {Peer[]} */ (others),
    );
    cursors.clear();
    pointer.resync();
  });

  // Views and following, summon, cursor chat and reactions (together.js).
  const together = setupTogether({
    root,
    stage: $('#stage', root),
    surface: canvasEl,
    layer: $('#cursor-layer', root),
    conn,
    viewport,
    cursors,
    presence,
    pointer,
    notify: (text) => toast.show(text),
    session: () => session,
    blocked: () => help.isOpen,
  });

  // Files: downloads of exports over the socket (both roles), imports (editors).
  let exportCount = 0;
  const downloads = new Downloads($('#downloads', root), {
    send: (msg) => conn.send(msg),
    newRef: () => `${clientId}-x${++exportCount}`,
  });
  new ExportMenu($('[data-testid="export-menu"]', root), $('#export-panel', root), (format, scale, background, embedFonts) => downloads.start(format, scale, background, embedFonts));
  conn.on('export.meta', (msg) => downloads.meta(msg));
  conn.on('export.done', (msg) => downloads.done(msg));
  conn.onBinary((frame) => downloads.chunk(frame));
  // After the welcome handler above: transfers in progress resume.
  conn.on('welcome', () => downloads.welcome());
  conn.onDisconnect(() => downloads.disconnected());

  /** @type {Importer | null} */
  let importer = null;
  /** @type {ImageUploads | null} */
  let uploads = null;
  // Ctrl/⌘+C, X, V (and Shift+C as PNG) through the system clipboard;
  // Excalidraw's clipboard is imported, pictures are uploaded.
  new Clipboard({
    board,
    notify: (text) => toast.show(text),
    importScene: (scene, at) => importer?.upload(new File([scene], 'the clipboard', { type: 'application/json' }), at),
    pasteImages: (files, at) => uploads?.addAll(files, at),
    blobBytes: (sha) => images.file(sha),
    ensureBlobs: (shas, files) => (uploads ? uploads.ensure(shas, files) : Promise.resolve(new Set())),
  });
  /** @type {HTMLElement} */
  const stage = $('#stage', root);
  if (page.role === 'edit' && page.editURL) {
    const files = new Importer({
      url: importURL(page.editURL, location.href),
      notify: (text) => toast.show(text),
      button: $('[data-testid="import-button"]', root),
      input: $('[data-testid="import-file"]', root),
      center: () => viewport.toBoard(canvasEl.clientWidth / 2, canvasEl.clientHeight / 2),
      arrived: (info) => landImport(board, info, (steps) => board.history.record(steps, [])),
    });
    const pictures = new ImageUploads({ board, url: blobsURL(page.editURL, location.href), cache: images, host: stage, notify: (text) => toast.show(text) });
    importer = files;
    uploads = pictures;
    bindImagePicker($('[data-testid="image-file"]', root), board, (chosen, at) => pictures.addAll(chosen, at));
    // Dropped pictures land where they are dropped; a board file is imported.
    bindDropZone(stage, (dropped, ev) => {
      const isPicture = (/** @type {File} */ f) => f.type.startsWith('image/') || /\.(png|jpe?g|gif|webp)$/i.test(f.name);
      const shown = dropped.filter(isPicture);
      const r = canvasEl.getBoundingClientRect();
      if (shown.length > 0) pictures.addAll(shown, viewport.toBoard(ev.clientX - r.left, ev.clientY - r.top));
      const other = dropped.find((f) => !isPicture(f));
      if (other) files.upload(other);
    });
  } else {
    preventFileNavigation();
    stage.addEventListener('drop', (ev) => {
      if (ev.dataTransfer?.types.includes('Files')) toast.show('This link can only view the board: adding images or importing needs the edit link');
    });
  }

  conn.on('join', (msg) => {
    const peer = toPeer(msg.peer);
    if (!peer || peer.id === session.you) return;
    presence.join(peer);
    cursors.updatePeer(peer);
  });

  conn.on('leave', (msg) => {
    if (typeof msg.id !== 'string') return;
    presence.leave(msg.id);
    cursors.remove(msg.id);
  });

  conn.on('cursors', (msg) => {
    if (Array.isArray(msg.c)) {
      for (const entry of msg.c) {
        if (!Array.isArray(entry)) continue;
        const [id, x, y] = entry;
        if (typeof id !== 'string' || id === session.you) continue;
        if (typeof x !== 'number' || typeof y !== 'number') continue;
        const peer = presence.get(id) ?? { id, name: 'Guest', color: FALLBACK_COLOR };
        cursors.move(peer, x, y);
      }
    }
    if (Array.isArray(msg.gone)) {
      for (const id of msg.gone) if (typeof id === 'string') cursors.remove(id);
    }
  });

  // Everyone's edits in server order, ours included (that is the ack).
  conn.on('ops', (msg) => {
    if (sync.receive(msg) === 'gap') {
      console.warn(`easel: missed ops before seq ${msg.seq} (have ${sync.seq}); catching up`);
      conn.reconnect();
    }
  });

  // Live presence: shapes while they are drawn (drafts.js), the laser pointer (laser.js, tools/laser.js).
  const drafts = wireDrafts({ conn, board, session });
  const laser = wireLaser({ conn, viewport, pointer, tool: /** @type {any} */ (board.tools.laser), host: $('#cursor-layer', root), you: () => session.you });

  conn.on('error', (msg) => {
    const code = typeof msg.code === 'string' ? msg.code : 'error';
    const text = typeof msg.message === 'string' && msg.message !== '' ? msg.message : code;
    console.warn(`easel: server error ${code}: ${text}`);
    if (downloads.error(msg)) return; // shown in the download's item
    if (together.error(msg)) return; // a chat or reaction over the budget
    if (typeof msg.ref === 'string' && board.rejected(msg.ref)) {
      toast.show(`Your last change was not saved: ${text}`);
      return;
    }
    toast.show(text);
  });

  conn.onDisconnect(() => cursors.clear());
  conn.onDisconnect(() => outbox.disconnected());
  let problem = '';
  const renderStatus = () => showStatus(statusEl, conn.state, problem, sync.pending.length, conn.transport);
  conn.onState((state, why) => {
    problem = why;
    renderStatus();
    root.dataset.connection = state;
  });
  sync.onPending(renderStatus);
  renderStatus();
  root.dataset.connection = conn.state;
  outbox.onTakeOver = (n) => toast.show(`Took over ${unsavedText(n)} from a tab that was closed`);
  outbox.onOverflow = () => toast.show('This browser cannot keep more unsaved changes: keep this page open until it reconnects');
  // Leaving with edits the server does not have yet: the browser asks first
  // (they are kept in IndexedDB too, but only this browser has them).
  window.addEventListener('beforeunload', (ev) => {
    if (sync.pending.length === 0) return;
    ev.preventDefault();
    ev.returnValue = '';
  });

  /** @type {HTMLInputElement} */
  const shareField = $('#share-field', root);
  if (page.role === 'edit' && page.editURL) {
    const editLink = root.querySelector('[data-testid="share-edit-link"]');
    if (editLink) setupShareLink(/** @type {HTMLAnchorElement} */ (editLink), page.editURL, shareField);
  }
  if (page.viewURL) {
    setupShareLink($('[data-testid="share-view-link"]', root), page.viewURL, shareField);
  }

  const setIdentity = bindIdentityForm($('#identity-form', root), $('#name-input', root), $('#color-input', root), identity, (next) => {
    identity = next;
    presence.updateSelf({ name: next.name, color: next.color });
    conn.reconnect(); // v1 has no rename: a new hello on a new connection
  });

  // Narrow screens: share links, identity and theme in a menu.
  new Disclosure($('[data-testid="menu-toggle"]', root), $('#topbar-menu', root));

  // Text measured before a face of /fonts.css arrived is laid out again.
  onFontsLoaded(() => board.layer.fontsLoaded());

  // No reconnecting while the page goes away, and a bye so our cursor leaves
  // at once; pick up again if the page comes back from the back/forward cache.
  window.addEventListener('pagehide', () => conn.stop({ bye: true }));
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) conn.start();
  });

  // The hello needs our client id, and stored edits must be pending before
  // the first welcome: claim them, then connect.
  /** @param {{ref: string, ops: any[]}} m */
  const transmit = (m) => conn.send({ type: 'ops', ref: m.ref, ops: m.ops });
  (async () => {
    await latinReady(); // the board's first texts are measured with the export's Latin font
    if (page.role === 'edit') outbox.db = await OutboxDB.open();
    const { messages, kept } = await outbox.claim();
    outbox.attach(sync, messages, transmit);
    outbox.watchOthers();
    // Tabs of this board opened later: their unsaved edits come here if they close first.
    if (page.role === 'edit' && typeof BroadcastChannel === 'function') {
      outbox.listen(new BroadcastChannel(`easel-outbox:${outbox.board}`));
    }
    if (messages.length > 0) toast.show(`Restored ${unsavedText(messages.length)} kept in this browser`);
    if (kept > 0) console.warn(`easel: ${kept} stored edits belong to another page's id; they go out when a page adopts it`);
  })()
    .catch((err) => {
      console.error('easel: the outbox failed; unsaved edits live in this page only', err);
      outbox.db = null;
      if (!outbox.client) outbox.client = randomClientID();
      if (!outbox.sync) outbox.attach(sync, [], transmit);
    })
    .finally(() => conn.start());

  // Debug and test hook (documented in README.md).
  /** @type {any} */ (window).easel = {
    state: () => ({
      you: session.you,
      role: session.role,
      board: { ...session.board },
      tick: session.tick,
      peers: presence.all().map((p) => ({ ...p })),
      cursors: cursors.ids(),
      connected: conn.connected,
      status: conn.state,
      name: identity.name,
      color: identity.color,
      seq: sync.seq,
      epoch: sync.epoch,
      elementCount: sync.view.size,
      pending: sync.pending.length,
      tool: board.tool.name,
      zoom: viewport.scale,
      selection: [...board.selection],
      title: sync.title,
    }),
    elements: () => sortedCopies(sync.view.values()),
    view: () => together.view(),
    views: () => together.views(),
    confirmedElements: () => sortedCopies(sync.confirmed.values()),
    downloads: () => downloads.snapshot(),
    drafts: () => drafts.list(),
    laserTrails: () => laser.trails.snapshot(performance.now()),
    imports: () => (importer ? importer.snapshot() : []),
    uploads: () => (uploads ? uploads.snapshot() : []),
    imageState: (/** @type {string} */ id) => {
      const el = sync.get(id);
      const sha = el && el.kind === 'image' ? blobSHA(el.src) : null;
      return sha ? images.state(sha) : null;
    },
    layout: (/** @type {string} */ id) => board.layer.layoutOf(id),
    perf: canvas.perf,
    viewport,
    canvas,
    conn,
    sync,
    board,
    outbox,
  };
}

main();

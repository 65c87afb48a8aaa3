// Hooks: window.easel, the page's debug and test surface (documented in
// README.md). Read-only views of the live parts, plus the live objects
// themselves for tests that drive them (viewport.set, conn, sync).

import { blobSHA } from './element.js';
import { compareStrings } from './zorder.js';

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
 * @param {object} o the page's parts (app.js)
 * @param {import('./session.js').Session} o.session
 * @param {() => {name: string, color: string}} o.identity
 * @param {import('./presence.js').Presence} o.presence
 * @param {import('./cursors.js').RemoteCursors} o.cursors
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./sync.js').BoardSync} o.sync
 * @param {import('./whiteboard.js').Whiteboard} o.board
 * @param {import('./viewport.js').Viewport} o.viewport
 * @param {import('./canvas.js').BoardCanvas} o.canvas
 * @param {import('./outbox.js').Outbox} o.outbox
 * @param {import('./imagecache.js').ImageCache} o.images
 * @param {{view: () => unknown, views: () => unknown}} o.together
 * @param {ReturnType<typeof import('./files.js').setupFiles>} o.files
 * @param {import('./drafts.js').RemoteDrafts} o.drafts
 * @param {{trails: import('./laser.js').LaserTrails}} o.laser
 */
export function exposeHooks({ session, identity, presence, cursors, conn, sync, board, viewport, canvas, outbox, images, together, files, drafts, laser }) {
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
      name: identity().name,
      color: identity().color,
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
    downloads: () => files.downloads.snapshot(),
    drafts: () => drafts.list(),
    laserTrails: () => laser.trails.snapshot(performance.now()),
    imports: () => files.importer()?.snapshot() ?? [],
    uploads: () => files.uploads()?.snapshot() ?? [],
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

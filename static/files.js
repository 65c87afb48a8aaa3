// Files: what comes into and goes out of the board as files, wired to the
// page — downloads of exports over the socket and the export menu (both
// roles), the system clipboard (both; pasting is the editors'), imports of
// board files and pictures added from the picker or dropped on the board
// (editors). A view page refuses dropped files with a toast instead of
// letting the browser open them. An embed has no top bar, so no export
// menu and no import button: drops and pastes still work there.

import { blobsURL } from './blobs.js';
import { Clipboard } from './clipboard.js';
import { Downloads } from './downloads.js';
import { ExportMenu } from './exportmenu.js';
import { ImageUploads } from './imageupload.js';
import { bindDropZone, Importer, importURL, landImport, preventFileNavigation } from './importer.js';
import { bindImagePicker } from './tools/image.js';

/**
 * @param {object} o
 * @param {{role: string, editURL: string, embed: boolean}} o.page
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./whiteboard.js').Whiteboard} o.board
 * @param {import('./imagecache.js').ImageCache} o.images
 * @param {string} o.clientId the prefix of our export refs
 * @param {(text: string) => void} o.notify a toast
 * @param {(selector: string) => any} o.$ the page's element for a selector (throws when missing)
 * @returns {{downloads: Downloads, importer: () => Importer | null, uploads: () => ImageUploads | null}}
 */
export function setupFiles({ page, conn, board, images, clientId, notify, $ }) {
  const { viewport, surface: canvasEl } = board;
  let exportCount = 0;
  const downloads = new Downloads($('#downloads'), {
    send: (msg) => conn.send(msg),
    newRef: () => `${clientId}-x${++exportCount}`,
  });
  if (!page.embed) {
    new ExportMenu($('[data-testid="export-menu"]'), $('#export-panel'), (format, scale, background, embedFonts) => downloads.start(format, scale, background, embedFonts));
  }
  conn.on('export.meta', (msg) => downloads.meta(msg));
  conn.on('export.done', (msg) => downloads.done(msg));
  conn.onBinary((frame) => downloads.chunk(frame));
  // Registered after the board's welcome handling: transfers in progress resume on a current board.
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
    notify,
    importScene: (scene, at) => importer?.upload(new File([scene], 'the clipboard', { type: 'application/json' }), at),
    pasteImages: (files, at) => uploads?.addAll(files, at),
    blobBytes: (sha) => images.file(sha),
    ensureBlobs: (shas, files) => (uploads ? uploads.ensure(shas, files) : Promise.resolve(new Set())),
  });
  /** @type {HTMLElement} */
  const stage = $('#stage');
  if (page.role === 'edit' && page.editURL) {
    const files = new Importer({
      url: importURL(page.editURL, location.href),
      notify,
      button: page.embed ? undefined : $('[data-testid="import-button"]'),
      input: page.embed ? undefined : $('[data-testid="import-file"]'),
      center: () => viewport.toBoard(canvasEl.clientWidth / 2, canvasEl.clientHeight / 2),
      arrived: (info) => landImport(board, info, (steps) => board.history.record(steps, [])),
    });
    const pictures = new ImageUploads({ board, url: blobsURL(page.editURL, location.href), cache: images, host: stage, notify });
    importer = files;
    uploads = pictures;
    bindImagePicker($('[data-testid="image-file"]'), board, (chosen, at) => pictures.addAll(chosen, at));
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
      if (ev.dataTransfer?.types.includes('Files')) notify('This link can only view the board: adding images or importing needs the edit link');
    });
  }
  return { downloads, importer: () => importer, uploads: () => uploads };
}

// Downloads: board exports received over the socket, and their progress
// items in the page.
//
// start(format, scale, background, embedFonts) sends {"type":"export","ref",…}; the server answers
// export.meta (the transfer id, size, sha256, chunk and window sizes), then
// binary chunks, then export.done. Chunks are written into a preallocated
// buffer at their offsets (transfer.js); the contiguous prefix is
// acknowledged with export.ack at least every window/4 bytes and at the end,
// since the server stops after a whole window unacknowledged. When the
// socket drops mid-download, the next welcome sends export.resume with the
// contiguous offset, and the server answers export.meta again (same id) and
// the chunks from there. A complete file is checked against
// export.meta.sha256 and only then saved (a Blob, an object URL and an
// <a download> click); error `gone` means the transfer expired and the item
// offers to start again.
//
// Each download shows as an item in the downloads list: the file name, a
// <progress data-testid="export-progress" data-transfer-id value max="1">
// (the test id and transfer id from export.meta on), "42 % · 1.2 MB of
// 2.9 MB", and buttons to cancel (export-cancel), start again
// (export-retry) and dismiss (export-dismiss).

import { sha256Hex } from './sha256.js';
import {
  exportRequest,
  formatBytes,
  fraction,
  isScaled,
  normalizeId,
  parseChunk,
  progressText,
  ReceiveBuffer,
  shouldAck,
} from './transfer.js';

/** @typedef {import('./net.js').Message} Message */
/** @typedef {'receiving' | 'verifying' | 'done' | 'failed' | 'cancelled'} DownloadState */

/**
 * What window.easel.downloads() reports for each download.
 * @typedef {object} DownloadInfo
 * @property {string} id the transfer id ("" until export.meta)
 * @property {string} ref the request's ref
 * @property {string} format
 * @property {number} scale
 * @property {string} background "" (white), "transparent" or "#rrggbb"
 * @property {boolean} embedFonts an SVG with its fonts
 * @property {string} filename
 * @property {number} size bytes (0 until export.meta)
 * @property {number} received bytes received contiguously (what export.ack and export.resume report)
 * @property {number} window export.meta.window: the most the server sends unacknowledged
 * @property {string} mime
 * @property {DownloadState} state
 * @property {string} sha256 what export.meta announced
 * @property {boolean} verified whether the received bytes hash to it
 * @property {boolean} expired the server said `gone`
 * @property {boolean} paused waiting for the connection to resume
 * @property {number} resumes export.resume messages sent
 * @property {string} message why it failed, "" otherwise
 */

/** A finished download's item goes away after this long. */
const DONE_LINGER_MS = 10_000;
/** Object URLs of saved files are revoked after this long. */
const REVOKE_MS = 60_000;
/** export.done with bytes missing asks for them again at most this often per transfer. */
const MAX_HOLE_RESUMES = 3;

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 * @returns {HTMLElement}
 */
function make(tag, className, text) {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * @param {string} testid
 * @param {string} label
 * @param {string} [className]
 * @returns {HTMLButtonElement}
 */
function button(testid, label, className = 'download__button') {
  const b = /** @type {HTMLButtonElement} */ (make('button', className, label));
  b.type = 'button';
  b.dataset.testid = testid;
  return b;
}

/** One download: the transfer's state and its item in the list. */
class Download {
  /**
   * @param {string} ref
   * @param {string} format
   * @param {number} scale
   * @param {string} background "" (white), "transparent" or "#rrggbb"
   * @param {boolean} embedFonts an SVG with its fonts
   */
  constructor(ref, format, scale, background, embedFonts) {
    this.ref = ref;
    this.format = format;
    this.scale = scale;
    this.background = background;
    this.embedFonts = embedFonts;
    /** The transfer id as the server wrote it, and as a comparable key. */
    this.id = '';
    this.key = '';
    this.filename = '';
    this.mime = 'application/octet-stream';
    this.size = 0;
    this.sha256 = '';
    this.chunk = 0;
    this.window = 0;
    /** @type {ReceiveBuffer | null} the bytes, freed once saved or given up */
    this.buf = null;
    /** The offset last acknowledged (or resumed from). */
    this.acked = 0;
    /** Kept after the buffer is freed. */
    this.received = 0;
    /** @type {DownloadState} */
    this.state = 'receiving';
    this.verified = false;
    this.expired = false;
    /** Whether the request (export or export.resume) went out on the current connection. */
    this.sent = false;
    this.resumes = 0;
    this.message = '';

    this.item = make('li', 'download');
    this.item.dataset.testid = 'export-download';
    this.item.dataset.transferId = '';
    this.name = make('span', 'download__name', `${format.toUpperCase()}${isScaled(format) ? ` ${scale}×` : ''} export`);
    this.cancelButton = button('export-cancel', '×', 'download__close');
    this.cancelButton.title = 'Cancel the download';
    this.cancelButton.setAttribute('aria-label', 'Cancel the download');
    const head = make('div', 'download__head');
    head.append(this.name, this.cancelButton);
    this.progress = /** @type {HTMLProgressElement} */ (make('progress', 'download__bar'));
    this.progress.max = 1;
    this.progress.removeAttribute('value'); // indeterminate until export.meta
    this.text = make('div', 'download__text', 'Preparing…');
    this.text.dataset.testid = 'export-progress-text';
    this.retryButton = button('export-retry', 'Start again');
    this.dismissButton = button('export-dismiss', 'Dismiss');
    const actions = make('div', 'download__actions');
    actions.append(this.retryButton, this.dismissButton);
    this.actions = actions;
    this.item.append(head, this.progress, this.text, actions);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.lingerTimer = undefined;
  }

  /** @returns {DownloadInfo} */
  info() {
    return {
      id: this.id,
      ref: this.ref,
      format: this.format,
      scale: this.scale,
      background: this.background,
      embedFonts: this.embedFonts,
      filename: this.filename,
      size: this.size,
      received: this.buf ? this.buf.contiguous : this.received,
      window: this.window,
      mime: this.mime,
      state: this.state,
      sha256: this.sha256,
      verified: this.verified,
      expired: this.expired,
      paused: this.state === 'receiving' && !this.sent,
      resumes: this.resumes,
      message: this.message,
    };
  }

  /** Bring the item up to date. */
  render() {
    const received = this.buf ? this.buf.contiguous : this.received;
    this.item.dataset.state = this.state;
    if (this.filename) this.name.textContent = this.filename;
    if (this.key) {
      this.item.dataset.transferId = this.id;
      this.progress.dataset.testid = 'export-progress';
      this.progress.dataset.transferId = this.id;
      this.progress.value = fraction(received, this.size);
    } else if (this.state !== 'receiving') {
      this.progress.value = 0; // no longer indeterminate: nothing is coming
    }
    let text;
    switch (this.state) {
      case 'receiving':
        if (!this.key) text = this.sent ? 'Preparing…' : 'Waiting for the connection…';
        else if (!this.sent) text = `Paused, waiting for the connection · ${progressText(received, this.size)}`;
        else text = progressText(received, this.size);
        break;
      case 'verifying':
        text = `Checking · ${formatBytes(this.size)}`;
        break;
      case 'done':
        text = `Saved · ${formatBytes(this.size)}`;
        break;
      case 'failed':
        text = this.message || 'The download failed';
        break;
      default:
        text = 'Cancelled';
    }
    this.text.textContent = text;
    const active = this.state === 'receiving' || this.state === 'verifying';
    this.cancelButton.hidden = !active;
    this.retryButton.hidden = this.state !== 'failed';
    this.dismissButton.hidden = active;
    this.actions.hidden = active;
  }
}

/**
 * @typedef {object} DownloadsOptions
 * @property {(msg: Message) => boolean} send sends on the socket; false when it is not open
 * @property {() => string} newRef a fresh ref for an export request
 * @property {(file: {bytes: Uint8Array, mime: string, filename: string}) => void} [save]
 *   hands a verified file to the browser (default: an <a download> click)
 */

export class Downloads {
  /**
   * @param {HTMLElement} list the downloads list (an empty <ul>)
   * @param {DownloadsOptions} opts
   */
  constructor(list, opts) {
    this.list = list;
    this.sendRaw = opts.send;
    /** Between welcome() and disconnected(): requests may go out. */
    this.online = false;
    this.newRef = opts.newRef;
    this.save = opts.save ?? saveFile;
    /** Every download of this page, oldest first. @type {Download[]} */
    this.all = [];
    /** Requests not answered by export.meta yet. @type {Map<string, Download>} */
    this.byRef = new Map();
    /**
     * Downloads by normalized transfer id. The server hands out one transfer
     * for equal requests at the same board seq, so two downloads of this
     * page may share an id (and one stream: its chunks fill both).
     * @type {Map<string, Download[]>}
     */
    this.byKey = new Map();
    /** Per transfer: the offset last acknowledged or resumed from. @type {Map<string, number>} */
    this.acked = new Map();
    /** Per transfer: resumes asked because export.done came with bytes missing. @type {Map<string, number>} */
    this.holeResumes = new Map();
    /** @type {Set<Download>} items to repaint at the next animation frame */
    this.dirty = new Set();
    this.frame = 0;
  }

  /**
   * Send when welcomed (the welcome handler itself runs before the
   * connection counts as connected, so this tracks welcome on its own).
   * @param {Message} msg
   * @returns {boolean}
   */
  send(msg) {
    return this.online && this.sendRaw(msg);
  }

  /**
   * Ask the server for an export.
   * @param {string} format json, svg, png or pdf
   * @param {number} [scale] 1–4, for png and pdf
   * @param {string} [background] "" (white), "transparent" or "#rrggbb"; not for json
   * @param {boolean} [embedFonts] svg only: a self-contained file with its fonts
   * @returns {Download}
   */
  start(format, scale = 1, background = '', embedFonts = false) {
    const d = new Download(this.newRef(), format, isScaled(format) ? scale : 1, format === 'json' ? '' : background, format === 'svg' && embedFonts);
    d.cancelButton.addEventListener('click', () => this.cancel(d));
    d.retryButton.addEventListener('click', () => {
      this.dismiss(d);
      this.start(d.format, d.scale, d.background, d.embedFonts);
    });
    d.dismissButton.addEventListener('click', () => this.dismiss(d));
    this.all.push(d);
    this.byRef.set(d.ref, d);
    this.list.append(d.item);
    this.list.hidden = false;
    d.sent = this.send(exportRequest(d.ref, d.format, d.scale, d.background, d.embedFonts));
    d.render();
    return d;
  }

  /**
   * The downloads of a transfer still receiving (with their buffer).
   * @param {string} key
   * @returns {Download[]}
   */
  receiving(key) {
    return (this.byKey.get(key) ?? []).filter((d) => d.state === 'receiving' && d.buf !== null);
  }

  /**
   * What a transfer's downloads all hold contiguously (-1: none receiving).
   * @param {string} key
   * @returns {number}
   */
  contiguous(key) {
    const group = this.receiving(key);
    if (group.length === 0) return -1;
    return Math.min(...group.map((d) => /** @type {ReceiveBuffer} */ (d.buf).contiguous));
  }

  /**
   * export.meta: the transfer for one of our requests, or the answer to a
   * resume (same id).
   * @param {Message} msg
   */
  meta(msg) {
    const key = normalizeId(msg.id);
    if (key === '') return;
    const pending = typeof msg.ref === 'string' ? this.byRef.get(msg.ref) : undefined;
    /** @type {Download[]} */
    let targets;
    if (pending) {
      this.byRef.delete(pending.ref);
      if (pending.state === 'cancelled') {
        if (this.receiving(key).length === 0) this.send({ type: 'export.cancel', id: msg.id });
        return;
      }
      if (pending.state !== 'receiving') return;
      pending.id = msg.id;
      pending.key = key;
      this.byKey.set(key, [...(this.byKey.get(key) ?? []), pending]);
      targets = [pending];
    } else {
      targets = (this.byKey.get(key) ?? []).filter((d) => d.state === 'receiving');
      if (targets.length === 0) return; // not ours (another tab's), or long over
    }
    const size = msg.size;
    const sha = typeof msg.sha256 === 'string' ? msg.sha256.toLowerCase() : '';
    for (const d of targets) {
      if (!Number.isSafeInteger(size) || size < 0 || !/^[0-9a-f]{64}$/.test(sha)) {
        this.fail(d, 'The server announced an unreadable file');
        continue;
      }
      if (!d.buf || d.buf.size !== size || d.sha256 !== sha) {
        // A new file (or, defensively, another one than before): from the start.
        try {
          d.buf = new ReceiveBuffer(size);
        } catch {
          this.fail(d, `The file is too big for this browser (${formatBytes(size)})`);
          continue;
        }
      }
      d.size = size;
      d.sha256 = sha;
      d.filename = typeof msg.filename === 'string' && msg.filename !== '' ? msg.filename : `board.${d.format}`;
      if (typeof msg.mime === 'string' && msg.mime !== '') d.mime = msg.mime;
      d.chunk = Number.isSafeInteger(msg.chunk) ? msg.chunk : 0;
      d.window = Number.isSafeInteger(msg.window) ? msg.window : 0;
      d.sent = true;
      this.render(d);
    }
    // The server sends from the offset asked for: 0 for a request (also when
    // it joins a transfer this page is already receiving), else the resume's.
    this.acked.set(key, pending ? 0 : Math.max(0, this.contiguous(key)));
    for (const d of targets) if (d.buf?.complete) this.finish(d);
  }

  /**
   * A binary frame: one chunk of a transfer.
   * @param {ArrayBuffer} frame
   */
  chunk(frame) {
    const c = parseChunk(frame);
    if (!c) return;
    const group = this.receiving(c.id);
    if (group.length === 0) return;
    for (const d of group) {
      if (!(/** @type {ReceiveBuffer} */ (d.buf).write(c.offset, c.payload))) {
        console.warn(`easel: chunk of ${d.id} at ${c.offset} (+${c.payload.length}) is outside its ${d.size} bytes`);
      }
    }
    const first = group[0];
    const contiguous = this.contiguous(c.id);
    const acked = this.acked.get(c.id) ?? 0;
    if (shouldAck(contiguous, acked, first.window, first.size)) {
      if (this.send({ type: 'export.ack', id: first.id, offset: contiguous })) this.acked.set(c.id, contiguous);
    }
    for (const d of group) {
      if (d.buf?.complete) this.finish(d);
      else this.later(d);
    }
  }

  /**
   * export.done: the server sent the last chunk.
   * @param {Message} msg
   */
  done(msg) {
    const key = normalizeId(msg.id);
    const group = this.receiving(key);
    if (group.length === 0) return;
    for (const d of group) if (d.buf?.complete) this.finish(d);
    const short = group.filter((d) => d.state === 'receiving');
    if (short.length === 0) return;
    // Bytes are missing (not on one ordered socket, unless two downloads
    // share the transfer and one joined late): ask again from the first hole.
    const tries = this.holeResumes.get(key) ?? 0;
    if (tries >= MAX_HOLE_RESUMES) {
      for (const d of short) this.fail(d, 'The download ended with bytes missing');
      return;
    }
    this.holeResumes.set(key, tries + 1);
    this.resume(key);
  }

  /**
   * An error message; returns whether it was about one of our downloads
   * (then it is shown in its item, not as a toast).
   * @param {Message} msg
   * @returns {boolean}
   */
  error(msg) {
    /** @type {Download[]} */
    let targets = [];
    const key = normalizeId(msg.id);
    if (key !== '') targets = this.byKey.get(key) ?? [];
    if (targets.length === 0 && typeof msg.ref === 'string') {
      const d = this.byRef.get(msg.ref);
      if (d) targets = [d];
    }
    if (targets.length === 0) return false;
    const text = typeof msg.message === 'string' && msg.message !== '' ? msg.message : String(msg.code ?? 'error');
    for (const d of targets) {
      if (d.state !== 'receiving') continue;
      if (msg.code === 'gone') {
        d.expired = true;
        this.fail(d, 'Download expired');
      } else {
        this.fail(d, `Download failed: ${text}`);
      }
    }
    return true;
  }

  /** After welcome: resume every transfer in progress, re-ask every unanswered request. */
  welcome() {
    this.online = true;
    const resumed = new Set();
    for (const d of this.all) {
      if (d.state !== 'receiving') continue;
      if (!d.key) d.sent = this.send(exportRequest(d.ref, d.format, d.scale, d.background, d.embedFonts));
      else if (!resumed.has(d.key)) {
        resumed.add(d.key);
        this.resume(d.key);
      }
      this.render(d);
    }
  }

  /** The socket went away: transfers pause until the next welcome. */
  disconnected() {
    this.online = false;
    for (const d of this.all) {
      if (d.state !== 'receiving') continue;
      d.sent = false;
      this.render(d);
    }
  }

  /**
   * Ask for a transfer again from what all its downloads hold.
   * @param {string} key
   */
  resume(key) {
    const group = this.receiving(key);
    if (group.length === 0) return;
    const offset = this.contiguous(key);
    const sent = this.send({ type: 'export.resume', id: group[0].id, offset });
    if (sent) this.acked.set(key, offset);
    for (const d of group) {
      d.sent = sent;
      if (sent) d.resumes++;
    }
  }

  /**
   * Stop a download: tell the server (unless another download of this page
   * shares the transfer), drop the bytes, remove the item.
   * @param {Download} d
   */
  cancel(d) {
    if (d.state === 'receiving' || d.state === 'verifying') {
      d.received = d.buf ? d.buf.contiguous : d.received;
      d.buf = null;
      d.state = 'cancelled';
      this.byRef.delete(d.ref);
      if (d.key && this.receiving(d.key).length === 0) this.send({ type: 'export.cancel', id: d.id });
      if (!d.key) this.byRef.set(d.ref, d); // its export.meta will be answered with export.cancel
    }
    this.dismiss(d);
  }

  /**
   * Remove a download's item (the download stays in downloads()).
   * @param {Download} d
   */
  dismiss(d) {
    clearTimeout(d.lingerTimer);
    this.dirty.delete(d);
    d.item.remove();
    this.list.hidden = this.list.childElementCount === 0;
  }

  /**
   * @param {Download} d
   * @param {string} message
   */
  fail(d, message) {
    d.received = d.buf ? d.buf.contiguous : d.received;
    d.buf = null;
    d.state = 'failed';
    d.message = message;
    this.byRef.delete(d.ref);
    this.render(d);
  }

  /**
   * Every byte is here: check the hash, then save.
   * @param {Download} d
   */
  async finish(d) {
    if (d.state !== 'receiving' || !d.buf) return;
    const buf = d.buf;
    d.state = 'verifying';
    d.received = buf.contiguous;
    this.render(d);
    let hex = '';
    try {
      hex = await sha256Hex(buf.bytes);
    } catch (err) {
      console.error('easel: hashing the download failed', err);
    }
    if (d.state !== 'verifying') return; // cancelled meanwhile
    d.buf = null;
    if (hex !== d.sha256) {
      console.warn(`easel: download ${d.id}: sha256 ${hex || '(none)'}, expected ${d.sha256}`);
      this.fail(d, 'The download arrived damaged (its checksum does not match) and was not saved');
      return;
    }
    d.verified = true;
    d.state = 'done';
    this.render(d);
    try {
      this.save({ bytes: buf.bytes, mime: d.mime, filename: d.filename });
    } catch (err) {
      console.error('easel: saving the download failed', err);
      this.fail(d, 'The browser did not take the file');
      return;
    }
    d.lingerTimer = setTimeout(() => this.dismiss(d), DONE_LINGER_MS);
  }

  /**
   * Repaint one item now.
   * @param {Download} d
   */
  render(d) {
    this.dirty.delete(d);
    d.render();
  }

  /**
   * Repaint one item at the next animation frame (chunks come faster than frames).
   * @param {Download} d
   */
  later(d) {
    this.dirty.add(d);
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const items = [...this.dirty];
      this.dirty.clear();
      for (const item of items) item.render();
    });
  }

  /** @returns {DownloadInfo[]} the test hook's view, oldest first */
  snapshot() {
    return this.all.map((d) => d.info());
  }
}

/**
 * Hand bytes to the browser as a download: a Blob, an object URL and a
 * click on an <a download>. The URL is revoked a minute later.
 * @param {{bytes: Uint8Array, mime: string, filename: string}} file
 */
export function saveFile(file) {
  const url = URL.createObjectURL(new Blob([file.bytes], { type: file.mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_MS);
}

// Image uploads: a picture file (picked with the image tool, pasted, or
// dropped on the board) becomes an image element.
//
// Before anything is sent the file is checked here (blobs.js): at most
// 8 MiB, a PNG, JPEG, WebP or GIF by its first bytes, at most 40 million
// pixels by its header, and decodable by this browser. A file that fails
// any of these is refused with a toast that says why, and nothing changes.
// Otherwise a card shows where the picture will land, at the size it will
// have (its natural size, scaled down to fit the view), faded, with the
// upload's progress and a cancel button; the bytes go with XHR (for upload
// progress) to POST /b/<id>/blobs with their real type. On 201/200 the
// cache is primed with the bitmap decoded here (the page never fetches its
// own upload back), one ops message puts the element (src
// "blob:<sha256>"), and it is selected with the select tool, as Excalidraw
// does. A refusal (413, 415, 403, a lost connection) shows the server's
// reason in the toast and changes nothing on the board.

import { fileProblem, fitSize, headerSize, MAX_BLOB_BYTES, sizeText, sniffImageType, uploadProblem, uploadResult } from './blobs.js';
import { DEFAULT_STROKE, round2 } from './element.js';
import { decodeImage } from './imagecache.js';

/** @typedef {import('./whiteboard.js').Whiteboard} Whiteboard */
/** @typedef {import('./imagecache.js').ImageCache} ImageCache */

/**
 * One upload, as window.easel.uploads() reports it.
 * @typedef {object} UploadInfo
 * @property {string} name
 * @property {number} size bytes
 * @property {'checking' | 'uploading' | 'done' | 'failed' | 'cancelled'} state
 * @property {number} loaded bytes sent so far
 * @property {number} status the HTTP status (0 before an answer)
 * @property {string} sha the blob's SHA-256 (done)
 * @property {string} id the image element's id (done)
 * @property {string} message what the toast said (failed)
 */

/** Board units between the images of one drop or paste of several files. */
const CASCADE = 24;

export class ImageUploads {
  /**
   * @param {object} opts
   * @param {Whiteboard} opts.board
   * @param {string} opts.url the board's blob route (blobsURL of the edit URL)
   * @param {ImageCache} opts.cache primed with each upload's bitmap
   * @param {HTMLElement} opts.host where the progress cards go (the stage)
   * @param {(text: string) => void} opts.notify the toast
   */
  constructor({ board, url, cache, host, notify }) {
    this.board = board;
    this.url = url;
    this.cache = cache;
    this.host = host;
    this.notify = notify;
    /** @type {UploadInfo[]} */
    this.history = [];
  }

  /**
   * Put each image file on the board, the first centred at `at` (default:
   * the view's centre), the others a little down-right of it.
   * @param {Iterable<File>} files
   * @param {{x: number, y: number} | null} [at]
   * @returns {Promise<UploadInfo[]>}
   */
  addAll(files, at = null) {
    const c = at ?? this.viewCentre();
    return Promise.all([...files].map((f, i) => this.add(f, { x: c.x + i * CASCADE, y: c.y + i * CASCADE })));
  }

  /**
   * Check, upload and place one file centred at `at` (default: the view's centre).
   * @param {File} file
   * @param {{x: number, y: number} | null} [at]
   * @returns {Promise<UploadInfo>}
   */
  async add(file, at = null) {
    /** @type {UploadInfo} */
    const info = { name: file.name || 'image', size: file.size, state: 'checking', loaded: 0, status: 0, sha: '', id: '', message: '' };
    this.history.push(info);
    const b = this.board;
    if (b.readOnly) return this.fail(info, 'This link can only view the board: adding images needs the edit link');
    // Too large: refused before reading a byte of it.
    if (file.size > MAX_BLOB_BYTES) return this.fail(info, fileProblem(info, '', null));
    const bytes = new Uint8Array(await file.arrayBuffer());
    const type = sniffImageType(bytes);
    const problem = fileProblem(info, type, type ? headerSize(bytes, type) : null);
    if (problem) return this.fail(info, problem);
    /** @type {ImageBitmap | HTMLImageElement} */
    let bitmap;
    try {
      bitmap = /** @type {any} */ (await decodeImage(new Blob([bytes], { type })));
    } catch (err) {
      console.warn('easel: an image did not decode', err);
      return this.fail(info, `${info.name} could not be read as an image`);
    }
    const centre = at ?? this.viewCentre();
    const vp = b.viewport;
    const size = fitSize(bitmap.width, bitmap.height, b.surface.clientWidth / vp.scale, b.surface.clientHeight / vp.scale);
    const box = { x: round2(centre.x - size.w / 2), y: round2(centre.y - size.h / 2), w: size.w, h: size.h };
    const card = new UploadCard(this.host, vp, box, new Blob([bytes], { type }), info.name);
    info.state = 'uploading';
    const answer = await post(this.url, bytes, type, (loaded) => {
      info.loaded = loaded;
      // Every byte sent, the answer not there yet: the server checks and stores it.
      card.progress(loaded / Math.max(1, bytes.length), loaded >= bytes.length ? 'Saving…' : `${sizeText(loaded)} of ${sizeText(bytes.length)}`);
    }, card.cancelled);
    card.remove();
    info.status = answer.status;
    if (answer.status === -1) {
      info.state = 'cancelled';
      return info;
    }
    const result = answer.status === 200 || answer.status === 201 ? uploadResult(answer.body) : null;
    if (!result) return this.fail(info, uploadProblem(info.name, answer.status, answer.body));
    info.sha = result.sha256;
    this.cache.prime(result.sha256, bitmap, { type, bytes });
    if (b.readOnly || !b.sync.hasState) return this.fail(info, `${info.name} was uploaded but not placed: this page cannot edit the board now`);
    /** @type {import('./element.js').Element} */
    const el = { id: b.newId(), kind: 'image', ...box, rot: 0, stroke: DEFAULT_STROKE, fill: null, width: 2, src: `blob:${result.sha256}`, z: b.topZ() };
    if (b.commit([{ op: 'put', el }]).length === 0) return this.fail(info, `${info.name} could not be placed on the board`);
    info.id = el.id;
    info.state = 'done';
    // As Excalidraw: the new picture selected, with the select tool (not in the middle of another gesture).
    if (b.active === null && !b.editor.isOpen) {
      b.setTool('select');
      b.select([el.id]);
    }
    return info;
  }

  /**
   * Make sure the board holds each blob a paste names, uploading the bytes
   * the clipboard carried for those it lacks (a copy from another board).
   * Returns the shas the board holds afterwards.
   * @param {string[]} shas
   * @param {Record<string, {mime: string, data: Uint8Array}>} files
   * @returns {Promise<Set<string>>}
   */
  async ensure(shas, files) {
    const held = new Set();
    await Promise.all(
      shas.map(async (sha) => {
        if (this.cache.state(sha) === 'loaded') {
          held.add(sha);
          return;
        }
        const f = files[sha];
        if (f && !this.board.readOnly) {
          const answer = await post(this.url, f.data, f.mime, () => {}, new AbortController().signal);
          if ((answer.status === 200 || answer.status === 201) && uploadResult(answer.body)?.sha256 === sha) held.add(sha);
          else console.warn(`easel: a pasted picture was not uploaded (${answer.status})`, answer.body);
          return;
        }
        if (await this.cache.has(sha)) held.add(sha);
      }),
    );
    return held;
  }

  /** @returns {{x: number, y: number}} the board point at the centre of the view */
  viewCentre() {
    const s = this.board.surface;
    return this.board.viewport.toBoard(s.clientWidth / 2, s.clientHeight / 2);
  }

  /**
   * @param {UploadInfo} info
   * @param {string} message
   * @returns {UploadInfo}
   */
  fail(info, message) {
    info.state = 'failed';
    info.message = message;
    this.notify(message);
    return info;
  }

  /** @returns {UploadInfo[]} copies, oldest first */
  snapshot() {
    return this.history.map((i) => ({ ...i }));
  }
}

/**
 * POST the bytes with XHR (fetch reports no upload progress). status -1:
 * cancelled; 0: no answer.
 * @param {string} url
 * @param {Uint8Array} bytes
 * @param {string} type
 * @param {(loaded: number) => void} onProgress
 * @param {AbortSignal} signal
 * @returns {Promise<{status: number, body: string}>}
 */
function post(url, bytes, type, onProgress, signal) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', type);
    xhr.upload.addEventListener('progress', (ev) => onProgress(ev.loaded));
    xhr.addEventListener('load', () => resolve({ status: xhr.status, body: xhr.responseText }));
    xhr.addEventListener('error', () => resolve({ status: 0, body: '' }));
    xhr.addEventListener('abort', () => resolve({ status: -1, body: '' }));
    signal.addEventListener('abort', () => xhr.abort());
    xhr.send(bytes);
  });
}

/**
 * The card of an upload in progress: where the picture will land, at its
 * size, faded, with a progress bar and a cancel button; it follows pans
 * and zooms.
 */
class UploadCard {
  /**
   * @param {HTMLElement} host
   * @param {import('./viewport.js').Viewport} viewport
   * @param {{x: number, y: number, w: number, h: number}} box board units
   * @param {Blob} picture
   * @param {string} name
   */
  constructor(host, viewport, box, picture, name) {
    this.viewport = viewport;
    this.box = box;
    const abort = new AbortController();
    this.cancelled = abort.signal;
    this.url = URL.createObjectURL(picture);
    const el = document.createElement('div');
    el.className = 'image-upload';
    el.dataset.testid = 'image-upload';
    const img = document.createElement('img');
    img.className = 'image-upload__picture';
    img.alt = '';
    img.src = this.url;
    const status = document.createElement('div');
    status.className = 'image-upload__status';
    const bar = document.createElement('progress');
    bar.dataset.testid = 'image-upload-progress';
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute('aria-label', `Uploading ${name}`);
    const text = document.createElement('span');
    text.className = 'image-upload__text';
    text.textContent = 'Uploading…';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'image-upload__cancel';
    cancel.dataset.testid = 'image-upload-cancel';
    cancel.setAttribute('aria-label', `Cancel uploading ${name}`);
    cancel.title = 'Cancel';
    cancel.textContent = '×';
    cancel.addEventListener('click', () => abort.abort());
    status.append(bar, text, cancel);
    el.append(img, status);
    this.el = el;
    this.host = host;
    this.status = status;
    this.bar = bar;
    this.text = text;
    this.place = () => this.layout();
    this.off = viewport.onChange(this.place);
    host.append(el);
    this.layout();
  }

  layout() {
    const v = this.viewport;
    const a = v.toScreen(this.box.x, this.box.y);
    const w = this.box.w * v.scale;
    const h = this.box.h * v.scale;
    const s = this.el.style;
    s.left = `${a.x}px`;
    s.top = `${a.y}px`;
    s.width = `${w}px`;
    s.height = `${h}px`;
    // The bar sits at the foot of the part of the frame in view (a picture
    // dropped near an edge may reach past it), or under a frame too small
    // to hold it.
    const small = h < 64 || w < 160;
    const x0 = Math.max(a.x, 0);
    const x1 = Math.min(a.x + w, this.host.clientWidth);
    const y1 = Math.min(a.y + h, this.host.clientHeight);
    const bar = this.status.style;
    const half = this.status.offsetWidth / 2 + 8;
    const mid = Math.min(Math.max(x0 < x1 ? (x0 + x1) / 2 : a.x + w / 2, half), this.host.clientWidth - half);
    bar.left = `${mid - a.x}px`;
    bar.top = small ? `${h + 8}px` : `${Math.max(y1, a.y + 56) - a.y - 10}px`;
    this.el.classList.toggle('is-small', small);
  }

  /**
   * @param {number} fraction 0–1
   * @param {string} words
   */
  progress(fraction, words) {
    this.bar.value = Math.min(1, Math.max(0, fraction));
    this.text.textContent = this.bar.value < 1 ? `${Math.round(this.bar.value * 100)} % · ${words}` : words;
  }

  remove() {
    this.off();
    this.el.remove();
    URL.revokeObjectURL(this.url);
  }
}

// Import: editors upload an Easel JSON export or an Excalidraw scene
// (.excalidraw) with the import button (a hidden <input type=file
// data-testid="import-file">) or by dropping the file on the board.
// The file goes as it is to POST /b/<id>/import (Content-Type:
// application/json); the server answers 200 {"seq","added"} and the
// imported elements reach every member, this page included, as an ordinary
// ops message. A refusal (400 bad_request, 413 too_large, 429 rate_limited,
// …) shows its message in the toast and changes nothing. Viewers have no
// import: the page has no button, and a file dropped on a view page is
// refused with a toast.

/**
 * What a finished or failed upload left, for window.easel.imports().
 * @typedef {object} ImportInfo
 * @property {string} name the file's name
 * @property {number} size bytes
 * @property {'uploading' | 'done' | 'failed'} state
 * @property {number} status the HTTP status (0 before an answer or on a network failure)
 * @property {number} seq the board seq of the import's ops message (done)
 * @property {number} added elements added (done)
 * @property {string} message what the toast said
 */

/**
 * The message to show for a refused import: the server's `message` when
 * its answer is `{"error","message"}` JSON, a short plain-text answer as it
 * is, else something from the status.
 * @param {number} status
 * @param {string} body
 * @returns {string}
 */
export function importProblem(status, body) {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.message === 'string' && parsed.message !== '') return `Import failed: ${parsed.message}`;
    if (parsed && typeof parsed.error === 'string' && parsed.error !== '') return `Import failed: ${parsed.error}`;
  } catch {
    // not JSON: a short plain-text reason is shown as it is
    const text = body.trim();
    if (text !== '' && text.length <= 300 && !text.startsWith('<')) return `Import failed: ${text}`;
  }
  switch (status) {
    case 400:
      return 'Import failed: the file is not an Easel or Excalidraw board';
    case 403:
    case 404:
      return 'Import failed: this link cannot edit the board';
    case 413:
      return 'Import failed: the file is too large';
    case 429:
      return 'Import failed: too many imports, try again in a moment';
    default:
      return `Import failed (HTTP ${status})`;
  }
}

/**
 * Read a 200 answer: {"seq": N, "added": K}.
 * @param {string} body
 * @returns {{seq: number, added: number} | null}
 */
export function importResult(body) {
  try {
    const parsed = JSON.parse(body);
    if (parsed && Number.isSafeInteger(parsed.seq) && Number.isSafeInteger(parsed.added)) {
      return { seq: parsed.seq, added: parsed.added };
    }
  } catch {
    // not JSON
  }
  return null;
}

/**
 * The import URL of a board from its edit URL ("/b/<id>" or absolute).
 * @param {string} editURL
 * @param {string} base the page's URL
 * @returns {string}
 */
export function importURL(editURL, base) {
  const u = new URL(editURL, base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/import`;
  u.search = '';
  u.hash = '';
  return u.href;
}

/**
 * Whether a drag carries files.
 * @param {DragEvent} ev
 * @returns {boolean}
 */
function hasFiles(ev) {
  return !!ev.dataTransfer && Array.from(ev.dataTransfer.types).includes('Files');
}

export class Importer {
  /**
   * @param {object} opts
   * @param {string} opts.url where to POST (importURL)
   * @param {(text: string) => void} opts.notify shows a message (the toast)
   * @param {HTMLButtonElement} [opts.button] opens the file chooser
   * @param {HTMLInputElement} [opts.input] the import-file input
   */
  constructor(opts) {
    this.url = opts.url;
    this.notify = opts.notify;
    /** @type {ImportInfo[]} */
    this.history = [];
    const { button, input } = opts;
    if (button && input) button.addEventListener('click', () => input.click());
    if (input) {
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        input.value = ''; // choosing the same file again is a new import
        if (file) this.upload(file);
      });
    }
  }

  /**
   * Accept files dropped on target (the stage), showing `is-dropping` on it
   * while a file is dragged over.
   * @param {HTMLElement} target
   */
  bindDrop(target) {
    bindDropZone(target, (file) => this.upload(file));
  }

  /**
   * Send one file.
   * @param {File} file
   * @returns {Promise<ImportInfo>}
   */
  async upload(file) {
    /** @type {ImportInfo} */
    const info = { name: file.name, size: file.size, state: 'uploading', status: 0, seq: 0, added: 0, message: '' };
    this.history.push(info);
    let res;
    let body = '';
    try {
      res = await fetch(this.url, {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
      });
      body = await res.text();
    } catch (err) {
      console.warn('easel: import upload failed', err);
      return this.settle(info, 'failed', 'Import failed: the server could not be reached');
    }
    info.status = res.status;
    const result = res.ok ? importResult(body) : null;
    if (!result) return this.settle(info, 'failed', importProblem(res.status, body));
    info.seq = result.seq;
    info.added = result.added;
    const what = result.added === 1 ? '1 element' : `${result.added} elements`;
    return this.settle(info, 'done', `Imported ${what} from ${file.name}`);
  }

  /**
   * @param {ImportInfo} info
   * @param {'done' | 'failed'} state
   * @param {string} message
   * @returns {ImportInfo}
   */
  settle(info, state, message) {
    info.state = state;
    info.message = message;
    this.notify(message);
    return info;
  }

  /** @returns {ImportInfo[]} copies, oldest first */
  snapshot() {
    return this.history.map((i) => ({ ...i }));
  }
}

/**
 * Make target a drop zone for files: while files are dragged over it, it
 * has the class `is-dropping`; the first dropped file goes to onFile.
 * Dropping a file anywhere else on the page does nothing (instead of the
 * browser leaving the board to open it).
 * @param {HTMLElement} target
 * @param {(file: File) => void} onFile
 */
export function bindDropZone(target, onFile) {
  let depth = 0;
  const off = () => {
    depth = 0;
    target.classList.remove('is-dropping');
  };
  target.addEventListener('dragenter', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    depth++;
    target.classList.add('is-dropping');
  });
  target.addEventListener('dragover', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
  });
  target.addEventListener('dragleave', (ev) => {
    if (!hasFiles(ev)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) target.classList.remove('is-dropping');
  });
  target.addEventListener('drop', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    off();
    const file = ev.dataTransfer?.files?.[0];
    if (file) onFile(file);
  });
  window.addEventListener('dragend', off);
  preventFileNavigation();
}

let guarded = false;

/** Files dropped outside a drop zone are ignored rather than opened. */
export function preventFileNavigation() {
  if (guarded) return;
  guarded = true;
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (ev) => {
      const dev = /** @type {DragEvent} */ (ev);
      if (!ev.defaultPrevented && hasFiles(dev)) ev.preventDefault();
    });
  }
}

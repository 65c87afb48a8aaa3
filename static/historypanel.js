// History panel: the version history of the board (docs/protocol.md
// "Versions"). `history-button` opens a panel on the right (a sheet at the
// bottom on phones) listing the kept versions from `GET <route>/history`,
// newest first, under a "Current board" entry: when (relative, the full
// time on hover), who edited since the version before, how many elements.
// Choosing one fetches it (`export.json?seq=N`) and previews it
// (versionpreview.js); Escape, "Back to the current board", the current
// entry or closing the panel end the preview. Restore (editors) sends the
// ops that turn the board into that version (versions.js restoreOps)
// through the board's ordinary commit: acknowledged like any edit, and
// undone in one step by Ctrl+Z. The panel closes on a restore, to show the
// board it brought back.

import { blobsURL } from './blobs.js';
import { namesText, elementsText, historyURL, neededBlobs, parseVersionFile, parseVersions, restoreOps, versionURL } from './versions.js';
import { VersionPreview } from './versionpreview.js';
import { absoluteTime, relativeTime, shortTime } from './when.js';

/** @typedef {import('./versions.js').Version} Version */
/** @typedef {import('./versions.js').VersionFile} VersionFile */

/**
 * base64 → bytes.
 * @param {string} b64
 * @returns {Uint8Array}
 */
function fromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A refused fetch, for the panel's status line.
 * @param {number} status
 * @param {string} what
 * @returns {string}
 */
function refusal(status, what) {
  if (status === 404) return `That ${what} is no longer kept.`;
  if (status === 410) return 'This board was deleted.';
  return `Could not load the ${what} (the server answered ${status}).`;
}

export class HistoryPanel {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root the #app element
   * @param {import('./page.js').PageInfo} o.page
   * @param {import('./whiteboard.js').Whiteboard} o.board
   * @param {import('./session.js').Session} o.session
   * @param {import('./viewport.js').Viewport} o.viewport
   * @param {import('./imagecache.js').ImageCache} o.images
   * @param {(text: string) => void} o.notify
   * @param {() => void} o.onOpen after opening (closes the top bar's menu)
   * @param {(control: HTMLElement) => void} [o.focusBack] gives the focus back to history-button, or to what shows it (the menu it is in)
   */
  constructor({ root, page, board, session, viewport, images, notify, onOpen, focusBack = (c) => c.focus() }) {
    this.page = page;
    this.board = board;
    this.session = session;
    this.images = images;
    this.notify = notify;
    this.onOpen = onOpen;
    this.focusBack = focusBack;
    /** The board route the history and versions hang off: the edit route, or the view route on view pages. */
    this.route = page.role === 'edit' && page.editURL ? page.editURL : page.viewURL;
    this.button = /** @type {HTMLButtonElement} */ (root.querySelector('[data-testid="history-button"]'));
    this.panel = /** @type {HTMLElement} */ (root.querySelector('#versions'));
    this.list = /** @type {HTMLOListElement} */ (this.panel.querySelector('[data-testid="history-list"]'));
    this.status = /** @type {HTMLElement} */ (this.panel.querySelector('#versions-status'));
    this.banner = /** @type {HTMLElement} */ (root.querySelector('[data-testid="history-preview"]'));
    this.isOpen = false;
    /** @type {Version[]} */
    this.versions = [];
    /** Bumped by every choice, so that a late answer for an earlier one is dropped. */
    this.asking = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.clock = undefined;
    this.preview = new VersionPreview({
      root,
      surface: /** @type {HTMLCanvasElement} */ (root.querySelector('#preview-canvas')),
      banner: this.banner,
      viewport,
      images,
      route: this.route,
      title: () => board.sync.title,
      canRestore: () => this.canRestore(),
      onRestore: () => void this.restore(),
      onBack: () => this.leave(),
    });

    this.button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    /** @type {HTMLElement} */ (this.panel.querySelector('[data-close]')).addEventListener('click', () => this.close());
    document.addEventListener('keydown', (ev) => {
      // defaultPrevented: the Escape closed a menu over the panel (the preview's downloads), that is all it does.
      if (ev.key !== 'Escape' || ev.defaultPrevented || (!this.isOpen && !this.preview.active)) return;
      if (ev.target instanceof HTMLElement && ev.target.closest('dialog, .text-editor')) return;
      ev.preventDefault();
      // The first Escape leaves a preview, the next closes the panel.
      if (this.preview.active) this.leave();
      else this.close();
    });
    this.list.addEventListener('keydown', (ev) => this.arrowKeys(ev));
    // A reconnect's welcome sets the board's role again: a preview keeps it read-only.
    session.onWelcome(() => {
      if (this.preview.active) board.setReadOnly(true);
    });
  }

  canRestore() {
    return this.session.role === 'edit' && this.page.role === 'edit' && this.page.editURL !== '';
  }

  open() {
    if (this.isOpen) return;
    this.isOpen = true;
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.onOpen();
    void this.load();
    this.clock = setInterval(() => {
      this.renderList();
      this.preview.label();
    }, 30_000);
  }

  close() {
    if (!this.isOpen) return;
    // The focus is in what hides: back to the button that opened it.
    const hadFocus = this.holdsFocus(this.panel) || this.holdsFocus(this.banner);
    this.isOpen = false;
    this.asking++;
    this.leave();
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    clearInterval(this.clock);
    if (hadFocus) this.focusBack(this.button);
  }

  /** End the preview: the live board again, editable as the role allows. */
  leave() {
    this.asking++;
    if (!this.preview.active) return;
    const seq = this.preview.version?.seq;
    const hadFocus = this.holdsFocus(this.banner);
    this.preview.hide();
    this.board.setReadOnly(this.session.role === 'view');
    this.renderList();
    // The banner hid under the focus: on to the entry that was previewed.
    if (hadFocus && this.isOpen) /** @type {HTMLElement | null} */ (this.list.querySelector(`[data-seq="${seq}"]`))?.focus();
  }

  /**
   * @param {HTMLElement} el
   * @returns {boolean} whether the focus is in el
   */
  holdsFocus(el) {
    return document.activeElement instanceof Node && el.contains(document.activeElement);
  }

  async load() {
    this.status.textContent = 'Loading versions…';
    this.status.hidden = false;
    try {
      const res = await fetch(historyURL(this.route), { cache: 'no-store' });
      if (!this.isOpen) return;
      if (!res.ok) {
        this.status.textContent = refusal(res.status, 'version history');
        return;
      }
      this.versions = parseVersions(await res.json());
    } catch {
      this.status.textContent = 'Could not reach the server for the version history.';
      return;
    }
    this.status.textContent = this.versions.length === 0 ? 'No earlier versions yet.' : '';
    this.status.hidden = this.versions.length > 0;
    this.renderList();
  }

  renderList() {
    const now = Date.now();
    const shown = this.preview.version?.seq ?? null;
    const focused = document.activeElement instanceof HTMLElement && this.list.contains(document.activeElement) ? document.activeElement.dataset.seq ?? 'current' : null;
    const current = this.item('current', null, now, shown === null);
    const items = this.versions.map((v) => this.item(String(v.seq), v, now, shown === v.seq));
    this.list.replaceChildren(current, ...items);
    if (focused !== null) /** @type {HTMLElement | null} */ (this.list.querySelector(`[data-seq="${focused}"], [data-key="${focused}"]`))?.focus();
  }

  /**
   * One entry: the current board (version null) or a kept version.
   * Names come from other people: textContent only.
   * @param {string} key
   * @param {Version | null} v
   * @param {number} now
   * @param {boolean} pressed
   * @returns {HTMLLIElement}
   */
  item(key, v, now, pressed) {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = v ? 'version' : 'version version--current';
    b.dataset.key = key;
    b.setAttribute('aria-pressed', String(pressed));
    const when = document.createElement('span');
    when.className = 'version__when';
    const meta = document.createElement('span');
    meta.className = 'version__meta';
    if (v) {
      b.dataset.testid = 'history-version';
      b.dataset.seq = String(v.seq);
      when.textContent = Number.isFinite(v.at) ? relativeTime(v.at, now) : `Version ${v.seq}`;
      b.title = Number.isFinite(v.at) ? absoluteTime(v.at) : '';
      const who = document.createElement('span');
      who.className = 'version__who';
      who.textContent = namesText(v.by);
      const count = document.createElement('span');
      count.className = 'version__count';
      count.textContent = elementsText(v.elements);
      meta.append(who, count);
      b.addEventListener('click', () => void this.choose(v, b));
    } else {
      when.textContent = 'Current board';
      meta.textContent = 'Live, as everyone sees it now';
      b.addEventListener('click', () => this.leave());
    }
    b.append(when, meta);
    li.append(b);
    return li;
  }

  /**
   * Up and down move between the entries.
   * @param {KeyboardEvent} ev
   */
  arrowKeys(ev) {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    const buttons = /** @type {HTMLButtonElement[]} */ ([...this.list.querySelectorAll('button')]);
    const at = buttons.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    if (at < 0) return;
    ev.preventDefault();
    ev.stopPropagation();
    buttons[Math.max(0, Math.min(buttons.length - 1, at + (ev.key === 'ArrowDown' ? 1 : -1)))].focus();
  }

  /**
   * Preview a version.
   * @param {Version} v
   * @param {HTMLButtonElement} b its entry
   */
  async choose(v, b) {
    const ask = ++this.asking;
    b.setAttribute('aria-busy', 'true');
    this.status.hidden = true;
    /** @type {VersionFile | null} */
    let file = null;
    try {
      const res = await fetch(versionURL(this.route, 'json', v.seq), { cache: 'no-store' });
      if (ask !== this.asking) return;
      if (!res.ok) {
        this.showStatus(refusal(res.status, 'version'));
        return;
      }
      file = parseVersionFile(await res.json());
      if (file) await this.primeImages(file);
    } catch {
      if (ask === this.asking) this.showStatus('Could not reach the server for that version.');
      return;
    } finally {
      b.removeAttribute('aria-busy');
    }
    if (ask !== this.asking) return;
    if (!file) {
      this.showStatus('That version could not be read.');
      return;
    }
    this.board.setReadOnly(true);
    this.preview.show(v, file);
    this.renderList();
  }

  /** @param {string} text */
  showStatus(text) {
    this.status.textContent = text;
    this.status.hidden = false;
  }

  /**
   * The version's pictures from the bytes its file carries: a picture the
   * board no longer holds is drawn all the same.
   * @param {VersionFile} file
   */
  async primeImages(file) {
    await Promise.all(
      Object.entries(file.files).map(async ([sha, f]) => {
        if (this.images.state(sha) === 'loaded') return;
        try {
          const bytes = fromBase64(f.data);
          const image = await createImageBitmap(new Blob([bytes], { type: f.mime }));
          this.images.prime(sha, image, { type: f.mime, bytes });
        } catch {
          // Drawn as a placeholder.
        }
      }),
    );
  }

  /**
   * Make the board the previewed version, for everyone: one edit (one undo
   * step). Pictures it shows that the board lost are uploaded again first.
   */
  async restore() {
    const v = this.preview.version;
    const file = this.preview.file;
    if (!v || !file || !this.canRestore()) return;
    const sync = this.board.sync;
    const blobs = neededBlobs(restoreOps(sync.view.values(), file.elements, sync.title, file.title), file.files);
    if (blobs.length > 0) {
      const base = blobsURL(this.page.editURL, location.href);
      try {
        for (const sha of blobs) {
          const f = file.files[sha];
          const res = await fetch(base, { method: 'POST', headers: { 'Content-Type': f.mime }, body: /** @type {BodyInit} */ (fromBase64(f.data)) });
          if (!res.ok) throw new Error(String(res.status));
        }
      } catch {
        this.notify('Could not restore this version: its pictures could not be uploaded again');
        return;
      }
      if (this.preview.version !== v) return; // left meanwhile
    }
    // Back to the board, to see it come back (on phones the panel covers half of it).
    this.close();
    // Computed against the board as it is at this moment: edits that came in meanwhile are undone too.
    const ops = restoreOps(sync.view.values(), file.elements, sync.title, file.title);
    if (ops.length === 0) {
      this.notify('The board already is this version');
      return;
    }
    this.board.select([]);
    const sent = this.board.commit(ops);
    if (sent.length === 0) {
      this.notify('Could not restore this version now: try again once connected');
      return;
    }
    const when = Number.isFinite(v.at) ? `the version of ${shortTime(v.at, Date.now())}` : `version ${v.seq}`;
    this.notify(`Restored ${when} — Ctrl+Z undoes it`);
  }
}

// Follow: the page's view tracks another member's. Everyone's client sends
// the rectangle it sees (`view`, views.js); clicking a peer's chip, or a
// summon, makes this page fit that peer's rectangle into its own screen,
// centred, gliding there in ANIMATE_MS (at once under
// prefers-reduced-motion). A frame in the peer's color and the
// `follow-banner` say whom; any pan or zoom of one's own, Escape, a click on
// the banner, or the peer leaving ends it (Excalidraw's and tldraw's follow
// modes work the same way).

import { applyPeerColor } from './color.js';
import { MAX_SCALE, MIN_SCALE } from './viewport.js';

/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./viewport.js').ViewState} ViewState */
/** @typedef {import('./presencewire.js').Rect} Rect */
/** @typedef {import('./presence.js').Peer} Peer */

/** How long the view glides to a new place of the followed peer's. */
export const ANIMATE_MS = 200;

/**
 * The view that shows all of rect on a w × h screen, centred, as large as
 * fits (within the viewport's scale bounds).
 * @param {Rect} rect board units
 * @param {number} w screen width, CSS px
 * @param {number} h
 * @returns {ViewState}
 */
export function fitRect(rect, w, h) {
  const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.min(w / rect.w, h / rect.h)));
  const cx = rect.x + rect.w / 2;
  const cy = rect.y + rect.h / 2;
  return { x: cx - w / 2 / scale, y: cy - h / 2 / scale, scale };
}

/**
 * The view a fraction t of the way from a to b on a w × h screen: the
 * centre moves in a straight line and the scale changes by equal ratios,
 * so a zoom looks steady rather than rushing at one end.
 * @param {ViewState} a
 * @param {ViewState} b
 * @param {number} t 0–1
 * @param {number} w
 * @param {number} h
 * @returns {ViewState}
 */
export function betweenViews(a, b, t, w, h) {
  if (t >= 1) return { ...b };
  const scale = a.scale * (b.scale / a.scale) ** t;
  const ax = a.x + w / 2 / a.scale;
  const ay = a.y + h / 2 / a.scale;
  const bx = b.x + w / 2 / b.scale;
  const by = b.y + h / 2 / b.scale;
  const cx = ax + (bx - ax) * t;
  const cy = ay + (by - ay) * t;
  return { x: cx - w / 2 / scale, y: cy - h / 2 / scale, scale };
}

/**
 * @param {number} t 0–1
 * @returns {number} fast then gentle (cubic ease-out)
 */
export function easeOut(t) {
  return 1 - (1 - t) ** 3;
}

/**
 * The banner's words.
 * @param {string} name
 * @returns {string}
 */
export function followingText(name) {
  return `Following ${name} — Esc to stop`;
}

export class Follow {
  /**
   * @param {object} opts
   * @param {Viewport} opts.viewport
   * @param {() => {w: number, h: number}} opts.screen the board canvas's CSS size
   * @param {HTMLElement} opts.stage where the banner and the frame go
   * @param {(id: string) => Peer | undefined} opts.peer
   * @param {(id: string) => void} opts.onChange told whom this page follows ("" for nobody)
   * @param {(text: string) => void} opts.notify a toast
   */
  constructor({ viewport, screen, stage, peer, onChange, notify }) {
    this.viewport = viewport;
    this.screen = screen;
    this.peer = peer;
    this.onChange = onChange;
    this.notify = notify;
    /** Each peer's latest view. @type {Map<string, Rect>} */
    this.views = new Map();
    /** The peer followed, or "". */
    this.following = '';
    this.name = '';
    /** Set while this module moves the view, so the change is not taken for the user's. */
    this.applying = false;
    /** @type {{from: ViewState, to: ViewState, start: number} | null} */
    this.glide = null;
    this.frame = 0;
    this.reducedMotion = typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;

    this.frameEl = document.createElement('div');
    this.frameEl.className = 'follow-frame';
    this.frameEl.hidden = true;
    this.banner = document.createElement('button');
    this.banner.type = 'button';
    this.banner.className = 'follow-banner';
    this.banner.dataset.testid = 'follow-banner';
    this.banner.hidden = true;
    this.bannerText = document.createElement('span');
    this.bannerText.className = 'follow-banner__text';
    const close = document.createElement('span');
    close.className = 'follow-banner__close';
    close.setAttribute('aria-hidden', 'true');
    close.textContent = '×';
    this.banner.append(this.bannerText, close);
    this.banner.addEventListener('click', () => this.stop());
    stage.append(this.frameEl, this.banner);

    // Any other change of the view is the user's own pan or zoom.
    viewport.onChange(() => {
      if (!this.applying && this.following) this.stop();
    });
  }

  /**
   * Follow a peer (again, when summoned by the one already followed).
   * @param {string} id
   */
  follow(id) {
    const peer = this.peer(id);
    if (!peer) return;
    this.following = id;
    /** Its name, for when it has left. */
    this.name = peer.name;
    this.banner.dataset.peerId = id;
    this.bannerText.textContent = followingText(peer.name);
    this.banner.title = 'Stop following (Esc)';
    applyPeerColor(this.banner, peer.color);
    applyPeerColor(this.frameEl, peer.color);
    this.banner.hidden = false;
    this.frameEl.hidden = false;
    this.onChange(id);
    this.track(false);
  }

  /** Stop following, if following. */
  stop() {
    if (!this.following) return;
    this.following = '';
    this.glide = null;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.banner.hidden = true;
    this.frameEl.hidden = true;
    delete this.banner.dataset.peerId;
    this.onChange('');
  }

  /**
   * A peer's view arrived.
   * @param {string} id
   * @param {Rect} rect
   */
  setView(id, rect) {
    this.views.set(id, rect);
    if (id === this.following) this.track(false);
  }

  /**
   * A peer left: its view goes; following it ends.
   * @param {string} id
   */
  peerLeft(id) {
    this.views.delete(id);
    if (id !== this.following) return;
    const name = this.name;
    this.stop();
    this.notify(`${name} left: you are no longer following`);
  }

  /**
   * A welcome: the views come again in the first presence; following goes
   * on if that peer is still here.
   * @param {(id: string) => boolean} present
   */
  welcomed(present) {
    this.views.clear();
    if (this.following && !present(this.following)) this.stop();
  }

  /** The screen changed size: fit the followed view again, at once. */
  resized() {
    if (this.following) this.track(true);
  }

  /**
   * Move toward the followed peer's view.
   * @param {boolean} snap go there at once (the screen was resized) rather than glide
   */
  track(snap) {
    const rect = this.views.get(this.following);
    if (!rect) return; // its first view is on the way
    const { w, h } = this.screen();
    if (w <= 0 || h <= 0) return;
    const to = fitRect(rect, w, h);
    if (snap || this.reducedMotion?.matches) {
      this.glide = null;
      this.apply(to);
      return;
    }
    this.glide = { from: { ...this.viewport.view }, to, start: performance.now() };
    if (!this.frame) this.frame = requestAnimationFrame((now) => this.step(now));
  }

  /** @param {number} now */
  step(now) {
    this.frame = 0;
    const glide = this.glide;
    if (!glide || !this.following) return;
    const t = Math.min(1, Math.max(0, (now - glide.start) / ANIMATE_MS));
    const { w, h } = this.screen();
    this.apply(betweenViews(glide.from, glide.to, easeOut(t), w, h));
    if (t < 1) this.frame = requestAnimationFrame((next) => this.step(next));
    else this.glide = null;
  }

  /** @param {ViewState} view */
  apply(view) {
    this.applying = true;
    try {
      this.viewport.set(view);
    } finally {
      this.applying = false;
    }
  }
}

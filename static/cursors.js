// Remote cursors: one element per peer with a cursor on the board, an arrow
// in the peer's color with a name label. Positions arrive in board
// coordinates at the server's tick (~30 Hz); every animation frame each
// element eases toward its target so motion looks smooth at any refresh rate.

import { applyPeerColor, FALLBACK_COLOR } from './color.js';
import { toPeer } from './presence.js';

/** @typedef {import('./viewport.js').Viewport} Viewport */

/**
 * @typedef {object} PeerInfo
 * @property {string} id
 * @property {string} name
 * @property {string} color
 */

/** Fraction of the remaining distance covered per 60 Hz frame. */
const EASE = 0.35;
/** Snap to the target when closer than this, in screen pixels. */
const SNAP_PX = 0.5;
const FRAME_MS = 1000 / 60;

const SVG_NS = 'http://www.w3.org/2000/svg';
const ARROW_PATH = 'M2 2 L2 17.5 L6.2 13.6 L9.1 20.2 L12.2 18.8 L9.4 12.4 L15 12.4 Z';

/**
 * @typedef {object} Cursor
 * @property {HTMLElement} el
 * @property {HTMLElement} label
 * @property {number} x current board x
 * @property {number} y current board y
 * @property {number} tx target board x
 * @property {number} ty target board y
 */

export class RemoteCursors {
  /**
   * @param {HTMLElement} layer absolutely positioned over the canvas, same box
   * @param {Viewport} viewport
   */
  constructor(layer, viewport) {
    this.layer = layer;
    this.viewport = viewport;
    /** @type {Map<string, Cursor>} */
    this.cursors = new Map();
    this.frame = 0;
    this.lastFrame = 0;
    viewport.onChange(() => this.renderAll());
  }

  /**
   * Move a peer's cursor toward (x, y), creating it at that spot if new.
   * @param {PeerInfo} peer
   * @param {number} x board coordinates
   * @param {number} y
   */
  move(peer, x, y) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    let cursor = this.cursors.get(peer.id);
    if (!cursor) {
      cursor = this.create(peer, x, y);
      this.cursors.set(peer.id, cursor);
      this.render(cursor);
      return;
    }
    cursor.tx = x;
    cursor.ty = y;
    this.schedule();
  }

  /**
   * Update the name and color of a peer's cursor, if it has one.
   * @param {PeerInfo} peer
   */
  updatePeer(peer) {
    const cursor = this.cursors.get(peer.id);
    if (!cursor) return;
    cursor.el.dataset.peerName = peer.name;
    cursor.label.textContent = peer.name;
    applyPeerColor(cursor.el, peer.color || FALLBACK_COLOR);
  }

  /**
   * Remove a peer's cursor from the DOM.
   * @param {string} id
   */
  remove(id) {
    const cursor = this.cursors.get(id);
    if (!cursor) return;
    cursor.el.remove();
    this.cursors.delete(id);
  }

  /** Remove every cursor (the connection was lost or replaced). */
  clear() {
    for (const cursor of this.cursors.values()) cursor.el.remove();
    this.cursors.clear();
  }

  /** @returns {string[]} ids of the peers whose cursor is shown */
  ids() {
    return [...this.cursors.keys()];
  }

  /**
   * @param {PeerInfo} peer
   * @param {number} x
   * @param {number} y
   * @returns {Cursor}
   */
  create(peer, x, y) {
    const el = document.createElement('div');
    el.className = 'remote-cursor';
    el.dataset.testid = 'remote-cursor';
    el.dataset.peerId = peer.id;
    el.dataset.peerName = peer.name;
    applyPeerColor(el, peer.color || FALLBACK_COLOR);

    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'remote-cursor__arrow');
    svg.setAttribute('viewBox', '0 0 18 22');
    svg.setAttribute('width', '18');
    svg.setAttribute('height', '22');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', ARROW_PATH);
    svg.append(path);

    const label = document.createElement('span');
    label.className = 'remote-cursor__label';
    label.textContent = peer.name;

    el.append(svg, label);
    this.layer.append(el);
    return { el, label, x, y, tx: x, ty: y };
  }

  /** @param {Cursor} cursor */
  render(cursor) {
    const p = this.viewport.toScreen(cursor.x, cursor.y);
    cursor.el.style.transform = `translate(${p.x.toFixed(1)}px, ${p.y.toFixed(1)}px)`;
  }

  renderAll() {
    for (const cursor of this.cursors.values()) this.render(cursor);
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame((now) => this.step(now));
  }

  /** @param {number} now */
  step(now) {
    this.frame = 0;
    // Frame-rate independent easing: EASE per 60 Hz frame.
    const dt = this.lastFrame ? Math.min(now - this.lastFrame, 100) : FRAME_MS;
    this.lastFrame = now;
    const t = 1 - (1 - EASE) ** (dt / FRAME_MS);
    const snap = SNAP_PX / this.viewport.scale;
    let moving = false;
    for (const cursor of this.cursors.values()) {
      const dx = cursor.tx - cursor.x;
      const dy = cursor.ty - cursor.y;
      if (dx === 0 && dy === 0) continue;
      if (Math.abs(dx) < snap && Math.abs(dy) < snap) {
        cursor.x = cursor.tx;
        cursor.y = cursor.ty;
      } else {
        cursor.x += dx * t;
        cursor.y += dy * t;
        moving = true;
      }
      this.render(cursor);
    }
    if (moving) this.schedule();
    else this.lastFrame = 0;
  }
}

/**
 * Feed the remote cursors from the connection. `cursors` messages carry
 * [id, x, y, …] per peer that moved this tick and `gone` for those whose
 * pointer left the board; a cursor's name and color are the peer list's
 * (`peer(id)`), "Guest" in the fallback color until the peer is known. A
 * join updates the label of a cursor already shown (a peer back under a
 * new name); leave, a welcome and a lost connection remove cursors (the
 * server sends fresh positions after every welcome). Our own cursor is
 * never drawn.
 * @param {object} o
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./session.js').Session} o.session
 * @param {RemoteCursors} o.cursors
 * @param {(id: string) => PeerInfo | undefined} o.peer
 */
export function wireCursors({ conn, session, cursors, peer }) {
  session.onWelcome(() => cursors.clear());
  conn.on('join', (msg) => {
    const p = toPeer(msg.peer);
    if (p && p.id !== session.you) cursors.updatePeer(p);
  });
  conn.on('leave', (msg) => {
    if (typeof msg.id === 'string') cursors.remove(msg.id);
  });
  conn.on('cursors', (msg) => {
    if (Array.isArray(msg.c)) {
      for (const entry of msg.c) {
        if (!Array.isArray(entry)) continue;
        const [id, x, y] = entry;
        if (typeof id !== 'string' || id === session.you) continue;
        if (typeof x !== 'number' || typeof y !== 'number') continue;
        cursors.move(peer(id) ?? { id, name: 'Guest', color: FALLBACK_COLOR }, x, y);
      }
    }
    if (Array.isArray(msg.gone)) {
      for (const id of msg.gone) if (typeof id === 'string') cursors.remove(id);
    }
  });
  conn.onDisconnect(() => cursors.clear());
}

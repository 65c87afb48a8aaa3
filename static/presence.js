// Presence: who is on the board. Keeps the peer map (rebuilt from every
// welcome, changed by join and leave) and renders the peer-list hook:
// yourself first, marked "(you)", then the others in order of arrival, one
// `peer-chip` each. The chips that fit the bar's width are shown; the rest
// go into a list behind a "+N" button (`peer-more`), still inside
// peer-list, so the bar never overflows whatever the count. Another peer's
// chip holds a button: clicking it follows that peer (follow.js), and it
// says whom this page follows (aria-pressed, a ring in the peer's color).

import { applyPeerColor, safeColor } from './color.js';
import { Disclosure } from './panels.js';

/**
 * @typedef {object} Peer
 * @property {string} id
 * @property {string} name
 * @property {string} color "#rrggbb"
 * @property {'edit' | 'view'} role
 */

/**
 * A peer from the network with its fields checked; null when unusable.
 * @param {unknown} raw
 * @returns {Peer | null}
 */
export function toPeer(raw) {
  if (raw === null || typeof raw !== 'object') return null;
  const p = /** @type {Record<string, unknown>} */ (raw);
  if (typeof p.id !== 'string' || p.id === '') return null;
  return {
    id: p.id,
    name: typeof p.name === 'string' && p.name.trim() !== '' ? p.name : 'Guest',
    color: safeColor(p.color),
    role: p.role === 'view' ? 'view' : 'edit',
  };
}

/**
 * The other peers a welcome lists, each checked (toPeer); the unusable ones left out.
 * @param {{peers?: unknown}} welcome
 * @returns {Peer[]}
 */
export function peersOf(welcome) {
  if (!Array.isArray(welcome.peers)) return [];
  return /** @type {Peer[]} */ (welcome.peers.map(toPeer).filter((p) => p !== null));
}

/** Chips shown at most, however wide the bar: a few faces, then "+N". */
export const MAX_CHIPS = 8;

/**
 * How many chips of the given widths fit in `room` pixels, `gap` apart,
 * leaving room for the "+N" button when not all of them fit; never more
 * than MAX_CHIPS.
 * @param {number[]} widths
 * @param {number} gap
 * @param {number} room
 * @param {number} moreWidth
 * @returns {number}
 */
export function chipsThatFit(widths, gap, room, moreWidth) {
  const total = widths.reduce((sum, w, i) => sum + w + (i > 0 ? gap : 0), 0);
  if (total <= room && widths.length <= MAX_CHIPS) return widths.length;
  let used = moreWidth;
  let n = 0;
  for (const w of widths.slice(0, MAX_CHIPS)) {
    if (used + gap + w > room) break;
    used += gap + w;
    n++;
  }
  return n;
}

/**
 * The first letter of a name, for an avatar.
 * @param {string} name
 * @returns {string}
 */
function initial(name) {
  const first = Array.from(name.trim())[0] ?? '?';
  return first.toLocaleUpperCase();
}

export class Presence {
  /** @param {HTMLElement} list the peer-list element (a <ul>) */
  constructor(list) {
    this.list = list;
    /** @type {string} */
    this.you = '';
    /** @type {Map<string, Peer>} */
    this.peers = new Map();
    /** @type {HTMLLIElement[]} every chip, in order */
    this.chips = [];
    /** The peer this page follows, or "". */
    this.following = '';

    this.more = document.createElement('li');
    this.more.className = 'peer-more';
    this.moreButton = document.createElement('button');
    this.moreButton.type = 'button';
    this.moreButton.className = 'peer-more__button';
    this.moreButton.dataset.testid = 'peer-more';
    this.overflow = document.createElement('ul');
    this.overflow.className = 'peer-overflow';
    this.overflow.id = 'peer-overflow';
    this.overflow.setAttribute('aria-label', 'More people on this board');
    this.overflow.hidden = true;
    this.moreButton.setAttribute('aria-controls', this.overflow.id);
    this.more.append(this.moreButton, this.overflow);
    this.disclosure = new Disclosure(this.moreButton, this.overflow, { useHidden: true, onOpen: () => this.place() });

    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.fit()).observe(list);
    window.addEventListener('resize', () => this.disclosure.isOpen && this.place());
  }

  /**
   * Start over from a welcome: yourself plus the other peers.
   * @param {Peer} self
   * @param {Peer[]} others
   */
  reset(self, others) {
    this.you = self.id;
    this.peers = new Map([[self.id, self]]);
    for (const peer of others) if (peer.id !== self.id) this.peers.set(peer.id, peer);
    this.render();
  }

  /**
   * Add or replace a peer.
   * @param {Peer} peer
   */
  join(peer) {
    if (peer.id === this.you) return;
    this.peers.set(peer.id, peer);
    this.render();
  }

  /**
   * Remove a peer.
   * @param {string} id
   */
  leave(id) {
    if (id === this.you) return;
    if (this.peers.delete(id)) this.render();
  }

  /**
   * Change your own entry (a new name or color, before the server knows).
   * @param {Partial<Peer>} fields
   */
  updateSelf(fields) {
    const self = this.peers.get(this.you);
    if (!self) return;
    this.peers.set(this.you, { ...self, ...fields, id: self.id });
    this.render();
  }

  /**
   * @param {string} id
   * @returns {Peer | undefined}
   */
  get(id) {
    return this.peers.get(id);
  }

  /** @returns {Peer[]} everyone present, yourself first */
  all() {
    return [...this.peers.values()];
  }

  /**
   * One chip.
   * @param {Peer} peer
   * @returns {HTMLLIElement}
   */
  chip(peer) {
    const isYou = peer.id === this.you;
    const li = document.createElement('li');
    li.className = 'peer';
    li.dataset.testid = 'peer-chip';
    li.dataset.peerId = peer.id;
    li.dataset.role = peer.role;
    if (isYou) li.classList.add('peer--you');
    applyPeerColor(li, peer.color);

    const swatch = document.createElement('span');
    swatch.className = 'peer__swatch';
    swatch.setAttribute('aria-hidden', 'true');
    swatch.textContent = initial(peer.name);

    const name = document.createElement('span');
    name.className = 'peer__name';
    name.textContent = peer.name;

    // Others' chips are buttons (follow that peer); yours is not.
    /** @type {HTMLElement} */
    let body = li;
    if (!isYou) {
      body = document.createElement('button');
      body.type = 'button';
      body.className = 'peer__follow';
      li.append(body);
    }
    body.append(swatch, name);
    if (isYou) {
      const you = document.createElement('span');
      you.className = 'peer__you';
      you.textContent = '(you)';
      li.append(you);
    }
    if (peer.role === 'view') {
      const role = document.createElement('span');
      role.className = 'peer__role';
      role.textContent = 'viewer';
      body.append(role);
    }
    li.title = `${peer.name}${isYou ? ' (you)' : ''}${peer.role === 'view' ? ' — viewer' : ''}`;
    this.markFollowing(li);
    return li;
  }

  /**
   * Say which chip's peer this page follows.
   * @param {string} id "" for nobody
   */
  setFollowing(id) {
    this.following = id;
    for (const li of this.chips) this.markFollowing(li);
  }

  /** @param {HTMLLIElement} li */
  markFollowing(li) {
    const button = li.querySelector('.peer__follow');
    if (!button) return;
    const on = li.dataset.peerId === this.following;
    const name = this.peers.get(li.dataset.peerId ?? '')?.name ?? '';
    li.classList.toggle('peer--followed', on);
    button.setAttribute('aria-pressed', String(on));
    button.setAttribute('title', on ? `Following ${name}: click to stop` : `Follow ${name}'s view`);
  }

  render() {
    this.chips = [...this.peers.values()].map((peer) => this.chip(peer));
    this.list.dataset.count = String(this.chips.length);
    this.fit();
  }

  /** Show the chips that fit the bar, the rest behind "+N". */
  fit() {
    const list = this.list;
    // Everything in the bar first, to measure: with names, then as avatars.
    this.overflow.replaceChildren();
    list.replaceChildren(...this.chips);
    list.classList.remove('is-compact');
    const room = list.clientWidth;
    if (room > 0 && list.scrollWidth > room) list.classList.add('is-compact');
    let n = this.chips.length;
    if (n > MAX_CHIPS || (room > 0 && list.scrollWidth > room)) {
      // Avatars may overlap (a negative margin): it counts in the gap.
      const px = (/** @type {string} */ v) => Number.parseFloat(v) || 0;
      const second = this.chips[1] ? px(getComputedStyle(this.chips[1]).marginLeft) : 0;
      const gap = px(getComputedStyle(list).columnGap) + second;
      const widths = this.chips.map((c) => c.getBoundingClientRect().width);
      this.moreButton.textContent = `+${this.chips.length}`;
      list.append(this.more);
      const moreWidth = this.more.getBoundingClientRect().width + px(getComputedStyle(this.more).marginLeft) - second;
      n = chipsThatFit(widths, gap, room, moreWidth);
    }
    const rest = this.chips.slice(n);
    list.replaceChildren(...this.chips.slice(0, n));
    if (rest.length === 0) {
      this.disclosure.close();
      return;
    }
    this.overflow.replaceChildren(...rest);
    this.moreButton.textContent = `+${rest.length}`;
    this.moreButton.setAttribute('aria-label', `${rest.length} more ${rest.length === 1 ? 'person' : 'people'}`);
    this.moreButton.title = rest.map((c) => c.title).join('\n');
    list.append(this.more);
    if (this.disclosure.isOpen) this.place();
  }

  /** Put the open list under its button, inside the viewport. */
  place() {
    const r = this.moreButton.getBoundingClientRect();
    const panel = this.overflow;
    const width = panel.getBoundingClientRect().width;
    const left = Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8));
    panel.style.top = `${Math.round(r.bottom + 8)}px`;
    panel.style.left = `${Math.round(left)}px`;
  }
}

/**
 * Keep the peer list in step with the connection: rebuilt from each
 * welcome (ourselves first, as `self()` says), then changed by join and
 * leave. A join of our own id is the server echoing us: left out.
 * @param {object} o
 * @param {import('./net.js').Connection} o.conn
 * @param {import('./session.js').Session} o.session
 * @param {Presence} o.presence
 * @param {() => Peer} o.self ourselves, read at each welcome (the color may have just moved)
 */
export function wirePresence({ conn, session, presence, self }) {
  session.onWelcome((msg) => presence.reset(self(), peersOf(msg)));
  conn.on('join', (msg) => {
    const peer = toPeer(msg.peer);
    if (peer && peer.id !== session.you) presence.join(peer);
  });
  conn.on('leave', (msg) => {
    if (typeof msg.id === 'string') presence.leave(msg.id);
  });
}

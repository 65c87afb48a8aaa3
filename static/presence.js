// Presence: who is on the board. Keeps the peer map (rebuilt from every
// welcome, changed by join and leave) and renders the peer-list hook:
// yourself first, marked "(you)", then the others in order of arrival.

import { applyPeerColor, safeColor } from './color.js';

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

  render() {
    const items = [];
    for (const peer of this.peers.values()) {
      const isYou = peer.id === this.you;
      const li = document.createElement('li');
      li.className = 'peer';
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

      li.append(swatch, name);
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
        li.append(role);
      }
      li.title = `${peer.name}${isYou ? ' (you)' : ''}${peer.role === 'view' ? ' — viewer' : ''}`;
      items.push(li);
    }
    this.list.replaceChildren(...items);
    this.list.dataset.count = String(items.length);
  }
}

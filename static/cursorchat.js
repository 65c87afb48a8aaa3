// Cursor chat, as in Figma and tldraw: "/" opens a small input at one's own
// cursor (it follows the pointer while open); Enter sends it as `chat`
// (1–140 characters) and shows it there for a moment; Escape or a click
// elsewhere closes it. Others' messages appear as a `cursor-chat` bubble
// under that peer's cursor label for CHAT_MS — or, for a peer with no
// cursor on the board (a phone, a keyboard), at the centre of what that
// peer sees, with its name. Everything from the network goes in through
// textContent.

import { applyPeerColor } from './color.js';
import { CHAT_MAX, chatText } from './presencewire.js';

/**
 * Where a peer is on this page's screen (CSS px from the canvas's top left),
 * and whether that is its cursor (else the centre of its view).
 * @typedef {{x: number, y: number, cursor: boolean}} Spot
 */

/**
 * What chat and reactions need of the page: where everyone is, who they
 * are, and a voice for screen readers.
 * @typedef {object} Around
 * @property {HTMLElement} stage where inputs and pickers go
 * @property {HTMLElement} layer the cursor layer, where bubbles and emoji go
 * @property {(id: string) => Spot | null} spot
 * @property {() => {id: string, name: string, color: string}} self
 * @property {(id: string) => {name: string, color: string} | undefined} peer
 * @property {(text: string) => void} announce
 */

/** How long a message stays up. */
export const CHAT_MS = 5000;
/** How long a bubble takes to fade out (as in easel.css). */
const FADE_MS = 200;

/**
 * @typedef {object} Bubble
 * @property {HTMLElement} el
 * @property {string} id
 * @property {boolean} own one's own message, at one's pointer
 * @property {HTMLElement} name the sender's name, in the bubble only when it has no cursor to stand beside
 * @property {ReturnType<typeof setTimeout>} timer
 */

/**
 * A box's left (or top) edge moved so that the box stays in [4, room − 4]
 * when it fits.
 * @param {number} at
 * @param {number} size
 * @param {number} room
 * @returns {number}
 */
export function inside(at, size, room) {
  return Math.max(4, Math.min(at, room - size - 4));
}

export class CursorChat {
  /**
   * @param {Around} around
   * @param {HTMLElement} surface the board canvas (pointer moves)
   * @param {(text: string) => boolean} send false when not sent (no room in the budget, not connected)
   */
  constructor(around, surface, send) {
    this.around = around;
    this.send = send;
    /** @type {Map<string, Bubble>} one per peer, the latest message */
    this.bubbles = new Map();
    this.frame = 0;

    this.form = document.createElement('form');
    this.form.className = 'chat-composer';
    this.form.hidden = true;
    this.input = document.createElement('input');
    this.input.type = 'text';
    this.input.className = 'chat-composer__input';
    this.input.dataset.testid = 'cursor-chat-input';
    // UTF-16 units: never more code points than the contract's 140.
    this.input.maxLength = CHAT_MAX;
    this.input.autocomplete = 'off';
    this.input.spellcheck = true;
    this.input.enterKeyHint = 'send';
    this.input.placeholder = 'Say something';
    this.input.setAttribute('aria-label', 'Message next to your cursor: Enter sends, Escape closes');
    this.form.append(this.input);
    around.stage.append(this.form);

    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        ev.stopPropagation();
        this.close();
      }
    });
    this.input.addEventListener('blur', () => this.close());
    this.input.addEventListener('input', () => this.place());
    surface.addEventListener('pointermove', () => {
      if (this.isOpen) this.place();
    });
  }

  /** @returns {boolean} */
  get isOpen() {
    return !this.form.hidden;
  }

  /** Open the input at one's cursor. */
  open() {
    const me = this.around.self();
    applyPeerColor(this.form, me.color);
    this.form.hidden = false;
    this.place();
    this.input.focus();
  }

  close() {
    if (!this.isOpen) return;
    this.form.hidden = true;
    this.input.value = '';
    if (document.activeElement === this.input) this.input.blur();
  }

  submit() {
    const text = chatText(this.input.value);
    if (text === '') {
      this.close();
      return;
    }
    // Kept in the input when it could not go: the user may try again.
    if (!this.send(text)) return;
    this.close();
    const me = this.around.self();
    this.show(me.id, text, true);
  }

  /** Put the input where one's cursor is (where others see the message). */
  place() {
    const at = this.around.spot(this.around.self().id);
    if (!at) return;
    const x = inside(at.x + 12, this.form.offsetWidth, this.around.layer.clientWidth);
    const y = inside(at.y + 17, this.form.offsetHeight, this.around.layer.clientHeight);
    this.form.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  /**
   * Show a message next to a peer (or, own, next to one's cursor).
   * @param {string} id
   * @param {string} text
   * @param {boolean} [own]
   */
  show(id, text, own = false) {
    const who = own ? this.around.self() : this.around.peer(id);
    if (!who) return;
    this.remove(id);
    const el = document.createElement('div');
    el.className = own ? 'cursor-chat cursor-chat--own' : 'cursor-chat';
    el.dataset.testid = own ? 'cursor-chat-sent' : 'cursor-chat';
    el.dataset.peerId = id;
    applyPeerColor(el, who.color);
    const name = document.createElement('span');
    name.className = 'cursor-chat__name';
    name.textContent = who.name;
    const body = document.createElement('span');
    body.className = 'cursor-chat__text';
    body.textContent = text;
    el.append(body);
    this.around.layer.append(el);
    const bubble = { el, id, own, name, timer: setTimeout(() => this.expire(bubble), CHAT_MS) };
    this.bubbles.set(id, bubble);
    this.position(bubble);
    this.schedule();
    if (!own) this.around.announce(`${who.name}: ${text}`);
  }

  /** @param {Bubble} bubble */
  expire(bubble) {
    bubble.el.classList.add('is-leaving');
    setTimeout(() => {
      if (this.bubbles.get(bubble.id) === bubble) this.remove(bubble.id);
    }, FADE_MS);
  }

  /** @param {string} id */
  remove(id) {
    const bubble = this.bubbles.get(id);
    if (!bubble) return;
    clearTimeout(bubble.timer);
    bubble.el.remove();
    this.bubbles.delete(id);
  }

  /** Every bubble goes (the connection was lost). */
  clear() {
    for (const id of [...this.bubbles.keys()]) this.remove(id);
  }

  /** @param {Bubble} bubble */
  position(bubble) {
    const at = this.around.spot(bubble.id);
    bubble.el.hidden = at === null;
    if (!at) return;
    // Under the cursor's name label (one's own: where the input was); with
    // no cursor, the name shows in the bubble.
    const named = !at.cursor && !bubble.own;
    if (named !== bubble.name.isConnected) {
      if (named) bubble.el.prepend(bubble.name);
      else bubble.name.remove();
    }
    bubble.el.classList.toggle('cursor-chat--named', named);
    const { offsetWidth: w, offsetHeight: h } = bubble.el;
    // Centred on a view's centre; else beside the cursor, kept on screen
    // (the cursor near the right edge: the bubble moves left under it).
    const x = at.cursor ? inside(at.x + 12, w, this.around.layer.clientWidth) : at.x;
    const y = at.cursor ? inside(at.y + (bubble.own ? 17 : 42), h, this.around.layer.clientHeight) : at.y;
    bubble.el.style.transform = `translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
  }

  /** Bubbles ride with their cursors (which glide), one placement per frame. */
  schedule() {
    if (this.frame || this.bubbles.size === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const bubble of this.bubbles.values()) this.position(bubble);
      this.schedule();
    });
  }
}

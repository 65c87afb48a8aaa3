// Reactions: E (or the smiley button) opens a small picker of a few emoji;
// choosing one sends `react` and floats it up from one's own cursor, and
// everyone else sees it float up from this page's cursor (or from the
// centre of its view when it has none). The picker is a toolbar of buttons:
// arrow keys move between them, Enter, Space or the digits 1–6 choose,
// Escape or a press elsewhere closes it. Under prefers-reduced-motion the
// emoji fade in and out where they are (easel.css).

/** @typedef {import('./cursorchat.js').Around} Around */

/** The picker's emoji, with the names screen readers say. */
export const REACTIONS = [
  { emoji: '👍', name: 'Thumbs up' },
  { emoji: '❤️', name: 'Heart' },
  { emoji: '😂', name: 'Laughing' },
  { emoji: '🎉', name: 'Party' },
  { emoji: '👀', name: 'Eyes' },
  { emoji: '🔥', name: 'Fire' },
];

/** How long an emoji floats before it is removed (the CSS animation's length, plus a margin). */
const FLOAT_MS = 1800;
/** Emoji floating at once on this page, at most: a flood costs nothing. */
const MAX_FLOATING = 40;

/**
 * The index a key moves the focus to in a row of n buttons, or -1.
 * @param {string} key
 * @param {number} i the focused button
 * @param {number} n
 * @returns {number}
 */
export function rovingIndex(key, i, n) {
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return (i + 1) % n;
    case 'ArrowLeft':
    case 'ArrowUp':
      return (i - 1 + n) % n;
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
  }
  return -1;
}

export class Reactions {
  /**
   * @param {Around} around
   * @param {(emoji: string) => boolean} send false when not sent
   */
  constructor(around, send) {
    this.around = around;
    this.send = send;
    /** Where focus was before the picker opened, to give it back. @type {HTMLElement | null} */
    this.returnFocus = null;
    /** The button that opened it, if one did. @type {HTMLElement | null} */
    this.opener = null;

    this.picker = document.createElement('div');
    this.picker.className = 'reaction-picker';
    this.picker.dataset.testid = 'reaction-picker';
    this.picker.setAttribute('role', 'toolbar');
    this.picker.setAttribute('aria-label', 'Send a reaction');
    this.picker.hidden = true;
    /** @type {HTMLButtonElement[]} */
    this.buttons = REACTIONS.map((r, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'reaction-picker__option';
      b.dataset.testid = 'reaction-option';
      b.dataset.emoji = r.emoji;
      b.textContent = r.emoji;
      b.setAttribute('aria-label', r.name);
      b.title = `${r.name} (${i + 1})`;
      b.tabIndex = -1;
      b.addEventListener('click', () => this.choose(r.emoji));
      return b;
    });
    // Cursor chat from here too: the way in on a touch screen, with no "/" key.
    const chat = document.createElement('button');
    chat.type = 'button';
    chat.className = 'reaction-picker__option reaction-picker__chat';
    chat.dataset.testid = 'reaction-chat';
    chat.textContent = '💬';
    chat.setAttribute('aria-label', 'Say something next to your cursor');
    chat.title = 'Say something next to your cursor (/)';
    chat.tabIndex = -1;
    chat.addEventListener('click', () => {
      this.close(false);
      this.onChat();
    });
    /** Opens the cursor chat (set by together.js). */
    this.onChat = () => {};
    this.buttons.push(chat);
    this.picker.append(...this.buttons);
    around.stage.append(this.picker);

    this.picker.addEventListener('keydown', (ev) => this.onKey(ev));
    // Focus or a press elsewhere closes it (not on its own button, which toggles it).
    this.picker.addEventListener('focusout', (ev) => {
      if (this.outside(ev.relatedTarget)) this.close(false);
    });
    document.addEventListener('pointerdown', (ev) => {
      if (this.isOpen && this.outside(ev.target)) this.close(false);
    });
  }

  /**
   * @param {EventTarget | null} target
   * @returns {boolean} whether target is neither the picker nor the button that opened it
   */
  outside(target) {
    if (!(target instanceof Node)) return true;
    return !this.picker.contains(target) && !this.opener?.contains(target);
  }

  /** @returns {boolean} */
  get isOpen() {
    return !this.picker.hidden;
  }

  /**
   * Open the picker above one's cursor, or above the button that opened it.
   * @param {HTMLElement | null} [from] the button, for touch and mouse users
   */
  open(from = null) {
    this.returnFocus = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    this.opener = from;
    this.picker.hidden = false;
    const box = this.around.stage.getBoundingClientRect();
    const pw = this.picker.offsetWidth;
    const ph = this.picker.offsetHeight;
    let x;
    let y;
    const at = from ? null : this.around.spot(this.around.self().id);
    if (from) {
      const r = from.getBoundingClientRect();
      x = r.left + r.width / 2 - box.left - pw / 2;
      y = r.top - box.top - ph - 8;
    } else if (at) {
      x = at.x - pw / 2;
      y = at.y - ph - 12;
    } else {
      x = (box.width - pw) / 2;
      y = box.height - ph - 72;
    }
    x = Math.max(8, Math.min(box.width - pw - 8, x));
    y = Math.max(8, Math.min(box.height - ph - 8, y));
    this.picker.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
    this.focus(0);
  }

  /**
   * @param {boolean} [restore] give focus back to where it was
   */
  close(restore = true) {
    if (!this.isOpen) return;
    this.picker.hidden = true;
    if (restore && this.returnFocus?.isConnected) this.returnFocus.focus();
    else if (this.picker.contains(document.activeElement)) /** @type {HTMLElement} */ (document.activeElement).blur();
    this.returnFocus = null;
  }

  /** @param {number} i */
  focus(i) {
    this.buttons.forEach((b, j) => {
      b.tabIndex = j === i ? 0 : -1;
    });
    this.buttons[i].focus();
  }

  /** @param {KeyboardEvent} ev */
  onKey(ev) {
    const i = this.buttons.indexOf(/** @type {HTMLButtonElement} */ (ev.target));
    const next = rovingIndex(ev.key, Math.max(0, i), this.buttons.length);
    if (next >= 0) {
      ev.preventDefault();
      this.focus(next);
      return;
    }
    const digit = /^Digit([1-9])$/.exec(ev.code)?.[1] ?? (/^[1-9]$/.test(ev.key) ? ev.key : '');
    if (digit && Number(digit) <= REACTIONS.length && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      this.choose(REACTIONS[Number(digit) - 1].emoji);
      return;
    }
    if (ev.key === 'Escape' || ev.key === 'e' || ev.key === 'E') {
      ev.preventDefault();
      this.close();
    }
    // Everything else stays here: the board's shortcuts do not fire under the picker.
    ev.stopPropagation();
  }

  /** @param {string} emoji */
  choose(emoji) {
    this.close();
    if (!this.send(emoji)) return;
    this.float(this.around.self().id, emoji);
  }

  /**
   * A peer's reaction (or one's own) floats up from where it is.
   * @param {string} id
   * @param {string} emoji
   */
  float(id, emoji) {
    const own = id === this.around.self().id;
    const who = own ? this.around.self() : this.around.peer(id);
    const at = this.around.spot(id);
    if (!who || !at) return;
    while (this.around.layer.querySelectorAll('.reaction').length >= MAX_FLOATING) this.around.layer.querySelector('.reaction')?.remove();
    const el = document.createElement('div');
    el.className = 'reaction';
    el.dataset.testid = 'reaction';
    el.dataset.peerId = id;
    el.textContent = emoji;
    // From the cursor's tip, a little to the side, so the arrow stays visible.
    el.style.transform = `translate(${Math.round(at.x + (at.cursor ? 10 : 0))}px, ${Math.round(at.y - (at.cursor ? 8 : 0))}px)`;
    this.around.layer.append(el);
    const done = () => el.remove();
    el.addEventListener('animationend', done, { once: true });
    setTimeout(done, FLOAT_MS);
    if (!own) this.around.announce(`${who.name} reacted ${emoji}`);
  }
}

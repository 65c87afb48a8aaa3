// Panels: a button that opens and closes a panel (the style controls and the
// top bar's menu on narrow screens, the "+N" list of peers). The button
// carries aria-expanded; the panel gets the class is-open (the stylesheet
// decides what that shows: on wide screens the style controls and the menu
// are always there) or, with `useHidden`, its hidden attribute. Escape and a
// press outside both close it. An Escape that closes a panel is marked
// handled (defaultPrevented), so that what lies under the panel (the
// version preview, say) stays open until the next one.

export class Disclosure {
  /**
   * @param {HTMLElement} button
   * @param {HTMLElement} panel
   * @param {object} [opts]
   * @param {boolean} [opts.useHidden] toggle panel.hidden rather than the is-open class
   * @param {() => void} [opts.onOpen] after opening (to place the panel)
   * @param {(node: Node) => boolean} [opts.inside] what counts as inside the panel (default: the panel's subtree)
   */
  constructor(button, panel, opts = {}) {
    this.button = button;
    this.panel = panel;
    this.useHidden = opts.useHidden ?? false;
    this.onOpen = opts.onOpen ?? (() => {});
    this.isOpen = false;
    const inside = opts.inside ?? ((/** @type {Node} */ node) => panel.contains(node));
    button.setAttribute('aria-expanded', 'false');
    button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    // Capture: the board stops what reaches it, and a press on the canvas
    // must still close a panel.
    document.addEventListener(
      'pointerdown',
      (ev) => {
        const t = /** @type {Node} */ (ev.target);
        if (this.isOpen && !button.contains(t) && !inside(t)) this.close();
      },
      true,
    );
    document.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape' || !this.isOpen || ev.defaultPrevented) return;
      // A modal dialog over the panel takes its own Escape.
      if (ev.target instanceof Element && ev.target.closest('dialog[open]')) return;
      const within = inside(/** @type {Node} */ (ev.target)) || ev.target === button;
      ev.preventDefault();
      this.close();
      if (within) button.focus();
    });
  }

  open() {
    this.set(true);
    this.onOpen();
  }

  close() {
    this.set(false);
  }

  /** @param {boolean} on */
  set(on) {
    this.isOpen = on;
    this.button.setAttribute('aria-expanded', String(on));
    if (this.useHidden) this.panel.hidden = !on;
    else this.panel.classList.toggle('is-open', on);
  }
}

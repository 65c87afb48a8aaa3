// Panels: a button that opens and closes a panel (the style controls and the
// top bar's menu on narrow screens, the "+N" list of peers). The button
// carries aria-expanded; the panel gets the class is-open (the stylesheet
// decides what that shows: on wide screens the style controls and the menu
// are always there) or, with `useHidden`, its hidden attribute. Escape and a
// press outside both close it.

export class Disclosure {
  /**
   * @param {HTMLElement} button
   * @param {HTMLElement} panel
   * @param {object} [opts]
   * @param {boolean} [opts.useHidden] toggle panel.hidden rather than the is-open class
   * @param {() => void} [opts.onOpen] after opening (to place the panel)
   */
  constructor(button, panel, opts = {}) {
    this.button = button;
    this.panel = panel;
    this.useHidden = opts.useHidden ?? false;
    this.onOpen = opts.onOpen ?? (() => {});
    this.isOpen = false;
    button.setAttribute('aria-expanded', 'false');
    button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    // Capture: the board stops what reaches it, and a press on the canvas
    // must still close a panel.
    document.addEventListener(
      'pointerdown',
      (ev) => {
        const t = /** @type {Node} */ (ev.target);
        if (this.isOpen && !button.contains(t) && !panel.contains(t)) this.close();
      },
      true,
    );
    document.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Escape' || !this.isOpen) return;
      const inside = panel.contains(/** @type {Node} */ (ev.target)) || ev.target === button;
      this.close();
      if (inside) button.focus();
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

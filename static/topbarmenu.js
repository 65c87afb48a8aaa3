// The top bar's ⋯ menu (`menu-toggle`, #topbar-menu), on narrow screens:
// everything after the file buttons collapses into it — the share links,
// "Bring everyone", your name and colour, the theme and, last, the rare
// actions (.topbar__more: version history, deleting the board). On wide
// screens the toggle hides and the bar shows all of them, the rare ones as
// icon buttons (one click away, as any other top-bar action).

import { Disclosure } from './panels.js';

/** Where the top bar collapses: the stylesheet's breakpoint. */
const NARROW = '(max-width: 900px)';

/**
 * @param {HTMLElement} root the #app element
 */
export function setupTopbarMenu(root) {
  const toggle = /** @type {HTMLButtonElement} */ (root.querySelector('[data-testid="menu-toggle"]'));
  const menu = /** @type {HTMLElement} */ (root.querySelector('#topbar-menu'));
  const narrow = matchMedia(NARROW);
  const disclosure = new Disclosure(toggle, menu);
  // A menu left open when the screen widens would stay open behind the bar.
  narrow.addEventListener('change', () => disclosure.close());

  return {
    close: () => disclosure.close(),
    /**
     * Gives the focus back to a control of the menu once what it opened
     * closes: to the control while it shows, else to the toggle (the menu
     * closed when it was chosen).
     * @param {HTMLElement} control
     */
    focusBack(control) {
      if (control.checkVisibility()) control.focus();
      else toggle.focus();
    },
  };
}

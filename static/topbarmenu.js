// The top bar's ⋯ menu (`menu-toggle`, #topbar-menu). On narrow screens
// everything after the file buttons collapses into it: the share links,
// "Bring everyone", your name and colour, the theme and, last, the rare
// actions (.topbar__more: version history, deleting the board). On wide
// screens the bar shows all but the rare actions, and the menu is a
// drop-down of those alone: they would otherwise take the room the board's
// title needs, and deleting a board is not a button to have one click
// away. The toggle moves in the DOM with the width so that the Tab order
// is what one sees: before the whole menu on narrow screens, after the
// theme toggle (right before the drop-down) on wide ones.

import { Disclosure } from './panels.js';

/** Where the top bar collapses: the stylesheet's breakpoint. */
const NARROW = '(max-width: 900px)';

/**
 * @param {HTMLElement} root the #app element
 */
export function setupTopbarMenu(root) {
  const toggle = /** @type {HTMLButtonElement} */ (root.querySelector('[data-testid="menu-toggle"]'));
  const menu = /** @type {HTMLElement} */ (root.querySelector('#topbar-menu'));
  const more = /** @type {HTMLElement} */ (menu.querySelector('.topbar__more'));
  const narrow = matchMedia(NARROW);
  const narrowLabel = toggle.getAttribute('aria-label') ?? '';
  const narrowTitle = toggle.title;
  const rare = [...more.querySelectorAll('button')].map((b) => (b.textContent ?? '').trim().replace(/…$/, '').toLowerCase());
  const disclosure = new Disclosure(toggle, menu, {
    // On wide screens the rest of #topbar-menu is the bar itself: a press there closes the drop-down.
    inside: (node) => (narrow.matches ? menu : more).contains(node),
  });
  const place = () => {
    disclosure.close();
    if (narrow.matches) {
      menu.before(toggle);
      toggle.setAttribute('aria-label', narrowLabel);
      toggle.title = narrowTitle;
    } else {
      more.before(toggle);
      toggle.setAttribute('aria-label', `More: ${rare.join(', ')}`);
      toggle.title = `More: ${rare.join(', ')}`;
    }
  };
  narrow.addEventListener('change', place);
  place();

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

// Theme: light or dark. Follows the system's prefers-color-scheme until the
// user picks one with the theme-toggle, which is remembered in localStorage
// (easel.theme). The choice lands on <html data-theme="light|dark">; the
// stylesheet does the rest (light-dark() colours, and the board canvas
// drawn through an inverting filter in dark mode, so the board's colours
// stay what they are for everyone and in every export).
//
// Loaded by every page from <head> (layout.html), not imported by app.js:
// it only touches the document.

const KEY = 'easel.theme';

/** @typedef {'light' | 'dark'} Theme */

/**
 * A stored or system theme: the stored one when valid, else the system's.
 * @param {unknown} stored
 * @param {boolean} systemDark
 * @returns {Theme}
 */
export function resolveTheme(stored, systemDark) {
  if (stored === 'light' || stored === 'dark') return stored;
  return systemDark ? 'dark' : 'light';
}

/** @returns {string | null} */
function readStored() {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: follow the system
  }
}

/** @param {Theme} theme */
function store(theme) {
  try {
    window.localStorage.setItem(KEY, theme);
  } catch {
    // the choice lasts for this page only
  }
}

/**
 * Show a theme on the page and on every toggle.
 * @param {Theme} theme
 */
function apply(theme) {
  document.documentElement.dataset.theme = theme;
  for (const b of document.querySelectorAll('[data-testid="theme-toggle"]')) {
    const button = /** @type {HTMLElement} */ (b);
    button.dataset.theme = theme;
    button.setAttribute('aria-pressed', String(theme === 'dark'));
    button.title = theme === 'dark' ? 'Dark theme is on: switch to light' : 'Switch to the dark theme';
  }
}

function start() {
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const current = () => resolveTheme(readStored(), media.matches);
  apply(current());
  media.addEventListener('change', () => apply(current()));
  // Another tab changed it.
  window.addEventListener('storage', (ev) => {
    if (ev.key === KEY) apply(current());
  });
  for (const b of document.querySelectorAll('[data-testid="theme-toggle"]')) {
    b.addEventListener('click', () => {
      const next = current() === 'dark' ? 'light' : 'dark';
      store(next);
      apply(next);
    });
  }
}

if (typeof document !== 'undefined') start();

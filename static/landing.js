// Landing page: the recent-boards list (recent.js) under "New board" — the
// boards this browser opened, newest first, each a link with its title, a
// "View only" badge for view links, when it was last opened, and a button
// that forgets it. Hidden while empty. Another tab opening or forgetting a
// board updates it (the storage event); the "when" is refreshed each minute.

import { forgetRecent, loadRecent, RECENT_KEY } from './recent.js';
import { browserStorage } from './storage.js';
import { UNTITLED } from './title.js';
import { absoluteTime, relativeTime } from './when.js';

/** @typedef {import('./recent.js').RecentBoard} RecentBoard */

const SVG_NS = 'http://www.w3.org/2000/svg';

/** @returns {SVGSVGElement} a small ×, built node by node (no HTML parsing on this page) */
function crossIcon() {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 20 20');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', 'M5.5 5.5 L14.5 14.5 M14.5 5.5 L5.5 14.5');
  path.setAttribute('stroke', 'currentColor');
  path.setAttribute('stroke-width', '1.6');
  path.setAttribute('stroke-linecap', 'round');
  svg.append(path);
  return svg;
}

/**
 * @param {string} className
 * @param {string} text
 * @returns {HTMLSpanElement}
 */
function span(className, text) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

/**
 * One entry of the list. Titles are the boards' own text: textContent only.
 * @param {RecentBoard} entry
 * @param {number} now
 * @param {(viewId: string) => void} forget
 * @returns {HTMLLIElement}
 */
function item(entry, now, forget) {
  const li = document.createElement('li');
  li.className = 'recent__item';
  li.dataset.testid = 'recent-board';
  li.dataset.viewId = entry.viewId;
  const a = document.createElement('a');
  a.className = 'recent__link';
  a.href = entry.url;
  a.append(span('recent__name', entry.title || UNTITLED));
  if (entry.role === 'view') a.append(span('badge recent__badge', 'View only'));
  const when = document.createElement('time');
  when.className = 'recent__when';
  when.dateTime = new Date(entry.at).toISOString();
  when.textContent = relativeTime(entry.at, now);
  when.title = `Opened ${absoluteTime(entry.at)}`;
  a.append(when);
  const x = document.createElement('button');
  x.type = 'button';
  x.className = 'recent__forget';
  x.dataset.testid = 'recent-forget';
  x.title = 'Forget this board (the board itself stays)';
  x.setAttribute('aria-label', `Forget ${entry.title || UNTITLED}`);
  x.append(crossIcon());
  x.addEventListener('click', () => forget(entry.viewId));
  li.append(a, x);
  return li;
}

function main() {
  const section = document.querySelector('[data-testid="recent-boards"]');
  const list = document.getElementById('recent-list');
  if (!(section instanceof HTMLElement) || !list) return;
  const storage = browserStorage();
  const render = () => {
    const entries = loadRecent(storage);
    const now = Date.now();
    list.replaceChildren(
      ...entries.map((e) =>
        item(e, now, (viewId) => {
          // Keep the keyboard where it was: on the next entry's forget button, or the list's heading.
          const buttons = [...list.querySelectorAll('.recent__forget')];
          const at = buttons.findIndex((b) => b.closest('li')?.dataset.viewId === viewId);
          forgetRecent(storage, viewId);
          render();
          const after = list.querySelectorAll('.recent__forget');
          const next = /** @type {HTMLElement | undefined} */ (after[Math.min(at, after.length - 1)]);
          if (next) next.focus();
        }),
      ),
    );
    section.hidden = entries.length === 0;
  };
  render();
  window.addEventListener('storage', (ev) => {
    if (ev.key === RECENT_KEY || ev.key === null) render();
  });
  setInterval(render, 60_000);
  // Back from a board through the back/forward cache: the list may have changed.
  window.addEventListener('pageshow', (ev) => ev.persisted && render());
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();

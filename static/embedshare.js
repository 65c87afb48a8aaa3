// Embed share: the share area's Embed button (`share-embed`) and its panel,
// the <iframe> snippets that put the board on another site's page: the
// view link's (`embed-snippet-view`, `embed-copy-view`) and, on editors'
// pages only and folded behind a warning, the edit link's
// (`embed-snippet-edit`, `embed-copy-edit`). A view page holds nothing of
// the edit link. Each opening writes the snippets afresh (the board's
// title may have changed) and folds the edit one again. Escape and a
// press outside close the panel (panels.js).
//
// Only the sites in the server's --origins may frame a board; the template
// says so in the panel when there are none.

import { Disclosure } from './panels.js';
import { copyFeedback, copyText } from './share.js';
import { UNTITLED } from './title.js';

/** The frame's size in the snippet: the host page adjusts it at will. */
const FRAME = { width: 800, height: 600 };
/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The absolute URL of a board route as an embed.
 * @param {string} path "/b/<id>" or "/v/<viewId>"
 * @param {string} origin the server's, e.g. location.origin
 * @returns {string}
 */
export function embedURL(path, origin) {
  const url = new URL(path, origin);
  url.searchParams.set('embed', '1');
  return url.href;
}

/**
 * Text made safe inside an HTML attribute value or element.
 * @param {string} text
 * @returns {string}
 */
export function escapeHTML(text) {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * The <iframe> element a host page pastes in.
 * @param {string} url the embed URL (embedURL)
 * @param {string} title the board's title ("" when untitled)
 * @returns {string}
 */
export function iframeSnippet(url, title) {
  const name = title.trim() === '' ? UNTITLED : title;
  return `<iframe src="${escapeHTML(url)}" width="${FRAME.width}" height="${FRAME.height}" style="border:0" title="${escapeHTML(name)} — Easel" allow="clipboard-write"></iframe>`;
}

/**
 * A snippet's textarea and its Copy button: a focus selects the whole
 * snippet; Copy copies it and says so, or leaves it selected for the
 * keyboard where the clipboard is refused.
 * @param {HTMLTextAreaElement} code
 * @param {HTMLButtonElement} copy
 */
function bindSnippet(code, copy) {
  const feedback = copyFeedback(copy);
  code.addEventListener('focus', () => code.select());
  copy.addEventListener('click', async () => {
    const ok = await copyText(code.value);
    if (!ok) {
      code.focus();
      code.select();
    }
    feedback(ok);
  });
}

/**
 * @param {object} o
 * @param {HTMLElement} o.root the #app element
 * @param {{role: string, editURL: string, viewURL: string}} o.page
 * @param {() => string} o.title the board's title now
 * @returns {{close: () => void} | null} null when the page has no Embed button (an embed)
 */
export function setupEmbedShare({ root, page, title }) {
  const button = /** @type {HTMLButtonElement | null} */ (root.querySelector('[data-testid="share-embed"]'));
  const panel = /** @type {HTMLElement | null} */ (root.querySelector('#embed-panel'));
  if (!button || !panel) return null;
  /** @type {Array<{path: string, code: HTMLTextAreaElement}>} */
  const snippets = [];
  for (const [role, path] of [
    ['view', page.viewURL],
    ['edit', page.role === 'edit' ? page.editURL : ''],
  ]) {
    const code = /** @type {HTMLTextAreaElement | null} */ (panel.querySelector(`[data-testid="embed-snippet-${role}"]`));
    const copy = /** @type {HTMLButtonElement | null} */ (panel.querySelector(`[data-testid="embed-copy-${role}"]`));
    if (!path || !code || !copy) continue;
    bindSnippet(code, copy);
    snippets.push({ path, code });
  }
  const editPart = /** @type {HTMLDetailsElement | null} */ (panel.querySelector('.embed-panel__edit'));
  const disclosure = new Disclosure(button, panel, {
    useHidden: true,
    onOpen: () => {
      for (const s of snippets) s.code.value = iframeSnippet(embedURL(s.path, location.origin), title());
      if (editPart) editPart.open = false;
    },
  });
  return { close: () => disclosure.close() };
}

// Page: what board.html gives the client — `#app`'s data-* attributes (see
// "The page contract" in README.md) — and `$`, which finds the page's
// elements and fails loudly when the template lacks one, rather than
// leaving a part of the page silently unwired.

/**
 * @typedef {object} PageInfo
 * @property {'edit' | 'view'} role
 * @property {string} socketPath "/b/<id>/ws" or "/v/<viewId>/ws"
 * @property {string} viewId
 * @property {string} editURL "" on view pages
 * @property {string} viewURL
 * @property {boolean} embed the page is drawn for another site's frame (?embed=1): no top bar
 * @property {string} embedOrigins the sites that may frame the board (--origins), space-separated
 */

/**
 * @template {Element} T
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function $(selector, root = document) {
  const el = root.querySelector(selector);
  if (!el) throw new Error(`easel: the page has no ${selector}`);
  return /** @type {T} */ (el);
}

/**
 * @param {HTMLElement} root the #app element
 * @returns {PageInfo}
 */
export function readPage(root) {
  return {
    role: root.dataset.role === 'view' ? 'view' : 'edit',
    socketPath: root.dataset.socketPath ?? '',
    viewId: root.dataset.viewId ?? '',
    editURL: root.dataset.editUrl ?? '',
    viewURL: root.dataset.viewUrl ?? '',
    embed: root.dataset.embed === '1',
    embedOrigins: root.dataset.embedOrigins ?? '',
  };
}

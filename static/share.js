// Share links: <a> elements whose href is the board's absolute edit or view
// URL. A plain click copies the URL instead of navigating and says "Copied"
// for a moment; a modified click (new tab, new window) works as a link.

import { $ } from './page.js';

const FEEDBACK_MS = 1600;

/**
 * Copy text to the clipboard: the async Clipboard API when allowed, else a
 * selected text field with execCommand('copy').
 * @param {string} text
 * @returns {Promise<boolean>} whether the text was copied
 */
export async function copyText(text) {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // not permitted (no focus, no permission): fall back below
    }
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.readOnly = true;
  field.className = 'offscreen';
  document.body.append(field);
  field.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  field.remove();
  return ok;
}

/**
 * Feedback for a copy, shown on label for a moment: "Copied" (and
 * `is-copied` on el), or, where the clipboard refused and the text was
 * left selected, the keys that copy it.
 * @param {Element} label the element whose text says it
 * @param {Element} [el] the element that takes `is-copied` (label itself by default)
 * @returns {(ok: boolean) => void} shows the feedback of one copy
 */
export function copyFeedback(label, el = label) {
  const idle = label.textContent ?? '';
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return (ok) => {
    clearTimeout(timer);
    label.textContent = ok ? 'Copied' : /Mac|iPhone|iPad/.test(navigator.platform) ? 'Press ⌘C' : 'Press Ctrl+C';
    el.classList.toggle('is-copied', ok);
    timer = setTimeout(() => {
      label.textContent = idle;
      el.classList.remove('is-copied');
    }, FEEDBACK_MS);
  };
}

/**
 * Make link a share link for path (like "/v/<viewId>"): its href becomes the
 * absolute URL, and a click copies it.
 * @param {HTMLAnchorElement} link
 * @param {string} path
 * @param {HTMLInputElement} [fallbackField] shown with the URL selected when copying fails
 */
export function setupShareLink(link, path, fallbackField) {
  if (fallbackField && !fallbackField.dataset.bound) {
    fallbackField.dataset.bound = 'true';
    const hide = () => {
      fallbackField.hidden = true;
    };
    fallbackField.addEventListener('blur', hide);
    fallbackField.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' || ev.key === 'Enter') fallbackField.blur();
    });
  }
  const url = new URL(path, location.origin).href;
  link.href = url;
  const feedback = copyFeedback(link.querySelector('.button__label') ?? link, link);

  link.addEventListener('click', async (ev) => {
    if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    const ok = await copyText(url);
    if (!ok) {
      if (!fallbackField) return; // nothing left selected to copy by hand
      fallbackField.value = url;
      fallbackField.hidden = false;
      fallbackField.focus();
      fallbackField.select();
    }
    feedback(ok);
  });
}

/**
 * The page's share links: the edit link (editors' pages only) and the view
 * link, with the share field shown when copying fails.
 * @param {HTMLElement} root the #app element
 * @param {{role: string, editURL: string, viewURL: string}} page
 */
export function setupShareLinks(root, page) {
  /** @type {HTMLInputElement} */
  const field = $('#share-field', root);
  if (page.role === 'edit' && page.editURL) {
    const editLink = root.querySelector('[data-testid="share-edit-link"]');
    if (editLink) setupShareLink(/** @type {HTMLAnchorElement} */ (editLink), page.editURL, field);
  }
  if (page.viewURL) {
    setupShareLink($('[data-testid="share-view-link"]', root), page.viewURL, field);
  }
}

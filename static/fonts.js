// The page's fonts: the server's font set, declared by /fonts.css as the
// "Easel" family (one @font-face per file, each with the unicode-range it
// draws), so the canvas measures and draws text with the very files the
// exports use. The system's fonts follow for what the server has none for.
// The browser fetches a face only when text needs it: a CJK font only once
// CJK text appears.

export const FONT_STACK = '"Easel", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** The font the checks below ask about (any size selects the same faces). */
const PROBE = '16px "Easel"';

/** @returns {FontFaceSet | null} */
function faces() {
  return typeof document !== 'undefined' && document.fonts ? document.fonts : null;
}

/**
 * Start loading the faces text needs, unless they are loaded (or none of
 * the set's ranges holds its characters). Text measured before they arrive
 * is measured again: see onFontsLoaded.
 * @param {string} text
 */
export function needFonts(text) {
  const set = faces();
  if (!set || !text) return;
  try {
    if (set.check(PROBE, text)) return;
  } catch {
    return;
  }
  set.load(PROBE, text).catch(() => {});
}

/**
 * Whether every face text needs is loaded (true too when the page has no
 * font set or the text needs none of its faces).
 * @param {string} text
 */
export function fontsReadyFor(text) {
  const set = faces();
  if (!set || !text) return true;
  try {
    return set.check(PROBE, text);
  } catch {
    return true;
  }
}

/**
 * Resolves when the faces text needs are loaded (true), or false when they
 * fail or take longer than waitMs; never rejects.
 * @param {string} text
 * @param {number} waitMs
 * @returns {Promise<boolean>}
 */
export function whenFontsFor(text, waitMs) {
  const set = faces();
  if (!set || fontsReadyFor(text)) return Promise.resolve(true);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  return Promise.race([
    set.load(PROBE, text).then(
      () => fontsReadyFor(text),
      () => false,
    ),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    }),
  ]).then((ok) => {
    clearTimeout(timer);
    return /** @type {boolean} */ (ok);
  });
}

/** How long the board waits for the Latin face before it draws anyway, ms. */
const LATIN_WAIT_MS = 3000;

/**
 * Resolves once the Latin face (the embedded Go font) is loaded, so the
 * first texts are measured with it, or after LATIN_WAIT_MS; never rejects
 * (a page without /fonts.css draws with the system's fonts).
 * @returns {Promise<void>}
 */
export function latinReady() {
  const set = faces();
  if (!set) return Promise.resolve();
  return Promise.race([
    set.load(PROBE, 'A').then(
      () => {},
      () => {},
    ),
    new Promise((resolve) => setTimeout(resolve, LATIN_WAIT_MS)),
  ]).then(() => {});
}

/**
 * Call back whenever faces finished loading: text measured with a
 * fallback font must be laid out again.
 * @param {() => void} callback
 */
export function onFontsLoaded(callback) {
  faces()?.addEventListener('loadingdone', () => callback());
}

// Colors: validation of "#rrggbb" values coming from users or the network,
// and a readable text color on top of a peer color.

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** Fallback for a peer whose color is missing or malformed. */
export const FALLBACK_COLOR = '#868e96';

/**
 * Whether value is a "#rrggbb" color.
 * @param {unknown} value
 * @returns {value is string}
 */
export function isHexColor(value) {
  return typeof value === 'string' && HEX_COLOR.test(value);
}

/**
 * A safe "#rrggbb" color: value lowercased, or the fallback.
 * @param {unknown} value
 * @param {string} [fallback]
 * @returns {string}
 */
export function safeColor(value, fallback = FALLBACK_COLOR) {
  return isHexColor(value) ? value.toLowerCase() : fallback;
}

/**
 * The text color that reads on the background color with WCAG AA contrast
 * (4.5:1): white when it reaches that, else black, which then always does
 * (the worst case for the better of the two is 4.58:1).
 * @param {string} hex a "#rrggbb" color
 * @returns {string}
 */
export function inkFor(hex) {
  const c = safeColor(hex);
  const channel = (i) => {
    const v = parseInt(c.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  const onWhite = 1.05 / (luminance + 0.05);
  return onWhite >= 4.5 ? '#ffffff' : '#000000';
}

/**
 * Paint el with a peer color: sets the CSS custom properties --peer-color
 * and --peer-ink that the stylesheet uses.
 * @param {HTMLElement} el
 * @param {string} color
 */
export function applyPeerColor(el, color) {
  const c = safeColor(color);
  el.style.setProperty('--peer-color', c);
  el.style.setProperty('--peer-ink', inkFor(c));
}

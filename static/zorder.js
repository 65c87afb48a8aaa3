// Z order: elements are stacked by their `z` key, a string of 1–64 base62
// characters ([0-9A-Za-z]) compared byte by byte, and new keys are made
// between two neighbours without renumbering anyone ("fractional indexing").
//
// Keys this client makes have the well-known shape of an integer part and a
// fraction: the integer part's first character says how many digits follow
// ('a' → 1, 'b' → 2 … 'z' → 26; 'Z' → 1 … 'A' → 26, for keys below "a0"),
// and the fraction never ends in '0'. Appending on top only increments the
// integer ("a0", "a1" … "az", "b00" …), so keys stay short however many
// elements a board gets. Keys from elsewhere (other clients, imports) may be
// any base62 string: between those, a plain lexicographic midpoint is used.
//
// Byte order equals JavaScript's string order for these ASCII keys, and
// compareStrings gives byte (UTF-8) order for any string, for ids.

export const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const MAX_KEY_LENGTH = 64;
const BASE = DIGITS.length;
const KEY = /^[0-9A-Za-z]{1,64}$/;
/** The smallest integer part: "A" and 26 zeros. */
const SMALLEST_INTEGER = 'A' + '0'.repeat(26);

/**
 * Whether value is a z key the server accepts.
 * @param {unknown} value
 * @returns {value is string}
 */
export function isZKey(value) {
  return typeof value === 'string' && KEY.test(value);
}

/**
 * Compare two strings in UTF-8 byte order (code point order), which is how
 * the server orders z keys and ids. -1, 0 or 1.
 * @param {string} a
 * @param {string} b
 * @returns {number}
 */
export function compareStrings(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // UTF-16 order differs from code point order only between a surrogate
    // (U+D800–DFFF, part of a code point ≥ U+10000) and U+E000–FFFF.
    if (ca >= 0xd800 && cb >= 0xd800) {
      ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/**
 * @param {string} ch
 * @returns {number}
 */
function digit(ch) {
  return DIGITS.indexOf(ch);
}

/**
 * Length of the integer part announced by its first character, or 0.
 * @param {string} head
 * @returns {number}
 */
function integerLength(head) {
  if (head >= 'a' && head <= 'z') return head.charCodeAt(0) - 97 + 2;
  if (head >= 'A' && head <= 'Z') return 90 - head.charCodeAt(0) + 2;
  return 0;
}

/**
 * Whether key has the integer-and-fraction shape this module makes.
 * @param {string} key
 * @returns {boolean}
 */
export function isWellFormed(key) {
  if (!isZKey(key) || key === SMALLEST_INTEGER) return false;
  const n = integerLength(key[0]);
  if (n === 0 || key.length < n) return false;
  return key.length === n || key[key.length - 1] !== '0';
}

/**
 * @param {string} key a well-formed key
 * @returns {string}
 */
function integerPart(key) {
  return key.slice(0, integerLength(key[0]));
}

/**
 * The next integer part, or null past "z" and 26 "z"s.
 * @param {string} int
 * @returns {string | null}
 */
function incrementInteger(int) {
  const head = int[0];
  const digits = int.slice(1).split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digit(digits[i]) + 1;
    if (d < BASE) {
      digits[i] = DIGITS[d];
      return head + digits.join('');
    }
    digits[i] = '0';
  }
  // Every digit carried: a longer (or, below "a0", shorter) integer part.
  if (head === 'Z') return 'a0';
  if (head === 'z') return null;
  const next = String.fromCharCode(head.charCodeAt(0) + 1);
  if (next > 'a') digits.push('0');
  else digits.pop();
  return next + digits.join('');
}

/**
 * The previous integer part, or null below "A" and 26 zeros.
 * @param {string} int
 * @returns {string | null}
 */
function decrementInteger(int) {
  const head = int[0];
  const digits = int.slice(1).split('');
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digit(digits[i]) - 1;
    if (d >= 0) {
      digits[i] = DIGITS[d];
      return head + digits.join('');
    }
    digits[i] = 'z';
  }
  if (head === 'a') return 'Zz';
  if (head === 'A') return null;
  const prev = String.fromCharCode(head.charCodeAt(0) - 1);
  if (prev < 'Z') digits.push('z');
  else digits.pop();
  return prev + digits.join('');
}

/**
 * A fraction strictly between a and b (b null: no upper bound), neither
 * ending in '0', a < b.
 * @param {string} a
 * @param {string | null} b
 * @returns {string}
 */
function midFraction(a, b) {
  if (b !== null) {
    let n = 0;
    while ((a[n] ?? '0') === b[n]) n++;
    if (n > 0) return b.slice(0, n) + midFraction(a.slice(n), b.slice(n));
  }
  const da = a ? digit(a[0]) : 0;
  const db = b !== null ? digit(b[0]) : BASE;
  if (db - da > 1) return DIGITS[Math.round((da + db) / 2)];
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return DIGITS[da] + midFraction(a.slice(1), null);
}

/**
 * A key strictly between two well-formed keys (either may be null).
 * @param {string | null} a
 * @param {string | null} b
 * @returns {string | null}
 */
function wellFormedBetween(a, b) {
  if (a === null && b === null) return 'a0';
  if (a === null) {
    const ib = integerPart(/** @type {string} */ (b));
    const fb = /** @type {string} */ (b).slice(ib.length);
    if (ib === SMALLEST_INTEGER) return ib + midFraction('', fb);
    if (ib !== b) return ib;
    return decrementInteger(ib);
  }
  const ia = integerPart(a);
  const fa = a.slice(ia.length);
  if (b === null) {
    return incrementInteger(ia) ?? ia + midFraction(fa, null);
  }
  const ib = integerPart(b);
  const fb = b.slice(ib.length);
  if (ia === ib) return ia + midFraction(fa, fb);
  const next = incrementInteger(ia);
  if (next !== null && next < b) return next;
  return ia + midFraction(fa, null);
}

/**
 * A string strictly between any two base62 strings a < b (b null: no upper
 * bound), or null when there is none (b is a followed only by '0's).
 * @param {string} a
 * @param {string | null} b
 * @returns {string | null}
 */
function plainBetween(a, b) {
  let out = '';
  let i = 0;
  for (;;) {
    if (b !== null && i >= b.length) return null; // b is a prefix of a
    const da = i < a.length ? digit(a[i]) : -1;
    const db = b !== null ? digit(b[i]) : BASE;
    if (da === db) {
      out += a[i];
      i++;
      continue;
    }
    if (db - da > 1) {
      // A digit strictly between; past a's end any digit above -1 is more.
      return out + DIGITS[Math.max(0, Math.floor((da + db) / 2))];
    }
    if (da === -1) {
      // a ends here and b continues with '0': go below b's rest.
      out += '0';
      const rest = /** @type {string} */ (b).slice(i + 1);
      if (/^0*$/.test(rest)) return null;
      // Anything longer than out that is below b: out + the part of b's
      // rest up to its first non-zero digit, lowered.
      let j = 0;
      while (rest[j] === '0') {
        out += '0';
        j++;
      }
      const d = digit(rest[j]);
      return out + (d > 1 ? DIGITS[Math.floor(d / 2)] : '0' + DIGITS[BASE >> 1]);
    }
    // db = da + 1: keep a's digit, then anything above a's rest.
    out += a[i];
    return out + plainBetween(a.slice(i + 1), null);
  }
}

/**
 * A z key strictly between a and b: null for "no bound" on either side.
 * New elements on top: keyBetween(maxZ, null). Returns null when no key of
 * at most 64 characters fits (the caller then stacks on top instead).
 * @param {string | null} a
 * @param {string | null} b
 * @returns {string | null}
 */
export function keyBetween(a, b) {
  if (a !== null && b !== null && compareStrings(a, b) >= 0) return null;
  /** @type {string | null} */
  let key = null;
  if ((a === null || isWellFormed(a)) && (b === null || isWellFormed(b))) {
    key = wellFormedBetween(a, b);
  }
  if (key === null) {
    if (a === null) {
      // Below b: lower its first digit, or prefix with zeros.
      const s = /** @type {string} */ (b);
      const d = digit(s[0]);
      key = d > 0 ? DIGITS[Math.floor(d / 2)] : plainBetween('', s);
    } else {
      key = plainBetween(a, b);
    }
  }
  if (key === null || !isZKey(key)) return null;
  if (a !== null && compareStrings(a, key) >= 0) return null;
  if (b !== null && compareStrings(key, b) >= 0) return null;
  return key;
}

/**
 * n keys in increasing order, all strictly between a and b; fewer when the
 * space runs out.
 * @param {string | null} a
 * @param {string | null} b
 * @param {number} n
 * @returns {string[]}
 */
export function keysBetween(a, b, n) {
  /** @type {string[]} */
  const keys = [];
  let lo = a;
  for (let i = 0; i < n; i++) {
    const k = keyBetween(lo, b);
    if (k === null) break;
    keys.push(k);
    lo = k;
  }
  return keys;
}

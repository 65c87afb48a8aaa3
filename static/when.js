// When: times as people read them in lists (the version history, recent
// boards): relative while recent ("5 min ago", "yesterday"), a date after a
// week, and the full local date and time for a tooltip. Pure, so that the
// node tests can pin "now".

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A short relative time: "just now", "5 min ago", "3 h ago", "yesterday",
 * "4 days ago", then the date ("12 Mar", with the year when not this year's).
 * A time in the future (a clock a little ahead) counts as "just now".
 * @param {number} at ms since the epoch
 * @param {number} now ms since the epoch
 * @param {string} [locale] for the date (the browser's by default)
 * @returns {string}
 */
export function relativeTime(at, now, locale) {
  if (!Number.isFinite(at)) return '';
  const ago = now - at;
  if (ago < 45_000) return 'just now';
  if (ago < HOUR) return `${Math.max(1, Math.round(ago / MINUTE))} min ago`;
  if (ago < DAY) return `${Math.round(ago / HOUR)} h ago`;
  const days = calendarDays(at, now);
  if (days <= 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Date(at).toLocaleDateString(locale, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * The full local date and time, for a title attribute.
 * @param {number} at
 * @param {string} [locale]
 * @returns {string}
 */
export function absoluteTime(at, locale) {
  if (!Number.isFinite(at)) return '';
  return new Date(at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * A time short enough for a banner: "14:32" today, "12 Mar, 14:32" this
 * year, "12 Mar 2023, 14:32" before.
 * @param {number} at
 * @param {number} now
 * @param {string} [locale]
 * @returns {string}
 */
export function shortTime(at, now, locale) {
  if (!Number.isFinite(at)) return '';
  const time = new Date(at).toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  const days = calendarDays(at, now);
  if (days === 0) return time;
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  const date = new Date(at).toLocaleDateString(locale, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
  return `${date}, ${time}`;
}

/**
 * How many midnights (local time) lie between two times: "yesterday" is
 * about the calendar, not 24 hours.
 * @param {number} at
 * @param {number} now
 * @returns {number}
 */
function calendarDays(at, now) {
  const a = new Date(at);
  const b = new Date(now);
  const da = Date.UTC(a.getFullYear(), a.getMonth(), a.getDate());
  const db = Date.UTC(b.getFullYear(), b.getMonth(), b.getDate());
  return Math.round((db - da) / DAY);
}

// The browser's localStorage, or null where the browser forbids it
// (privacy settings, a sandboxed frame): every module that remembers
// something in this browser asks here, and copes with null.

/** @returns {Storage | null} */
export function browserStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

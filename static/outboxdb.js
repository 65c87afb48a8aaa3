// OutboxDB: the browser's copy of our unacknowledged ops messages, in
// IndexedDB, so that a reload or a crash (of the tab, the browser or the
// server) loses no edit. One record per message, keyed [board, client, ref]:
// `client` is the hello client id the message belongs to (the server dedupes
// client + ref, so a resend must go out under the same one), `ref` its ref.
// outbox.js decides what to store and when; this module only reads and
// writes, one transaction per call, so the calls reach the disk in order.

/**
 * One stored message.
 * @typedef {object} OutboxEntry
 * @property {string} board the board's view id
 * @property {string} client the hello client id it was (or will be) sent under
 * @property {string} ref
 * @property {import('./element.js').Op[]} ops
 * @property {number} order send order within its client (ascending)
 * @property {boolean} sent whether it may have reached a server (then only
 *   its own client id may resend it)
 * @property {number} bytes its ops' JSON size
 * @property {number} at when it was stored, ms since the epoch
 */

const DB_NAME = 'easel-outbox';
const DB_VERSION = 1;
const STORE = 'messages';
const BY_BOARD = 'board';

/**
 * @param {IDBRequest | IDBTransaction} req
 * @returns {Promise<any>}
 */
function done(req) {
  return new Promise((resolve, reject) => {
    if ('objectStore' in req) {
      req.oncomplete = () => resolve(undefined);
      req.onabort = () => reject(req.error ?? new Error('easel: IndexedDB transaction aborted'));
      req.onerror = () => reject(req.error);
    } else {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    }
  });
}

export class OutboxDB {
  /** @param {IDBDatabase} db */
  constructor(db) {
    this.db = db;
    // Another tab upgrading the schema: step aside rather than block it.
    db.onversionchange = () => db.close();
  }

  /**
   * Open the database, or null where IndexedDB is missing or refused
   * (private modes of some browsers, storage disabled): the page then keeps
   * its pending edits in memory only, as before.
   * @param {IDBFactory | undefined} [idb]
   * @returns {Promise<OutboxDB | null>}
   */
  static async open(idb = globalThis.indexedDB) {
    if (!idb) return null;
    try {
      const req = idb.open(DB_NAME, DB_VERSION);
      req.onblocked = () => console.warn('easel: another tab holds an older outbox open');
      req.onupgradeneeded = () => {
        const store = req.result.createObjectStore(STORE, { keyPath: ['board', 'client', 'ref'] });
        store.createIndex(BY_BOARD, 'board');
      };
      return new OutboxDB(await done(req));
    } catch (err) {
      console.warn('easel: no IndexedDB, unsaved edits live in this page only', err);
      return null;
    }
  }

  /**
   * Every stored message of a board, any client, in no particular order.
   * @param {string} board
   * @returns {Promise<OutboxEntry[]>}
   */
  async list(board) {
    const tx = this.db.transaction(STORE, 'readonly');
    return done(tx.objectStore(STORE).index(BY_BOARD).getAll(board));
  }

  /**
   * Store (or replace) entries, and delete keys, in one transaction.
   * @param {OutboxEntry[]} puts
   * @param {Array<[string, string, string]>} [dels] [board, client, ref] keys
   * @returns {Promise<void>}
   */
  async write(puts, dels = []) {
    const tx = this.db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const key of dels) store.delete(key);
    for (const entry of puts) store.put(entry);
    return done(tx);
  }
}

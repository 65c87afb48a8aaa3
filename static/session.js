// Session: who this page is on the current connection — its peer id, its
// role, the board as the server describes it and the server's cursor tick —
// as the last welcome said. Modules read `session.you` when they need it
// (a reconnect gives a new peer id), and those that start over on each
// welcome (the board's state, the peer list, the cursors) say so with
// onWelcome: they run in the order they asked, after the session is
// current, and only for a welcome that names us.

/** @typedef {import('./net.js').Message} Message */

export class Session {
  /** @param {'edit' | 'view'} role the role the page was served for, until a welcome says */
  constructor(role) {
    /** This connection's peer id ("" before the first welcome). */
    this.you = '';
    /** @type {'edit' | 'view'} */
    this.role = role;
    /** @type {{viewId?: string, title?: string, id?: string}} */
    this.board = {};
    /** The server's cursor tick, ms. */
    this.tick = 0;
    /** @type {Array<(msg: Message) => void>} */
    this.listeners = [];
  }

  /**
   * Call fn with every welcome, once the session holds it.
   * @param {(msg: Message) => void} fn
   */
  onWelcome(fn) {
    this.listeners.push(fn);
  }

  /**
   * Take each welcome of conn. The role can differ from the page's (a
   * link's role changed while the page was open): `#app`'s data-role
   * follows it.
   * @param {import('./net.js').Connection} conn
   * @param {HTMLElement} root the #app element
   */
  listen(conn, root) {
    conn.on('welcome', (msg) => {
      if (typeof msg.you !== 'string') return;
      this.you = msg.you;
      this.role = msg.role === 'view' ? 'view' : 'edit';
      this.tick = typeof msg.tick === 'number' ? msg.tick : 0;
      root.dataset.role = this.role;
      if (msg.board && typeof msg.board === 'object') this.board = msg.board;
      for (const fn of this.listeners) fn(msg);
    });
  }
}

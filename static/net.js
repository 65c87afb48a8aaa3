// Net: the board's WebSocket. Opens it with the easel.v1 subprotocol, says
// hello first, splits newline-delimited frames into messages and dispatches
// them by type, and reconnects with exponential backoff and full jitter.
//
// Connection states (the connection-status hook shows them):
//   connecting    the first attempt, nothing has failed yet
//   connected     the server answered hello with welcome
//   reconnecting  lost or refused, retrying
//   offline       the browser says there is no network (navigator.onLine)
//
// navigator.onLine describes the outside network: on a machine with only a
// loopback interface it is false although a server on 127.0.0.1 answers. So
// the client always tries to connect, takes the browser's word at load only
// for a non-loopback host, and otherwise follows the offline/online events.

export const SUBPROTOCOL = 'easel.v1';

/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'offline'} ConnState */

/**
 * A message of the protocol: an object with a string type.
 * @typedef {{type: string, [field: string]: any}} Message
 */

/**
 * @typedef {object} BackoffOptions
 * @property {number} base first delay cap, ms
 * @property {number} cap largest delay, ms
 */

/** @type {BackoffOptions} */
export const DEFAULT_BACKOFF = { base: 250, cap: 10_000 };

/** A connection that lasted this long resets the backoff. */
const STABLE_MS = 5_000;
/** Give up on a handshake that hangs this long and retry. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Close codes that mean the server refused what this client sent. */
const ERROR_CLOSES = new Map([
  [1003, 'the server refused a binary frame'],
  [1007, 'the server could not read a message'],
  [1008, 'the server closed the connection (policy)'],
  [1009, 'a message was too big'],
]);

/**
 * Whether hostname is this machine (where navigator.onLine says nothing).
 * @param {string} hostname
 * @returns {boolean}
 */
export function isLoopbackHost(hostname) {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    hostname === '[::1]'
  );
}

/**
 * The WebSocket URL of a socket path on this page's host.
 * @param {string} path e.g. "/b/<id>/ws"
 * @param {Location} [loc]
 * @returns {string}
 */
export function socketURL(path, loc = location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}${path}`;
}

/**
 * Split a text frame into messages: one JSON object per line. Empty lines,
 * lines that are not JSON and objects without a string type are skipped.
 * @param {string} text
 * @returns {Message[]}
 */
export function parseFrame(text) {
  /** @type {Message[]} */
  const messages = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      console.warn('easel: skipping a line that is not JSON', line.slice(0, 200));
      continue;
    }
    if (msg !== null && typeof msg === 'object' && !Array.isArray(msg) && typeof msg.type === 'string') {
      messages.push(msg);
    }
  }
  return messages;
}

/**
 * Delay before retry number attempt (0-based): "full jitter", a uniform
 * random delay between 0 and min(cap, base * 2^attempt).
 * @param {number} attempt
 * @param {BackoffOptions} [opts]
 * @param {() => number} [random]
 * @returns {number} ms
 */
export function backoffDelay(attempt, opts = DEFAULT_BACKOFF, random = Math.random) {
  const ceiling = Math.min(opts.cap, opts.base * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * A human description of why a socket closed, or "" for an ordinary loss.
 * @param {number} code
 * @param {string} reason the server's close reason, may be empty
 * @returns {string}
 */
export function closeProblem(code, reason) {
  const known = ERROR_CLOSES.get(code);
  if (!known) return '';
  return reason ? `${reason} (${code})` : `${known} (${code})`;
}

/** What the server accepts as hello's client id. */
const CLIENT_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * A secret id for hello's `client`: 16 random bytes in base64url (22
 * characters). The server scopes ref dedupe to it, so nobody who sees our
 * refs can commit one of them first, and never sends it to anyone. Keep it
 * for the life of the page, across reconnects, so a resent ref dedupes
 * against its original. (Not the refs' prefix: refs are broadcast.)
 * @param {(bytes: Uint8Array) => Uint8Array} [fill] a CSPRNG; tests pass their own
 * @returns {string}
 */
export function randomClientID(fill = (bytes) => crypto.getRandomValues(bytes)) {
  const bytes = fill(new Uint8Array(16));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The hello message: who we are, and since (the epoch and seq of the board
 * state we hold) when we hold one, so the server sends only what we missed;
 * client is our secret client id (see randomClientID).
 * @param {{name: string, color: string}} identity
 * @param {{epoch: string, seq: number} | null} [since]
 * @param {string} [client]
 * @returns {Message}
 */
export function helloMessage(identity, since = null, client = '') {
  /** @type {Message} */
  const msg = { type: 'hello', name: identity.name, color: identity.color };
  if (since && typeof since.epoch === 'string' && since.epoch !== '' && Number.isSafeInteger(since.seq) && since.seq >= 0) {
    msg.since = { epoch: since.epoch, seq: since.seq };
  }
  if (CLIENT_ID.test(client)) msg.client = client;
  return msg;
}

/**
 * @typedef {object} ConnectionOptions
 * @property {string} url ws:// or wss:// URL
 * @property {() => Message} hello builds the hello message for each connection
 * @property {BackoffOptions} [backoff]
 */

export class Connection {
  /** @param {ConnectionOptions} opts */
  constructor(opts) {
    this.url = opts.url;
    this.hello = opts.hello;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;

    /** @type {WebSocket | null} */
    this.ws = null;
    this.welcomed = false;
    /** Whether an attempt failed or a connection was lost: later attempts are "reconnecting". */
    this.retrying = false;
    this.stopped = true;
    this.attempt = 0;
    this.welcomedAt = 0;
    /** Why the last connection was refused, for the status display. */
    this.problem = '';
    /** @type {ConnState} */
    this.lastState = 'connecting';
    this.lastProblem = '';
    /** Whether the browser reports no network (see the note at the top). */
    this.offline = !navigator.onLine && !isLoopbackHost(location.hostname);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.connectTimer = undefined;

    /** @type {Map<string, Set<(msg: Message) => void>>} */
    this.handlers = new Map();
    /** @type {Set<(state: ConnState, problem: string) => void>} */
    this.stateListeners = new Set();
    /** @type {Set<(data: ArrayBuffer) => void>} */
    this.binaryListeners = new Set();
    /** @type {Set<() => void>} */
    this.disconnectListeners = new Set();

    window.addEventListener('online', () => this.onOnline());
    window.addEventListener('offline', () => {
      this.offline = true;
      this.emitState();
    });
  }

  /**
   * Call fn for every message of the given type.
   * @param {string} type
   * @param {(msg: Message) => void} fn
   * @returns {() => void} unsubscribe
   */
  on(type, fn) {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(fn);
    return () => set.delete(fn);
  }

  /**
   * Call fn whenever the connection state or the problem shown with it changes.
   * @param {(state: ConnState, problem: string) => void} fn
   * @returns {() => void} unsubscribe
   */
  onState(fn) {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /**
   * Call fn for every binary frame (export chunks).
   * @param {(data: ArrayBuffer) => void} fn
   * @returns {() => void} unsubscribe
   */
  onBinary(fn) {
    this.binaryListeners.add(fn);
    return () => this.binaryListeners.delete(fn);
  }

  /**
   * Call fn whenever a connection that had been welcomed goes away: whatever
   * the client learnt over it (peers, cursors) is stale until the next welcome.
   * @param {() => void} fn
   * @returns {() => void} unsubscribe
   */
  onDisconnect(fn) {
    this.disconnectListeners.add(fn);
    return () => this.disconnectListeners.delete(fn);
  }

  /** @returns {ConnState} */
  get state() {
    if (this.offline) return 'offline';
    if (this.welcomed) return 'connected';
    return this.retrying ? 'reconnecting' : 'connecting';
  }

  /** @returns {boolean} whether hello has been answered on the open socket */
  get connected() {
    return this.welcomed;
  }

  /** Start connecting (again, after stop()). */
  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Close for good: the page is going away. No reconnect follows. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.drop(1000, 'page closed');
  }

  /**
   * Close the current socket and connect again at once, so the server gets a
   * fresh hello (v1 has no rename message).
   */
  reconnect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (this.ws) this.retrying = true;
    this.drop(1000, 'reconnect');
    this.attempt = 0;
    this.connect();
  }

  /**
   * Send one message. Returns false (and drops it) when not connected.
   * @param {Message} msg
   * @returns {boolean}
   */
  send(msg) {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  /**
   * Bytes queued on the socket but not yet sent, so latest-wins traffic
   * (cursors) can skip a beat instead of piling up.
   * @returns {number}
   */
  get buffered() {
    return this.ws?.bufferedAmount ?? 0;
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped || this.ws) return;
    let ws;
    try {
      ws = new WebSocket(this.url, SUBPROTOCOL);
    } catch (err) {
      console.error('easel: cannot open the socket', err);
      this.problem = 'cannot open the connection';
      this.scheduleRetry();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.emitState();

    this.connectTimer = setTimeout(() => {
      if (this.ws === ws && !this.welcomed) {
        this.drop(4000, 'connect timeout');
        this.scheduleRetry();
      }
    }, CONNECT_TIMEOUT_MS);

    ws.onopen = () => {
      ws.send(JSON.stringify(this.hello()));
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') {
        for (const msg of parseFrame(ev.data)) this.dispatch(msg);
      } else if (ev.data instanceof ArrayBuffer) {
        for (const fn of this.binaryListeners) fn(ev.data);
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.detach(ws);
      this.ws = null;
      const wasWelcomed = this.welcomed;
      if (wasWelcomed && Date.now() - this.welcomedAt >= STABLE_MS) this.attempt = 0;
      this.welcomed = false;
      this.problem = closeProblem(ev.code, ev.reason);
      if (this.problem) console.warn(`easel: connection closed: ${this.problem}`);
      if (wasWelcomed) this.emitDisconnect();
      this.scheduleRetry();
    };
    // onerror is always followed by onclose, which does the work.
  }

  /**
   * Close and forget the current socket without triggering a retry.
   * @param {number} code
   * @param {string} reason
   * @returns {boolean} whether there was a socket
   */
  drop(code, reason) {
    const ws = this.ws;
    clearTimeout(this.connectTimer);
    if (!ws) return false;
    this.detach(ws);
    this.ws = null;
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    if (wasWelcomed) this.emitDisconnect();
    this.emitState();
    return true;
  }

  /** @param {WebSocket} ws */
  detach(ws) {
    clearTimeout(this.connectTimer);
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  }

  scheduleRetry() {
    this.retrying = true;
    clearTimeout(this.retryTimer);
    if (this.stopped) return;
    this.emitState();
    // Offline, this keeps trying at the backoff cap; 'online' retries at once.
    const delay = backoffDelay(this.attempt, this.backoff);
    this.attempt++;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  onOnline() {
    this.offline = false;
    this.emitState();
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  }

  /** @param {Message} msg */
  dispatch(msg) {
    const set = this.handlers.get(msg.type);
    if (set) {
      for (const fn of set) {
        try {
          fn(msg);
        } catch (err) {
          console.error(`easel: handling a ${msg.type} message failed`, err);
        }
      }
    }
    if (msg.type === 'welcome' && !this.welcomed && this.ws) {
      this.welcomed = true;
      this.welcomedAt = Date.now();
      this.problem = '';
      if (navigator.onLine) this.offline = false;
      clearTimeout(this.connectTimer);
      this.emitState();
    }
  }

  emitDisconnect() {
    for (const fn of this.disconnectListeners) fn();
  }

  emitState() {
    const state = this.state;
    const problem = state === 'connected' ? '' : this.problem;
    if (state === this.lastState && problem === this.lastProblem) return;
    this.lastState = state;
    this.lastProblem = problem;
    for (const fn of this.stateListeners) fn(state, problem);
  }
}

// Net: the board's connection. Opens a carrier (carriers/: a WebSocket with
// the easel.v1 subprotocol, or the same protocol over SSE or long-polling
// where sockets are blocked; carriers/fallback.js chooses), says hello
// first, splits newline-delimited frames into messages and dispatches them
// by type, and reconnects with exponential backoff and full jitter.
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

import { FallbackCarrier, forcedTransport } from './carriers/fallback.js';
import { DEFAULT_MAX_BODY } from './carriers/httpsend.js';
import { PollCarrier } from './carriers/poll.js';
import { SSECarrier } from './carriers/sse.js';
import { SUBPROTOCOL, WebSocketCarrier } from './carriers/websocket.js';

export { SUBPROTOCOL, forcedTransport };

/** @typedef {import('./carriers/fallback.js').Transport} Transport */
/** @typedef {import('./carriers/fallback.js').Carrier} Carrier */

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
 * The HTTP routes' base of a socket path: "/b/<id>/ws" → "/b/<id>".
 * @param {string} path
 * @returns {string}
 */
export function httpBase(path) {
  return path.replace(/\/ws$/, '');
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
 * @property {string} [base] the HTTP routes' path ("/b/<id>"), for SSE and long-polling
 * @property {Transport | ''} [transport] force one carrier ('' tries them in turn)
 * @property {() => Message} hello builds the hello message for each connection
 * @property {BackoffOptions} [backoff]
 */

export class Connection {
  /** @param {ConnectionOptions} opts */
  constructor(opts) {
    this.url = opts.url;
    this.hello = opts.hello;
    this.base = opts.base ?? httpBase(new URL(opts.url).pathname);
    this.forced = opts.transport ?? '';
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;

    /** @type {FallbackCarrier | null} */
    this.carrier = null;
    /** The carrier tried or in use now, or last (connection-status shows it). @type {Transport} */
    this.transport = this.forced || 'websocket';
    /** The server's message size limit (welcome.limits.maxMessage): what one HTTP send may carry. */
    this.maxMessage = DEFAULT_MAX_BODY;
    this.welcomed = false;
    /** Whether an attempt failed or a connection was lost: later attempts are "reconnecting". */
    this.retrying = false;
    this.stopped = true;
    /** The board was deleted: this connection never starts again (end()). */
    this.ended = false;
    this.attempt = 0;
    this.welcomedAt = 0;
    /** Why the last connection was refused, for the status display. */
    this.problem = '';
    /** @type {ConnState} */
    this.lastState = 'connecting';
    this.lastProblem = '';
    this.lastTransport = this.transport;
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

  /** Start connecting (again, after stop(); never after end()). */
  start() {
    if (!this.stopped || this.ended) return;
    this.stopped = false;
    this.connect();
  }

  /**
   * Close for good: the page is going away. No reconnect follows. With
   * bye, the server is told first so our cursor leaves at once (over HTTP
   * with sendBeacon, which outlives the page).
   * @param {{bye?: boolean}} [opts]
   */
  stop(opts = {}) {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const carrier = this.carrier;
    if (opts.bye && carrier?.isOpen) {
      this.carrier = null;
      carrier.bye(JSON.stringify({ type: 'bye' }));
      this.lost(false);
      return;
    }
    this.drop(1000, 'page closed');
  }

  /**
   * Close for good because the board is gone (deleted): unlike stop(),
   * nothing starts it again, not even the page coming back from the
   * back/forward cache.
   */
  end() {
    this.ended = true;
    this.stop();
  }

  /**
   * Close the current socket and connect again at once, so the server gets a
   * fresh hello (v1 has no rename message).
   */
  reconnect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    if (this.carrier) this.retrying = true;
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
    const carrier = this.carrier;
    if (!carrier || !carrier.isOpen) return false;
    return carrier.send(JSON.stringify(msg), msg.type);
  }

  /**
   * Bytes queued but not yet sent (on the socket, or waiting for and in an
   * HTTP send), so latest-wins traffic (cursors) can skip a beat instead of
   * piling up.
   * @returns {number}
   */
  get buffered() {
    return this.carrier?.buffered ?? 0;
  }

  /**
   * A fresh carrier: the fallback over all three, or the forced one.
   * @returns {FallbackCarrier}
   */
  dial() {
    const env = { maxBody: () => this.maxMessage };
    return new FallbackCarrier((name) => {
      if (name === 'sse') return new SSECarrier(this.base, env);
      if (name === 'poll') return new PollCarrier(this.base, env);
      return new WebSocketCarrier(this.url);
    }, this.forced);
  }

  /**
   * Give up on a handshake that hangs; re-armed for each carrier the
   * fallback tries, so trying three does not eat one carrier's time.
   * @param {FallbackCarrier} carrier
   */
  armConnectTimer(carrier) {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      if (this.carrier === carrier && !this.welcomed) {
        this.drop(4000, 'connect timeout');
        this.scheduleRetry();
      }
    }, CONNECT_TIMEOUT_MS);
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.stopped || this.carrier) return;
    const carrier = this.dial();
    this.carrier = carrier;
    carrier.onchange = (name) => {
      this.transport = name;
      this.armConnectTimer(carrier);
      this.emitState();
    };
    carrier.onopen = () => {
      carrier.send(JSON.stringify(this.hello()), 'hello');
    };
    carrier.ontext = (text) => {
      for (const msg of parseFrame(text)) this.dispatch(msg);
    };
    carrier.onbinary = (data) => {
      for (const fn of this.binaryListeners) fn(data);
    };
    carrier.onclose = (code, reason) => {
      if (this.carrier !== carrier) return;
      this.carrier = null;
      clearTimeout(this.connectTimer);
      if (this.welcomed && Date.now() - this.welcomedAt >= STABLE_MS) this.attempt = 0;
      this.problem = closeProblem(code, reason);
      if (this.problem) console.warn(`easel: connection closed: ${this.problem}`);
      this.lost(false);
      this.scheduleRetry();
    };
    carrier.start();
  }

  /**
   * Close and forget the current carrier without triggering a retry.
   * @param {number} code
   * @param {string} reason
   * @returns {boolean} whether there was a carrier
   */
  drop(code, reason) {
    const carrier = this.carrier;
    if (!carrier) {
      clearTimeout(this.connectTimer);
      return false;
    }
    this.carrier = null;
    carrier.close(code, reason);
    this.lost(true);
    return true;
  }

  /**
   * The carrier is gone: what was learnt over it is stale.
   * @param {boolean} emit whether to show the state now (a retry shows it otherwise)
   */
  lost(emit) {
    clearTimeout(this.connectTimer);
    const wasWelcomed = this.welcomed;
    this.welcomed = false;
    if (wasWelcomed) this.emitDisconnect();
    if (emit) this.emitState();
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
    if (this.stopped || this.carrier) return;
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
    if (msg.type === 'welcome' && !this.welcomed && this.carrier) {
      const max = msg.limits?.maxMessage;
      if (Number.isSafeInteger(max) && max > 0) this.maxMessage = max;
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
    if (state === this.lastState && problem === this.lastProblem && this.transport === this.lastTransport) return;
    this.lastState = state;
    this.lastProblem = problem;
    this.lastTransport = this.transport;
    for (const fn of this.stateListeners) fn(state, problem);
  }
}

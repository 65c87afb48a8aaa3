// @ts-check
// HTTP-level clients of the protocol's HTTP carriers (not a spec file): an
// event-stream reader for /sse, /send and /poll, and a raw WebSocket
// handshake, for tests that look at the wire rather than at a page
// (docs/protocol.md, "When WebSocket is blocked").
const crypto = require('node:crypto');
const http = require('node:http');

/**
 * @typedef {{id: string, event: string, data: string, at: number}} SSEEvent
 *   `event` is 'message' when the stream named none; `at` is when it was
 *   read (Date.now()).
 */

/**
 * Opens `url` as an event stream. `next(ms)` resolves with the next event
 * (comment lines are counted in `comments`, with the time of the last in
 * `lastCommentAt`), or rejects when none arrives within ms.
 * @param {string} url
 * @param {Record<string, string>} [headers]
 */
async function openEventStream(url, headers = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  /** @type {SSEEvent[]} */
  const queue = [];
  /** @type {(() => void) | null} */
  let wake = null;
  let ended = '';
  const stream = {
    status: res.status,
    headers: res.headers,
    comments: 0,
    lastCommentAt: 0,
    /** @param {number} ms */
    async next(ms) {
      const deadline = Date.now() + ms;
      while (queue.length === 0) {
        if (ended) throw new Error(`${url}: the stream ended (${ended}) with no further event`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${url}: no event within ${ms} ms`);
        await new Promise((resolve) => {
          const t = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(t);
            resolve(undefined);
          };
        });
        wake = null;
      }
      return /** @type {SSEEvent} */ (queue.shift());
    },
    /**
     * The next event named `event` (others are skipped) within ms.
     * @param {string} event
     * @param {number} ms
     */
    async nextNamed(event, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const e = await stream.next(Math.max(1, deadline - Date.now()));
        if (e.event === event) return e;
      }
    },
    close() {
      abort.abort();
    },
  };
  if (!res.ok || !res.body) {
    ended = `status ${res.status}`;
    return stream;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  (async () => {
    let buf = '';
    /** @type {{id: string, event: string, data: string[]}} */
    let cur = { id: '', event: '', data: [] };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (cur.data.length > 0 || cur.event) {
              queue.push({ id: cur.id, event: cur.event || 'message', data: cur.data.join('\n'), at: Date.now() });
              if (wake) wake();
            }
            cur = { id: '', event: '', data: [] };
          } else if (line.startsWith(':')) {
            stream.comments++;
            stream.lastCommentAt = Date.now();
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') cur.data.push(value);
            else if (field === 'event') cur.event = value;
            else if (field === 'id') cur.id = value;
          }
        }
      }
      ended = 'end of body';
    } catch (err) {
      ended = String(/** @type {any} */ (err).name || err);
    }
    if (wake) wake();
  })();
  return stream;
}

/**
 * The messages (one JSON object a line) of a `message` event's data.
 * @param {string} data
 * @returns {any[]}
 */
function messagesOf(data) {
  return data
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/**
 * POSTs the messages to /send with the given X-Easel-Seq.
 * @param {string} sendURL …/send?session=…
 * @param {number} seq
 * @param {object[]} messages
 */
async function send(sendURL, seq, messages) {
  const res = await fetch(sendURL, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-easel-seq': String(seq) },
    body: messages.map((m) => JSON.stringify(m)).join('\n'),
  });
  return { status: res.status, text: await res.text() };
}

/**
 * A WebSocket opening handshake on `url` (http://…), as a browser makes
 * it. Resolves with {upgraded: true, status: 101} when the server switched
 * protocols, else with the status of its answer.
 * @param {string} url
 * @param {Record<string, string>} [headers]
 * @returns {Promise<{upgraded: boolean, status: number}>}
 */
function websocketHandshake(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': crypto.randomBytes(16).toString('base64'),
        ...headers,
      },
      timeout: 10_000,
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ upgraded: true, status: res.statusCode || 0 });
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ upgraded: false, status: res.statusCode || 0 });
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer to the WebSocket handshake within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

module.exports = { openEventStream, messagesOf, send, websocketHandshake };

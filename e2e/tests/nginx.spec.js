// @ts-check
// Easel behind a real nginx, configured as docs/operations.md says
// (e2e/nginx.js takes the config from there), and as a proxy that refuses
// WebSocket upgrades: the same config without its Upgrade/Connection lines.
// The HTTP carriers (/sse, /poll, /send) must get through the latter
// promptly: not buffered, not cut by timeouts.
const { test: base, expect, createBoard, openPeer } = require('../fixtures');
const { NginxProxy } = require('../nginx');
const { openEventStream, messagesOf, send, websocketHandshake } = require('../carriers');
const { ALICE, BOB } = require('../helpers');

/** How soon an event must come through: a buffering proxy holds it for 15 s or more. */
const PROMPT_MS = 3000;

const test = base.extend({
  // startNginx(opts) starts an nginx in front of `server`; all are stopped at
  // teardown, and their configs and logs attached when the test failed.
  startNginx: async ({ server }, use, testInfo) => {
    /** @type {NginxProxy[]} */
    const started = [];
    try {
      await use(async (/** @type {ConstructorParameters<typeof NginxProxy>[1]} */ opts) => {
        const p = new NginxProxy(server.baseURL, opts);
        started.push(p);
        await p.start();
        return p;
      });
    } finally {
      const failed = testInfo.status !== testInfo.expectedStatus;
      for (const [i, p] of started.entries()) {
        if (failed || process.env.EASEL_E2E_LOG) {
          await testInfo.attach(`nginx-${i}-${p.flavour}.log`, { body: p.log(), contentType: 'text/plain' });
        }
        await p.dispose();
      }
    }
  },
});

/** @param {string} data */
function welcomeIn(data) {
  return messagesOf(data).find((m) => m.type === 'welcome');
}

/**
 * Opens an SSE session on `base` (the board's /b/<id> or /v/<viewId> URL)
 * and checks that its `session` event comes at once; returns the stream
 * and the session's send URL.
 * @param {string} base
 * @param {Record<string, string>} [headers]
 */
async function sseSession(base, headers = {}) {
  const t0 = Date.now();
  const stream = await openEventStream(`${base}/sse`, headers);
  expect(stream.status, `GET ${base}/sse`).toBe(200);
  expect(stream.headers.get('content-type')).toContain('text/event-stream');
  const first = await stream.next(PROMPT_MS);
  expect(first.event, 'the first event').toBe('session');
  expect(first.id).toBe('1');
  expect(first.at - t0, 'ms until the session event').toBeLessThan(PROMPT_MS);
  const token = JSON.parse(first.data).session;
  expect(typeof token).toBe('string');
  return { stream, token, sendURL: `${base}/send?session=${encodeURIComponent(token)}` };
}

/**
 * Sends hello on an SSE session and returns the welcome, which must come
 * on the stream at once.
 * @param {Awaited<ReturnType<typeof sseSession>>} s
 * @param {{name: string, color: string}} who
 */
async function helloOverSSE(s, who) {
  const sent = await send(s.sendURL, 1, [{ type: 'hello', ...who }]);
  expect(sent.status, `POST /send hello: ${sent.text}`).toBe(204);
  const t0 = Date.now();
  for (;;) {
    const e = await s.stream.nextNamed('message', PROMPT_MS);
    const welcome = welcomeIn(e.data);
    if (welcome) {
      expect(e.at - t0, 'ms from the 204 to the welcome').toBeLessThan(PROMPT_MS);
      return welcome;
    }
  }
}

test.describe('behind an nginx that refuses WebSocket upgrades', () => {
  test('the WebSocket handshake fails, and SSE and /send get through at once', async ({ server, startNginx }) => {
    const nginx = await startNginx({ flavour: 'no-upgrade' });
    const board = await createBoard(server.baseURL);

    // Directly, the handshake works; through this nginx it does not.
    expect(await websocketHandshake(`${server.baseURL}/b/${board.id}/ws`)).toEqual({ upgraded: true, status: 101 });
    const refused = await websocketHandshake(`${nginx.baseURL}/b/${board.id}/ws`);
    expect(refused.upgraded, `handshake through nginx answered ${refused.status}`).toBe(false);
    expect(refused.status).not.toBe(101);

    for (const base of [`${nginx.baseURL}/b/${board.id}`, `${nginx.baseURL}/v/${board.viewId}`]) {
      const s = await sseSession(base);
      try {
        const welcome = await helloOverSSE(s, ALICE);
        expect(welcome.role).toBe(base.includes('/v/') ? 'view' : 'edit');
        expect(welcome.board.viewId).toBe(board.viewId);
      } finally {
        s.stream.close();
      }
    }
  });

  test('an edit sent over /send comes back as its ack on the stream, and a viewer over SSE sees it', async ({ server, startNginx }) => {
    const nginx = await startNginx({ flavour: 'no-upgrade' });
    const board = await createBoard(server.baseURL);
    const s = await sseSession(`${nginx.baseURL}/b/${board.id}`);
    try {
      await helloOverSSE(s, ALICE);
      // A second member over SSE (through nginx too) watches.
      const w = await sseSession(`${nginx.baseURL}/v/${board.viewId}`);
      try {
        await helloOverSSE(w, BOB);
        const el = { id: 'el-nginx-1', kind: 'rect', x: 10, y: 20, w: 120, h: 80, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0' };
        const sent = await send(s.sendURL, 2, [{ type: 'ops', ref: 'nginx-test-1', ops: [{ op: 'put', el }] }]);
        expect(sent.status, sent.text).toBe(204);
        /** @param {Awaited<ReturnType<typeof sseSession>>} who */
        const opsOn = async (who) => {
          for (;;) {
            const e = await who.stream.nextNamed('message', PROMPT_MS);
            const ops = messagesOf(e.data).find((m) => m.type === 'ops' && m.ref === 'nginx-test-1');
            if (ops) return ops;
          }
        };
        const ack = await opsOn(s);
        expect(ack.seq).toBe(1);
        const seen = await opsOn(w);
        expect(seen.ops[0].el.id).toBe(el.id);
      } finally {
        w.stream.close();
      }
    } finally {
      s.stream.close();
    }
  });

  test('long-polling works, and a waiting poll answers as soon as there is an event', async ({ server, startNginx }) => {
    const nginx = await startNginx({ flavour: 'no-upgrade' });
    const board = await createBoard(server.baseURL);
    const base = `${nginx.baseURL}/b/${board.id}`;

    const opened = await fetch(`${base}/poll`);
    expect(opened.status).toBe(200);
    const first = await opened.json();
    expect(first.events).toHaveLength(1);
    expect(first.events[0]).toMatchObject({ n: 1, event: 'session' });
    const token = JSON.parse(first.events[0].data).session;
    const pollURL = (/** @type {number} */ after) => `${base}/poll?session=${encodeURIComponent(token)}&after=${after}`;

    const sent = await send(`${base}/send?session=${encodeURIComponent(token)}`, 1, [{ type: 'hello', ...ALICE }]);
    expect(sent.status, sent.text).toBe(204);
    let after = 1;
    /** @type {any} */
    let welcome;
    await expect(async () => {
      const res = await fetch(pollURL(after), { signal: AbortSignal.timeout(PROMPT_MS) });
      expect(res.status).toBe(200);
      const { events } = await res.json();
      for (const e of events) {
        after = e.n;
        welcome = welcome || welcomeIn(e.data);
      }
      expect(welcome, 'a welcome among the polled events').toBeTruthy();
    }).toPass({ timeout: 10_000 });

    // A poll with nothing to fetch waits; Bob joining (over SSE) ends it.
    const t0 = Date.now();
    let answered = false;
    const waiting = fetch(pollURL(after)).then(async (res) => {
      answered = true;
      return { status: res.status, body: await res.json(), at: Date.now() };
    });
    // Let the poll reach Easel first (were it later, the join would be
    // there already and answered at once: the test would still pass).
    await new Promise((r) => setTimeout(r, 300));
    const bob = await sseSession(`${nginx.baseURL}/b/${board.id}`);
    try {
      expect(answered, 'a poll with no event to fetch answered before there was one').toBe(false);
      const joinedAt = Date.now();
      await helloOverSSE(bob, BOB);
      const answer = await waiting;
      expect(answer.status).toBe(200);
      const msgs = answer.body.events.flatMap((/** @type {any} */ e) => messagesOf(e.data));
      expect(msgs.some((m) => m.type === 'join' && m.peer.name === BOB.name), JSON.stringify(msgs)).toBe(true);
      expect(answer.at - joinedAt, 'ms from Bob joining to the poll answering').toBeLessThan(PROMPT_MS);
      expect(answer.at - t0).toBeLessThan(20_000);
    } finally {
      bob.stream.close();
    }

    // The docs' access log keeps the first 8 characters of capability ids only.
    await expect.poll(() => nginx.accessLog()).toContain(`/b/${board.id.slice(0, 8)}...`);
    expect(nginx.accessLog()).not.toContain(board.id);
  });

  test("buffering on and gzip on event streams: Easel's X-Accel-Buffering header alone keeps events prompt", async ({ server, startNginx }) => {
    const nginx = await startNginx({ flavour: 'no-upgrade', buffering: 'on-gzip' });
    const board = await createBoard(server.baseURL);
    const s = await sseSession(`${nginx.baseURL}/b/${board.id}`, { 'accept-encoding': 'gzip' });
    expect(s.stream.headers.get('content-encoding'), 'the stream is compressed').toBe('gzip');
    try {
      await helloOverSSE(s, ALICE);
    } finally {
      s.stream.close();
    }
  });

  test('a quiet stream gets its 15 s heartbeat and a quiet poll its empty answer at 25 s, uncut', async ({ server, startNginx }) => {
    // Waits for the server's own timers: ~26 s.
    test.setTimeout(60_000);
    const nginx = await startNginx({ flavour: 'no-upgrade' });
    const board = await createBoard(server.baseURL);
    const base = `${nginx.baseURL}/b/${board.id}`;
    const s = await sseSession(base);
    try {
      await helloOverSSE(s, ALICE);
      const poll = await (await fetch(`${base}/poll`)).json();
      const token = JSON.parse(poll.events[0].data).session;
      const sent = await send(`${base}/send?session=${encodeURIComponent(token)}`, 1, [{ type: 'hello', ...BOB }]);
      expect(sent.status, sent.text).toBe(204);
      // Take everything there is (welcome, joins…), then wait on a quiet board.
      let after = 1;
      for (;;) {
        const { events } = await (await fetch(`${base}/poll?session=${encodeURIComponent(token)}&after=${after}`)).json();
        if (events.length === 0) throw new Error('a poll waited out its 25 s before the welcome arrived');
        after = events[events.length - 1].n;
        if (events.some((/** @type {any} */ e) => welcomeIn(e.data))) break;
      }
      // From here on nobody sends anything: the board is quiet.
      const quietFrom = Date.now();
      const res = await fetch(`${base}/poll?session=${encodeURIComponent(token)}&after=${after}`, { signal: AbortSignal.timeout(40_000) });
      const took = Date.now() - quietFrom;
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ events: [] });
      expect(took, 'ms the empty poll was held').toBeGreaterThanOrEqual(24_000);
      // Meanwhile, Alice's stream stayed open and carried a heartbeat comment.
      expect(s.stream.comments, 'heartbeat comments on the quiet stream').toBeGreaterThan(0);
      expect(s.stream.lastCommentAt).toBeGreaterThan(quietFrom);
      const ping = await send(s.sendURL, 2, [{ type: 'cursor', x: 1, y: 2 }]);
      expect(ping.status, 'the SSE session is alive after 25 s').toBe(204);
    } finally {
      s.stream.close();
    }
  });

  // The client's fallback: SSE after the socket the proxy refused.
  test('the page falls back to SSE and works with a peer on a WebSocket', async ({ browser, server, startNginx }) => {
    const refusing = await startNginx({ flavour: 'no-upgrade' });
    const passing = await startNginx({ flavour: 'websocket' });
    const board = await createBoard(server.baseURL);
    const alice = await openPeer(browser, `${refusing.baseURL}/b/${board.id}`, ALICE);
    const bob = await openPeer(browser, `${passing.baseURL}/b/${board.id}`, BOB);
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-transport', 'sse');
    await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-transport', 'websocket');
    await expect(alice.page.getByTestId('peer-list')).toContainText(BOB.name);
    await expect(bob.page.getByTestId('peer-list')).toContainText(ALICE.name);
  });
});

test.describe("behind nginx configured as docs/operations.md says", () => {
  test('WebSocket handshakes pass, and a page connects through it', async ({ browser, server, startNginx }) => {
    const nginx = await startNginx({ flavour: 'websocket' });
    const board = await createBoard(server.baseURL);
    expect(await websocketHandshake(`${nginx.baseURL}/b/${board.id}/ws`)).toEqual({ upgraded: true, status: 101 });
    expect(await websocketHandshake(`${nginx.baseURL}/v/${board.viewId}/ws`)).toEqual({ upgraded: true, status: 101 });

    // A real page: its socket's Origin carries nginx's port, which the
    // docs' Host $http_host passes on.
    const sockets = /** @type {string[]} */ ([]);
    const { page } = await openPeer(browser, `${nginx.baseURL}/b/${board.id}`, ALICE, {}, async (context) => {
      context.on('page', (p) => p.on('websocket', (ws) => sockets.push(ws.url())));
    });
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    expect(sockets.some((u) => u.startsWith(`ws://127.0.0.1:${nginx.port}/b/${board.id}/ws`)), sockets.join(', ')).toBe(true);

    // The event stream passes too.
    const s = await sseSession(`${nginx.baseURL}/b/${board.id}`);
    try {
      await helloOverSSE(s, BOB);
    } finally {
      s.stream.close();
    }
  });
});

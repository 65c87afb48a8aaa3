// @ts-check
// When WebSocket is blocked (issue 16): a page whose socket is refused
// falls back to the same protocol over server-sent events, and with the
// event stream held back too, to long-polling; either way it collaborates
// fully with a WebSocket peer: cursors both ways, edits, and a download
// with its progress and SHA-256 check. Its bye on leaving removes it at
// once, without the seconds a dropped stream is waited for.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, expectCursorFollows } = require('../helpers');
const { drawStroke, expectSameBoard } = require('../drawing');
const { sha256, startExport, lastDownloadWithId, expectProgressComplete, expectDownloadState, savedBytes, fetchExport } = require('../exports');

test.describe.configure({ timeout: 90_000 });

/**
 * What a proxy that refuses upgrades does: every board socket closes
 * before it opens. Counts the refusals.
 * @param {{refused: number}} seen
 */
function refuseSockets(seen) {
  return async (/** @type {import('@playwright/test').BrowserContext} */ context) => {
    await context.routeWebSocket(/\/ws$/, (ws) => {
      seen.refused++;
      ws.close().catch(() => {});
    });
  };
}

/**
 * Counts the page's requests to the HTTP carriers' routes by kind.
 * @param {import('@playwright/test').Page} page
 */
function countCarrierRequests(page) {
  /** @type {Record<string, number>} */
  const counts = { sse: 0, poll: 0, send: 0 };
  page.on('request', (req) => {
    const m = /\/(sse|poll|send)(\?|$)/.exec(new URL(req.url()).pathname + (new URL(req.url()).search ? '?' : ''));
    if (m) counts[m[1]]++;
  });
  return counts;
}

/**
 * Cursors both ways, a stroke both see, between a page on a fallback
 * carrier (Alice) and one on a socket (Bob).
 * @param {import('@playwright/test').Page} alice
 * @param {import('@playwright/test').Page} bob
 */
async function collaborate(alice, bob) {
  await test.step("Alice's cursor reaches Bob's page and Bob's reaches hers", async () => {
    await expectCursorFollows(alice, bob, ALICE.name, [[0.3, 0.45], [0.7, 0.7]]);
    await expectCursorFollows(bob, alice, BOB.name, [[0.6, 0.4], [0.35, 0.75]]);
  });
  await test.step('a stroke Alice draws is on both boards, and one Bob draws too', async () => {
    await drawStroke(alice, [[0.2, 0.3], [0.35, 0.2], [0.5, 0.35]]);
    const peers = [{ page: alice, name: ALICE.name }, { page: bob, name: BOB.name }];
    expect((await expectSameBoard(peers)).length).toBe(1);
    await drawStroke(bob, [[0.6, 0.6], [0.7, 0.5], [0.8, 0.65]]);
    expect((await expectSameBoard(peers)).length).toBe(2);
  });
}

test('WebSocket refused: the page falls back to SSE and collaborates with a WebSocket peer, downloads included', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Behind a proxy');
  const url = `${server.baseURL}/b/${board.id}`;
  const seen = { refused: 0 };
  const alice = await openPeer(browser, url, ALICE, {}, refuseSockets(seen));
  const bob = await openPeer(browser, url, BOB);
  const requests = countCarrierRequests(alice.page);

  await test.step('Alice is connected over SSE, Bob over WebSocket', async () => {
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-transport', 'sse');
    await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-transport', 'websocket');
    expect(seen.refused, "Alice's page tried a socket first").toBeGreaterThan(0);
    await expect(alice.page.getByTestId('peer-list')).toContainText(BOB.name);
    await expect(bob.page.getByTestId('peer-list')).toContainText(ALICE.name);
  });

  await collaborate(alice.page, bob.page);
  expect(requests.send, "Alice's messages went as POST …/send").toBeGreaterThan(0);

  await test.step('Alice downloads a PNG over SSE: progress, SHA-256 checked, the bytes of GET export.png', async () => {
    const saved = alice.page.waitForEvent('download', { timeout: 60_000 });
    saved.catch(() => {}); // awaited below, after the assertions that explain a failure
    await startExport(alice.page, 'png', 2);
    const started = await lastDownloadWithId(alice.page);
    await expectProgressComplete(alice.page, started.id);
    const download = await saved;
    const info = await expectDownloadState(alice.page, started.id, 'done');
    expect(info.verified, 'the page checked the SHA-256').toBe(true);
    expect(info.received).toBe(info.size);
    const bytes = await savedBytes(download);
    expect(bytes.subarray(0, 8).toString('hex'), 'a PNG signature').toBe('89504e470d0a1a0a');
    expect(sha256(bytes), 'export.meta.sha256').toBe(info.sha256);
    const http = await fetchExport(server.baseURL, `/b/${board.id}`, 'png', 2);
    expect(sha256(bytes), 'the same bytes as GET export.png?scale=2').toBe(http.sha256);
  });

  await test.step("Alice leaves: her bye removes her from Bob's page at once", async () => {
    await alice.page.goto('about:blank');
    // A stream that just dropped is waited for 5 s; the bye needs no wait.
    await expect(bob.page.getByTestId('peer-list')).not.toContainText(ALICE.name, { timeout: 3000 });
  });

  await alice.context.close();
  await bob.context.close();
});

test('WebSocket refused and the event stream held back: the page falls back to long-polling and still collaborates', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Behind a buffering proxy');
  const url = `${server.baseURL}/b/${board.id}`;
  const seen = { refused: 0, streams: 0 };
  const alice = await openPeer(browser, url, ALICE, {}, async (context) => {
    await refuseSockets(seen)(context);
    // A proxy that buffers the stream: the request goes out, nothing comes back.
    await context.route(/\/sse(\?|$)/, () => {
      seen.streams++;
    });
  });
  const bob = await openPeer(browser, url, BOB);

  await test.step('Alice is connected by long-polling after SSE said nothing for 5 s', async () => {
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-transport', 'poll');
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.streams).toBeGreaterThan(0);
  });

  await collaborate(alice.page, bob.page);

  await alice.context.close();
  await bob.context.close();
});

test('?transport= forces a carrier', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  for (const transport of ['poll', 'sse', 'websocket']) {
    const peer = await openPeer(browser, `${server.baseURL}/b/${board.id}?transport=${transport}`, ALICE);
    await expect(peer.page.getByTestId('connection-status')).toHaveAttribute('data-transport', transport);
    await peer.context.close();
  }
});

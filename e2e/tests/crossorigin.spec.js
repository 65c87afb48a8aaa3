// @ts-check
// Cross-origin use (issue 19): another site's page uses Easel on purpose.
// A host page on an allowed origin (--origins) creates a board and
// downloads its export with fetch(), deletes through the API, and embeds
// the view link in an <iframe> that shows the board live and posts
// easel.ready and easel.seq to it. A host page on any other origin can do
// none of that: its frame is blocked and its fetches fail.
//
// Every origin here is a real one: Easel on http://127.0.0.1:<P1>, the
// allowed host on http://localhost:<P2>, the foreign one on
// http://localhost:<P3> (hostpage.js), so the browser applies CORS and
// frame-ancestors as it would between sites.
const { test: base, expect, openPeer, createBoard } = require('../fixtures');
const { expectCursorFollows, remoteCursor } = require('../helpers');
const { startHostPage } = require('../hostpage');
const { drawShape, easelState, expectSettled } = require('../drawing');
const { fetchExport } = require('../exports');

/**
 * The host page: records the embedded board's messages and embeds a frame
 * on request, as a wiki or a portal would.
 *
 * Messages are kept only when they come from the embedded board's origin
 * (`easelMessages`); anything else lands in `otherMessages`, which must
 * stay empty. A message sent as a JSON string is parsed, so either form of
 * `{"type":"easel.ready"}` compares.
 */
const HOST_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>A host page</title></head>
<body>
<h1>A host page</h1>
<script>
  window.easelOrigin = null;
  window.easelMessages = [];
  window.otherMessages = [];
  window.addEventListener('message', (event) => {
    let data = event.data;
    if (typeof data === 'string') {
      try { data = JSON.parse(data); } catch {}
    }
    if (window.easelOrigin !== null && event.origin === window.easelOrigin) window.easelMessages.push(data);
    else window.otherMessages.push({ origin: event.origin, data });
  });
  // embed(src) adds the board's frame and resolves on its load event,
  // which fires for a blocked frame's error page too.
  window.embed = (src) => new Promise((resolve) => {
    window.easelOrigin = new URL(src).origin;
    const frame = document.createElement('iframe');
    frame.title = 'Easel board';
    frame.width = '1200';
    frame.height = '640';
    frame.addEventListener('load', () => resolve(undefined), { once: true });
    frame.src = src;
    document.body.append(frame);
  });
</script>
</body>
</html>`;

const CAROL = { name: 'Carol', color: '#2f9e44' };
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * @typedef {import('@playwright/test').Page} Page
 * @typedef {{type: string, seq?: number}} EaselMessage
 */

const test = base.extend({
  // Two host pages, started before Easel: the allowed one's origin is
  // what --origins names.
  hosts: async ({}, use) => {
    const allowed = await startHostPage(HOST_HTML);
    const foreign = await startHostPage(HOST_HTML);
    try {
      await use({ allowed, foreign });
    } finally {
      await Promise.all([allowed.close(), foreign.close()]);
    }
  },
  serverArgs: async ({ hosts }, use) => {
    await use(['--origins', hosts.allowed.origin]);
  },
});

/**
 * `fetch` from inside a host page; resolves what the page could read of
 * the answer, or the rejection's name and message (a CORS failure is a
 * TypeError with no status at all).
 * @param {Page} page
 * @param {string} url
 * @param {RequestInit} [init]
 * @returns {Promise<{ok: true, status: number, headers: Record<string, string|null>, json: any}
 *   | {ok: false, error: string, message: string}>}
 */
async function hostFetch(page, url, init = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: a plain-text error or an empty 204
        }
        /** @type {Record<string, string|null>} */
        const headers = {};
        for (const name of ['content-type', 'etag', 'content-disposition', 'x-easel-seq']) headers[name] = res.headers.get(name);
        return { ok: /** @type {const} */ (true), status: res.status, headers, json };
      } catch (err) {
        return { ok: /** @type {const} */ (false), error: err.name, message: err.message };
      }
    },
    { url, init },
  );
}

/** A JSON POST that a browser must preflight (its Content-Type is not a form's). */
const createRequest = (/** @type {string} */ title) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ title }),
});

/**
 * The boards the server created, as its log names them (the id's first 8
 * characters).
 * @param {{log: () => string}} server
 */
function boardsCreated(server) {
  return Array.from(server.log().matchAll(/msg="board created" board=(\S+)/g), (m) => m[1]);
}

/**
 * The embedded board's messages the host page has received so far.
 * @param {Page} host
 * @returns {Promise<{easel: EaselMessage[], other: Array<{origin: string, data: any}>}>}
 */
async function hostMessages(host) {
  // @ts-ignore
  return host.evaluate(() => ({ easel: window.easelMessages, other: window.otherMessages }));
}

/** The seqs of the easel.seq messages, in arrival order. */
async function seqsReceived(/** @type {Page} */ host) {
  const { easel } = await hostMessages(host);
  return easel.filter((m) => m.type === 'easel.seq').map((m) => m.seq);
}

test('an allowed host page creates a board, downloads its PNG export and checks the ETag with fetch', async ({ page, hosts, server }) => {
  await page.goto(hosts.allowed.url);

  const made = await test.step('POST /api/boards with a JSON body (preflighted) answers 201 and the links', async () => {
    const res = await hostFetch(page, `${server.baseURL}/api/boards`, createRequest('From the wiki'));
    expect(res, 'the host page could read the answer to its POST').toMatchObject({ ok: true, status: 201 });
    const body = /** @type {any} */ (res).json;
    expect(body).toEqual({
      id: expect.stringMatching(/\S/),
      viewId: expect.stringMatching(/\S/),
      title: 'From the wiki',
      editUrl: `/b/${body.id}`,
      viewUrl: `/v/${body.viewId}`,
    });
    expect(body.viewId).not.toBe(body.id);
    return /** @type {{id: string, viewId: string}} */ (body);
  });

  await test.step('GET the PNG export: readable bytes whose SHA-256 is the exposed ETag', async () => {
    const url = `${server.baseURL}/b/${made.id}/export.png`;
    const png = await page.evaluate(async (url) => {
      const res = await fetch(url);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return {
        status: res.status,
        type: res.headers.get('Content-Type'),
        etag: res.headers.get('ETag'),
        disposition: res.headers.get('Content-Disposition'),
        seq: res.headers.get('X-Easel-Seq'),
        sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
        head: Array.from(bytes.slice(0, 8)),
        size: bytes.length,
      };
    }, url);
    expect(png.status).toBe(200);
    expect(png.type).toBe('image/png');
    expect(png.head, 'the body starts with the PNG signature').toEqual(PNG_SIGNATURE);
    expect(png.etag, 'ETag is exposed to the host page and is the body\'s SHA-256').toBe(`"${png.sha256}"`);
    expect(png.disposition, 'Content-Disposition is exposed').toMatch(/^attachment;\s*filename=.+\.png"?$/);
    expect(png.seq, 'X-Easel-Seq is exposed').toMatch(/^\d+$/);
    // The same file a client of its own (no Origin) gets.
    const direct = await fetchExport(server.baseURL, `/b/${made.id}`, 'png');
    expect(direct.sha256).toBe(png.sha256);
    expect(direct.seq).toBe(png.seq);
  });
});

test('an allowed host page reads a 403 for deleting with a view link and deletes with an edit link (204)', async ({ page, hosts, server }) => {
  await page.goto(hosts.allowed.url);
  const keep = await createBoard(server.baseURL, 'kept');
  const throwaway = await createBoard(server.baseURL, 'throwaway');

  await test.step('DELETE /v/<viewId> answers 403, and the host can read that status', async () => {
    const res = await hostFetch(page, `${server.baseURL}/v/${keep.viewId}`, { method: 'DELETE' });
    expect(res).toMatchObject({ ok: true, status: 403 });
    const still = await fetch(`${server.baseURL}/b/${keep.id}`);
    expect(still.status, 'the board is still there').toBe(200);
  });

  await test.step('DELETE /b/<id> of a throwaway board answers 204 and the board is gone', async () => {
    const res = await hostFetch(page, `${server.baseURL}/b/${throwaway.id}`, { method: 'DELETE' });
    expect(res).toMatchObject({ ok: true, status: 204 });
    const gone = await fetch(`${server.baseURL}/b/${throwaway.id}`);
    expect(gone.status, 'the deleted board\'s page').toBe(410);
  });
});

test('an embedded view shows the board live to an allowed host, and a foreign host cannot frame it', async ({ browser, page, hosts, server }) => {
  // Three browser contexts and a dozen round trips: more than the default
  // 30 s when the machine's two cores are busy.
  test.setTimeout(90_000);
  const board = await createBoard(server.baseURL, 'embedded');
  const src = `${server.baseURL}/v/${board.viewId}?embed=1`;
  const frame = page.frameLocator('iframe');

  await test.step('the allowed host frames the view link and receives easel.ready', async () => {
    await page.goto(hosts.allowed.url);
    await page.evaluate((src) => /** @type {any} */ (window).embed(src), src);
    await expect(frame.getByTestId('board-canvas'), 'the board inside the frame').toBeVisible();
    await expect(frame.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await expect
      .poll(async () => (await hostMessages(page)).easel[0], { message: 'the first message from the frame' })
      .toEqual({ type: 'easel.ready' });
  });

  // Carol edits on the edit link, in a context of her own.
  const carol = await openPeer(browser, `${server.baseURL}/b/${board.id}`, CAROL);

  await test.step("Carol's cursor appears inside the frame and follows her mouse", async () => {
    // The frame's board starts where Carol's does (board 0,0 at the
    // canvas' corner, 100 %), so canvas-relative places compare.
    await expectCursorFollows(carol.page, frame, CAROL.name, [[0.3, 0.35], [0.5, 0.55]]);
    await expect(remoteCursor(frame, CAROL.name)).toBeVisible();
  });

  /**
   * Carol drags out a shape and waits for its ack; resolves the board's
   * seq after it.
   * @param {'rect' | 'ellipse'} kind
   * @param {[number, number]} from
   * @param {[number, number]} to
   */
  const edit = async (kind, from, to) => {
    await drawShape(carol.page, kind, from, to);
    await expectSettled(carol.page, 'Carol');
    return /** @type {number} */ ((await easelState(carol.page)).seq);
  };

  /** @type {number} */
  let firstSeq = 0;
  await test.step("Carol draws a rectangle: the host receives easel.seq at the board's seq", async () => {
    firstSeq = await edit('rect', [0.3, 0.3], [0.45, 0.5]);
    expect(firstSeq, "Carol's board seq").toBeGreaterThan(0);
    await expect.poll(async () => (await seqsReceived(page)).at(-1), { message: 'the last easel.seq' }).toBe(firstSeq);
  });

  /** @type {Page} */
  let foreign;
  await test.step("a foreign host's frame of the same link is blocked", async () => {
    const context = await browser.newContext();
    foreign = await context.newPage();
    await foreign.goto(hosts.foreign.url);
    const navigation = foreign.waitForResponse((res) => res.url() === src);
    await foreign.evaluate((src) => /** @type {any} */ (window).embed(src), src);
    // Easel answered the frame's request with a policy that lets exactly
    // the allowed host frame it, and Chromium refused to show it here.
    const res = await navigation;
    expect(res.status()).toBe(200);
    const policy = res.headers()['content-security-policy'] || '';
    expect(policy.split(/;\s*/).find((d) => d.startsWith('frame-ancestors'))).toBe(`frame-ancestors ${hosts.allowed.origin}`);
    // Playwright learns of the error page's commit a little after the
    // iframe's load event.
    await expect
      .poll(() => foreign.frames().find((f) => f !== foreign.mainFrame())?.url(), {
        message: "the frame's document is Chromium's error page",
      })
      .toBe('chrome-error://chromewebdata/');
    await expect(foreign.frameLocator('iframe').getByTestId('board-canvas')).toHaveCount(0);
  });

  await test.step('Carol draws an ellipse: easel.seq grows for the allowed host, the foreign one hears nothing', async () => {
    const seq = await edit('ellipse', [0.3, 0.6], [0.45, 0.75]);
    expect(seq).toBeGreaterThan(firstSeq);
    await expect.poll(async () => (await seqsReceived(page)).at(-1), { message: 'the last easel.seq' }).toBe(seq);
    const seqs = await seqsReceived(page);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i], `easel.seq ${i} after ${seqs[i - 1]} (${seqs})`).toBeGreaterThan(seqs[i - 1]);
    const { easel, other } = await hostMessages(page);
    expect(easel[0]).toEqual({ type: 'easel.ready' });
    expect(easel.filter((m) => m.type === 'easel.ready'), 'easel.ready once').toHaveLength(1);
    expect(other, 'messages from any other origin').toEqual([]);
    // The allowed host has heard of the edit, so a frame that worked
    // would have by now.
    expect(await hostMessages(foreign), 'what the foreign host received').toEqual({ easel: [], other: [] });
  });
});

test('a foreign host page cannot create a board or read an export with fetch', async ({ page, hosts, server }) => {
  const board = await createBoard(server.baseURL, 'private');
  await page.goto(hosts.foreign.url);

  await test.step('POST /api/boards with JSON rejects (the preflight is not granted)', async () => {
    const res = await hostFetch(page, `${server.baseURL}/api/boards`, createRequest('From elsewhere'));
    expect(res).toMatchObject({ ok: false, error: 'TypeError' });
  });

  await test.step('a no-cors POST, which skips the preflight, creates nothing either', async () => {
    const res = await hostFetch(page, `${server.baseURL}/api/boards`, {
      method: 'POST',
      mode: 'no-cors',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ title: 'From elsewhere' }),
    });
    // An opaque answer: the page learns nothing, not even the status.
    expect(res).toMatchObject({ ok: true, status: 0 });
  });

  await test.step('GET of the export rejects (no CORS headers)', async () => {
    const res = await hostFetch(page, `${server.baseURL}/b/${board.id}/export.png`);
    expect(res).toMatchObject({ ok: false, error: 'TypeError' });
  });

  await test.step('the server created no board for it', async () => {
    // The no-cors POST reached the server and was refused: once its
    // request line is in the log, so is any board created before it (the
    // log is read in order, a little after the answers).
    await expect
      .poll(() => server.log().match(/method=POST path=\/api\/boards status=403/g) || [], {
        message: 'the no-cors POST refused (403) in the log',
      })
      .not.toEqual([]);
    expect(boardsCreated(server), "the boards created: the test's own alone").toEqual([board.id.slice(0, 8)]);
  });
});

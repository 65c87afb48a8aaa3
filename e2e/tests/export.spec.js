// @ts-check
// Downloads and uploads: an export started from the export menu arrives
// over the socket in chunks, shows its progress, is checked against its
// SHA-256 and saved by the browser, with the same bytes as GET
// …/export.<fmt>; a download survives its socket dropping and the server
// restarting (it resumes from what the page holds); an expired transfer
// offers to start again; cancelling stops it; an Excalidraw file uploaded by
// one editor reaches everyone, a broken one changes nothing; a view link
// downloads and has no import.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers } = require('../helpers');
const { SocketGate, drawShape, drawStroke, writeText, elements, summary, expectSettled, expectSameBoard, easelState } = require('../drawing');
const { FIXTURES, sha256, downloads, startExport, lastDownloadWithId, downloadById, expectDownloadState, progressBar, expectProgressComplete, fetchExport, savedBytes, fillWithStrokes } = require('../exports');

test.describe.configure({ timeout: 90_000 });

/**
 * A board big enough that its JSON export (about 10 MB) spans more than two
 * windows (the server's is 4 MiB).
 */
const BIG = { strokes: 140, points: 5000, perMessage: 7 };

/**
 * Opens Alice's page, behind a SocketGate, on a new board filled with BIG
 * (seq is the board's after the filling).
 * @param {import('@playwright/test').Browser} browser
 * @param {{ baseURL: string }} server
 */
async function bigBoardBehindGate(browser, server) {
  const board = await createBoard(server.baseURL);
  const gate = new SocketGate();
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, {}, (ctx) => gate.install(ctx));
  const seq = await fillWithStrokes(page, `/b/${board.id}/ws`, BIG);
  return { board, gate, page, seq };
}

/**
 * Withholds the page's export acks, starts a JSON export and waits until
 * the server has sent one window and stopped. Returns the download's id.
 * @param {import('@playwright/test').Page} page
 * @param {SocketGate} gate
 * @param {string} [message] what the wait says when it times out
 */
async function startStalledExport(page, gate, message) {
  gate.holdFromPageWhen = (frame) => frame.includes('"export.ack"');
  await startExport(page, 'json');
  const { id } = await lastDownloadWithId(page);
  await expect
    .poll(
      async () => {
        const d = await downloadById(page, id);
        return d.window > 0 && d.received === d.window;
      },
      { message },
    )
    .toBe(true);
  return id;
}

/**
 * Draws a few elements of different kinds in the page.
 * @param {import('@playwright/test').Page} page
 */
async function drawAFew(page) {
  await drawShape(page, 'rect', [0.1, 0.2], [0.3, 0.45]);
  await drawShape(page, 'ellipse', [0.5, 0.2], [0.7, 0.5]);
  await drawStroke(page, [
    [0.2, 0.7],
    [0.35, 0.6],
    [0.5, 0.75],
    [0.65, 0.62],
  ]);
  await writeText(page, [0.75, 0.8], 'export me');
  await expectSettled(page);
}

/**
 * @param {import('@playwright/test').Page} page
 * @param {string} state
 * @param {number} [timeout]
 */
async function expectConnection(page, state, timeout = 20_000) {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', state, { timeout });
}

test('a PNG download shows its progress, is verified and saved, with the bytes and ETag of GET export.png @phone', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Export test');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE);
  await drawAFew(page);

  const saved = page.waitForEvent('download', { timeout: 60_000 });
  saved.catch(() => {}); // awaited below, after the assertions that explain a failure
  await startExport(page, 'png', 2);
  const started = await lastDownloadWithId(page);
  expect(started).toMatchObject({ format: 'png', scale: 2 });
  expect(started.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

  await expectProgressComplete(page, started.id);
  const download = await saved;
  const info = await expectDownloadState(page, started.id, 'done');
  expect(info.verified, 'the page checked the SHA-256').toBe(true);
  expect(info.received).toBe(info.size);
  expect(download.suggestedFilename()).toBe(info.filename);
  expect(info.filename).toMatch(/\.png$/);

  const bytes = await savedBytes(download);
  expect(bytes.length, 'saved file size').toBe(info.size);
  expect(bytes.subarray(0, 8).toString('hex'), 'a PNG signature').toBe('89504e470d0a1a0a');
  const fileSum = sha256(bytes);
  expect(fileSum, 'export.meta.sha256').toBe(info.sha256);

  const http = await fetchExport(server.baseURL, `/b/${board.id}`, 'png', 2);
  expect(fileSum, 'the socket download and GET export.png?scale=2 are the same bytes').toBe(http.sha256);
  expect(http.etag).toBe(`"${fileSum}"`);
  expect(http.type).toMatch(/^image\/png/);
  expect(http.disposition).toMatch(/^attachment/);
  expect(http.disposition).toContain(info.filename);
  await expect(page.getByTestId('export-download').filter({ has: progressBar(page, started.id) })).toContainText('Saved');
});

test('a download whose socket drops mid-way resumes from what the page holds', async ({ browser, server }) => {
  const { board, gate, page, seq } = await bigBoardBehindGate(browser, server);
  await expect.poll(async () => (await easelState(page)).seq, { message: 'the page holds the filled board' }).toBe(seq);

  // Withheld acks: the server stops after one window unacknowledged.
  gate.holdFromPageWhen = (frame) => frame.includes('"export.ack"');
  const saved = page.waitForEvent('download', { timeout: 60_000 });
  saved.catch(() => {}); // awaited below, after the assertions that explain a failure
  await startExport(page, 'json');
  const { id } = await lastDownloadWithId(page);
  /** @type {import('../exports').DownloadInfo} */
  let stalled;
  await expect
    .poll(
      async () => {
        stalled = await downloadById(page, id);
        return stalled.window > 0 && stalled.received === stalled.window;
      },
      { message: 'the transfer stalls after one window without acks' },
    )
    .toBe(true);
  // @ts-ignore assigned in the poll
  const at = stalled;
  expect(at.size, 'the file spans more than one window').toBeGreaterThan(2 * at.window);
  expect(gate.held.length, 'acks were sent (and held)').toBeGreaterThan(0);
  const value = Number(await progressBar(page, id).getAttribute('value'));
  expect(value).toBeCloseTo(at.received / at.size, 5);

  await test.step('the socket drops: the download pauses', async () => {
    gate.discardHeld();
    await gate.cut();
    await expectConnection(page, 'reconnecting');
    await expect.poll(async () => (await downloadById(page, id)).paused).toBe(true);
    expect((await downloadById(page, id)).state).toBe('receiving');
  });

  await test.step('the socket is back: export.resume from the bytes held, then the rest', async () => {
    gate.open();
    await expectConnection(page, 'connected');
    await expectProgressComplete(page, id, 60_000);
    const info = await expectDownloadState(page, id, 'done');
    expect(info.verified).toBe(true);
    expect(info.resumes).toBe(1);
    const resumes = gate.sent('export.resume');
    expect(resumes).toEqual([{ type: 'export.resume', id, offset: at.window }]);
    const acks = gate.sent('export.ack').filter((m) => m.id === id);
    expect(acks.at(-1)?.offset, 'the last ack covers the whole file').toBe(info.size);
  });

  const bytes = await savedBytes(await saved);
  const http = await fetchExport(server.baseURL, `/b/${board.id}`, 'json');
  expect(sha256(bytes)).toBe(http.sha256);
  expect(http.etag).toBe(`"${http.sha256}"`);
  const file = JSON.parse(bytes.toString('utf8'));
  expect(file.elements).toHaveLength(BIG.strokes);
});

test('a download resumes after the server restarts (transfers are kept in the data directory)', async ({ browser, server }) => {
  const { board, gate, page } = await bigBoardBehindGate(browser, server);

  const saved = page.waitForEvent('download', { timeout: 60_000 });
  saved.catch(() => {}); // awaited below, after the assertions that explain a failure
  const id = await startStalledExport(page, gate);
  const held = (await downloadById(page, id)).received;

  gate.discardHeld();
  await server.restart();
  await expectConnection(page, 'connected', 30_000);
  await expectProgressComplete(page, id, 60_000);
  const info = await expectDownloadState(page, id, 'done');
  expect(info.verified).toBe(true);
  expect(gate.sent('export.resume')).toEqual([{ type: 'export.resume', id, offset: held }]);
  const bytes = await savedBytes(await saved);
  expect(sha256(bytes)).toBe(info.sha256);
  expect(sha256(bytes)).toBe((await fetchExport(server.baseURL, `/b/${board.id}`, 'json')).sha256);
});

test('an expired transfer says so and starts again on request', async ({ browser, server }) => {
  const { board, gate, page } = await bigBoardBehindGate(browser, server);

  /** @type {string} */
  let first = '';
  await test.step('the server forgets the transfer while the page is away: gone → "Download expired"', async () => {
    gate.holdFromPageWhen = (frame) => frame.includes('"export.ack"');
    await startExport(page, 'json');
    first = (await lastDownloadWithId(page)).id;
    await expect.poll(async () => (await downloadById(page, first)).received).toBeGreaterThan(0);
    gate.discardHeld();
    await server.stop();
    // The transfer's files go: as if it had expired.
    fs.rmSync(path.join(server.dataDir, 'exports'), { recursive: true, force: true });
    await server.start();
    await expectConnection(page, 'connected', 30_000);
    const info = await expectDownloadState(page, first, 'failed');
    expect(info).toMatchObject({ expired: true, verified: false });
    expect(gate.sent('export.resume').map((m) => m.id)).toEqual([first]);
    const item = page.getByTestId('export-download').filter({ has: progressBar(page, first) });
    await expect(item).toContainText('Download expired');
    await expect(item.getByTestId('export-retry')).toBeVisible();
    expect(await page.getByTestId('toast').isVisible(), 'no toast: the item says it').toBe(false);
  });

  await test.step('start again: a new transfer completes', async () => {
    const saved = page.waitForEvent('download', { timeout: 60_000 });
    saved.catch(() => {}); // awaited below, after the assertions that explain a failure
    const item = page.getByTestId('export-download').filter({ has: progressBar(page, first) });
    await item.getByTestId('export-retry').click();
    await expect(item, 'the expired item goes').toHaveCount(0);
    const again = await lastDownloadWithId(page);
    expect(again.format).toBe('json');
    expect(again.id).not.toBe(first);
    await expectProgressComplete(page, again.id, 60_000);
    expect((await expectDownloadState(page, again.id, 'done')).verified).toBe(true);
    expect(sha256(await savedBytes(await saved))).toBe(again.sha256);
  });
});

test('cancelling a download sends export.cancel and removes it; nothing more arrives', async ({ browser, server }) => {
  const { board, gate, page } = await bigBoardBehindGate(browser, server);

  const id = await startStalledExport(page, gate, 'the transfer stalls after one window without acks');
  const item = page.getByTestId('export-download').filter({ has: progressBar(page, id) });
  const chunksBefore = gate.binaryFromServer;
  await item.getByTestId('export-cancel').click();
  await expect(item).toHaveCount(0);
  await expect(progressBar(page, id)).toHaveCount(0);
  expect((await downloadById(page, id)).state).toBe('cancelled');
  expect(gate.sent('export.cancel')).toEqual([{ type: 'export.cancel', id }]);

  // The held acks go out now: the server would send more if it had not cancelled.
  gate.release();
  gate.holdFromPageWhen = null;
  await expectSettled(page);
  // A round trip on the socket (an edit and its ack) after the acks: any chunk
  // sent before it has arrived by then.
  await page.getByTestId('board-title').click();
  await page.keyboard.press('End');
  await page.keyboard.type('!');
  await page.keyboard.press('Enter');
  await expectSettled(page);
  expect((await downloadById(page, id)).state).toBe('cancelled');
  expect(gate.binaryFromServer, 'no chunk after the cancel, although the acks opened the window').toBe(chunksBefore);
});

test('an imported Excalidraw file reaches every editor; a broken one shows an error and changes nothing', async ({ browser, server }) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);
  await drawShape(alice.page, 'rect', [0.6, 0.6], [0.8, 0.8]);
  const before = await expectSameBoard(peers);
  expect(before).toHaveLength(1);

  await test.step('import shapes.excalidraw: Bob sees the rectangle, the ellipse and the text', async () => {
    await alice.page.getByTestId('import-file').setInputFiles(path.join(FIXTURES, 'shapes.excalidraw'));
    await expect(alice.page.getByTestId('toast')).toContainText('Imported 3 elements');
    await expect
      .poll(async () => (await elements(bob.page)).length, { message: "Bob's page holds the imported elements" })
      .toBe(4);
    const fresh = (await elements(bob.page)).filter((el) => !before.some((b) => b.id === el.id));
    expect(fresh.map((el) => el.kind).sort()).toEqual(['ellipse', 'rect', 'text']);
    expect(fresh.find((el) => el.kind === 'text')?.text).toBe('Hello from Excalidraw');
    const after = await expectSameBoard(peers);
    expect(after).toHaveLength(4);
    // @ts-ignore
    const imports = await alice.page.evaluate(() => window.easel.imports());
    expect(imports.at(-1)).toMatchObject({ state: 'done', status: 200, added: 3 });
  });

  await test.step('import broken.excalidraw: a toast with the server message, the board unchanged', async () => {
    const board0 = await summary(alice.page);
    const seq0 = (await easelState(alice.page)).seq;
    await alice.page.getByTestId('import-file').setInputFiles(path.join(FIXTURES, 'broken.excalidraw'));
    // @ts-ignore
    await expect.poll(async () => (await alice.page.evaluate(() => window.easel.imports())).at(-1)?.state).toBe('failed');
    // @ts-ignore
    const failed = (await alice.page.evaluate(() => window.easel.imports())).at(-1);
    expect(failed.status).toBe(400);
    await expect(alice.page.getByTestId('toast')).toBeVisible();
    await expect(alice.page.getByTestId('toast')).toContainText('Import failed');
    expect(failed.message).toMatch(/^Import failed: /);
    // Nothing was committed: the board seq has not moved for anyone.
    const res = await fetch(`${server.baseURL}/b/${board.id}/export.json`);
    expect(JSON.parse(await res.text()).seq).toBe(seq0);
    expect(await summary(alice.page)).toEqual(board0);
    expect(await summary(bob.page)).toEqual(board0);
    expect((await easelState(bob.page)).seq).toBe(seq0);
  });
});

test('a view link downloads JSON and has no import', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Watched');
  const alice = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE);
  await drawShape(alice.page, 'rect', [0.2, 0.2], [0.4, 0.4]);
  await writeText(alice.page, [0.5, 0.6], 'for viewers');
  await expectSettled(alice.page);

  const viewer = await openPeer(browser, `${server.baseURL}/v/${board.viewId}`, BOB);
  const page = viewer.page;
  await expect.poll(async () => (await elements(page)).length).toBe(2);
  await expect(page.getByTestId('import-file')).toHaveCount(0);
  await expect(page.getByTestId('import-button')).toHaveCount(0);
  await expect(page.getByTestId('export-menu')).toBeVisible();

  const saved = page.waitForEvent('download', { timeout: 60_000 });
  saved.catch(() => {}); // awaited below, after the assertions that explain a failure
  await startExport(page, 'json');
  const { id } = await lastDownloadWithId(page);
  await expectProgressComplete(page, id);
  const info = await expectDownloadState(page, id, 'done');
  const bytes = await savedBytes(await saved);
  expect(sha256(bytes)).toBe(info.sha256);
  const http = await fetchExport(server.baseURL, `/v/${board.viewId}`, 'json');
  expect(sha256(bytes)).toBe(http.sha256);
  expect(http.etag).toBe(`"${http.sha256}"`);
  const file = JSON.parse(bytes.toString('utf8'));
  expect(file.elements.map((/** @type {any} */ el) => el.kind).sort()).toEqual(['rect', 'text']);
  expect(bytes.toString('utf8'), 'the view download never reveals the edit id').not.toContain(board.id);
});

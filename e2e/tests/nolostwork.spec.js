// @ts-check
// No lost work (issue 11, acceptance 4): edits the server has not
// acknowledged are kept in the browser (IndexedDB) until it has, survive a
// reload onto the browser's error page, and reach every member exactly
// once when the board is opened again; leaving meanwhile asks first.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers } = require('../helpers');
const { SocketGate, elements, easelState, expectSettled, drawShape } = require('../drawing');

test.describe.configure({ timeout: 90_000 });

const CAROL = { name: 'Carol', color: '#2f9e44' };

/**
 * @param {import('@playwright/test').Page} page
 * @param {string} state
 */
async function expectConnection(page, state) {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', state, { timeout: 20_000 });
}

/**
 * What identifies a drawn shape apart from its id: kind and rounded box.
 * @param {import('../drawing').BoardElement} el
 */
function shapeKey(el) {
  return [el.kind, Math.round(el.x), Math.round(el.y), Math.round(el.w ?? 0), Math.round(el.h ?? 0)].join(' ');
}

/**
 * How many elements of the page have each of the given ids and shapes.
 * @param {import('@playwright/test').Page} page
 * @param {import('../drawing').BoardElement[]} drawn
 */
async function counts(page, drawn) {
  const els = await elements(page);
  return drawn.map((d) => ({
    id: d.id,
    byId: els.filter((e) => e.id === d.id).length,
    byShape: els.filter((e) => shapeKey(e) === shapeKey(d)).length,
  }));
}

/** @param {import('../drawing').BoardElement[]} drawn */
function once(drawn) {
  return drawn.map((d) => ({ id: d.id, byId: 1, byShape: 1 }));
}

/**
 * Records, in the page, whether a beforeunload event was cancelled (the
 * page asked the browser to confirm leaving).
 * @param {import('@playwright/test').Page} page
 */
async function watchBeforeUnload(page) {
  await page.evaluate(() => {
    // Registered after the page's own listener, so it sees its verdict.
    window.addEventListener('beforeunload', (ev) => {
      // @ts-ignore
      window.__leaveAsked = ev.defaultPrevented;
    });
  });
}

/**
 * Whether a leave right now would be asked about, by dispatching a
 * cancelable beforeunload to the page's listeners.
 * @param {import('@playwright/test').Page} page
 */
async function leaveWouldAsk(page) {
  return page.evaluate(() => {
    const ev = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(ev);
    return ev.defaultPrevented;
  });
}

for (const locks of [true, false]) {
  test(`shapes drawn while the server is down survive a reload onto the error page and reach every member exactly once${locks ? '' : ' (no Web Locks, as over plain HTTP)'}`, async ({
    browser,
    server,
  }) => {
    const { url, alice, bob } = await twoPeers(browser, server, {
      // Pages served over plain HTTP off loopback have no navigator.locks.
      alice: locks ? undefined : (ctx) => ctx.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined })),
    });
    const page = alice.page;
    expect(await page.evaluate(() => 'locks' in navigator && navigator.locks !== undefined)).toBe(locks);
    expect(await leaveWouldAsk(page), 'nothing unsaved: leaving is not asked about').toBe(false);

    await test.step('server stopped', async () => {
      await server.stop();
      await expectConnection(page, 'reconnecting');
      await expectConnection(bob.page, 'reconnecting');
    });

    /** @type {import('../drawing').BoardElement[]} */
    const drawn = [];
    await test.step('three shapes drawn offline: the status counts them, leaving asks', async () => {
      drawn.push(await drawShape(page, 'rect', [0.1, 0.15], [0.25, 0.35]));
      drawn.push(await drawShape(page, 'ellipse', [0.35, 0.15], [0.5, 0.4]));
      drawn.push(await drawShape(page, 'rect', [0.6, 0.5], [0.8, 0.7]));
      const status = page.getByTestId('connection-status');
      await expect(status).toContainText('3 unsaved changes');
      await expect(status).toHaveAttribute('data-state', 'reconnecting');
      expect((await easelState(page)).pending).toBe(3);
      expect(await leaveWouldAsk(page), 'a beforeunload while 3 edits are unacknowledged is cancelled').toBe(true);
      // Stored before the page goes: the outbox's writes have landed.
      await expect
        .poll(() => page.evaluate(async () => (await window.easel.outbox.db.list(window.easel.outbox.board)).length))
        .toBe(3);
    });

    await test.step('reload onto the error page: the browser asks first (beforeunload)', async () => {
      await watchBeforeUnload(page);
      /** @type {string[]} */
      const dialogs = [];
      page.on('dialog', (d) => {
        dialogs.push(d.type());
        d.accept().catch(() => {});
      });
      const reloaded = await page.reload().then(
        () => 'loaded',
        (err) => String(err),
      );
      expect(reloaded, 'the reload lands on the browser error page').toMatch(/ERR_CONNECTION_REFUSED/);
      expect(dialogs, 'a beforeunload dialog').toEqual(['beforeunload']);
      expect(await page.evaluate(() => document.querySelector('#app') === null), 'the page now shows the error page').toBe(true);
    });

    await test.step('server started, board opened again in the same browser: saved, exactly once, for every member', async () => {
      await server.start();
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      await expect(page.getByTestId('toast')).toContainText('Restored 3 unsaved changes');
      await expectConnection(page, 'connected');
      await expectSettled(page, 'Alice');
      await expectSettled(bob.page, 'Bob');
      const carol = await openPeer(browser, url, CAROL);
      for (const [who, p] of /** @type {const} */ ([
        ['Alice', page],
        ['Bob', bob.page],
        ['Carol', carol.page],
      ])) {
        await expect.poll(() => counts(p, drawn), { message: `${who}: each drawn shape once, by id and by shape` }).toEqual(once(drawn));
        expect((await elements(p)).length, `${who}: nothing else on the board`).toBe(3);
      }
      await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
      expect(await leaveWouldAsk(page), 'all saved: leaving is not asked about').toBe(false);
      expect(await page.evaluate(async () => (await window.easel.outbox.db.list(window.easel.outbox.board)).length), 'the outbox is empty once acked').toBe(0);
      await carol.context.close();
    });

    await alice.context.close();
    await bob.context.close();
  });
}

test('an edit the server committed whose ack was lost is not committed again after a reload', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  const gate = new SocketGate();
  const alice = await openPeer(browser, url, ALICE, {}, (ctx) => gate.install(ctx));
  const bob = await openPeer(browser, url, BOB);
  await bob.page.evaluate(() => {
    // @ts-ignore
    window.__refs = [];
    // @ts-ignore
    window.easel.conn.on('ops', (m) => window.__refs.push(m.ref));
  });

  // The server commits Alice's rect and broadcasts it; her own copy (the
  // ack) never reaches her page.
  gate.dropFromServer = (frame) => frame.includes('"type":"ops"');
  const rect = await drawShape(alice.page, 'rect', [0.2, 0.2], [0.4, 0.4]);
  await expect.poll(() => bob.page.evaluate(() => window.__refs.length), { message: 'Bob got the rect' }).toBe(1);
  const seq = (await easelState(bob.page)).seq;
  expect((await easelState(alice.page)).pending, 'Alice has no ack').toBe(1);
  const firstClient = gate.lastHello()?.client;
  expect(firstClient).toBeTruthy();

  // Reload: the stored message goes out again, under the same client id.
  gate.dropFromServer = null;
  alice.page.on('dialog', (d) => d.accept().catch(() => {}));
  await alice.page.reload();
  await expectConnection(alice.page, 'connected');
  await expectSettled(alice.page, 'Alice');
  expect.soft(gate.lastHello()?.client, 'the reloaded page adopted the stored client id').toBe(firstClient);
  const resent = gate.sent('ops').filter((m) => m.ref === gate.sent('ops')[0].ref);
  expect(resent.length, 'the stored message was sent again after the reload').toBe(2);

  await expect.poll(() => counts(alice.page, [rect])).toEqual(once([rect]));
  // The board holds it once: no new seq, no second broadcast.
  const carol = await openPeer(browser, url, CAROL);
  expect((await easelState(carol.page)).seq, 'the board did not move past the first commit').toBe(seq);
  expect(await counts(carol.page, [rect])).toEqual(once([rect]));
  expect(await bob.page.evaluate(() => window.__refs.length), 'Bob saw the edit once').toBe(1);
  expect((await easelState(bob.page)).seq).toBe(seq);

  for (const c of [alice, bob, carol]) await c.context.close();
});

test('two tabs of a board never share a client id, and a tab closed offline hands its unsaved shape to the other', async ({ browser, server }) => {
  const { url, alice: tabA, bob } = await twoPeers(browser, server);
  const tabB = await tabA.context.newPage();
  await tabB.goto(url);
  await expectConnection(tabB, 'connected');
  const clients = await Promise.all([tabA.page, tabB].map((p) => p.evaluate(() => window.easel.outbox.client)));
  expect(clients[0], 'each tab has its own client id').not.toBe(clients[1]);

  await server.stop();
  await expectConnection(tabA.page, 'reconnecting');
  await expectConnection(tabB, 'reconnecting');
  const rect = await drawShape(tabB, 'rect', [0.3, 0.3], [0.5, 0.5]);
  await expect(tabB.getByTestId('connection-status')).toContainText('1 unsaved change');
  await expect.poll(() => tabB.evaluate(async () => (await window.easel.outbox.db.list(window.easel.outbox.board)).length)).toBe(1);
  expect((await easelState(tabA.page)).pending, 'the other tab has nothing unsaved yet').toBe(0);

  // Closing asks first; confirmed, the tab goes and its shape moves over.
  /** @type {string[]} */
  const dialogs = [];
  tabB.on('dialog', (d) => {
    dialogs.push(d.type());
    d.accept().catch(() => {});
  });
  const closed = new Promise((resolve) => tabB.once('close', resolve));
  await tabB.close({ runBeforeUnload: true });
  await closed;
  expect(dialogs).toEqual(['beforeunload']);
  await expect(tabA.page.getByTestId('connection-status'), 'the open tab took the shape over').toContainText('1 unsaved change');
  await expect(tabA.page.getByTestId('toast')).toContainText('Took over 1 unsaved change');
  expect(await counts(tabA.page, [rect])).toEqual(once([rect]));

  await server.start();
  await expectSettled(tabA.page, 'tab A');
  await expectSettled(bob.page, 'Bob');
  for (const p of [tabA.page, bob.page]) {
    await expect.poll(() => counts(p, [rect])).toEqual(once([rect]));
    expect((await elements(p)).length).toBe(1);
  }
  await tabA.context.close();
  await bob.context.close();
});

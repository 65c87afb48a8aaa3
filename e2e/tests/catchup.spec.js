// @ts-check
// Catch-up: pages that lose their connection (server restart, crash, or
// just their own socket) come back holding the same board as everyone
// else, including what was edited while they were away.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers, closePeers } = require('../helpers');
const {
  SocketGate,
  elements,
  easelState,
  summary,
  expectSettled,
  expectSameBoard,
  chooseTool,
  drag,
  drawShape,
  writeText,
  centerOf,
  elementById,
} = require('../drawing');

test.describe.configure({ timeout: 90_000 });

/**
 * @param {import('@playwright/test').Page} page
 * @param {string} state
 * @param {number} [timeout]
 */
async function expectConnection(page, state, timeout = 20_000) {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', state, { timeout });
}

test('after a server restart both pages hold the same board, and an edit made while Bob was reconnecting reaches him', async ({
  browser,
  server,
}) => {
  const gate = new SocketGate();
  const { board, alice, bob, peers } = await twoPeers(browser, server, { bob: (ctx) => gate.install(ctx) });

  await drawShape(alice.page, 'rect', [0.1, 0.2], [0.25, 0.4]);
  await writeText(alice.page, [0.1, 0.6], 'before the restart');
  await drawShape(bob.page, 'ellipse', [0.6, 0.2], [0.75, 0.45]);
  const before = await expectSameBoard(peers);
  expect(before).toHaveLength(3);

  await test.step('server stopped: both pages reconnecting', async () => {
    await gate.cut(); // Bob stays away after the restart until the gate opens
    await server.stop();
    await expectConnection(alice.page, 'reconnecting');
    await expectConnection(bob.page, 'reconnecting');
  });

  /** @type {import('../drawing').BoardElement} */
  let late;
  await test.step('server started: Alice is back and draws while Bob is still reconnecting', async () => {
    await server.start();
    await expectConnection(alice.page, 'connected');
    expect(await summary(alice.page), "Alice's board after the restart").toEqual(before);
    late = await drawShape(alice.page, 'rect', [0.4, 0.6], [0.55, 0.85]);
    await expectSettled(alice.page, 'Alice');
    await expectConnection(bob.page, 'reconnecting', 1000);
    expect(await elementById(bob.page, late.id), "Alice's new rect in Bob's page while he is away").toBeUndefined();
  });

  await test.step('Bob reconnects: same board, with Alice’s new rectangle', async () => {
    gate.open();
    await expectConnection(bob.page, 'connected', 30_000);
    await expect.poll(() => elementById(bob.page, late.id), { message: "Alice's new rect in Bob's page" }).toBeTruthy();
    const after = await expectSameBoard(peers);
    expect(after).toHaveLength(4);
    expect(after.filter((el) => el.id === late.id)).toHaveLength(1);
    expect(gate.refused, 'Bob tried to reconnect while the gate was shut').toBeGreaterThan(0);
    // For the report: did Bob catch up from the op log or get a snapshot?
    test.info().annotations.push({ type: "Bob's welcome after the restart", description: JSON.stringify(gate.lastWelcome()) });
  });

  await closePeers(alice, bob);
});

test('an edit made while the server is down is sent when it is back, exactly once', async ({ browser, server }) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);
  await drawShape(alice.page, 'rect', [0.1, 0.2], [0.25, 0.4]);
  await expectSameBoard(peers);

  await server.stop();
  await expectConnection(alice.page, 'reconnecting');
  await expectConnection(bob.page, 'reconnecting');

  /** @type {import('../drawing').BoardElement} */
  let offline;
  await test.step('Alice draws while nobody is connected: shown at once, pending', async () => {
    offline = await drawShape(alice.page, 'rect', [0.5, 0.3], [0.7, 0.55]);
    expect((await easelState(alice.page)).pending, "Alice's pending messages while the server is down").toBeGreaterThan(0);
  });

  await test.step('the server is back: the edit reaches Bob, once', async () => {
    await server.start();
    await expectConnection(alice.page, 'connected');
    await expectConnection(bob.page, 'connected');
    await expect.poll(() => elementById(bob.page, offline.id), { message: "Alice's offline rect in Bob's page" }).toBeTruthy();
    const after = await expectSameBoard(peers);
    expect(after).toHaveLength(2);
  });

  await test.step('a reload shows it once, from the store', async () => {
    const before = await summary(bob.page);
    await bob.page.reload();
    await expectConnection(bob.page, 'connected');
    await expect.poll(() => summary(bob.page), { message: "Bob's board after reload" }).toEqual(before);
  });

  await closePeers(alice, bob);
});

test('a page whose socket drops catches up on additions, moves and deletions it missed', async ({
  browser,
  server,
}) => {
  const gate = new SocketGate();
  const { board, alice, bob, peers } = await twoPeers(browser, server, { bob: (ctx) => gate.install(ctx) });
  const keep = await drawShape(alice.page, 'rect', [0.1, 0.2], [0.25, 0.4]);
  const doomed = await drawShape(alice.page, 'ellipse', [0.4, 0.2], [0.55, 0.4]);
  await expectSameBoard(peers);

  await gate.cut();
  await expectConnection(bob.page, 'reconnecting');

  await test.step('Alice edits while Bob is away', async () => {
    await writeText(alice.page, [0.1, 0.7], 'while you were away');
    await chooseTool(alice.page, 'select');
    const from = await centerOf(alice.page, keep);
    await drag(alice.page, from, { x: from.x + 200, y: from.y + 60 }, { steps: 10 });
    await expect
      .poll(async () => Math.round((await elementById(alice.page, keep.id))?.x ?? NaN), { message: 'moved rect x' })
      .not.toBe(Math.round(keep.x));
    const at = await centerOf(alice.page, doomed);
    await alice.page.mouse.click(at.x, at.y);
    await alice.page.keyboard.press('Delete');
    await expect.poll(() => elementById(alice.page, doomed.id), { message: 'deleted ellipse' }).toBeUndefined();
    await expectSettled(alice.page, 'Alice');
    // Bob still shows the board as it was.
    expect(await elementById(bob.page, doomed.id), 'the ellipse in Bob’s page while he is away').toBeTruthy();
  });

  await test.step('Bob reconnects and shows the same board as Alice', async () => {
    gate.open();
    await expectConnection(bob.page, 'connected', 30_000);
    const after = await expectSameBoard(peers);
    expect(after.map((el) => el.kind).sort()).toEqual(['rect', 'text']);
    expect(after.find((el) => el.kind === 'text')?.text).toBe('while you were away');
  });

  await test.step('Bob caught up from the op log: hello with since, welcome recovered', async () => {
    const hello = gate.lastHello();
    const welcome = gate.lastWelcome();
    expect(hello?.since, "Bob's hello after the drop carries since").toEqual({
      epoch: expect.any(String),
      seq: expect.any(Number),
    });
    expect(welcome, 'the welcome answering it').toMatchObject({ recovered: true, elements: null });
  });

  await closePeers(alice, bob);
});

test('an acknowledged edit survives a server crash', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  const alice = await openPeer(browser, url, ALICE);
  await drawShape(alice.page, 'rect', [0.1, 0.2], [0.25, 0.4]);
  await writeText(alice.page, [0.4, 0.5], 'saved before the crash');
  await expectSettled(alice.page, 'Alice'); // acknowledged = durable
  const before = await summary(alice.page);

  const status = await server.stop({ signal: 'SIGKILL' });
  expect(status.signal).toBe('SIGKILL');
  await server.start();

  await expectConnection(alice.page, 'connected');
  await expect.poll(() => summary(alice.page), { message: "Alice's board after the crash" }).toEqual(before);
  const bob = await openPeer(browser, url, BOB);
  await expect.poll(() => summary(bob.page), { message: "a new page's board after the crash" }).toEqual(before);
  expect((await elements(bob.page)).length).toBe(2);

  await closePeers(alice, bob);
});

/**
 * The messages of one frame (newline-delimited JSON).
 * @param {string} frame
 * @returns {any[]}
 */
function messagesOf(frame) {
  return frame
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line);
      } catch {
        return {};
      }
    });
}

test('an edit whose ack was lost is sent again after reconnecting and kept once', async ({ browser, server }) => {
  const gate = new SocketGate();
  const { board, alice, bob, peers } = await twoPeers(browser, server, { alice: (ctx) => gate.install(ctx) });
  await drawShape(alice.page, 'rect', [0.1, 0.2], [0.25, 0.4]);
  await expectSameBoard(peers);

  /** @type {import('../drawing').BoardElement} */
  let rect;
  await test.step('the server commits Alice’s rectangle but its ack never reaches her', async () => {
    gate.dropFromServer = (frame) => messagesOf(frame).some((m) => m.type === 'ops');
    rect = await drawShape(alice.page, 'rect', [0.5, 0.3], [0.7, 0.55]);
    // Committed: Bob gets it; Alice still waits for the ack.
    await expect.poll(() => elementById(bob.page, rect.id), { message: "Alice's rect in Bob's page" }).toBeTruthy();
    await expect.poll(() => gate.dropped.length, { message: 'ops frames withheld from Alice' }).toBeGreaterThan(0);
    expect((await easelState(alice.page)).pending, "Alice's pending messages without the ack").toBeGreaterThan(0);
  });

  await test.step('Alice’s socket drops and comes back: the edit is acknowledged and on the board once', async () => {
    await gate.cut();
    await expectConnection(alice.page, 'reconnecting');
    gate.dropFromServer = null;
    gate.open();
    await expectConnection(alice.page, 'connected', 30_000);
    const after = await expectSameBoard(peers);
    expect(after).toHaveLength(2);
    expect(after.filter((el) => el.id === rect.id)).toHaveLength(1);
    const seqs = await Promise.all(peers.map(async (p) => (await easelState(p.page)).seq));
    expect(seqs[0], "Alice's seq vs Bob's").toBe(seqs[1]);
    // The resend deduped because it came with the same secret client id.
    const clients = gate.handshakes.filter((h) => h.type === 'hello').map((h) => h.client);
    expect(clients.length, "Alice's hellos").toBeGreaterThan(1);
    expect(clients[0], 'the client id in hello').toMatch(/^[A-Za-z0-9_-]{22,64}$/);
    expect(new Set(clients).size, 'one client id across reconnects').toBe(1);
  });

  await test.step('a reload shows it once', async () => {
    await bob.page.reload();
    await expectConnection(bob.page, 'connected');
    await expect.poll(async () => (await elements(bob.page)).length, { message: "Bob's elements after reload" }).toBe(2);
  });

  await closePeers(alice, bob);
});

test('a page that misses one ops message notices the gap in seq and catches up', async ({ browser, server }) => {
  const gate = new SocketGate();
  const { alice, bob, peers } = await twoPeers(browser, server, { bob: (ctx) => gate.install(ctx) });
  await drawShape(alice.page, 'rect', [0.1, 0.2], [0.25, 0.4]);
  await expectSameBoard(peers);

  // Withhold exactly one frame with an ops message from Bob.
  gate.dropFromServer = (frame) => gate.dropped.length === 0 && messagesOf(frame).some((m) => m.type === 'ops');
  const missed = await drawShape(alice.page, 'ellipse', [0.4, 0.2], [0.55, 0.4]);
  await expect.poll(() => gate.dropped.length, { message: 'ops frames withheld from Bob' }).toBe(1);
  await expectSettled(alice.page, 'Alice');
  expect(await elementById(bob.page, missed.id), 'the withheld ellipse in Bob’s page').toBeUndefined();
  const hellos = gate.handshakes.filter((h) => h.type === 'hello').length;

  // The next message has a seq one too far ahead for Bob.
  const next = await drawShape(alice.page, 'arrow', [0.6, 0.6], [0.8, 0.8]);
  await expect.poll(() => elementById(bob.page, missed.id), { message: 'the withheld ellipse in Bob’s page' }).toBeTruthy();
  await expect.poll(() => elementById(bob.page, next.id), { message: "Alice's arrow in Bob's page" }).toBeTruthy();
  const after = await expectSameBoard(peers);
  expect(after).toHaveLength(3);
  expect(gate.handshakes.filter((h) => h.type === 'hello').length, 'Bob said hello again (reconnected)').toBeGreaterThan(hellos);
  expect(gate.lastHello()?.since, "Bob's new hello carries since").toBeTruthy();

  await closePeers(alice, bob);
});

test('two pages moving the same element at once end up agreeing, in server order', async ({ browser, server }) => {
  const gate = new SocketGate();
  const { board, alice, bob, peers } = await twoPeers(browser, server, { alice: (ctx) => gate.install(ctx) });
  const rect = await drawShape(alice.page, 'rect', [0.2, 0.3], [0.35, 0.5]);
  await expectSameBoard(peers);
  const x0 = Math.round(rect.x);
  const y0 = Math.round(rect.y);

  await test.step('Alice moves it right; her message is held back', async () => {
    gate.holdFromPage = true;
    await chooseTool(alice.page, 'select');
    const from = await centerOf(alice.page, rect);
    await drag(alice.page, from, { x: from.x + 150, y: from.y }, { steps: 10 });
    await expect.poll(async () => Math.round((await elementById(alice.page, rect.id))?.x ?? NaN)).toBe(x0 + 150);
    expect((await easelState(alice.page)).pending).toBeGreaterThan(0);
  });

  await test.step('Bob moves it down meanwhile: Alice keeps showing her own pending move', async () => {
    await chooseTool(bob.page, 'select');
    const from = await centerOf(bob.page, rect);
    await drag(bob.page, from, { x: from.x, y: from.y + 120 }, { steps: 10 });
    await expectSettled(bob.page, 'Bob');
    // Bob's move reached Alice's confirmed board…
    await expect
      .poll(
        async () =>
          alice.page.evaluate((id) => {
            // @ts-ignore
            const el = window.easel.confirmedElements().find((e) => e.id === id);
            return el && Math.round(el.y);
          }, rect.id),
        { message: "Alice's confirmed y after Bob's move" },
      )
      .toBe(y0 + 120);
    // …but what she sees is still her pending version on top.
    const shown = await elementById(alice.page, rect.id);
    expect({ x: Math.round(shown?.x ?? NaN), y: Math.round(shown?.y ?? NaN) }, "Alice's rendered rect").toEqual({
      x: x0 + 150,
      y: y0,
    });
  });

  await test.step('Alice’s message goes out: the later put wins for everyone', async () => {
    gate.release();
    const after = await expectSameBoard(peers);
    expect(after.find((el) => el.id === rect.id)).toMatchObject({ x: x0 + 150, y: y0 });
  });

  await closePeers(alice, bob);
});

// @ts-check
// Two Easel nodes sharing boards through Redis (`--redis`), no sticky
// sessions: Alice's page talks to node A, Bob's to node B (same /b/<id>
// path, different ports, so each page's Origin is its own node's). Cursors,
// edits and presence cross from one node to the other, and a crashed
// node's members disappear from the other node within the protocol's 30 s.
const { test, expect, createBoard, openPeer, selfCursorSeen } = require('../fixtures');
const { ALICE, BOB, remoteCursor, expectCursorFollows, peerListCount } = require('../helpers');
const { elements, expectSameBoard, drawShape, placeSticky } = require('../drawing');

test.describe.configure({ timeout: 90_000 });

/**
 * @param {import('@playwright/test').Page} page
 * @param {string} who whose list, for messages
 */
async function expectBothListedOnce(page, who) {
  for (const name of [ALICE.name, BOB.name]) {
    await expect
      .poll(() => peerListCount(page, name), { message: `${name} in ${who}'s peer list, once` })
      .toBe(1);
  }
}

/**
 * Polls a page until it holds an element with this id, kind and text.
 * @param {import('@playwright/test').Page} page
 * @param {string} who
 * @param {import('../drawing').BoardElement} el
 */
async function expectElement(page, who, el) {
  await expect
    .poll(
      async () => {
        const found = (await elements(page)).find((e) => e.id === el.id);
        return found ? { id: found.id, kind: found.kind, text: found.text ?? '' } : null;
      },
      { message: `${who}'s page shows the ${el.kind} ${el.id}` },
    )
    .toEqual({ id: el.id, kind: el.kind, text: el.text ?? '' });
}

test('two nodes on one Redis: cursors, drawing and presence cross between them', async ({ browser, nodes }) => {
  const [nodeA, nodeB] = nodes;
  expect(nodeA.port, 'the two nodes listen on different ports').not.toBe(nodeB.port);
  const board = await createBoard(nodeA.baseURL, 'Two nodes');
  const alice = await openPeer(browser, `${nodeA.baseURL}/b/${board.id}`, ALICE);
  const bob = await openPeer(browser, `${nodeB.baseURL}/b/${board.id}`, BOB);

  await test.step('the board created on node A has the same title on node B', async () => {
    await expect(bob.page.getByTestId('board-title')).toHaveText('Two nodes');
  });

  await test.step('both peer lists show both names, once each', async () => {
    await expectBothListedOnce(alice.page, ALICE.name);
    await expectBothListedOnce(bob.page, BOB.name);
  });

  await test.step("Alice's cursor (node A) follows her mouse in Bob's page (node B)", async () => {
    await expectCursorFollows(alice.page, bob.page, ALICE.name, [[0.3, 0.45], [0.7, 0.7]]);
  });

  await test.step("Bob's cursor (node B) follows his mouse in Alice's page (node A)", async () => {
    await expectCursorFollows(bob.page, alice.page, BOB.name, [[0.6, 0.4], [0.35, 0.75]]);
  });

  await test.step('each page shows exactly one remote cursor: the other’s', async () => {
    await expect(alice.page.getByTestId('remote-cursor')).toHaveCount(1);
    await expect(bob.page.getByTestId('remote-cursor')).toHaveCount(1);
    await expect(remoteCursor(alice.page, BOB.name)).toHaveCount(1);
    await expect(remoteCursor(bob.page, ALICE.name)).toHaveCount(1);
  });

  await test.step('a rectangle and a sticky drawn by Alice reach Bob', async () => {
    const rect = await drawShape(alice.page, 'rect', [0.1, 0.15], [0.3, 0.35]);
    const sticky = await placeSticky(alice.page, [0.15, 0.6], 'from node A');
    expect(rect.kind).toBe('rect');
    expect(sticky.kind).toBe('sticky');
    await expectElement(bob.page, BOB.name, rect);
    await expectElement(bob.page, BOB.name, sticky);
  });

  await test.step('a rectangle and a sticky drawn by Bob reach Alice', async () => {
    const rect = await drawShape(bob.page, 'rect', [0.55, 0.15], [0.8, 0.35]);
    const sticky = await placeSticky(bob.page, [0.65, 0.6], 'from node B');
    await expectElement(alice.page, ALICE.name, rect);
    await expectElement(alice.page, ALICE.name, sticky);
  });

  await test.step('both pages settle on the same board of four elements', async () => {
    const same = await expectSameBoard([
      { page: alice.page, name: ALICE.name },
      { page: bob.page, name: BOB.name },
    ]);
    expect(same.map((e) => `${e.kind}:${e.text}`).sort()).toEqual([
      'rect:',
      'rect:',
      'sticky:from node A',
      'sticky:from node B',
    ]);
  });

  await test.step('no page has ever shown its own cursor', async () => {
    expect(await selfCursorSeen(alice.page), 'Alice ever saw a remote cursor named Alice').toBe(false);
    expect(await selfCursorSeen(bob.page), 'Bob ever saw a remote cursor named Bob').toBe(false);
  });

  await test.step("closing Bob's page (node B) removes him from Alice's page (node A)", async () => {
    await bob.context.close();
    await expect(remoteCursor(alice.page, BOB.name)).toHaveCount(0);
    await expect(alice.page.getByTestId('peer-list')).not.toContainText(BOB.name);
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  });

  await alice.context.close();
});

test('a crashed node’s members leave the other node’s board within 30 s, and come back with it', async ({
  browser,
  nodes,
}) => {
  const [nodeA, nodeB] = nodes;
  const board = await createBoard(nodeA.baseURL);
  const alice = await openPeer(browser, `${nodeA.baseURL}/b/${board.id}`, ALICE);
  const bob = await openPeer(browser, `${nodeB.baseURL}/b/${board.id}`, BOB);
  await expectBothListedOnce(alice.page, ALICE.name);
  await expectBothListedOnce(bob.page, BOB.name);
  await expectCursorFollows(bob.page, alice.page, BOB.name, [[0.4, 0.4], [0.6, 0.5]]);

  /** @type {number} */
  let killedAt = 0;
  await test.step('node B is killed (SIGKILL: no goodbye)', async () => {
    killedAt = Date.now();
    const status = await nodeB.stop({ signal: 'SIGKILL' });
    expect(status.signal).toBe('SIGKILL');
    await expect(bob.page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'connected');
  });

  await test.step('Bob and his cursor disappear from Alice’s page within 30 s', async () => {
    await expect(alice.page.getByTestId('peer-list')).not.toContainText(BOB.name, { timeout: 30_000 });
    const took = Date.now() - killedAt;
    test.info().annotations.push({ type: 'presence expiry', description: `${(took / 1000).toFixed(1)} s after SIGKILL` });
    expect(took, 'ms from the crash to Bob leaving Alice’s peer list').toBeLessThanOrEqual(30_000);
    await expect(remoteCursor(alice.page, BOB.name)).toHaveCount(0);
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  });

  await test.step('node B comes back on its port: Bob reconnects and both see each other again', async () => {
    await nodeB.start();
    await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', {
      timeout: 20_000,
    });
    await expectBothListedOnce(alice.page, ALICE.name);
    await expectBothListedOnce(bob.page, BOB.name);
    await expectCursorFollows(alice.page, bob.page, ALICE.name, [[0.3, 0.3], [0.5, 0.6]]);
  });

  await alice.context.close();
  await bob.context.close();
});

// @ts-check
// Live cursors: two people on one board see each other's mouse, never their own.
const { test, expect, selfCursorSeen } = require('../fixtures');
const { ALICE, BOB, twoPeers, remoteCursor, expectCursorFollows } = require('../helpers');

test('cursors flow between two peers and disappear when one leaves', async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);

  await test.step('each peer list shows the other', async () => {
    await expect(alice.page.getByTestId('peer-list')).toContainText(BOB.name);
    await expect(bob.page.getByTestId('peer-list')).toContainText(ALICE.name);
  });

  await test.step("Alice's cursor appears in Bob's page and follows her mouse", async () => {
    await expectCursorFollows(alice.page, bob.page, ALICE.name, [[0.3, 0.45], [0.7, 0.7]]);
    await expect(remoteCursor(bob.page, ALICE.name)).toHaveAttribute('data-peer-id', /\S/);
  });

  await test.step("Bob's cursor appears in Alice's page and follows his mouse", async () => {
    await expectCursorFollows(bob.page, alice.page, BOB.name, [[0.6, 0.4], [0.35, 0.75]]);
    await expect(remoteCursor(alice.page, BOB.name)).toHaveAttribute('data-peer-id', /\S/);
  });

  await test.step('Alice moves again and Bob sees it (after both have moved)', async () => {
    await expectCursorFollows(alice.page, bob.page, ALICE.name, [[0.5, 0.5], [0.25, 0.6]]);
  });

  await test.step('no page shows its own cursor as a remote cursor', async () => {
    await expect(alice.page.getByTestId('remote-cursor')).toHaveCount(1);
    await expect(bob.page.getByTestId('remote-cursor')).toHaveCount(1);
    await expect(remoteCursor(alice.page, ALICE.name)).toHaveCount(0);
    await expect(remoteCursor(bob.page, BOB.name)).toHaveCount(0);
    expect(await selfCursorSeen(alice.page), 'Alice ever saw a remote cursor named Alice').toBe(false);
    expect(await selfCursorSeen(bob.page), 'Bob ever saw a remote cursor named Bob').toBe(false);
  });

  await test.step("closing Alice's page removes her cursor and presence from Bob's", async () => {
    await alice.context.close();
    await expect(remoteCursor(bob.page, ALICE.name)).toHaveCount(0);
    await expect(bob.page.getByTestId('peer-list')).not.toContainText(ALICE.name);
    await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  });

  await bob.context.close();
});

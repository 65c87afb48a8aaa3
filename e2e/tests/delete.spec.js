// @ts-check
// Deleting a board: only after confirming; then every member's page says
// the board was deleted and never reconnects, both links answer 410, and
// the board leaves the recent boards.
const { test, expect } = require('../fixtures');
const { twoPeers, closePeers, clickInTopBar } = require('../helpers');
const { drawShape, expectSameBoard } = require('../drawing');

test.describe.configure({ timeout: 60_000 });

/**
 * Clicks delete-board (in the ⋯ menu where the top bar collapses).
 * @param {import('@playwright/test').Page} page
 */
async function askToDelete(page) {
  await clickInTopBar(page, 'delete-board');
  await expect(page.getByTestId('delete-dialog')).toBeVisible();
}

test('Alice deletes the board after confirming: Bob is told, neither page reconnects, both links answer 410 @phone', async ({ browser, server }) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);
  await alice.page.evaluate(() => window.easel.board.setTitle('Doomed plan'));
  await drawShape(alice.page, 'rect', [0.3, 0.3], [0.5, 0.5]);
  await expectSameBoard(peers);
  const editURL = `${server.baseURL}/b/${board.id}`;
  const viewURL = `${server.baseURL}/v/${board.viewId}`;

  await test.step('Cancel keeps the board', async () => {
    await askToDelete(alice.page);
    await expect(alice.page.getByTestId('delete-dialog')).toContainText('Delete “Doomed plan” for everyone?');
    await alice.page.getByTestId('delete-cancel').click();
    await expect(alice.page.getByTestId('delete-dialog')).toBeHidden();
    expect((await fetch(editURL)).status).toBe(200);
    await expect(alice.page.getByTestId('board-deleted')).toBeHidden();
  });

  // Every socket either page opens from now on.
  let sockets = 0;
  for (const p of [alice.page, bob.page]) p.on('websocket', () => sockets++);

  await test.step('Delete: both pages show the board as deleted', async () => {
    await askToDelete(alice.page);
    await alice.page.getByTestId('delete-confirm').click();
    for (const p of [alice.page, bob.page]) {
      await expect(p.getByTestId('board-deleted')).toBeVisible();
      await expect(p.getByTestId('board-deleted')).toContainText('This board was deleted');
      await expect(p.getByTestId('board-canvas')).toBeHidden();
    }
  });

  await test.step('neither page tries to reconnect', async () => {
    await expect.poll(() => bob.page.evaluate(() => window.easel.conn.ended)).toBe(true);
    await expect.poll(() => alice.page.evaluate(() => window.easel.conn.ended)).toBe(true);
    // Longer than the first reconnect delays (250 ms base): no socket opened.
    await bob.page.waitForTimeout(1500);
    expect(sockets, 'sockets opened after the deletion').toBe(0);
  });

  await test.step('both links answer 410 with the deleted page, also on reload', async () => {
    const res = await bob.page.reload();
    expect(res?.status()).toBe(410);
    await expect(bob.page.getByTestId('board-deleted')).toBeVisible();
    const view = await alice.page.goto(viewURL);
    expect(view?.status()).toBe(410);
    await expect(alice.page.getByTestId('board-deleted')).toBeVisible();
    expect((await fetch(editURL)).status).toBe(410);
  });

  await test.step('the board left Alice’s recent boards', async () => {
    await alice.page.goto(`${server.baseURL}/`);
    await expect(alice.page.getByTestId('recent-boards')).toBeHidden();
  });

  await closePeers(alice, bob);
});

test('a view link has no delete button', async ({ browser, server }) => {
  const { board, alice, bob } = await twoPeers(browser, server);
  await bob.page.goto(`${server.baseURL}/v/${board.viewId}`);
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(bob.page.getByTestId('delete-board')).toHaveCount(0);
  await closePeers(alice, bob);
});

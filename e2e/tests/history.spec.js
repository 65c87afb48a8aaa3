// @ts-check
// Version history and recent boards, as people use them: Alice draws, Bob
// erases everything, Alice finds the version before the erase in the
// history panel, previews it and restores it for both; her undo takes the
// restore back in one step. A viewer previews but cannot restore. The
// landing page lists the boards this browser opened and forgets them.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers, closePeers, clickInTopBar } = require('../helpers');
const { elements, summary, expectSameBoard, expectSettled, drawShape, canvasPoint } = require('../drawing');

test.describe.configure({ timeout: 60_000 });

/**
 * The board's kept versions, as the history route lists them.
 * @param {string} url the board route's absolute URL ("…/b/<id>" or "…/v/<viewId>")
 * @returns {Promise<Array<{seq: number, at: string, by: string[], elements: number}>>}
 */
async function versions(url) {
  const res = await fetch(`${url}/history`);
  expect(res.status, `GET ${url}/history`).toBe(200);
  return (await res.json()).versions;
}

/**
 * Waits until the history holds a version with elements (the one before an
 * erase) and returns the newest such.
 * @param {string} url
 */
async function versionWithElements(url) {
  /** @type {{seq: number, elements: number, by: string[]} | undefined} */
  let found;
  await expect
    .poll(
      async () => {
        found = (await versions(url)).find((v) => v.elements > 0);
        return found !== undefined;
      },
      { message: 'a kept version with elements', timeout: 15_000 },
    )
    .toBe(true);
  return /** @type {{seq: number, elements: number, by: string[]}} */ (found);
}

/**
 * Opens the history panel (from the ⋯ menu where the top bar collapses).
 * @param {import('@playwright/test').Page} page
 */
async function openHistory(page) {
  await clickInTopBar(page, 'history-button');
  await expect(page.getByTestId('history-list')).toBeVisible();
}

test('Bob erases everything; Alice previews the version before the erase, restores it for both, and undo takes the restore back @phone', async ({ browser, server }) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);
  const editRoute = `${server.baseURL}/b/${board.id}`;

  await test.step('Alice draws two shapes; Bob sees them', async () => {
    await drawShape(alice.page, 'rect', [0.2, 0.3], [0.4, 0.5]);
    await drawShape(alice.page, 'ellipse', [0.55, 0.3], [0.75, 0.55]);
    const both = await expectSameBoard(peers);
    expect(both.map((e) => e.kind).sort()).toEqual(['ellipse', 'rect']);
  });
  const drawn = await summary(alice.page);

  await test.step('Bob selects all and deletes: the board is empty for both', async () => {
    const p = await canvasPoint(bob.page, 0.5, 0.85);
    await bob.page.mouse.move(p.x, p.y);
    await bob.page.keyboard.press('Control+a');
    await expect.poll(async () => (await bob.page.evaluate(() => window.easel.state().selection)).length).toBe(2);
    await bob.page.keyboard.press('Delete');
    expect(await expectSameBoard(peers)).toEqual([]);
  });

  const before = await versionWithElements(editRoute);
  expect(before.elements, 'the version before the erase holds both shapes').toBe(2);
  expect(before.by, 'Alice made it').toContain(ALICE.name);

  await test.step('Alice opens the history and previews the version before the erase; the live board stays empty', async () => {
    await openHistory(alice.page);
    const item = alice.page.locator(`[data-testid="history-version"][data-seq="${before.seq}"]`);
    await expect(item).toBeVisible();
    await expect(item).toContainText('2 elements');
    await expect(item).toContainText(ALICE.name);
    await item.click();
    await expect(alice.page.getByTestId('history-preview')).toBeVisible();
    await expect(alice.page.getByTestId('history-preview')).toContainText('Previewing');
    await expect(item).toHaveAttribute('aria-pressed', 'true');
    // The JSON download of that version is a link to the version's export.
    await expect(alice.page.getByTestId('history-download-json')).toHaveAttribute('href', `/b/${board.id}/export.json?seq=${before.seq}`);
    // Previewing changes nothing: the board is still empty, for both.
    expect(await elements(alice.page)).toEqual([]);
    expect(await elements(bob.page)).toEqual([]);
    // Nor can it be edited meanwhile: the tools are away.
    await expect(alice.page.getByTestId('tool-rect')).toBeHidden();
  });

  await test.step('Alice restores it: both see the drawing back, as it was', async () => {
    await alice.page.getByTestId('history-restore').click();
    await expect(alice.page.getByTestId('history-preview')).toBeHidden();
    await expect(alice.page.getByTestId('history-list'), 'the panel closes on a restore').toBeHidden();
    expect(await expectSameBoard(peers)).toEqual(drawn);
  });

  await test.step('Alice undoes the restore in one step: empty again for both', async () => {
    await alice.page.getByTestId('undo').click();
    expect(await expectSameBoard(peers)).toEqual([]);
    // And redo brings it back.
    await alice.page.getByTestId('redo').click();
    expect(await expectSameBoard(peers)).toEqual(drawn);
  });

  await test.step('Escape leaves a preview without touching the board', async () => {
    await openHistory(alice.page);
    const item = alice.page.locator(`[data-testid="history-version"][data-seq="${before.seq}"]`);
    await item.click();
    await expect(alice.page.getByTestId('history-preview')).toBeVisible();
    await alice.page.keyboard.press('Escape');
    await expect(alice.page.getByTestId('history-preview')).toBeHidden();
    await expect(alice.page.getByTestId('tool-rect')).toBeVisible();
    await expectSettled(alice.page, 'Alice');
    expect(await summary(alice.page)).toEqual(drawn);
  });

  await closePeers(alice, bob);
});

test('a viewer sees the versions and previews one, with no restore', async ({ browser, server }) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);
  // Alice draws, then Bob: the version before Bob's edit holds Alice's shape.
  await drawShape(alice.page, 'rect', [0.2, 0.3], [0.4, 0.5]);
  await expectSameBoard(peers);
  await drawShape(bob.page, 'ellipse', [0.55, 0.3], [0.75, 0.5]);
  await expectSameBoard(peers);
  const viewRoute = `${server.baseURL}/v/${board.viewId}`;
  const v = await versionWithElements(viewRoute);
  const carol = await openPeer(browser, viewRoute, { name: 'Carol', color: '#2f9e44' });
  await openHistory(carol.page);
  await carol.page.locator(`[data-testid="history-version"][data-seq="${v.seq}"]`).click();
  await expect(carol.page.getByTestId('history-preview')).toBeVisible();
  await expect(carol.page.getByTestId('history-restore')).toHaveCount(0);
  await expect(carol.page.getByTestId('history-download-png')).toHaveAttribute('href', `/v/${board.viewId}/export.png?seq=${v.seq}`);
  await closePeers(alice, bob, carol);
});

test('recent boards: the boards this browser opened, newest first, with their titles; forget takes one off', async ({ browser, server }) => {
  const first = await createBoard(server.baseURL, 'First board');
  const second = await createBoard(server.baseURL, 'Second board');
  const { context, page } = await openPeer(browser, `${server.baseURL}/b/${first.id}`, ALICE);

  await test.step('a rename while open is what the list shows', async () => {
    await page.evaluate(() => window.easel.board.setTitle('First board, renamed'));
    await expectSettled(page, 'Alice');
  });
  await test.step('the second board through its view link', async () => {
    await page.goto(`${server.baseURL}/v/${second.viewId}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  });

  await page.goto(`${server.baseURL}/`);
  const recent = page.getByTestId('recent-boards');
  const items = recent.locator('[data-testid="recent-board"]');
  await test.step('the landing page lists both, newest first, each linking to the link that was opened', async () => {
    await expect(recent).toBeVisible();
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toContainText('Second board');
    await expect(items.nth(0)).toContainText('View only');
    await expect(items.nth(0).locator('a')).toHaveAttribute('href', `/v/${second.viewId}`);
    await expect(items.nth(1)).toContainText('First board, renamed');
    await expect(items.nth(1)).not.toContainText('View only');
    await expect(items.nth(1).locator('a')).toHaveAttribute('href', `/b/${first.id}`);
    await expect(items.nth(0)).toContainText('just now');
  });

  await test.step('forget takes one off, for good', async () => {
    await items.nth(0).getByTestId('recent-forget').click();
    await expect(items).toHaveCount(1);
    await expect(items.nth(0)).toContainText('First board, renamed');
    await page.reload();
    await expect(items).toHaveCount(1);
    await items.nth(0).getByTestId('recent-forget').click();
    await expect(recent).toBeHidden();
  });

  await test.step('a link of the list opens the board', async () => {
    await page.goto(`${server.baseURL}/b/${first.id}`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await page.goto(`${server.baseURL}/`);
    await items.nth(0).locator('a').click();
    await expect(page).toHaveURL(`${server.baseURL}/b/${first.id}`);
  });
  await context.close();
});

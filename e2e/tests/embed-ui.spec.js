// @ts-check
// Embedding a board in another site (issue 19), the browser's side: the
// page as an embed (?embed=1: no top bar, "Open in Easel" to the full
// board, still drawing on an edit embed, read-only on a view embed), and
// the share menu's <iframe> snippets (the view link's; the edit link's only
// for editors, behind its warning). The pages are opened directly: framing
// is what the server restricts, and the cross-origin frame with its
// postMessage events is another spec's.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, clickInTopBar, expectOnScreen } = require('../helpers');
const { boardToPage, drawShape, elements } = require('../drawing');

/** The site the server lets frame its boards in these tests. */
const HOST = 'http://localhost:9999';
const PERMISSIONS = ['clipboard-read', 'clipboard-write'];

/**
 * The snippet the share menu gives for a board URL.
 * @param {string} url absolute, without ?embed=1
 * @param {string} escapedTitle the title as HTML text
 */
function snippet(url, escapedTitle) {
  return `<iframe src="${url}?embed=1" width="800" height="600" style="border:0" title="${escapedTitle} — Easel" allow="clipboard-write"></iframe>`;
}

/**
 * Adds a rectangle to a board through its import route (no page needed).
 * @param {string} baseURL
 * @param {string} id the board's edit id
 * @param {number} x
 * @returns {Promise<string>} the new element's id
 */
async function importRectangle(baseURL, id, x) {
  const scene = { type: 'excalidraw', version: 2, elements: [{ id: 'r', type: 'rectangle', x, y: 100, width: 200, height: 120, strokeColor: '#1e1e1e', backgroundColor: 'transparent', strokeWidth: 2 }] };
  const res = await fetch(`${baseURL}/b/${id}/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scene) });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.ids[0];
}

test.describe('with --origins', () => {
  test.use({ serverArgs: ['--origins', HOST] });

  test('an edit embed has no top bar, opens the full board in a new tab, fills the frame and still draws @phone', async ({ browser, server }) => {
    const board = await createBoard(server.baseURL, 'Embedded');
    const full = `${server.baseURL}/b/${board.id}`;
    const { context, page } = await openPeer(browser, `${full}?embed=1`, ALICE);

    await expect(page.locator('header.topbar')).toHaveCount(0);
    for (const id of ['menu-toggle', 'peer-list', 'share-edit-link', 'share-view-link', 'share-embed', 'export-menu', 'theme-toggle', 'history-button', 'delete-board']) {
      await expect(page.getByTestId(id), `${id} is not on an embed`).toHaveCount(0);
    }
    const open = page.getByTestId('embed-open');
    await expect(open).toBeVisible();
    await expectOnScreen(page, open, 'embed-open');
    expect(await open.evaluate((a) => /** @type {HTMLAnchorElement} */ (a).href), 'embed-open goes to the board without ?embed=1').toBe(full);
    await expect(open).toHaveAttribute('target', '_blank');
    await expect(open).toHaveAttribute('rel', /\bnoopener\b/);

    // The board is the whole frame.
    const vp = page.viewportSize() || { width: 0, height: 0 };
    const canvas = await page.getByTestId('board-canvas').boundingBox();
    expect(canvas, 'the canvas fills the page').toEqual({ x: 0, y: 0, width: vp.width, height: vp.height });

    // The editing tools are there and draw, for everyone on the board.
    const rect = await drawShape(page, 'rect', [0.3, 0.4], [0.6, 0.6]);
    expect(rect.kind).toBe('rect');

    // "Open in Easel": the full board, with its top bar and the embed's rectangle.
    const [tab] = await Promise.all([context.waitForEvent('page'), open.click()]);
    await expect(tab).toHaveURL(full);
    await expect(tab.locator('header.topbar')).toBeVisible();
    await expect(tab.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await expect.poll(async () => (await elements(tab)).map((el) => el.id), { message: 'the full board shows the embed\'s rectangle' }).toContain(rect.id);
  });

  test('a view embed shows the board read-only, links to the view page and holds no edit id @phone', async ({ browser, server }) => {
    const board = await createBoard(server.baseURL, 'Watched');
    const first = await importRectangle(server.baseURL, board.id, 100);

    const viewURL = `${server.baseURL}/v/${board.viewId}`;
    const { page } = await openPeer(browser, `${viewURL}?embed=1`, BOB);
    await expect(page.locator('header.topbar')).toHaveCount(0);
    const shown = () => expect.poll(async () => (await elements(page)).map((el) => el.id), { message: 'the view embed shows the board, live' });
    await shown().toContain(first);
    const second = await importRectangle(server.baseURL, board.id, 400);
    await shown().toContain(second);
    await expect(page.getByTestId('tool-rect'), 'no drawing tool on a view embed').toBeHidden();
    const open = page.getByTestId('embed-open');
    await expect(open).toBeVisible();
    expect(await open.evaluate((a) => /** @type {HTMLAnchorElement} */ (a).href)).toBe(viewURL);
    expect(await page.content(), 'the view embed\'s DOM holds the edit id').not.toContain(board.id);
  });

  test('an embed opens on the whole drawing, even one far from the board\'s origin @phone', async ({ browser, server }) => {
    const board = await createBoard(server.baseURL, 'Far away');
    // 200 × 120 at (1500, 100): right of the default view of a 1280 px screen, and of a phone's.
    const far = await importRectangle(server.baseURL, board.id, 1500);
    const { page } = await openPeer(browser, `${server.baseURL}/v/${board.viewId}?embed=1`, BOB);
    await expect.poll(async () => (await elements(page)).map((el) => el.id)).toContain(far);
    const vp = page.viewportSize() || { width: 0, height: 0 };
    const inView = async () => {
      const [a, b] = [await boardToPage(page, 1500, 100), await boardToPage(page, 1700, 220)];
      return a.x >= 0 && a.y >= 0 && b.x <= vp.width && b.y <= vp.height;
    };
    await expect.poll(inView, { message: 'the far rectangle is in the frame' }).toBe(true);
  });

  test('a board deleted under an embed says so, and its links leave the frame for a new tab', async ({ browser, server }) => {
    const board = await createBoard(server.baseURL, 'Short-lived');
    const { page } = await openPeer(browser, `${server.baseURL}/v/${board.viewId}?embed=1`, BOB);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    const res = await fetch(`${server.baseURL}/b/${board.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    const gone = page.getByTestId('board-deleted');
    await expect(gone).toBeVisible();
    // Easel's other pages refuse frames: inside the frame they would show the browser's broken page.
    for (const link of await gone.locator('a').all()) {
      await expect(link).toHaveAttribute('target', '_blank');
      await expect(link).toHaveAttribute('rel', /\bnoopener\b/);
    }
  });

  test('the share menu gives the view link\'s snippet, and editors the edit link\'s behind its warning @phone', async ({ browser, server }) => {
    const title = 'Plans <Q3> & "more"';
    const escaped = 'Plans &lt;Q3&gt; &amp; &quot;more&quot;';
    const board = await createBoard(server.baseURL, title);
    const { context, page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE);
    await context.grantPermissions(PERMISSIONS, { origin: server.baseURL });

    await clickInTopBar(page, 'share-embed');
    await expect(page.getByTestId('share-embed')).toHaveAttribute('aria-expanded', 'true');
    const view = page.getByTestId('embed-snippet-view');
    const viewSnippet = snippet(`${server.baseURL}/v/${board.viewId}`, escaped);
    await expect(view).toBeVisible();
    await expect(view).toHaveValue(viewSnippet);
    await expect(page.getByTestId('embed-no-origins'), 'the server allows a site').toHaveCount(0);
    await expectOnScreen(page, page.locator('#embed-panel'), 'the embed panel');
    // Nothing of the bar was pushed off by the button (wide screens show it all).
    for (const id of ['share-embed', 'theme-toggle', 'history-button', 'delete-board', 'connection-status']) {
      const el = page.getByTestId(id);
      if (await el.isVisible()) await expectOnScreen(page, el, id);
    }

    // The edit link's snippet is folded behind its warning.
    const edit = page.getByTestId('embed-snippet-edit');
    await expect(edit).toBeHidden();
    await page.getByTestId('embed-edit-toggle').click();
    await expect(edit).toBeVisible();
    await expect(edit).toHaveValue(snippet(`${server.baseURL}/b/${board.id}`, escaped));
    await expect(page.locator('#embed-panel')).toContainText('Anyone who can see the page it is embedded in can edit this board');

    // Copy copies the snippet.
    const copy = page.getByTestId('embed-copy-view');
    await copy.click();
    await expect(copy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(viewSnippet);

    // Escape closes the panel (and only it); opened again, the edit snippet is folded again.
    await page.keyboard.press('Escape');
    await expect(view).toBeHidden();
    await expect(page.getByTestId('share-embed')).toHaveAttribute('aria-expanded', 'false');
    await clickInTopBar(page, 'share-embed');
    await expect(view).toBeVisible();
    await expect(edit).toBeHidden();

    // A press outside closes it.
    const canvas = await page.getByTestId('board-canvas').boundingBox();
    if (!canvas) throw new Error('no canvas box');
    await page.mouse.click(canvas.x + canvas.width / 2, canvas.y + canvas.height - 120);
    await expect(view).toBeHidden();
  });
});

test('on a server that lets no site frame its boards, a view page\'s panel says so, with the view snippet alone @phone', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const viewURL = `${server.baseURL}/v/${board.viewId}`;
  const { page } = await openPeer(browser, viewURL, BOB);

  await clickInTopBar(page, 'share-embed');
  await expect(page.getByTestId('embed-snippet-view')).toHaveValue(snippet(viewURL, 'Untitled board'));
  await expect(page.getByTestId('embed-no-origins')).toBeVisible();
  await expect(page.getByTestId('embed-no-origins')).toContainText('--origins');
  await expect(page.getByTestId('embed-snippet-edit')).toHaveCount(0);
  await expect(page.getByTestId('embed-edit-toggle')).toHaveCount(0);
  expect(await page.content(), 'the view page\'s DOM holds the edit id').not.toContain(board.id);
});

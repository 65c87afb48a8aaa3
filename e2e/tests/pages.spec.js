// @ts-check
// The HTML pages: home, /new, edit and view pages, and unknown boards.
const { test, expect, createBoard } = require('../fixtures');

/** @param {string} s */
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

test('home page links to /new', async ({ page, server }) => {
  const res = await page.goto(`${server.baseURL}/`);
  expect(res?.status()).toBe(200);
  const link = page.locator('a[href="/new"], a[href$="/new"]').first();
  await expect(link).toBeVisible();
  expect(await link.evaluate((a) => /** @type {HTMLAnchorElement} */ (a).href)).toBe(`${server.baseURL}/new`);
});

test('/new redirects with 303 to a fresh board', async ({ server }) => {
  const res = await fetch(`${server.baseURL}/new`, { redirect: 'manual' });
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get('location') || '', server.baseURL);
  expect(location.origin).toBe(server.baseURL);
  const m = location.pathname.match(/^\/b\/([^/]+)$/);
  expect(m, `Location ${location}`).not.toBeNull();
  expect(m?.[1]).toMatch(UUID_V4);
});

test('/new lands on an edit page with the board hooks and share links', async ({ page, server }) => {
  await page.goto(`${server.baseURL}/new`);
  await expect(page).toHaveURL(/\/b\/[0-9a-f-]{36}$/);
  const id = new URL(page.url()).pathname.split('/').pop() || '';
  expect(id).toMatch(UUID_V4);

  for (const testid of ['board-canvas', 'board-title', 'connection-status', 'share-edit-link', 'share-view-link']) {
    await expect(page.getByTestId(testid), testid).toBeVisible();
  }
  await expect(page.getByTestId('peer-list')).toBeAttached();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');

  // The page may make the links absolute from script: poll for it.
  await expect(page.getByTestId('share-edit-link'), 'share-edit-link href is the absolute edit URL').toHaveAttribute(
    'href',
    `${server.baseURL}/b/${id}`,
  );
  const viewLink = page.getByTestId('share-view-link');
  await expect(viewLink, 'share-view-link href is an absolute view URL').toHaveAttribute(
    'href',
    new RegExp(`^${escapeRegExp(server.baseURL)}/v/[0-9a-f-]{36}$`),
  );
  const viewHref = (await viewLink.getAttribute('href')) || '';
  const viewId = new URL(viewHref).pathname.split('/').pop() || '';
  expect(viewId, `view link ${viewHref}`).toMatch(UUID_V4);
  expect(viewId).not.toBe(id);
  expect(viewHref).not.toContain(id);
});

test('a view page has no edit link and never reveals the edit id', async ({ page, server }) => {
  const board = await createBoard(server.baseURL, 'Read only');
  expect(board.id).toMatch(UUID_V4);
  expect(board.viewId).toMatch(UUID_V4);
  expect(board.editUrl).toBe(`/b/${board.id}`);
  expect(board.viewUrl).toBe(`/v/${board.viewId}`);

  const res = await page.goto(`${server.baseURL}${board.viewUrl}`);
  expect(res?.status()).toBe(200);
  const html = (await res?.text()) || '';
  expect(html, 'view page HTML contains the edit id').not.toContain(board.id);

  await expect(page.getByTestId('board-canvas')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('share-edit-link')).toHaveCount(0);
  // After the socket's welcome, the live DOM must not hold the edit id either.
  expect(await page.content(), 'view page DOM contains the edit id').not.toContain(board.id);
});

test('unknown or malformed board ids answer 404', async ({ page, server }) => {
  for (const p of [
    '/b/00000000-0000-4000-8000-000000000000',
    '/v/00000000-0000-4000-8000-000000000000',
    '/b/not-a-board',
  ]) {
    const res = await page.goto(`${server.baseURL}${p}`);
    expect(res?.status(), `GET ${p}`).toBe(404);
  }
});

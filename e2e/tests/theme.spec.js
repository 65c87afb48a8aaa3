// @ts-check
// Dark mode: the page follows prefers-color-scheme until the theme-toggle
// (data-theme light|dark) picks one, remembered in localStorage
// (easel.theme) across reloads and pages. In dark mode the board shows dark
// with the default stroke light, while the board's colors (elements(),
// exports) stay what they are: a PNG export is the board's colors on white.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { drawShape, elements } = require('../drawing');

const ME = { name: 'Theo', color: '#7048e8' };

/**
 * The RGB of the page's pixel at (x, y), from a screenshot decoded by the
 * browser itself.
 * @param {import('@playwright/test').Page} page
 * @param {{x: number, y: number}} p page point
 * @returns {Promise<number[]>}
 */
async function pixel(page, p) {
  const png = await page.screenshot({ clip: { x: Math.round(p.x), y: Math.round(p.y), width: 1, height: 1 } });
  return decodePixel(page, png.toString('base64'), 0, 0);
}

/**
 * @param {import('@playwright/test').Page} page any page, to decode with
 * @param {string} base64 a PNG
 * @param {number} x
 * @param {number} y
 * @returns {Promise<number[]>}
 */
async function decodePixel(page, base64, x, y) {
  return page.evaluate(
    async ({ base64, x, y }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (c.getContext('2d'));
      ctx.drawImage(bmp, 0, 0);
      return [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
    },
    { base64, x, y },
  );
}

/** @param {number[]} rgb */
const brightness = (rgb) => (rgb[0] + rgb[1] + rgb[2]) / 3;

/**
 * A point of the canvas where nothing is drawn (and no grid dot): the
 * middle between four dots of the 24-unit grid, near the bottom right.
 * @param {import('@playwright/test').Page} page
 */
async function emptyPoint(page) {
  const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await page.getByTestId('board-canvas').boundingBox());
  const p = await page.evaluate(() => /** @type {any} */ (window).easel.viewport.toScreen(612, 492));
  return { x: box.x + p.x, y: box.y + p.y };
}

test('with the system dark, the page is dark, the default stroke shows light, and the board and its PNG keep their colors', async ({
  browser,
  server,
}) => {
  const board = await createBoard(server.baseURL, 'Dark');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME, { colorScheme: 'dark' });
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme', 'dark');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await test.step('the board is dark', async () => {
    expect(brightness(await pixel(page, await emptyPoint(page))), 'board background').toBeLessThan(48);
  });

  const rect = await drawShape(page, 'rect', [0.2, 0.3], [0.4, 0.55]);
  await test.step('the default stroke is drawn light, and stays #1e1e1e on the board', async () => {
    expect(rect.stroke).toBe('#1e1e1e');
    const box = /** @type {{x: number, y: number}} */ (await page.getByTestId('board-canvas').boundingBox());
    const edge = await page.evaluate(([x, y]) => /** @type {any} */ (window).easel.viewport.toScreen(x, y), [rect.x, rect.y + (rect.h ?? 0) / 2]);
    // The middle of the left edge (2 px wide): the brightest of three pixels across it.
    const across = [];
    for (const dx of [-1, 0, 1]) across.push(brightness(await pixel(page, { x: box.x + edge.x + dx, y: box.y + edge.y })));
    expect(Math.max(...across), `stroke pixels ${across.join(', ')}`).toBeGreaterThan(160);
    expect((await elements(page)).map((el) => el.stroke)).toEqual(['#1e1e1e']);
  });

  await test.step('the PNG export is the board’s colors on white', async () => {
    const res = await fetch(`${server.baseURL}/b/${board.id}/export.png`);
    expect(res.status).toBe(200);
    const png = Buffer.from(await res.arrayBuffer()).toString('base64');
    const corner = await decodePixel(page, png, 1, 1);
    expect(brightness(corner), `export background ${corner}`).toBeGreaterThan(245);
  });
});

test('the toggle switches the theme, is remembered across reloads and pages, and wins over the system', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME, { colorScheme: 'light' });
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('data-theme', 'light');
  expect(brightness(await pixel(page, await emptyPoint(page))), 'light board').toBeGreaterThan(240);

  await test.step('the system turning dark is followed while nothing is chosen', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(toggle).toHaveAttribute('data-theme', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(toggle).toHaveAttribute('data-theme', 'light');
  });

  await test.step('the toggle turns it dark and remembers', async () => {
    await toggle.click();
    await expect(toggle).toHaveAttribute('data-theme', 'dark');
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(await page.evaluate(() => localStorage.getItem('easel.theme'))).toBe('dark');
    await expect.poll(async () => brightness(await pixel(page, await emptyPoint(page))), { message: 'board after the toggle' }).toBeLessThan(48);
  });

  await test.step('a reload and the home page stay dark although the system is light', async () => {
    await page.reload();
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', 'dark');
    await page.goto(`${server.baseURL}/`);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const rgb = (bg.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    expect(brightness(rgb), `home page background ${bg}`).toBeLessThan(48);
  });

  await test.step('choosing light wins over a dark system', async () => {
    await page.goto(`${server.baseURL}/b/${board.id}`);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('theme-toggle').click();
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', 'light');
    await page.reload();
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', 'light');
    expect(await page.evaluate(() => localStorage.getItem('easel.theme'))).toBe('light');
  });
});

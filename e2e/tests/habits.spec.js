// @ts-check
// Excalidraw's editing habits: the tool gives way to select after drawing
// unless the tool lock is on, number keys pick tools in toolbar order, H
// pans, Shift+1 fits the drawing, the 100 % button brings it back.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE } = require('../helpers');
const { pressAs } = require('../keys');
const { elements, easelState, chooseTool, canvasPoint, drag, added, drawShape, boardToPage } = require('../drawing');

test.describe.configure({ timeout: 60_000 });

/**
 * @param {import('@playwright/test').Browser} browser
 * @param {{baseURL: string}} server
 */
async function alone(browser, server) {
  const board = await createBoard(server.baseURL);
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE);
  return page;
}

/**
 * The page's view: origin and scale.
 * @param {import('@playwright/test').Page} page
 * @returns {Promise<{x: number, y: number, scale: number}>}
 */
async function view(page) {
  // @ts-ignore
  return page.evaluate(() => ({ ...window.easel.viewport.view }));
}

/**
 * Whether the whole of every element is inside the visible canvas (page px).
 * @param {import('@playwright/test').Page} page
 */
async function allInView(page) {
  const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await page.getByTestId('board-canvas').boundingBox());
  const vp = page.viewportSize() || { width: 1280, height: 800 };
  const right = Math.min(box.x + box.width, vp.width);
  const bottom = Math.min(box.y + box.height, vp.height);
  for (const el of await elements(page)) {
    const a = await boardToPage(page, el.x, el.y);
    const b = await boardToPage(page, el.x + (el.w ?? 0), el.y + (el.h ?? 0));
    if (a.x < box.x || a.y < box.y || b.x > right || b.y > bottom) return false;
  }
  return true;
}

/**
 * Whether any element's centre is inside the visible canvas.
 * @param {import('@playwright/test').Page} page
 */
async function anyInView(page) {
  const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await page.getByTestId('board-canvas').boundingBox());
  for (const el of await elements(page)) {
    const c = await boardToPage(page, el.x + (el.w ?? 0) / 2, el.y + (el.h ?? 0) / 2);
    if (c.x > box.x && c.y > box.y && c.x < box.x + box.width && c.y < box.y + box.height) return true;
  }
  return false;
}

/**
 * Drags between canvas fractions with the current tool; returns the new element.
 * @param {import('@playwright/test').Page} page
 * @param {[number, number]} f1
 * @param {[number, number]} f2
 */
async function dragNew(page, f1, f2) {
  const a = await canvasPoint(page, ...f1);
  const b = await canvasPoint(page, ...f2);
  return added(page, 'a drag', () => drag(page, a, b));
}

test('after drawing a shape the tool returns to select with the shape selected, unless the tool lock is on', async ({ browser, server }) => {
  const page = await alone(browser, server);
  const lock = page.getByTestId('tool-lock');

  await test.step('rectangle: drawn, then select is on and the rectangle selected', async () => {
    const rect = await drawShape(page, 'rect', [0.1, 0.3], [0.2, 0.45]);
    await expect.poll(async () => (await easelState(page)).tool).toBe('select');
    await expect.poll(async () => (await easelState(page)).selection).toEqual([rect.id]);
    await expect(page.getByTestId('tool-select')).toHaveAttribute('aria-pressed', 'true');
  });

  await test.step('the pen stays on, as in Excalidraw', async () => {
    await chooseTool(page, 'pen');
    await dragNew(page, [0.3, 0.3], [0.4, 0.4]);
    expect((await easelState(page)).tool).toBe('pen');
  });

  await test.step('Q turns the tool lock on: two arrows in a row', async () => {
    await expect(lock).toHaveAttribute('aria-pressed', 'false');
    await page.keyboard.press('q');
    await expect(lock).toHaveAttribute('aria-pressed', 'true');
    await chooseTool(page, 'arrow');
    await dragNew(page, [0.5, 0.3], [0.6, 0.4]);
    expect((await easelState(page)).tool).toBe('arrow');
    const second = await dragNew(page, [0.5, 0.5], [0.6, 0.6]);
    expect(second.kind).toBe('arrow');
    expect((await easelState(page)).tool).toBe('arrow');
  });

  await test.step('the padlock button turns it off again', async () => {
    await lock.click();
    await expect(lock).toHaveAttribute('aria-pressed', 'false');
    await chooseTool(page, 'ellipse');
    await dragNew(page, [0.7, 0.3], [0.8, 0.4]);
    await expect.poll(async () => (await easelState(page)).tool).toBe('select');
  });
});

test('number keys 1–9 pick the tools in toolbar order', async ({ browser, server }) => {
  const page = await alone(browser, server);
  // The numbered tools as the toolbar shows them, left to right (the hand and the laser have no number).
  const names = await page
    .locator('.toolbar [data-testid^="tool-"]')
    .evaluateAll((els) =>
      els
        .filter((el) => el.getBoundingClientRect().width > 0)
        .sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left)
        .map((el) => /** @type {HTMLElement} */ (el).dataset.testid?.slice('tool-'.length)),
    );
  const numbered = names.filter((n) => n !== 'lock' && n !== 'hand' && n !== 'laser');
  expect(numbered.length, `tools in the toolbar: ${names.join(', ')}`).toBeGreaterThanOrEqual(9);
  // Start from a tool none of the keys picks first.
  await page.keyboard.press('h');
  await expect.poll(async () => (await easelState(page)).tool).toBe('hand');
  for (let i = 9; i >= 1; i--) {
    await page.keyboard.press(String(i));
    await expect.poll(async () => (await easelState(page)).tool, { message: `tool after pressing ${i}` }).toBe(numbered[i - 1]);
    await expect(page.getByTestId(`tool-${numbered[i - 1]}`)).toHaveAttribute('aria-pressed', 'true');
  }
  // By position: on a French layout the key of 3 types '"' (and "3" with Shift).
  await pressAs(page, { key: '"', code: 'Digit3' });
  await expect.poll(async () => (await easelState(page)).tool, { message: 'tool after the key of 3 on AZERTY' }).toBe(numbered[2]);
  // Letters from other scripts: the key of H on a Russian layout types "р".
  await pressAs(page, { key: 'р', code: 'KeyH' });
  await expect.poll(async () => (await easelState(page)).tool, { message: 'tool after the key of H on a Russian layout' }).toBe('hand');
});

test('H picks the hand: dragging with the primary button pans and draws nothing', async ({ browser, server }) => {
  const page = await alone(browser, server);
  await drawShape(page, 'rect', [0.4, 0.4], [0.5, 0.5]);
  await page.keyboard.press('h');
  await expect(page.getByTestId('tool-hand')).toHaveAttribute('aria-pressed', 'true');
  const before = await view(page);
  const count = (await elements(page)).length;
  const from = await canvasPoint(page, 0.5, 0.45);
  await drag(page, from, { x: from.x - 200, y: from.y + 120 });
  await expect
    .poll(async () => {
      const v = await view(page);
      return [Math.round((v.x - before.x) * before.scale), Math.round((v.y - before.y) * before.scale)];
    })
    .toEqual([200, -120]);
  expect((await elements(page)).length, 'the hand made nothing').toBe(count);
  expect((await easelState(page)).selection).toEqual([]);
});

test('Shift+1 zooms to fit everything', async ({ browser, server }) => {
  const page = await alone(browser, server);
  await drawShape(page, 'rect', [0.1, 0.3], [0.2, 0.4]);
  // Far away to the right and below: pan there with the hand, draw again.
  await page.keyboard.press('h');
  for (let i = 0; i < 3; i++) await drag(page, await canvasPoint(page, 0.9, 0.9), await canvasPoint(page, 0.1, 0.2));
  await drawShape(page, 'ellipse', [0.6, 0.6], [0.7, 0.7]);
  expect(await allInView(page), 'not everything is in view before').toBe(false);
  await page.keyboard.press('Shift+Digit1');
  await expect.poll(() => allInView(page), { message: 'everything in view after Shift+1' }).toBe(true);
  const fitted = (await easelState(page)).zoom;
  expect(fitted).toBeLessThan(1);
  // The same on a French layout, where Shift and the key of 1 type "1".
  await page.getByTestId('zoom-reset').click();
  await expect.poll(async () => (await easelState(page)).zoom).toBe(1);
  await pressAs(page, { key: '1', code: 'Digit1', shift: true });
  await expect.poll(async () => (await easelState(page)).zoom, { message: 'Shift+1 on AZERTY fits too' }).toBe(fitted);
});

test('the zoom-reset button goes to 100 % and brings the drawing back when none of it is in view', async ({ browser, server }) => {
  const page = await alone(browser, server);
  await drawShape(page, 'rect', [0.4, 0.4], [0.55, 0.55]);
  const reset = page.getByTestId('zoom-reset');

  await test.step('drawing in view: 100 % around the same centre, nothing else', async () => {
    await page.getByTestId('zoom-in').click();
    await expect(reset).toHaveText('125%');
    const v = await view(page);
    await reset.click();
    await expect(reset).toHaveText('100%');
    const box = /** @type {{width: number, height: number}} */ (await page.getByTestId('board-canvas').boundingBox());
    const after = await view(page);
    const centre = (/** @type {{x: number, y: number, scale: number}} */ w) => [Math.round(w.x + box.width / 2 / w.scale), Math.round(w.y + box.height / 2 / w.scale)];
    expect(centre(after)).toEqual(centre(v));
  });

  await test.step('drawing panned out of view and zoomed: 100 % and the drawing in the middle', async () => {
    await page.keyboard.press('h');
    for (let i = 0; i < 3; i++) await drag(page, await canvasPoint(page, 0.9, 0.9), await canvasPoint(page, 0.05, 0.1));
    await page.getByTestId('zoom-in').click();
    await expect.poll(() => anyInView(page)).toBe(false);
    await reset.click();
    await expect(reset).toHaveText('100%');
    await expect.poll(() => anyInView(page), { message: 'the drawing is back in view' }).toBe(true);
  });
});

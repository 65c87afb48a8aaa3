// @ts-check
// Phone and touch (the phone project: 390×844, hasTouch, isMobile; and a
// 768×1024 tablet): every control of the toolbar, the style panel and the
// menus on screen, title, presence and status visible, no sideways scroll;
// two-finger pan and pinch never leave an element behind, whatever the tool.
//
// Sideways scroll is measured as document.scrollingElement.scrollWidth: with
// isMobile Chromium widens innerWidth to fit overflowing content, so
// comparing with innerWidth would pass a broken layout.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { elements, easelState, chooseTool, canvasPoint, drawShape } = require('../drawing');
const { addCrowd } = require('../crowd');
const { expectOnScreen } = require('../helpers');

test.describe.configure({ timeout: 60_000 });

const ME = { name: 'Phone Person', color: '#1c7ed6' };
const NAMES = ['Alice Wonderland', 'Bob', 'Carol Christmas', 'Dan', 'Eve', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy'];
const COLORS = ['#e03131', '#f76707', '#f59f00', '#37b24d', '#0ca678', '#1098ad', '#7048e8', '#ae3ec9', '#d6336c', '#5c940d', '#4263eb', '#868e96', '#495057', '#c92a2a'];

/**
 * Every visible control inside `container` is on screen.
 * @param {import('@playwright/test').Page} page
 * @param {import('@playwright/test').Locator} container
 * @param {string} what
 */
async function expectControlsOnScreen(page, container, what) {
  const controls = container.locator('button, input:not([type="file"]), select, a');
  const n = await controls.count();
  let seen = 0;
  for (let i = 0; i < n; i++) {
    const c = controls.nth(i);
    if (!(await c.isVisible())) continue;
    seen++;
    const id = (await c.getAttribute('data-testid')) ?? (await c.getAttribute('aria-label')) ?? `#${i}`;
    await expectOnScreen(page, c, `${what}: ${id}`);
  }
  expect(seen, `${what}: controls shown`).toBeGreaterThan(0);
}

/** @param {import('@playwright/test').Page} page */
async function expectNoSidewaysScroll(page) {
  const vp = /** @type {{width: number}} */ (page.viewportSize());
  const width = await page.evaluate(() => /** @type {Element} */ (document.scrollingElement).scrollWidth);
  expect(width, 'document.scrollingElement.scrollWidth').toBeLessThanOrEqual(vp.width);
}

for (const device of [
  { name: 'phone', viewport: undefined },
  { name: 'tablet', viewport: { width: 768, height: 1024 } },
]) {
  test(`on a ${device.name}, the toolbar, the style controls, the menus and 14 peers all fit on screen @phone`, async ({
    browser,
    server,
  }) => {
    const board = await createBoard(server.baseURL, 'A board title long enough to need shortening on a phone');
    await addCrowd(
      browser,
      server.baseURL,
      board.id,
      NAMES.map((name, i) => ({ name, color: COLORS[i] })),
    );
    const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME, device.viewport ? { viewport: device.viewport } : {});
    await expect(page.getByTestId('peer-chip')).toHaveCount(15);
    await expectNoSidewaysScroll(page);

    await test.step('title, presence and status are visible in the top bar', async () => {
      await expectOnScreen(page, page.getByTestId('board-title'), 'board-title');
      await expectOnScreen(page, page.getByTestId('peer-list'), 'peer-list');
      await expectOnScreen(page, page.getByTestId('connection-status'), 'connection-status');
      await expectOnScreen(page, page.getByTestId('peer-list').getByTestId('peer-chip').first(), 'your chip');
      await expectControlsOnScreen(page, page.locator('.topbar'), 'top bar');
    });

    await test.step('"+N" lists the peers the bar has no room for, on screen', async () => {
      const shown = await page.locator('[data-testid="peer-list"] > [data-testid="peer-chip"]').count();
      const more = page.getByTestId('peer-more');
      await expect(more).toHaveText(`+${15 - shown}`);
      await more.click();
      await expect(more).toHaveAttribute('aria-expanded', 'true');
      const rest = page.locator('.peer-overflow [data-testid="peer-chip"]');
      await expect(rest).toHaveCount(15 - shown);
      await expectOnScreen(page, rest.first(), 'first chip of the +N list');
      await expectOnScreen(page, page.locator('.peer-overflow'), 'the +N list');
      await page.keyboard.press('Escape');
      await expect(more).toHaveAttribute('aria-expanded', 'false');
    });

    await test.step('every tool is on screen', async () => {
      await expectControlsOnScreen(page, page.locator('.toolbar'), 'toolbar');
      for (const tool of ['select', 'pen', 'rect', 'ellipse', 'line', 'arrow', 'text', 'sticky', 'eraser']) {
        await expectOnScreen(page, page.getByTestId(`tool-${tool}`), `tool-${tool}`);
      }
    });

    await test.step('the style controls open as a panel, on screen, and work', async () => {
      const toggle = page.getByTestId('style-toggle');
      await expect(page.getByTestId('stroke-width')).toBeHidden();
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      for (const id of ['stroke-color', 'fill-color', 'fill-none', 'stroke-width']) await expectOnScreen(page, page.getByTestId(id), id);
      await expectControlsOnScreen(page, page.locator('.toolbar'), 'toolbar with its style panel');
      await page.getByTestId('stroke-width').fill('6');
      await page.getByTestId('stroke-width').press('Enter');
      await expect.poll(async () => page.evaluate(() => /** @type {any} */ (window).easel.board.style.width)).toBe(6);
      await expectNoSidewaysScroll(page);
      await toggle.click();
      await expect(page.getByTestId('stroke-width')).toBeHidden();
    });

    await test.step('the download menu opens fully on screen', async () => {
      await page.getByTestId('export-menu').click();
      await expect(page.getByTestId('export-menu')).toHaveAttribute('aria-expanded', 'true');
      for (const id of ['export-format-png', 'export-format-svg', 'export-format-pdf', 'export-format-json', 'export-scale', 'export-start']) {
        await expectOnScreen(page, page.getByTestId(id), id);
      }
      await expectControlsOnScreen(page, page.locator('#export-panel'), 'export panel');
      await expectNoSidewaysScroll(page);
      await page.getByTestId('export-menu').click();
      await expect(page.getByTestId('export-format-png')).toBeHidden();
    });

    await test.step('import, share links, name, color and theme are reachable', async () => {
      await expectOnScreen(page, page.getByTestId('import-button'), 'import-button');
      const menu = page.getByTestId('menu-toggle');
      await menu.click();
      await expect(menu).toHaveAttribute('aria-expanded', 'true');
      for (const id of ['share-edit-link', 'share-view-link', 'theme-toggle']) await expectOnScreen(page, page.getByTestId(id), id);
      await expectOnScreen(page, page.locator('#name-input'), 'name input');
      await expectOnScreen(page, page.locator('#color-input'), 'color input');
      await expectNoSidewaysScroll(page);
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('share-view-link')).toBeHidden();
    });
  });
}

test('while the server is away, "N unsaved changes" and a short title both show in full on a phone @phone', async ({ browser, server }) => {
  // On one line the status took the title's room: "O…" beside "3 unsaved c…".
  const board = await createBoard(server.baseURL, 'Offline');
  await addCrowd(browser, server.baseURL, board.id, [{ name: 'Bo', color: '#1098ad' }, { name: 'Cy', color: '#7048e8' }]);
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME);
  await expect(page.getByTestId('peer-chip')).toHaveCount(3);
  await server.stop();
  await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'connected');
  for (const f of [0.2, 0.5]) await drawShape(page, 'rect', [f, 0.4], [f + 0.2, 0.5]);
  const status = page.getByTestId('connection-status').locator('.status__text');
  await expect(status).toHaveText('2 unsaved changes');
  /** @param {import('@playwright/test').Locator} l */
  const cut = (l) => l.evaluate((el) => el.scrollWidth > el.clientWidth + 1.5 || el.scrollHeight > el.clientHeight + 1.5);
  await expect.poll(() => cut(page.getByTestId('board-title')), { message: 'board-title "Offline" cut short' }).toBe(false);
  await expect.poll(() => cut(status), { message: '"2 unsaved changes" cut short' }).toBe(false);
  await expectOnScreen(page, status, 'the status text');
  await expectNoSidewaysScroll(page);
  await server.start();
});

/**
 * The two boxes share no pixel.
 * @param {{x: number, y: number, width: number, height: number}} a
 * @param {{x: number, y: number, width: number, height: number}} b
 */
function apart(a, b) {
  return a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
}

for (const device of [
  { name: 'phone', viewport: undefined },
  { name: 'tablet', viewport: { width: 768, height: 1024 } },
]) {
  test(`on a ${device.name}, the selection bar covers no tool and no style control, with the style panel shut or open @phone`, async ({ browser, server }) => {
    // It used to sit at a fixed top: under a two-row toolbar it covered the
    // sticky, eraser and style buttons whenever something was selected.
    const board = await createBoard(server.baseURL);
    const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME, device.viewport ? { viewport: device.viewport } : {});
    await drawShape(page, 'rect', [0.2, 0.4], [0.5, 0.55]);
    const bar = page.getByTestId('selection-actions');
    await expect(bar).toBeVisible();
    const toggle = page.getByTestId('style-toggle');
    for (const open of [false, true]) {
      if (open) {
        await toggle.click();
        await expect(toggle).toHaveAttribute('aria-expanded', 'true');
      }
      await expectOnScreen(page, bar, `selection-actions (style panel ${open ? 'open' : 'shut'})`);
      const controls = page.locator('.toolbar').locator('button, input, select');
      const n = await controls.count();
      for (let i = 0; i < n; i++) {
        const c = controls.nth(i);
        if (!(await c.isVisible())) continue;
        const id = (await c.getAttribute('data-testid')) ?? `#${i}`;
        await expect
          .poll(async () => {
            const [cb, bb] = [await c.boundingBox(), await bar.boundingBox()];
            return cb !== null && bb !== null && apart(cb, bb);
          }, { message: `${id} clear of the selection bar (style panel ${open ? 'open' : 'shut'})` })
          .toBe(true);
      }
    }
    // And the control it used to cover works while the shape stays selected.
    await page.getByTestId('stroke-style-dashed').click();
    await expect.poll(async () => (await elements(page))[0]?.dash).toBe('dashed');
    // A download's progress does not cover the bar either.
    await toggle.click();
    await page.getByTestId('export-menu').click();
    await page.getByTestId('export-start').click();
    const progress = page.locator('#downloads');
    await expect(progress).toBeVisible();
    await expect
      .poll(async () => {
        const [pb, bb] = [await progress.boundingBox(), await bar.boundingBox()];
        return pb !== null && bb !== null && apart(pb, bb);
      }, { message: 'download progress clear of the selection bar' })
      .toBe(true);
    // Nor does the toast of an import (whose elements come selected), nor
    // does it cover the undo and zoom bar.
    await page.getByTestId('import-file').setInputFiles(require('path').join(__dirname, '../fixtures/shapes.excalidraw'));
    const toast = page.getByTestId('toast');
    await expect(toast).toContainText('Imported 3 elements');
    await expect(bar).toBeVisible();
    for (const [what, other] of /** @type {const} */ ([['selection bar', bar], ['undo and zoom bar', page.locator('.viewbar')]])) {
      await expect
        .poll(async () => {
          const [tb, ob] = [await toast.boundingBox(), await other.boundingBox()];
          return tb !== null && ob !== null && apart(tb, ob);
        }, { message: `toast clear of the ${what}` })
        .toBe(true);
    }
  });
}

/**
 * Touches through the DevTools protocol: Playwright's touchscreen only taps
 * with one finger.
 */
class Fingers {
  /** @param {import('@playwright/test').CDPSession} cdp */
  constructor(cdp) {
    this.cdp = cdp;
  }

  /** @param {import('@playwright/test').Page} page */
  static async on(page) {
    return new Fingers(await page.context().newCDPSession(page));
  }

  /**
   * @param {'touchStart' | 'touchMove' | 'touchEnd'} type
   * @param {Array<{x: number, y: number, id: number}>} points every finger down after the event
   */
  async send(type, points) {
    await this.cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points });
  }

  /**
   * One finger lands at `a` and starts a gesture, a second lands at `b`,
   * then both spread apart and drift (pinch and pan), then both lift.
   * @param {{x: number, y: number}} a
   * @param {{x: number, y: number}} b
   */
  async pinch(a, b) {
    await this.send('touchStart', [{ ...a, id: 1 }]);
    for (let i = 1; i <= 4; i++) await this.send('touchMove', [{ x: a.x + 5 * i, y: a.y + 4 * i, id: 1 }]);
    const a1 = { x: a.x + 20, y: a.y + 16 };
    await this.send('touchStart', [
      { ...a1, id: 1 },
      { ...b, id: 2 },
    ]);
    for (let i = 1; i <= 6; i++) {
      await this.send('touchMove', [
        { x: a1.x - 6 * i + 3 * i, y: a1.y - 8 * i + 4 * i, id: 1 },
        { x: b.x + 6 * i + 3 * i, y: b.y + 8 * i + 4 * i, id: 2 },
      ]);
    }
    await this.send('touchEnd', []);
  }

  /**
   * One finger drags from a to b.
   * @param {{x: number, y: number}} a
   * @param {{x: number, y: number}} b
   */
  async drag(a, b) {
    await this.send('touchStart', [{ ...a, id: 1 }]);
    for (let i = 1; i <= 8; i++) await this.send('touchMove', [{ x: a.x + ((b.x - a.x) * i) / 8, y: a.y + ((b.y - a.y) * i) / 8, id: 1 }]);
    await this.send('touchEnd', []);
  }

  /** @param {{x: number, y: number}} p */
  async tap(p) {
    await this.send('touchStart', [{ ...p, id: 1 }]);
    await this.send('touchEnd', []);
  }
}

/** @param {import('@playwright/test').Page} page */
async function view(page) {
  return page.evaluate(() => ({ .../** @type {any} */ (window).easel.viewport.view }));
}

/** @param {import('@playwright/test').Page} page */
async function resetView(page) {
  await page.evaluate(() => /** @type {any} */ (window).easel.viewport.set({ x: 0, y: 0, scale: 1 }));
}

test('two-finger pan and pinch create nothing with any tool, and one finger still draws @phone', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME);
  const fingers = await Fingers.on(page);
  const a = await canvasPoint(page, 0.35, 0.45);
  const b = await canvasPoint(page, 0.6, 0.6);

  const tools = ['pen', 'rect', 'ellipse', 'line', 'arrow', 'text', 'sticky', 'eraser', 'select'];
  // Tools other parts add (diamond, …) are in the toolbar too: try every
  // button that turns out to choose a tool (not the image picker).
  const ids = await page.locator('.toolbar [data-testid^="tool-"]').evaluateAll((els) => els.map((e) => String(e.getAttribute('data-testid'))));
  const extra = ids.map((id) => id.slice('tool-'.length)).filter((name) => !tools.includes(name) && name !== 'image');

  for (const tool of [...extra, ...tools]) {
    await test.step(`${tool}: a pinch leaves the board empty and moves the view`, async () => {
      await resetView(page);
      await page.getByTestId(`tool-${tool}`).click();
      const chosen = (await easelState(page)).tool;
      if (extra.includes(tool) && chosen !== tool) return; // a toggle, not a tool
      expect(chosen, `tool-${tool} chooses it`).toBe(tool);
      await fingers.pinch(a, b);
      const after = await view(page);
      expect(after.scale, `${tool}: the pinch zoomed`).toBeGreaterThan(1.05);
      await expect(page.getByTestId('text-editor'), `${tool}: no text editor`).toBeHidden();
      const s = await easelState(page);
      expect({ elements: s.elementCount, pending: s.pending }, `${tool}: nothing made`).toEqual({ elements: 0, pending: 0 });
    });
  }

  await test.step('one finger still draws a rectangle and places a sticky note', async () => {
    await resetView(page);
    await chooseTool(page, 'rect');
    await fingers.drag(a, b);
    await expect.poll(async () => (await elements(page)).map((el) => el.kind)).toEqual(['rect']);
    await chooseTool(page, 'sticky');
    await fingers.tap(await canvasPoint(page, 0.5, 0.25));
    await expect(page.getByTestId('text-editor')).toBeVisible();
    await page.keyboard.type('touched');
    await page.keyboard.press('Escape');
    await expect
      .poll(async () => (await elements(page)).map((el) => `${el.kind}:${el.text ?? ''}`).sort())
      .toEqual(['rect:', 'sticky:touched']);
  });

  await test.step('a pinch that starts on a shape with select leaves it where it was', async () => {
    await chooseTool(page, 'select');
    const before = await elements(page);
    const rect = /** @type {any} */ (before.find((el) => el.kind === 'rect'));
    const on = await page.evaluate(
      ([x, y]) => /** @type {any} */ (window).easel.viewport.toScreen(x, y),
      [rect.x + rect.w / 2, rect.y + rect.h / 2],
    );
    const box = /** @type {{x: number, y: number}} */ (await page.getByTestId('board-canvas').boundingBox());
    await fingers.pinch({ x: box.x + on.x, y: box.y + on.y }, b);
    await expect.poll(async () => (await easelState(page)).pending).toBe(0);
    expect(await elements(page)).toEqual(before);
  });
});

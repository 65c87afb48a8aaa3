// @ts-check
// The clipboard (issue 11, acceptance 3): Ctrl+C in one board, Ctrl+V in
// another board's page gives the same shapes with new ids (bindings and
// groups renamed within the copy); pasting twice gives two copies; each
// paste is one undo step; cut removes and undo brings back; plain text
// pastes as a text element; Ctrl+Shift+C puts an image/png on the
// clipboard. The keyboard drives everything, as a user would.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB } = require('../helpers');
const { elements, expectSettled, canvasPoint } = require('../drawing');

const PERMISSIONS = ['clipboard-read', 'clipboard-write'];

/** Three shapes: a box and a diamond in one group, an arrow bound to both. */
const SHAPES = [
  { id: 'src-box', kind: 'rect', x: 100, y: 100, w: 160, h: 90, rot: 0, stroke: '#1971c2', fill: '#a5d8ff', width: 2, z: 'a0', group: 'pair', text: 'Box' },
  { id: 'src-dia', kind: 'diamond', x: 400, y: 90, w: 120, h: 110, rot: 0, stroke: '#e03131', fill: null, width: 2, z: 'a1', group: 'pair', dash: 'dashed' },
  {
    id: 'src-arrow',
    kind: 'arrow',
    x: 260,
    y: 145,
    w: 0,
    h: 0,
    rot: 0,
    points: [
      [0, 0],
      [140, 0],
    ],
    stroke: '#1e1e1e',
    fill: null,
    width: 2,
    z: 'a2',
    start: { id: 'src-box' },
    end: { id: 'src-dia' },
  },
];

/**
 * Opens a board page that may use the clipboard.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} baseURL
 * @param {{name: string, color: string}} who
 */
async function clipboardPage(browser, baseURL, who) {
  const board = await createBoard(baseURL);
  const { context, page } = await openPeer(browser, `${baseURL}/b/${board.id}`, who);
  await context.grantPermissions(PERMISSIONS, { origin: baseURL });
  return { board, page };
}

/** @param {import('@playwright/test').Page} page */
async function overBoard(page, fx = 0.5, fy = 0.5) {
  const p = await canvasPoint(page, fx, fy);
  await page.mouse.move(p.x, p.y);
  return p;
}

/**
 * The shapes without what a paste changes (id, z, position, bindings, group).
 * @param {any[]} els
 */
function looks(els) {
  return els.map(({ id, z, x, y, start, end, group, ...rest }) => rest);
}

test('copy in one board, paste in another: the same shapes with new ids; twice gives two copies; undo takes one', async ({ browser, server }) => {
  const alice = await clipboardPage(browser, server.baseURL, ALICE);
  const bob = await clipboardPage(browser, server.baseURL, BOB);

  await test.step('Alice selects her three shapes and copies them with Ctrl+C', async () => {
    // @ts-ignore
    await alice.page.evaluate((shapes) => window.easel.board.commit(shapes.map((el) => ({ op: 'put', el }))), SHAPES);
    await expectSettled(alice.page, 'Alice');
    await overBoard(alice.page);
    await alice.page.keyboard.press('Control+a');
    await expect.poll(async () => (await alice.page.evaluate(() => window.easel.state().selection)).length).toBe(3);
    await alice.page.keyboard.press('Control+c');
    await expect
      .poll(() => alice.page.evaluate(() => navigator.clipboard.readText()), { message: 'Easel clipboard JSON on the system clipboard' })
      .toContain('"type":"easel/clipboard"');
  });

  const source = await elements(alice.page);
  const sourceIds = source.map((el) => el.id);

  await test.step("Bob pastes into his board's page with Ctrl+V: the same shapes, new ids, bindings and group within the copy", async () => {
    await overBoard(bob.page, 0.3, 0.4);
    await bob.page.keyboard.press('Control+v');
    await expect.poll(async () => (await elements(bob.page)).length, { message: 'the pasted shapes on Bob\'s board' }).toBe(3);
    await expectSettled(bob.page, 'Bob');
    const pasted = await elements(bob.page);
    expect(looks(pasted)).toEqual(looks(source));
    for (const el of pasted) expect(sourceIds).not.toContain(el.id);
    const [box, dia, arrow] = pasted;
    expect(arrow.start).toEqual({ id: box.id });
    expect(arrow.end).toEqual({ id: dia.id });
    expect(box.group).toBeTruthy();
    expect(box.group).not.toBe('pair');
    expect(dia.group).toBe(box.group);
    // The layout is kept: same offsets between the shapes.
    expect(dia.x - box.x).toBeCloseTo(SHAPES[1].x - SHAPES[0].x, 6);
    expect(arrow.y - box.y).toBeCloseTo(SHAPES[2].y - SHAPES[0].y, 6);
    // Centred on the pointer.
    const centre = await bob.page.evaluate(
      // @ts-ignore
      ([px, py]) => {
        const r = document.querySelector('[data-testid="board-canvas"]').getBoundingClientRect();
        // @ts-ignore
        return window.easel.viewport.toBoard(px - r.left, py - r.top);
      },
      [(await canvasPoint(bob.page, 0.3, 0.4)).x, (await canvasPoint(bob.page, 0.3, 0.4)).y],
    );
    expect(Math.abs((box.x + dia.x + dia.w) / 2 - centre.x)).toBeLessThan(1);
    expect((await bob.page.evaluate(() => window.easel.state().selection)).sort()).toEqual(pasted.map((el) => el.id).sort());
  });

  await test.step('Ctrl+V again: a second copy, 16 units further, its own ids and group', async () => {
    const first = await elements(bob.page);
    await bob.page.keyboard.press('Control+v');
    await expect.poll(async () => (await elements(bob.page)).length).toBe(6);
    await expectSettled(bob.page, 'Bob');
    const all = await elements(bob.page);
    const second = all.filter((el) => !first.some((f) => f.id === el.id));
    expect(second).toHaveLength(3);
    expect(looks(second)).toEqual(looks(first));
    expect(second[0].x - first[0].x).toBeCloseTo(16, 6);
    expect(second[0].y - first[0].y).toBeCloseTo(16, 6);
    expect(second[0].group).not.toBe(first[0].group);
    expect(second[2].start).toEqual({ id: second[0].id });
    // Nothing of the first copy changed.
    for (const f of first) expect(all.find((el) => el.id === f.id)).toEqual(f);
  });

  await test.step('Ctrl+Z removes the second paste only', async () => {
    const before = await elements(bob.page);
    await bob.page.keyboard.press('Control+z');
    await expect.poll(async () => (await elements(bob.page)).length).toBe(3);
    // The first copy is what stays, unchanged.
    expect(await elements(bob.page)).toEqual(before.slice(0, 3));
  });

  await test.step('Ctrl+X on Alice\'s board cuts the selection in one step; Ctrl+Z brings it back', async () => {
    await alice.page.keyboard.press('Control+a');
    await alice.page.keyboard.press('Control+x');
    await expect.poll(async () => (await elements(alice.page)).length).toBe(0);
    await alice.page.keyboard.press('Control+z');
    await expect.poll(async () => (await elements(alice.page)).map((el) => el.id)).toEqual(sourceIds);
    expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toContain('src-arrow');
  });
});

test('plain text pastes as a text element at the pointer; Ctrl+Shift+C copies the selection as a PNG', async ({ browser, server }) => {
  const { page } = await clipboardPage(browser, server.baseURL, ALICE);

  await test.step('pasting plain text makes a text element', async () => {
    await page.evaluate(() => navigator.clipboard.writeText('Hello from the clipboard\nsecond line'));
    await overBoard(page, 0.6, 0.5);
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await elements(page)).length).toBe(1);
    const [text] = await elements(page);
    expect(text).toMatchObject({ kind: 'text', text: 'Hello from the clipboard\nsecond line' });
    await expectSettled(page);
  });

  await test.step('typing into a field keeps the browser\'s own paste', async () => {
    const field = page.locator('#name-input');
    if (await field.isVisible()) {
      await field.fill('');
      await field.focus();
      await page.evaluate(() => navigator.clipboard.writeText('Alma'));
      await page.keyboard.press('Control+v');
      await expect(field).toHaveValue('Alma');
      expect(await elements(page)).toHaveLength(1);
      await field.blur();
    }
  });

  await test.step("Excalidraw's clipboard pastes as an import, centred on the pointer", async () => {
    const scene = {
      type: 'excalidraw/clipboard',
      elements: [
        { id: 'xr', type: 'rectangle', x: 0, y: 0, width: 100, height: 60, strokeColor: '#1e1e1e', backgroundColor: 'transparent', roundness: { type: 3 } },
        { id: 'xd', type: 'diamond', x: 200, y: 0, width: 80, height: 60, strokeColor: '#e03131', backgroundColor: '#ffc9c9' },
      ],
      files: {},
    };
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(scene));
    const p = await overBoard(page, 0.3, 0.7);
    const at = await page.evaluate(
      ([px, py]) => {
        const r = /** @type {Element} */ (document.querySelector('[data-testid="board-canvas"]')).getBoundingClientRect();
        return window.easel.viewport.toBoard(px - r.left, py - r.top);
      },
      [p.x, p.y],
    );
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await elements(page)).length).toBe(3);
    await expect(page.getByTestId('toast')).toContainText('Imported 2 elements from the clipboard');
    const els = await elements(page);
    const rect = els.find((el) => el.kind === 'rect');
    const dia = els.find((el) => el.kind === 'diamond');
    expect(rect).toMatchObject({ round: true, w: 100, h: 60 });
    expect(dia).toMatchObject({ fill: '#ffc9c9' });
    expect(Math.abs((rect.x + dia.x + dia.w) / 2 - at.x)).toBeLessThan(1);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await elements(page)).length, { message: 'undo removes the pasted import' }).toBe(1);
  });

  await test.step('Ctrl+Shift+C puts an image/png of the selection on the clipboard', async () => {
    await overBoard(page, 0.2, 0.2);
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Control+Shift+C');
    await expect
      .poll(() => page.evaluate(async () => (await navigator.clipboard.read()).flatMap((i) => [...i.types])), {
        message: 'an image/png on the clipboard',
      })
      .toContain('image/png');
    const info = await page.evaluate(async () => {
      const items = await navigator.clipboard.read();
      const item = /** @type {ClipboardItem} */ (items.find((i) => i.types.includes('image/png')));
      const bmp = await createImageBitmap(await item.getType('image/png'));
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (c.getContext('2d'));
      ctx.drawImage(bmp, 0, 0);
      const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 1] < 128 && data[i + 2] < 128) ink++;
      return { w: bmp.width, h: bmp.height, ink, types: item.types };
    });
    expect(info.types).toContain('image/png');
    expect(info.w).toBeGreaterThan(100);
    expect(info.ink, 'the text is drawn in the PNG').toBeGreaterThan(50);
  });
});

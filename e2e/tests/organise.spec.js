// @ts-check
// Organising, as Excalidraw users expect it: group and ungroup, lock and
// unlock, the four stacking moves, select all. Every action is one ops
// message (counted at the socket) and one undo step.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE } = require('../helpers');
const { pressAs } = require('../keys');
const { SocketGate, elements, easelState, expectSettled, chooseTool, canvasPoint, boardToPage, drag, added, drawShape, centerOf, elementById } = require('../drawing');

test.describe.configure({ timeout: 60_000 });

/**
 * Alice alone on a new board, her socket recorded by a gate.
 * @param {import('@playwright/test').Browser} browser
 * @param {{baseURL: string}} server
 */
async function alone(browser, server) {
  const board = await createBoard(server.baseURL);
  const gate = new SocketGate();
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, {}, (c) => gate.install(c));
  return { page, gate };
}

/**
 * Rectangles side by side along the middle of the canvas, bottom to top.
 * @param {import('@playwright/test').Page} page
 * @param {number} n
 */
async function rects(page, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const x = 0.1 + (0.8 * i) / n;
    out.push(await drawShape(page, 'rect', [x, 0.4], [x + 0.5 / n, 0.6]));
  }
  return out;
}

/**
 * The selection as the page holds it, sorted.
 * @param {import('@playwright/test').Page} page
 */
async function selection(page) {
  return [...(await easelState(page)).selection].sort();
}

/**
 * Runs an action and checks it went out as exactly one ops message.
 * @param {import('@playwright/test').Page} page
 * @param {SocketGate} gate
 * @param {string} what
 * @param {() => Promise<unknown>} action
 */
async function oneMessage(page, gate, what, action) {
  await expectSettled(page);
  const before = gate.sent('ops').length;
  await action();
  await expectSettled(page);
  expect(gate.sent('ops').length - before, `${what}: ops messages sent`).toBe(1);
}

/**
 * Clicks the centre of an element as the page shows it now.
 * @param {import('@playwright/test').Page} page
 * @param {string} id
 * @param {{shift?: boolean}} [opts]
 */
async function clickElement(page, id, opts = {}) {
  const el = /** @type {any} */ (await elementById(page, id));
  const at = await centerOf(page, el);
  if (opts.shift) await page.keyboard.down('Shift');
  await page.mouse.click(at.x, at.y);
  if (opts.shift) await page.keyboard.up('Shift');
}

/**
 * Ids bottom to top.
 * @param {import('@playwright/test').Page} page
 */
async function stack(page) {
  return (await elements(page)).map((el) => el.id);
}

test('Ctrl+G groups: a click selects the whole group, a drag moves it together; Ctrl+Shift+G ungroups', async ({ browser, server }) => {
  const { page, gate } = await alone(browser, server);
  const [a, b, c] = await rects(page, 3);

  await test.step('select a and b, Ctrl+G: one message gives both one group', async () => {
    await chooseTool(page, 'select');
    await clickElement(page, a.id);
    await clickElement(page, b.id, { shift: true });
    await expect.poll(() => selection(page)).toEqual([a.id, b.id].sort());
    await oneMessage(page, gate, 'group', () => page.keyboard.press('Control+g'));
    const els = await elements(page);
    const group = els.find((el) => el.id === a.id)?.group;
    expect(group, 'a has a group').toBeTruthy();
    expect(els.find((el) => el.id === b.id)?.group).toBe(group);
    expect(els.find((el) => el.id === c.id)?.group, 'c stays out').toBeUndefined();
  });

  await test.step('a click on b alone selects a and b', async () => {
    await page.keyboard.press('Escape');
    await expect.poll(() => selection(page)).toEqual([]);
    await clickElement(page, b.id);
    await expect.poll(() => selection(page)).toEqual([a.id, b.id].sort());
  });

  await test.step('dragging a moves b by the same amount, c stays', async () => {
    const before = await elements(page);
    const from = await centerOf(page, /** @type {any} */ (before.find((el) => el.id === a.id)));
    await oneMessage(page, gate, 'move', () => drag(page, from, { x: from.x + 60, y: from.y + 90 }));
    const after = await elements(page);
    for (const id of [a.id, b.id]) {
      const was = /** @type {any} */ (before.find((el) => el.id === id));
      const now = /** @type {any} */ (after.find((el) => el.id === id));
      expect([Math.round(now.x - was.x), Math.round(now.y - was.y)], `${id} moved`).toEqual([60, 90]);
    }
    const cWas = /** @type {any} */ (before.find((el) => el.id === c.id));
    const cNow = /** @type {any} */ (after.find((el) => el.id === c.id));
    expect([cNow.x, cNow.y]).toEqual([cWas.x, cWas.y]);
  });

  await test.step('Shift+click on a member takes the whole group out of the selection', async () => {
    await clickElement(page, c.id, { shift: true });
    await expect.poll(() => selection(page)).toEqual([a.id, b.id, c.id].sort());
    await clickElement(page, b.id, { shift: true });
    await expect.poll(() => selection(page)).toEqual([c.id]);
  });

  await test.step('Ctrl+Shift+G ungroups in one message; then a click selects one element', async () => {
    await clickElement(page, a.id);
    await expect.poll(() => selection(page)).toEqual([a.id, b.id].sort());
    await oneMessage(page, gate, 'ungroup', () => page.keyboard.press('Control+Shift+G'));
    const els = await elements(page);
    expect(els.every((el) => el.group === undefined), 'no group left').toBe(true);
    await page.keyboard.press('Escape');
    await clickElement(page, a.id);
    await expect.poll(() => selection(page)).toEqual([a.id]);
  });

  await test.step('one undo regroups, another undoes the grouping', async () => {
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await elementById(page, b.id))?.group, { message: 'undo of the ungroup' }).toBeTruthy();
    await page.keyboard.press('Control+z'); // the move
    await page.keyboard.press('Control+z'); // the grouping
    await expect.poll(async () => (await elements(page)).filter((el) => el.group !== undefined).length).toBe(0);
  });
});

test('a locked element cannot be selected, moved or erased; Unlock all frees it', async ({ browser, server }) => {
  const { page, gate } = await alone(browser, server);
  const [a, b] = await rects(page, 2);
  const lockButton = page.getByTestId('lock-selection');
  const unlockAll = page.getByTestId('unlock-all');

  await test.step('nothing selected: no lock button; a selected: the labelled button locks it', async () => {
    await chooseTool(page, 'select');
    await page.keyboard.press('Escape');
    await expect(lockButton).toBeHidden();
    await expect(unlockAll).toBeHidden();
    await clickElement(page, a.id);
    await expect(lockButton).toBeVisible();
    await expect(lockButton).toHaveText(/Lock/);
    await oneMessage(page, gate, 'lock', () => lockButton.click());
    await expect.poll(async () => (await elementById(page, a.id))?.locked).toBe(true);
    await expect.poll(() => selection(page), { message: 'a locked element leaves the selection' }).toEqual([]);
    await expect(unlockAll).toBeVisible();
  });

  await test.step('a click on it selects nothing, a drag from it moves nothing', async () => {
    await clickElement(page, a.id);
    await expect.poll(() => selection(page)).toEqual([]);
    const was = /** @type {any} */ (await elementById(page, a.id));
    const from = await centerOf(page, was);
    await drag(page, from, { x: from.x + 80, y: from.y + 40 });
    await expectSettled(page);
    const now = /** @type {any} */ (await elementById(page, a.id));
    expect([now.x, now.y]).toEqual([was.x, was.y]);
    await page.keyboard.press('Control+a');
    await expect.poll(() => selection(page), { message: 'select all skips it' }).toEqual([b.id]);
    await page.keyboard.press('Escape');
  });

  await test.step('a locked filled shape on top lets clicks through to what lies under it', async () => {
    await page.getByTestId('fill-none').click(); // filled: clicks inside hit it
    await expect(page.getByTestId('fill-none')).toHaveAttribute('aria-pressed', 'false');
    const bEl = /** @type {any} */ (await elementById(page, b.id));
    const tl = await boardToPage(page, bEl.x - 20, bEl.y - 20);
    const br = await boardToPage(page, bEl.x + bEl.w + 20, bEl.y + bEl.h + 20);
    await chooseTool(page, 'rect');
    const cover = await added(page, 'a cover', () => drag(page, tl, br));
    await page.getByTestId('fill-none').click();
    await chooseTool(page, 'select');
    await clickElement(page, b.id);
    await expect.poll(() => selection(page), { message: 'the cover is on top' }).toEqual([cover.id]);
    await page.keyboard.press('Control+Shift+L');
    await expect.poll(async () => (await elementById(page, cover.id))?.locked).toBe(true);
    await clickElement(page, b.id);
    await expect.poll(() => selection(page), { message: 'a click through the locked cover' }).toEqual([b.id]);
    await page.keyboard.press('Escape');
  });

  await test.step('the eraser passes over both: only the unlocked one goes', async () => {
    await chooseTool(page, 'eraser');
    const from = await canvasPoint(page, 0.05, 0.5);
    const to = await canvasPoint(page, 0.95, 0.5);
    await drag(page, from, to, { steps: 30 });
    await expect.poll(async () => (await elementById(page, b.id)) === undefined, { message: 'b erased' }).toBe(true);
    expect(await elementById(page, a.id), 'a survives the eraser').toBeTruthy();
    expect((await elements(page)).length, 'so does the locked cover').toBe(2);
  });

  await test.step('Unlock all: one message, a is unlocked and selected, and moves again', async () => {
    await chooseTool(page, 'select');
    await oneMessage(page, gate, 'unlock all', () => unlockAll.click());
    await expect.poll(async () => (await elements(page)).filter((el) => el.locked).length).toBe(0);
    const all = (await elements(page)).map((el) => el.id).sort();
    await expect.poll(() => selection(page), { message: 'what was unlocked is selected' }).toEqual(all);
    await expect(unlockAll).toBeHidden();
    await page.keyboard.press('Escape');
    const was = /** @type {any} */ (await elementById(page, a.id));
    const from = await centerOf(page, was);
    await drag(page, from, { x: from.x + 80, y: from.y + 40 });
    await expect.poll(async () => Math.round((await elementById(page, a.id))?.x ?? NaN)).toBe(Math.round(was.x + 80));
  });

  await test.step('Ctrl+Shift+L locks the selection, and with nothing selected unlocks all', async () => {
    await oneMessage(page, gate, 'lock by key', () => page.keyboard.press('Control+Shift+L'));
    await expect.poll(async () => (await elementById(page, a.id))?.locked).toBe(true);
    await oneMessage(page, gate, 'unlock by key', () => page.keyboard.press('Control+Shift+L'));
    await expect.poll(async () => (await elementById(page, a.id))?.locked).toBeUndefined();
  });
});

test('bring forward, send backward, bring to front, send to back: Excalidraw’s keys, one message each', async ({ browser, server }) => {
  const { page, gate } = await alone(browser, server);
  const [r1, r2, r3, r4] = (await rects(page, 4)).map((el) => el.id);
  await chooseTool(page, 'select');
  await clickElement(page, r1);
  await expect.poll(() => selection(page)).toEqual([r1]);

  const moves = /** @type {Array<[string, string, string[]]>} */ ([
    ['Control+BracketRight', 'bring forward', [r2, r1, r3, r4]],
    ['Control+Shift+BracketRight', 'bring to front', [r2, r3, r4, r1]],
    ['Control+BracketLeft', 'send backward', [r2, r3, r1, r4]],
    ['Control+Shift+BracketLeft', 'send to back', [r1, r2, r3, r4]],
  ]);
  for (const [keys, what, want] of moves) {
    await test.step(`${keys}: ${what}`, async () => {
      await oneMessage(page, gate, what, () => page.keyboard.press(keys));
      await expect.poll(() => stack(page), { message: `order after ${what}` }).toEqual(want);
    });
  }

  await test.step('keys found by position: on a German layout the keys right of P type ü and +', async () => {
    await oneMessage(page, gate, 'bring to front on a German layout', () => pressAs(page, { key: '*', code: 'BracketRight', ctrl: true, shift: true }));
    await expect.poll(() => stack(page)).toEqual([r2, r3, r4, r1]);
    await oneMessage(page, gate, 'send backward on a German layout', () => pressAs(page, { key: 'ü', code: 'BracketLeft', ctrl: true }));
    await expect.poll(() => stack(page)).toEqual([r2, r3, r1, r4]);
    await page.keyboard.press('Control+Shift+BracketLeft');
    await expect.poll(() => stack(page)).toEqual([r1, r2, r3, r4]);
  });

  await test.step('the buttons do the same, and one undo reverts one move', async () => {
    await expect(page.getByTestId('selection-actions')).toBeVisible();
    await oneMessage(page, gate, 'bring-to-front button', () => page.getByTestId('bring-to-front').click());
    await expect.poll(() => stack(page)).toEqual([r2, r3, r4, r1]);
    await oneMessage(page, gate, 'send-backward button', () => page.getByTestId('send-backward').click());
    await expect.poll(() => stack(page)).toEqual([r2, r3, r1, r4]);
    await page.keyboard.press('Control+z');
    await expect.poll(() => stack(page)).toEqual([r2, r3, r4, r1]);
  });
});

test('Ctrl+A selects every element that is not locked', async ({ browser, server }) => {
  const { page } = await alone(browser, server);
  const ids = (await rects(page, 3)).map((el) => el.id);
  await chooseTool(page, 'select');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+a');
  await expect.poll(() => selection(page)).toEqual([...ids].sort());
  await page.keyboard.press('Control+Shift+L');
  await expect.poll(async () => (await elements(page)).filter((el) => el.locked).length).toBe(3);
  await page.keyboard.press('Control+a');
  await expect.poll(() => selection(page), { message: 'all locked: nothing to select' }).toEqual([]);
  await page.getByTestId('unlock-all').click();
  await clickElement(page, ids[0]);
  await page.keyboard.press('Control+Shift+L');
  await expect.poll(async () => (await elementById(page, ids[0]))?.locked).toBe(true);
  await page.keyboard.press('Control+a');
  await expect.poll(() => selection(page)).toEqual([ids[1], ids[2]].sort());
});

test('the eraser takes the whole group of what it touches, and a duplicate is a group of its own', async ({ browser, server }) => {
  const { page, gate } = await alone(browser, server);
  const [a, b, c] = await rects(page, 3);
  await chooseTool(page, 'select');
  await clickElement(page, a.id);
  await clickElement(page, b.id, { shift: true });
  await page.keyboard.press('Control+g');
  await expect.poll(async () => (await elementById(page, b.id))?.group).toBeTruthy();
  const group = (await elementById(page, a.id))?.group;

  await test.step('Ctrl+D: the copies share a new group, not the originals’', async () => {
    await page.keyboard.press('Control+d');
    await expect.poll(async () => (await elements(page)).length).toBe(5);
    const copies = (await elements(page)).filter((el) => ![a.id, b.id, c.id].includes(el.id));
    expect(copies.map((el) => el.group).filter((g) => g === group), 'copies outside the original group').toEqual([]);
    expect(copies[0].group, 'the copies form one group').toBeTruthy();
    expect(copies[1].group).toBe(copies[0].group);
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await elements(page)).length).toBe(3);
  });

  await test.step('a click with the eraser on b erases a too, in one message; c stays', async () => {
    await chooseTool(page, 'eraser');
    await oneMessage(page, gate, 'erase a group', () => clickElementEdge(page, b.id));
    await expect.poll(async () => (await elements(page)).map((el) => el.id)).toEqual([c.id]);
  });
});

/**
 * Clicks the left edge of an element (unfilled shapes are hit on their outline).
 * @param {import('@playwright/test').Page} page
 * @param {string} id
 */
async function clickElementEdge(page, id) {
  const el = /** @type {any} */ (await elementById(page, id));
  const at = await boardToPage(page, el.x, el.y + el.h / 2);
  await page.mouse.click(at.x, at.y);
}

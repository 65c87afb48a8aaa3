// @ts-check
// Shared drawing: what one peer draws, moves, deletes, undoes and redoes
// shows up the same in every other page, after a reload, and for a peer who
// comes later.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers, closePeers } = require('../helpers');
const { elements, easelState, summary, expectSettled, expectSameBoard, chooseTool, canvasPoint, drag, drawStroke, drawShape, writeText, placeSticky, centerOf, elementById, undo, redo } = require('../drawing');

const CAROL = { name: 'Carol', color: '#2f9e44' };

test.describe.configure({ timeout: 60_000 });

/**
 * Draws one of each: a pen stroke, a rectangle, a text and a sticky note.
 * @param {import('@playwright/test').Page} page
 */
async function drawFourKinds(page) {
  const stroke = await drawStroke(page, [
    [0.08, 0.2],
    [0.12, 0.32],
    [0.18, 0.24],
    [0.24, 0.36],
    [0.28, 0.22],
  ]);
  const rect = await drawShape(page, 'rect', [0.36, 0.18], [0.52, 0.4]);
  const text = await writeText(page, [0.1, 0.62], 'hello world');
  const sticky = await placeSticky(page, [0.72, 0.62], 'buy milk');
  expect(stroke.kind).toBe('stroke');
  expect(stroke.points?.length ?? 0, 'the stroke has points').toBeGreaterThan(1);
  expect(rect.kind).toBe('rect');
  expect(text.kind).toBe('text');
  expect(text.text).toBe('hello world');
  expect(sticky.kind).toBe('sticky');
  expect(sticky.text).toBe('buy milk');
  return { stroke, rect, text, sticky };
}

/** @param {import('./../drawing').BoardElement[]} els */
function kindsAndTexts(els) {
  return els.map((el) => `${el.kind}:${el.text ?? ''}`).sort();
}

const FOUR_KINDS = ['rect:', 'sticky:buy milk', 'stroke:', 'text:hello world'];

test('a stroke, a rectangle, a text and a sticky note drawn by Alice appear in Bob’s page @phone', async ({
  browser,
  server,
}) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);

  /** @type {Awaited<ReturnType<typeof drawFourKinds>>} */
  let drawn;
  await test.step('Alice draws with pen, rect, text and sticky', async () => {
    drawn = await drawFourKinds(alice.page);
  });

  await test.step('Bob’s page gets the four kinds with their texts', async () => {
    await expect
      .poll(async () => kindsAndTexts(await elements(bob.page)), { message: "kinds and texts of Bob's elements" })
      .toEqual(FOUR_KINDS);
    const ids = (await elements(bob.page)).map((el) => el.id).sort();
    expect(ids).toEqual([drawn.stroke.id, drawn.rect.id, drawn.text.id, drawn.sticky.id].sort());
  });

  await test.step('once nothing is pending, both pages hold the same board', async () => {
    const same = await expectSameBoard(peers);
    expect(same).toHaveLength(4);
    // Geometry agrees too (rounded): the rectangle's size, the stroke's point count.
    const a = await elements(alice.page);
    const b = await elements(bob.page);
    const rectA = a.find((el) => el.id === drawn.rect.id);
    const rectB = b.find((el) => el.id === drawn.rect.id);
    expect([Math.round(rectB?.w ?? NaN), Math.round(rectB?.h ?? NaN)]).toEqual([
      Math.round(rectA?.w ?? NaN),
      Math.round(rectA?.h ?? NaN),
    ]);
    const strokeA = a.find((el) => el.id === drawn.stroke.id);
    const strokeB = b.find((el) => el.id === drawn.stroke.id);
    expect(strokeB?.points?.length).toBe(strokeA?.points?.length);
    // The confirmed board equals the rendered one when nothing is pending.
    // @ts-ignore
    const confirmed = await alice.page.evaluate(() => window.easel.confirmedElements().map((el) => el.id));
    expect(confirmed).toEqual(a.map((el) => el.id));
  });

  await closePeers(alice, bob);
});

test('Bob moves and deletes Alice’s rectangle and Alice sees it', async ({ browser, server }) => {
  const { alice, bob, peers } = await twoPeers(browser, server);

  const rect = await drawShape(alice.page, 'rect', [0.3, 0.3], [0.45, 0.5]);
  await expect.poll(() => elementById(bob.page, rect.id), { message: "Alice's rect in Bob's page" }).toBeTruthy();

  const DX = 140;
  const DY = 90;
  await test.step('Bob selects the rectangle and drags it', async () => {
    await chooseTool(bob.page, 'select');
    const inBob = /** @type {any} */ (await elementById(bob.page, rect.id));
    const from = await centerOf(bob.page, inBob);
    await drag(bob.page, from, { x: from.x + DX, y: from.y + DY }, { steps: 12 });
  });

  await test.step('Alice’s copy moves by the same amount', async () => {
    const zoom = (await easelState(bob.page)).zoom ?? 1;
    const want = { x: Math.round(rect.x + DX / zoom), y: Math.round(rect.y + DY / zoom) };
    await expect
      .poll(
        async () => {
          const el = await elementById(alice.page, rect.id);
          return el && { x: Math.round(el.x), y: Math.round(el.y) };
        },
        { message: `Alice's rect position after Bob's drag (was ${Math.round(rect.x)},${Math.round(rect.y)})` },
      )
      .toEqual(want);
    await expectSameBoard(peers);
  });

  await test.step('Bob clicks it and presses Delete: it is gone from Alice’s page', async () => {
    const inBob = /** @type {any} */ (await elementById(bob.page, rect.id));
    const at = await centerOf(bob.page, inBob);
    await bob.page.mouse.click(at.x, at.y);
    await bob.page.keyboard.press('Delete');
    await expect.poll(() => elementById(bob.page, rect.id), { message: "Bob's rect after Delete" }).toBeUndefined();
    await expect.poll(() => elementById(alice.page, rect.id), { message: "Alice's rect after Bob's Delete" }).toBeUndefined();
    const same = await expectSameBoard(peers);
    expect(same).toEqual([]);
  });

  await closePeers(alice, bob);
});

test('undo takes back only my own last edit, and redo brings it back', async ({ browser, server }) => {
  const { alice, bob, peers } = await twoPeers(browser, server);

  const a = await drawShape(alice.page, 'rect', [0.15, 0.25], [0.3, 0.45]);
  await expect.poll(() => elementById(bob.page, a.id), { message: "rect A in Bob's page" }).toBeTruthy();
  const b = await drawShape(bob.page, 'rect', [0.6, 0.25], [0.78, 0.5]);
  await expect.poll(() => elementById(alice.page, b.id), { message: "rect B in Alice's page" }).toBeTruthy();
  const both = await expectSameBoard(peers);
  expect(both.map((el) => el.id).sort()).toEqual([a.id, b.id].sort());

  await test.step('Alice presses Ctrl+Z: A disappears everywhere, B stays', async () => {
    await undo(alice.page);
    for (const p of peers) {
      await expect.poll(() => elementById(p.page, a.id), { message: `rect A in ${p.name}'s page after Alice's undo` }).toBeUndefined();
    }
    const after = await expectSameBoard(peers);
    expect(after.map((el) => el.id), 'only B is left').toEqual([b.id]);
  });

  await test.step('Alice presses Ctrl+Shift+Z: A is back everywhere, where it was', async () => {
    await redo(alice.page);
    for (const p of peers) {
      await expect.poll(() => elementById(p.page, a.id), { message: `rect A in ${p.name}'s page after Alice's redo` }).toBeTruthy();
    }
    const after = await expectSameBoard(peers);
    expect(after.map((el) => el.id).sort()).toEqual([a.id, b.id].sort());
    const back = after.find((el) => el.id === a.id);
    expect(back).toEqual({ id: a.id, kind: 'rect', x: Math.round(a.x), y: Math.round(a.y), text: '' });
  });

  await closePeers(alice, bob);
});

test('reloading the page shows the same board', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  const alice = await openPeer(browser, url, ALICE);
  await drawFourKinds(alice.page);
  await expectSettled(alice.page, 'Alice');
  const before = await summary(alice.page);
  expect(before).toHaveLength(4);
  const geometry = (await elements(alice.page)).map((el) => ({
    id: el.id,
    w: Math.round(el.w ?? 0),
    h: Math.round(el.h ?? 0),
    points: el.points?.length ?? 0,
  }));

  const res = await alice.page.reload();
  expect(res?.status()).toBe(200);
  await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect.poll(() => summary(alice.page), { message: 'board after reload' }).toEqual(before);
  expect(
    (await elements(alice.page)).map((el) => ({
      id: el.id,
      w: Math.round(el.w ?? 0),
      h: Math.round(el.h ?? 0),
      points: el.points?.length ?? 0,
    })),
  ).toEqual(geometry);
  expect((await easelState(alice.page)).elementCount).toBe(4);

  await alice.context.close();
});

test('a third peer opened later sees the whole board', async ({ browser, server }) => {
  const { url, alice, bob, peers } = await twoPeers(browser, server);
  await drawFourKinds(alice.page);
  await drawShape(bob.page, 'ellipse', [0.55, 0.15], [0.7, 0.35]);
  await drawShape(bob.page, 'arrow', [0.3, 0.75], [0.5, 0.9]);
  const before = await expectSameBoard(peers);
  expect(before).toHaveLength(6);

  const carol = await openPeer(browser, url, CAROL);
  const all = await expectSameBoard([...peers, { page: carol.page, name: 'Carol' }]);
  expect(all).toEqual(before);
  expect((await easelState(carol.page)).elementCount).toBe(6);

  await closePeers(alice, bob, carol);
});

test('ellipse, line and arrow reach the other peer, and the eraser removes what it crosses', async ({
  browser,
  server,
}) => {
  const { alice, bob, peers } = await twoPeers(browser, server);

  const ellipse = await drawShape(alice.page, 'ellipse', [0.1, 0.15], [0.3, 0.45]);
  const line = await drawShape(alice.page, 'line', [0.4, 0.7], [0.6, 0.7]);
  const arrow = await drawShape(alice.page, 'arrow', [0.65, 0.2], [0.85, 0.45]);
  expect([ellipse.kind, line.kind, arrow.kind]).toEqual(['ellipse', 'line', 'arrow']);
  await expect
    .poll(async () => (await elements(bob.page)).map((el) => el.kind).sort(), { message: "kinds in Bob's page" })
    .toEqual(['arrow', 'ellipse', 'line']);
  await expectSameBoard(peers);

  await test.step('Bob drags the eraser across the line: gone for both, the rest stays', async () => {
    await chooseTool(bob.page, 'eraser');
    const from = await canvasPoint(bob.page, 0.5, 0.6);
    const to = await canvasPoint(bob.page, 0.5, 0.8);
    await drag(bob.page, from, to, { steps: 12 });
    await expect.poll(() => elementById(alice.page, line.id), { message: "the line in Alice's page after erasing" }).toBeUndefined();
    const after = await expectSameBoard(peers);
    expect(after.map((el) => el.id).sort()).toEqual([ellipse.id, arrow.id].sort());
  });

  await closePeers(alice, bob);
});

test('renaming the board reaches the other peer and survives a reload', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'First title');
  const url = `${server.baseURL}/b/${board.id}`;
  const alice = await openPeer(browser, url, ALICE);
  const bob = await openPeer(browser, url, BOB);
  await expect(bob.page.getByTestId('board-title')).toHaveText('First title');

  const title = alice.page.getByTestId('board-title');
  await title.click();
  await expect(title, 'the title is being edited').toBeFocused();
  await alice.page.keyboard.type('Sprint planning');
  await alice.page.keyboard.press('Enter');
  await expect(title).toHaveText('Sprint planning');
  await expect(bob.page.getByTestId('board-title'), "Bob's title").toHaveText('Sprint planning');
  await expect(bob.page).toHaveTitle(/Sprint planning/);
  await expectSettled(alice.page, 'Alice');

  await bob.page.reload();
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await expect(bob.page.getByTestId('board-title'), "Bob's title after reload").toHaveText('Sprint planning');

  await closePeers(alice, bob);
});

test('a view-only page watches the drawing live and cannot draw', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const alice = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE);
  const viewer = await openPeer(browser, `${server.baseURL}/v/${board.viewId}`, BOB);
  expect((await easelState(viewer.page)).role).toBe('view');

  await test.step('the editing tools are not usable', async () => {
    for (const name of ['pen', 'rect', 'ellipse', 'line', 'arrow', 'text', 'sticky', 'eraser']) {
      const button = viewer.page.getByTestId(`tool-${name}`);
      const usable = (await button.isVisible()) && (await button.isEnabled());
      expect(usable, `tool-${name} usable in a view-only page`).toBe(false);
    }
  });

  const rect = await drawShape(alice.page, 'rect', [0.3, 0.3], [0.5, 0.5]);
  await expect.poll(() => elementById(viewer.page, rect.id), { message: "Alice's rect in the viewer's page" }).toBeTruthy();
  const text = await writeText(alice.page, [0.6, 0.6], 'watch this');
  await expect.poll(async () => (await elementById(viewer.page, text.id))?.text, { message: "Alice's text in the viewer's page" }).toBe('watch this');

  await test.step('shortcuts and drags in the viewer change nothing', async () => {
    const before = await summary(alice.page);
    await viewer.page.getByTestId('board-canvas').click({ position: { x: 5, y: 5 } });
    await viewer.page.keyboard.press('r');
    const a = await canvasPoint(viewer.page, 0.1, 0.7);
    const b = await canvasPoint(viewer.page, 0.25, 0.9);
    await drag(viewer.page, a, b);
    // The rect itself: select-drag and Delete.
    const at = await centerOf(viewer.page, rect);
    await drag(viewer.page, at, { x: at.x + 80, y: at.y + 40 });
    await viewer.page.keyboard.press('Delete');
    const s = await easelState(viewer.page);
    expect(s.pending, "viewer's pending edits").toBe(0);
    expect(await summary(viewer.page), "the viewer's board").toEqual(before);
    // A round trip later, Alice's board is untouched too.
    await drawShape(alice.page, 'rect', [0.05, 0.05], [0.1, 0.1]);
    await expectSettled(alice.page, 'Alice');
    const now = await summary(alice.page);
    expect(now.filter((el) => before.some((p) => p.id === el.id))).toEqual(before);
    await expect.poll(() => summary(viewer.page), { message: "viewer's board" }).toEqual(now);
  });

  await closePeers(alice, viewer);
});

test('editing a sticky note’s text in one page updates it in the other', async ({ browser, server }) => {
  const { alice, bob, peers } = await twoPeers(browser, server);
  const sticky = await placeSticky(alice.page, [0.5, 0.5], 'buy milk');
  await expect.poll(async () => (await elementById(bob.page, sticky.id))?.text, { message: "the note in Bob's page" }).toBe('buy milk');

  await chooseTool(bob.page, 'select');
  const at = await centerOf(bob.page, /** @type {any} */ (await elementById(bob.page, sticky.id)));
  await bob.page.mouse.dblclick(at.x, at.y);
  const editor = bob.page.getByTestId('text-editor');
  await expect(editor, 'a double-click on the note opens the editor').toBeVisible();
  await expect(editor).toHaveValue('buy milk');
  await bob.page.keyboard.press('End');
  await bob.page.keyboard.type(' and eggs');
  await bob.page.keyboard.press('Escape');
  await expect(editor).toBeHidden();

  await expect
    .poll(async () => (await elementById(alice.page, sticky.id))?.text, { message: "the note's text in Alice's page" })
    .toBe('buy milk and eggs');
  const same = await expectSameBoard(peers);
  expect(same).toHaveLength(1);

  await closePeers(alice, bob);
});

test('what is drawn zoomed in and panned lands at the same board coordinates for everyone', async ({
  browser,
  server,
}) => {
  const { board, alice, bob, peers } = await twoPeers(browser, server);

  await test.step('Bob zooms in (Ctrl+wheel) and pans (wheel)', async () => {
    const mid = await canvasPoint(bob.page, 0.5, 0.5);
    await bob.page.mouse.move(mid.x, mid.y);
    await bob.page.keyboard.down('Control');
    await bob.page.mouse.wheel(0, -50);
    await bob.page.keyboard.up('Control');
    await expect.poll(async () => (await easelState(bob.page)).zoom, { message: "Bob's zoom" }).toBeGreaterThan(1.2);
    await bob.page.mouse.wheel(120, 80);
    await expect
      .poll(async () => bob.page.evaluate(() => /** @type {any} */ (window).easel.viewport.view.y), { message: "Bob's view" })
      .not.toBe(0);
  });

  const view = await bob.page.evaluate(() => ({ .../** @type {any} */ (window).easel.viewport.view }));
  expect(view.scale).toBeGreaterThan(1.2);
  const canvasBox = /** @type {{x: number, y: number}} */ (await bob.page.getByTestId('board-canvas').boundingBox());
  /** @param {{x: number, y: number}} p page point */
  const toBoard = (p) => ({ x: (p.x - canvasBox.x) / view.scale + view.x, y: (p.y - canvasBox.y) / view.scale + view.y });

  const p1 = await canvasPoint(bob.page, 0.3, 0.3);
  const p2 = await canvasPoint(bob.page, 0.5, 0.6);
  const rect = await drawShape(bob.page, 'rect', [0.3, 0.3], [0.5, 0.6]);
  const b1 = toBoard(p1);
  const b2 = toBoard(p2);
  const want = { x: b1.x, y: b1.y, w: b2.x - b1.x, h: b2.y - b1.y };
  for (const k of /** @type {const} */ (['x', 'y', 'w', 'h'])) {
    expect(Math.abs((rect[k] ?? NaN) - want[k]), `rect.${k} = ${rect[k]}, want ${want[k].toFixed(2)}`).toBeLessThanOrEqual(1);
  }

  const pt = await canvasPoint(bob.page, 0.7, 0.3);
  const text = await writeText(bob.page, [0.7, 0.3], 'zoomed');
  const bt = toBoard(pt);
  expect(Math.abs(text.x - bt.x), `text.x = ${text.x}, want ${bt.x.toFixed(2)}`).toBeLessThanOrEqual(1);
  expect(text.y, 'text box spans the click').toBeLessThanOrEqual(bt.y + 1);
  expect(text.y + (text.h ?? 0), 'text box spans the click').toBeGreaterThanOrEqual(bt.y - 1);

  const same = await expectSameBoard(peers);
  expect(same.find((el) => el.id === rect.id)).toEqual({
    id: rect.id,
    kind: 'rect',
    x: Math.round(rect.x),
    y: Math.round(rect.y),
    text: '',
  });
  expect((await easelState(alice.page)).zoom, "Alice's zoom is her own").toBe(1);

  await closePeers(alice, bob);
});

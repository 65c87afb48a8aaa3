// @ts-check
// Creating and transforming shapes in the editor (issue 11): the diamond
// tool, stroke style and edges, labels on shapes, arrows that stay bound to
// shapes (also across members), and rotation.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB } = require('../helpers');
const { SocketGate, elements, easelState, expectSettled, chooseTool, canvasPoint, boardToPage, drag, added, drawShape, elementById } =
  require('../drawing');

test.describe.configure({ timeout: 60_000 });

/**
 * @typedef {import('../drawing').BoardElement & {rot?: number, dash?: string, round?: boolean,
 *   start?: {id: string}, end?: {id: string}, font?: number}} El
 * @typedef {import('@playwright/test').Page} Page
 */

/**
 * One editor on a fresh board, its ops messages recorded.
 * @param {import('@playwright/test').Browser} browser
 * @param {import('../fixtures').EaselServer} server
 */
async function editor(browser, server) {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  const gate = new SocketGate();
  const alice = await openPeer(browser, url, ALICE, {}, (ctx) => gate.install(ctx));
  return { url, gate, page: alice.page };
}

/**
 * Runs action and returns the ops messages it sent, once the page has them acknowledged.
 * @param {Page} page
 * @param {SocketGate} gate
 * @param {() => Promise<unknown>} action
 * @returns {Promise<Array<{ref: string, ops: any[]}>>}
 */
async function opsOf(page, gate, action) {
  await expectSettled(page);
  const before = gate.sent('ops').length;
  await action();
  await expectSettled(page);
  return gate.sent('ops').slice(before);
}

/**
 * The board points of a line or arrow as drawn (its turn applied).
 * @param {El} el
 * @returns {Array<[number, number]>}
 */
function pointsOf(el) {
  const pts = /** @type {Array<[number, number]>} */ (el.points);
  const rot = el.rot ?? 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of pts) {
    minX = Math.min(minX, p[0]);
    maxX = Math.max(maxX, p[0]);
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  const cx = el.x + (minX + maxX) / 2;
  const cy = el.y + (minY + maxY) / 2;
  return pts.map((p) => {
    const dx = el.x + p[0] - cx;
    const dy = el.y + p[1] - cy;
    return [cx + dx * Math.cos(rot) - dy * Math.sin(rot), cy + dx * Math.sin(rot) + dy * Math.cos(rot)];
  });
}

/**
 * How far a board point is outside an unturned box (0 on or inside it).
 * @param {[number, number]} p
 * @param {El} box
 */
function outside(p, box) {
  const dx = Math.max(box.x - p[0], 0, p[0] - (box.x + (box.w ?? 0)));
  const dy = Math.max(box.y - p[1], 0, p[1] - (box.y + (box.h ?? 0)));
  return Math.hypot(dx, dy);
}

/**
 * Whether a board point lies just outside an unturned box's edge: outside
 * it by at most `gap` board units (the binding's gap).
 * @param {[number, number]} p
 * @param {El} box
 */
function onEdge(p, box, gap = 12) {
  const d = outside(p, box);
  return d > 0 && d <= gap;
}

/**
 * The page point of the rotate handle of a selection of unturned
 * elements: 4 + 22 CSS px above the middle of their box's top (zoom 100 %).
 * @param {Page} page
 * @param {El[]} els
 */
async function rotateHandle(page, els) {
  const minX = Math.min(...els.map((e) => e.x));
  const maxX = Math.max(...els.map((e) => e.x + (e.w ?? 0)));
  const minY = Math.min(...els.map((e) => e.y));
  const top = await boardToPage(page, (minX + maxX) / 2, minY);
  return { x: top.x, y: top.y - 26 };
}

/**
 * Drags with Shift held from the first pointer event to the last.
 * @param {Page} page
 * @param {{x: number, y: number}} from
 * @param {{x: number, y: number}} to
 */
async function shiftDrag(page, from, to) {
  await page.keyboard.down('Shift');
  await drag(page, from, to);
  await page.keyboard.up('Shift');
}

/** @param {number} a radians */
function fifteens(a) {
  return (a * 12) / Math.PI;
}

test('diamond tool: its button follows ellipse in the toolbar, D picks it, a drag draws a diamond', async ({ browser, server }) => {
  const { page } = await editor(browser, server);
  const order = await page.locator('.toolbar [data-testid^="tool-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(order.indexOf('tool-diamond'), `toolbar order ${order.join(' ')}`).toBe(order.indexOf('tool-ellipse') + 1);
  await expect(page.getByTestId('tool-diamond')).toHaveAccessibleName('Diamond');

  await page.getByTestId('board-canvas').hover();
  await page.keyboard.press('d');
  await expect.poll(async () => (await easelState(page)).tool, { message: 'D picks the diamond' }).toBe('diamond');
  await expect(page.getByTestId('tool-diamond')).toHaveAttribute('aria-pressed', 'true');

  const a = await canvasPoint(page, 0.3, 0.3);
  const b = await canvasPoint(page, 0.5, 0.6);
  const d = /** @type {El} */ (await added(page, 'a diamond drag', () => drag(page, a, b)));
  expect(d.kind).toBe('diamond');
  expect(Math.round(d.w ?? 0)).toBe(Math.round(b.x - a.x));
  expect(Math.round(d.h ?? 0)).toBe(Math.round(b.y - a.y));

  // Shift: a square diamond. The diamond is hit inside its rhombus, not in its box's corners.
  await chooseTool(page, 'diamond');
  const c = await canvasPoint(page, 0.6, 0.3);
  const e = await canvasPoint(page, 0.75, 0.4);
  const sq = /** @type {El} */ (await added(page, 'a square diamond', () => shiftDrag(page, c, e)));
  expect(sq.w).toBe(sq.h);
  await chooseTool(page, 'select');
  const corner = await boardToPage(page, d.x + 4, d.y + 4);
  await page.mouse.click(corner.x, corner.y);
  await expect.poll(async () => (await easelState(page)).selection, { message: 'a click in the box corner misses' }).toEqual([]);
  const middle = await boardToPage(page, d.x + (d.w ?? 0) / 2, d.y + (d.h ?? 0) / 2);
  await page.mouse.click(middle.x, middle.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([d.id]);
});

test('stroke style and edges: new shapes take them, the selection changes with them, by mouse and keyboard', async ({ browser, server }) => {
  const { page, gate } = await editor(browser, server);
  const solid = page.getByRole('button', { name: 'Solid stroke' });
  const dashed = page.getByRole('button', { name: 'Dashed stroke' });
  const dotted = page.getByRole('button', { name: 'Dotted stroke' });
  const sharp = page.getByRole('button', { name: 'Sharp edges' });
  const round = page.getByRole('button', { name: 'Round edges' });
  await expect(solid).toHaveAttribute('aria-pressed', 'true');
  await expect(sharp).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('stroke-style-dashed')).toBeVisible();
  await expect(page.getByTestId('edges-round')).toBeVisible();

  await dashed.click();
  await round.click();
  await expect(dashed).toHaveAttribute('aria-pressed', 'true');
  await expect(round).toHaveAttribute('aria-pressed', 'true');
  const rect = /** @type {El} */ (await drawShape(page, 'rect', [0.2, 0.3], [0.4, 0.5]));
  expect(rect.dash).toBe('dashed');
  expect(rect.round).toBe(true);
  const line = /** @type {El} */ (await drawShape(page, 'line', [0.5, 0.3], [0.7, 0.5]));
  expect(line.dash).toBe('dashed');
  expect(line.round, 'lines have no corners to round').toBeUndefined();

  // The selection: a click on the rect, then the keyboard reaches the controls with Tab.
  await chooseTool(page, 'select');
  const at = await boardToPage(page, rect.x + 10, rect.y + 10);
  await page.mouse.click(at.x, at.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([rect.id]);
  await page.getByTestId('stroke-color').focus();
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await dotted.evaluate((el) => el === document.activeElement);
  }
  expect(reached, 'Tab from the stroke color reaches "Dotted stroke"').toBe(true);
  const sent = await opsOf(page, gate, () => page.keyboard.press('Enter'));
  expect(sent.length, 'one ops message for the style change').toBe(1);
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, rect.id)))?.dash).toBe('dotted');
  await expect(dotted).toHaveAttribute('aria-pressed', 'true');
  await sharp.focus();
  await page.keyboard.press('Space');
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, rect.id)))?.round).toBeUndefined();
  await expect(sharp).toHaveAttribute('aria-pressed', 'true');
  // Solid takes the dash away (absent means solid on the wire).
  await solid.click();
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, rect.id)))?.dash).toBeUndefined();
  expect((/** @type {El} */ (await elementById(page, line.id))).dash, 'the unselected line keeps its dashes').toBe('dashed');
});

test('labels: a double-click on a shape types a centred label; Enter is a new line, Escape or a click outside commits one message', async ({ browser, server }) => {
  const { page, gate } = await editor(browser, server);
  const rect = /** @type {El} */ (await drawShape(page, 'rect', [0.2, 0.3], [0.45, 0.55]));
  const oval = /** @type {El} */ (await drawShape(page, 'ellipse', [0.55, 0.3], [0.8, 0.6]));
  await chooseTool(page, 'select');
  const editorBox = page.getByTestId('text-editor');

  const mid = await boardToPage(page, rect.x + (rect.w ?? 0) / 2, rect.y + (rect.h ?? 0) / 2);
  const sent = await opsOf(page, gate, async () => {
    await page.mouse.dblclick(mid.x, mid.y);
    await expect(editorBox, 'a double-click on a rect opens the label editor').toBeFocused();
    await page.keyboard.type('Top');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Bottom');
    await expect(editorBox, 'Enter inserted a new line').toHaveValue('Top\nBottom');
    // Centred on the shape and no wider than it.
    const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await editorBox.boundingBox());
    expect(Math.abs(box.x + box.width / 2 - mid.x), 'centred across').toBeLessThan(3);
    expect(Math.abs(box.y + box.height / 2 - mid.y), 'centred down').toBeLessThan(3);
    expect(box.width).toBeLessThanOrEqual(rect.w ?? 0);
    await expect(editorBox).toHaveCSS('text-align', 'center');
    await page.keyboard.press('Escape');
    await expect(editorBox, 'Escape finishes').toBeHidden();
  });
  expect(sent.length, 'the label is one ops message').toBe(1);
  expect(sent[0].ops).toHaveLength(1);
  const labelled = /** @type {El} */ (await elementById(page, rect.id));
  expect(labelled.text).toBe('Top\nBottom');
  expect(labelled.kind).toBe('rect');

  // An ellipse, finished by a click outside.
  const omid = await boardToPage(page, oval.x + (oval.w ?? 0) / 2, oval.y + (oval.h ?? 0) / 2);
  const outsideAt = await canvasPoint(page, 0.1, 0.85);
  const sent2 = await opsOf(page, gate, async () => {
    await page.mouse.dblclick(omid.x, omid.y);
    await expect(editorBox).toBeFocused();
    await page.keyboard.type('a long label that has to wrap inside the ellipse');
    const box = /** @type {{x: number, y: number, width: number, height: number}} */ (await editorBox.boundingBox());
    expect(box.width, 'wrapped to the rectangle inside the ellipse').toBeLessThan((oval.w ?? 0) * 0.75);
    await page.mouse.click(outsideAt.x, outsideAt.y);
    await expect(editorBox, 'a click outside finishes').toBeHidden();
  });
  expect(sent2.length).toBe(1);
  expect((/** @type {El} */ (await elementById(page, oval.id))).text).toBe('a long label that has to wrap inside the ellipse');

  // Enter with the shape selected edits its label too; emptying a label takes it away.
  await page.mouse.click(mid.x, mid.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([rect.id]);
  await page.keyboard.press('Enter');
  await expect(editorBox, 'Enter on a selected shape opens its label').toBeFocused();
  await expect(editorBox).toHaveValue('Top\nBottom');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Escape');
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, rect.id)))?.text).toBeUndefined();

  // A label too long for its shape grows the shape downwards, as Excalidraw does.
  const small = /** @type {El} */ (await drawShape(page, 'rect', [0.55, 0.75], [0.65, 0.8]));
  await chooseTool(page, 'select');
  const smid = await boardToPage(page, small.x + (small.w ?? 0) / 2, small.y + (small.h ?? 0) / 2);
  await page.mouse.dblclick(smid.x, smid.y);
  await expect(editorBox).toBeFocused();
  await page.keyboard.type('one two three four five six seven');
  await page.keyboard.press('Escape');
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, small.id)))?.h ?? 0, { message: 'the shape grew' }).toBeGreaterThan(
    (small.h ?? 0) + 20,
  );
  expect((/** @type {El} */ (await elementById(page, small.id))).y, 'its top stays').toBe(small.y);

  // A double-click on empty space starts a text there.
  const free = await canvasPoint(page, 0.85, 0.15);
  const freeText = await added(page, 'a text from a double-click', async () => {
    await page.mouse.dblclick(free.x, free.y);
    await expect(editorBox).toBeFocused();
    await page.keyboard.type('free');
    await page.keyboard.press('Escape');
  });
  expect(freeText.kind).toBe('text');
  expect(freeText.text).toBe('free');

  // The text tool: Enter is a new line there too, and Escape keeps the text.
  await chooseTool(page, 'text');
  const t = await canvasPoint(page, 0.15, 0.75);
  const text = await added(page, 'a two-line text', async () => {
    await page.mouse.click(t.x, t.y);
    await expect(editorBox).toBeFocused();
    await page.keyboard.type('one');
    await page.keyboard.press('Enter');
    await page.keyboard.type('two');
    await page.keyboard.press('Escape');
    await expect(editorBox).toBeHidden();
  });
  expect(text.text).toBe('one\ntwo');

  // A new sticky note: two lines, finished by a click outside, made in one message.
  await chooseTool(page, 'sticky');
  const n = await canvasPoint(page, 0.35, 0.8);
  const away = await canvasPoint(page, 0.95, 0.5);
  /** @type {any} */
  let note;
  const sent3 = await opsOf(page, gate, async () => {
    note = await added(page, 'a sticky note', async () => {
      await page.mouse.click(n.x, n.y);
      await expect(editorBox).toBeFocused();
      await page.keyboard.type('buy');
      await page.keyboard.press('Enter');
      await page.keyboard.type('milk');
      await page.mouse.click(away.x, away.y);
      await expect(editorBox).toBeHidden();
    });
  });
  expect(note.kind).toBe('sticky');
  expect(note.text).toBe('buy\nmilk');
  expect(sent3.length, 'the note and its text are one message').toBe(1);
});

test('arrows stay attached: drawn onto shapes they bind, follow moves, resizes and turns in the same message, unbind when dragged off or the shape is deleted', async ({
  browser,
  server,
}) => {
  const { page, gate } = await editor(browser, server);
  const a = /** @type {El} */ (await drawShape(page, 'rect', [0.1, 0.3], [0.25, 0.5]));
  const b = /** @type {El} */ (await drawShape(page, 'rect', [0.6, 0.3], [0.75, 0.5]));
  const from = await boardToPage(page, a.x + (a.w ?? 0) / 2, a.y + (a.h ?? 0) / 2);
  const to = await boardToPage(page, b.x + (b.w ?? 0) / 2, b.y + (b.h ?? 0) / 2 + 10);
  await chooseTool(page, 'arrow');
  const arrow = /** @type {El} */ (await added(page, 'an arrow from box to box', () => drag(page, from, to)));
  expect(arrow.start, 'bound at its start').toEqual({ id: a.id });
  expect(arrow.end, 'bound at its end').toEqual({ id: b.id });
  let [s, e] = pointsOf(arrow);
  expect(onEdge(s, a), `start ${s} just outside box A ${JSON.stringify(a)}`).toBe(true);
  expect(onEdge(e, b), `end ${e} just outside box B`).toBe(true);

  // Move box A down: one message holds A and the arrow, whose start is on A's new edge.
  await chooseTool(page, 'select');
  const grab = await boardToPage(page, a.x + 10, a.y + 10);
  const moved = await opsOf(page, gate, () => drag(page, grab, { x: grab.x, y: grab.y + 200 }));
  expect(moved.length, 'one ops message for the move').toBe(1);
  expect(moved[0].ops.map((/** @type {any} */ op) => op.el?.id).sort()).toEqual([a.id, arrow.id].sort());
  const a2 = /** @type {El} */ (await elementById(page, a.id));
  expect(a2.y).toBeCloseTo(a.y + 200, 0);
  [s, e] = pointsOf(/** @type {El} */ (await elementById(page, arrow.id)));
  expect(onEdge(s, a2), `start ${s} on the moved box ${JSON.stringify(a2)}`).toBe(true);
  expect(onEdge(e, b), `end ${e} still on box B`).toBe(true);

  // Resize box B by its bottom-right handle: the arrow follows in the same message.
  await page.mouse.click(to.x, to.y - 10);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([b.id]);
  const br = await boardToPage(page, b.x + (b.w ?? 0), b.y + (b.h ?? 0));
  const resized = await opsOf(page, gate, () => drag(page, { x: br.x + 4, y: br.y + 4 }, { x: br.x + 124, y: br.y + 84 }));
  expect(resized.length).toBe(1);
  expect(resized[0].ops.map((/** @type {any} */ op) => op.el?.id).sort()).toEqual([b.id, arrow.id].sort());
  const b2 = /** @type {El} */ (await elementById(page, b.id));
  expect(b2.w).toBeCloseTo((b.w ?? 0) + 120, 0);
  [s, e] = pointsOf(/** @type {El} */ (await elementById(page, arrow.id)));
  expect(onEdge(e, b2), `end ${e} on the resized box ${JSON.stringify(b2)}`).toBe(true);

  // Turn box B: the arrow is in the same message, its end outside the turned box but near it.
  const turned = await opsOf(page, gate, async () => {
    const h = await rotateHandle(page, [b2]);
    const c = await boardToPage(page, b2.x + (b2.w ?? 0) / 2, b2.y + (b2.h ?? 0) / 2);
    await shiftDrag(page, h, { x: c.x + 200, y: c.y });
  });
  expect(turned.length).toBe(1);
  expect(turned[0].ops.map((/** @type {any} */ op) => op.el?.id).sort()).toEqual([b.id, arrow.id].sort());
  const b3 = /** @type {El} */ (await elementById(page, b.id));
  expect(fifteens(b3.rot ?? 0)).toBeCloseTo(6, 3);
  // Turned a quarter about its centre, B spans its height across and its width down.
  const upright = /** @type {El} */ ({ x: b3.x + ((b3.w ?? 0) - (b3.h ?? 0)) / 2, y: b3.y + ((b3.h ?? 0) - (b3.w ?? 0)) / 2, w: b3.h, h: b3.w });
  [s, e] = pointsOf(/** @type {El} */ (await elementById(page, arrow.id)));
  expect(onEdge(e, upright), `end ${e} on the turned box ${JSON.stringify(upright)}`).toBe(true);

  // Drag the arrow's end away into empty space: unbound there, still bound at its start.
  const now = /** @type {El} */ (await elementById(page, arrow.id));
  const mid = pointsOf(now);
  const onLine = await boardToPage(page, (mid[0][0] + mid[1][0]) / 2, (mid[0][1] + mid[1][1]) / 2);
  await page.mouse.click(onLine.x, onLine.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([arrow.id]);
  const endAt = await boardToPage(page, mid[1][0], mid[1][1]);
  const empty = await canvasPoint(page, 0.45, 0.15);
  await drag(page, endAt, empty);
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, arrow.id)))?.end, { message: 'dragged off: unbound' }).toBeUndefined();
  expect((/** @type {El} */ (await elementById(page, arrow.id))).start).toEqual({ id: a.id });

  // Delete box A: the delete and the arrow's unbinding are one message.
  const grabA = await boardToPage(page, a2.x + 10, a2.y + 10);
  await page.mouse.click(grabA.x, grabA.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([a.id]);
  const deleted = await opsOf(page, gate, () => page.keyboard.press('Delete'));
  expect(deleted.length).toBe(1);
  expect(deleted[0].ops).toContainEqual({ op: 'del', id: a.id });
  const unbind = deleted[0].ops.find((/** @type {any} */ op) => op.op === 'put' && op.el.id === arrow.id);
  expect(unbind, 'the arrow is put in the delete message').toBeTruthy();
  expect(unbind.el.start).toBeUndefined();
  expect((/** @type {El} */ (await elementById(page, arrow.id))).start).toBeUndefined();
});

test('arrows bind to ellipses, diamonds and stickies, a line too, never to locked shapes', async ({ browser, server }) => {
  const { page } = await editor(browser, server);
  const oval = /** @type {El} */ (await drawShape(page, 'ellipse', [0.1, 0.2], [0.25, 0.4]));
  await chooseTool(page, 'diamond');
  const dA = await canvasPoint(page, 0.6, 0.2);
  const dB = await canvasPoint(page, 0.75, 0.45);
  const diamond = /** @type {El} */ (await added(page, 'a diamond', () => drag(page, dA, dB)));
  await chooseTool(page, 'line');
  const p1 = await boardToPage(page, oval.x + (oval.w ?? 0) / 2, oval.y + (oval.h ?? 0) / 2);
  const p2 = await boardToPage(page, diamond.x + (diamond.w ?? 0) / 2, diamond.y + (diamond.h ?? 0) / 2);
  const line = /** @type {El} */ (await added(page, 'a line from the ellipse to the diamond', () => drag(page, p1, p2)));
  expect(line.kind).toBe('line');
  expect(line.start).toEqual({ id: oval.id });
  expect(line.end).toEqual({ id: diamond.id });
  // On the ellipse's outline plus the gap: outside it, but not far.
  const [s] = pointsOf(line);
  const rx = (oval.w ?? 0) / 2;
  const ry = (oval.h ?? 0) / 2;
  const f = ((s[0] - oval.x - rx) / rx) ** 2 + ((s[1] - oval.y - ry) / ry) ** 2;
  expect(f, `start ${s} just outside the ellipse`).toBeGreaterThan(1);
  expect(f).toBeLessThan(1.4);

  // A sticky and a locked rect (put through the page's own commit).
  await chooseTool(page, 'sticky');
  const sAt = await canvasPoint(page, 0.3, 0.75);
  const sticky = /** @type {El} */ (await added(page, 'a sticky', async () => {
    await page.mouse.click(sAt.x, sAt.y);
    await page.keyboard.press('Escape');
  }));
  const locked = await page.evaluate(() => {
    // @ts-ignore
    const b = window.easel.board;
    const el = { id: 'locked-box', kind: 'rect', x: 700, y: 500, w: 120, h: 80, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: b.topZ(), locked: true };
    b.commit([{ op: 'put', el }]);
    return el;
  });
  await expectSettled(page);
  await chooseTool(page, 'arrow');
  const q1 = await boardToPage(page, sticky.x + 100, sticky.y + 80);
  const q2 = await boardToPage(page, locked.x + 60, locked.y + 40);
  const arrow = /** @type {El} */ (await added(page, 'an arrow from the sticky to the locked box', () => drag(page, q1, q2)));
  expect(arrow.start).toEqual({ id: sticky.id });
  expect(arrow.end, 'not bound to a locked shape').toBeUndefined();
  expect(pointsOf(arrow)[1][0]).toBeCloseTo(locked.x + 60, 0);
});

test('rotation: the handle above the selection turns it (Shift: 15° steps), hit tests and resizing follow the turn, several turn about their centre', async ({
  browser,
  server,
}) => {
  const { page, gate } = await editor(browser, server);
  const bar = /** @type {El} */ (await drawShape(page, 'rect', [0.3, 0.45], [0.6, 0.52]));
  await chooseTool(page, 'select');
  const c = await boardToPage(page, bar.x + (bar.w ?? 0) / 2, bar.y + (bar.h ?? 0) / 2);
  await page.mouse.click(c.x, c.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([bar.id]);

  // Free turn: the pointer 45° off the handle's direction.
  const h = await rotateHandle(page, [bar]);
  const sent = await opsOf(page, gate, () => drag(page, h, { x: c.x + 150, y: c.y - 150 }));
  expect(sent.length, 'one ops message for the turn').toBe(1);
  let el = /** @type {El} */ (await elementById(page, bar.id));
  expect(el.rot ?? 0).toBeCloseTo(Math.PI / 4, 1);
  expect(el.x).toBeCloseTo(bar.x, 1);
  expect(el.w).toBe(bar.w);

  // Shift: the turn snaps to 15° steps, here to a quarter.
  await page.keyboard.press('Control+z');
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, bar.id)))?.rot).toBe(0);
  await shiftDrag(page, h, { x: c.x + 200, y: c.y + 7 });
  await expect.poll(async () => fifteens((/** @type {El} */ (await elementById(page, bar.id)))?.rot ?? 0)).toBeCloseTo(6, 3);
  el = /** @type {El} */ (await elementById(page, bar.id));

  // Hit tests follow the turn: the bar now stands upright through c.
  const half = (el.w ?? 0) / 2;
  const cb = { x: el.x + half, y: el.y + (el.h ?? 0) / 2 };
  const empty = await canvasPoint(page, 0.9, 0.9);
  await page.mouse.click(empty.x, empty.y);
  await expect.poll(async () => (await easelState(page)).selection).toEqual([]);
  const inTurned = await boardToPage(page, cb.x, cb.y + half - 8);
  await page.mouse.click(inTurned.x, inTurned.y);
  await expect.poll(async () => (await easelState(page)).selection, { message: 'inside the upright bar, outside its unturned box' }).toEqual([bar.id]);
  const inUnturned = await boardToPage(page, el.x + 8, cb.y);
  await page.mouse.click(inUnturned.x, inUnturned.y);
  await expect.poll(async () => (await easelState(page)).selection, { message: 'inside the unturned box, outside the bar' }).toEqual([]);

  // Resizing a turned element works in its frame: drag the handle at its
  // frame's bottom-right corner (on screen: bottom left) further out along
  // its length; the width grows, the turn stays, the opposite end stays put.
  await page.mouse.click(inTurned.x, inTurned.y);
  const hh = (el.h ?? 0) / 2;
  // Frame corner (+half, +hh) turned a quarter clockwise: (-hh, +half) from the centre, plus 4 px of padding.
  const corner = await boardToPage(page, cb.x - hh - 4, cb.y + half + 4);
  const topEnd = cb.y - half;
  await drag(page, corner, { x: corner.x, y: corner.y + 60 });
  await expect.poll(async () => (/** @type {El} */ (await elementById(page, bar.id)))?.w).toBeGreaterThan((el.w ?? 0) + 40);
  const grown = /** @type {El} */ (await elementById(page, bar.id));
  expect(fifteens(grown.rot ?? 0)).toBeCloseTo(6, 3);
  expect(grown.h).toBeCloseTo(el.h ?? 0, 0);
  expect(grown.y + (grown.h ?? 0) / 2 - (grown.w ?? 0) / 2, 'the top end stays').toBeCloseTo(topEnd, 0);

  // Two shapes turn about the centre of their selection.
  const r1 = /** @type {El} */ (await drawShape(page, 'rect', [0.1, 0.75], [0.2, 0.85]));
  const r2 = /** @type {El} */ (await drawShape(page, 'rect', [0.75, 0.75], [0.85, 0.85]));
  await chooseTool(page, 'select');
  const p1 = await boardToPage(page, r1.x + 5, r1.y + 5);
  const p2 = await boardToPage(page, r2.x + 5, r2.y + 5);
  await page.mouse.click(p1.x, p1.y);
  await page.keyboard.down('Shift');
  await page.mouse.click(p2.x, p2.y);
  await page.keyboard.up('Shift');
  await expect.poll(async () => ((await easelState(page)).selection ?? []).sort()).toEqual([r1.id, r2.id].sort());
  const pivot = { x: (r1.x + r2.x + (r2.w ?? 0)) / 2, y: r1.y + (r1.h ?? 0) / 2 };
  const sc = await boardToPage(page, pivot.x, pivot.y);
  const two = await opsOf(page, gate, async () => shiftDrag(page, await rotateHandle(page, [r1, r2]), { x: sc.x + 200, y: sc.y + 3 }));
  expect(two.length).toBe(1);
  expect(two[0].ops).toHaveLength(2);
  for (const r of [r1, r2]) {
    const t = /** @type {El} */ (await elementById(page, r.id));
    expect(fifteens(t.rot ?? 0)).toBeCloseTo(6, 3);
    // The centre turned a quarter clockwise about the pivot: (dx, dy) → (-dy, dx).
    const dx = r.x + (r.w ?? 0) / 2 - pivot.x;
    const dy = r.y + (r.h ?? 0) / 2 - pivot.y;
    expect(t.x + (t.w ?? 0) / 2).toBeCloseTo(pivot.x - dy, 0);
    expect(t.y + (t.h ?? 0) / 2).toBeCloseTo(pivot.y + dx, 0);
  }
});

test('binding across members: Alice moves a box bound to an arrow, Bob has the endpoint on its new edge within a second', async ({
  browser,
  server,
}) => {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  const alice = await openPeer(browser, url, ALICE);
  const bob = await openPeer(browser, url, BOB);
  const box = /** @type {El} */ (await drawShape(alice.page, 'rect', [0.15, 0.3], [0.3, 0.5]));
  const p1 = await boardToPage(alice.page, box.x + (box.w ?? 0) / 2, box.y + (box.h ?? 0) / 2);
  const p2 = await canvasPoint(alice.page, 0.7, 0.4);
  await chooseTool(alice.page, 'arrow');
  const arrow = /** @type {El} */ (await added(alice.page, 'an arrow from the box', () => drag(alice.page, p1, p2)));
  expect(arrow.start).toEqual({ id: box.id });
  await expect.poll(async () => (/** @type {El | undefined} */ (await elementById(bob.page, arrow.id)))?.start, { message: "Bob has Alice's arrow" }).toEqual({
    id: box.id,
  });

  await chooseTool(alice.page, 'select');
  const grab = await boardToPage(alice.page, box.x + 10, box.y + 10);
  await drag(alice.page, grab, { x: grab.x + 40, y: grab.y + 220 });
  const moved = /** @type {El} */ (await elementById(alice.page, box.id));
  expect(moved.y).toBeCloseTo(box.y + 220, 0);

  await expect
    .poll(
      async () => {
        const els = /** @type {El[]} */ (await elements(bob.page));
        const b = els.find((x) => x.id === box.id);
        const a = els.find((x) => x.id === arrow.id);
        if (!b || !a || Math.abs(b.y - moved.y) > 0.5) return 'the box has not moved yet';
        const [s] = pointsOf(a);
        return onEdge(s, b) ? 'on the edge' : `start ${s} not on the box ${JSON.stringify(b)}`;
      },
      { message: "Bob's arrow start is on the box's new edge", timeout: 1000, intervals: [50] },
    )
    .toBe('on the edge');
});

// @ts-check
// Live presence beyond cursors: others see a shape while it is drawn (a
// draft, window.easel.drafts()), and the laser pointer's fading trail
// (window.easel.laserTrails()), editors and view-link members alike.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers } = require('../helpers');
const { canvasPoint, chooseTool, easelState, elements, expectSettled } = require('../drawing');

const CAROL = { name: 'Carol', color: '#2f9e44' };

/**
 * @typedef {import('@playwright/test').Page} Page
 * @typedef {{peer: string, el: {id: string, kind: string, x: number, y: number, w: number, h: number, points?: number[][], text?: string}}} Draft
 */

/**
 * @param {Page} page
 * @returns {Promise<Draft[]>}
 */
async function draftsOn(page) {
  return page.evaluate(() => window.easel.drafts());
}

/**
 * Polls `page` until it shows a draft of `peer` that `ok` accepts; returns it.
 * @param {Page} page
 * @param {string} peer
 * @param {string} what for the message
 * @param {(d: Draft['el']) => boolean} ok
 * @returns {Promise<Draft['el']>}
 */
async function draftSeen(page, peer, what, ok) {
  /** @type {Draft['el'] | null} */
  let found = null;
  await expect
    .poll(
      async () => {
        const d = (await draftsOn(page)).find((x) => x.peer === peer);
        found = d && ok(d.el) ? d.el : null;
        return found !== null;
      },
      { message: what, timeout: 5_000, intervals: [20, 50, 100] },
    )
    .toBe(true);
  return /** @type {any} */ (found);
}

/**
 * @param {Page} page
 * @returns {Promise<Array<{peer: string, points: Array<{x: number, y: number, alpha: number}>}>>}
 */
async function trailsOn(page) {
  return page.evaluate(() => window.easel.laserTrails());
}

/**
 * Picks a tool and holds the mouse down at fractions of the canvas.
 * @param {Page} page
 * @param {string} tool
 * @param {number} fx
 * @param {number} fy
 * @returns {Promise<{x: number, y: number}>} the page point pressed
 */
async function pressWith(page, tool, fx, fy) {
  await chooseTool(page, tool);
  const p = await canvasPoint(page, fx, fy);
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  return p;
}

/**
 * Polls `watcher` until it shows a laser trail of `peer` with at least two
 * points, moving `mover`'s held mouse one more step before each look: the
 * trail fades in a second, however slowly the machine runs.
 * @param {Page} mover with the laser pressed at `from`
 * @param {{x: number, y: number}} from
 * @param {Page} watcher
 * @param {string} peer
 * @param {string} what
 * @returns {Promise<Array<{x: number, y: number, alpha: number}>>} the points seen
 */
async function trailSeen(mover, from, watcher, peer, what) {
  let step = 0;
  /** @type {Array<{x: number, y: number, alpha: number}>} */
  let points = [];
  await expect
    .poll(
      async () => {
        step++;
        await mover.mouse.move(from.x + (step % 12) * 25, from.y + (step % 2) * 20, { steps: 2 });
        points = (await trailsOn(watcher)).find((t) => t.peer === peer)?.points ?? [];
        return points.length;
      },
      { message: what, timeout: 10_000, intervals: [0] },
    )
    .toBeGreaterThanOrEqual(2);
  return points;
}

/**
 * Records, on every animation frame of `page`, whether the element `id`
 * is shown as a draft, as an element, both or neither (window.__frames).
 * @param {Page} page
 * @param {string} id
 */
async function recordFrames(page, id) {
  await page.evaluate((id) => {
    /** @type {string[]} */
    const frames = [];
    /** @type {any} */ (window).__frames = frames;
    const tick = () => {
      const draft = window.easel.drafts().some((/** @type {any} */ d) => d.el.id === id);
      const element = window.easel.sync.view.has(id);
      const state = draft && element ? 'both' : draft ? 'draft' : element ? 'element' : 'none';
      if (frames.at(-1) !== state) frames.push(state);
      if (state !== 'element') requestAnimationFrame(tick);
    };
    // The state now, before Alice lets go, is the first entry: on a
    // loaded machine Bob's next animation frame may come only after the
    // stroke has landed, and the draft would then be missing from the
    // record though no frame ever showed both or neither.
    tick();
  }, id);
}

/**
 * Alice draws a stroke and holds the mouse: Bob sees it grow step by step;
 * she lets go: on every one of Bob's frames the stroke is shown either as
 * her draft or as the element, never both and never neither.
 * @param {{page: Page}} alice
 * @param {{page: Page}} bob
 */
async function strokeGrowsThenLands(alice, bob) {
  const aliceId = (await easelState(alice.page)).you;
  await pressWith(alice.page, 'pen', 0.3, 0.5);
  let points = 0;
  /** @type {string} */
  let id = '';
  for (let i = 1; i <= 4; i++) {
    const p = await canvasPoint(alice.page, 0.3 + i * 0.08, 0.5 + (i % 2 ? 0.1 : -0.1));
    await alice.page.mouse.move(p.x, p.y, { steps: 4 });
    const draft = await draftSeen(bob.page, aliceId, `Bob sees Alice's stroke with more than ${points} points (step ${i}, mouse still down)`, (el) => el.kind === 'stroke' && (el.points?.length ?? 0) > points);
    points = draft.points?.length ?? 0;
    id = draft.id;
  }
  expect((await elements(bob.page)).map((el) => el.id), 'not committed while drawing').not.toContain(id);
  expect(await draftsOn(alice.page), 'Alice never sees her own draft').toEqual([]);

  await recordFrames(bob.page, id);
  await alice.page.mouse.up();
  await expect.poll(async () => (await elements(bob.page)).some((el) => el.id === id), { message: 'the stroke reaches Bob' }).toBe(true);
  expect(await draftsOn(bob.page), 'the draft is gone once the stroke is there').toEqual([]);
  const frames = await bob.page.evaluate(() => /** @type {any} */ (window).__frames);
  expect(frames, 'every frame shows the draft or the stroke: never both, never neither').toEqual(['draft', 'element']);
  await expectSettled(alice.page, 'Alice');
}

test("Bob sees Alice's pen stroke grow while her mouse is down, then the stroke itself in the same frame", async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);
  await strokeGrowsThenLands(alice, bob);
});

test('across two nodes too: the stroke grows, then replaces its draft in one frame', async ({ browser, nodes }) => {
  test.setTimeout(60_000); // two servers and Redis on a shared machine, as in twonodes.spec.js
  const [nodeA, nodeB] = nodes;
  const board = await createBoard(nodeA.baseURL);
  const alice = await openPeer(browser, `${nodeA.baseURL}/b/${board.id}`, ALICE);
  const bob = await openPeer(browser, `${nodeB.baseURL}/b/${board.id}`, BOB);
  await strokeGrowsThenLands(alice, bob);
});

test('a rect being dragged, a text being typed and a selection being moved show as drafts; Escape clears one', async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);
  const aliceId = (await easelState(alice.page)).you;

  await test.step('a rect drag is a draft, and Escape takes it away with nothing made', async () => {
    const a = await pressWith(alice.page, 'rect', 0.2, 0.3);
    const b = await canvasPoint(alice.page, 0.4, 0.5);
    await alice.page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    const half = await draftSeen(bob.page, aliceId, 'a rect draft', (el) => el.kind === 'rect' && el.w > 20);
    await alice.page.mouse.move(b.x, b.y, { steps: 4 });
    await draftSeen(bob.page, aliceId, 'the rect draft grows', (el) => el.kind === 'rect' && el.w > half.w + 20);
    await alice.page.keyboard.press('Escape');
    await expect.poll(() => draftsOn(bob.page), { message: 'Escape clears the draft' }).toEqual([]);
    await alice.page.mouse.up();
    expect(await elements(alice.page), 'nothing was made').toEqual([]);
  });

  await test.step('a text is seen as it is typed', async () => {
    await chooseTool(alice.page, 'text');
    const p = await canvasPoint(alice.page, 0.5, 0.3);
    await alice.page.mouse.click(p.x, p.y);
    await expect(alice.page.getByTestId('text-editor')).toBeFocused();
    await alice.page.keyboard.type('Hel');
    await draftSeen(bob.page, aliceId, 'the text typed so far', (el) => el.kind === 'text' && el.text === 'Hel');
    await alice.page.keyboard.type('lo');
    const draft = await draftSeen(bob.page, aliceId, 'the text typed so far', (el) => el.text === 'Hello');
    await alice.page.keyboard.press('Escape');
    await expect.poll(async () => (await elements(bob.page)).find((el) => el.id === draft.id)?.text, { message: 'the text reaches Bob' }).toBe('Hello');
    await expect.poll(() => draftsOn(bob.page), { message: 'and its draft is gone' }).toEqual([]);
  });

  await test.step('moving a selected element shows it moving, in place of the stored one', async () => {
    await expectSettled(alice.page, 'Alice');
    const [text] = await elements(alice.page);
    await chooseTool(alice.page, 'select');
    const from = await canvasPoint(alice.page, 0.5, 0.3);
    const grab = { x: from.x + 10, y: from.y };
    await alice.page.mouse.move(grab.x, grab.y);
    await alice.page.mouse.down();
    await alice.page.mouse.move(grab.x + 150, grab.y + 100, { steps: 6 });
    const moved = await draftSeen(bob.page, aliceId, 'the text being moved', (el) => el.id === text.id && el.x > text.x + 100);
    expect(moved.y).toBeGreaterThan(text.y + 50);
    expect((await elements(bob.page)).find((el) => el.id === text.id)?.x, 'the stored text has not moved yet').toBe(text.x);
    await alice.page.mouse.up();
    await expect.poll(async () => (await elements(bob.page)).find((el) => el.id === text.id)?.x ?? 0, { message: 'the move reaches Bob' }).toBeGreaterThan(text.x + 100);
    await expect.poll(() => draftsOn(bob.page), { message: 'and the draft is gone' }).toEqual([]);
  });
});

test('a view-link member sees drafts, and its laser trail reaches the editor', async ({ browser, server }) => {
  const { board, alice } = await twoPeers(browser, server);
  const carol = await openPeer(browser, `${server.baseURL}${board.viewUrl}`, CAROL);
  const aliceId = (await easelState(alice.page)).you;
  const carolState = await easelState(carol.page);
  expect(carolState.role).toBe('view');

  await test.step('Carol (view link) sees Alice draw', async () => {
    await pressWith(alice.page, 'ellipse', 0.3, 0.3);
    const b = await canvasPoint(alice.page, 0.5, 0.6);
    await alice.page.mouse.move(b.x, b.y, { steps: 6 });
    const draft = await draftSeen(carol.page, aliceId, 'an ellipse draft on the view-link page', (el) => el.kind === 'ellipse' && el.w > 20);
    await alice.page.mouse.up();
    await expect.poll(async () => (await elements(carol.page)).some((el) => el.id === draft.id), { message: 'the ellipse reaches Carol' }).toBe(true);
    await expect.poll(() => draftsOn(carol.page)).toEqual([]);
  });

  await test.step('Carol points with the laser (K) and Alice sees the trail, which fades', async () => {
    const laser = carol.page.getByTestId('tool-laser');
    await expect(laser, 'the laser is there for viewers').toBeVisible();
    await expect(laser).toBeEnabled();
    await expect(laser).toHaveAccessibleName('Laser pointer');
    await carol.page.getByTestId('board-canvas').focus();
    await carol.page.keyboard.press('k');
    await expect.poll(async () => (await easelState(carol.page)).tool, { message: 'K picks the laser' }).toBe('laser');
    const a = await canvasPoint(carol.page, 0.4, 0.4);
    await carol.page.mouse.move(a.x, a.y);
    await carol.page.mouse.down();
    await trailSeen(carol.page, a, alice.page, carolState.you, "Carol's trail on Alice's page");
    await carol.page.mouse.up();
    await expect.poll(() => trailsOn(alice.page), { message: 'the trail fades away', timeout: 5_000 }).toEqual([]);
    expect(await elements(alice.page), 'the laser draws nothing on the board').toHaveLength(1);
  });
});

test("a laser trail from Alice appears on Bob's page and on her own, and fades in about a second", async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);
  const aliceId = (await easelState(alice.page)).you;
  const a = await pressWith(alice.page, 'laser', 0.3, 0.4);
  const seen = await trailSeen(alice.page, a, bob.page, aliceId, "Alice's trail on Bob's page");
  // Where she points (board coordinates): along her path, right of where she pressed.
  const box = /** @type {{x: number, y: number}} */ (await alice.page.getByTestId('board-canvas').boundingBox());
  const pressed = await alice.page.evaluate(([x, y]) => window.easel.viewport.toBoard(x, y), [a.x - box.x, a.y - box.y]);
  for (const p of seen) {
    expect(p.x).toBeGreaterThanOrEqual(pressed.x - 1);
    expect(p.x).toBeLessThanOrEqual(pressed.x + 12 * 25 + 1);
    expect(p.y).toBeGreaterThanOrEqual(pressed.y - 1);
    expect(p.y).toBeLessThanOrEqual(pressed.y + 21);
  }
  await trailSeen(alice.page, a, alice.page, aliceId, 'Alice sees her own trail');
  await expect(bob.page.getByTestId('laser-layer')).toHaveCount(1);

  await alice.page.mouse.up();
  await expect.poll(() => trailsOn(bob.page), { message: 'the trail fades away', timeout: 5_000 }).toEqual([]);
  await expect.poll(() => trailsOn(alice.page), { message: 'her own too' }).toEqual([]);
  expect(await elements(bob.page), 'the laser draws nothing on the board').toEqual([]);
});

// @ts-check
// Assertions shared by the specs (not a spec file itself).
const { expect, boxOnCanvas, moveMouseOnCanvas, createBoard, openPeer } = require('./fixtures');

/** How far (CSS px) a remote cursor's box may be from the point it marks. */
const NEAR = 24;
/** How far the movement of a remote cursor may differ from the mouse's. */
const DELTA = 12;

const ALICE = { name: 'Alice', color: '#e03131' };
const BOB = { name: 'Bob', color: '#1971c2' };

/**
 * @param {import('@playwright/test').Page | import('@playwright/test').FrameLocator} page
 *   a board page, or the frame of an embedded one
 * @param {string} name
 */
function remoteCursor(page, name) {
  return page.locator(`[data-testid="remote-cursor"][data-peer-name="${name}"]`);
}

/**
 * Waits until `watcher` shows exactly one remote cursor for `name` whose
 * bounding box (relative to the canvas) contains `point`, give or take NEAR
 * px, and has come to rest there. Returns that box.
 * @param {import('@playwright/test').Page | import('@playwright/test').FrameLocator} watcher
 * @param {string} name
 * @param {{x: number, y: number}} point relative to the canvas
 */
async function expectCursorAt(watcher, name, point) {
  const cursor = remoteCursor(watcher, name);
  await expect(cursor, `one remote cursor for ${name}`).toHaveCount(1);
  /** @type {{x: number, y: number, width: number, height: number} | null} */
  let box = null;
  /** @type {any} */
  let prev = null;
  await expect(async () => {
    box = await boxOnCanvas(watcher, cursor);
    const last = prev;
    prev = box;
    expect(box, `bounding box of ${name}'s remote cursor`).not.toBeNull();
    const b = /** @type {any} */ (box);
    const where = `${name}'s cursor box ${JSON.stringify(round(b))} vs mouse at ${JSON.stringify(round(point))}`;
    expect(point.x, where).toBeGreaterThanOrEqual(b.x - NEAR);
    expect(point.x, where).toBeLessThanOrEqual(b.x + b.width + NEAR);
    expect(point.y, where).toBeGreaterThanOrEqual(b.y - NEAR);
    expect(point.y, where).toBeLessThanOrEqual(b.y + b.height + NEAR);
    // Settled: the same place as at the previous poll (cursors may glide).
    expect(last && Math.abs(last.x - b.x) < 0.5 && Math.abs(last.y - b.y) < 0.5, `${where}: still moving`).toBe(true);
  }).toPass({ timeout: 10_000, intervals: [50, 100, 200] });
  return /** @type {any} */ (box);
}

/**
 * Moves the mouse of `mover` to two points of the canvas in turn and checks
 * that `watcher`'s remote cursor for `name` goes to the first and then moves
 * by the same offset as the mouse did.
 * @param {import('@playwright/test').Page} mover
 * @param {import('@playwright/test').Page | import('@playwright/test').FrameLocator} watcher
 *   a board page, or the frame of an embedded board
 * @param {string} name the mover's name
 * @param {[number, number][]} fractions two points as fractions of the visible canvas
 */
async function expectCursorFollows(mover, watcher, name, fractions) {
  const [f1, f2] = fractions;
  const p1 = await moveMouseOnCanvas(mover, f1[0], f1[1]);
  const b1 = await expectCursorAt(watcher, name, p1);
  const p2 = await moveMouseOnCanvas(mover, f2[0], f2[1]);
  const b2 = await expectCursorAt(watcher, name, p2);
  const moved = { x: b2.x - b1.x, y: b2.y - b1.y };
  const want = { x: p2.x - p1.x, y: p2.y - p1.y };
  const what = `${name}'s cursor moved by ${JSON.stringify(round(moved))}, the mouse by ${JSON.stringify(round(want))}`;
  expect(Math.abs(moved.x - want.x), what).toBeLessThanOrEqual(DELTA);
  expect(Math.abs(moved.y - want.y), what).toBeLessThanOrEqual(DELTA);
  return { p2, b2 };
}

/** @param {Record<string, number>} o */
function round(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
}

/**
 * How many times `name` appears in the page's peer list.
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 */
async function peerListCount(page, name) {
  const text = await page.getByTestId('peer-list').innerText();
  return text.split(name).length - 1;
}

/**
 * Alice and Bob on a new board, each in a browser context of their own and
 * connected. `setup.alice` / `setup.bob` prepare a peer's context before its
 * page opens (a SocketGate, say). `peers` is the pair as the board
 * assertions of drawing.js take it.
 * @param {import('@playwright/test').Browser} browser
 * @param {{baseURL: string}} server
 * @param {{alice?: (c: import('@playwright/test').BrowserContext) => Promise<unknown>, bob?: (c: import('@playwright/test').BrowserContext) => Promise<unknown>}} [setup]
 */
async function twoPeers(browser, server, setup = {}) {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  const alice = await openPeer(browser, url, ALICE, {}, setup.alice);
  const bob = await openPeer(browser, url, BOB, {}, setup.bob);
  const peers = [
    { page: alice.page, name: ALICE.name },
    { page: bob.page, name: BOB.name },
  ];
  return { board, url, alice, bob, peers };
}

/**
 * Closes the peers' browser contexts, one after the other.
 * @param {...{ context: import('@playwright/test').BrowserContext }} peers
 */
async function closePeers(...peers) {
  for (const p of peers) await p.context.close();
}

/**
 * Clicks a button of the top bar, opening the ⋯ menu first where the bar
 * collapses into it (narrow screens).
 * @param {import('@playwright/test').Page} page
 * @param {string} testid
 */
async function clickInTopBar(page, testid) {
  const button = page.getByTestId(testid);
  if (!(await button.isVisible())) await page.getByTestId('menu-toggle').click();
  await button.click();
}

/**
 * The locator's box lies inside the viewport (and it is visible).
 * @param {import('@playwright/test').Page} page
 * @param {import('@playwright/test').Locator} locator
 * @param {string} what
 */
async function expectOnScreen(page, locator, what) {
  await expect(locator, `${what} is visible`).toBeVisible();
  const vp = /** @type {{width: number, height: number}} */ (page.viewportSize());
  const box = await locator.boundingBox();
  expect(box, `${what} has a box`).not.toBeNull();
  const b = /** @type {{x: number, y: number, width: number, height: number}} */ (box);
  const where = `${what} at ${JSON.stringify(b)} in ${vp.width}×${vp.height}`;
  expect(b.x, where).toBeGreaterThanOrEqual(0);
  expect(b.y, where).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, where).toBeLessThanOrEqual(vp.width + 0.5);
  expect(b.y + b.height, where).toBeLessThanOrEqual(vp.height + 0.5);
}

module.exports = { ALICE, BOB, twoPeers, closePeers, clickInTopBar, expectOnScreen, remoteCursor, expectCursorAt, expectCursorFollows, peerListCount };

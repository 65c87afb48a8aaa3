// @ts-check
// Shapes and styles drawn by one set of rules on the canvas and in the
// exports (static/shapes.js, export/layout.go): a rect turned by rot 0.5
// looks the same on the canvas at zoom 1 as in the PNG export (issue 11,
// acceptance 6); a diamond, a dashed rect, a rounded rect and a labelled
// ellipse are drawn on the canvas and are in the SVG export; the export
// menu's background (white by default, transparent, dark) reaches the file.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE } = require('../helpers');
const { putElements } = require('../put');
const { fetchExport, startExport, lastDownloadWithId, expectDownloadState, savedBytes, sha256 } = require('../exports');

test.describe.configure({ timeout: 60_000 });

/** The page margin around the board in every export (export/scene.go boardMargin). */
const BOARD_MARGIN = 32;

/**
 * A wire element with defaults.
 * @param {Record<string, unknown>} fields
 */
function element(fields) {
  return { rot: 0, stroke: '#1e1e1e', fill: null, width: 2, ...fields };
}

/**
 * Sets the page's view and waits until the canvas has painted it.
 * @param {import('@playwright/test').Page} page
 * @param {{x: number, y: number, scale: number}} view
 */
async function showView(page, view) {
  await page.evaluate((view) => {
    // @ts-ignore
    window.easel.viewport.set(view);
  }, view);
  // Two frames after the change, the canvas shows it.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

test('a rect turned by rot 0.5 on the canvas at zoom 1 and in the PNG export differ in under 2 % of pixels', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Rotation');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, { colorScheme: 'light', deviceScaleFactor: 1 });
  const rect = { id: 'turned', kind: 'rect', x: 200, y: 150, w: 300, h: 160, rot: 0.5, stroke: '#1971c2', fill: '#a5d8ff', width: 4, z: 'a0' };
  await putElements(page, `/b/${board.id}/ws`, [element(rect)]);
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).easel.elements().length)).toBe(1);

  // The PNG at scale 1 shows the board from the top left of everything it
  // paints (the stroke included, turned) less the margin, one pixel per
  // unit: its pixel (0, 0) is board point (minX, minY) below — as
  // export/scene.go computes it.
  const c = Math.abs(Math.cos(rect.rot));
  const s = Math.abs(Math.sin(rect.rot));
  const hw = rect.w / 2 + rect.width / 2;
  const hh = rect.h / 2 + rect.width / 2;
  const minX = rect.x + rect.w / 2 - (hw * c + hh * s) - BOARD_MARGIN;
  const minY = rect.y + rect.h / 2 - (hw * s + hh * c) - BOARD_MARGIN;
  // The canvas at zoom 1 with that board point at canvas pixel (OFFSET,
  // OFFSET): both images then sample the board on the same pixel grid, and
  // the PNG's pixel (i, j) is the canvas's (OFFSET + i, OFFSET + j).
  const OFFSET = 40;
  await showView(page, { x: minX - OFFSET, y: minY - OFFSET, scale: 1 });
  const shot = await page.getByTestId('board-canvas').screenshot({ animations: 'disabled' });
  const png = (await fetchExport(server.baseURL, `/b/${board.id}`, 'png', 1)).bytes;

  const result = await page.evaluate(
    async ({ shot, png, offset }) => {
      /** @param {string} b64 */
      const pixels = async (b64) => {
        const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d'));
        // Both on white: the export's background, and the page's (the
        // canvas is nearly white, #fbfbfa, with light grid dots).
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(0, 0, bitmap.width, bitmap.height);
        ctx.drawImage(bitmap, 0, 0);
        return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      };
      const a = await pixels(png);
      const b = await pixels(shot);
      // A pixel differs when a channel differs by more than 64 of 255: not
      // anti-aliasing nor the grid's dots (#d3d7dc on the canvas), but any
      // of the rect's colours against the background or each other.
      let differ = 0;
      let inked = 0;
      const w = Math.min(a.width, b.width - offset);
      const h = Math.min(a.height, b.height - offset);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * a.width + x) * 4;
          const j = ((y + offset) * b.width + x + offset) * 4;
          const d = Math.max(Math.abs(a.data[i] - b.data[j]), Math.abs(a.data[i + 1] - b.data[j + 1]), Math.abs(a.data[i + 2] - b.data[j + 2]));
          if (d > 64) differ++;
          if (a.data[i] < 200) inked++;
        }
      }
      return { differ, total: w * h, inked, png: [a.width, a.height], shot: [b.width, b.height] };
    },
    { shot: shot.toString('base64'), png: png.toString('base64'), offset: OFFSET },
  );
  // The whole PNG was compared, and it shows the rect.
  expect(result.total, JSON.stringify(result)).toBe(result.png[0] * result.png[1]);
  expect(result.inked / result.total, 'the rect covers much of the PNG').toBeGreaterThan(0.3);
  expect(result.differ / result.total, `pixels that differ: ${JSON.stringify(result)}`).toBeLessThan(0.02);
});

test('a diamond, a dashed rect, a rounded rect and a labelled ellipse are drawn on the canvas and are in the SVG export', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Shapes');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, { colorScheme: 'light', deviceScaleFactor: 1 });
  const els = [
    element({ id: 'diamond', kind: 'diamond', x: 0, y: 0, w: 200, h: 120, fill: '#ffc9c9', stroke: '#e03131', z: 'a0' }),
    element({ id: 'dashed', kind: 'rect', x: 300, y: 0, w: 200, h: 120, stroke: '#2f9e44', width: 4, dash: 'dashed', z: 'a1' }),
    element({ id: 'rounded', kind: 'rect', x: 0, y: 200, w: 200, h: 120, stroke: '#1971c2', fill: '#a5d8ff', round: true, z: 'a2' }),
    element({ id: 'labelled', kind: 'ellipse', x: 300, y: 200, w: 200, h: 120, stroke: '#862e9c', text: 'Label', font: 24, z: 'a3' }),
  ];
  await putElements(page, `/b/${board.id}/ws`, els);
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).easel.elements().length)).toBe(4);
  // Board (0, 0) at canvas pixel (50, 50), zoom 1.
  await showView(page, { x: -50, y: -50, scale: 1 });

  /**
   * The canvas's colour at board points (zoom 1, offset 50), as [r, g, b].
   * @param {Array<[number, number]>} points
   * @returns {Promise<number[][]>}
   */
  const colours = (points) =>
    page.evaluate((points) => {
      const canvas = /** @type {HTMLCanvasElement} */ (document.querySelector('[data-testid="board-canvas"]'));
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
      const dpr = canvas.width / canvas.clientWidth;
      return points.map(([x, y]) => Array.from(ctx.getImageData(Math.round((x + 50) * dpr), Math.round((y + 50) * dpr), 1, 1).data.slice(0, 3)));
    }, points);
  /** @param {string} hex */
  const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  /** @param {number[]} got @param {string} hex */
  const close = (got, hex) => rgb(hex).every((v, i) => Math.abs(v - got[i]) <= 24);
  const background = '#fbfbfa';

  // Diamond: filled in its middle, not in its box's corners (a rhombus).
  const [mid, corner] = await colours([[100, 60], [12, 12]]);
  expect(close(mid, '#ffc9c9'), `diamond middle ${mid}`).toBe(true);
  expect(close(corner, background), `diamond box corner ${corner}`).toBe(true);

  // Dashed rect: along its top side both stroke and gaps.
  /** @type {Array<[number, number]>} */
  const top = [];
  for (let x = 320; x < 480; x++) top.push([x, 0]);
  const side = await colours(top);
  const ink = side.filter((c) => close(c, '#2f9e44')).length;
  const gap = side.filter((c) => close(c, background)).length;
  expect(ink, 'dashes on the top side').toBeGreaterThan(40);
  expect(gap, 'gaps on the top side').toBeGreaterThan(40);

  // Rounded rect: its corner pixel is outside it, its side's middle on the
  // stroke, its middle filled.
  const [rc, rs, rm] = await colours([[2, 202], [100, 200], [100, 260]]);
  expect(close(rc, background), `rounded corner ${rc}`).toBe(true);
  expect(close(rs, '#1971c2'), `rounded top side ${rs}`).toBe(true);
  expect(close(rm, '#a5d8ff'), `rounded middle ${rm}`).toBe(true);

  // Labelled ellipse: ink of the label's colour around its centre, none
  // near its left and right ends inside it.
  /** @type {Array<[number, number]>} */
  const middle = [];
  for (let y = 248; y < 272; y++) for (let x = 330; x < 470; x++) middle.push([x, y]);
  const label = (await colours(middle)).filter((c) => c[0] < 200 && c[2] > c[1]).length;
  expect(label, 'label pixels in the ellipse').toBeGreaterThan(100);
  const [left, right] = await colours([[312, 260], [488, 260]]);
  expect(close(left, background) && close(right, background), `no label at the ends ${left} ${right}`).toBe(true);

  await page.screenshot({ path: test.info().outputPath('shapes.png') });

  const svg = (await fetchExport(server.baseURL, `/b/${board.id}`, 'svg')).bytes.toString('utf8');
  expect(svg).toMatch(/<polygon points="100,0 200,60 100,120 0,60" fill="#ffc9c9" stroke="#e03131"/);
  expect(svg).toMatch(/<rect x="300" y="0" width="200" height="120" fill="none" stroke="#2f9e44" stroke-width="4" stroke-dasharray="16 16"\/>/);
  expect(svg).toMatch(/<rect x="0" y="200" width="200" height="120" rx="30" fill="#a5d8ff"/);
  expect(svg).toMatch(/<ellipse cx="400" cy="260" rx="100" ry="60" fill="none" stroke="#862e9c"/);
  expect(svg).toMatch(/<text xml:space="preserve" font-size="24" fill="#862e9c"><tspan [^>]*>Label<\/tspan><\/text>/);
});

test("the export menu's background makes a transparent PNG, the same file as GET export.png?background=transparent", async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Background');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, { colorScheme: 'light' });
  await putElements(page, `/b/${board.id}/ws`, [element({ id: 'r', kind: 'rect', x: 0, y: 0, w: 120, h: 80, fill: '#a5d8ff', z: 'a0' })]);
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).easel.elements().length)).toBe(1);

  const background = page.getByTestId('export-background');
  await page.getByTestId('export-menu').click();
  await expect(background, 'white by default').toHaveValue('');
  await background.selectOption('transparent');
  // JSON has no page: the choice is off for it, and back for PNG.
  await page.getByTestId('export-format-json').click();
  await expect(background).toBeDisabled();
  await page.getByTestId('export-menu').click(); // closes
  const saved = page.waitForEvent('download', { timeout: 60_000 });
  saved.catch(() => {});
  await startExport(page, 'png', 1);
  const started = await lastDownloadWithId(page);
  expect(started).toMatchObject({ format: 'png', scale: 1, background: 'transparent' });
  await expectDownloadState(page, started.id, 'done');
  const bytes = await savedBytes(await saved);
  expect(sha256(bytes), 'the same bytes as over HTTP').toBe((await fetchExport(server.baseURL, `/b/${board.id}`, 'png', 1, 'transparent')).sha256);
  expect(sha256(bytes), 'another file than the white default').not.toBe((await fetchExport(server.baseURL, `/b/${board.id}`, 'png', 1)).sha256);
  // Decoded in the page: the margin is transparent, the rect opaque.
  const corner = await page.evaluate(async (b64) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' }));
    const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d'));
    ctx.drawImage(bitmap, 0, 0);
    return [Array.from(ctx.getImageData(2, 2, 1, 1).data), Array.from(ctx.getImageData(bitmap.width >> 1, bitmap.height >> 1, 1, 1).data)];
  }, bytes.toString('base64'));
  expect(corner).toEqual([[0, 0, 0, 0], [0xa5, 0xd8, 0xff, 255]]);

  // The choice is remembered.
  await page.reload();
  await page.getByTestId('export-menu').click();
  await expect(page.getByTestId('export-background')).toHaveValue('transparent');
});

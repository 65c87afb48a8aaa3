// @ts-check
// A self-contained SVG (issue 12): the export menu's "Embed fonts" box asks
// for an SVG that carries subsets of its fonts as @font-face data. Chromium
// itself judges the file:
// - each embedded font loads through the FontFace API, which rejects a
//   font its sanitizer (OTS) refuses (a truncated font is shown to reject);
// - drawn as an <img> (an image cannot fetch fonts from anywhere), each
//   line of Latin, Japanese, Arabic and emoji text has ink where the PNG
//   export has it, within 2 px, Arabic read right to left included (emoji
//   are the font's bitmaps as images, over empty glyphs of the subset);
// - the same SVG with the @font-face rules stripped and the font stack
//   pointing at a missing family draws the Latin and Arabic lines
//   differently, so that ink comes from the embedded faces; and inline in
//   a page, Chromium reports (DevTools' CSS.getPlatformFontsForNode) the
//   embedded faces as the fonts of every line, Japanese included.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE } = require('../helpers');
const { downloads, fetchExport, lastDownloadWithId, expectDownloadState, savedBytes, sha256 } = require('../exports');
const { putElements } = require('../put');

test.describe.configure({ timeout: 90_000 });

const LINES = [
  { id: 'latin', text: 'Hello, Easel board' },
  { id: 'japanese', text: '日本語のテキスト' },
  { id: 'arabic', text: 'مرحبا بالعالم' },
  { id: 'emoji', text: 'Emoji 😀 👍' },
];
const X = 20;
const PITCH = 70;
const FONT = 32;

const ELEMENTS = LINES.map((l, i) => ({
  id: l.id, kind: 'text', x: X, y: 20 + PITCH * i, w: 400, h: 40, rot: 0, stroke: '#1e1e1e', fill: null, width: 2,
  text: l.text, font: FONT, z: `a${i}`,
}));

/**
 * The @font-face subsets of an SVG.
 * @param {string} svg
 */
function fontFaces(svg) {
  return [...svg.matchAll(/@font-face\{font-family:'([^']+)';src:url\(data:font\/ttf;base64,([A-Za-z0-9+/=]+)\)/g)].map((m) => ({ family: m[1], base64: m[2] }));
}

test('a self-contained SVG from the export menu carries fonts Chromium accepts and draws its text with', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Embedded fonts');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, { colorScheme: 'light', deviceScaleFactor: 1 });
  await putElements(page, `/b/${board.id}/ws`, ELEMENTS);
  await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).easel.elements().length)).toBe(ELEMENTS.length);

  /** @type {Buffer} */
  let svgBytes = Buffer.alloc(0);
  await test.step('the export menu offers the box for SVG alone, and the download carries the fonts', async () => {
    const box = page.getByTestId('export-embed-fonts');
    await page.getByTestId('export-menu').click();
    await page.getByTestId('export-format-png').click();
    await expect(box).toBeHidden();
    await page.getByTestId('export-format-svg').click();
    await expect(box).toBeVisible();
    await expect(box).toBeEnabled();
    await box.check();
    await page.getByTestId('export-format-pdf').click();
    await expect(box).toBeHidden();
    await page.getByTestId('export-format-svg').click();
    await expect(box, 'the choice survives switching formats').toBeChecked();
    const before = (await downloads(page)).length;
    const saved = page.waitForEvent('download', { timeout: 60_000 });
    saved.catch(() => {});
    await page.getByTestId('export-start').click();
    await expect.poll(async () => (await downloads(page)).length).toBe(before + 1);
    const started = await lastDownloadWithId(page);
    expect(started).toMatchObject({ format: 'svg', embedFonts: true });
    await expectDownloadState(page, started.id, 'done');
    svgBytes = await savedBytes(await saved);
    const http = await fetchExport(server.baseURL, `/b/${board.id}`, 'svg', undefined, undefined, true);
    expect(sha256(svgBytes), 'the menu download and GET export.svg?embed_fonts=1 are the same bytes').toBe(http.sha256);
    const plain = await fetchExport(server.baseURL, `/b/${board.id}`, 'svg');
    expect(plain.bytes.toString('utf8')).not.toContain('@font-face');
  });
  const svg = svgBytes.toString('utf8');
  const faces = fontFaces(svg);
  expect(faces.length, 'a subset each for the Go font, Noto Sans CJK, Noto Sans Arabic and Noto Color Emoji').toBe(4);

  await test.step('Chromium loads every embedded font (OTS accepts it)', async () => {
    const results = await page.evaluate(async (faces) => {
      const bytes = (/** @type {string} */ b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const load = async (/** @type {string} */ family, /** @type {Uint8Array} */ data) => {
        try {
          return (await new FontFace(family, data).load()).status;
        } catch (e) {
          return `rejected: ${e}`;
        }
      };
      const out = [];
      for (const f of faces) out.push({ family: f.family, status: await load(f.family, bytes(f.base64)) });
      // The check can fail: a font cut short is refused.
      const cut = bytes(faces[0].base64);
      out.push({ family: 'truncated', status: await load('Truncated', cut.subarray(0, cut.length >> 1)) });
      return out;
    }, faces);
    for (const r of results.slice(0, -1)) expect(r.status, r.family).toBe('loaded');
    expect(results.at(-1)?.status, 'a truncated font').toMatch(/^rejected/);
  });

  await test.step('drawn as an image, each line has ink where the PNG has it, from the embedded faces', async () => {
    const png = (await fetchExport(server.baseURL, `/b/${board.id}`, 'png', 1)).bytes.toString('base64');
    const stripped = svg.replace(/<style>[\s\S]*?<\/style>\n/, '').replace(/font-family="[^"]*"/, 'font-family="&#39;Easel Missing&#39;"');
    expect(stripped).not.toContain('@font-face');
    const viewBox = /viewBox="([^"]+)"/.exec(svg)?.[1].split(' ').map(Number) ?? [];
    const regions = LINES.map((_, i) => ({ top: 20 + PITCH * i - viewBox[1], bottom: 20 + PITCH * i + 45 - viewBox[1] }));
    /** @type {any} */
    let m;
    // Polled: an SVG image may paint before its fonts are decoded.
    await expect
      .poll(
        async () => {
          m = await page.evaluate(measure, { png, svg, stripped, regions });
          return m.lines.map((/** @type {any} */ l) => l.embedded.ink > 50 && Math.abs(l.embedded.left - l.png.left) <= 2 && Math.abs(l.embedded.right - l.png.right) <= 2);
        },
        { message: 'every line of the SVG drawn where the PNG draws it', timeout: 15_000 },
      )
      .toEqual(LINES.map(() => true));
    for (const [i, l] of m.lines.entries()) {
      expect(l.stripped.ink, `${LINES[i].id}: the stripped SVG still draws it`).toBeGreaterThan(50);
      // This machine has Noto Sans CJK installed, which Chromium's own
      // fallback picks for the stripped Japanese line: that one differs
      // by hinting only; the emoji line keeps its images. The next step
      // shows which faces draw those.
      if (LINES[i].id === 'latin' || LINES[i].id === 'arabic') expect(l.differ, `${LINES[i].id}: share of its ink the stripped SVG draws differently`).toBeGreaterThan(0.4);
    }
  });

  await test.step('inline in a page, the embedded faces are the fonts Chromium draws every line with', async () => {
    const inline = await page.context().newPage();
    await inline.setContent(`<!doctype html><html><body>${svg.replace(/^<\?xml[^>]*>\n/, '')}</body></html>`);
    await inline.evaluate(() => document.fonts.ready);
    const cdp = await inline.context().newCDPSession(inline);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'tspan' });
    expect(nodeIds.length).toBe(LINES.length);
    const families = new Set(faces.map((f) => f.family));
    for (const [i, nodeId] of nodeIds.entries()) {
      const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
      const drawn = fonts.map((f) => `${f.familyName}${f.isCustomFont ? '' : ' (system)'}`);
      expect(drawn.length, `${LINES[i].id}: drawn with ${drawn}`).toBeGreaterThan(0);
      for (const f of fonts) expect(f.isCustomFont && families.has(f.familyName), `${LINES[i].id}: drawn with ${drawn}`).toBe(true);
    }
    await inline.close();
  });
});

/**
 * Runs in the page: draws the PNG export and both SVGs on canvases and,
 * per line region, the ink's horizontal extent and amount, and how much of
 * the embedded SVG's ink the stripped one draws differently.
 * @param {{png: string, svg: string, stripped: string, regions: {top: number, bottom: number}[]}} args
 */
async function measure({ png, svg, stripped, regions }) {
  /** @param {string} src */
  const pixels = async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0);
    return g.getImageData(0, 0, c.width, c.height);
  };
  const svgURL = (/** @type {string} */ text) => URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  const [p, e, s] = await Promise.all([pixels(`data:image/png;base64,${png}`), pixels(svgURL(svg)), pixels(svgURL(stripped))]);
  // Ink: any pixel clearly not white (an emoji's colours count too).
  const dark = (/** @type {ImageData} */ im, /** @type {number} */ x, /** @type {number} */ y) => {
    const i = 4 * (y * im.width + x);
    return Math.min(im.data[i], im.data[i + 1], im.data[i + 2]) < 160;
  };
  /** @param {ImageData} im @param {{top: number, bottom: number}} r */
  const ink = (im, r) => {
    let n = 0;
    let left = Infinity;
    let right = -Infinity;
    for (let y = Math.max(0, Math.floor(r.top)); y < Math.min(im.height, Math.ceil(r.bottom)); y++) {
      for (let x = 0; x < im.width; x++) {
        if (!dark(im, x, y)) continue;
        n++;
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
    return { ink: n, left, right };
  };
  const lines = regions.map((r) => {
    let both = 0;
    let either = 0;
    for (let y = Math.max(0, Math.floor(r.top)); y < Math.min(e.height, Math.ceil(r.bottom)); y++) {
      for (let x = 0; x < e.width; x++) {
        const a = dark(e, x, y);
        const b = dark(s, x, y);
        if (a || b) either++;
        if (a && b) both++;
      }
    }
    return { png: ink(p, r), embedded: ink(e, r), stripped: ink(s, r), differ: either ? 1 - both / either : 0 };
  });
  return { lines };
}

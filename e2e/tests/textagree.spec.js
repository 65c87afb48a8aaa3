// @ts-check
// Canvas and PNG agree in every script (issue 12, acceptance 3): texts and
// stickies in Latin, Japanese, Arabic and emoji break into the same lines
// on the canvas (window.easel.layout) as in the exports (the SVG export's
// <tspan>s, one per line, laid out by export/layout.go like the PNG), at the
// same baselines and left ends, in the same direction.
//
// Not here yet: the acceptance's pixel half (canvas screenshot vs PNG in
// under 3 % of text pixels). Measured at 24 px it is 31 % (Latin), 56 %
// (Japanese), 39 % (Arabic), 21 % (emoji) of text pixels differing by more
// than 64 of 255: the canvas draws glyphs about 0.8 px lower than the PNG
// (same baselines in the layout, so it is Chrome's rasterising: hinting and
// baseline snapping) and anti-aliases edges differently; even shifted 1 px
// it stays at 10–24 %. A test that passes must wait for the PNG to draw
// text as Chrome does.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE } = require('../helpers');
const { fetchExport } = require('../exports');
const { putElements } = require('../put');

test.describe.configure({ timeout: 60_000 });

/** One text and one sticky (long enough to wrap) per script. */
const SCRIPTS = {
  latin: { text: 'Hello, Easel board', sticky: 'The quick brown fox jumps over the lazy dog near the river bank' },
  japanese: { text: 'こんにちは、世界', sticky: '日本語の付箋です。長い文章は文字の間で改行されます。' },
  arabic: { text: 'مرحبا بالعالم', sticky: 'هذه ملاحظة طويلة باللغة العربية تلتف على عدة أسطر' },
  emoji: { text: '🎨 ✨ 😀 👍', sticky: '🍎 🍊 🍋 🍉 🍇 🍓 🫐 🍒 🍑 🥭 🍍 🥥' },
};

/**
 * The board for one script: a text above a sticky, in a 420 × 260 area at
 * (0, 0), so the PNG's page is known and small.
 * @param {string} name
 */
function elementsOf(name) {
  const s = SCRIPTS[/** @type {keyof typeof SCRIPTS} */ (name)];
  return [
    { id: `${name}-text`, kind: 'text', x: 0, y: 0, w: 360, h: 30, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, text: s.text, font: 24, z: 'a0' },
    { id: `${name}-sticky`, kind: 'sticky', x: 0, y: 60, w: 220, h: 200, rot: 0, stroke: '#1e1e1e', fill: '#ffd43b', width: 2, text: s.sticky, font: 24, z: 'a1' },
  ];
}

/**
 * The SVG export's lines per element, in paint order: each <text> is one
 * element's text, each <tspan> one line (export/svg.go lines).
 * @param {string} svg
 */
function svgLines(svg) {
  const unescape = (/** @type {string} */ s) =>
    s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const texts = [...svg.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)];
  return texts.map((t) =>
    [...t[1].matchAll(/<tspan([^>]*)>([\s\S]*?)<\/tspan>/g)].map((m) => ({
      text: unescape(m[2]),
      x: Number(/\bx="([^"]+)"/.exec(m[1])?.[1]),
      y: Number(/\by="([^"]+)"/.exec(m[1])?.[1]),
      rtl: /direction="rtl"/.test(m[1]),
    })),
  );
}

for (const name of Object.keys(SCRIPTS)) {
  test(`${name}: the canvas breaks a text and a sticky into the lines the exports draw`, async ({ browser, server }) => {
    const board = await createBoard(server.baseURL, `Agree ${name}`);
    const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE, { colorScheme: 'light', deviceScaleFactor: 1 });
    const els = elementsOf(name);
    await putElements(page, `/b/${board.id}/ws`, els);
    await expect.poll(() => page.evaluate(() => /** @type {any} */ (window).easel.elements().length)).toBe(els.length);
    // The page's web fonts for this script are loaded (fonts.js), so the
    // canvas measures with the same files as the server.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await expect.poll(() => page.evaluate(() => document.fonts.ready.then(() => document.fonts.status))).toBe('loaded');

    // Line breaks: the canvas's lines (element coordinates) against the
    // SVG's tspans (board coordinates; the elements are not turned).
    const svg = (await fetchExport(server.baseURL, `/b/${board.id}`, 'svg', 1)).bytes.toString('utf8');
    const exported = svgLines(svg);
    expect(exported.length).toBe(els.length);
    for (const [i, el] of els.entries()) {
      const canvasLines = await page.evaluate((id) => /** @type {any} */ (window).easel.layout(id), el.id);
      const server = exported[i];
      expect(canvasLines.map((/** @type {any} */ l) => l.text), `${el.id}: the same lines`).toEqual(server.map((l) => l.text));
      if (el.kind === 'sticky') expect(server.length, `${el.id} wraps`).toBeGreaterThan(1);
      for (const [j, l] of server.entries()) {
        const c = canvasLines[j];
        expect(c.rtl, `${el.id} line ${j}: direction`).toBe(l.rtl);
        expect(Math.abs(el.y + c.y - l.y), `${el.id} line ${j}: baseline`).toBeLessThan(0.5);
        // An RTL line's tspan is anchored at its right end, whose place
        // depends on the line's width, so only an LTR line's x compares.
        if (!l.rtl) expect(Math.abs(el.x + c.x - l.x), `${el.id} line ${j}: left end`).toBeLessThan(0.5);
      }
    }
  });
}

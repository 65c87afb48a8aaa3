// @ts-check
// The page's fonts: the board's canvas text uses the server's font set as
// web fonts (/fonts.css, family "Easel"), the same files the exports draw
// with. Latin text loads the embedded Go font; the CJK face (16 MB) is
// fetched only once CJK text appears; a server with no fonts beyond the
// embedded one still serves Latin and says which scripts are boxes.
const { test, expect } = require('../fixtures');
const { writeText } = require('../drawing');

/**
 * The status of the "Easel" face whose unicode-range holds code point cp
 * (the last declared first, as CSS consults them), or "none".
 * @param {import('@playwright/test').Page} page
 * @param {number} cp
 */
function faceStatus(page, cp) {
  return page.evaluate((cp) => {
    const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Easel').reverse();
    for (const f of faces) {
      for (const part of f.unicodeRange.split(',')) {
        const [lo, hi] = part
          .trim()
          .replace(/^U\+/i, '')
          .split('-')
          .map((h) => parseInt(h, 16));
        if (cp >= lo && cp <= (hi ?? lo)) return f.status;
      }
    }
    return 'none';
  }, cp);
}

/**
 * Font files the page fetched.
 * @param {import('@playwright/test').Page} page
 */
function fontRequests(page) {
  /** @type {string[]} */
  const urls = [];
  page.on('request', (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith('/fonts/')) urls.push(path);
  });
  return urls;
}

test('Latin text loads the Go web font, CJK text and only CJK text the CJK face', async ({ page, server }) => {
  const css = await (await fetch(`${server.baseURL}/fonts.css`)).text();
  test.skip(!/noto-sans-cjk/.test(css), 'no CJK font on this machine: install fonts-noto-cjk (scripts/test-deps.sh)');

  const fetched = fontRequests(page);
  await page.goto(`${server.baseURL}/new`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');

  const hello = await writeText(page, [0.3, 0.3], 'Hello fonts');
  await expect.poll(() => faceStatus(page, 'H'.codePointAt(0) ?? 0), { message: 'the Go face' }).toBe('loaded');
  // The text tool measured it with the Go face, not a system font.
  const widths = await page.evaluate(
    ({ text, size }) => {
      const ctx = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
      ctx.font = `${size}px "Easel"`;
      const easel = Math.ceil(ctx.measureText(text).width);
      ctx.font = `${size}px sans-serif`;
      return { easel, sans: Math.ceil(ctx.measureText(text).width) };
    },
    { text: hello.text, size: hello.font ?? 20 },
  );
  expect(widths.easel).not.toBe(widths.sans);
  expect(hello.w).toBe(widths.easel);
  expect(await page.evaluate(() => document.fonts.check('20px "Easel"', 'Hello fonts'))).toBe(true);
  expect(fetched.some((p) => /^\/fonts\/go-[0-9a-f]{12}\.ttf$/.test(p)), fetched.join(' ')).toBe(true);
  // Nothing CJK on the board: its face is declared, not fetched.
  expect(await faceStatus(page, 0x65e5)).toBe('unloaded');
  expect(fetched.filter((p) => p.includes('cjk'))).toEqual([]);

  await writeText(page, [0.5, 0.6], '日本語のテキスト');
  await expect.poll(() => faceStatus(page, 0x65e5), { message: 'the CJK face', timeout: 20_000 }).toBe('loaded');
  expect(fetched.filter((p) => p.includes('cjk')).length).toBe(1);
  // Arabic is still not needed.
  expect(await faceStatus(page, 'ع'.codePointAt(0) ?? 0)).toBe('unloaded');
});

test('a text committed before its face arrived gets its true width once the face loads', async ({ browser, server }) => {
  const css = await (await fetch(`${server.baseURL}/fonts.css`)).text();
  test.skip(!/noto-sans-arabic/.test(css), 'no Arabic font on this machine: install fonts-noto-core (scripts/test-deps.sh)');
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  // Hold the Arabic face back until the text is committed, as a slow network
  // would; meanwhile Chromium measures with a system font (DejaVu Sans here).
  /** @type {(() => void)[]} */
  const held = [];
  let holding = true;
  await page.route(/\/fonts\/noto-sans-arabic/, (route) => {
    if (holding) held.push(() => route.continue());
    else route.continue();
  });
  await page.goto(`${server.baseURL}/new`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');

  const text = 'مرحبا بالعالم';
  const el = await writeText(page, [0.4, 0.4], text);
  expect(await faceStatus(page, 'ع'.codePointAt(0) ?? 0)).not.toBe('loaded');
  const trueWidth = () =>
    page.evaluate(
      async ({ text, size }) => {
        await document.fonts.load(`${size}px "Easel"`, text);
        const c = /** @type {CanvasRenderingContext2D} */ (document.createElement('canvas').getContext('2d'));
        c.font = `${size}px "Easel"`;
        return Math.ceil(c.measureText(text).width);
      },
      { text, size: el.font ?? 20 },
    );

  holding = false;
  for (const go of held.splice(0)) go();
  const want = await trueWidth();
  expect(want, 'the stand-in font measured another width, or this test proves nothing').not.toBe(el.w);
  // The author sends the true size; the server has it (a second member sees it).
  const peer = await ctx.newPage();
  await peer.goto(page.url());
  await expect
    .poll(async () => (await peer.evaluate(() => window.easel.elements())).find((e) => e.id === el.id)?.w, { message: 'the width others see' })
    .toBe(want);
  await ctx.close();
});

test.describe('a server with the embedded font alone', () => {
  test.use({ serverArgs: ['--no-system-fonts'] });

  test('serves Latin and says which scripts are boxes', async ({ page, server }) => {
    const css = await (await fetch(`${server.baseURL}/fonts.css`)).text();
    expect(css.match(/@font-face/g)?.length).toBe(1);
    const ready = await (await fetch(`${server.baseURL}/readyz`)).text();
    expect(ready).toContain('fonts: scripts with a font: Latin (Go), Cyrillic (Go), Greek (Go); boxes: CJK, Arabic, Hebrew, Devanagari, Emoji');

    await page.goto(`${server.baseURL}/new`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await writeText(page, [0.3, 0.3], 'Latin still');
    await expect.poll(() => faceStatus(page, 'L'.codePointAt(0) ?? 0)).toBe('loaded');
    expect(await faceStatus(page, 0x65e5)).toBe('none');
  });
});

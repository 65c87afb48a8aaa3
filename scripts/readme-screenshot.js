#!/usr/bin/env node
// Retakes docs/screenshot.png, the README's picture of today's UI: the real
// binary on a scratch data directory, a small flow chart imported through
// the public route, and Bob's page while Ada points at it. Run from the
// repository root after `make build` and `cd e2e && npm ci`:
//
//   node scripts/readme-screenshot.js [out.png] [--dark] [--phone]
//
// Uses e2e's playwright-core with Debian's Chromium (CHROMIUM, default
// /usr/bin/chromium).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require(path.resolve(__dirname, '../e2e/node_modules/playwright-core'));

const args = process.argv.slice(2);
const out = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'docs/screenshot.png');
const dark = args.includes('--dark');
const phone = args.includes('--phone');

/** The flow chart: shapes with labels, bound arrows, a dashed one, a note. */
function scene() {
  const base = { rot: 0, stroke: '#1e1e1e', fill: null, width: 2, font: 20 };
  const box = (id, kind, x, y, w, h, text, extra = {}) => ({ ...base, id, kind, x, y, w, h, text, z: `a${id.length}${id}`, ...extra });
  const arrow = (id, from, to, pts, extra = {}) => ({
    ...base, id, kind: 'arrow', x: pts[0][0], y: pts[0][1], w: 0, h: 0,
    points: pts.map(([x, y]) => [x - pts[0][0], y - pts[0][1]]),
    start: { id: from }, end: { id: to }, z: `b${id}`, ...extra,
  });
  return {
    format: 'easel',
    version: 1,
    title: 'Launch plan',
    elements: [
      box('idea', 'rect', 0, 40, 200, 90, 'Idea', { round: true, fill: '#a5d8ff' }),
      box('ready', 'diamond', 300, 10, 220, 150, 'Ready to ship?', { fill: '#ffec99' }),
      box('ship', 'rect', 640, 40, 200, 90, 'Ship it', { round: true, fill: '#b2f2bb' }),
      box('feedback', 'ellipse', 310, 270, 200, 110, 'Ask the team', { fill: '#ffc9c9' }),
      arrow('a1', 'idea', 'ready', [[206, 85], [294, 85]]),
      arrow('a2', 'ready', 'ship', [[526, 85], [634, 85]]),
      arrow('a3', 'ready', 'feedback', [[410, 166], [410, 264]], { dash: 'dashed' }),
      arrow('a4', 'feedback', 'idea', [[304, 325], [100, 325], [100, 136]], { dash: 'dashed' }),
      { ...base, id: 'note', kind: 'sticky', x: 660, y: 240, w: 200, h: 160, fill: '#ffd43b', text: 'Demo on Friday, bring the phone layout', font: 18, z: 'c0', rot: -0.06 },
      { ...base, id: 'title', kind: 'text', x: 0, y: -60, w: 320, h: 40, text: 'Launch plan', font: 32, z: 'c1' },
    ],
  };
}

async function startServer() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'easel-shot-'));
  const child = spawn(path.resolve(__dirname, '../bin/easel'), ['--addr', '127.0.0.1:0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not say it was listening within 10 s')), 10_000);
    const scan = (chunk) => {
      const m = String(chunk).match(/msg=listening addr=(\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', scan);
    child.stderr.on('data', scan);
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { base: `http://${addr}`, stop: () => { child.kill('SIGTERM'); fs.rmSync(data, { recursive: true, force: true }); } };
}

async function main() {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const res = await fetch(`${server.base}/api/boards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Launch plan' }) });
    if (res.status !== 201) throw new Error(`create board: ${res.status}`);
    const board = await res.json();
    const url = `${server.base}${board.editUrl}`;
    const imp = await fetch(`${url}/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scene()) });
    if (imp.status !== 200) throw new Error(`import: ${imp.status} ${await imp.text()}`);

    const view = phone ? { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } : { viewport: { width: 1280, height: 800 } };
    const open = async (name, color) => {
      const context = await browser.newContext({ ...view, colorScheme: dark ? 'dark' : 'light' });
      await context.addInitScript(([n, c]) => {
        localStorage.setItem('easel.name', n);
        localStorage.setItem('easel.color', c);
      }, [name, color]);
      const page = await context.newPage();
      await page.goto(url);
      await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor();
      return page;
    };
    const ada = await open('Ada', '#e64980');
    const bob = await open('Bob', '#1971c2');
    await open('Grace', '#2f9e44');
    // Bob fits the board to his window; Ada points at the diamond.
    await bob.keyboard.press('Shift+Digit1');
    await ada.keyboard.press('Shift+Digit1');
    const canvas = ada.getByTestId('board-canvas');
    const box = await canvas.boundingBox();
    const target = await ada.evaluate(() => {
      const el = window.easel.elements().find((e) => e.kind === 'diamond');
      const p = window.easel.viewport.toScreen(el.x + el.w * 0.62, el.y + el.h * 0.7);
      return { x: p.x, y: p.y };
    });
    await ada.mouse.move(box.x + target.x - 40, box.y + target.y - 30);
    await ada.mouse.move(box.x + target.x, box.y + target.y, { steps: 8 });
    await bob.locator('[data-testid="remote-cursor"][data-peer-name="Ada"]').waitFor();
    // The remote cursor eases toward its target: wait until it rests.
    let last = '';
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      const b = JSON.stringify(await bob.locator('[data-testid="remote-cursor"][data-peer-name="Ada"]').boundingBox());
      if (b === last) break;
      last = b;
      await bob.waitForTimeout(100);
    }
    await bob.screenshot({ path: out });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
    server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

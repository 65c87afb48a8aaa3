#!/usr/bin/env node
// @ts-check
// Rendering benchmark: a board of 10 000 mixed elements, panned for a few
// seconds in Debian's Chromium at 100 % and zoomed out to show everything.
// It reports frame times (requestAnimationFrame intervals in the page),
// the board's own paint cost (window.easel.perf.lastFrameMs) and how many
// elements were drawn (window.easel.perf.drawn). A figure, not a test: it
// asserts nothing about speed and is not part of `npx playwright test`
// (it lives outside testDir).
//
//   npm run bench:render            (from e2e/, after `go build -o bin/easel .`)
//
// Environment: EASEL_BIN, CHROMIUM as for the tests; BENCH_ELEMENTS (10000),
// BENCH_PAN_MS (3000), BENCH_SEED (1), BENCH_OUT (bench/render-result.json),
// BENCH_WIDTH / BENCH_HEIGHT (board units the elements are spread over;
// default: what the canvas shows at the smallest zoom, so that "zoomed out"
// really shows everything).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('@playwright/test');
const { EaselServer, createBoard } = require('../fixtures');
const config = require('../playwright.config');

const N = Number(process.env.BENCH_ELEMENTS || 10_000);
const PAN_MS = Number(process.env.BENCH_PAN_MS || 3000);
const SEED = Number(process.env.BENCH_SEED || 1);
const OUT = path.resolve(__dirname, '..', process.env.BENCH_OUT || 'bench/render-result.json');
const VIEWPORT = { width: 1280, height: 800 };
/** The server's ops budget is 75 messages/s (bursts 150): stay well under. */
const MIN_SEND_INTERVAL_MS = 1000 / 50;
const OPS_PER_MESSAGE = 500;

/** @param {string} msg */
function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/**
 * Fills a board from inside the page: opens its own socket (easel.v1),
 * says hello, and sends the generated elements in ops messages of at most
 * `perMessage` ops, waiting for each ack (our ref coming back in an `ops`).
 * Runs in the browser.
 * @param {{socketURL: string, n: number, width: number, height: number, seed: number,
 *   perMessage: number, minInterval: number}} args
 */
async function fillBoardInPage(args) {
  const { socketURL, n, width, height, seed, perMessage, minInterval } = args;
  // mulberry32: a small seeded PRNG, so every run builds the same board.
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const between = (/** @type {number} */ a, /** @type {number} */ b) => a + rnd() * (b - a);
  const r2 = (/** @type {number} */ v) => Math.round(v * 100) / 100;
  const colors = ['#1e1e1e', '#e03131', '#1971c2', '#2f9e44', '#f08c00', '#9c36b5'];
  const fills = [null, null, '#ffc9c9', '#a5d8ff', '#b2f2bb', '#ffec99'];
  const words = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.split(' ');
  const sentence = (/** @type {number} */ k) => Array.from({ length: k }, () => words[Math.floor(rnd() * words.length)]).join(' ');
  // The mix of a busy board: mostly strokes, then boxes and lines, some text.
  const mix = [
    ['stroke', 0.4],
    ['rect', 0.14],
    ['ellipse', 0.1],
    ['line', 0.08],
    ['arrow', 0.08],
    ['text', 0.1],
    ['sticky', 0.1],
  ];
  /** @type {Record<string, number>} */
  const counts = {};
  let points = 0;
  const els = [];
  for (let i = 0; i < n; i++) {
    let u = rnd();
    let kind = 'stroke';
    for (const [k, p] of mix) {
      if (u < /** @type {number} */ (p)) {
        kind = /** @type {string} */ (k);
        break;
      }
      u -= /** @type {number} */ (p);
    }
    counts[kind] = (counts[kind] || 0) + 1;
    const x = r2(between(0, width - 300));
    const y = r2(between(0, height - 300));
    const base = {
      id: `bench-${i.toString(36)}`,
      kind,
      x,
      y,
      rot: 0,
      stroke: colors[Math.floor(rnd() * colors.length)],
      width: [1, 2, 2, 4][Math.floor(rnd() * 4)],
      // Fractional-index-like keys in insertion order.
      z: `a${i.toString(36).padStart(5, '0')}`,
    };
    let el;
    if (kind === 'stroke') {
      const count = 20 + Math.floor(rnd() * 31);
      const pts = [];
      let px = 0;
      let py = 0;
      let heading = rnd() * Math.PI * 2;
      for (let j = 0; j < count; j++) {
        pts.push([r2(px), r2(py)]);
        heading += between(-0.5, 0.5);
        const step = between(3, 9);
        px += Math.cos(heading) * step;
        py += Math.sin(heading) * step;
      }
      points += count;
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      const minX = Math.min(...xs);
      const minY = Math.min(...ys);
      // Points relative to x, y, with x, y the top-left of their box.
      el = {
        ...base,
        w: r2(Math.max(...xs) - minX),
        h: r2(Math.max(...ys) - minY),
        points: pts.map(([a, b]) => [r2(a - minX), r2(b - minY)]),
        fill: null,
      };
    } else if (kind === 'rect' || kind === 'ellipse') {
      el = { ...base, w: r2(between(30, 260)), h: r2(between(30, 200)), fill: fills[Math.floor(rnd() * fills.length)] };
    } else if (kind === 'line' || kind === 'arrow') {
      const dx = r2(between(-250, 250));
      const dy = r2(between(-250, 250));
      el = { ...base, x: x + 250, y: y + 250, w: Math.abs(dx), h: Math.abs(dy), points: [[0, 0], [dx, dy]], fill: null };
      points += 2;
    } else if (kind === 'text') {
      const text = sentence(2 + Math.floor(rnd() * 6));
      const font = [16, 20, 28][Math.floor(rnd() * 3)];
      el = { ...base, w: r2(text.length * font * 0.55), h: r2(font * 1.25), fill: null, text, font };
    } else {
      el = { ...base, w: 200, h: 160, fill: '#ffd43b', text: sentence(3 + Math.floor(rnd() * 10)), font: 18 };
    }
    els.push(el);
  }

  const ws = new WebSocket(socketURL, 'easel.v1');
  /** @type {Map<string, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
  const waiting = new Map();
  /** @type {((msg: any) => void) | null} */
  let onWelcome = null;
  ws.onmessage = (ev) => {
    for (const line of String(ev.data).split('\n')) {
      if (!line) continue;
      const msg = JSON.parse(line);
      if (msg.type === 'welcome' && onWelcome) onWelcome(msg);
      else if ((msg.type === 'ops' || msg.type === 'error') && msg.ref && waiting.has(msg.ref)) {
        const w = /** @type {any} */ (waiting.get(msg.ref));
        waiting.delete(msg.ref);
        if (msg.type === 'ops') w.resolve(msg.seq);
        else w.reject(new Error(`ops ${msg.ref} refused: ${msg.code}: ${msg.message}`));
      }
    }
  };
  const closed = new Promise((_, reject) => {
    ws.onclose = (ev) => reject(new Error(`bench socket closed: ${ev.code} ${ev.reason}`));
  });
  await Promise.race([
    closed,
    new Promise((resolve) => {
      ws.onopen = () => resolve(undefined);
    }),
  ]);
  const welcome = new Promise((resolve) => {
    onWelcome = resolve;
  });
  ws.send(JSON.stringify({ type: 'hello', name: 'bench', color: '#495057' }));
  await Promise.race([closed, welcome]);

  const started = performance.now();
  let lastSend = 0;
  let messages = 0;
  let bytes = 0;
  for (let i = 0; i < els.length; i += perMessage) {
    const wait = lastSend + minInterval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const ref = `bench-${seed}-${messages}`;
    const body = JSON.stringify({ type: 'ops', ref, ops: els.slice(i, i + perMessage).map((el) => ({ op: 'put', el })) });
    const acked = new Promise((resolve, reject) => waiting.set(ref, { resolve, reject }));
    lastSend = performance.now();
    ws.send(body);
    bytes += body.length;
    messages++;
    await Promise.race([closed, acked]);
  }
  const fillMs = performance.now() - started;
  ws.onclose = null;
  ws.close(1000);
  return { counts, points, messages, bytes, fillMs };
}

/**
 * Installs the frame sampler: every requestAnimationFrame records its
 * interval and, when the board painted since the last one, its paint cost.
 * Runs in the browser.
 */
function installSampler() {
  // @ts-ignore
  window.__bench = {
    running: false,
    /** @type {number[]} */ intervals: [],
    /** @type {number[]} */ paint: [],
    /** @type {number[]} */ drawn: [],
    frames0: 0,
    /**
     * Starts sampling; with `wheel`, also dispatches one wheel event on the
     * canvas per animation frame, as a trackpad delivers them: `wheel` CSS px
     * to the right for the first half of `ms`, back to the left for the
     * second half, with a small vertical wobble.
     * @param {number} [wheel] step of the per-frame wheel, 0 for none
     * @param {number} [ms] duration of the sweep
     */
    start(wheel = 0, ms = 3000) {
      this.running = true;
      this.wheelEvents = 0;
      this.intervals = [];
      this.paint = [];
      this.drawn = [];
      // @ts-ignore
      const perf = window.easel.perf;
      this.frames0 = perf.frames;
      let last = -1;
      let frames = perf.frames;
      const canvas = /** @type {HTMLCanvasElement} */ (document.querySelector('[data-testid="board-canvas"]'));
      const r = canvas.getBoundingClientRect();
      let angle = 0;
      const t0 = performance.now();
      const tick = (/** @type {number} */ t) => {
        if (!this.running) return;
        if (last >= 0) this.intervals.push(t - last);
        last = t;
        if (wheel > 0) {
          angle += 0.12;
          const dir = performance.now() - t0 < ms / 2 ? 1 : -1;
          canvas.dispatchEvent(
            new WheelEvent('wheel', {
              deltaX: wheel * dir,
              deltaY: wheel * 0.3 * Math.sin(angle),
              deltaMode: 0,
              clientX: r.left + r.width / 2,
              clientY: r.top + r.height / 2,
              bubbles: true,
              cancelable: true,
            }),
          );
          this.wheelEvents++;
        }
        if (perf.frames !== frames) {
          frames = perf.frames;
          this.paint.push(perf.lastFrameMs);
          this.drawn.push(perf.drawn);
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    },
    stop() {
      this.running = false;
      // @ts-ignore
      const painted = window.easel.perf.frames - this.frames0;
      return { intervals: this.intervals, paint: this.paint, drawn: this.drawn, painted, wheelEvents: this.wheelEvents };
    },
  };
}

/** @param {number} v */
const r2 = (v) => Math.round(v * 100) / 100;

/**
 * @param {number[]} xs
 */
function stats(xs) {
  if (xs.length === 0) return { n: 0, mean: NaN, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const q = (/** @type {number} */ p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const r = (/** @type {number} */ v) => Math.round(v * 100) / 100;
  return { n: s.length, mean: r(mean), p50: r(q(0.5)), p95: r(q(0.95)), p99: r(q(0.99)), max: r(s[s.length - 1]) };
}

/**
 * Waits for the next painted frame and returns window.easel.perf.
 * @param {import('@playwright/test').Page} page
 */
async function settledPerf(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        // Two frames: the view change is painted by the first at the latest.
        requestAnimationFrame(() =>
          requestAnimationFrame(() => {
            // @ts-ignore
            const p = window.easel.perf;
            resolve({ frames: p.frames, lastFrameMs: p.lastFrameMs, drawn: p.drawn });
          }),
        );
      }),
  );
}

/**
 * Sets the page's view (board x, y at the canvas's top-left, scale).
 * @param {import('@playwright/test').Page} page
 * @param {{x: number, y: number, scale: number}} view
 */
async function setView(page, view) {
  await page.evaluate((v) => {
    // @ts-ignore
    window.easel.viewport.set(v);
  }, view);
  return settledPerf(page);
}

/**
 * Pans for `ms`, sweeping right for half the time and back left (far enough
 * to leave the renderer's panning cache), and returns the samples. mode "frame": the page dispatches one wheel event on
 * the canvas per animation frame (a trackpad's rate: the most the board
 * can be asked to repaint). mode "input": Playwright's mouse.wheel, as fast
 * as the browser takes real input events (each waits for the renderer).
 * @param {import('@playwright/test').Page} page
 * @param {number} ms
 * @param {number} step wheel pixels per event
 * @param {'frame' | 'input'} mode
 */
async function pan(page, ms, step, mode) {
  const box = await page.getByTestId('board-canvas').boundingBox();
  if (!box) throw new Error('no canvas');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const before = await page.evaluate(() => {
    // @ts-ignore
    const v = window.easel.viewport.view;
    return { x: v.x, y: v.y, scale: v.scale };
  });
  await page.evaluate((w) => {
    // @ts-ignore
    window.__bench.start(w.step, w.ms);
  }, { step: mode === 'frame' ? step : 0, ms });
  const t0 = Date.now();
  let events = 0;
  if (mode === 'frame') {
    await new Promise((r) => setTimeout(r, ms));
  } else {
    let angle = 0;
    while (Date.now() - t0 < ms) {
      angle += 0.12;
      const dir = Date.now() - t0 < ms / 2 ? 1 : -1;
      await page.mouse.wheel(step * dir, Math.round(step * 0.3 * Math.sin(angle)));
      events++;
    }
  }
  const elapsed = Date.now() - t0;
  /** @type {{intervals: number[], paint: number[], drawn: number[], painted: number, wheelEvents: number}} */
  // @ts-ignore
  const samples = await page.evaluate(() => window.__bench.stop());
  if (mode === 'frame') events = samples.wheelEvents;
  const after = await page.evaluate(() => {
    // @ts-ignore
    const v = window.easel.viewport.view;
    return { x: v.x, y: v.y, scale: v.scale };
  });
  if (after.x === before.x && after.y === before.y) throw new Error(`panning (${mode}) did not move the view`);
  // Back to where it was, for the next run.
  await setView(page, before);
  const frame = stats(samples.intervals);
  const r1 = (/** @type {number} */ v) => Math.round(v * 10) / 10;
  return {
    input: mode === 'frame' ? 'one synthetic wheel event per animation frame' : 'Playwright mouse.wheel (trusted input)',
    durationMs: elapsed,
    wheelEvents: events,
    wheelEventsPerSecond: r1(events / (elapsed / 1000)),
    framesPainted: samples.painted,
    frameIntervalMs: frame,
    fps: r1(1000 / frame.mean),
    repaintsPerSecond: r1(samples.painted / (elapsed / 1000)),
    paintMs: stats(samples.paint),
    drawnWhilePanning: stats(samples.drawn),
  };
}

/**
 * Another member editing: from inside a (same-origin) page, opens a socket,
 * says hello and adds one small rectangle inside `region` every `interval`
 * ms for `ms`, each in its own ops message (10/s is far under the budget).
 * Runs in the browser; resolves with the count sent and acknowledged.
 * @param {{socketURL: string, ms: number, interval: number, tag: string,
 *   region: {x: number, y: number, w: number, h: number}}} args
 */
async function editsInPage(args) {
  const { socketURL, ms, interval, tag, region } = args;
  const ws = new WebSocket(socketURL, 'easel.v1');
  let acked = 0;
  /** @type {string[]} */
  const errors = [];
  let welcomed = () => {};
  const welcome = new Promise((resolve) => {
    welcomed = () => resolve(undefined);
  });
  ws.onmessage = (ev) => {
    for (const line of String(ev.data).split('\n')) {
      if (!line) continue;
      const msg = JSON.parse(line);
      if (msg.type === 'welcome') welcomed();
      else if (msg.type === 'ops' && typeof msg.ref === 'string' && msg.ref.startsWith(tag)) acked++;
      else if (msg.type === 'error') errors.push(`${msg.code}: ${msg.message}`);
    }
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error('editor socket failed'));
  });
  ws.send(JSON.stringify({ type: 'hello', name: 'bench editor', color: '#e8590c' }));
  await welcome;
  let sent = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const el = {
      id: `${tag}-${sent}`,
      kind: 'rect',
      x: Math.round(region.x + Math.random() * region.w),
      y: Math.round(region.y + Math.random() * region.h),
      w: 60,
      h: 40,
      rot: 0,
      stroke: '#e8590c',
      fill: null,
      width: 2,
      z: `z${String(sent).padStart(5, '0')}`,
    };
    ws.send(JSON.stringify({ type: 'ops', ref: `${tag}-${sent}`, ops: [{ op: 'put', el }] }));
    sent++;
    await new Promise((r) => setTimeout(r, interval));
  }
  const deadline = performance.now() + 5000;
  while (acked < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  ws.close(1000);
  return { sent, acked, errors };
}

/**
 * Samples the view page's frames while another member adds elements in
 * view (each edit invalidates the panning cache: a direct paint).
 * @param {import('@playwright/test').Page} page the board page
 * @param {import('@playwright/test').Page} editor a same-origin page
 * @param {string} socketURL
 * @param {number} ms
 * @param {string} tag
 */
async function liveEdits(page, editor, socketURL, ms, tag) {
  const region = await page.evaluate(() => {
    // @ts-ignore
    const e = window.easel;
    const c = /** @type {HTMLCanvasElement} */ (document.querySelector('[data-testid="board-canvas"]'));
    const a = e.viewport.toBoard(c.clientWidth * 0.2, c.clientHeight * 0.2);
    const b = e.viewport.toBoard(c.clientWidth * 0.8, c.clientHeight * 0.8);
    return { x: a.x, y: a.y, w: b.x - a.x, h: b.y - a.y };
  });
  await page.evaluate(() => {
    // @ts-ignore
    window.__bench.start(0);
  });
  const t0 = Date.now();
  const edits = await editor.evaluate(editsInPage, { socketURL, ms, interval: 100, tag, region });
  const elapsed = Date.now() - t0;
  /** @type {{intervals: number[], paint: number[], drawn: number[], painted: number}} */
  // @ts-ignore
  const samples = await page.evaluate(() => window.__bench.stop());
  const frame = stats(samples.intervals);
  const r1 = (/** @type {number} */ v) => Math.round(v * 10) / 10;
  if ((await page.evaluate(() => document.visibilityState)) !== 'visible') throw new Error('the board page went to the background');
  return {
    input: 'another member adds a rectangle in view every 100 ms (no panning)',
    durationMs: elapsed,
    edits,
    framesPainted: samples.painted,
    frameIntervalMs: frame,
    fps: r1(1000 / frame.mean),
    repaintsPerSecond: r1(samples.painted / (elapsed / 1000)),
    paintMs: stats(samples.paint),
    drawnWhilePanning: stats(samples.drawn),
  };
}

async function main() {
  const server = new EaselServer();
  /** @type {import('@playwright/test').Browser | null} */
  let browser = null;
  try {
    await server.start();
    log(`server on ${server.baseURL}`);
    const board = await createBoard(server.baseURL, `Render bench ${N}`);
    const url = `${server.baseURL}/b/${board.id}`;
    const project = /** @type {any} */ (config).projects[0].use;
    browser = await chromium.launch({ headless: true, ...project.launchOptions });
    const chromiumVersion = browser.version();
    const context = await browser.newContext({ viewport: VIEWPORT });
    await context.addInitScript(() => {
      localStorage.setItem('easel.name', 'Bench');
      localStorage.setItem('easel.color', '#495057');
    });
    const page = await context.newPage();
    await page.goto(url);
    await page.getByTestId('connection-status').and(page.locator('[data-state="connected"]')).waitFor();

    const canvas = await page.evaluate(async () => {
      const c = /** @type {HTMLCanvasElement} */ (document.querySelector('[data-testid="board-canvas"]'));
      const { MIN_SCALE } = await import('/static/viewport.js');
      return { width: c.clientWidth, height: c.clientHeight, minScale: MIN_SCALE };
    });
    const width = Number(process.env.BENCH_WIDTH) || Math.floor((canvas.width / canvas.minScale) * 0.94);
    const height = Number(process.env.BENCH_HEIGHT) || Math.floor((canvas.height / canvas.minScale) * 0.94);
    log(`canvas ${canvas.width}×${canvas.height} CSS px; spreading ${N} elements over ${width}×${height} board units`);

    // Fill from a blank page of the same origin, so the board page under
    // test loads the 10 000 elements from its welcome like a real visitor.
    const filler = await context.newPage();
    await filler.goto(`${server.baseURL}/healthz`);
    const socketURL = `${server.baseURL.replace(/^http/, 'ws')}/b/${board.id}/ws`;
    await page.close();
    const fill = await filler.evaluate(fillBoardInPage, {
      socketURL,
      n: N,
      width,
      height,
      seed: SEED,
      perMessage: OPS_PER_MESSAGE,
      minInterval: MIN_SEND_INTERVAL_MS,
    });
    await filler.close();
    log(`filled: ${fill.messages} ops messages, ${(fill.bytes / 1e6).toFixed(1)} MB, ${Math.round(fill.fillMs)} ms`);

    // The other member's page, in its own context, opened before the board
    // page, which is then brought to the front: a page in the background
    // gets one animation frame per second.
    const editorContext = await browser.newContext({ viewport: { width: 400, height: 300 } });
    const editor = await editorContext.newPage();
    await editor.goto(`${server.baseURL}/healthz`);

    const view = await context.newPage();
    await view.bringToFront();
    const loadStart = Date.now();
    await view.goto(url);
    await view.waitForFunction(
      (n) => {
        // @ts-ignore
        const e = window.easel;
        return e && e.state().connected && e.state().elementCount === n;
      },
      N,
      { timeout: 60_000, polling: 50 },
    );
    const loadMs = Date.now() - loadStart;
    log(`board page shows ${N} elements after ${loadMs} ms`);
    await view.evaluate(installSampler);
    const visibility = await view.evaluate(() => document.visibilityState);
    if (visibility !== 'visible') throw new Error(`the board page is ${visibility}: frames would be throttled`);

    // 100 %: over the middle of the board.
    const mid = { x: width / 2 - canvas.width / 2, y: height / 2 - canvas.height / 2, scale: 1 };
    const atTypical = await setView(view, mid);
    log(`100 %: drawn ${atTypical.drawn}, paint ${r2(atTypical.lastFrameMs)} ms; panning ${PAN_MS} ms twice`);
    const typicalFrame = await pan(view, PAN_MS, 20, 'frame');
    const typicalInput = await pan(view, PAN_MS, 40, 'input');
    const typicalLive = await liveEdits(view, editor, socketURL, PAN_MS, 'live100');

    // Zoomed out to the whole board: the board's centre at the canvas's centre.
    const fit = Math.max(canvas.minScale, Math.min(canvas.width / width, canvas.height / height) * 0.97);
    const whole = {
      x: width / 2 - canvas.width / fit / 2,
      y: height / 2 - canvas.height / fit / 2,
      scale: fit,
    };
    const atFit = await setView(view, whole);
    log(`${r2(fit * 100)} %: drawn ${atFit.drawn}, paint ${r2(atFit.lastFrameMs)} ms; panning ${PAN_MS} ms twice`);
    const fitFrame = await pan(view, PAN_MS, 8, 'frame');
    const fitInput = await pan(view, PAN_MS, 16, 'input');
    const fitLive = await liveEdits(view, editor, socketURL, PAN_MS, 'livefit');

    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        loadavg: os.loadavg().map((v) => r2(v)),
        node: process.version,
        chromium: chromiumVersion,
      },
      browser: { viewport: VIEWPORT, canvas: { width: canvas.width, height: canvas.height }, args: project.launchOptions.args },
      board: { elements: N, spread: { width, height }, kinds: fill.counts, points: fill.points, seed: SEED },
      fill: { messages: fill.messages, opsPerMessage: OPS_PER_MESSAGE, bytes: fill.bytes, ms: Math.round(fill.fillMs) },
      loadMs,
      typical: {
        zoom: 1,
        drawnAtRest: atTypical.drawn,
        paintAtRestMs: r2(atTypical.lastFrameMs),
        panPerFrame: typicalFrame,
        panInput: typicalInput,
        liveEdits: typicalLive,
      },
      zoomedOut: {
        zoom: Math.round(fit * 10000) / 10000,
        drawnAtRest: atFit.drawn,
        paintAtRestMs: r2(atFit.lastFrameMs),
        panPerFrame: fitFrame,
        panInput: fitInput,
        liveEdits: fitLive,
      },
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

    const row = (/** @type {string} */ name, /** @type {any} */ r, /** @type {any} */ p) =>
      `| ${name} | ${r.drawnAtRest} | ${p.wheelEventsPerSecond ?? '–'} | ${p.frameIntervalMs.mean} | ${p.frameIntervalMs.p50} | ` +
      `${p.frameIntervalMs.p95} | ${p.frameIntervalMs.p99} | ${p.fps} | ${p.repaintsPerSecond} | ${p.paintMs.mean} / ${p.paintMs.p95} |`;
    const pct = `${r2(fit * 100)} %`;
    const table = [
      `Render benchmark: ${N} elements (${Object.entries(fill.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}; ${fill.points} points) over ${width}×${height} board units; ${canvas.width}×${canvas.height} canvas; ` +
        `Chromium ${chromiumVersion}, software rendering, ${os.cpus().length} CPUs. The page loaded the board in ${loadMs} ms.`,
      '',
      '| view, input | drawn | wheel/s | frame mean ms | p50 | p95 | p99 | fps | repaints/s | board paint ms mean / p95 |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      row('100 %, wheel every frame', result.typical, typicalFrame),
      row('100 %, Playwright wheel', result.typical, typicalInput),
      row('100 %, remote edit every 100 ms', result.typical, typicalLive),
      row(`${pct} (all), wheel every frame`, result.zoomedOut, fitFrame),
      row(`${pct} (all), Playwright wheel`, result.zoomedOut, fitInput),
      row(`${pct} (all), remote edit every 100 ms`, result.zoomedOut, fitLive),
      '',
      'frame = requestAnimationFrame interval in the page; fps = 1000 / mean frame; repaints/s = board frames painted ' +
        '(window.easel.perf.frames); board paint = window.easel.perf.lastFrameMs of each repaint; drawn = ' +
        'window.easel.perf.drawn at rest (elements in view, whether painted directly or copied from the panning cache).',
    ].join('\n');
    process.stdout.write(`${table}\n\nwritten to ${path.relative(process.cwd(), OUT)}\n`);
    await context.close();
    await editorContext.close();
  } finally {
    if (browser) await browser.close();
    await server.dispose();
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});

// @ts-check
// Test fixtures for Easel's end-to-end tests.
//
// `server` starts the real binary (EASEL_BIN, default ../bin/easel) on
// 127.0.0.1 with a free port and a fresh data directory, and waits for its
// `listening addr=HOST:PORT` log line and a 200 from /healthz. The test can
// stop it (SIGTERM, graceful), start it again on the same port and data
// directory, or restart it in one call. Teardown kills whatever is left and
// removes the data directory; when a test fails, the server's output is
// attached to its report. `nodes` starts several such servers sharing
// boards through Redis (`--redis`), under a key prefix of the test's own.
const { test: base, expect } = require('@playwright/test');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const crypto = require('node:crypto');
const { redisPing, redisDeletePrefix } = require('./redis');

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
const HOST = '127.0.0.1';

/** Every live child (nginx.js adds its own), so that none outlives the test runner. */
const liveChildren = new Set();
process.on('exit', () => {
  for (const child of liveChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

function binaryPath() {
  return process.env.EASEL_BIN || path.resolve(__dirname, '../bin/easel');
}

/**
 * Finds the listening address in one slog line, text or JSON.
 * Accepts `msg=listening addr=127.0.0.1:41234`, quoted values, and
 * `"msg":"listening","addr":"127.0.0.1:41234"`.
 * @param {string} line
 * @returns {{host: string, port: number} | null}
 */
function parseListening(line) {
  if (!/listening/.test(line)) return null;
  const m = line.match(/\baddr=("?)(\S+?)\1(?:\s|$)/) || line.match(/"addr"\s*:\s*"([^"]+)"/);
  if (!m) return null;
  const addr = m[m.length - 1];
  const colon = addr.lastIndexOf(':');
  if (colon < 0) return null;
  const port = Number(addr.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0) return null;
  return { host: addr.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

/**
 * One Easel server process under test, restartable on the same port and
 * data directory.
 */
class EaselServer {
  /**
   * @param {{extraArgs?: string[], name?: string}} [opts]
   */
  constructor(opts = {}) {
    this.bin = binaryPath();
    this.extraArgs = opts.extraArgs || [];
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'easel-e2e-'));
    /** @type {number} */
    this.port = 0;
    /** @type {import('node:child_process').ChildProcess | null} */
    this.child = null;
    /** Output of every run of the process, each line prefixed by its run and stream. */
    /** @type {string[]} */
    this.output = [];
    this.runs = 0;
    /** @type {Promise<{code: number|null, signal: string|null}> | null} */
    this.exited = null;
  }

  get baseURL() {
    return `http://${HOST}:${this.port}`;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The captured output of the server, for error messages and reports. */
  log() {
    return this.output.join('\n');
  }

  /**
   * Starts the process: on a free port the first time, on the same port
   * afterwards. Resolves once it logged `listening addr=…` and /healthz
   * answers 200; rejects with the captured output after 10 s.
   */
  async start() {
    if (this.running) throw new Error('easel server is already running');
    if (!fs.existsSync(this.bin)) {
      throw new Error(
        `easel binary not found at ${this.bin}: build it with \`go build -o bin/easel .\` ` +
          'in the repository root (or `make`), or point EASEL_BIN at it',
      );
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const result = await this._spawnOnce(deadline);
      if (result.ok) break;
      // A restart on the same port can race the old socket's release.
      const busy = /address already in use/i.test(result.output);
      if (busy && this.port !== 0 && Date.now() + 200 < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      throw new Error(`${result.reason}\n--- easel output ---\n${this.log() || '(none)'}`);
    }
    await this._waitHealthy(deadline);
  }

  /**
   * @param {number} deadline
   * @returns {Promise<{ok: true} | {ok: false, reason: string, output: string}>}
   */
  _spawnOnce(deadline) {
    const run = ++this.runs;
    const addr = `${HOST}:${this.port}`;
    const args = ['--addr', addr, '--data', this.dataDir, ...this.extraArgs];
    this.output.push(`[run ${run}] $ ${this.bin} ${args.join(' ')}`);
    const child = spawn(this.bin, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    this.child = child;
    liveChildren.add(child);
    const runOutput = [];
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        this.output.push(`[run ${run}] exited code=${code} signal=${signal}`);
        resolve({ code, signal });
      });
    });

    return new Promise((resolve) => {
      let settled = false;
      const finish = (/** @type {any} */ value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(value);
      };
      const onLine = (/** @type {string} */ stream) => (/** @type {string} */ line) => {
        this.output.push(`[run ${run} ${stream}] ${line}`);
        runOutput.push(line);
        if (process.env.EASEL_E2E_LOG) process.stderr.write(`[easel ${run} ${stream}] ${line}\n`);
        if (settled) return;
        const listening = parseListening(line);
        if (listening) {
          if (this.port === 0) this.port = listening.port;
          finish({ ok: true });
        }
      };
      readline.createInterface({ input: /** @type {any} */ (child.stdout) }).on('line', onLine('out'));
      readline.createInterface({ input: /** @type {any} */ (child.stderr) }).on('line', onLine('err'));
      child.once('error', (err) => {
        finish({ ok: false, reason: `could not start ${this.bin}: ${err.message}`, output: runOutput.join('\n') });
      });
      child.once('exit', (code, signal) => {
        // Let readline drain what is left before reporting.
        setImmediate(() =>
          finish({
            ok: false,
            reason: `easel exited (code=${code} signal=${signal}) before logging "listening addr=…"`,
            output: runOutput.join('\n'),
          }),
        );
      });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({
          ok: false,
          reason: `easel did not log "listening addr=…" within ${START_TIMEOUT_MS / 1000} s`,
          output: runOutput.join('\n'),
        });
      }, Math.max(0, deadline - Date.now()));
    });
  }

  /** @param {number} deadline */
  async _waitHealthy(deadline) {
    let last = '';
    while (Date.now() < deadline) {
      if (!this.running) break;
      try {
        const res = await fetch(`${this.baseURL}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
        last = `status ${res.status}`;
      } catch (err) {
        last = String(/** @type {any} */ (err).cause || err);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.running) this.child?.kill('SIGKILL');
    throw new Error(
      `easel logged "listening" but GET /healthz did not answer 200 within ${START_TIMEOUT_MS / 1000} s ` +
        `(last: ${last || 'no answer'})\n--- easel output ---\n${this.log()}`,
    );
  }

  /**
   * Stops the process and waits for it to exit; the port and the data
   * directory are kept for start(). With SIGTERM (the default) the server
   * shuts down gracefully; after 10 s it is killed.
   * @param {{signal?: NodeJS.Signals}} [opts]
   * @returns {Promise<{code: number|null, signal: string|null, killed: boolean}>}
   */
  async stop(opts = {}) {
    const child = this.child;
    if (!child || !this.exited) return { code: null, signal: null, killed: false };
    if (!this.running) return { ...(await this.exited), killed: false };
    child.kill(opts.signal || 'SIGTERM');
    let timer;
    const timedOut = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), STOP_TIMEOUT_MS);
    });
    const status = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (status) return { ...status, killed: false };
    this.output.push(`[harness] no exit ${STOP_TIMEOUT_MS / 1000} s after ${opts.signal || 'SIGTERM'}: SIGKILL`);
    child.kill('SIGKILL');
    return { ...(await this.exited), killed: true };
  }

  /** stop() then start(), on the same port and data directory. */
  async restart(opts = {}) {
    const status = await this.stop(opts);
    await this.start();
    return status;
  }

  /** Teardown: kill what is left and remove the data directory. */
  async dispose() {
    if (this.running) {
      this.child?.kill('SIGTERM');
      const gone = await Promise.race([
        this.exited,
        new Promise((r) => setTimeout(() => r(null), 3000)),
      ]);
      if (!gone && this.running) {
        this.child?.kill('SIGKILL');
        await this.exited;
      }
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Creates a board through the API.
 * @param {string} baseURL
 * @param {string} [title]
 * @returns {Promise<{id: string, viewId: string, title: string, editUrl: string, viewUrl: string}>}
 */
async function createBoard(baseURL, title) {
  const res = await fetch(`${baseURL}/api/boards`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(title === undefined ? {} : { title }),
  });
  const text = await res.text();
  if (res.status !== 201) {
    throw new Error(`POST /api/boards: expected 201, got ${res.status}: ${text}`);
  }
  let board;
  try {
    board = JSON.parse(text);
  } catch {
    throw new Error(`POST /api/boards: response is not JSON: ${text}`);
  }
  for (const field of ['id', 'viewId', 'editUrl', 'viewUrl']) {
    if (typeof board[field] !== 'string' || board[field] === '') {
      throw new Error(`POST /api/boards: field "${field}" missing in ${text}`);
    }
  }
  return board;
}

/**
 * Opens a page in a fresh browser context as a named peer (name and color
 * set in localStorage before any script of the page runs) and waits for
 * the connection to be established.
 *
 * The page also records, with a MutationObserver, whether it ever showed a
 * `remote-cursor` carrying its own name: `selfCursorSeen(page)` reads it.
 *
 * @param {import('@playwright/test').Browser} browser
 * @param {string} url absolute URL of the board page
 * @param {{name: string, color: string}} who
 * @param {import('@playwright/test').BrowserContextOptions} [contextOptions]
 * @param {(context: import('@playwright/test').BrowserContext) => Promise<unknown>} [setup]
 *   runs on the new context before its page is created (e.g. routeWebSocket)
 */
async function openPeer(browser, url, who, contextOptions = {}, setup = undefined) {
  // The same viewport for every peer, so canvas-relative positions compare:
  // the project's (the phone project's 390×844), else 1280×800.
  const context = await browser.newContext({ viewport: projectViewport(), ...contextOptions });
  if (setup) await setup(context);
  await context.addInitScript(({ name, color }) => {
    localStorage.setItem('easel.name', name);
    localStorage.setItem('easel.color', color);
    // @ts-ignore
    window.__easelSelfCursorSeen = false;
    const own = `[data-testid="remote-cursor"][data-peer-name="${CSS.escape(name)}"]`;
    new MutationObserver(() => {
      // @ts-ignore
      if (!window.__easelSelfCursorSeen && document.querySelector(own)) window.__easelSelfCursorSeen = true;
    }).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-testid', 'data-peer-name'],
    });
  }, who);
  const page = await context.newPage();
  const response = await page.goto(url);
  expect(response?.status(), `GET ${url}`).toBe(200);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  return { context, page };
}

/** The viewport of the running test's project, else 1280×800. */
function projectViewport() {
  return test.info().project.use.viewport ?? { width: 1280, height: 800 };
}

/** @param {import('@playwright/test').Page} page */
async function selfCursorSeen(page) {
  // @ts-ignore
  return page.evaluate(() => window.__easelSelfCursorSeen === true);
}

/**
 * The visible part of the board canvas, in page coordinates.
 * @param {import('@playwright/test').Page} page
 */
async function canvasRect(page) {
  const box = await page.getByTestId('board-canvas').boundingBox();
  if (!box) throw new Error('board-canvas has no bounding box');
  const vp = page.viewportSize() || { width: 1280, height: 800 };
  const left = Math.max(box.x, 0);
  const top = Math.max(box.y, 0);
  const right = Math.min(box.x + box.width, vp.width);
  const bottom = Math.min(box.y + box.height, vp.height);
  return { canvas: box, visible: { x: left, y: top, width: right - left, height: bottom - top } };
}

/**
 * Moves the mouse to a point given as fractions of the visible canvas and
 * returns that point relative to the canvas' top-left corner.
 * @param {import('@playwright/test').Page} page
 * @param {number} fx
 * @param {number} fy
 */
async function moveMouseOnCanvas(page, fx, fy) {
  const { canvas, visible } = await canvasRect(page);
  const x = visible.x + visible.width * fx;
  const y = visible.y + visible.height * fy;
  await page.mouse.move(x, y, { steps: 6 });
  return { x: x - canvas.x, y: y - canvas.y };
}

/**
 * Bounding box of a locator relative to the page's board canvas, or null.
 * @param {import('@playwright/test').Page | import('@playwright/test').FrameLocator} page
 *   a board page, or the frame of an embedded board
 * @param {import('@playwright/test').Locator} locator
 */
async function boxOnCanvas(page, locator) {
  const canvas = await page.getByTestId('board-canvas').boundingBox();
  const box = await locator.boundingBox({ timeout: 1000 }).catch(() => null);
  if (!canvas || !box) return null;
  return { x: box.x - canvas.x, y: box.y - canvas.y, width: box.width, height: box.height };
}

const test = base.extend({
  // Every browser context a test opens (openPeer, browser.newContext) is
  // closed when the test ends, passed or failed. The browser lives for the
  // whole run: a page left open keeps reconnecting to its dead server and
  // redrawing, and enough of them slow every later test into its timeout.
  closeContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use(undefined);
      const opened = browser.contexts().filter((c) => !before.has(c));
      await Promise.all(opened.map((c) => c.close().catch(() => {})));
    },
    { auto: true },
  ],

  // Extra command-line arguments for the server, e.g.
  // test.use({ serverArgs: ['--cursor-tick', '0'] }).
  serverArgs: [[], { option: true }],

  // The Redis that `nodes` share: EASEL_E2E_REDIS, or db 13 of the local
  // server. Nothing is flushed: each test's nodes run under a key prefix of
  // their own, whose keys are deleted at teardown.
  redisURL: [process.env.EASEL_E2E_REDIS || 'redis://127.0.0.1:6379/13', { option: true }],
  // How many nodes `nodes` starts.
  nodeCount: [2, { option: true }],

  // Several Easel nodes sharing boards through Redis (`--redis`), each on
  // its own port with its own data directory, started like `server`.
  nodes: async ({ serverArgs, redisURL, nodeCount }, use, testInfo) => {
    try {
      await redisPing(redisURL);
    } catch (err) {
      throw new Error(
        `the multi-node tests need a Redis at ${redisURL} (\`make test-deps\` starts one, ` +
          `or set EASEL_E2E_REDIS): ${/** @type {Error} */ (err).message}`,
      );
    }
    const prefix = `easele2e:${crypto.randomBytes(6).toString('hex')}:`;
    const args = ['--redis', redisURL, '--redis-prefix', prefix, ...serverArgs];
    const nodes = Array.from({ length: nodeCount }, () => new EaselServer({ extraArgs: args }));
    try {
      await Promise.all(nodes.map((n) => n.start()));
      await use(nodes);
    } finally {
      await Promise.all(nodes.map((n) => n.dispose()));
      const failed = testInfo.status !== testInfo.expectedStatus;
      if (failed || process.env.EASEL_E2E_LOG) {
        for (const [i, n] of nodes.entries()) {
          await testInfo.attach(`easel-node-${String.fromCharCode(97 + i)}.log`, { body: n.log(), contentType: 'text/plain' });
        }
      }
      await redisDeletePrefix(redisURL, prefix).catch((err) => {
        process.stderr.write(`nodes fixture: could not delete the test's Redis keys (${prefix}*): ${err.message}\n`);
      });
    }
  },

  server: async ({ serverArgs }, use, testInfo) => {
    const server = new EaselServer({ extraArgs: serverArgs });
    try {
      await server.start();
      await use(server);
    } finally {
      await server.dispose();
      if (testInfo.status !== testInfo.expectedStatus || process.env.EASEL_E2E_LOG) {
        await testInfo.attach('easel-server.log', { body: server.log(), contentType: 'text/plain' });
      }
    }
  },
});

module.exports = {
  test,
  expect,
  EaselServer,
  createBoard,
  openPeer,
  selfCursorSeen,
  canvasRect,
  moveMouseOnCanvas,
  boxOnCanvas,
  parseListening,
  liveChildren,
};

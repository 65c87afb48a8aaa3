// @ts-check
// Export and import helpers shared by the specs (not a spec file itself).
//
// They drive the page through the agreed hooks: `export-menu`,
// `export-format-<fmt>`, `export-scale`, `export-start`, `export-progress`
// (with `data-transfer-id` and `value` 0..1), `export-cancel`,
// `export-retry`, `import-file`, the `toast`, and window.easel.downloads().
// Files are compared by their SHA-256, computed here in Node.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { expect } = require('./fixtures');

/**
 * @typedef {import('@playwright/test').Page} Page
 * @typedef {{id: string, ref: string, format: string, scale: number, embedFonts: boolean, filename: string, size: number,
 *   received: number, window: number, mime: string,
 *   state: 'receiving' | 'verifying' | 'done' | 'failed' | 'cancelled', sha256: string, verified: boolean,
 *   expired: boolean, paused: boolean, resumes: number, message: string}} DownloadInfo
 */

/** The hand-written test files. */
const FIXTURES = path.join(__dirname, 'fixtures');

/**
 * Lower-case hex SHA-256.
 * @param {Buffer | Uint8Array} bytes
 */
function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * The page's downloads, oldest first.
 * @param {Page} page
 * @returns {Promise<DownloadInfo[]>}
 */
async function downloads(page) {
  // @ts-ignore
  return page.evaluate(() => window.easel.downloads());
}

/**
 * Opens the export menu, picks a format (and scale for png/pdf) and starts.
 * @param {Page} page
 * @param {'png' | 'svg' | 'pdf' | 'json'} format
 * @param {number} [scale]
 */
async function startExport(page, format, scale) {
  const before = (await downloads(page)).length;
  const menu = page.getByTestId('export-menu');
  await menu.click();
  await expect(menu).toHaveAttribute('aria-expanded', 'true');
  const choice = page.getByTestId(`export-format-${format}`);
  await choice.click();
  await expect(choice).toHaveAttribute('aria-pressed', 'true');
  if (scale !== undefined) await page.getByTestId('export-scale').selectOption(String(scale));
  await page.getByTestId('export-start').click();
  await expect.poll(async () => (await downloads(page)).length, { message: 'a new download after export-start' }).toBe(before + 1);
}

/**
 * Waits until the page's last download has its transfer id (export.meta
 * came) and returns it.
 * @param {Page} page
 * @returns {Promise<DownloadInfo>}
 */
async function lastDownloadWithId(page) {
  /** @type {DownloadInfo | undefined} */
  let info;
  await expect
    .poll(
      async () => {
        info = (await downloads(page)).at(-1);
        return info?.id ? 'has id' : info?.state === 'failed' ? `failed: ${info.message}` : 'waiting';
      },
      { message: 'export.meta gives the download a transfer id', timeout: 30_000 },
    )
    .toBe('has id');
  return /** @type {DownloadInfo} */ (info);
}

/**
 * One download of the page by transfer id (waits until it is there).
 * @param {Page} page
 * @param {string} id
 */
async function downloadById(page, id) {
  const found = (await downloads(page)).find((d) => d.id === id);
  if (!found) throw new Error(`no download ${id} in window.easel.downloads()`);
  return found;
}

/**
 * Waits until a download's state is `state`; returns its info.
 * @param {Page} page
 * @param {string} id
 * @param {DownloadInfo['state']} state
 * @param {number} [timeout]
 */
async function expectDownloadState(page, id, state, timeout = 30_000) {
  await expect
    .poll(
      async () => {
        const d = await downloadById(page, id);
        return d.state === 'failed' && state !== 'failed' ? `failed: ${d.message}` : d.state;
      },
      { message: `download ${id} reaches ${state}`, timeout },
    )
    .toBe(state);
  return downloadById(page, id);
}

/**
 * The progress bar of one transfer.
 * @param {Page} page
 * @param {string} id
 */
function progressBar(page, id) {
  return page.locator(`[data-testid="export-progress"][data-transfer-id="${id}"]`);
}

/**
 * Polls a transfer's progress bar (its value attribute) until it is 1.
 * @param {Page} page
 * @param {string} id
 * @param {number} [timeout]
 */
async function expectProgressComplete(page, id, timeout = 30_000) {
  const bar = progressBar(page, id);
  await expect(bar, 'one progress bar for the transfer').toHaveCount(1);
  await expect(bar).toHaveAttribute('max', '1');
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { message: `export-progress of ${id}`, timeout })
    .toBe(1);
}

/**
 * GET …/export.<fmt> in Node: status, bytes, their SHA-256 and the headers.
 * @param {string} baseURL
 * @param {string} boardPath "/b/<id>" or "/v/<viewId>"
 * @param {string} format
 * @param {number} [scale]
 * @param {string} [background] "#rrggbb" or "transparent"
 * @param {boolean} [embedFonts] ?embed_fonts=1: an SVG with its fonts
 */
async function fetchExport(baseURL, boardPath, format, scale, background, embedFonts) {
  const query = new URLSearchParams();
  if (scale !== undefined) query.set('scale', String(scale));
  if (background !== undefined) query.set('background', background);
  if (embedFonts) query.set('embed_fonts', '1');
  const url = `${baseURL}${boardPath}/export.${format}${String(query) ? `?${query}` : ''}`;
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${bytes.toString('utf8').slice(0, 300)}`);
  return {
    bytes,
    sha256: sha256(bytes),
    etag: res.headers.get('etag'),
    seq: res.headers.get('x-easel-seq'),
    type: res.headers.get('content-type'),
    disposition: res.headers.get('content-disposition'),
  };
}

/**
 * The bytes of a browser download, once saved.
 * @param {import('@playwright/test').Download} download
 */
async function savedBytes(download) {
  const file = await download.path();
  if (!file) throw new Error(`download ${download.suggestedFilename()} was not saved: ${await download.failure()}`);
  return fs.readFileSync(file);
}

/**
 * Fills a board with long strokes through a socket of its own, opened in
 * `page` (same origin, so the server's origin check passes): hello, then
 * ops messages of `perMessage` strokes of `points` points each, each
 * waiting for its ack. Deterministic: the same arguments build the same
 * board. Returns the last seq.
 * @param {Page} page any page of the server
 * @param {string} socketPath "/b/<id>/ws"
 * @param {{strokes: number, points: number, perMessage: number}} size
 * @returns {Promise<number>}
 */
async function fillWithStrokes(page, socketPath, size) {
  return page.evaluate(
    async ({ socketPath, size }) => {
      const ws = new WebSocket(`ws://${location.host}${socketPath}`, 'easel.v1');
      /** @type {Map<string, (msg: any) => void>} */
      const waiting = new Map();
      /** @type {((msg: any) => void) | null} */
      let onWelcome = null;
      ws.onmessage = (ev) => {
        if (typeof ev.data !== 'string') return;
        for (const line of ev.data.split('\n')) {
          if (!line) continue;
          const msg = JSON.parse(line);
          if (msg.type === 'welcome' && onWelcome) onWelcome(msg);
          else if ((msg.type === 'ops' || msg.type === 'error') && waiting.has(msg.ref)) {
            const resolve = /** @type {(msg: any) => void} */ (waiting.get(msg.ref));
            waiting.delete(msg.ref);
            resolve(msg);
          }
        }
      };
      const closed = new Promise((_, reject) => {
        ws.onclose = (ev) => reject(new Error(`filling socket closed: ${ev.code} ${ev.reason}`));
      });
      await Promise.race([closed, new Promise((resolve) => (ws.onopen = resolve))]);
      const welcome = new Promise((resolve) => (onWelcome = resolve));
      ws.send(JSON.stringify({ type: 'hello', name: 'filler', color: '#495057' }));
      await Promise.race([closed, welcome]);
      let seq = 0;
      for (let first = 0, n = 0; first < size.strokes; first += size.perMessage, n++) {
        const ops = [];
        for (let s = first; s < Math.min(size.strokes, first + size.perMessage); s++) {
          /** @type {Array<[number, number]>} */
          const points = [];
          for (let i = 0; i < size.points; i++) {
            // A wavy line, two decimals, different for every stroke.
            points.push([Math.round(i * 37) / 100, Math.round((Math.sin(i / 7 + s) * 40 + 40) * 100) / 100]);
          }
          const w = points[points.length - 1][0];
          ops.push({
            op: 'put',
            el: {
              id: `el-fill${String(s).padStart(4, '0')}`,
              kind: 'stroke',
              x: (s % 6) * 2200,
              y: Math.floor(s / 6) * 200,
              w,
              h: 80,
              rot: 0,
              points,
              stroke: '#1e1e1e',
              fill: null,
              width: 2,
              z: `a${String(s).padStart(4, '0')}`,
            },
          });
        }
        const ref = `fill-${n}`;
        const answer = new Promise((resolve) => waiting.set(ref, resolve));
        ws.send(JSON.stringify({ type: 'ops', ref, ops }));
        const msg = /** @type {any} */ (await Promise.race([closed, answer]));
        if (msg.type === 'error') throw new Error(`filling ops refused: ${msg.code}: ${msg.message}`);
        seq = msg.seq;
      }
      ws.onclose = null;
      ws.close(1000);
      return seq;
    },
    { socketPath, size },
  );
}

module.exports = {
  FIXTURES,
  sha256,
  downloads,
  startExport,
  lastDownloadWithId,
  downloadById,
  expectDownloadState,
  progressBar,
  expectProgressComplete,
  fetchExport,
  savedBytes,
  fillWithStrokes,
};

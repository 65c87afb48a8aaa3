// @ts-check
// Drawing helpers shared by the board specs (not a spec file itself).
//
// They drive the page only through the agreed hooks: the `tool-<name>`
// buttons, pointer gestures on `board-canvas`, the `text-editor` textarea,
// keyboard shortcuts, and `window.easel` (elements(), state(), viewport).
// Elements are compared through `summarize`: id, kind, x and y rounded, and
// text, in the order elements() gives them (z, then id) — never the exact
// floating point of smoothed strokes.
const { expect, canvasRect } = require('./fixtures');

/**
 * @typedef {{id: string, kind: string, x: number, y: number, w?: number, h?: number,
 *   points?: Array<[number, number]>, text?: string, z?: string}} BoardElement
 * @typedef {{id: string, kind: string, x: number, y: number, text: string}} Summary
 * @typedef {import('@playwright/test').Page} Page
 */

/**
 * The rendered elements (confirmed + pending), as window.easel.elements() gives them.
 * @param {Page} page
 * @returns {Promise<BoardElement[]>}
 */
async function elements(page) {
  // @ts-ignore
  return page.evaluate(() => window.easel.elements().map((el) => ({ ...el })));
}

/**
 * @param {Page} page
 * @returns {Promise<Record<string, any>>}
 */
async function easelState(page) {
  // @ts-ignore
  return page.evaluate(() => window.easel.state());
}

/**
 * The comparable part of elements: id, kind, rounded x and y, text.
 * @param {BoardElement[]} els
 * @returns {Summary[]}
 */
function summarize(els) {
  return els.map((el) => ({
    id: el.id,
    kind: el.kind,
    x: Math.round(el.x),
    y: Math.round(el.y),
    text: el.text ?? '',
  }));
}

/** @param {Page} page */
async function summary(page) {
  return summarize(await elements(page));
}

/**
 * Waits until the page is connected and has no unacknowledged edit.
 * @param {Page} page
 * @param {string} [who]
 */
async function expectSettled(page, who = 'page') {
  await expect
    .poll(
      async () => {
        const s = await easelState(page);
        return { connected: s.connected, pending: s.pending };
      },
      { message: `${who}: connected with no pending edit`, timeout: 15_000 },
    )
    .toEqual({ connected: true, pending: 0 });
}

/**
 * Waits until every page is settled and all show the same board; returns it.
 * @param {Array<{page: Page, name: string}>} peers
 * @returns {Promise<Summary[]>}
 */
async function expectSameBoard(peers) {
  for (const p of peers) await expectSettled(p.page, p.name);
  const [first, ...rest] = peers;
  /** @type {Summary[]} */
  let board = [];
  await expect(async () => {
    board = await summary(first.page);
    for (const p of rest) {
      expect(await summary(p.page), `${p.name}'s board vs ${first.name}'s`).toEqual(board);
    }
  }).toPass({ timeout: 15_000, intervals: [100, 250, 500] });
  return board;
}

/**
 * Clicks a tool button and waits until the page says that tool is on.
 * @param {Page} page
 * @param {string} name
 */
async function chooseTool(page, name) {
  await page.getByTestId(`tool-${name}`).click();
  await expect.poll(async () => (await easelState(page)).tool, { message: `tool after clicking tool-${name}` }).toBe(name);
}

/**
 * A page point (CSS px) at fractions of the visible board canvas.
 * @param {Page} page
 * @param {number} fx
 * @param {number} fy
 */
async function canvasPoint(page, fx, fy) {
  const { visible } = await canvasRect(page);
  return { x: visible.x + visible.width * fx, y: visible.y + visible.height * fy };
}

/**
 * The page point (CSS px) of a board point, through the page's own viewport.
 * @param {Page} page
 * @param {number} bx
 * @param {number} by
 */
async function boardToPage(page, bx, by) {
  const box = await page.getByTestId('board-canvas').boundingBox();
  if (!box) throw new Error('board-canvas has no bounding box');
  const p = await page.evaluate(
    ([x, y]) => {
      // @ts-ignore
      const e = window.easel;
      if (e.viewport && typeof e.viewport.toScreen === 'function') return e.viewport.toScreen(x, y);
      const v = e.state().view;
      if (!v) throw new Error('window.easel exposes neither viewport.toScreen nor state().view');
      return { x: (x - v.x) * v.scale, y: (y - v.y) * v.scale };
    },
    [bx, by],
  );
  return { x: box.x + p.x, y: box.y + p.y };
}

/**
 * Presses at `from`, moves to `to` in steps, releases.
 * @param {Page} page
 * @param {{x: number, y: number}} from page point
 * @param {{x: number, y: number}} to page point
 * @param {{steps?: number}} [opts]
 */
async function drag(page, from, to, opts = {}) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: opts.steps ?? 10 });
  await page.mouse.up();
}

/**
 * Runs `action` and waits until exactly one new element id appears in the
 * page's elements(); returns that element.
 * @param {Page} page
 * @param {string} what for messages
 * @param {() => Promise<unknown>} action
 * @returns {Promise<BoardElement>}
 */
async function added(page, what, action) {
  const before = new Set((await elements(page)).map((el) => el.id));
  await action();
  /** @type {BoardElement[]} */
  let fresh = [];
  await expect
    .poll(
      async () => {
        fresh = (await elements(page)).filter((el) => !before.has(el.id));
        return fresh.length;
      },
      { message: `one new element after ${what}` },
    )
    .toBe(1);
  return fresh[0];
}

/**
 * Draws a freehand stroke through points given as fractions of the canvas.
 * @param {Page} page
 * @param {Array<[number, number]>} fractions
 */
async function drawStroke(page, fractions) {
  await chooseTool(page, 'pen');
  const pts = [];
  for (const [fx, fy] of fractions) pts.push(await canvasPoint(page, fx, fy));
  return added(page, 'a pen stroke', async () => {
    await page.mouse.move(pts[0].x, pts[0].y);
    await page.mouse.down();
    for (const p of pts.slice(1)) await page.mouse.move(p.x, p.y, { steps: 5 });
    await page.mouse.up();
  });
}

/**
 * Draws a rect, ellipse, line or arrow by dragging between two canvas fractions.
 * @param {Page} page
 * @param {'rect' | 'ellipse' | 'line' | 'arrow'} kind
 * @param {[number, number]} f1
 * @param {[number, number]} f2
 */
async function drawShape(page, kind, f1, f2) {
  await chooseTool(page, kind);
  const a = await canvasPoint(page, ...f1);
  const b = await canvasPoint(page, ...f2);
  return added(page, `a ${kind} drag`, () => drag(page, a, b));
}

/**
 * Types into the open text editor and finishes with Escape (Enter is a new line).
 * @param {Page} page
 * @param {string} text
 */
async function typeAndCommit(page, text) {
  const editor = page.getByTestId('text-editor');
  await expect(editor, 'the text editor opens').toBeVisible();
  await expect(editor, 'the text editor has the focus').toBeFocused();
  await page.keyboard.type(text);
  await expect(editor).toHaveValue(text);
  await page.keyboard.press('Escape');
  await expect(editor, 'Escape finishes the text').toBeHidden();
}

/**
 * Text tool: click at a canvas fraction, type, Escape. Returns the text element.
 * @param {Page} page
 * @param {[number, number]} at
 * @param {string} text
 */
async function writeText(page, at, text) {
  await chooseTool(page, 'text');
  const p = await canvasPoint(page, ...at);
  const el = await added(page, 'a text', async () => {
    await page.mouse.click(p.x, p.y);
    await typeAndCommit(page, text);
  });
  return el;
}

/**
 * Sticky tool: click at a canvas fraction, type, Escape. Returns the note
 * once it holds the text.
 * @param {Page} page
 * @param {[number, number]} at
 * @param {string} text
 */
async function placeSticky(page, at, text) {
  await chooseTool(page, 'sticky');
  const p = await canvasPoint(page, ...at);
  const el = await added(page, 'a sticky note', async () => {
    await page.mouse.click(p.x, p.y);
    await typeAndCommit(page, text);
  });
  await expect
    .poll(async () => (await elements(page)).find((e) => e.id === el.id)?.text, { message: 'the sticky note text' })
    .toBe(text);
  return /** @type {BoardElement} */ ((await elements(page)).find((e) => e.id === el.id));
}

/**
 * The page point at the centre of an element, as the page shows it now.
 * @param {Page} page
 * @param {BoardElement} el
 */
async function centerOf(page, el) {
  return boardToPage(page, el.x + (el.w ?? 0) / 2, el.y + (el.h ?? 0) / 2);
}

/**
 * Polls one element of a page (undefined when absent).
 * @param {Page} page
 * @param {string} id
 */
async function elementById(page, id) {
  return (await elements(page)).find((el) => el.id === id);
}

/** @param {Page} page */
async function undo(page) {
  await page.keyboard.press('Control+z');
}

/** @param {Page} page */
async function redo(page) {
  await page.keyboard.press('Control+Shift+Z');
}

/**
 * A close code that may be sent in a close frame (1005, 1006 and 1015 are
 * only observed, never sent): others become 1001, "going away".
 * @param {number | undefined} code
 */
function sendable(code) {
  if (code === undefined) return 1001;
  if ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)) return code;
  return 1001;
}

/** The HTTP carriers' routes (…/sse, …/poll, …/send, with a query or none). */
const HTTP_CARRIER = /\/[bv]\/[^/?]+\/(sse|poll|send)(\?|$)/;

/**
 * A switch on a browser context's board sockets, installed with
 * routeWebSocket before the context's page exists. Open (the default), every
 * new socket is passed through to the server unchanged. `cut()` closes the
 * live ones and refuses new ones (the page sees them close with 1013, so it
 * keeps retrying with its backoff); `open()` lets the next attempt through.
 * It can also hold chosen page frames (`holdFromPageWhen`, e.g. export.ack,
 * to stall a download at one window) and records the page's messages other
 * than cursors (`fromPage`). It refuses the HTTP carriers, so the page uses its socket.
 */
class SocketGate {
  constructor() {
    this.blocked = false;
    /**
     * The sockets passed through: page side and server side.
     * @type {Set<{page: import('@playwright/test').WebSocketRoute, server: import('@playwright/test').WebSocketRoute}>}
     */
    this.live = new Set();
    this.refused = 0;
    this.passed = 0;
    /** Every `hello` the page sent and `welcome` it got, in order. @type {any[]} */
    this.handshakes = [];
    /**
     * When set, server frames it returns true for are not passed to the page.
     * @type {((frame: string) => boolean) | null}
     */
    this.dropFromServer = null;
    /** Server frames dropped so far. @type {string[]} */
    this.dropped = [];
    /** While true, frames from the page wait in `held` instead of going out. */
    this.holdFromPage = false;
    /**
     * When set, page frames it returns true for wait in `held` too.
     * @type {((frame: string) => boolean) | null}
     */
    this.holdFromPageWhen = null;
    /** The page's messages other than cursors, parsed, in order. @type {any[]} */
    this.fromPage = [];
    /** Binary frames (export chunks) passed from the server to the page. */
    this.binaryFromServer = 0;
    /** @type {Array<{server: import('@playwright/test').WebSocketRoute, frame: string | Buffer}>} */
    this.held = [];
  }

  /** Sends the held page frames on, in order, and stops holding. */
  release() {
    this.holdFromPage = false;
    const held = this.held;
    this.held = [];
    for (const { server, frame } of held) server.send(frame);
  }

  /**
   * Notes hellos and welcomes in a frame (newline-delimited JSON).
   * @param {string | Buffer} frame
   */
  note(frame) {
    if (typeof frame !== 'string') return;
    for (const line of frame.split('\n')) {
      if (!line.includes('"hello"') && !line.includes('"welcome"')) continue;
      try {
        const msg = JSON.parse(line);
        if (msg.type === 'hello') this.handshakes.push({ type: 'hello', since: msg.since ?? null, client: msg.client ?? null });
        else if (msg.type === 'welcome') {
          this.handshakes.push({
            type: 'welcome',
            recovered: msg.recovered,
            epoch: msg.epoch,
            seq: msg.seq,
            elements: Array.isArray(msg.elements) ? msg.elements.length : null,
          });
        }
      } catch {
        // not JSON: the page will complain, not us
      }
    }
  }

  /**
   * Records the page's messages, cursors aside.
   * @param {string | Buffer} frame
   */
  record(frame) {
    if (typeof frame !== 'string') return;
    for (const line of frame.split('\n')) {
      if (line === '' || line.includes('"type":"cursor"')) continue;
      try {
        this.fromPage.push(JSON.parse(line));
      } catch {
        // not JSON: the server will complain
      }
    }
  }

  /**
   * The page's messages of one type, in order.
   * @param {string} type
   */
  sent(type) {
    return this.fromPage.filter((m) => m && m.type === type);
  }

  /** Drops the held page frames without sending them, and stops holding. */
  discardHeld() {
    this.holdFromPage = false;
    this.holdFromPageWhen = null;
    this.held = [];
  }

  /** The last welcome the page got through the gate. */
  lastWelcome() {
    return [...this.handshakes].reverse().find((h) => h.type === 'welcome');
  }

  /** The last hello the page sent through the gate. */
  lastHello() {
    return [...this.handshakes].reverse().find((h) => h.type === 'hello');
  }

  /** @param {import('@playwright/test').BrowserContext} context */
  async install(context) {
    // The page speaks through the gate only: a refused socket would
    // otherwise fall back to the same protocol over HTTP (SSE,
    // long-polling, sends), around the gate, and it would also when the
    // gate opens between its socket and its stream. So those are always
    // refused, and the page retries its socket.
    await context.route(HTTP_CARRIER, (route) => route.abort('connectionrefused'));
    await context.routeWebSocket(/\/ws$/, (ws) => {
      if (this.blocked) {
        this.refused++;
        ws.close({ code: 1013, reason: 'blocked by the test' }).catch(() => {});
        return;
      }
      this.passed++;
      const server = ws.connectToServer();
      const pair = { page: ws, server };
      this.live.add(pair);
      // Forwarded by hand, to note the handshakes on the way.
      ws.onMessage((frame) => {
        this.note(frame);
        this.record(frame);
        const hold = this.holdFromPage || (typeof frame === 'string' && this.holdFromPageWhen !== null && this.holdFromPageWhen(frame));
        if (hold) this.held.push({ server, frame });
        else server.send(frame);
      });
      server.onMessage((frame) => {
        if (typeof frame === 'string' && this.dropFromServer && this.dropFromServer(frame)) {
          this.dropped.push(frame);
          return;
        }
        if (typeof frame !== 'string') this.binaryFromServer++;
        this.note(frame);
        ws.send(frame);
      });
      server.onClose((code, reason) => {
        this.live.delete(pair);
        ws.close({ code: sendable(code), reason }).catch(() => {});
      });
      ws.onClose((code, reason) => {
        this.live.delete(pair);
        server.close({ code: sendable(code), reason }).catch(() => {});
      });
    });
  }

  /** Refuse new sockets and close the open ones. */
  async cut() {
    this.blocked = true;
    const open = [...this.live];
    this.live.clear();
    // Both sides: closing one from here does not tell the other.
    await Promise.all(
      open.flatMap((p) => [
        p.server.close({ code: 1000, reason: 'cut by the test' }).catch(() => {}),
        p.page.close({ code: 1001, reason: 'cut by the test' }).catch(() => {}),
      ]),
    );
  }

  /** Let sockets through again. */
  open() {
    this.blocked = false;
  }
}

module.exports = {
  SocketGate,
  elements,
  easelState,
  summarize,
  summary,
  expectSettled,
  expectSameBoard,
  chooseTool,
  canvasPoint,
  boardToPage,
  drag,
  added,
  drawStroke,
  drawShape,
  typeAndCommit,
  writeText,
  placeSticky,
  centerOf,
  elementById,
  undo,
  redo,
};

// @ts-check
// A crowd on a board: raw `easel.v1` members opened from one page of their
// own, to fill presence bars without a browser page per peer (not a spec).
const { expect } = require('./fixtures');

/**
 * Opens one socket per member, in order, each saying hello with its name
 * and color; resolves once every one has its welcome. Returns the page
 * (closing its context drops them all) and their peer ids.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} baseURL
 * @param {string} boardId
 * @param {Array<{name: string, color: string}>} members
 */
async function addCrowd(browser, baseURL, boardId, members) {
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, isMobile: false, hasTouch: false });
  const page = await context.newPage();
  const res = await page.goto(`${baseURL}/`);
  expect(res?.status()).toBe(200);
  /** @type {string[]} */
  const ids = await page.evaluate(
    async ({ boardId, members }) => {
      /** @type {WebSocket[]} */
      const sockets = [];
      // @ts-ignore kept alive for the test's duration
      window.__crowd = sockets;
      const ids = [];
      for (const m of members) {
        ids.push(
          await new Promise((resolve, reject) => {
            const ws = new WebSocket(`ws://${location.host}/b/${boardId}/ws`, 'easel.v1');
            sockets.push(ws);
            ws.onopen = () => ws.send(`${JSON.stringify({ type: 'hello', name: m.name, color: m.color })}\n`);
            ws.onmessage = (ev) => {
              if (typeof ev.data !== 'string') return;
              for (const line of ev.data.split('\n')) {
                if (line === '') continue;
                const msg = JSON.parse(line);
                if (msg.type === 'welcome') resolve(msg.you);
              }
            };
            ws.onclose = (ev) => reject(new Error(`crowd member ${m.name} closed: ${ev.code} ${ev.reason}`));
          }),
        );
      }
      return ids;
    },
    { boardId, members },
  );
  return { context, page, ids };
}

module.exports = { addCrowd };

// @ts-check
// Putting wire elements on a board from a test page, as a member would.

/**
 * Puts elements on the board through a socket of its own, opened in the
 * page (same origin, so the server's origin check passes), and waits for
 * their ack. The board page then receives them as any member's edit.
 * @param {import('@playwright/test').Page} page
 * @param {string} socketPath "/b/<id>/ws"
 * @param {object[]} els wire elements
 */
async function putElements(page, socketPath, els) {
  await page.evaluate(
    async ({ socketPath, els }) => {
      const ws = new WebSocket(`ws://${location.host}${socketPath}`, 'easel.v1');
      await new Promise((resolve, reject) => {
        ws.onerror = () => reject(new Error('socket error'));
        ws.onclose = (ev) => reject(new Error(`socket closed: ${ev.code} ${ev.reason}`));
        ws.onmessage = (ev) => {
          for (const line of String(ev.data).split('\n')) {
            if (!line) continue;
            const msg = JSON.parse(line);
            if (msg.type === 'welcome') ws.send(JSON.stringify({ type: 'ops', ref: 'shapes-1', ops: els.map((el) => ({ op: 'put', el })) }));
            else if (msg.type === 'ops' && msg.ref === 'shapes-1') resolve(msg);
            else if (msg.type === 'error') reject(new Error(`${msg.code}: ${msg.message}`));
          }
        };
        ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', name: 'shapes', color: '#495057' }));
      });
      ws.onclose = null;
      ws.close();
    },
    { socketPath, els },
  );
}

module.exports = { putElements };

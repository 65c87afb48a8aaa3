// @ts-check
// A server restart: pages say they are reconnecting, then come back with
// presence and live cursors, without ghosts of their earlier connections.
const { test, expect } = require('../fixtures');
const { ALICE, BOB, twoPeers, remoteCursor, expectCursorFollows, peerListCount } = require('../helpers');

/**
 * @param {{page: import('@playwright/test').Page}} alice
 * @param {{page: import('@playwright/test').Page}} bob
 */
async function expectPresenceAndCursors(alice, bob) {
  for (const peer of [alice, bob]) {
    await expect(peer.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected', {
      timeout: 20_000,
    });
  }
  await expect(alice.page.getByTestId('peer-list')).toContainText(BOB.name);
  await expect(bob.page.getByTestId('peer-list')).toContainText(ALICE.name);
  // Each name once: no ghost of the connection before the restart.
  await expect.poll(() => peerListCount(alice.page, BOB.name), { message: "Bob's entries in Alice's peer list" }).toBe(1);
  await expect.poll(() => peerListCount(bob.page, ALICE.name), { message: "Alice's entries in Bob's peer list" }).toBe(1);
  await expectCursorFollows(alice.page, bob.page, ALICE.name, [[0.65, 0.35], [0.3, 0.65]]);
  await expectCursorFollows(bob.page, alice.page, BOB.name, [[0.4, 0.3], [0.7, 0.6]]);
  await expect(alice.page.getByTestId('remote-cursor')).toHaveCount(1);
  await expect(bob.page.getByTestId('remote-cursor')).toHaveCount(1);
}

test.describe('server restart', () => {
  test.describe.configure({ timeout: 60_000 });

  test('pages show reconnecting while the server is down and recover after', async ({ browser, server }) => {
    const { alice, bob } = await twoPeers(browser, server);

    await test.step('connected, with presence and cursors', async () => {
      await expectPresenceAndCursors(alice, bob);
    });

    await test.step('server stopped with SIGTERM: both pages say reconnecting', async () => {
      const status = await server.stop();
      expect(status, 'SIGTERM ends the server gracefully, with exit code 0').toEqual({
        code: 0,
        signal: null,
        killed: false,
      });
      for (const peer of [alice, bob]) {
        await expect(peer.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
      }
    });

    await test.step('server started again on the same port and data: connected, presence and cursors back', async () => {
      await server.start();
      await expectPresenceAndCursors(alice, bob);
    });

    await alice.context.close();
    await bob.context.close();
  });

  test('restart() in one go: pages reconnect on their own', async ({ browser, server }) => {
    const { board, url, alice, bob } = await twoPeers(browser, server);
    await expectPresenceAndCursors(alice, bob);

    const port = server.port;
    await server.restart();
    expect(server.port, 'restart keeps the port').toBe(port);

    // The board survives the restart: its page still loads.
    const res = await fetch(url);
    expect(res.status, `GET ${url} after restart`).toBe(200);

    await expectPresenceAndCursors(alice, bob);
    await alice.context.close();
    await expect(remoteCursor(bob.page, ALICE.name)).toHaveCount(0);
    await expect(bob.page.getByTestId('peer-list')).not.toContainText(ALICE.name);
    await bob.context.close();
  });
});

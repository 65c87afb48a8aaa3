// @ts-check
// The presence bar: one `peer-chip` per peer inside `peer-list` (with
// `data-peer-id`), the chips that fit, then "+N" (`peer-more`) opening a
// list of the rest; it never overflows at any count. Random default colors
// move off colors already taken, so up to 12 peers get distinct colors; a
// color the user picked stays.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { easelState } = require('../drawing');
const { addCrowd } = require('../crowd');

const PALETTE = ['#e03131', '#f76707', '#f59f00', '#37b24d', '#0ca678', '#1098ad', '#1c7ed6', '#4263eb', '#7048e8', '#ae3ec9', '#d6336c', '#5c940d'];
const NAMES = ['Alice Wonderland', 'Bob', 'Carol Christmas', 'Dan', 'Eve', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj', 'Olivia', 'Peggy'];

/**
 * The bar holds every peer once (shown or behind "+N"), does not overflow,
 * and "+N" counts the hidden ones.
 * @param {import('@playwright/test').Page} page
 * @param {string[]} ids every peer id expected, yourself included
 */
async function expectBar(page, ids) {
  const list = page.getByTestId('peer-list');
  await expect
    .poll(async () => (await list.getByTestId('peer-chip').evaluateAll((els) => els.map((e) => e.getAttribute('data-peer-id')))).sort())
    .toEqual([...ids].sort());
  const m = await list.evaluate((el) => {
    const bar = el.getBoundingClientRect();
    const shown = [...el.querySelectorAll(':scope > [data-testid="peer-chip"]')].map((c) => c.getBoundingClientRect());
    return {
      overflow: el.scrollWidth - el.clientWidth,
      shown: shown.length,
      outside: shown.filter((r) => r.left < bar.left - 0.5 || r.right > bar.right + 0.5).length,
      page: /** @type {Element} */ (document.scrollingElement).scrollWidth - window.innerWidth,
    };
  });
  expect(m.overflow, 'the bar overflows by').toBeLessThanOrEqual(0);
  expect(m.outside, 'chips outside the bar').toBe(0);
  expect(m.page, 'page wider than the window by').toBeLessThanOrEqual(0);
  expect(m.shown, 'chips shown in the bar').toBeGreaterThanOrEqual(1);
  const more = page.getByTestId('peer-more');
  if (m.shown === ids.length) await expect(more).toBeHidden();
  else await expect(more).toHaveText(`+${ids.length - m.shown}`);
  return m.shown;
}

test('the bar shows 0, 3 and 14 other peers without overflowing; "+N" lists the rest', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Presence');
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, { name: 'Me', color: '#1971c2' });
  const you = (await easelState(page)).you;

  await test.step('alone: my chip, no "+N"', async () => {
    await expectBar(page, [you]);
    await expect(page.getByTestId('peer-chip')).toContainText('Me');
  });

  const three = await addCrowd(browser, server.baseURL, board.id, NAMES.slice(0, 3).map((name, i) => ({ name, color: PALETTE[i] })));
  await test.step('three others: all in the bar with their names', async () => {
    const shown = await expectBar(page, [you, ...three.ids]);
    expect(shown).toBe(4);
    await expect(page.getByTestId('peer-list')).toContainText('Carol Christmas');
  });

  const eleven = await addCrowd(browser, server.baseURL, board.id, NAMES.slice(3).map((name, i) => ({ name, color: PALETTE[(i + 3) % 12] })));
  await test.step('fourteen others: the bar keeps its size, "+N" opens a list of the rest', async () => {
    const shown = await expectBar(page, [you, ...three.ids, ...eleven.ids]);
    expect(shown).toBeLessThan(15);
    const more = page.getByTestId('peer-more');
    await more.click();
    await expect(more).toHaveAttribute('aria-expanded', 'true');
    const rest = page.locator('.peer-overflow [data-testid="peer-chip"]');
    await expect(rest).toHaveCount(15 - shown);
    await expect(rest.last()).toBeVisible();
    await expect(page.locator('.peer-overflow')).toContainText('Peggy');
    await page.getByTestId('board-canvas').click({ position: { x: 600, y: 500 } });
    await expect(more).toHaveAttribute('aria-expanded', 'false');
    await expect(rest.first()).toBeHidden();
  });

  await test.step('when they leave, their chips go and "+N" with them', async () => {
    await eleven.context.close();
    await expectBar(page, [you, ...three.ids]);
  });
});

test('a default color taken by someone present moves to the one palette color left; a picked color stays', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const url = `${server.baseURL}/b/${board.id}`;
  // Eleven members on eleven palette colors: only PALETTE[11] is free.
  await addCrowd(browser, server.baseURL, board.id, PALETTE.slice(0, 11).map((color, i) => ({ name: NAMES[i], color })));

  const { page: dora } = await openPeer(browser, url, { name: 'Dora', color: PALETTE[3] });
  await test.step('Dora came with a default color someone has: she takes the free one', async () => {
    await expect.poll(async () => (await easelState(dora)).color).toBe(PALETTE[11]);
    await expect(dora.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await expect(dora.locator('#color-input')).toHaveValue(PALETTE[11]);
  });

  const { page: pia } = await openPeer(browser, url, { name: 'Pia', color: PALETTE[3] }, {}, (context) =>
    context.addInitScript(() => localStorage.setItem('easel.colorPicked', '1')),
  );
  await test.step('everyone sees twelve distinct colors; Pia picked hers, so she keeps it', async () => {
    await expect
      .poll(async () => {
        const peers = /** @type {Array<{name: string, color: string}>} */ ((await easelState(pia)).peers);
        return { count: peers.length, dora: peers.find((p) => p.name === 'Dora')?.color, pia: (await easelState(pia)).color };
      })
      .toEqual({ count: 13, dora: PALETTE[11], pia: PALETTE[3] });
    const colors = /** @type {Array<{name: string, color: string}>} */ ((await easelState(pia)).peers)
      .filter((p) => p.name !== 'Pia')
      .map((p) => p.color);
    expect(new Set(colors).size, `colors of the twelve before Pia: ${colors.join(' ')}`).toBe(12);
  });
});

// @ts-check
// Presence beyond cursors, the page's side: following a peer's view (a click
// on the chip), summon, cursor chat ("/") and reactions (E) — between two
// editors and a view-link member, each in a browser context of its own.
const { test, expect, createBoard, openPeer, moveMouseOnCanvas, boxOnCanvas } = require('../fixtures');
const { twoPeers } = require('../helpers');

const CAROL = { name: 'Carol', color: '#2f9e44' };
/** Board units two views may differ by and still be "the same" (the wire rounds to 0.01). */
const SAME = 0.5;

// Three browser contexts per test on a machine shared with other runs.
test.describe.configure({ timeout: 60_000 });

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {{x: number, y: number, w: number, h: number, scale: number, following: string}} View */

/**
 * @param {Page} page
 * @returns {Promise<View>}
 */
function viewOf(page) {
  // @ts-ignore
  return page.evaluate(() => window.easel.view());
}

/**
 * @param {Page} page
 * @returns {Promise<string>}
 */
function idOf(page) {
  // @ts-ignore
  return page.evaluate(() => window.easel.state().you);
}

/**
 * How far apart two views are: the largest difference of x, y, w, h.
 * @param {View} a
 * @param {View} b
 */
function gap(a, b) {
  return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y), Math.abs(a.w - b.w), Math.abs(a.h - b.h));
}

/**
 * Waits until follower's view is leader's (same screen size, so the same
 * rectangle) and has come to rest there.
 * @param {Page} follower
 * @param {Page} leader
 * @param {string} what
 */
async function expectSameView(follower, leader, what) {
  await expect
    .poll(async () => gap(await viewOf(follower), await viewOf(leader)), { message: what, timeout: 10_000, intervals: [50, 100, 200] })
    .toBeLessThan(SAME);
}

/**
 * Pans a page's view with the mouse wheel over the board and returns the new view.
 * @param {Page} page
 * @param {number} dx
 * @param {number} dy
 */
async function pan(page, dx, dy) {
  const before = await viewOf(page);
  await moveMouseOnCanvas(page, 0.5, 0.6);
  await page.mouse.wheel(dx, dy);
  await expect.poll(async () => gap(await viewOf(page), before), { message: 'the wheel panned' }).toBeGreaterThan(1);
  return viewOf(page);
}

/**
 * Alice and Bob (edit link) and Carol (view link) on one board.
 * @param {import('@playwright/test').Browser} browser
 * @param {{baseURL: string}} server
 */
async function threePeers(browser, server) {
  const two = await twoPeers(browser, server);
  const carol = await openPeer(browser, `${server.baseURL}${two.board.viewUrl}`, CAROL);
  for (const { page } of [two.alice, two.bob, carol]) await expect(page.getByTestId('peer-chip')).toHaveCount(3);
  const ids = { alice: await idOf(two.alice.page), bob: await idOf(two.bob.page), carol: await idOf(carol.page) };
  return { ...two, carol, ids };
}

/**
 * @param {Page} page
 * @param {string} id
 */
function chip(page, id) {
  return page.locator(`[data-testid="peer-chip"][data-peer-id="${id}"]`);
}

test('following: a click on a chip keeps the view on that peer’s while they pan and zoom; Escape, one’s own pan or the banner stop it', async ({ browser, server }) => {
  const { alice, bob, carol, ids } = await threePeers(browser, server);
  const banner = bob.page.getByTestId('follow-banner');

  await test.step('Bob clicks Alice’s chip: the banner names her and his view goes to hers', async () => {
    await pan(alice.page, 400, 250);
    await chip(bob.page, ids.alice).click();
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('data-peer-id', ids.alice);
    await expect(banner).toHaveText(/Following Alice — Esc to stop/);
    await expect(chip(bob.page, ids.alice).getByRole('button')).toHaveAttribute('aria-pressed', 'true');
    await expectSameView(bob.page, alice.page, 'Bob’s view on Alice’s');
    expect((await viewOf(bob.page)).following).toBe(ids.alice);
  });

  await test.step('Carol (view link) follows Alice too', async () => {
    await chip(carol.page, ids.alice).click();
    await expect(carol.page.getByTestId('follow-banner')).toHaveAttribute('data-peer-id', ids.alice);
    await expectSameView(carol.page, alice.page, 'Carol’s view on Alice’s');
  });

  await test.step('Alice pans and zooms: both views keep up', async () => {
    await pan(alice.page, -900, 600);
    await expectSameView(bob.page, alice.page, 'Bob’s view after Alice panned');
    await expectSameView(carol.page, alice.page, 'Carol’s view after Alice panned');
    await alice.page.keyboard.press('+');
    await expect.poll(async () => (await viewOf(alice.page)).scale).toBeGreaterThan(1.2);
    await expectSameView(bob.page, alice.page, 'Bob’s view after Alice zoomed');
    expect((await viewOf(bob.page)).scale).toBeCloseTo((await viewOf(alice.page)).scale, 3);
  });

  await test.step('Escape: Bob stops following, and his view stays where it is as Alice pans on', async () => {
    await bob.page.keyboard.press('Escape');
    await expect(banner).toBeHidden();
    await expect(chip(bob.page, ids.alice).getByRole('button')).toHaveAttribute('aria-pressed', 'false');
    const kept = await viewOf(bob.page);
    expect(kept.following).toBe('');
    const moved = await pan(alice.page, 700, -300);
    // Bob has heard of Alice's new view (so it would have moved him), and stayed.
    await expect
      // @ts-ignore
      .poll(async () => bob.page.evaluate((id) => window.easel.views()[id]?.x, ids.alice), { message: 'Alice’s new view reached Bob' })
      .toBeCloseTo(moved.x, 1);
    await expectSameView(carol.page, alice.page, 'Carol still follows');
    expect(gap(await viewOf(bob.page), kept), 'Bob’s view did not move').toBeLessThan(SAME);
  });

  await test.step('a pan of one’s own stops following; so does a click on the banner', async () => {
    await chip(bob.page, ids.alice).click();
    await expect(banner).toBeVisible();
    await expectSameView(bob.page, alice.page, 'Bob follows again');
    await pan(bob.page, 0, 300);
    await expect(banner).toBeHidden();

    await chip(bob.page, ids.alice).click();
    await expect(banner).toBeVisible();
    await banner.click();
    await expect(banner).toBeHidden();
    expect((await viewOf(bob.page)).following).toBe('');
  });
});

test('summon: Alice brings Bob and Carol (view link) to her view; Escape frees them; her leaving ends it', async ({ browser, server }) => {
  const { alice, bob, carol, ids } = await threePeers(browser, server);

  await test.step('only the edit link has the button', async () => {
    await expect(alice.page.getByTestId('summon-button')).toBeVisible();
    await expect(carol.page.getByTestId('summon-button')).toHaveCount(0);
  });

  await test.step('Alice goes somewhere else and summons: both views move to hers, with a toast', async () => {
    await pan(alice.page, 1500, -800);
    await alice.page.keyboard.press('-');
    await expect.poll(async () => (await viewOf(alice.page)).scale).toBeLessThan(0.9);
    expect(gap(await viewOf(bob.page), await viewOf(alice.page)), 'Bob is elsewhere before').toBeGreaterThan(100);
    await alice.page.getByTestId('summon-button').click();
    for (const [who, page] of /** @type {const} */ ([['Bob', bob.page], ['Carol', carol.page]])) {
      await expect(page.getByTestId('follow-banner'), `${who}’s banner`).toHaveAttribute('data-peer-id', ids.alice);
      await expect(page.getByTestId('toast')).toContainText('Alice brought everyone to their view');
      await expectSameView(page, alice.page, `${who}’s view on Alice’s after the summon`);
    }
    await expect(alice.page.getByTestId('follow-banner'), 'the summoner follows nobody').toBeHidden();
  });

  await test.step('they keep following as she pans; Carol leaves with Escape', async () => {
    await pan(alice.page, -500, 500);
    await expectSameView(bob.page, alice.page, 'Bob after the pan');
    await expectSameView(carol.page, alice.page, 'Carol after the pan');
    await carol.page.keyboard.press('Escape');
    await expect(carol.page.getByTestId('follow-banner')).toBeHidden();
  });

  await test.step('Alice leaves: Bob stops following', async () => {
    await alice.context.close();
    await expect(bob.page.getByTestId('follow-banner')).toBeHidden();
    expect((await viewOf(bob.page)).following).toBe('');
  });
});

test('cursor chat: "/" opens an input at the cursor, Enter shows the message beside it on the other pages for ~5 s, view link too', async ({ browser, server }) => {
  const { alice, bob, carol, ids } = await threePeers(browser, server);

  await test.step('Alice types a message next to her cursor', async () => {
    await moveMouseOnCanvas(alice.page, 0.4, 0.5);
    await expect(bob.page.locator(`[data-testid="remote-cursor"][data-peer-id="${ids.alice}"]`)).toBeVisible();
    await alice.page.keyboard.press('/');
    const input = alice.page.getByTestId('cursor-chat-input');
    await expect(input).toBeFocused();
    await expect(input).toHaveValue('');
    await input.pressSequentially('Look at this box', { delay: 10 });
    await input.press('Enter');
    await expect(input).toBeHidden();
  });

  await test.step('Bob sees it beside her cursor, then it goes', async () => {
    const bubble = bob.page.locator(`[data-testid="cursor-chat"][data-peer-id="${ids.alice}"]`);
    await expect(bubble).toHaveText('Look at this box');
    const shownAt = Date.now();
    const cursor = await boxOnCanvas(bob.page, bob.page.locator(`[data-testid="remote-cursor"][data-peer-id="${ids.alice}"]`));
    const box = await boxOnCanvas(bob.page, bubble);
    expect(cursor && box, 'cursor and bubble boxes').toBeTruthy();
    if (cursor && box) {
      expect(Math.abs(box.x - cursor.x), 'the bubble is beside the cursor').toBeLessThan(40);
      expect(box.y - cursor.y, 'under its name label').toBeGreaterThan(10);
      expect(box.y - cursor.y).toBeLessThan(80);
    }
    await expect(carol.page.locator(`[data-testid="cursor-chat"][data-peer-id="${ids.alice}"]`)).toHaveText('Look at this box');
    await expect(bubble).toHaveCount(0, { timeout: 9_000 });
    const shownFor = Date.now() - shownAt;
    expect(shownFor, `shown for ${shownFor} ms`).toBeGreaterThan(3_500);
  });

  await test.step('Escape closes the input without sending', async () => {
    await alice.page.keyboard.press('/');
    const input = alice.page.getByTestId('cursor-chat-input');
    await input.pressSequentially('never mind');
    await input.press('Escape');
    await expect(input).toBeHidden();
    // A message sent after it is the next thing Bob sees: nothing came in between.
    await alice.page.keyboard.press('/');
    await input.pressSequentially('second');
    await input.press('Enter');
    await expect(bob.page.locator(`[data-testid="cursor-chat"][data-peer-id="${ids.alice}"]`)).toHaveText('second');
  });

  await test.step('Carol (view link) chats too', async () => {
    await moveMouseOnCanvas(carol.page, 0.6, 0.4);
    await carol.page.keyboard.press('/');
    await carol.page.getByTestId('cursor-chat-input').fill('Viewer here');
    await carol.page.getByTestId('cursor-chat-input').press('Enter');
    await expect(alice.page.locator(`[data-testid="cursor-chat"][data-peer-id="${ids.carol}"]`)).toHaveText('Viewer here');
    await expect(bob.page.locator(`[data-testid="cursor-chat"][data-peer-id="${ids.carol}"]`)).toHaveText('Viewer here');
  });
});

test('reactions: E opens a keyboard picker, the emoji floats up from the sender’s cursor on every page; a sixth within 10 s gets a toast', async ({ browser, server }) => {
  const { alice, bob, carol, ids } = await threePeers(browser, server);
  const picker = alice.page.getByTestId('reaction-picker');

  await test.step('E opens the picker with the first emoji focused; the arrows move, Enter sends', async () => {
    await moveMouseOnCanvas(alice.page, 0.45, 0.55);
    await alice.page.keyboard.press('e');
    await expect(picker).toBeVisible();
    expect((await alice.page.evaluate(() => /** @type {any} */ (window).easel.state().tool)), 'E is no longer the eraser').toBe('select');
    await expect(picker.getByTestId('reaction-option').first()).toBeFocused();
    for (let i = 0; i < 3; i++) await alice.page.keyboard.press('ArrowRight');
    await expect(picker.locator('[data-emoji="🎉"]')).toBeFocused();
    await alice.page.keyboard.press('Enter');
    await expect(picker).toBeHidden();
  });

  await test.step('Alice sees her own 🎉; Bob and Carol see it from her', async () => {
    // All three at once: the emoji floats for a couple of seconds, and on
    // a loaded machine checking the pages one after another saw Carol's
    // only after it had gone.
    await Promise.all([alice, bob, carol].map(({ page }) =>
      expect(page.locator(`[data-testid="reaction"][data-peer-id="${ids.alice}"]`).first()).toHaveText('🎉')));
    // It floats and goes.
    await expect(bob.page.getByTestId('reaction')).toHaveCount(0, { timeout: 5_000 });
  });

  await test.step('Carol (view link) reacts with a digit: ❤️ on Alice’s page, fading in place there as Alice asks for less motion', async () => {
    await alice.page.emulateMedia({ reducedMotion: 'reduce' });
    await moveMouseOnCanvas(carol.page, 0.3, 0.3);
    await carol.page.keyboard.press('e');
    await expect(carol.page.getByTestId('reaction-picker')).toBeVisible();
    await carol.page.keyboard.press('2');
    const heart = alice.page.locator(`[data-testid="reaction"][data-peer-id="${ids.carol}"]`).first();
    await expect(heart).toHaveText('❤️');
    await expect(heart).toHaveCSS('animation-name', 'reaction-fade');
    await alice.page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  await test.step('Escape closes the picker and sends nothing; 0 is the eraser now', async () => {
    await bob.page.keyboard.press('e');
    await expect(bob.page.getByTestId('reaction-picker')).toBeVisible();
    await bob.page.keyboard.press('Escape');
    await expect(bob.page.getByTestId('reaction-picker')).toBeHidden();
    await bob.page.keyboard.press('0');
    await expect.poll(() => bob.page.evaluate(() => /** @type {any} */ (window).easel.state().tool)).toBe('eraser');
  });

  await test.step('Alice’s sixth chat or reaction within 10 s is not sent: a toast says so', async () => {
    // One reaction so far this window; four more fill it.
    for (let i = 0; i < 4; i++) {
      await alice.page.keyboard.press('e');
      await alice.page.keyboard.press('1');
    }
    await expect.poll(() => bob.page.locator(`[data-testid="reaction"][data-peer-id="${ids.alice}"]`).count()).toBeGreaterThan(0);
    await alice.page.keyboard.press('/');
    await alice.page.getByTestId('cursor-chat-input').fill('one too many');
    await alice.page.getByTestId('cursor-chat-input').press('Enter');
    await expect(alice.page.getByTestId('toast')).toContainText('Slow down');
    await expect(alice.page.getByTestId('cursor-chat-input'), 'kept to send later').toHaveValue('one too many');
    await alice.page.keyboard.press('Escape');
    await expect(alice.page.getByTestId('toast'), 'no error from the server').not.toContainText('rate');
  });
});

test('on a phone: a tap on a chip follows, the banner stops it; the smiley sends a reaction and opens the chat, shown at the centre of the phone’s view @phone', async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);
  const ids = { alice: await idOf(alice.page), bob: await idOf(bob.page) };
  const banner = bob.page.getByTestId('follow-banner');
  // A finger in the phone project; the desktop project runs this test too, with the mouse.
  const touch = !!test.info().project.use.hasTouch;
  const press = (/** @type {import('@playwright/test').Locator} */ l) => (touch ? l.tap() : l.click());

  await test.step('Bob taps Alice’s chip and follows her pans', async () => {
    await press(chip(bob.page, ids.alice));
    await expect(banner).toHaveAttribute('data-peer-id', ids.alice);
    await pan(alice.page, 200, 300);
    await expectSameView(bob.page, alice.page, 'Bob’s view on Alice’s');
    await press(banner);
    await expect(banner).toBeHidden();
  });

  await test.step('the smiley opens the reactions: 👍 reaches Alice from the centre of Bob’s view', async () => {
    await press(bob.page.getByTestId('react-button'));
    await expect(bob.page.getByTestId('reaction-picker')).toBeVisible();
    await press(bob.page.locator('[data-testid="reaction-option"][data-emoji="👍"]'));
    await expect(alice.page.locator(`[data-testid="reaction"][data-peer-id="${ids.bob}"]`).first()).toHaveText('👍');
  });

  await test.step('💬 in the picker opens the chat; Alice sees the message with Bob’s name', async () => {
    await press(bob.page.getByTestId('react-button'));
    await press(bob.page.getByTestId('reaction-chat'));
    const input = bob.page.getByTestId('cursor-chat-input');
    await expect(input).toBeFocused();
    await input.fill('From my phone');
    await input.press('Enter');
    const bubble = alice.page.locator(`[data-testid="cursor-chat"][data-peer-id="${ids.bob}"]`);
    await expect(bubble).toContainText('From my phone');
    await expect(bubble, 'no cursor to stand beside: the name is in the bubble').toContainText('Bob');
  });
});

test('across two nodes on Redis: Bob on node B follows Alice on node A, is summoned, and sees her chat and reaction', async ({ browser, nodes }) => {
  const [a, b] = nodes;
  const board = await createBoard(a.baseURL);
  const alice = await openPeer(browser, `${a.baseURL}/b/${board.id}`, { name: 'Alice', color: '#e03131' });
  const bob = await openPeer(browser, `${b.baseURL}/b/${board.id}`, { name: 'Bob', color: '#1971c2' });
  await expect(bob.page.getByTestId('peer-chip')).toHaveCount(2);
  const aliceId = await idOf(alice.page);

  await test.step('follow across nodes', async () => {
    await chip(bob.page, aliceId).click();
    await pan(alice.page, 600, 400);
    await expectSameView(bob.page, alice.page, 'Bob (node B) on Alice’s view (node A)');
    await bob.page.keyboard.press('Escape');
    await expect(bob.page.getByTestId('follow-banner')).toBeHidden();
  });

  await test.step('summon across nodes', async () => {
    await pan(alice.page, -1200, 300);
    await alice.page.getByTestId('summon-button').click();
    await expect(bob.page.getByTestId('follow-banner')).toHaveAttribute('data-peer-id', aliceId);
    await expectSameView(bob.page, alice.page, 'Bob summoned across nodes');
  });

  await test.step('chat and a reaction across nodes', async () => {
    await moveMouseOnCanvas(alice.page, 0.5, 0.5);
    await alice.page.keyboard.press('/');
    await alice.page.getByTestId('cursor-chat-input').fill('Over here');
    await alice.page.getByTestId('cursor-chat-input').press('Enter');
    await expect(bob.page.locator(`[data-testid="cursor-chat"][data-peer-id="${aliceId}"]`)).toHaveText('Over here');
    await alice.page.keyboard.press('e');
    await alice.page.keyboard.press('6');
    await expect(bob.page.locator(`[data-testid="reaction"][data-peer-id="${aliceId}"]`).first()).toHaveText('🔥');
  });
});

// @ts-check
// Accessibility (acceptance 7): axe-core on the landing page, the edit page
// and the view page, light and dark, finds no serious or critical violation
// (WCAG 2.x A/AA rules, color contrast included). The edit page is checked
// with peers in the bar and with its panels open too, so the chips, the "+N"
// list, the download panel and the narrow-screen menus count.
const { default: AxeBuilder } = require('@axe-core/playwright');
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { addCrowd } = require('../crowd');
const { drawShape } = require('../drawing');

test.describe.configure({ timeout: 60_000 });

const ME = { name: 'Ada', color: '#0ca678' };
const CROWD = ['Alice Wonderland', 'Bob', 'Carol', 'Dan', 'Eve', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory', 'Niaj'].map((name, i) => ({
  name,
  color: ['#e03131', '#f76707', '#f59f00', '#37b24d', '#1098ad', '#1c7ed6', '#4263eb', '#7048e8', '#ae3ec9', '#d6336c', '#5c940d', '#fab005'][i],
}));

/**
 * Runs axe on the page as it is now and fails on serious or critical
 * violations, listing them.
 * @param {import('@playwright/test').Page} page
 * @param {string} what
 */
async function expectNoSeriousViolations(page, what) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`).join(' | ')}`);
  expect(bad, `${what}: serious or critical axe violations`).toEqual([]);
}

for (const scheme of /** @type {const} */ (['light', 'dark'])) {
  test(`landing, edit and view pages have no serious accessibility violation (${scheme})`, async ({ browser, server }) => {
    const board = await createBoard(server.baseURL, 'Accessible board');
    // One peer first: the bar shows names, "(you)" and "viewer" in full.
    await addCrowd(browser, server.baseURL, board.id, [{ name: 'Bo', color: '#1098ad' }]);

    await test.step('landing page', async () => {
      const context = await browser.newContext({ colorScheme: scheme });
      const page = await context.newPage();
      await page.goto(`${server.baseURL}/`);
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
      await expectNoSeriousViolations(page, `landing (${scheme})`);
    });

    const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME, { colorScheme: scheme });
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', scheme);
    await expect(page.getByTestId('peer-chip')).toHaveCount(2);
    await expect(page.getByTestId('peer-list'), 'names shown in full').not.toHaveClass(/is-compact/);

    await test.step('edit page', async () => {
      await expectNoSeriousViolations(page, `edit (${scheme})`);
    });

    await test.step('view page', async () => {
      const view = await browser.newContext({ colorScheme: scheme });
      const viewer = await view.newPage();
      await viewer.goto(`${server.baseURL}${board.viewUrl}`);
      await expect(viewer.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
      await expect(viewer.getByTestId('peer-chip')).toHaveCount(3);
      await expect(viewer.getByTestId('peer-list'), 'names shown in full').not.toHaveClass(/is-compact/);
      await expectNoSeriousViolations(viewer, `view (${scheme})`);
    });

    await addCrowd(browser, server.baseURL, board.id, CROWD);
    await expect(page.getByTestId('peer-more')).toBeVisible();

    await test.step('edit page with the download panel and the +N list open', async () => {
      await page.getByTestId('export-menu').click();
      await expect(page.getByTestId('export-start')).toBeVisible();
      await expectNoSeriousViolations(page, `edit, download panel (${scheme})`);
      await page.getByTestId('export-menu').click();
      await page.getByTestId('peer-more').click();
      await expect(page.locator('.peer-overflow')).toBeVisible();
      await expectNoSeriousViolations(page, `edit, +N list (${scheme})`);
      await page.keyboard.press('Escape');
    });

    await test.step('edit page on a narrow screen with the style panel and the menu open', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('style-toggle').click();
      await expect(page.getByTestId('stroke-width')).toBeVisible();
      await expectNoSeriousViolations(page, `edit, narrow, style panel (${scheme})`);
      // Opening one panel closes the other.
      await page.getByTestId('menu-toggle').click();
      await expect(page.getByTestId('share-view-link')).toBeVisible();
      await expectNoSeriousViolations(page, `edit, narrow, menu (${scheme})`);
      await page.keyboard.press('Escape');
    });

    await test.step('edit page with unsaved changes while the server is away', async () => {
      // The status says "N unsaved changes" in an amber of its own, which
      // was 2.5:1 on the dark bar.
      await page.setViewportSize({ width: 1280, height: 800 });
      await server.stop();
      await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'connected');
      await drawShape(page, 'rect', [0.3, 0.4], [0.45, 0.55]);
      await expect(page.getByTestId('connection-status')).toContainText('1 unsaved change');
      await expectNoSeriousViolations(page, `edit, unsaved changes (${scheme})`);
      await server.start();
    });

  });
}

test('the new controls are reached with Tab and work from the keyboard', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL, 'Keyboard');
  await addCrowd(browser, server.baseURL, board.id, CROWD);
  const { page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ME, { colorScheme: 'light' });
  await expect(page.getByTestId('peer-more')).toBeVisible();

  /**
   * Presses Tab until the control has the focus.
   * @param {string} testid
   */
  async function tabTo(testid) {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testid)) return;
    }
    throw new Error(`Tab never reached ${testid}`);
  }

  await test.step('"+N" opens with Enter and closes with Escape, giving the focus back', async () => {
    await tabTo('peer-more');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('peer-more')).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('peer-more')).toHaveAttribute('aria-expanded', 'false');
    await expect(page.getByTestId('peer-more')).toBeFocused();
  });

  await test.step('the theme toggle switches with Enter', async () => {
    await tabTo('theme-toggle');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('theme-toggle')).toHaveAttribute('data-theme', 'dark');
  });

  await test.step('on a narrow screen the menu and the style row open with Enter and Tab goes into them', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('body').focus();
    await tabTo('menu-toggle');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('menu-toggle')).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('share-edit-link')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('share-edit-link')).toBeHidden();
    await tabTo('style-toggle');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('style-toggle')).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('stroke-color')).toBeFocused();
  });
});

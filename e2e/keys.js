// @ts-check
// Keyboard helpers shared by the specs (not a spec file itself).

/**
 * Presses a key as a keyboard layout other than US sends it, where the
 * character (key) and the position (code) differ: Ctrl + the key right of P
 * is "ü" on a German layout, the key of 1 types "&" on a French one.
 * Through the DevTools protocol, so the page gets a trusted keydown as from
 * a real keyboard (Playwright's keyboard knows only the US layout).
 * @param {import('@playwright/test').Page} page
 * @param {{key: string, code: string, ctrl?: boolean, shift?: boolean}} k
 */
async function pressAs(page, k) {
  const cdp = await page.context().newCDPSession(page);
  const modifiers = (k.ctrl ? 2 : 0) | (k.shift ? 8 : 0);
  await cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: k.key, code: k.code, modifiers });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, code: k.code, modifiers });
  await cdp.detach();
}

module.exports = { pressAs };

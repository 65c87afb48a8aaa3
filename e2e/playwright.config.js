// @ts-check
// Playwright configuration for Easel's end-to-end tests.
//
// The tests drive Debian's Chromium (Playwright's own browser downloads do not
// work on our machines) against the real `bin/easel` binary, which the `server`
// fixture in fixtures.js starts per test on a free loopback port.
const { defineConfig } = require('@playwright/test');

/** Debian's Chromium, for every project. */
const chromiumLaunch = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

module.exports = defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // Each test starts its own server; the machines have 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      // The phone-only specs run in the phone project alone.
      testIgnore: /phone\.spec\.js$/,
      use: { browserName: 'chromium', launchOptions: chromiumLaunch },
    },
    {
      // A phone with touch (acceptance 1): the tests tagged @phone (drawing,
      // the export menu, the layout and gesture tests of phone.spec.js).
      name: 'phone',
      grep: /@phone/,
      use: {
        browserName: 'chromium',
        launchOptions: chromiumLaunch,
        viewport: { width: 390, height: 844 },
        hasTouch: true,
        isMobile: true,
      },
    },
  ],
});

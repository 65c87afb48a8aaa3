// @ts-check
// Threat: cross-site scripting. Everything a peer can type — their display
// name, the board title, the text of text elements and sticky notes —
// reaches other people's pages (peer list, remote cursor labels, the title
// heading, the canvas) and the server's exports. It must show up there as
// literal text and never become markup: no element is parsed out of it, no
// handler in it runs, in the author's page or anyone else's, and the SVG
// export carries it escaped. The pages also carry a Content-Security-Policy
// that forbids inline script, as the second line of defence.
const { test, expect, createBoard, openPeer, moveMouseOnCanvas } = require('../fixtures');
const { elementById, expectSettled, writeText, placeSticky } = require('../drawing');
const { fetchExport } = require('../exports');

// Each payload sets a different value, so a failure says which one ran.
const EVIL_NAME = '<img src=x onerror=window.pwned=1>';
const EVIL_TITLE = '<img src=x onerror=window.pwned=2>';
const EVIL_TEXT = '<img src=x onerror=window.pwned=3><script>window.pwned=4</script>';
// Bob's name is seeded through localStorage (the other way a name arrives)
// and aims at attribute context (data-peer-name) instead of element context.
const EVIL_BOB = '"><svg/onload=window.pwned=5>';

const ALICE = { name: 'Alice', color: '#e03131' };
const BOB = { name: EVIL_BOB, color: '#1971c2' };

test.describe.configure({ timeout: 60_000 });

/**
 * Runs in every page of the context before the app: records every element
 * that could run script when it is put into the document (img, script,
 * iframe, object, embed, and anything with an on* attribute), and every
 * Content-Security-Policy violation the page reports.
 * @param {import('@playwright/test').BrowserContext} context
 */
async function watchForInjection(context) {
  await context.addInitScript(() => {
    const w = /** @type {any} */ (window);
    w.__xssNodes = [];
    w.__cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (ev) => {
        w.__cspViolations.push({ directive: ev.violatedDirective, blocked: ev.blockedURI, sample: ev.sample });
      },
      true,
    );
    const DANGEROUS = 'img, script, iframe, object, embed, frame, svg[onload], [onerror], [onload]';
    /** @param {Element} el */
    const check = (el) => {
      const hasHandler = [...el.attributes].some((a) => /^on/i.test(a.name));
      if (el.matches(DANGEROUS) || hasHandler) {
        w.__xssNodes.push({ tag: el.tagName.toLowerCase(), html: el.outerHTML.slice(0, 200) });
      }
    };
    new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (!(node instanceof Element)) continue;
          check(node);
          for (const inner of node.querySelectorAll('*')) check(inner);
        }
      }
    }).observe(document, { subtree: true, childList: true });
  });
}

/**
 * What the injection watch found, minus the page's own module script.
 * @param {import('@playwright/test').Page} page
 */
async function injected(page) {
  const nodes = await page.evaluate(() => /** @type {any} */ (window).__xssNodes);
  return nodes.filter(
    (/** @type {{tag: string, html: string}} */ n) => !(n.tag === 'script' && /^<script type="module" src="\/static\/[^"]+\.js"><\/script>$/.test(n.html)),
  );
}

/**
 * The effective script-src of a CSP header (script-src, else default-src).
 * @param {string} csp
 */
function scriptSrc(csp) {
  /** @type {Map<string, string[]>} */
  const directives = new Map();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return { directives, script: directives.get('script-src') ?? directives.get('default-src') };
}

test('names, titles and texts typed by a peer stay text everywhere, and the pages forbid inline script', async ({
  browser,
  server,
}) => {
  const board = await createBoard(server.baseURL, 'Plain title');
  const url = `${server.baseURL}/b/${board.id}`;

  const alice = await openPeer(browser, url, ALICE, {}, watchForInjection);
  const bob = await openPeer(browser, url, BOB, {}, watchForInjection);
  /** @type {Map<import('@playwright/test').Page, string[]>} */
  const pageErrors = new Map();
  for (const p of [alice.page, bob.page]) {
    const errors = /** @type {string[]} */ ([]);
    pageErrors.set(p, errors);
    p.on('pageerror', (err) => errors.push(String(err)));
    p.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) errors.push(`console: ${msg.text()}`);
    });
  }
  const peers = [
    { page: alice.page, who: 'Alice' },
    { page: bob.page, who: 'Bob' },
  ];

  await test.step('the board page is served with a CSP without inline script, nosniff and no framing', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy');
    expect(csp, 'Content-Security-Policy header').toBeTruthy();
    const { directives, script } = scriptSrc(/** @type {string} */ (csp));
    expect(script, `script-src (or default-src) in ${csp}`).toBeDefined();
    expect(script, `script-src in ${csp}`).not.toContain("'unsafe-inline'");
    expect(script, `script-src in ${csp}`).not.toContain("'unsafe-eval'");
    expect(script, `script-src in ${csp}`).not.toContain('*');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const frameAncestors = directives.get('frame-ancestors');
    const xfo = (res.headers.get('x-frame-options') ?? '').toUpperCase();
    expect(
      (frameAncestors?.length === 1 && frameAncestors[0] === "'none'") || xfo === 'DENY',
      `frame-ancestors ${frameAncestors?.join(' ')} / X-Frame-Options ${xfo}`,
    ).toBe(true);
  });

  await test.step('Alice sets her name through the name chooser', async () => {
    const nameInput = alice.page.locator('#name-input');
    await nameInput.fill(EVIL_NAME);
    await nameInput.press('Enter');
    await expect(nameInput).toHaveValue(EVIL_NAME);
    await expect
      .poll(() => alice.page.evaluate(() => localStorage.getItem('easel.name')), { message: "Alice's remembered name" })
      .toBe(EVIL_NAME);
    // A rename is a new hello on a new connection.
    await expect(alice.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  });

  await test.step('the name shows literally in both peer lists', async () => {
    for (const { page, who } of peers) {
      const list = page.getByTestId('peer-list');
      await expect(list, `${who}'s peer list has Alice's name as text`).toContainText(EVIL_NAME);
      await expect(list, `${who}'s peer list has Bob's name as text`).toContainText(EVIL_BOB);
      await expect
        .poll(async () => (await list.innerText()).split(EVIL_NAME).length - 1, { message: `Alice in ${who}'s peer list` })
        .toBe(1);
    }
  });

  await test.step("the name shows literally on the other peer's remote cursor", async () => {
    await moveMouseOnCanvas(alice.page, 0.4, 0.4);
    const aliceCursor = bob.page.locator(`[data-testid="remote-cursor"][data-peer-name=${JSON.stringify(EVIL_NAME)}]`);
    await expect(aliceCursor, "Alice's cursor in Bob's page").toHaveCount(1);
    await expect(aliceCursor).toHaveText(EVIL_NAME);
    await expect(aliceCursor).toBeVisible();

    await moveMouseOnCanvas(bob.page, 0.6, 0.6);
    const bobCursor = alice.page.locator(`[data-testid="remote-cursor"][data-peer-name=${JSON.stringify(EVIL_BOB)}]`);
    await expect(bobCursor, "Bob's cursor in Alice's page").toHaveCount(1);
    await expect(bobCursor).toHaveText(EVIL_BOB);
  });

  await test.step('Alice renames the board: the title shows literally for both', async () => {
    const title = alice.page.getByTestId('board-title');
    await title.click();
    await expect(title, 'the title is being edited').toBeFocused();
    await alice.page.keyboard.type(EVIL_TITLE);
    await alice.page.keyboard.press('Enter');
    for (const { page, who } of peers) {
      await expect(page.getByTestId('board-title'), `${who}'s title`).toHaveText(EVIL_TITLE);
      await expect(page, `${who}'s document title`).toHaveTitle(`${EVIL_TITLE} · Easel`);
    }
  });

  /** @type {import('../drawing').BoardElement} */
  let text;
  /** @type {import('../drawing').BoardElement} */
  let sticky;
  await test.step('Alice writes the payload in a text and a sticky note: Bob gets it as text', async () => {
    text = await writeText(alice.page, [0.05, 0.2], EVIL_TEXT);
    sticky = await placeSticky(alice.page, [0.3, 0.65], EVIL_TEXT);
    expect(text.kind).toBe('text');
    expect(text.text).toBe(EVIL_TEXT);
    expect(sticky.kind).toBe('sticky');
    await expectSettled(alice.page, 'Alice');
    for (const el of [text, sticky]) {
      await expect
        .poll(async () => (await elementById(bob.page, el.id))?.text, { message: `the ${el.kind}'s text in Bob's page` })
        .toBe(EVIL_TEXT);
    }
  });

  await test.step('the server renders the title escaped into the page, and a reload shows it literally', async () => {
    const html = await (await fetch(url)).text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=window.pwned=2&gt;');
    await bob.page.reload();
    await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await expect(bob.page.getByTestId('board-title')).toHaveText(EVIL_TITLE);
    await expect(bob.page.getByTestId('peer-list')).toContainText(EVIL_NAME);
    await expect.poll(async () => (await elementById(bob.page, sticky.id))?.text, { message: 'the note after reload' }).toBe(EVIL_TEXT);
  });

  await test.step('no script ran and no element was made from the payloads, in either page', async () => {
    // Alice's cursor again in the reloaded page, so its label is rendered there too.
    await moveMouseOnCanvas(alice.page, 0.45, 0.45);
    await expect(bob.page.locator(`[data-testid="remote-cursor"][data-peer-name=${JSON.stringify(EVIL_NAME)}]`)).toHaveText(EVIL_NAME);
    for (const { page, who } of peers) {
      expect(await page.evaluate(() => /** @type {any} */ (window).pwned), `window.pwned in ${who}'s page`).toBeUndefined();
      await expect(page.locator('img[src="x"]'), `img[src=x] in ${who}'s page`).toHaveCount(0);
      await expect(page.locator('svg[onload], [onerror], [onload]'), `handler attributes in ${who}'s page`).toHaveCount(0);
      expect(await injected(page), `img/script/handler elements ever added to ${who}'s page`).toEqual([]);
      expect(await page.evaluate(() => /** @type {any} */ (window).__cspViolations), `CSP violations in ${who}'s page`).toEqual([]);
      expect(pageErrors.get(page), `page errors in ${who}'s page`).toEqual([]);
    }
  });

  await test.step('the SVG export carries every text escaped', async () => {
    const svg = await fetchExport(server.baseURL, `/b/${board.id}`, 'svg');
    expect(svg.type).toMatch(/^image\/svg\+xml/);
    const raw = svg.bytes.toString('utf8');
    expect(raw).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    expect(raw).not.toMatch(/<img/i);
    expect(raw).not.toMatch(/<script/i);
    // Attributes, not text: the escaped text itself still reads "onerror=".
    expect(raw, 'a tag with an on* attribute').not.toMatch(/<[A-Za-z][^<>]*\son[a-z]+\s*=/i);
    expect(raw, 'the title, escaped').toContain('<title>&lt;img src=x onerror=window.pwned=2&gt;</title>');
    expect(raw, 'the text, escaped').toContain(
      '&lt;img src=x onerror=window.pwned=3&gt;&lt;script&gt;window.pwned=4&lt;/script&gt;',
    );
    expect(raw, 'no name in an export').not.toContain('pwned=1');

    // Parsed as SVG (a detached XML document: nothing in it runs), the file
    // holds only drawing elements, and its texts read back as typed.
    const parsed = await alice.page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      const all = [...doc.querySelectorAll('*')];
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        tags: [...new Set(all.map((el) => el.localName))].sort(),
        handlers: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.localName}@${a.name}`)),
        links: all.flatMap((el) => [...el.attributes].filter((a) => /href$/i.test(a.name)).map((a) => a.value)),
        title: doc.querySelector('title')?.textContent ?? null,
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
      };
    }, raw);
    expect(parsed.error, 'the SVG parses').toBeNull();
    for (const bad of ['script', 'foreignObject', 'img', 'iframe', 'object', 'embed', 'a', 'use', 'image']) {
      expect(parsed.tags, `<${bad}> in the SVG`).not.toContain(bad);
    }
    expect(parsed.handlers, 'on* attributes in the SVG').toEqual([]);
    expect(parsed.links, 'href attributes in the SVG').toEqual([]);
    expect(parsed.title).toBe(EVIL_TITLE);
    expect(parsed.texts, 'the text element reads back as typed').toContain(EVIL_TEXT);

    // Served from the board's origin, an SVG could run script if opened
    // directly: the response carries the same policy.
    const res = await fetch(`${server.baseURL}/b/${board.id}/export.svg`);
    const { script } = scriptSrc(res.headers.get('content-security-policy') ?? '');
    expect(script, 'script-src of the SVG export').toBeDefined();
    expect(script).not.toContain("'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  await alice.context.close();
  await bob.context.close();
});

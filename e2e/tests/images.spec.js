// @ts-check
// Images on the board (issue 14, acceptance 2; protocol "Blobs (images)"):
// Alice pastes a PNG from the system clipboard and Bob sees the picture,
// bytes and pixels, within 2 s; a JPEG dropped on the board lands where it
// was dropped; a file over 8 MiB is refused with a toast before a byte is
// sent, and one the server finds too large (413) changes nothing either.
// Then what one does with a picture: the image tool's picker, resizing that
// keeps the proportions unless Shift, turning, undo, copy and paste, what a
// viewer cannot do, the placeholder while the bytes are on their way, and
// a picture being moved shown to the others as a draft.
const { test, expect, createBoard, openPeer } = require('../fixtures');
const { ALICE, BOB, twoPeers } = require('../helpers');
const { boardToPage, canvasPoint, elements, expectSettled } = require('../drawing');
const { QUADRANTS, canvasPixels, copyPicture, dropPictures, makeBigFile, makePicture, near, quadrantColours } = require('../pictures');

const PERMISSIONS = ['clipboard-read', 'clipboard-write'];

// Two pages, pictures made on them, megabytes through the file picker: more than the default 30 s on a busy machine.
test.describe.configure({ timeout: 60_000 });

/**
 * The image elements of a page.
 * @param {import('@playwright/test').Page} page
 */
async function images(page) {
  return (await elements(page)).filter((el) => el.kind === 'image');
}

/**
 * Whether the page holds the picture of an element ('loaded'), is fetching it, or failed.
 * @param {import('@playwright/test').Page} page
 * @param {string} id
 */
async function imageState(page, id) {
  // @ts-ignore
  return page.evaluate((i) => window.easel.imageState(i), id);
}

/**
 * Every POST to a blob route the page makes.
 * @param {import('@playwright/test').Page} page
 */
function countUploads(page) {
  const seen = { n: 0 };
  page.on('request', (req) => {
    if (req.method() === 'POST' && /\/blobs(\?|$)/.test(req.url())) seen.n++;
  });
  return seen;
}

/**
 * @param {import('@playwright/test').Page} page
 * @param {RegExp} text
 */
async function expectToast(page, text) {
  await expect(page.getByTestId('toast')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('toast')).toHaveText(text);
}

test('Alice pastes a PNG from the clipboard: Bob sees the image, bytes and pixels, within 2 s @phone', async ({ browser, server }) => {
  const { board, alice, bob } = await twoPeers(browser, server);
  await alice.context.grantPermissions(PERMISSIONS, { origin: server.baseURL });
  await makePicture(alice.page, { name: 'shot.png', type: 'image/png', w: 200, h: 120 });
  await copyPicture(alice.page, 'shot.png');
  const at = await canvasPoint(alice.page, 0.5, 0.45);
  await alice.page.mouse.move(at.x, at.y);

  const start = Date.now();
  await alice.page.keyboard.press('Control+v');
  /** @type {any} */
  let seen = null;
  await expect
    .poll(
      async () => {
        const [el] = await images(bob.page);
        if (el && (await imageState(bob.page, el.id)) === 'loaded') seen = el;
        return seen !== null;
      },
      { message: "Bob's page shows the pasted picture, its bytes loaded", timeout: 2000, intervals: [25, 50, 100] },
    )
    .toBe(true);
  const took = Date.now() - start;
  test.info().annotations.push({ type: 'paste to picture on the other page', description: `${took} ms` });

  await test.step('the element: src names the uploaded bytes, natural size, centred at the pointer', async () => {
    // The clipboard holds the picture again encoded by the browser: its own bytes, the same pixels.
    const [upload] = await alice.page.evaluate(() => window.easel.uploads());
    expect(upload).toMatchObject({ name: 'image.png', state: 'done', id: seen.id, status: 201 });
    expect(seen.src).toBe(`blob:${upload.sha}`);
    expect(seen.w).toBe(200);
    expect(seen.h).toBe(120);
    expect(seen.rot).toBe(0);
    const [mine] = await images(alice.page);
    expect(mine).toEqual(seen);
    expect((await alice.page.evaluate(() => window.easel.state())).selection).toEqual([seen.id]);
    const centre = await alice.page.evaluate(() => ({ r: document.querySelector('[data-testid="board-canvas"]')?.getBoundingClientRect() ?? { left: 0, top: 0 } }));
    const want = await alice.page.evaluate(([x, y]) => window.easel.viewport.toBoard(x, y), [at.x - centre.r.left, at.y - centre.r.top]);
    expect(Math.abs(seen.x + seen.w / 2 - want.x)).toBeLessThan(1);
    expect(Math.abs(seen.y + seen.h / 2 - want.y)).toBeLessThan(1);
  });

  await test.step("Bob's canvas shows the picture's four colours where the element is", async () => {
    // Alice's cursor (and its label, on Bob's page) out of the way.
    const away = await canvasPoint(alice.page, 0.95, 0.9);
    await alice.page.mouse.move(away.x, away.y);
    await expect(async () => {
      const got = await quadrantColours(bob.page, seen);
      got.forEach((c, i) => expect(near(c, QUADRANTS[i], 6), `quadrant ${i}: ${c} vs ${QUADRANTS[i]}`).toBe(true));
    }).toPass({ timeout: 5000 });
  });

  await test.step('the bytes anyone can fetch are the bytes the src names', async () => {
    const sha = seen.src.slice(5);
    const res = await fetch(`${server.baseURL}/v/${board.viewId}/blobs/${sha}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const body = Buffer.from(await res.arrayBuffer());
    expect(require('node:crypto').createHash('sha256').update(body).digest('hex')).toBe(sha);
  });
});

test('a JPEG dropped on the board lands where it was dropped, for everyone', async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);
  const pic = await makePicture(alice.page, { name: 'photo.jpg', type: 'image/jpeg', w: 320, h: 240 });
  const at = await canvasPoint(alice.page, 0.35, 0.55);
  await dropPictures(alice.page, ['photo.jpg'], at);
  await expect.poll(async () => (await images(bob.page)).length, { message: "the dropped JPEG on Bob's board" }).toBe(1);
  const [el] = await images(bob.page);
  expect(el.src).toBe(`blob:${pic.sha}`);
  expect([el.w, el.h]).toEqual([320, 240]);
  const box = await alice.page.getByTestId('board-canvas').boundingBox();
  const want = await alice.page.evaluate(([x, y]) => window.easel.viewport.toBoard(x, y), [at.x - (box?.x ?? 0), at.y - (box?.y ?? 0)]);
  expect(Math.abs(el.x + el.w / 2 - want.x)).toBeLessThan(1);
  expect(Math.abs(el.y + el.h / 2 - want.y)).toBeLessThan(1);
  await expect.poll(() => imageState(bob.page, el.id), { message: "Bob's page decoded the JPEG" }).toBe('loaded');
  await expect(async () => {
    const got = await quadrantColours(bob.page, el);
    got.forEach((c, i) => expect(near(c, QUADRANTS[i], 24), `quadrant ${i}: ${c} vs ${QUADRANTS[i]}`).toBe(true));
  }).toPass({ timeout: 5000 });
  await expect(alice.page.getByTestId('image-upload')).toHaveCount(0);
});

test('a file over 8 MiB is refused before anything is sent, and nothing changes @phone', async ({ browser, server }) => {
  const { alice, bob } = await twoPeers(browser, server);
  const posts = countUploads(alice.page);
  // Something on the board first, so "nothing changes" means something.
  const pic = await makePicture(alice.page, { name: 'small.png', type: 'image/png', w: 40, h: 40 });
  await dropPictures(alice.page, ['small.png'], await canvasPoint(alice.page, 0.5, 0.5));
  await expect.poll(async () => (await images(bob.page)).length).toBe(1);
  await expectSettled(alice.page, 'Alice');
  expect(posts.n).toBe(1);
  const before = await elements(alice.page);

  await test.step('dropped: the toast says it is too large and what the limit is, on lines as wide as the screen allows', async () => {
    await makeBigFile(alice.page, 'huge.png', 9 * 1024 * 1024);
    await dropPictures(alice.page, ['huge.png'], await canvasPoint(alice.page, 0.3, 0.3));
    await expectToast(alice.page, /huge\.png is too large to add \(9 MB; images may be up to 8 MB\)/);
    const box = await alice.page.getByTestId('toast').boundingBox();
    const vw = alice.page.viewportSize()?.width ?? 1280;
    // One line, or wrapped at the toast's cap (a phone's toast used to stop at half the screen).
    expect((box?.height ?? 99) < 40 || (box?.width ?? 0) > 0.8 * Math.min(560, vw - 32), `toast box ${JSON.stringify(box)}`).toBe(true);
  });

  await test.step('picked with the image tool: the same', async () => {
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByTestId('tool-image').click();
    const fc = await chooser;
    expect(fc.isMultiple()).toBe(true);
    // A file on disk: the picker takes its path (a 9 MiB buffer would crawl through the protocol).
    const huge = test.info().outputPath('huge2.png');
    require('node:fs').writeFileSync(huge, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(9 * 1024 * 1024)]));
    await fc.setFiles(huge);
    await expectToast(alice.page, /huge2\.png is too large to add/);
    await expect.poll(async () => (await alice.page.evaluate(() => window.easel.state())).tool, { message: 'back to select' }).toBe('select');
  });

  expect(posts.n, 'no upload of the large files').toBe(1);
  expect(await elements(alice.page)).toEqual(before);
  await expectSettled(bob.page, 'Bob');
  expect((await elements(bob.page)).length).toBe(before.length);
  expect((await images(bob.page))[0].src).toBe(`blob:${pic.sha}`);
  const states = (await alice.page.evaluate(() => window.easel.uploads())).map((/** @type {any} */ u) => u.state);
  expect(states).toEqual(['done', 'failed', 'failed']);
});

test.describe('a server with a 1 MiB limit', () => {
  test.use({ serverArgs: ['--max-blob-mib', '1'] });

  test("a file the server finds too large (413) shows its reason and changes nothing", async ({ browser, server }) => {
    const { alice, bob } = await twoPeers(browser, server);
    const posts = countUploads(alice.page);
    const pic = await makePicture(alice.page, { name: 'noise.png', type: 'image/png', w: 700, h: 700, noise: true });
    expect(pic.size).toBeGreaterThan(1024 * 1024);
    // The upload held at the door, to look at its card.
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise((resolve) => {
      release = () => resolve(undefined);
    });
    await alice.page.route(/\/blobs$/, async (route) => {
      await held;
      await route.fallback();
    });
    await dropPictures(alice.page, ['noise.png'], await canvasPoint(alice.page, 0.5, 0.9));
    await test.step('while it goes: a card of the picture size, its progress bar on screen although the frame reaches past the board', async () => {
      const card = alice.page.getByTestId('image-upload');
      await expect(card).toBeVisible();
      const frame = await card.boundingBox();
      const vp = alice.page.viewportSize() ?? { width: 1280, height: 800 };
      expect((frame?.y ?? 0) + (frame?.height ?? 0), 'dropped near the bottom, the frame reaches past it').toBeGreaterThan(vp.height);
      const bar = await alice.page.locator('.image-upload__status').boundingBox();
      expect(bar && bar.y >= 0 && bar.y + bar.height <= vp.height && bar.x >= 0 && bar.x + bar.width <= vp.width, `progress bar ${JSON.stringify(bar)} in ${JSON.stringify(vp)}`).toBe(true);
      await expect(alice.page.getByTestId('image-upload-progress')).toBeVisible();
    });
    release();
    await expectToast(alice.page, /noise\.png is too large to add/);
    expect(posts.n).toBe(1);
    await expect(alice.page.getByTestId('image-upload'), 'the progress card is gone').toHaveCount(0);
    const [upload] = await alice.page.evaluate(() => window.easel.uploads());
    expect(upload).toMatchObject({ state: 'failed', status: 413 });
    await expectSettled(alice.page, 'Alice');
    expect(await elements(alice.page)).toEqual([]);
    expect(await elements(bob.page)).toEqual([]);
  });
});

test('the image tool: a picture at the view centre scaled to fit; resize keeps its proportions unless Shift; turn, undo, copy and paste', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const { context, page } = await openPeer(browser, `${server.baseURL}/b/${board.id}`, ALICE);
  await context.grantPermissions(PERMISSIONS, { origin: server.baseURL });
  await makePicture(page, { name: 'wide.webp', type: 'image/webp', w: 3000, h: 1000 });
  const file = await page.evaluate(async () => [...new Uint8Array(await window.__pictures['wide.webp'].arrayBuffer())]);

  /** @type {any} */
  let el;
  await test.step('I opens the picker; the picture lands at the centre, 80 % of the view wide', async () => {
    await page.mouse.move(200, 300);
    const chooser = page.waitForEvent('filechooser');
    await page.keyboard.press('i');
    const fc = await chooser;
    await fc.setFiles({ name: 'wide.webp', mimeType: 'image/webp', buffer: Buffer.from(file) });
    await expect.poll(async () => (await images(page)).length).toBe(1);
    [el] = await images(page);
    const view = await page.evaluate(() => {
      const c = /** @type {HTMLCanvasElement} */ (document.querySelector('[data-testid="board-canvas"]'));
      return { w: c.clientWidth, h: c.clientHeight, centre: window.easel.viewport.toBoard(c.clientWidth / 2, c.clientHeight / 2) };
    });
    expect(el.w).toBeCloseTo(view.w * 0.8, 1);
    expect(el.w / el.h).toBeCloseTo(3, 1);
    expect(Math.abs(el.x + el.w / 2 - view.centre.x)).toBeLessThan(1);
    expect(Math.abs(el.y + el.h / 2 - view.centre.y)).toBeLessThan(1);
    const s = await page.evaluate(() => window.easel.state());
    expect(s.tool).toBe('select');
    expect(s.selection).toEqual([el.id]);
  });

  await test.step('dragging the bottom-right handle keeps the proportions', async () => {
    const corner = await boardToPage(page, el.x + el.w + 4, el.y + el.h + 4);
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.mouse.move(corner.x - 300, corner.y - 60, { steps: 8 });
    await page.mouse.up();
    await expectSettled(page, 'Alice');
    const [now] = await images(page);
    expect(now.w).toBeLessThan(el.w);
    expect(now.w / now.h).toBeCloseTo(el.w / el.h, 1);
    expect([now.x, now.y]).toEqual([el.x, el.y]);
    el = now;
  });

  await test.step('with Shift it stretches', async () => {
    const corner = await boardToPage(page, el.x + el.w + 4, el.y + el.h + 4);
    await page.mouse.move(corner.x, corner.y);
    await page.mouse.down();
    await page.keyboard.down('Shift');
    await page.mouse.move(corner.x, corner.y + 150, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expectSettled(page, 'Alice');
    const [now] = await images(page);
    expect(now.w).toBeCloseTo(el.w, 0);
    expect(now.h).toBeGreaterThan(el.h + 100);
    el = now;
  });

  await test.step('turned with the rotate handle, then undo brings it back straight', async () => {
    const top = await boardToPage(page, el.x + el.w / 2, el.y - 4);
    const handle = { x: top.x, y: top.y - 22 };
    const right = await boardToPage(page, el.x + el.w + 200, el.y + el.h / 2);
    await page.mouse.move(handle.x, handle.y);
    await page.mouse.down();
    await page.mouse.move(right.x, right.y, { steps: 8 });
    await page.mouse.up();
    await expectSettled(page, 'Alice');
    const [turned] = await images(page);
    expect(Math.abs(turned.rot - Math.PI / 2)).toBeLessThan(0.2);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await images(page))[0].rot).toBe(0);
  });

  await test.step('Ctrl+C, Ctrl+V: a second picture of the same bytes, nothing uploaded again', async () => {
    const posts = countUploads(page);
    await page.keyboard.press('Control+c');
    await page.mouse.move(300, 300);
    await page.keyboard.press('Control+v');
    await expect.poll(async () => (await images(page)).length).toBe(2);
    await expectSettled(page, 'Alice');
    const [a, b] = await images(page);
    expect(b.src).toBe(a.src);
    expect(b.id).not.toBe(a.id);
    expect(posts.n).toBe(0);
    await expect.poll(() => imageState(page, b.id)).toBe('loaded');
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await images(page)).length).toBe(1);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await images(page)).length).toBe(2);
  });
});

test('copied into another board, a picture brings its bytes along: uploaded there, then placed', async ({ browser, server }) => {
  const boardA = await createBoard(server.baseURL);
  const boardB = await createBoard(server.baseURL);
  const a = await openPeer(browser, `${server.baseURL}/b/${boardA.id}`, ALICE);
  const b = await openPeer(browser, `${server.baseURL}/b/${boardB.id}`, BOB);
  await a.context.grantPermissions(PERMISSIONS, { origin: server.baseURL });
  await b.context.grantPermissions(PERMISSIONS, { origin: server.baseURL });
  const pic = await makePicture(a.page, { name: 'q.png', type: 'image/png', w: 120, h: 80 });
  await dropPictures(a.page, ['q.png'], await canvasPoint(a.page, 0.5, 0.5));
  await expect.poll(async () => (await images(a.page)).length).toBe(1);
  // A shape beside it, so that one refused image would have cost the whole paste.
  await a.page.evaluate(() => window.easel.board.commit([{ op: 'put', el: { id: 'box', kind: 'rect', x: 0, y: 0, w: 50, h: 50, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0' } }]));
  await expectSettled(a.page, 'Alice');
  await a.page.keyboard.press('Control+a');
  await a.page.keyboard.press('Control+c');
  await expect.poll(() => a.page.evaluate(() => navigator.clipboard.readText())).toContain(`"files":{"${pic.sha}"`);
  expect((await fetch(`${server.baseURL}/b/${boardB.id}/blobs/${pic.sha}`)).status, 'board B lacks the bytes').toBe(404);

  await b.page.mouse.move(500, 400);
  await b.page.keyboard.press('Control+v');
  await expect.poll(async () => (await elements(b.page)).map((el) => el.kind).sort(), { message: 'both pasted on board B' }).toEqual(['image', 'rect']);
  await expectSettled(b.page, 'Bob');
  const [img] = await images(b.page);
  expect(img.src).toBe(`blob:${pic.sha}`);
  expect((await fetch(`${server.baseURL}/b/${boardB.id}/blobs/${pic.sha}`)).status, 'board B holds them now').toBe(200);
  await expect.poll(() => imageState(b.page, img.id)).toBe('loaded');
});

test('a viewer has no image tool, and pasting or dropping a picture says why', async ({ browser, server }) => {
  const board = await createBoard(server.baseURL);
  const { context, page } = await openPeer(browser, `${server.baseURL}/v/${board.viewId}`, BOB);
  await context.grantPermissions(PERMISSIONS, { origin: server.baseURL });
  await expect(page.getByTestId('tool-image')).toBeDisabled();
  await expect(page.getByTestId('image-file')).toHaveCount(0);
  const posts = countUploads(page);
  await makePicture(page, { name: 'v.png', type: 'image/png', w: 50, h: 50 });
  await copyPicture(page, 'v.png');
  await page.mouse.move(400, 400);
  await page.keyboard.press('Control+v');
  await expectToast(page, /can only view the board/);
  await page.keyboard.press('i');
  expect((await page.evaluate(() => window.easel.state())).tool).toBe('select');
  await dropPictures(page, ['v.png'], await canvasPoint(page, 0.5, 0.5));
  await expectToast(page, /can only view the board: adding images/);
  expect(posts.n).toBe(0);
  expect(await elements(page)).toEqual([]);
});

test('others see a placeholder of the right size until the bytes arrive; a picture being moved shows as a draft', async ({ browser, server }) => {
  /** @type {Array<() => void>} */
  const held = [];
  let hold = true;
  const { alice, bob } = await twoPeers(browser, server, {
    bob: (context) =>
      context.route(/\/blobs\/[0-9a-f]{64}$/, async (route) => {
        if (hold) await new Promise((resolve) => held.push(() => resolve(undefined)));
        await route.fallback();
      }),
  });
  await makePicture(alice.page, { name: 'p.png', type: 'image/png', w: 240, h: 160 });
  await dropPictures(alice.page, ['p.png'], await canvasPoint(alice.page, 0.5, 0.5));
  await expect.poll(async () => (await images(bob.page)).length).toBe(1);
  const [el] = await images(bob.page);

  await test.step('while the bytes are held back: a grey box of the element size', async () => {
    await expect.poll(() => held.length, { message: "Bob's page asked for the bytes" }).toBeGreaterThan(0);
    expect(await imageState(bob.page, el.id)).toBe('loading');
    const { at } = await canvasPixels(bob.page);
    // Inside, near a corner: the placeholder's grey; just outside: the board.
    expect(near(await at(el.x + 10, el.y + 10), [233, 236, 239], 4)).toBe(true);
    expect(near(await at(el.x + el.w - 10, el.y + el.h - 10), [233, 236, 239], 4)).toBe(true);
    expect(near(await at(el.x - 6, el.y + 10), [233, 236, 239], 4)).toBe(false);
  });

  await test.step('then the picture', async () => {
    hold = false;
    for (const release of held) release();
    await expect.poll(() => imageState(bob.page, el.id)).toBe('loaded');
    await expect(async () => {
      const got = await quadrantColours(bob.page, el);
      got.forEach((c, i) => expect(near(c, QUADRANTS[i], 6), `quadrant ${i}`).toBe(true));
    }).toPass({ timeout: 5000 });
  });

  await test.step('Alice drags it: Bob sees her draft of the image moving, then the moved picture', async () => {
    const from = await boardToPage(alice.page, el.x + el.w / 2, el.y + el.h / 2);
    await alice.page.mouse.move(from.x, from.y);
    await alice.page.mouse.down();
    await alice.page.mouse.move(from.x + 120, from.y + 60, { steps: 10 });
    await expect
      .poll(async () => {
        // @ts-ignore
        const drafts = await bob.page.evaluate(() => window.easel.drafts());
        const d = drafts.find((/** @type {any} */ x) => x.el.id === el.id);
        return d ? { kind: d.el.kind, src: d.el.src, moved: Math.round(d.el.x - el.x) } : null;
      }, { message: "Alice's draft on Bob's page" })
      .toEqual({ kind: 'image', src: el.src, moved: 120 });
    await alice.page.mouse.up();
    await expect.poll(async () => Math.round((await images(bob.page))[0].x - el.x)).toBe(120);
    // @ts-ignore
    await expect.poll(() => bob.page.evaluate(() => window.easel.drafts().length)).toBe(0);
  });
});

// @ts-check
// Imports that add, never overwrite (issue 11, acceptance 5): importing the
// same .excalidraw file twice through the page gives twice the elements and
// changes nothing of the first copy, also after someone edited it; Ctrl+Z
// removes the second import only. The import lands centred in the view,
// keeps what Excalidraw drew (diamond, dashes, rounded corners, bound
// arrows, container text, rotation), and the toast says what was skipped.
const path = require('node:path');
const { test, expect } = require('../fixtures');
const { twoPeers } = require('../helpers');
const { elements, expectSettled, expectSameBoard } = require('../drawing');

const FIDELITY = path.join(__dirname, '../../export/testdata/fidelity.excalidraw');
/** Drawable elements in the file: 12 entries minus 2 images, a frame, a deleted one and the container's text. */
const PER_IMPORT = 7;

/**
 * Imports the file through the page's import input; returns what it added.
 * @param {import('@playwright/test').Page} page
 */
async function importOnce(page) {
  const before = await page.evaluate(() => window.easel.imports().length);
  await page.getByTestId('import-file').setInputFiles(FIDELITY);
  await expect.poll(async () => (await page.evaluate(() => window.easel.imports())).at(before)?.state).toBe('done');
  const info = (await page.evaluate(() => window.easel.imports())).at(before);
  expect(info.ids).toHaveLength(PER_IMPORT);
  await expect
    .poll(async () => (await elements(page)).filter((el) => info.ids.includes(el.id)).length, { message: 'the imported elements arrive' })
    .toBe(PER_IMPORT);
  // Then they are selected: all but the locked diamond.
  const unlocked = (await elements(page)).filter((el) => info.ids.includes(el.id) && !el.locked).map((el) => el.id);
  expect(unlocked).toHaveLength(PER_IMPORT - 1);
  await expect
    .poll(async () => (await page.evaluate(() => window.easel.state().selection)).sort(), { message: 'the import selected once it is here' })
    .toEqual(unlocked.sort());
  return info;
}

test('importing the same file twice adds a second copy; undo removes only the second', async ({ browser, server }) => {
  const { alice, bob, peers } = await twoPeers(browser, server);
  const a = alice.page;

  const first = await test.step('Alice imports the file: it lands centred in her view, and the toast says what was skipped', async () => {
    await a.evaluate(() => window.easel.viewport.set({ x: 2000, y: -1000, scale: 1 }));
    const info = await importOnce(a);
    await expect(a.getByTestId('toast')).toContainText('Imported 7 elements from fidelity.excalidraw');
    await expect(a.getByTestId('toast')).toContainText('2 images skipped: its file is not in the import');
    await expect(a.getByTestId('toast')).toContainText('1 frame skipped: frames are not supported');
    const els = (await elements(a)).filter((el) => info.ids.includes(el.id));
    const view = await a.evaluate(() => {
      const c = /** @type {HTMLCanvasElement} */ (document.querySelector('[data-testid="board-canvas"]'));
      return window.easel.viewport.toBoard(c.clientWidth / 2, c.clientHeight / 2);
    });
    const minX = Math.min(...els.map((el) => el.x + Math.min(0, ...(el.points ?? [[0, 0]]).map((p) => p[0]))));
    const maxX = Math.max(...els.map((el) => el.x + Math.max(el.w, ...(el.points ?? [[0, 0]]).map((p) => p[0]))));
    expect(Math.abs((minX + maxX) / 2 - view.x), 'centred in the view').toBeLessThan(2);
    // What Excalidraw drew comes over.
    const byKind = (/** @type {string} */ k) => els.filter((el) => el.kind === k);
    const [box] = byKind('rect');
    const [dia] = byKind('diamond');
    expect(box).toMatchObject({ round: true, text: 'Hello box', fill: '#a5d8ff' });
    expect(dia).toMatchObject({ fill: '#ffc9c9', dash: 'dotted', round: true, locked: true, rot: 0.5 });
    expect(byKind('line')[0].dash).toBe('dashed');
    const bound = byKind('arrow').find((el) => el.start && el.end);
    expect(bound?.start).toEqual({ id: box.id });
    expect(bound?.end).toEqual({ id: dia.id });
    expect(box.group).toBeTruthy();
    expect(dia.group).toBe(box.group);
    await a.screenshot({ path: '/tmp/clipimport-shots/import-first.png' });
    return info;
  });

  await test.step('Bob moves an element of the first copy', async () => {
    await expect.poll(async () => (await elements(bob.page)).length).toBe(PER_IMPORT);
    await bob.page.evaluate((id) => {
      const el = window.easel.elements().find((e) => e.id === id);
      window.easel.board.commit([{ op: 'put', el: { ...el, x: el.x + 300 } }]);
    }, first.ids[0]);
    await expectSameBoard(peers);
  });
  const edited = await elements(a);

  const second = await test.step('Alice imports the same file again: seven more elements, nothing of the first copy changed', async () => {
    const info = await importOnce(a);
    for (const id of info.ids) expect(first.ids).not.toContain(id);
    await expect.poll(async () => (await elements(a)).length).toBe(2 * PER_IMPORT);
    const board = await expectSameBoard(peers);
    expect(board).toHaveLength(2 * PER_IMPORT);
    const all = await elements(a);
    for (const el of edited) expect(all.find((e) => e.id === el.id), `first copy's ${el.id}`).toEqual(el);
    return info;
  });

  await test.step('Ctrl+Z removes the second import only, for everyone', async () => {
    await a.keyboard.press('Control+z');
    await expect.poll(async () => (await elements(a)).map((el) => el.id).sort()).toEqual(edited.map((el) => el.id).sort());
    await expectSameBoard(peers);
    expect(await elements(bob.page)).toEqual(edited);
    for (const id of second.ids) expect(await elements(bob.page)).not.toContainEqual(expect.objectContaining({ id }));
  });

  await test.step('Ctrl+Shift+Z brings it back', async () => {
    await a.keyboard.press('Control+Shift+Z');
    await expect.poll(async () => (await elements(a)).length).toBe(2 * PER_IMPORT);
    await expectSettled(a, 'Alice');
  });
});

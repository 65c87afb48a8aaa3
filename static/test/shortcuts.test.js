// Unit tests of the shortcut table and the view fitting: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxInView, centredOn, fitView } from '../navigate.js';
import { ACTIONS, actionForKeys, HELP, keysOf, togetherForKeys, toolForKeys, toolKeys, TOOLS } from '../shortcuts.js';

/**
 * A keydown as a browser sends it (only the fields keysOf reads).
 * @param {string} key
 * @param {string} code
 * @param {{ctrl?: boolean, meta?: boolean, shift?: boolean, alt?: boolean}} [m]
 */
function keydown(key, code, m = {}) {
  return /** @type {KeyboardEvent} */ ({ key, code, ctrlKey: !!m.ctrl, metaKey: !!m.meta, shiftKey: !!m.shift, altKey: !!m.alt });
}

/** @param {KeyboardEvent} ev */
const action = (ev) => actionForKeys(keysOf(ev))?.name ?? null;
/** @param {KeyboardEvent} ev */
const tool = (ev) => toolForKeys(keysOf(ev))?.name ?? null;

test('number keys pick the first nine numbered tools in table order, the hand has none', () => {
  const numbered = TOOLS.filter((t) => !t.unnumbered);
  assert.ok(numbered.length >= 9);
  for (let i = 1; i <= 9; i++) assert.equal(tool(keydown(String(i), `Digit${i}`)), numbered[i - 1].name);
  assert.equal(TOOLS.find((t) => t.name === 'hand')?.digit, undefined);
  // AZERTY: the key of 2 types "é".
  assert.equal(tool(keydown('é', 'Digit2')), numbered[1].name);
  assert.equal(tool(keydown('0', 'Digit0')), 'eraser', '0 is the eraser, as in Excalidraw (Ctrl/⌘+0 zooms to 100 %)');
  assert.equal(tool(keydown('à', 'Digit0')), 'eraser', 'AZERTY');
  assert.equal(tool(keydown('0', 'Digit0', { ctrl: true })), null);
  assert.equal(tool(keydown('1', 'Digit1', { ctrl: true })), null);
});

test('letters pick tools, on Latin and non-Latin layouts alike', () => {
  for (const t of TOOLS) {
    if (t.key === '') continue; // the eraser: 0 only
    assert.equal(tool(keydown(t.key.toLowerCase(), `Key${t.key}`)), t.name);
    assert.equal(tool(keydown(t.key, `Key${t.key}`, { shift: true })), t.name);
  }
  assert.equal(tool(keydown('р', 'KeyH')), 'hand', 'Russian layout');
  // A Latin layout with letters elsewhere (AZERTY's A is where Q is): the character counts.
  assert.equal(tool(keydown('a', 'KeyQ')), 'arrow');
  assert.equal(action(keydown('q', 'KeyA')), 'toolLock');
  assert.equal(tool(keydown('h', 'KeyH', { alt: true })), null);
});

test('organise keys: Excalidraw’s, brackets by position', () => {
  assert.equal(action(keydown('g', 'KeyG', { ctrl: true })), 'group');
  assert.equal(action(keydown('g', 'KeyG', { meta: true })), 'group');
  assert.equal(action(keydown('G', 'KeyG', { ctrl: true, shift: true })), 'ungroup');
  assert.equal(action(keydown('L', 'KeyL', { ctrl: true, shift: true })), 'lock');
  assert.equal(action(keydown(']', 'BracketRight', { ctrl: true })), 'forward');
  assert.equal(action(keydown('[', 'BracketLeft', { ctrl: true })), 'backward');
  assert.equal(action(keydown('}', 'BracketRight', { ctrl: true, shift: true })), 'front');
  assert.equal(action(keydown('{', 'BracketLeft', { ctrl: true, shift: true })), 'back');
  assert.equal(action(keydown('[', 'BracketLeft', { meta: true, alt: true })), 'back', '⌘⌥[ on macOS');
  assert.equal(action(keydown('ü', 'BracketLeft', { ctrl: true })), 'backward', 'German layout');
  assert.equal(action(keydown('!', 'Digit1', { shift: true })), 'fit');
  assert.equal(action(keydown('1', 'Digit1', { shift: true })), 'fit', 'AZERTY');
  assert.equal(action(keydown('q', 'KeyQ')), 'toolLock');
  // Not these.
  assert.equal(action(keydown('g', 'KeyG')), null);
  assert.equal(action(keydown('l', 'KeyL', { ctrl: true })), null);
  assert.equal(action(keydown('1', 'Digit1')), null);
  assert.equal(action(keydown('q', 'KeyQ', { ctrl: true })), null);
  assert.equal(action(keydown('a', 'KeyA', { ctrl: true })), null, 'select all stays with the board');
});

test('the help lists every tool and every action', () => {
  const text = JSON.stringify(HELP);
  for (const t of TOOLS) assert.ok(text.includes(JSON.stringify(t.label)), t.label);
  for (const a of ACTIONS) {
    assert.ok(text.includes(JSON.stringify(a.keys)), a.keys);
    assert.ok(text.includes(JSON.stringify(a.label)), a.label);
  }
});

test('fitView shows the whole box centred, never past 100 %', () => {
  const box = { minX: -1000, minY: 200, maxX: 3000, maxY: 1200 };
  const v = fitView(box, 1280, 800, 48);
  const right = v.x + 1280 / v.scale;
  const bottom = v.y + 800 / v.scale;
  assert.ok(v.x <= box.minX && right >= box.maxX && v.y <= box.minY && bottom >= box.maxY, JSON.stringify(v));
  assert.ok(Math.abs((v.x + right) / 2 - 1000) < 1e-6 && Math.abs((v.y + bottom) / 2 - 700) < 1e-6, 'centred');
  assert.ok(Math.abs(v.scale - (1280 - 96) / 4000) < 1e-9, 'the margin is kept on the tight side');
  const small = fitView({ minX: 0, minY: 0, maxX: 10, maxY: 10 }, 1280, 800);
  assert.equal(small.scale, 1);
  assert.deepEqual(centredOn({ minX: 0, minY: 0, maxX: 10, maxY: 10 }, 100, 50, 1), { x: -45, y: -20, scale: 1 });
  const huge = fitView({ minX: 0, minY: 0, maxX: 1e7, maxY: 10 }, 1280, 800);
  assert.equal(huge.scale, 0.1, 'clamped to the smallest scale');
});

test('boxInView: any overlap counts', () => {
  const view = { x: 0, y: 0, scale: 2 };
  assert.equal(boxInView({ minX: 600, minY: 390, maxX: 700, maxY: 500 }, view, 1280, 800), true);
  assert.equal(boxInView({ minX: 641, minY: 0, maxX: 700, maxY: 10 }, view, 1280, 800), false);
  assert.equal(boxInView({ minX: -50, minY: -50, maxX: -1, maxY: 10 }, view, 1280, 800), false);
});

test('E opens the reactions and / the cursor chat, on any layout; E picks no tool', () => {
  const together = (/** @type {KeyboardEvent} */ ev) => togetherForKeys(keysOf(ev), ev.key);
  assert.equal(together(keydown('e', 'KeyE')), 'react');
  assert.equal(together(keydown('у', 'KeyE')), 'react', 'Russian layout');
  assert.equal(together(keydown('/', 'Slash')), 'chat');
  assert.equal(together(keydown('/', 'Digit7', { shift: true })), 'chat', 'German layout: Shift+7');
  assert.equal(together(keydown('?', 'Slash', { shift: true })), null, 'the help');
  assert.equal(together(keydown('e', 'KeyE', { ctrl: true })), null);
  assert.equal(together(keydown('E', 'KeyE', { shift: true })), null);
  assert.equal(tool(keydown('e', 'KeyE')), null);
  // No key does two things: no tool letter or action is E or /.
  assert.ok(!TOOLS.some((t) => t.key === 'E'));
  assert.equal(action(keydown('e', 'KeyE')), null);
  assert.deepEqual(toolKeys(/** @type {any} */ (TOOLS.find((t) => t.name === 'eraser'))), ['0']);
  assert.deepEqual(toolKeys(/** @type {any} */ (TOOLS.find((t) => t.name === 'pen'))), ['P', '2']);
  const rows = HELP.flatMap((s) => s.rows.map(([k]) => (Array.isArray(k) ? k.join(' ') : k)));
  assert.ok(rows.includes('/') && rows.includes('E'), 'the help lists / and E');
});

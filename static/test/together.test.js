// Unit tests of what members see of each other beyond cursors: the presence
// wire (views, chat, reactions, summon), the shared chat/reaction budget,
// the view throttle, following's fit and glide, the reaction picker's keys:
// node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inside } from '../cursorchat.js';
import { betweenViews, easeOut, fitRect, followingText } from '../follow.js';
import { chatText, EventBudget, isEmoji, readPresence, Throttle, viewMessage, viewRect } from '../presencewire.js';
import { REACTIONS, rovingIndex } from '../reactions.js';
import { MAX_SCALE, MIN_SCALE } from '../viewport.js';

/** A clock the test moves by hand, with timers that fire as it passes them. */
function fakeClock() {
  let now = 0;
  /** @type {Array<{at: number, fn: () => void, id: number}>} */
  let timers = [];
  let next = 1;
  return {
    now: () => now,
    setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (/** @type {number} */ id) => {
      timers = timers.filter((t) => t.id !== id);
    },
    /** @param {number} ms */
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const t = timers[0];
        if (!t || t.at > end) break;
        timers.shift();
        now = t.at;
        t.fn();
      }
      now = end;
    },
  };
}

test('the throttle sends at once when quiet, at most once per interval, and always the last state', () => {
  const clock = fakeClock();
  /** @type {number[]} */
  const runs = [];
  let state = 0;
  const th = new Throttle(() => runs.push(state), 100, clock);
  state = 1;
  th.schedule();
  assert.deepEqual(runs, [1], 'leading edge');
  // A burst: 60 changes in 600 ms (a pan at 100 Hz).
  for (let i = 2; i <= 61; i++) {
    clock.advance(10);
    state = i;
    th.schedule();
  }
  clock.advance(200);
  assert.ok(runs.length <= 8, `at most ~one per 100 ms: ${runs.length} runs`);
  assert.equal(runs.at(-1), 61, 'the trailing run sends the last state');
  const spaced = runs.length;
  // Quiet again: the next change goes at once.
  clock.advance(500);
  state = 99;
  th.schedule();
  assert.equal(runs.length, spaced + 1);
  assert.equal(runs.at(-1), 99);
  // flush runs now, whatever the interval, and cancels a pending run.
  state = 100;
  th.schedule();
  th.flush();
  clock.advance(1000);
  assert.deepEqual(runs.slice(-2), [99, 100]);
});

test('views: the rectangle a view shows, and the message within the contract', () => {
  assert.deepEqual(viewRect({ x: 10, y: -20, scale: 2 }, 1280, 800), { x: 10, y: -20, w: 640, h: 400 });
  assert.deepEqual(viewMessage({ x: 1.23456, y: 2, w: 640.005, h: 400 }), { type: 'view', x: 1.23, y: 2, w: 640.01, h: 400 });
  assert.equal(viewMessage({ x: 2e7, y: 0, w: 10, h: 10 }), null, 'past the coordinate bound');
  assert.equal(viewMessage({ x: 0, y: 0, w: 0, h: 10 }), null, 'a screen of no size');
  assert.equal(viewMessage({ x: NaN, y: 0, w: 10, h: 10 }), null);
});

test('chat text is trimmed and cut at 140 code points; emoji are 1–8 code points', () => {
  assert.equal(chatText('  hello  '), 'hello');
  assert.equal(chatText('   '), '');
  const long = '😀'.repeat(150);
  assert.equal(Array.from(chatText(long)).length, 140, 'code points, not UTF-16 units');
  for (const r of REACTIONS) assert.ok(isEmoji(r.emoji), r.name);
  assert.ok(!isEmoji(''));
  assert.ok(!isEmoji('123456789'));
  assert.ok(!isEmoji(7));
});

test('readPresence keeps the well-formed entries of views, chat, reactions and summon', () => {
  const news = readPresence({
    type: 'presence',
    views: [['p1', 0, 0, 640, 400], ['p2', 0, 0, 0, 400], ['p3', 'x', 0, 1, 1], 'junk', [7, 0, 0, 1, 1], ['p4', 0, 0, 1, 2e7], ['p5', 0, 0, 1, 3e7]],
    chat: [['p1', 'hi'], ['p2', ''], ['p3', 42], ['p4', 'x'.repeat(500)]],
    reactions: [['p1', '🎉'], ['p2', 'not an emoji at all'], ['p3', '']],
    summon: 'p1',
    drafts: [['p1', null]],
  });
  assert.deepEqual(news.views, [['p1', { x: 0, y: 0, w: 640, h: 400 }], ['p4', { x: 0, y: 0, w: 1, h: 2e7 }]], 'sizes up to 2e7, as the server takes them');
  assert.deepEqual(news.chat.map(([id, t]) => [id, t.length]), [['p1', 2], ['p4', 140]]);
  assert.deepEqual(news.reactions, [['p1', '🎉']]);
  assert.equal(news.summon, 'p1');
  const empty = readPresence({ type: 'presence', views: 'no', chat: null, summon: 3 });
  assert.deepEqual(empty, { views: [], chat: [], reactions: [], summon: '' });
});

test('the event budget allows 5 in any 10 s, as the server does', () => {
  const b = new EventBudget(5, 10_000);
  for (let i = 0; i < 5; i++) assert.ok(b.take(i * 100), `event ${i + 1}`);
  assert.equal(b.take(600), false, 'the sixth within 10 s');
  assert.equal(b.wait(600), 10_000 - 600);
  assert.equal(b.take(9_999), false);
  assert.ok(b.take(10_000), 'the first has left the window');
  assert.equal(b.take(10_050), false);
  assert.equal(new EventBudget().take(0), true);
});

test('following fits the peer’s rectangle into one’s own screen, centred', () => {
  // The same screen: the same view.
  const same = fitRect({ x: 100, y: 50, w: 640, h: 400 }, 1280, 800);
  assert.deepEqual(same, { x: 100, y: 50, scale: 2 });
  // A phone following a desktop: all of the width shows, centred vertically.
  const phone = fitRect({ x: 0, y: 0, w: 1280, h: 800 }, 390, 844);
  assert.ok(Math.abs(phone.scale - 390 / 1280) < 1e-9);
  assert.ok(Math.abs(phone.x - 0) < 1e-9);
  const cy = phone.y + 844 / 2 / phone.scale;
  assert.ok(Math.abs(cy - 400) < 1e-9, 'centre kept');
  // Clamped to the viewport's scales.
  assert.equal(fitRect({ x: 0, y: 0, w: 1, h: 1 }, 1000, 1000).scale, MAX_SCALE);
  assert.equal(fitRect({ x: 0, y: 0, w: 1e7, h: 1e7 }, 1000, 1000).scale, MIN_SCALE);
});

test('the glide moves the centre straight and the scale by equal ratios', () => {
  const a = { x: 0, y: 0, scale: 1 };
  const b = { x: 1000, y: 500, scale: 4 };
  assert.deepEqual(betweenViews(a, b, 0, 800, 600), a);
  assert.deepEqual(betweenViews(a, b, 1, 800, 600), b);
  const mid = betweenViews(a, b, 0.5, 800, 600);
  assert.ok(Math.abs(mid.scale - 2) < 1e-9, 'half way in ratio: ×2 of ×4');
  const centre = (/** @type {{x: number, y: number, scale: number}} */ v) => [v.x + 400 / v.scale, v.y + 300 / v.scale];
  const [ax, ay] = centre(a);
  const [bx, by] = centre(b);
  const [mx, my] = centre(mid);
  assert.ok(Math.abs(mx - (ax + bx) / 2) < 1e-9 && Math.abs(my - (ay + by) / 2) < 1e-9, 'centre half way');
  assert.equal(easeOut(0), 0);
  assert.equal(easeOut(1), 1);
  assert.ok(easeOut(0.5) > 0.5, 'fast, then gentle');
  assert.equal(followingText('Alice'), 'Following Alice — Esc to stop');
});

test('the picker’s arrow keys go round, Home and End to the ends', () => {
  assert.equal(rovingIndex('ArrowRight', 0, 7), 1);
  assert.equal(rovingIndex('ArrowRight', 6, 7), 0);
  assert.equal(rovingIndex('ArrowLeft', 0, 7), 6);
  assert.equal(rovingIndex('ArrowDown', 2, 7), 3);
  assert.equal(rovingIndex('Home', 4, 7), 0);
  assert.equal(rovingIndex('End', 1, 7), 6);
  assert.equal(rovingIndex('Enter', 1, 7), -1);
});

test('a bubble beside a cursor near the edge stays on screen', () => {
  assert.equal(inside(100, 200, 1280), 100);
  assert.equal(inside(1200, 200, 1280), 1076, 'moved left under the cursor');
  assert.equal(inside(-50, 200, 1280), 4);
  assert.equal(inside(300, 500, 390), 4, 'wider than the screen: its start shows');
});

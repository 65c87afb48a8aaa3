// Unit tests of the version history's pure parts (versions.js), the
// relative times (when.js) and the recent-boards list (recent.js):
// node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forgetRecent, loadRecent, RECENT_KEY, RECENT_MAX, recordVisit, recordVisits, renameRecent } from '../recent.js';
import { applyOps } from '../sync.js';
import { absoluteTime, relativeTime, shortTime } from '../when.js';
import { historyURL, namesText, neededBlobs, parseVersionFile, parseVersions, restoreOps, sameElement, versionFilename, versionURL } from '../versions.js';

/**
 * @param {string} id
 * @param {Partial<import('../element.js').Element>} [fields]
 * @returns {import('../element.js').Element}
 */
function rect(id, fields = {}) {
  return { id, kind: 'rect', x: 0, y: 0, w: 10, h: 10, rot: 0, stroke: '#1e1e1e', fill: null, width: 2, z: 'a0', ...fields };
}

const SHA = 'a'.repeat(64);

test('routes of the history and of a version, from the edit or the view route', () => {
  assert.equal(historyURL('/b/abc'), '/b/abc/history');
  assert.equal(historyURL('/v/xyz/'), '/v/xyz/history');
  assert.equal(versionURL('/v/xyz', 'png', 42), '/v/xyz/export.png?seq=42');
});

test('parseVersions keeps well-formed entries, newest first', () => {
  const got = parseVersions({
    versions: [
      { seq: 3, at: '2024-05-01T10:00:00Z', by: ['Alice', ' Bob ', 'Alice', 7], elements: 2 },
      { seq: 9, at: '2024-05-01T11:00:00Z', by: [], elements: 0 },
      { seq: -1, at: 'x' },
      { seq: 5, at: 'garbage', by: 'Alice', elements: 'many' },
      null,
    ],
  });
  assert.deepEqual(
    got.map((v) => [v.seq, v.by, v.elements]),
    [
      [9, [], 0],
      [5, [], 0],
      [3, ['Alice', 'Bob'], 2],
    ],
  );
  assert.equal(got[2].at, Date.parse('2024-05-01T10:00:00Z'));
  assert.ok(Number.isNaN(got[1].at));
  assert.deepEqual(parseVersions({}), []);
  assert.deepEqual(parseVersions(null), []);
});

test('parseVersionFile reads Easel JSON, drops what cannot be drawn and bad files', () => {
  const f = parseVersionFile({
    format: 'easel',
    version: 1,
    title: 'Plan',
    seq: 12,
    elements: [rect('a'), { id: 'b', kind: 'nonsense' }, { id: 'i', kind: 'image', x: 0, y: 0, w: 5, h: 5, src: `blob:${SHA}`, z: 'a1' }],
    files: { [SHA]: { mime: 'image/png', data: 'AAAA' }, nothex: { mime: 'image/png', data: 'AAAA' } },
  });
  assert.ok(f);
  assert.equal(f.title, 'Plan');
  assert.equal(f.seq, 12);
  assert.deepEqual(
    f.elements.map((e) => e.id),
    ['a', 'i'],
  );
  assert.deepEqual(Object.keys(f.files), [SHA]);
  assert.equal(parseVersionFile({ type: 'excalidraw', elements: [] }), null);
  assert.equal(parseVersionFile('nope'), null);
});

test('sameElement ignores key order and undefined fields', () => {
  const a = rect('a', { text: undefined });
  const b = /** @type {any} */ ({ z: 'a0', width: 2, fill: null, stroke: '#1e1e1e', rot: 0, h: 10, w: 10, y: 0, x: 0, kind: 'rect', id: 'a' });
  assert.ok(sameElement(a, b));
  assert.ok(!sameElement(a, rect('a', { x: 1 })));
  assert.ok(!sameElement(rect('s', { points: [[0, 0], [1, 1]] }), rect('s', { points: [[0, 0], [1, 2]] })));
});

test('restoreOps turns the board into the version: puts of what differs or is missing, dels of the rest, the title', () => {
  const current = [rect('same'), rect('moved', { x: 50 }), rect('extra')];
  const target = [rect('same'), rect('moved', { x: 5 }), rect('gone', { z: 'a1' })];
  const ops = restoreOps(current, target, 'Now', 'Then');
  assert.deepEqual(ops, [
    { op: 'title', title: 'Then' },
    { op: 'put', el: rect('moved', { x: 5 }) },
    { op: 'put', el: rect('gone', { z: 'a1' }) },
    { op: 'del', id: 'extra' },
  ]);
  // Applied to the board, the ops give exactly the version.
  const map = new Map(current.map((e) => [e.id, e]));
  const title = applyOps(map, ops, 'Now', new Set());
  assert.equal(title, 'Then');
  assert.deepEqual([...map.values()].sort((a, b) => a.id.localeCompare(b.id)), [...target].sort((a, b) => a.id.localeCompare(b.id)));
});

test('restoreOps: nothing to do when the board is the version; an empty version deletes everything; no title op for an untitled version', () => {
  assert.deepEqual(restoreOps([rect('a')], [rect('a')], 'T', 'T'), []);
  assert.deepEqual(restoreOps([rect('a'), rect('b')], [], 'T', ''), [
    { op: 'del', id: 'a' },
    { op: 'del', id: 'b' },
  ]);
  // An erased board gets everything back.
  assert.deepEqual(restoreOps([], [rect('a'), rect('b')], 'T', 'T'), [
    { op: 'put', el: rect('a') },
    { op: 'put', el: rect('b') },
  ]);
});

test('neededBlobs lists the images a restore puts whose bytes the file carries', () => {
  const img = /** @type {any} */ ({ id: 'i', kind: 'image', src: `blob:${SHA}` });
  const other = /** @type {any} */ ({ id: 'j', kind: 'image', src: `blob:${'b'.repeat(64)}` });
  const ops = /** @type {any[]} */ ([{ op: 'put', el: img }, { op: 'put', el: { ...img, id: 'k' } }, { op: 'put', el: other }, { op: 'del', id: 'x' }]);
  assert.deepEqual(neededBlobs(ops, { [SHA]: { mime: 'image/png', data: '' } }), [SHA]);
});

test('namesText and versionFilename', () => {
  assert.equal(namesText([]), '—');
  assert.equal(namesText(['Alice']), 'Alice');
  assert.equal(namesText(['Alice', 'Bob']), 'Alice and Bob');
  assert.equal(namesText(['A', 'B', 'C']), 'A, B and C');
  assert.equal(namesText(['A', 'B', 'C', 'D', 'E']), 'A, B and 3 others');
  assert.equal(versionFilename('Q3: plan/draft', 7, 'png'), 'Q3 plan draft (version 7).png');
  assert.equal(versionFilename('', 1, 'json'), 'Untitled board (version 1).json');
});

test('relativeTime: recent times relative, then calendar days, then the date', () => {
  const now = new Date(2024, 4, 10, 15, 0, 0).getTime();
  const min = 60_000;
  assert.equal(relativeTime(now - 10_000, now), 'just now');
  assert.equal(relativeTime(now + 5000, now), 'just now');
  assert.equal(relativeTime(now - 60_000, now), '1 min ago');
  assert.equal(relativeTime(now - 5 * min, now), '5 min ago');
  assert.equal(relativeTime(now - 59 * min, now), '59 min ago');
  assert.equal(relativeTime(now - 3 * 60 * min, now), '3 h ago');
  assert.equal(relativeTime(new Date(2024, 4, 9, 9, 0).getTime(), now), 'yesterday');
  assert.equal(relativeTime(new Date(2024, 4, 6, 9, 0).getTime(), now), '4 days ago');
  assert.equal(relativeTime(new Date(2024, 2, 12, 9, 0).getTime(), now, 'en-GB'), '12 Mar');
  assert.equal(relativeTime(new Date(2023, 2, 12, 9, 0).getTime(), now, 'en-GB'), '12 Mar 2023');
  assert.equal(relativeTime(NaN, now), '');
  assert.match(absoluteTime(now, 'en-GB'), /10 May 2024.*15:00/);
  assert.equal(shortTime(now - 30 * min, now, 'en-GB'), '14:30');
  assert.equal(shortTime(new Date(2024, 4, 9, 9, 5).getTime(), now, 'en-GB'), '9 May, 9:05');
  assert.equal(shortTime(new Date(2023, 4, 9, 9, 5).getTime(), now, 'en-GB'), '9 May 2023, 9:05');
});

/** A Storage over a Map. */
function memory() {
  const m = new Map();
  return { getItem: (/** @type {string} */ k) => m.get(k) ?? null, setItem: (/** @type {string} */ k, /** @type {string} */ v) => void m.set(k, v), m };
}

test('recent boards: newest first, one entry per board, the edit link kept over the view link', () => {
  const s = memory();
  recordVisit(s, { viewId: 'v1', url: '/b/e1', title: 'One' }, 1000);
  recordVisit(s, { viewId: 'v2', url: '/v/v2', title: 'Two' }, 2000);
  assert.deepEqual(
    loadRecent(s).map((e) => [e.viewId, e.url, e.role, e.title]),
    [
      ['v2', '/v/v2', 'view', 'Two'],
      ['v1', '/b/e1', 'edit', 'One'],
    ],
  );
  // The view link of a board held with its edit link: still the edit link, on top.
  recordVisit(s, { viewId: 'v1', url: '/v/v1', title: 'One!' }, 3000);
  assert.deepEqual(loadRecent(s)[0], { viewId: 'v1', url: '/b/e1', role: 'edit', title: 'One!', at: 3000 });
  // The edit link of a board held with its view link replaces it.
  recordVisit(s, { viewId: 'v2', url: '/b/e2', title: 'Two' }, 4000);
  assert.equal(loadRecent(s)[0].url, '/b/e2');
  assert.equal(loadRecent(s).length, 2);
  renameRecent(s, 'v1', 'Renamed');
  assert.deepEqual(
    loadRecent(s).map((e) => [e.viewId, e.title, e.at]),
    [
      ['v2', 'Two', 4000],
      ['v1', 'Renamed', 3000],
    ],
  );
  assert.deepEqual(
    forgetRecent(s, 'v2').map((e) => e.viewId),
    ['v1'],
  );
  assert.deepEqual(
    loadRecent(s).map((e) => e.viewId),
    ['v1'],
  );
});

test('recent boards: bounded, malformed storage ignored, bad routes refused', () => {
  const s = memory();
  for (let i = 0; i < RECENT_MAX + 10; i++) recordVisit(s, { viewId: `v${i}`, url: `/v/v${i}`, title: '' }, i);
  const list = loadRecent(s);
  assert.equal(list.length, RECENT_MAX);
  assert.equal(list[0].viewId, `v${RECENT_MAX + 9}`);
  recordVisit(s, { viewId: 'x', url: 'javascript:alert(1)', title: '' }, 1e9);
  assert.ok(!loadRecent(s).some((e) => e.viewId === 'x'));
  s.setItem(RECENT_KEY, '{not json');
  assert.deepEqual(loadRecent(s), []);
  s.setItem(RECENT_KEY, JSON.stringify([{ viewId: 'a', url: 'https://evil.example/b/1', at: 1 }, { viewId: 'b', url: '/v/b', at: 2, title: 5 }]));
  assert.deepEqual(loadRecent(s), [{ viewId: 'b', url: '/v/b', role: 'view', title: '', at: 2 }]);
  assert.deepEqual(loadRecent(null), []);
});

test('recordVisits: the visit once the board is held, renames after, nothing before', () => {
  const s = memory();
  /** @type {Array<() => void>} */
  const fns = [];
  const sync = { hasState: false, title: '', onChange: (/** @type {() => void} */ fn) => void fns.push(fn) };
  const change = () => fns.forEach((fn) => fn());
  let t = 100;
  recordVisits({ storage: s, viewId: 'v9', url: '/v/v9', sync, now: () => t });
  change();
  assert.deepEqual(loadRecent(s), []);
  sync.hasState = true;
  sync.title = 'Sketch';
  change();
  assert.deepEqual(loadRecent(s), [{ viewId: 'v9', url: '/v/v9', role: 'view', title: 'Sketch', at: 100 }]);
  t = 200;
  sync.title = 'Final sketch';
  change();
  change();
  assert.deepEqual(loadRecent(s), [{ viewId: 'v9', url: '/v/v9', role: 'view', title: 'Final sketch', at: 100 }]);
});

// Unit tests of embedding: where an embedded page may post its messages to
// the host (embedded.js), what it tells the host and when, and the
// <iframe> snippets of the share menu (embedshare.js), and the embed's
// first view (embedview.js):
// node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allowedOrigins, HostReport, SEQ_INTERVAL_MS, targetOrigins } from '../embedded.js';
import { embedURL, escapeHTML, iframeSnippet } from '../embedshare.js';
import { fitOnFirstState } from '../embedview.js';

test('allowed origins: written as browsers write an origin, anything else left out', () => {
  assert.deepEqual(allowedOrigins(''), []);
  assert.deepEqual(allowedOrigins('   '), []);
  assert.deepEqual(allowedOrigins('https://wiki.example.com http://localhost:9999'), ['https://wiki.example.com', 'http://localhost:9999']);
  // Case, a default port, a trailing slash and repeats: one origin each.
  assert.deepEqual(allowedOrigins('HTTPS://Wiki.Example.com:443/ https://wiki.example.com'), ['https://wiki.example.com']);
  // Never a wildcard, "null" or another scheme.
  assert.deepEqual(allowedOrigins('* null file:///x javascript:alert(1) ftp://a.example https://ok.example'), ['https://ok.example']);
});

test('target origins: the allowed parent only, each allowed origin where the parent is unknown, never "*"', () => {
  const allowed = ['https://wiki.example.com', 'http://localhost:9999'];
  const cases = [
    { name: 'no allowed origin: nothing, whoever the parent is', allowed: [], ancestors: ['https://wiki.example.com'], want: [] },
    { name: 'no allowed origin, no ancestorOrigins API', allowed: [], ancestors: undefined, want: [] },
    { name: 'the parent is allowed: it alone', allowed, ancestors: ['http://localhost:9999', 'https://top.example'], want: ['http://localhost:9999'] },
    { name: 'the parent is not allowed: nothing', allowed, ancestors: ['https://evil.example'], want: [] },
    { name: 'an allowed grandparent does not make the parent allowed', allowed, ancestors: ['https://evil.example', 'https://wiki.example.com'], want: [] },
    { name: 'no ancestorOrigins API (Firefox): each allowed origin', allowed, ancestors: undefined, want: allowed },
    { name: 'ancestorOrigins null', allowed, ancestors: null, want: allowed },
    { name: 'the parent hidden by a no-referrer frame: each allowed origin', allowed, ancestors: ['null'], want: allowed },
    { name: 'an empty list (not framed): each allowed origin', allowed, ancestors: [], want: allowed },
  ];
  for (const c of cases) {
    const got = targetOrigins(c.allowed, c.ancestors);
    assert.deepEqual(got, c.want, c.name);
    assert.ok(!got.includes('*'), `${c.name}: never "*"`);
  }
  // The caller's list is not handed out to be changed.
  assert.notEqual(targetOrigins(allowed, undefined), allowed);
});

/** A clock the test moves by hand, for the report's throttle. */
function manualClock() {
  let now = 0;
  /** @type {Map<number, {at: number, fn: () => void}>} */
  const timers = new Map();
  let next = 1;
  return {
    now: () => now,
    setTimeout: (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
      timers.set(next, { at: now + ms, fn });
      return next++;
    },
    clearTimeout: (/** @type {number} */ id) => void timers.delete(id),
    /** @param {number} ms */
    advance(ms) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at > now) continue;
        timers.delete(id);
        t.fn();
      }
    },
  };
}

test('the host hears easel.ready once the board has a state, then its seq, bursts coalesced and the latest last', () => {
  const clock = manualClock();
  /** @type {Array<{type: string, seq?: number}>} */
  const posted = [];
  const report = new HostReport((msg) => posted.push(msg), clock);

  // Before the first welcome's state nothing is said.
  report.update(false, 0);
  assert.deepEqual(posted, []);

  // The welcome: ready, then the board's seq at once.
  report.update(true, 7);
  assert.deepEqual(posted, [{ type: 'easel.ready' }, { type: 'easel.seq', seq: 7 }]);

  // A burst of ops, 5 ms apart: at most one message per interval, the last seq last.
  for (let seq = 8; seq <= 57; seq++) {
    clock.advance(5);
    report.update(true, seq);
  }
  clock.advance(SEQ_INTERVAL_MS);
  const seqs = posted.slice(2).map((m) => m.seq);
  assert.ok(seqs.length <= Math.ceil((50 * 5) / SEQ_INTERVAL_MS) + 1, `coalesced: ${seqs.length} messages for 50 ops`);
  assert.equal(seqs.at(-1), 57, 'the latest seq is always told');
  assert.deepEqual([...seqs].sort((a, b) => (a ?? 0) - (b ?? 0)), seqs, 'in order');
  assert.ok(posted.every((m) => m.type === 'easel.seq' || m === posted[0]), 'ready is said once');

  // The same seq again (a reconnect's welcome that recovered): nothing new.
  const told = posted.length;
  clock.advance(1000);
  report.update(true, 57);
  clock.advance(1000);
  assert.equal(posted.length, told);

  // A quiet board's next change goes at once.
  report.update(true, 58);
  assert.deepEqual(posted.at(-1), { type: 'easel.seq', seq: 58 });

  // A board that starts over lower (a new epoch) is told too.
  clock.advance(1000);
  report.update(true, 3);
  assert.deepEqual(posted.at(-1), { type: 'easel.seq', seq: 3 });
  assert.equal(posted.filter((m) => m.type === 'easel.ready').length, 1);
});

test('embed URLs and <iframe> snippets: absolute, ?embed=1, the title escaped', () => {
  assert.equal(embedURL('/v/abc', 'http://127.0.0.1:8080'), 'http://127.0.0.1:8080/v/abc?embed=1');
  assert.equal(embedURL('/b/xyz', 'https://easel.example.com'), 'https://easel.example.com/b/xyz?embed=1');
  assert.equal(escapeHTML(`<a href="x">Tom & Jerry's</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');

  assert.equal(
    iframeSnippet('https://easel.example.com/v/abc?embed=1', 'Roadmap'),
    '<iframe src="https://easel.example.com/v/abc?embed=1" width="800" height="600" style="border:0" title="Roadmap — Easel" allow="clipboard-write"></iframe>',
  );
  const hostile = iframeSnippet('https://easel.example.com/v/abc?embed=1', '"><script>alert(1)</script>');
  assert.ok(!hostile.includes('<script>'), hostile);
  assert.ok(hostile.includes('title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; — Easel"'), hostile);
  assert.match(iframeSnippet('https://e.example/v/a?embed=1', '   '), /title="Untitled board — Easel"/);
});

test('an embed fits its drawing once: on the first welcome with a state, not on a reconnect', () => {
  /** @type {Array<() => void>} */
  const welcome = [];
  const sync = { hasState: false };
  let fits = 0;
  fitOnFirstState({ conn: { on: (type, fn) => type === 'welcome' && welcome.push(fn) }, sync, fit: () => fits++ });
  const welcomed = () => welcome.forEach((fn) => fn());
  welcomed();
  assert.equal(fits, 0, 'no state yet: nothing to fit');
  sync.hasState = true;
  welcomed();
  assert.equal(fits, 1, 'the first state is shown whole');
  welcomed();
  assert.equal(fits, 1, 'a reconnect keeps the reader\'s own view');
});

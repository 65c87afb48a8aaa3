// Unicode line breaking (linebreak.js) against the exports' segmenter:
// export/testdata/linebreaks.json holds the break opportunities
// github.com/go-text/typesetting finds in thousands of texts (written by
// cmd/gen-linebreak, kept current by its test), so the canvas wraps text
// where PNG, SVG and PDF do. node --test static/test/linebreak.test.js
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { breakAttributes, breakOpportunities, graphemes } from '../linebreak.js';

const fixture = JSON.parse(readFileSync(new URL('../../export/testdata/linebreaks.json', import.meta.url), 'utf8'));

test('every break opportunity matches the Go segmenter', () => {
  assert.ok(fixture.cases.length > 1000, `${fixture.cases.length} cases`);
  const wrong = [];
  for (const [text, want] of fixture.cases) {
    const cps = Array.from(text, (ch) => /** @type {number} */ (ch.codePointAt(0)));
    const at = breakAttributes(cps);
    const got = [];
    for (let i = 1; i < cps.length; i++) if (at[i]) got.push(i);
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${JSON.stringify(text)}: ${got}, want ${want}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} texts differ`);
});

/** A text cut at its break opportunities. */
function cut(/** @type {string} */ text) {
  const out = [];
  let from = 0;
  for (const at of breakOpportunities(text)) {
    out.push(text.slice(from, at));
    from = at;
  }
  return [...out, text.slice(from)];
}

test('the rules as documented', () => {
  assert.deepEqual(cut('Hello world'), ['Hello ', 'world']);
  assert.deepEqual(cut('日本語。'), ['日', '本', '語。']); // never before 。
  assert.deepEqual(cut('「引用」です'), ['「引', '用」', 'で', 'す']); // never after 「, before 」
  assert.deepEqual(cut('（测试）测'), ['（测', '试）', '测']);
  assert.deepEqual(cut('well-known'), ['well-', 'known']);
  assert.deepEqual(cut('ฉันกิน ข้าว'), ['ฉันกิน ', 'ข้าว']); // Thai: at spaces only
  assert.deepEqual(cut('a\u00a0b c'), ['a\u00a0b ', 'c']); // no break at a no-break space
  assert.deepEqual(cut('$5.00 100%'), ['$5.00 ', '100%']);
  assert.deepEqual(cut('👍🏽👍🏽'), ['👍🏽', '👍🏽']); // UTF-16 offsets, surrogate pairs whole
  assert.deepEqual(cut(''), ['']);
});

test('graphemes keep emoji sequences and combining marks whole', () => {
  assert.deepEqual(graphemes('e\u0301x'), ['e\u0301', 'x']);
  assert.deepEqual(graphemes('👩‍👩‍👧‍👦👍🏽'), ['👩‍👩‍👧‍👦', '👍🏽']);
  assert.deepEqual(graphemes('🇯🇵🇫🇷'), ['🇯🇵', '🇫🇷']);
  assert.deepEqual(graphemes('क्षत्रिय'), ['क्ष', 'त्रि', 'य']);
});

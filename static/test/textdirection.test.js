// The canvas orders a line's runs as the exports do: right to left when its
// first strong letter is Arabic/Hebrew (export/shaping.go baseDirection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRTL } from '../textlayout.js';

test('a line is RTL when its first strong letter is of an RTL script', () => {
  assert.equal(isRTL('مرحبا بالعالم'), true);
  assert.equal(isRTL('שלום world'), true);
  assert.equal(isRTL('123 ، مرحبا hello'), true, 'digits and punctuation are not strong');
  assert.equal(isRTL('hello مرحبا'), false);
  assert.equal(isRTL('日本語 مرحبا'), false, 'a CJK letter is a strong LTR letter');
  assert.equal(isRTL('😀 123'), false, 'no strong letter: LTR');
  assert.equal(isRTL(''), false);
});

// Unit tests of the pure parts of net.js: node --test static/test/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, closeProblem, helloMessage, isLoopbackHost, parseFrame, randomClientID, socketURL } from '../net.js';

test('parseFrame splits newline-delimited messages', () => {
  const frame = '{"type":"join","peer":{"id":"a"}}\n\n{"type":"leave","id":"a","extra":1}\n';
  assert.deepEqual(parseFrame(frame), [
    { type: 'join', peer: { id: 'a' } },
    { type: 'leave', id: 'a', extra: 1 },
  ]);
});

test('parseFrame skips what is not a typed object', () => {
  const quiet = console.warn;
  console.warn = () => {};
  try {
    const frame = ['not json', '[1,2]', 'null', '"str"', '{"no":"type"}', '{"type":7}', '{"type":"ok"}', '   '].join('\n');
    assert.deepEqual(parseFrame(frame), [{ type: 'ok' }]);
  } finally {
    console.warn = quiet;
  }
});

test('parseFrame tolerates CRLF', () => {
  assert.deepEqual(parseFrame('{"type":"a"}\r\n{"type":"b"}'), [{ type: 'a' }, { type: 'b' }]);
});

test('backoffDelay is full jitter under an exponential ceiling with a cap', () => {
  const opts = { base: 250, cap: 10_000 };
  for (const [attempt, ceiling] of [[0, 250], [1, 500], [2, 1000], [5, 8000], [6, 10_000], [50, 10_000]]) {
    assert.equal(backoffDelay(attempt, opts, () => 0), 0);
    const top = backoffDelay(attempt, opts, () => 0.999999);
    assert.ok(top < ceiling && top >= ceiling - 1, `attempt ${attempt}: ${top} vs ${ceiling}`);
  }
  for (let i = 0; i < 200; i++) {
    const d = backoffDelay(3, opts);
    assert.ok(d >= 0 && d < 2000, String(d));
  }
});

test('closeProblem names the refusals and nothing else', () => {
  assert.equal(closeProblem(1000, ''), '');
  assert.equal(closeProblem(1001, 'going away'), '');
  assert.equal(closeProblem(1006, ''), '');
  assert.equal(closeProblem(1008, 'no hello'), 'no hello (1008)');
  assert.match(closeProblem(1009, ''), /too big \(1009\)/);
  assert.match(closeProblem(1003, ''), /1003/);
  assert.match(closeProblem(1007, ''), /1007/);
});

test('isLoopbackHost', () => {
  for (const h of ['localhost', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) assert.ok(isLoopbackHost(h), h);
  for (const h of ['example.com', '10.0.0.1', '127.0.0.1.example.com', '[::2]']) assert.ok(!isLoopbackHost(h), h);
});

test('socketURL follows the page scheme and host', () => {
  assert.equal(socketURL('/b/x/ws', /** @type {any} */ ({ protocol: 'http:', host: 'h:8080' })), 'ws://h:8080/b/x/ws');
  assert.equal(socketURL('/v/y/ws', /** @type {any} */ ({ protocol: 'https:', host: 'h' })), 'wss://h/v/y/ws');
});

test('helloMessage carries since only with a confirmed state', () => {
  const id = { name: 'Ann', color: '#e03131' };
  assert.deepEqual(helloMessage(id), { type: 'hello', name: 'Ann', color: '#e03131' });
  assert.deepEqual(helloMessage(id, null), { type: 'hello', name: 'Ann', color: '#e03131' });
  assert.deepEqual(helloMessage(id, { epoch: 'E1', seq: 0 }), {
    type: 'hello',
    name: 'Ann',
    color: '#e03131',
    since: { epoch: 'E1', seq: 0 },
  });
  assert.equal('since' in helloMessage(id, { epoch: '', seq: 3 }), false);
  assert.equal('since' in helloMessage(id, { epoch: 'E', seq: -1 }), false);
});

test('randomClientID is 22 characters of base64url from the CSPRNG', () => {
  const a = randomClientID();
  const b = randomClientID();
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(a, b);
  // Every byte value maps into the alphabet (no +, / or padding).
  assert.equal(randomClientID((bytes) => bytes.fill(0xff)), '_____________________w');
  assert.equal(randomClientID((bytes) => bytes.fill(0xfb)), '-_v7-_v7-_v7-_v7-_v7-w');
});

test('helloMessage carries a valid client id, and only a valid one', () => {
  const id = { name: 'Ann', color: '#e03131' };
  const client = 'AbCdEfGhIjKlMnOpQrStUv';
  assert.deepEqual(helloMessage(id, null, client), { type: 'hello', name: 'Ann', color: '#e03131', client });
  assert.equal(helloMessage(id, { epoch: 'E1', seq: 2 }, client).client, client);
  for (const bad of ['', 'short', 'has spaces in it, long enough', 'x'.repeat(65)]) {
    assert.equal('client' in helloMessage(id, null, bad), false, bad);
  }
});

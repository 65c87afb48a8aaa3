// Unit tests of the carriers (carriers/): the event-stream reader, the
// HTTP session's events, the numbered sends, the SSE and long-polling
// carriers against a fake fetch, and the fallback's decisions with fake
// timers: node --test static/test/
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { EventStreamParser } from '../carriers/eventstream.js';
import { FallbackCarrier, OPEN_WITHIN_MS, forcedTransport } from '../carriers/fallback.js';
import { HTTPSender, RETRY_MS } from '../carriers/httpsend.js';
import { PollCarrier } from '../carriers/poll.js';
import { SessionEvents, base64ToBuffer, parseClose } from '../carriers/session.js';
import { SSECarrier } from '../carriers/sse.js';

/** Lets pending promise callbacks run (setImmediate is never faked here). */
const settle = async (rounds = 5) => {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Waits (really) until cond holds, for what runs on a real 0 ms timer.
 * @param {() => boolean} cond
 */
const until = async (cond) => {
  const deadline = Date.now() + 2000;
  while (!cond()) {
    assert.ok(Date.now() < deadline, 'timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/**
 * A fetch whose calls wait until the test answers them.
 * @returns {{fetch: typeof fetch, calls: {url: string, init: any, answer: (res: Response | Error) => void}[]}}
 */
function fakeFetch() {
  /** @type {{url: string, init: any, answer: (res: Response | Error) => void}[]} */
  const calls = [];
  const fetch = /** @type {any} */ (
    (/** @type {string} */ url, /** @type {any} */ init = {}) =>
      new Promise((resolve, reject) => {
        const call = { url, init, answer: (/** @type {any} */ res) => (res instanceof Error ? reject(res) : resolve(res)) };
        calls.push(call);
        init.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      })
  );
  return { fetch, calls };
}

/** A streamed response the test writes to. */
function streamed() {
  /** @type {ReadableStreamDefaultController<Uint8Array>} */
  let ctl;
  const body = new ReadableStream({ start: (c) => void (ctl = c) });
  const enc = new TextEncoder();
  return {
    res: new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } }),
    write: (/** @type {string} */ s) => ctl.enqueue(enc.encode(s)),
    end: () => ctl.close(),
    fail: () => ctl.error(new Error('network')),
  };
}

const json = (/** @type {any} */ v, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });
const status = (/** @type {number} */ n) => new Response(null, { status: n });

test('EventStreamParser: fields, comments, multi-line data, ids that carry over, any line end, any split', () => {
  const stream = ': hi\r\nid: 1\nevent: session\ndata: {"session":"t"}\n\nid: 2\ndata: {"type":"a"}\ndata: {"type":"b"}\r\n\r\ndata:x\n\n: beat\n\nid: 4\nevent: close\ndata: {"code":1013,"reason":"slow"}\r\r';
  const want = [
    { id: '1', event: 'session', data: '{"session":"t"}' },
    { id: '2', event: 'message', data: '{"type":"a"}\n{"type":"b"}' },
    { id: '2', event: 'message', data: 'x' },
    { id: '4', event: 'close', data: '{"code":1013,"reason":"slow"}' },
  ];
  for (let size = 1; size <= stream.length; size++) {
    /** @type {any[]} */
    const got = [];
    const p = new EventStreamParser((ev) => got.push(ev));
    for (let i = 0; i < stream.length; i += size) p.push(stream.slice(i, i + size));
    assert.deepEqual(got, want, `split every ${size}`);
  }
});

test('SessionEvents: the token, each number once, chunks as bytes, close once', () => {
  /** @type {any[]} */
  const seen = [];
  const ev = new SessionEvents({
    session: (t) => seen.push(['session', t]),
    text: (t) => seen.push(['text', t]),
    binary: (b) => seen.push(['binary', [...new Uint8Array(b)]]),
    close: (c, r) => seen.push(['close', c, r]),
  });
  ev.take(1, 'session', '{"session":"tok"}');
  ev.take(2, 'message', '{"type":"welcome"}');
  ev.take(2, 'message', '{"type":"welcome"}'); // fetched again after a lost response
  ev.take(1, 'session', '{"session":"other"}');
  ev.take(3, 'chunk', Buffer.from([1, 2, 250]).toString('base64'));
  ev.take(4, 'unknown', 'x');
  ev.take(5, 'close', '{"code":1009,"reason":"too big"}');
  ev.take(6, 'message', '{"type":"late"}');
  assert.deepEqual(seen, [
    ['session', 'tok'],
    ['text', '{"type":"welcome"}'],
    ['binary', [1, 2, 250]],
    ['close', 1009, 'too big'],
  ]);
  assert.equal(ev.token, 'tok');
  assert.equal(ev.last, 5);
  assert.deepEqual(parseClose('nonsense'), { code: 1006, reason: '' });
  assert.deepEqual([...new Uint8Array(base64ToBuffer('AAEC\n/w=='))], [0, 1, 2, 255]);
});

test('HTTPSender: X-Easel-Seq 1, 2, 3…, one request in flight, what waits goes in the next', async () => {
  const { fetch, calls } = fakeFetch();
  const s = new HTTPSender({ url: () => '/b/x/send?session=t', fail: () => assert.fail('no failure'), fetch });
  s.send('{"type":"hello"}', 'hello');
  s.send('{"type":"ops","ref":"r1"}', 'ops');
  s.send('{"type":"ops","ref":"r2"}', 'ops');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, '/b/x/send?session=t');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].init.headers['X-Easel-Seq'], '1');
  assert.match(calls[0].init.headers['Content-Type'], /^text\/plain/);
  assert.equal(calls[0].init.body, '{"type":"hello"}');
  assert.ok(s.buffered > 0);
  calls[0].answer(status(204));
  await settle();
  assert.equal(calls.length, 2);
  assert.equal(calls[1].init.headers['X-Easel-Seq'], '2');
  assert.equal(calls[1].init.body, '{"type":"ops","ref":"r1"}\n{"type":"ops","ref":"r2"}');
  calls[1].answer(status(204));
  await settle();
  assert.equal(s.buffered, 0);
  s.send('{"type":"ops","ref":"r3"}', 'ops');
  assert.equal(calls[2].init.headers['X-Easel-Seq'], '3');
});

test('HTTPSender: a failed request goes again with the same number and body; then it gives up', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { fetch, calls } = fakeFetch();
  /** @type {any[]} */
  const fails = [];
  const s = new HTTPSender({ url: () => '/s', fail: (c, r) => fails.push([c, r]), fetch });
  s.send('{"type":"a"}');
  calls[0].answer(new Error('network'));
  await settle();
  s.send('{"type":"b"}'); // arrives meanwhile: not in the retried body
  t.mock.timers.tick(RETRY_MS[0]);
  assert.equal(calls.length, 2);
  assert.equal(calls[1].init.headers['X-Easel-Seq'], '1');
  assert.equal(calls[1].init.body, '{"type":"a"}');
  calls[1].answer(status(502));
  await settle();
  t.mock.timers.tick(RETRY_MS[1]);
  assert.equal(calls[2].init.headers['X-Easel-Seq'], '1');
  calls[2].answer(status(204));
  await settle();
  assert.equal(calls[3].init.headers['X-Easel-Seq'], '2');
  assert.equal(calls[3].init.body, '{"type":"b"}');
  for (let i = 0; i <= RETRY_MS.length; i++) {
    calls[calls.length - 1].answer(new Error('network'));
    await settle();
    t.mock.timers.tick(RETRY_MS[i] ?? 0);
  }
  assert.deepEqual(fails, [[1006, '']]);
  assert.ok(calls.every((c, i) => i < 3 || c.init.headers['X-Easel-Seq'] === '2'));
});

test('HTTPSender: 410 ends the session, 413 ends it as 1009, 403 as 1008', async () => {
  for (const [code, want] of [[410, [1006, 'session gone']], [413, [1009, '']], [403, [1008, '']]]) {
    const { fetch, calls } = fakeFetch();
    /** @type {any[]} */
    const fails = [];
    const s = new HTTPSender({ url: () => '/s', fail: (c, r) => fails.push([c, r]), fetch });
    s.send('{"type":"a"}');
    calls[0].answer(status(/** @type {number} */ (code)));
    await settle();
    assert.deepEqual(fails, [want], String(code));
    assert.equal(s.send('{"type":"b"}'), false);
    assert.equal(calls.length, 1);
  }
});

test('HTTPSender: a queued cursor gives way to the newer one; bodies stay under the size limit', async () => {
  const { fetch, calls } = fakeFetch();
  const s = new HTTPSender({ url: () => '/s', fail: () => {}, fetch, maxBody: () => 40 });
  s.send('{"type":"hello"}', 'hello');
  s.send('{"type":"cursor","x":1,"y":1}', 'cursor');
  s.send('{"type":"chat","text":"hi"}', 'chat');
  s.send('{"type":"cursor","x":2,"y":2}', 'cursor');
  assert.deepEqual(
    s.queue.map((m) => m.text),
    ['{"type":"chat","text":"hi"}', '{"type":"cursor","x":2,"y":2}'],
  );
  calls[0].answer(status(204));
  await settle();
  // 27 + 1 + 29 bytes > 40: two requests.
  assert.equal(calls[1].init.body, '{"type":"chat","text":"hi"}');
  calls[1].answer(status(204));
  await settle();
  assert.equal(calls[2].init.body, '{"type":"cursor","x":2,"y":2}');
});

test('HTTPSender: the beacon carries what waits and bye, with seq in the query', () => {
  const { fetch } = fakeFetch();
  /** @type {any[]} */
  const beacons = [];
  const s = new HTTPSender({ url: () => '/b/x/send?session=t', fail: () => {}, fetch, beacon: (u, b) => beacons.push([u, b]) > 0 });
  s.send('{"type":"hello"}');
  s.send('{"type":"cursor","x":1,"y":1}', 'cursor');
  assert.equal(s.beacon('{"type":"bye"}'), true);
  assert.deepEqual(beacons, [['/b/x/send?session=t&seq=2', '{"type":"cursor","x":1,"y":1}\n{"type":"bye"}']]);
  assert.equal(s.send('{"type":"late"}'), false);
});

/**
 * Wires a carrier's callbacks into a log.
 * @param {any} c
 */
function record(c) {
  /** @type {any[]} */
  const log = [];
  c.onopen = () => log.push(['open']);
  c.ontext = (/** @type {string} */ t) => log.push(['text', t]);
  c.onbinary = (/** @type {ArrayBuffer} */ b) => log.push(['binary', b.byteLength]);
  c.onclose = (/** @type {number} */ code, /** @type {string} */ reason) => log.push(['close', code, reason]);
  return log;
}

test('SSECarrier: session, messages, chunks and close; sends after the session began', async () => {
  const { fetch, calls } = fakeFetch();
  const c = new SSECarrier('/b/x', { fetch });
  const log = record(c);
  c.start();
  assert.equal(calls[0].url, '/b/x/sse');
  assert.equal(calls[0].init.headers.Accept, 'text/event-stream');
  assert.equal(c.send('{"type":"early"}'), false);
  const s = streamed();
  calls[0].answer(s.res);
  s.write('id: 1\nevent: session\ndata: {"session":"a b"}\n\n');
  await settle();
  assert.deepEqual(log, [['open']]);
  assert.ok(c.send('{"type":"hello"}', 'hello'));
  assert.equal(calls[1].url, '/b/x/send?session=a%20b');
  s.write(`id: 2\ndata: {"type":"welcome"}\n\nid: 3\nevent: chunk\ndata: ${Buffer.alloc(30).toString('base64')}\n\n`);
  s.write('id: 4\nevent: close\ndata: {"code":1013,"reason":"too slow"}\n\n');
  await settle();
  assert.deepEqual(log, [['open'], ['text', '{"type":"welcome"}'], ['binary', 30], ['close', 1013, 'too slow']]);
  assert.equal(c.send('{"type":"x"}'), false);
});

test('SSECarrier: a dropped stream reattaches to its session after the last event; 410 ends it', async () => {
  const { fetch, calls } = fakeFetch();
  const c = new SSECarrier('/v/y', { fetch });
  const log = record(c);
  c.start();
  const s1 = streamed();
  calls[0].answer(s1.res);
  s1.write('id: 1\nevent: session\ndata: {"session":"tok"}\n\nid: 2\ndata: {"type":"welcome"}\n\n');
  await settle();
  s1.fail();
  await until(() => calls.length === 2);
  assert.equal(calls[1].url, '/v/y/sse?session=tok');
  assert.equal(calls[1].init.headers['Last-Event-ID'], '2');
  const s2 = streamed();
  calls[1].answer(s2.res);
  // The server resends from after 2; an old one again is not taken twice.
  s2.write('id: 2\ndata: {"type":"welcome"}\n\nid: 3\ndata: {"type":"join"}\n\n');
  await settle();
  s2.end();
  await until(() => calls.length === 3);
  assert.equal(calls[2].init.headers['Last-Event-ID'], '3');
  calls[2].answer(status(410));
  await settle();
  assert.deepEqual(log, [['open'], ['text', '{"type":"welcome"}'], ['text', '{"type":"join"}'], ['close', 1006, 'session gone']]);
});

test('SSECarrier: refused before its session began, it closes for the fallback; our close says bye', async () => {
  const { fetch, calls } = fakeFetch();
  const refused = new SSECarrier('/b/x', { fetch });
  const log = record(refused);
  refused.start();
  calls[0].answer(status(404));
  await settle();
  assert.deepEqual(log, [['close', 1006, '']]);

  const c = new SSECarrier('/b/x', { fetch });
  const log2 = record(c);
  c.start();
  const s = streamed();
  calls[1].answer(s.res);
  s.write('id: 1\nevent: session\ndata: {"session":"t"}\n\n');
  await settle();
  c.close(1000, 'reconnect');
  await settle();
  assert.equal(calls[2].url, '/b/x/send?session=t');
  assert.equal(calls[2].init.body, '{"type":"bye"}');
  assert.equal(calls[2].init.headers['X-Easel-Seq'], '1');
  assert.deepEqual(log2, [['open']], 'no close reported for our own close');
});

test('PollCarrier: opens with a poll, then polls after the last event; a lost answer is asked for again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { fetch, calls } = fakeFetch();
  const c = new PollCarrier('/b/x', { fetch });
  const log = record(c);
  c.start();
  assert.equal(calls[0].url, '/b/x/poll');
  calls[0].answer(json({ events: [{ n: 1, event: 'session', data: '{"session":"tok"}' }] }));
  await settle();
  assert.deepEqual(log, [['open']]);
  assert.equal(calls[1].url, '/b/x/poll?session=tok&after=1');
  calls[1].answer(json({ events: [{ n: 2, data: '{"type":"welcome"}' }, { n: 3, event: 'chunk', data: 'AAAA' }] }));
  await settle();
  assert.equal(calls[2].url, '/b/x/poll?session=tok&after=3');
  calls[2].answer(new Error('network'));
  await settle();
  t.mock.timers.tick(1000);
  await settle();
  assert.equal(calls[3].url, '/b/x/poll?session=tok&after=3', 'the same after again');
  calls[3].answer(json({ events: [] }));
  await settle();
  calls[4].answer(json({ events: [{ n: 4, event: 'close', data: '{"code":1002,"reason":"gap"}' }] }));
  await settle();
  assert.deepEqual(log, [['open'], ['text', '{"type":"welcome"}'], ['binary', 3], ['close', 1002, 'gap']]);
  assert.equal(calls.length, 5, 'no poll after the close event');
});

test('PollCarrier: 410 ends the session', async () => {
  const { fetch, calls } = fakeFetch();
  const c = new PollCarrier('/b/x', { fetch });
  const log = record(c);
  c.start();
  calls[0].answer(json({ events: [{ n: 1, event: 'session', data: '{"session":"tok"}' }] }));
  await settle();
  calls[1].answer(status(410));
  await settle();
  assert.deepEqual(log, [['open'], ['close', 1006, 'session gone']]);
});

/** Fake carriers the fallback creates, each controlled by the test. */
function fakeCarriers() {
  /** @type {any[]} */
  const made = [];
  const make = (/** @type {any} */ name) => {
    const c = {
      name,
      started: false,
      closed: /** @type {any} */ (null),
      isOpen: false,
      buffered: 0,
      sent: /** @type {string[]} */ ([]),
      start() {
        this.started = true;
      },
      send(/** @type {string} */ t) {
        this.sent.push(t);
        return true;
      },
      close(/** @type {number} */ code) {
        this.closed = code;
      },
      bye() {},
      onopen: () => {},
      ontext: (/** @type {string} */ _t) => {},
      onbinary: (/** @type {ArrayBuffer} */ _b) => {},
      onclose: (/** @type {number} */ _c, /** @type {string} */ _r) => {},
      open() {
        this.isOpen = true;
        this.onopen();
      },
    };
    made.push(c);
    return c;
  };
  return { made, make };
}

test('fallback: a socket closed before it opens → SSE at once; SSE silent for 5 s → long-polling', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { made, make } = fakeCarriers();
  const f = new FallbackCarrier(make);
  const log = record(f);
  /** @type {string[]} */
  const names = [];
  f.onchange = (n) => names.push(n);
  f.start();
  assert.equal(f.name, 'websocket');
  made[0].onclose(1006, '');
  assert.equal(f.name, 'sse');
  t.mock.timers.tick(OPEN_WITHIN_MS - 1);
  assert.equal(made.length, 2);
  t.mock.timers.tick(1);
  assert.equal(made[1].closed, 4000, 'the silent stream is closed');
  assert.equal(f.name, 'poll');
  made[1].onopen(); // too late: ignored
  assert.deepEqual(log, []);
  t.mock.timers.tick(60_000); // the last carrier has no deadline of the fallback's
  made[2].open();
  assert.deepEqual(log, [['open']]);
  assert.deepEqual(names, ['websocket', 'sse', 'poll']);
  assert.ok(f.send('{"type":"hello"}'));
  assert.deepEqual(made[2].sent, ['{"type":"hello"}']);
  made[2].ontext('{"type":"welcome"}');
  made[2].onclose(1013, 'slow');
  assert.deepEqual(log, [['open'], ['text', '{"type":"welcome"}'], ['close', 1013, 'slow']]);
});

test('fallback: a socket that does not open within 5 s → SSE; one that opens stays, and its close is the connection\'s', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { made, make } = fakeCarriers();
  const slow = new FallbackCarrier(make);
  slow.start();
  t.mock.timers.tick(OPEN_WITHIN_MS);
  assert.equal(made[0].closed, 4000);
  assert.equal(slow.name, 'sse');
  made[1].open();
  t.mock.timers.tick(OPEN_WITHIN_MS * 2);
  assert.equal(made.length, 2, 'an open carrier is kept');

  const ok = new FallbackCarrier(make);
  const log = record(ok);
  ok.start();
  made[2].open();
  t.mock.timers.tick(OPEN_WITHIN_MS * 2);
  made[2].onclose(1006, '');
  assert.deepEqual(log, [['open'], ['close', 1006, '']]);
  assert.equal(made.length, 3, 'no fallback after a socket that opened');
});

test('fallback: all refused → one close with the last reason; forced → only that one', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { made, make } = fakeCarriers();
  const f = new FallbackCarrier(make);
  const log = record(f);
  f.start();
  made[0].onclose(1006, '');
  made[1].onclose(1006, '');
  made[2].onclose(1008, '');
  assert.deepEqual(log, [['close', 1008, '']]);

  const forced = new FallbackCarrier(make, 'sse');
  const log2 = record(forced);
  forced.start();
  assert.equal(made[3].name, 'sse');
  t.mock.timers.tick(OPEN_WITHIN_MS * 3);
  assert.equal(made.length, 4, 'forced: no deadline, no fallback');
  made[3].onclose(1006, '');
  assert.deepEqual(log2, [['close', 1006, '']]);

  assert.equal(forcedTransport('?transport=poll'), 'poll');
  assert.equal(forcedTransport('?a=1&transport=sse'), 'sse');
  assert.equal(forcedTransport('?transport=websocket'), 'websocket');
  assert.equal(forcedTransport('?transport=carrier-pigeon'), '');
  assert.equal(forcedTransport(''), '');
});

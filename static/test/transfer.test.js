// Unit tests of the pure parts of downloads and imports (transfer.js,
// sha256.js, importer.js's helpers): node --test static/test/
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { importProblem, importResult, importURL } from '../importer.js';
import { sha256Bytes, sha256Hex } from '../sha256.js';
import {
  buildChunk,
  CHUNK_HEADER,
  clampScale,
  exportRequest,
  formatBytes,
  fraction,
  normalizeId,
  parseChunk,
  progressText,
  ReceiveBuffer,
  shouldAck,
  toHex,
  uuidFromBytes,
} from '../transfer.js';

const ID = '0f1e2d3c-4b5a-4697-8877-a1b2c3d4e5f6';

test('toHex is lower-case, two digits a byte, from buffers and views', () => {
  assert.equal(toHex(new Uint8Array([0, 1, 15, 16, 255])), '00010f10ff');
  assert.equal(toHex(new Uint8Array([0xab, 0xcd]).buffer), 'abcd');
  const big = new Uint8Array([9, 8, 7, 6, 5]);
  assert.equal(toHex(big.subarray(1, 3)), '0807');
  assert.equal(toHex(new Uint8Array(0)), '');
});

test('uuidFromBytes and normalizeId agree with the UUID text', () => {
  const bytes = Uint8Array.from(Buffer.from(ID.replaceAll('-', ''), 'hex'));
  assert.equal(uuidFromBytes(bytes), ID);
  assert.equal(normalizeId(ID.toUpperCase()), ID.replaceAll('-', ''));
  assert.equal(normalizeId(uuidFromBytes(bytes)), normalizeId(ID));
  assert.equal(normalizeId(42), '');
  assert.throws(() => uuidFromBytes(new Uint8Array(15)), RangeError);
});

test('parseChunk reads the id, the big-endian 64-bit offset and the payload', () => {
  const frame = new ArrayBuffer(CHUNK_HEADER + 3);
  const u8 = new Uint8Array(frame);
  u8.set(Buffer.from(ID.replaceAll('-', ''), 'hex'), 0);
  // offset 0x0000000100000203 = 4294967811, written byte by byte
  u8.set([0, 0, 0, 1, 0, 0, 2, 3], 16);
  u8.set([7, 8, 9], CHUNK_HEADER);
  const c = parseChunk(frame);
  assert.ok(c);
  assert.equal(c.id, normalizeId(ID));
  assert.equal(c.offset, 4294967811);
  assert.deepEqual([...c.payload], [7, 8, 9]);
  // A view, not a copy.
  assert.equal(c.payload.buffer, frame);
});

test('parseChunk refuses short frames and offsets past 2^53', () => {
  assert.equal(parseChunk(new ArrayBuffer(23)), null);
  assert.equal(parseChunk(/** @type {any} */ (new Uint8Array(40))), null);
  const frame = buildChunk(ID, 0, new Uint8Array(0));
  new DataView(frame).setBigUint64(16, 2n ** 60n, false);
  assert.equal(parseChunk(frame), null);
  const empty = parseChunk(buildChunk(ID, 12, new Uint8Array(0)));
  assert.equal(empty?.offset, 12);
  assert.equal(empty?.payload.length, 0);
});

test('buildChunk round-trips through parseChunk', () => {
  const payload = Uint8Array.from([1, 2, 3, 4]);
  const c = parseChunk(buildChunk(ID, 2 ** 40 + 5, payload));
  assert.equal(c?.offset, 2 ** 40 + 5);
  assert.equal(c?.id, normalizeId(ID));
  assert.deepEqual([...(c?.payload ?? [])], [1, 2, 3, 4]);
});

test('ReceiveBuffer tracks the contiguous prefix through in-order chunks', () => {
  const b = new ReceiveBuffer(10);
  assert.equal(b.contiguous, 0);
  assert.ok(b.write(0, Uint8Array.from([0, 1, 2, 3])));
  assert.equal(b.contiguous, 4);
  assert.ok(b.write(4, Uint8Array.from([4, 5, 6, 7])));
  assert.ok(!b.complete);
  assert.ok(b.write(8, Uint8Array.from([8, 9])));
  assert.ok(b.complete);
  assert.equal(b.received, 10);
  assert.deepEqual([...b.bytes], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('ReceiveBuffer counts repeated chunks once (a resume sends some again)', () => {
  const b = new ReceiveBuffer(8);
  b.write(0, Uint8Array.from([1, 1, 1, 1]));
  b.write(4, Uint8Array.from([2, 2]));
  // The resume restarts at 4 (our ack) although 6 had arrived.
  b.write(4, Uint8Array.from([2, 2, 3, 3]));
  assert.equal(b.contiguous, 8);
  assert.equal(b.received, 8);
  b.write(0, Uint8Array.from([1, 1]));
  assert.equal(b.contiguous, 8);
  assert.deepEqual([...b.bytes], [1, 1, 1, 1, 2, 2, 3, 3]);
});

test('ReceiveBuffer fills holes: ranges past the prefix join it when it reaches them', () => {
  const b = new ReceiveBuffer(20);
  b.write(10, new Uint8Array(5)); // [10,15)
  b.write(4, new Uint8Array(2)); // [4,6)
  b.write(15, new Uint8Array(2)); // adjacent: [10,17)
  assert.equal(b.contiguous, 0);
  assert.deepEqual(b.ranges, [[4, 6], [10, 17]]);
  assert.equal(b.received, 9);
  b.write(5, new Uint8Array(6)); // overlaps both: [4,17)
  assert.deepEqual(b.ranges, [[4, 17]]);
  b.write(0, new Uint8Array(4)); // the prefix reaches it
  assert.equal(b.contiguous, 17);
  assert.deepEqual(b.ranges, []);
  b.write(18, new Uint8Array(2));
  assert.equal(b.contiguous, 17);
  b.write(17, new Uint8Array(1));
  assert.ok(b.complete);
});

test('ReceiveBuffer refuses what does not fit, writing nothing', () => {
  const b = new ReceiveBuffer(4);
  assert.ok(!b.write(3, new Uint8Array(2)));
  assert.ok(!b.write(-1, new Uint8Array(1)));
  assert.ok(!b.write(0.5, new Uint8Array(1)));
  assert.equal(b.received, 0);
  assert.ok(b.write(4, new Uint8Array(0)));
  assert.throws(() => new ReceiveBuffer(-1), RangeError);
  assert.ok(new ReceiveBuffer(0).complete);
});

test('shouldAck: every quarter window, and at the end', () => {
  const window = 1024;
  assert.ok(!shouldAck(0, 0, window, 4096));
  assert.ok(!shouldAck(255, 0, window, 4096));
  assert.ok(shouldAck(256, 0, window, 4096));
  assert.ok(!shouldAck(400, 256, window, 4096));
  assert.ok(shouldAck(512, 256, window, 4096));
  assert.ok(shouldAck(4096, 4000, window, 4096), 'the last bytes are acknowledged');
  assert.ok(!shouldAck(4096, 4096, window, 4096), 'never twice');
  assert.ok(shouldAck(1, 0, 0, 10), 'an unknown window acknowledges everything');
  // Acking every quarter keeps the unacknowledged bytes under the window
  // whatever the chunk size (up to a quarter window).
  for (const chunk of [1, 100, 256]) {
    let acked = 0;
    let worst = 0;
    for (let got = chunk; got <= 8192; got += chunk) {
      worst = Math.max(worst, got - acked);
      if (shouldAck(got, acked, window, 8192)) acked = got;
    }
    assert.ok(worst < window, `chunk ${chunk}: ${worst} unacknowledged`);
  }
});

test('export requests carry a clamped scale only for png and pdf', () => {
  assert.deepEqual(exportRequest('r1', 'png', 4), { type: 'export', ref: 'r1', format: 'png', scale: 4 });
  assert.deepEqual(exportRequest('r1', 'pdf', 9), { type: 'export', ref: 'r1', format: 'pdf', scale: 4 });
  assert.deepEqual(exportRequest('r1', 'json', 3), { type: 'export', ref: 'r1', format: 'json' });
  assert.deepEqual(exportRequest('r1', 'svg'), { type: 'export', ref: 'r1', format: 'svg' });
  // The background: only when chosen, never for JSON.
  assert.deepEqual(exportRequest('r1', 'svg', 1, 'transparent'), { type: 'export', ref: 'r1', format: 'svg', background: 'transparent' });
  assert.deepEqual(exportRequest('r1', 'png', 2, '#121212'), { type: 'export', ref: 'r1', format: 'png', scale: 2, background: '#121212' });
  assert.deepEqual(exportRequest('r1', 'json', 1, 'transparent'), { type: 'export', ref: 'r1', format: 'json' });
  assert.deepEqual(exportRequest('r1', 'pdf', 1, ''), { type: 'export', ref: 'r1', format: 'pdf', scale: 1 });
  // Embedded fonts: SVG alone, and only when asked for.
  assert.deepEqual(exportRequest('r1', 'svg', 1, '', true), { type: 'export', ref: 'r1', format: 'svg', embedFonts: true });
  assert.deepEqual(exportRequest('r1', 'svg', 1, '', false), { type: 'export', ref: 'r1', format: 'svg' });
  assert.deepEqual(exportRequest('r1', 'png', 2, '', true), { type: 'export', ref: 'r1', format: 'png', scale: 2 });
  assert.deepEqual(exportRequest('r1', 'json', 1, '', true), { type: 'export', ref: 'r1', format: 'json' });
  assert.equal(clampScale('2'), 2);
  assert.equal(clampScale(0), 1);
  assert.equal(clampScale('x'), 1);
  assert.equal(clampScale(2.6), 3);
});

test('progress text and byte counts', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
  assert.equal(formatBytes(200 * 1024 * 1024), '200 MB');
  assert.equal(fraction(0, 0), 1);
  assert.equal(fraction(5, 10), 0.5);
  assert.equal(progressText(999, 1000), '99 % · 999 B of 1000 B');
  assert.equal(progressText(1000, 1000), '100 % · 1000 B of 1000 B');
});

test('sha256 matches node:crypto, with and without crypto.subtle', async () => {
  const lengths = [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65_537];
  for (const n of lengths) {
    const data = new Uint8Array(randomBytes(n));
    const want = createHash('sha256').update(data).digest('hex');
    assert.equal(toHex(sha256Bytes(data)), want, `fallback, ${n} bytes`);
    assert.equal(await sha256Hex(data, undefined), want, `no subtle, ${n} bytes`);
    assert.equal(await sha256Hex(data), want, `subtle, ${n} bytes`);
  }
  assert.equal(toHex(sha256Bytes(new TextEncoder().encode('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  // A view into a larger buffer hashes only its bytes.
  const buf = new Uint8Array(randomBytes(100));
  assert.equal(toHex(sha256Bytes(buf.subarray(10, 70))), createHash('sha256').update(buf.subarray(10, 70)).digest('hex'));
});

test('import answers: the server message, else one from the status', () => {
  assert.equal(importProblem(400, '{"error":"bad_request","message":"not an Excalidraw scene"}'), 'Import failed: not an Excalidraw scene');
  assert.equal(importProblem(413, '{"error":"too_large"}'), 'Import failed: too_large');
  assert.equal(importProblem(413, 'Request Entity Too Large'), 'Import failed: Request Entity Too Large');
  assert.match(importProblem(413, ''), /too large/);
  assert.match(importProblem(400, '<html><body>x</body></html>'), /not an Easel or Excalidraw/);
  assert.match(importProblem(429, ''), /too many/);
  assert.match(importProblem(502, '<html>'), /HTTP 502/);
  assert.deepEqual(importResult('{"seq":12,"added":3}'), { seq: 12, added: 3, ids: [], skipped: [] });
  assert.equal(importResult('{"seq":"12"}'), null);
  assert.equal(importResult('nope'), null);
});

test('importURL appends /import to the edit URL', () => {
  assert.equal(importURL('/b/abc', 'http://h:8080/b/abc'), 'http://h:8080/b/abc/import');
  assert.equal(importURL('/b/abc/', 'http://h/b/abc?x=1'), 'http://h/b/abc/import');
  assert.equal(importURL('https://other/b/abc', 'http://h/'), 'https://other/b/abc/import');
});

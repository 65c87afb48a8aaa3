// Unit tests of blobs.js: which files the page accepts before uploading
// (type by the first bytes, pixels by the header), the size an image lands
// at, and what a refusal says. node --test static/test/
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { test } from 'node:test';
import { blobsURL, fileProblem, filesOf, fitSize, headerSize, MAX_BLOB_BYTES, readFiles, sizeText, sniffImageType, uploadProblem, uploadResult } from '../blobs.js';
import { clipboardText, parseClipboardData } from '../clipboard.js';

/** @param {Array<number | ArrayLike<number>>} a */
const bytes = (...a) => Uint8Array.from(a.flatMap((x) => (typeof x === 'number' ? [x] : Array.from(x))));
/** @param {string} s */
const ascii = (s) => [...s].map((c) => c.charCodeAt(0));
/** @param {number} v */
const be32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
/** @param {number} v */
const le16 = (v) => [v & 255, (v >>> 8) & 255];
/** @param {number} v */
const be16 = (v) => [(v >>> 8) & 255, v & 255];

/** The start of a PNG of w×h: signature and IHDR. */
function pngHead(w, h) {
  return bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], be32(13), ascii('IHDR'), be32(w), be32(h), [8, 6, 0, 0, 0]);
}

test('the type comes from the first bytes, never the name', () => {
  assert.equal(sniffImageType(pngHead(1, 1)), 'image/png');
  assert.equal(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffImageType(bytes(ascii('GIF89a'))), 'image/gif');
  assert.equal(sniffImageType(bytes(ascii('GIF87a'))), 'image/gif');
  assert.equal(sniffImageType(bytes(ascii('RIFF'), [0, 0, 0, 0], ascii('WEBPVP8 '))), 'image/webp');
  // Not ours: SVG (script), BMP, a WAV (RIFF but not WebP), text, nothing.
  assert.equal(sniffImageType(bytes(ascii('<svg xmlns="http://www.w3.org/2000/svg">'))), '');
  assert.equal(sniffImageType(bytes(ascii('BM'), [0, 0, 0, 0])), '');
  assert.equal(sniffImageType(bytes(ascii('RIFF'), [0, 0, 0, 0], ascii('WAVEfmt '))), '');
  assert.equal(sniffImageType(bytes(ascii('{"type":"excalidraw"}'))), '');
  assert.equal(sniffImageType(new Uint8Array(0)), '');
});

test('the pixel size is read from each header without decoding', () => {
  assert.deepEqual(headerSize(pngHead(640, 480), 'image/png'), { width: 640, height: 480 });
  assert.deepEqual(headerSize(pngHead(100000, 100000), 'image/png'), { width: 100000, height: 100000 });
  assert.deepEqual(headerSize(bytes(ascii('GIF89a'), le16(320), le16(200)), 'image/gif'), { width: 320, height: 200 });
  // JPEG: APP0, a quantisation table, then the frame (SOF2, progressive) after them.
  const jpeg = bytes([0xff, 0xd8], [0xff, 0xe0], be16(16), ascii('JFIF'), new Array(10).fill(0), [0xff, 0xdb], be16(4), [0, 0], [0xff, 0xff], [0xff, 0xc2], be16(17), [8], be16(1080), be16(1920), new Array(10).fill(0));
  assert.deepEqual(headerSize(jpeg, 'image/jpeg'), { width: 1920, height: 1080 });
  assert.equal(headerSize(jpeg.subarray(0, 30), 'image/jpeg'), null, 'cut before the frame');
  // DHT (C4) looks like a frame marker and is not one.
  const dht = bytes([0xff, 0xd8], [0xff, 0xc4], be16(4), [0, 0], [0xff, 0xc0], be16(11), [8], be16(2), be16(3), [0, 0, 0, 0]);
  assert.deepEqual(headerSize(dht, 'image/jpeg'), { width: 3, height: 2 });
  const riff = (/** @type {string} */ chunk, /** @type {number[]} */ body) => bytes(ascii('RIFF'), [0, 0, 0, 0], ascii('WEBP'), ascii(chunk), [0, 0, 0, 0], body);
  // Lossy: a key frame's start code, then 14-bit sizes.
  assert.deepEqual(headerSize(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(800), ...le16(600)]), 'image/webp'), { width: 800, height: 600 });
  // Lossless: 0x2f, then width-1 and height-1 in 14 bits each.
  const wl = 1024 - 1;
  const hl = 768 - 1;
  const bits = wl | (hl << 14);
  assert.deepEqual(headerSize(riff('VP8L', [0x2f, bits & 255, (bits >>> 8) & 255, (bits >>> 16) & 255, (bits >>> 24) & 255]), 'image/webp'), { width: 1024, height: 768 });
  // Extended: 24-bit width-1 and height-1.
  assert.deepEqual(headerSize(riff('VP8X', [0, 0, 0, 0, 0x3f, 0x1f, 0, 0x0f, 0x27, 0]), 'image/webp'), { width: 8000, height: 10000 });
  assert.equal(headerSize(pngHead(1, 1).subarray(0, 20), 'image/png'), null);
});

test('the checks before an upload: size first, then type, then pixels', () => {
  const big = { name: 'huge.png', size: MAX_BLOB_BYTES + 1 };
  assert.match(fileProblem(big, 'image/png', { width: 10, height: 10 }), /huge\.png is too large to add \(8 MB; images may be up to 8 MB\)/);
  assert.equal(fileProblem({ name: 'a.png', size: MAX_BLOB_BYTES }, 'image/png', { width: 10, height: 10 }), '', 'exactly the limit is fine');
  assert.match(fileProblem({ name: 'x.svg', size: 100 }, '', null), /x\.svg is not an image Easel can add: use PNG, JPEG, WebP or GIF/);
  assert.match(fileProblem({ name: 'e.png', size: 0 }, '', null), /empty/);
  assert.match(fileProblem({ name: 'bomb.png', size: 1000 }, 'image/png', { width: 100000, height: 100000 }), /too many pixels.*10000 million/);
  assert.equal(fileProblem({ name: 'ok.gif', size: 1000 }, 'image/gif', { width: 8000, height: 5000 }), '', '40 Mpx is allowed');
  assert.equal(fileProblem({ name: 'j.jpg', size: 1000 }, 'image/jpeg', null), '', 'a header we could not read: the server decides');
});

test('a refusal says what happened and the server\'s reason', () => {
  assert.equal(uploadProblem('a.png', 413, '{"error":"too_large","message":"the image is 9.1 MiB, at most 8 MiB"}'), 'a.png is too large to add: the image is 9.1 MiB, at most 8 MiB');
  assert.equal(uploadProblem('a.png', 413, ''), 'a.png is too large to add (images may be up to 8 MB and 40 million pixels)');
  assert.equal(uploadProblem('a.jpg', 415, '{"error":"unsupported","message":"not a JPEG"}'), 'a.jpg is not an image Easel can add: not a JPEG');
  assert.equal(uploadProblem('a.png', 403, '{"error":"forbidden","message":"view links cannot upload"}'), 'a.png was not added: this link cannot add images to the board: view links cannot upload');
  assert.equal(uploadProblem('a.png', 0, ''), 'a.png was not added: the server could not be reached');
  assert.equal(uploadProblem('a.png', 500, '<html>oops</html>'), 'a.png was not added (HTTP 500)');
  assert.equal(uploadProblem('a.png', 429, ''), 'a.png was not added: too many uploads at once, try again in a moment');
});

test('the answer of an upload', () => {
  const sha = 'ab'.repeat(32);
  assert.deepEqual(uploadResult(JSON.stringify({ sha256: sha, mime: 'image/png', size: 10, width: 3, height: 4 })), { sha256: sha, mime: 'image/png', size: 10, width: 3, height: 4 });
  assert.equal(uploadResult('{"sha256":"nope"}'), null);
  assert.equal(uploadResult('not json'), null);
});

test('an image lands at its natural size, scaled down to fit the view, never up', () => {
  assert.deepEqual(fitSize(400, 300, 1280, 800), { w: 400, h: 300 });
  // 80 % of the view at most, proportions kept.
  assert.deepEqual(fitSize(3000, 1000, 1280, 800), { w: 1024, h: 341.33 });
  assert.deepEqual(fitSize(1000, 3000, 1280, 800), { w: 213.33, h: 640 });
  // Zoomed out (a bigger view in board units): larger images fit whole.
  assert.deepEqual(fitSize(2000, 1000, 2560, 1600), { w: 2000, h: 1000 });
  assert.deepEqual(fitSize(0, 0, 1280, 800), { w: 1, h: 1 });
});

test('blob routes and sizes for people', () => {
  assert.equal(blobsURL('/b/abc', 'http://h:1/b/abc?x=1'), 'http://h:1/b/abc/blobs');
  assert.equal(blobsURL('/v/xyz/', 'http://h:1/v/xyz'), 'http://h:1/v/xyz/blobs');
  assert.equal(sizeText(512), '512 bytes');
  assert.equal(sizeText(20 * 1024), '20 KB');
  assert.equal(sizeText(3.25 * 1024 * 1024), '3.3 MB');
  assert.equal(sizeText(8 * 1024 * 1024), '8 MB');
  assert.equal(sizeText(12 * 1024 * 1024), '12 MB');
});

test('a real PNG made here reads back', () => {
  // A 3×2 RGBA PNG, as an encoder writes it: the header is what counts.
  const raw = new Uint8Array(2 * (1 + 3 * 4));
  const png = bytes(pngHead(3, 2), [0, 0, 0, 0], be32(0), ascii('IDAT'), [...deflateSync(raw)]);
  assert.equal(sniffImageType(png), 'image/png');
  assert.deepEqual(headerSize(png, 'image/png'), { width: 3, height: 2 });
});

test('copied images carry their bytes as the JSON formats do, and only valid ones are read back', () => {
  const sha = 'cd'.repeat(32);
  const other = 'ef'.repeat(32);
  const bytes = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
  const els = [
    { kind: 'image', src: `blob:${sha}` },
    { kind: 'image', src: `blob:${sha}` },
    { kind: 'image', src: `blob:${other}` },
    { kind: 'rect' },
  ];
  const files = filesOf(els, (s) => (s === sha ? { type: 'image/png', bytes } : null));
  assert.deepEqual(Object.keys(files), [sha], 'once per blob, only those held');
  assert.equal(files[sha].mime, 'image/png');
  assert.deepEqual(readFiles(files), { [sha]: { mime: 'image/png', data: bytes } });
  // From outside: bad keys, types, data are left out.
  assert.deepEqual(
    readFiles({ nope: files[sha], [other]: { mime: 'image/svg+xml', data: files[sha].data }, ['ab'.repeat(32)]: { mime: 'image/png', data: '!!' } }),
    {},
  );
  assert.deepEqual(readFiles(null), {});
  assert.deepEqual(readFiles([1]), {});
  const text = clipboardText([], files);
  assert.deepEqual(parseClipboardData(text)?.files, { [sha]: { mime: 'image/png', data: bytes } });
  assert.equal(JSON.parse(clipboardText([])).files, undefined, 'no files key without images');
});

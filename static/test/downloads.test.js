// Unit tests of the download state machine (downloads.js) against a fake
// socket and a minimal fake DOM: node --test static/test/
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

/** Just enough of an element for downloads.js. */
class FakeElement {
  /** @param {string} tag */
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.className = '';
    this.textContent = '';
    this.title = '';
    this.type = '';
    this.hidden = false;
    this.max = 1;
    /** @type {Record<string, string>} */
    this.dataset = {};
    /** @type {Record<string, string>} */
    this.attributes = {};
    /** @type {FakeElement[]} */
    this.children = [];
    /** @type {FakeElement | null} */
    this.parent = null;
    /** @type {Record<string, Array<() => void>>} */
    this.listeners = {};
    this._value = undefined;
  }

  get value() {
    return this._value;
  }

  set value(v) {
    this._value = v;
    this.attributes.value = String(v);
  }

  get childElementCount() {
    return this.children.length;
  }

  /** @param {...FakeElement} els */
  append(...els) {
    for (const el of els) {
      el.parent = this;
      this.children.push(el);
    }
  }

  remove() {
    if (!this.parent) return;
    this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = null;
  }

  /** @param {string} k @param {string} v */
  setAttribute(k, v) {
    this.attributes[k] = v;
  }

  /** @param {string} k */
  removeAttribute(k) {
    delete this.attributes[k];
    if (k === 'value') this._value = undefined;
  }

  /** @param {string} type @param {() => void} fn */
  addEventListener(type, fn) {
    (this.listeners[type] ??= []).push(fn);
  }

  /** @param {string} type */
  fire(type) {
    for (const fn of this.listeners[type] ?? []) fn();
  }

  /**
   * Depth-first search by data-testid.
   * @param {string} testid
   * @returns {FakeElement | undefined}
   */
  find(testid) {
    if (this.dataset.testid === testid) return this;
    for (const c of this.children) {
      const hit = c.find(testid);
      if (hit) return hit;
    }
    return undefined;
  }
}

// The globals downloads.js touches.
/** @type {any} */ (globalThis).document = { createElement: (/** @type {string} */ tag) => new FakeElement(tag) };
/** @type {any} */ (globalThis).requestAnimationFrame = (/** @type {() => void} */ fn) => setTimeout(fn, 0);

const { Downloads } = await import('../downloads.js');
const { buildChunk } = await import('../transfer.js');

const ID = '6f9619ff-8b86-4d01-b42d-00c04fc964ff';
const OTHER = '0d0c0b0a-0908-4706-8504-030201000000';

/** @param {number} n */
function fileOf(n) {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

/** @param {Uint8Array} bytes */
function hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A Downloads with a recording socket and save. */
function harness() {
  const list = new FakeElement('ul');
  /** @type {any[]} */
  const sent = [];
  /** @type {any[]} */
  const saved = [];
  let open = true;
  let n = 0;
  const downloads = new Downloads(/** @type {any} */ (list), {
    send: (msg) => {
      if (!open) return false;
      sent.push(msg);
      return true;
    },
    newRef: () => `c1-x${++n}`,
    save: (file) => saved.push(file),
  });
  downloads.welcome();
  return {
    list,
    sent,
    saved,
    downloads,
    /** @param {boolean} v */
    setOpen(v) {
      open = v;
    },
    /** @param {string} type */
    ofType(type) {
      return sent.filter((m) => m.type === type);
    },
  };
}

/**
 * @param {string} id
 * @param {Uint8Array} file
 * @param {{ref?: string, window?: number, chunk?: number, sha?: string}} [o]
 */
function meta(id, file, o = {}) {
  return {
    type: 'export.meta',
    ref: o.ref ?? 'c1-x1',
    id,
    format: 'json',
    mime: 'application/json',
    filename: 'board-3.json',
    size: file.length,
    sha256: o.sha ?? hex(file),
    seq: 3,
    chunk: o.chunk ?? 64,
    window: o.window ?? 256,
    expires: '2030-01-01T00:00:00Z',
  };
}

/**
 * Feeds chunks of file from `from` to `to`.
 * @param {any} downloads
 * @param {string} id
 * @param {Uint8Array} file
 * @param {number} from
 * @param {number} to
 * @param {number} [chunk]
 */
function feed(downloads, id, file, from, to, chunk = 64) {
  for (let at = from; at < to; at += chunk) downloads.chunk(buildChunk(id, at, file.subarray(at, Math.min(to, at + chunk))));
}

/** Lets the hashing (a promise) finish. */
async function settle() {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

test('a download: request, chunks, acks every quarter window and at the end, verified and saved', async () => {
  const h = harness();
  const d = h.downloads.start('json');
  assert.deepEqual(h.sent, [{ type: 'export', ref: 'c1-x1', format: 'json' }]);
  assert.equal(h.list.find('export-progress'), undefined, 'no progress hook before export.meta');

  const file = fileOf(1000);
  h.downloads.meta(meta(ID, file, { window: 1024 }));
  const bar = /** @type {FakeElement} */ (h.list.find('export-progress'));
  assert.equal(bar.dataset.transferId, ID);
  assert.equal(bar.value, 0);

  feed(h.downloads, ID, file, 0, 1000);
  assert.deepEqual(
    h.ofType('export.ack').map((m) => m.offset),
    [256, 512, 768, 1000],
    'every 256 B (a quarter of the window) and at the end',
  );
  assert.equal(d.state, 'verifying');
  await settle();
  assert.equal(d.state, 'done');
  assert.equal(h.saved.length, 1);
  assert.deepEqual(h.saved[0].bytes, file);
  assert.equal(h.saved[0].filename, 'board-3.json');
  assert.equal(bar.value, 1);
  h.downloads.done({ type: 'export.done', id: ID }); // after the last chunk: nothing more
  assert.equal(h.saved.length, 1);
  const [info] = h.downloads.snapshot();
  assert.deepEqual(
    { id: info.id, size: info.size, received: info.received, state: info.state, verified: info.verified },
    { id: ID, size: 1000, received: 1000, state: 'done', verified: true },
  );
});

test('a dropped socket: paused, then export.resume from the contiguous bytes after welcome', async () => {
  const h = harness();
  const d = h.downloads.start('json');
  const file = fileOf(700);
  h.downloads.meta(meta(ID, file));
  feed(h.downloads, ID, file, 0, 320);
  // A chunk past a hole does not move the contiguous prefix.
  h.downloads.chunk(buildChunk(ID, 384, file.subarray(384, 448)));
  h.setOpen(false);
  h.downloads.disconnected();
  assert.equal(h.downloads.snapshot()[0].paused, true);
  h.setOpen(true);
  h.downloads.welcome();
  assert.deepEqual(h.ofType('export.resume'), [{ type: 'export.resume', id: ID, offset: 320 }]);
  // The server answers with export.meta again (the transfer's original ref) and the rest.
  h.downloads.meta({ ...meta(ID, file), ref: 'someone-else' });
  feed(h.downloads, ID, file, 320, 700);
  await settle();
  assert.equal(d.state, 'done');
  assert.deepEqual(h.saved[0].bytes, file);
  assert.equal(h.ofType('export.ack').at(-1).offset, 700);
});

test('a request unanswered when the socket drops is sent again after welcome', () => {
  const h = harness();
  h.setOpen(false);
  h.downloads.disconnected();
  h.downloads.start('png', 3);
  assert.equal(h.sent.length, 0);
  h.setOpen(true);
  h.downloads.welcome();
  assert.deepEqual(h.sent, [{ type: 'export', ref: 'c1-x1', format: 'png', scale: 3 }]);
});

test('gone: "Download expired", retry starts a new request; other errors fail the item, not a toast', () => {
  const h = harness();
  const d = h.downloads.start('json');
  const file = fileOf(300);
  h.downloads.meta(meta(ID, file));
  assert.equal(h.downloads.error({ type: 'error', code: 'gone', message: 'expired', id: ID }), true);
  assert.equal(d.state, 'failed');
  assert.equal(h.downloads.snapshot()[0].expired, true);
  assert.equal(d.text.textContent, 'Download expired');
  d.retryButton.fire('click');
  assert.deepEqual(h.ofType('export').at(-1), { type: 'export', ref: 'c1-x2', format: 'json' });
  assert.equal(d.item.parent, null, 'the expired item goes');

  assert.equal(h.downloads.error({ type: 'error', code: 'unavailable', message: 'PNG export is not available yet', ref: 'c1-x2' }), true);
  assert.match(h.downloads.all[1].text.textContent, /not available yet/);
  assert.equal(h.downloads.error({ type: 'error', code: 'bad_request', message: 'x', ref: 'not-ours' }), false);
});

test('a damaged file is not saved', async () => {
  const h = harness();
  const d = h.downloads.start('json');
  const file = fileOf(200);
  h.downloads.meta(meta(ID, file, { sha: '0'.repeat(64) }));
  const quiet = console.warn;
  console.warn = () => {};
  try {
    feed(h.downloads, ID, file, 0, 200);
    await settle();
  } finally {
    console.warn = quiet;
  }
  assert.equal(d.state, 'failed');
  assert.equal(h.saved.length, 0);
  assert.equal(h.downloads.snapshot()[0].verified, false);
});

test('cancel sends export.cancel, removes the item and ignores later chunks', () => {
  const h = harness();
  const d = h.downloads.start('json');
  const file = fileOf(500);
  h.downloads.meta(meta(ID, file));
  feed(h.downloads, ID, file, 0, 128);
  d.cancelButton.fire('click');
  assert.deepEqual(h.ofType('export.cancel'), [{ type: 'export.cancel', id: ID }]);
  assert.equal(h.list.childElementCount, 0);
  const acks = h.ofType('export.ack').length;
  feed(h.downloads, ID, file, 128, 500);
  assert.equal(h.ofType('export.ack').length, acks);
  assert.equal(d.state, 'cancelled');
});

test('cancelled before export.meta: the transfer is cancelled when it is announced', () => {
  const h = harness();
  const d = h.downloads.start('svg');
  d.cancelButton.fire('click');
  h.downloads.meta(meta(OTHER, fileOf(10)));
  assert.deepEqual(h.ofType('export.cancel'), [{ type: 'export.cancel', id: OTHER }]);
});

test('two downloads sharing one transfer id both complete from one stream', async () => {
  const h = harness();
  const a = h.downloads.start('json');
  const file = fileOf(600);
  h.downloads.meta(meta(ID, file, { ref: 'c1-x1' }));
  feed(h.downloads, ID, file, 0, 256);
  const b = h.downloads.start('json');
  // The server reuses the transfer and restarts its stream from 0.
  h.downloads.meta(meta(ID, file, { ref: 'c1-x2' }));
  feed(h.downloads, ID, file, 0, 600);
  await settle();
  assert.equal(a.state, 'done');
  assert.equal(b.state, 'done');
  assert.equal(h.saved.length, 2);
  // The acks after the second meta follow the slower of the two.
  const acks = h.ofType('export.ack').map((m) => m.offset);
  assert.equal(acks.at(-1), 600);
  // After a drop, one resume for both, from what both hold.
  const c = h.downloads.start('json');
  const d = h.downloads.start('json');
  h.downloads.meta(meta(OTHER, file, { ref: 'c1-x3' }));
  h.downloads.meta(meta(OTHER, file, { ref: 'c1-x4' }));
  feed(h.downloads, OTHER, file, 0, 128);
  h.downloads.disconnected();
  h.downloads.welcome();
  assert.deepEqual(h.ofType('export.resume'), [{ type: 'export.resume', id: OTHER, offset: 128 }]);
  assert.equal(c.state, 'receiving');
  assert.equal(d.state, 'receiving');
});

test('export.done with bytes missing asks for them again', () => {
  const h = harness();
  h.downloads.start('json');
  const file = fileOf(300);
  h.downloads.meta(meta(ID, file));
  feed(h.downloads, ID, file, 0, 128);
  h.downloads.chunk(buildChunk(ID, 192, file.subarray(192, 300)));
  h.downloads.done({ type: 'export.done', id: ID });
  assert.deepEqual(h.ofType('export.resume'), [{ type: 'export.resume', id: ID, offset: 128 }]);
});

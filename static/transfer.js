// Transfer: the pure parts of receiving an export over the socket. Parsing
// a binary chunk's header, placing payloads into the file at their offsets
// while tracking how much of it has arrived contiguously (what export.ack
// and export.resume report), when to acknowledge, and the small formatting
// helpers the progress display needs. No DOM, no socket: node --test covers it.
//
// A chunk is one binary frame:
//   bytes 0..15   the transfer id, the UUID's 16 raw bytes
//   bytes 16..23  the offset of the payload in the file, unsigned big-endian
//   bytes 24..    the payload

/** Bytes before a chunk's payload. */
export const CHUNK_HEADER = 24;

/** Formats the server exports, in the order the menu lists them. */
export const FORMATS = /** @type {const} */ (['png', 'svg', 'pdf', 'json']);

/** @typedef {typeof FORMATS[number]} ExportFormat */

/** Scales PNG and PDF take. */
export const MIN_SCALE = 1;
export const MAX_SCALE = 4;

/**
 * @typedef {object} Chunk
 * @property {string} id the transfer id, normalized (see normalizeId)
 * @property {number} offset where the payload goes in the file
 * @property {Uint8Array} payload a view into the frame, not a copy
 */

/**
 * Whether a format is exported at a scale (raster and page sizes).
 * @param {string} format
 * @returns {boolean}
 */
export function isScaled(format) {
  return format === 'png' || format === 'pdf';
}

/**
 * Clamp a scale to 1..4 (whole numbers); anything unreadable is 1.
 * @param {unknown} value
 * @returns {number}
 */
export function clampScale(value) {
  const n = typeof value === 'number' ? value : Number.parseInt(String(value), 10);
  if (!Number.isFinite(n)) return MIN_SCALE;
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.round(n)));
}

/**
 * The export request for a format, scale, background and embedded fonts
 * (each only where it applies: no scale for SVG and JSON, no background
 * for JSON, embedded fonts for SVG alone; an empty background is the
 * server's default, white).
 * @param {string} ref
 * @param {string} format
 * @param {number} [scale]
 * @param {string} [background] "#rrggbb", "transparent" or ""
 * @param {boolean} [embedFonts] a self-contained SVG
 * @returns {{type: 'export', ref: string, format: string, scale?: number, background?: string, embedFonts?: boolean}}
 */
export function exportRequest(ref, format, scale = 1, background = '', embedFonts = false) {
  /** @type {{type: 'export', ref: string, format: string, scale?: number, background?: string, embedFonts?: boolean}} */
  const msg = { type: 'export', ref, format };
  if (isScaled(format)) msg.scale = clampScale(scale);
  if (background && format !== 'json') msg.background = background;
  if (embedFonts && format === 'svg') msg.embedFonts = true;
  return msg;
}

/**
 * Lower-case hex of bytes.
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {string}
 */
export function toHex(data) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += bytes[i].toString(16).padStart(2, '0');
  return out;
}

/**
 * A transfer id as a comparable key: lower-case hex digits only, so the
 * UUID text of export.meta ("0f1e…-…") and the raw bytes of a chunk agree.
 * @param {unknown} id
 * @returns {string} "" when id is not a string
 */
export function normalizeId(id) {
  if (typeof id !== 'string') return '';
  return id.toLowerCase().replace(/[^0-9a-f]/g, '');
}

/**
 * The UUID text (8-4-4-4-12, lower case) of 16 raw bytes.
 * @param {Uint8Array} bytes exactly 16
 * @returns {string}
 */
export function uuidFromBytes(bytes) {
  if (bytes.length !== 16) throw new RangeError(`a UUID has 16 bytes, not ${bytes.length}`);
  const h = toHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Read a binary chunk frame. Returns null for a frame too short to hold a
 * header or whose offset is beyond what a Number holds exactly.
 * @param {ArrayBuffer} frame
 * @returns {Chunk | null}
 */
export function parseChunk(frame) {
  if (!(frame instanceof ArrayBuffer) || frame.byteLength < CHUNK_HEADER) return null;
  const view = new DataView(frame);
  const big = view.getBigUint64(16, false);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return {
    id: normalizeId(uuidFromBytes(new Uint8Array(frame, 0, 16))),
    offset: Number(big),
    payload: new Uint8Array(frame, CHUNK_HEADER),
  };
}

/**
 * Build a chunk frame (the server's side; for tests and tools).
 * @param {string} id UUID text
 * @param {number} offset
 * @param {Uint8Array} payload
 * @returns {ArrayBuffer}
 */
export function buildChunk(id, offset, payload) {
  const hex = normalizeId(id);
  if (hex.length !== 32) throw new RangeError(`not a UUID: ${id}`);
  const frame = new ArrayBuffer(CHUNK_HEADER + payload.length);
  const bytes = new Uint8Array(frame);
  for (let i = 0; i < 16; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  new DataView(frame).setBigUint64(16, BigInt(offset), false);
  bytes.set(payload, CHUNK_HEADER);
  return frame;
}

/**
 * The file being received: a preallocated buffer of `size` bytes, the
 * length of the prefix received without holes (`contiguous`), and the
 * ranges received beyond it. Chunks may come again after a resume and, in
 * principle, out of order; each byte counts once.
 */
export class ReceiveBuffer {
  /** @param {number} size the file's size from export.meta */
  constructor(size) {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad file size ${size}`);
    this.size = size;
    this.bytes = new Uint8Array(size);
    /** Bytes 0..contiguous-1 have all arrived. */
    this.contiguous = 0;
    /**
     * Disjoint, sorted, non-adjacent [start, end) ranges received beyond
     * contiguous (each start > contiguous).
     * @type {Array<[number, number]>}
     */
    this.ranges = [];
  }

  /** Whether every byte has arrived. */
  get complete() {
    return this.contiguous === this.size;
  }

  /** Bytes received, counted once each (contiguous prefix plus later ranges). */
  get received() {
    let n = this.contiguous;
    for (const [a, b] of this.ranges) n += b - a;
    return n;
  }

  /**
   * Place a payload at an offset. A payload that does not fit the file is
   * refused whole (false) and nothing is written.
   * @param {number} offset
   * @param {Uint8Array} payload
   * @returns {boolean}
   */
  write(offset, payload) {
    const end = offset + payload.length;
    if (!Number.isSafeInteger(offset) || offset < 0 || end > this.size) return false;
    if (payload.length === 0) return true;
    this.bytes.set(payload, offset);
    this.mark(offset, end);
    return true;
  }

  /**
   * Record [start, end) as received.
   * @param {number} start
   * @param {number} end
   */
  mark(start, end) {
    if (end <= this.contiguous) return;
    if (start <= this.contiguous) {
      this.contiguous = end;
    } else {
      // Insert, merging with every range it touches or overlaps.
      /** @type {Array<[number, number]>} */
      const next = [];
      let placed = false;
      for (const [a, b] of this.ranges) {
        if (b < start) next.push([a, b]);
        else if (a > end) {
          if (!placed) next.push([start, end]);
          placed = true;
          next.push([a, b]);
        } else {
          start = Math.min(start, a);
          end = Math.max(end, b);
        }
      }
      if (!placed) next.push([start, end]);
      this.ranges = next;
    }
    // The prefix may now reach the first ranges.
    while (this.ranges.length > 0 && this.ranges[0][0] <= this.contiguous) {
      const first = /** @type {[number, number]} */ (this.ranges.shift());
      this.contiguous = Math.max(this.contiguous, first[1]);
    }
  }
}

/**
 * Whether to acknowledge now: once at least a quarter of the window has
 * arrived contiguously since the last ack (the server stops after a whole
 * window unacknowledged), and always when the file is complete.
 * @param {number} contiguous bytes received contiguously
 * @param {number} acked the offset last acknowledged
 * @param {number} window export.meta.window (0 or unknown: ack every time)
 * @param {number} size the file's size
 * @returns {boolean}
 */
export function shouldAck(contiguous, acked, window, size) {
  if (contiguous <= acked) return false;
  if (contiguous >= size) return true;
  const step = window > 0 ? Math.max(1, Math.floor(window / 4)) : 1;
  return contiguous - acked >= step;
}

/**
 * A byte count for people: "512 B", "1.5 KB", "12.3 MB" (powers of 1024).
 * @param {number} n
 * @returns {string}
 */
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 0) return '?';
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * Progress as a fraction 0..1 (an empty file is complete).
 * @param {number} received
 * @param {number} size
 * @returns {number}
 */
export function fraction(received, size) {
  if (!(size > 0)) return 1;
  return Math.min(1, Math.max(0, received / size));
}

/**
 * The progress text: "42 % · 1.2 MB of 2.9 MB". The percentage rounds
 * down, so "100 %" means every byte is there.
 * @param {number} received
 * @param {number} size
 * @returns {string}
 */
export function progressText(received, size) {
  const pct = Math.floor(fraction(received, size) * 100);
  return `${pct} % · ${formatBytes(received)} of ${formatBytes(size)}`;
}

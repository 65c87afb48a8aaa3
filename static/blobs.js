// Blobs: the pure rules of putting an image on the board (protocol "Blobs
// (images)"), kept apart from the DOM so node can test them. Which files the
// page accepts (the four types the server stores, recognised by their first
// bytes as the server does, never by name), the limits it checks before
// uploading anything (8 MiB, 40 million pixels: the server's defaults, so a
// file the server would refuse is refused at once with a clear reason), the
// pixel size read from the header without decoding, the blob URLs of a
// board, how big an image lands (its natural size, scaled down to fit the
// view), and what to say when the upload is refused.

/** The image types a blob may have (board.BlobMIMEs). SVG is not one: it can carry script. */
export const BLOB_TYPES = Object.freeze(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
/** The server's default --max-blob-mib, bytes. */
export const MAX_BLOB_BYTES = 8 << 20;
/** The server's limit of pixels per image (decompression bombs). */
export const MAX_BLOB_PIXELS = 40_000_000;
/** Of the visible board, how much a new image may fill at most. */
export const FIT_VIEW = 0.8;

/**
 * The image type of a file by its first bytes (at least 12; 30 for a WebP's
 * size), or "" when it is none of BLOB_TYPES.
 * @param {Uint8Array} b
 * @returns {string}
 */
export function sniffImageType(b) {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && ascii(b, 0, 4) === 'GIF8' && (b[4] === 0x37 || b[4] === 0x39) && b[5] === 0x61) return 'image/gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
  return '';
}

/**
 * @param {Uint8Array} b
 * @param {number} from
 * @param {number} to
 * @returns {string}
 */
function ascii(b, from, to) {
  let s = '';
  for (let i = from; i < to && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/**
 * The pixel size an image's header declares, read without decoding it, or
 * null when the bytes end before it says. JPEG: the first start-of-frame
 * marker (so the bytes given must reach it: pass the whole file).
 * @param {Uint8Array} b
 * @param {string} type sniffImageType's answer
 * @returns {{width: number, height: number} | null}
 */
export function headerSize(b, type) {
  const u16 = (/** @type {number} */ i) => (b[i] << 8) | b[i + 1];
  const le16 = (/** @type {number} */ i) => b[i] | (b[i + 1] << 8);
  const u32 = (/** @type {number} */ i) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
  switch (type) {
    case 'image/png':
      // The IHDR chunk comes first: width, height at 16 and 20.
      if (b.length < 24 || ascii(b, 12, 16) !== 'IHDR') return null;
      return { width: u32(16), height: u32(20) };
    case 'image/gif':
      if (b.length < 10) return null;
      return { width: le16(6), height: le16(8) };
    case 'image/webp': {
      const chunk = ascii(b, 12, 16);
      if (b.length < (chunk === 'VP8L' ? 25 : 30)) return null;
      if (chunk === 'VP8 ') return { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
      if (chunk === 'VP8L') {
        const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
        return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
      }
      if (chunk === 'VP8X') return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
      return null;
    }
    case 'image/jpeg': {
      let i = 2;
      while (i + 4 <= b.length) {
        if (b[i] !== 0xff) return null;
        const marker = b[i + 1];
        if (marker === 0xff) {
          i++; // fill byte
          continue;
        }
        // Markers without a length: TEM, RST0–7, SOI.
        if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
          i += 2;
          continue;
        }
        const len = u16(i + 2);
        // SOF0–15 but DHT (C4), JPG (C8) and DAC (CC): precision, height, width.
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          if (i + 9 > b.length) return null;
          return { width: u16(i + 7), height: u16(i + 5) };
        }
        if (marker === 0xd9 || marker === 0xda) return null; // end of image or scan data before any frame
        i += 2 + len;
      }
      return null;
    }
    default:
      return null;
  }
}

/**
 * "3.2 MB": a byte count for people (the limit is 8 MB in these words).
 * @param {number} n
 * @returns {string}
 */
export function sizeText(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1 << 20) return `${Math.round(n / 1024)} KB`;
  const mb = n / (1 << 20);
  return `${mb < 10 ? mb.toFixed(1).replace(/\.0$/, '') : Math.round(mb)} MB`;
}

/**
 * Why a file cannot go on the board before anything is sent, or "". The
 * type comes from its first bytes, its pixels from its header.
 * @param {{name: string, size: number}} file
 * @param {string} type sniffImageType's answer ("" for none)
 * @param {{width: number, height: number} | null} size headerSize's answer
 * @returns {string}
 */
export function fileProblem(file, type, size) {
  const name = file.name || 'The file';
  if (file.size > MAX_BLOB_BYTES) return `${name} is too large to add (${sizeText(file.size)}; images may be up to ${sizeText(MAX_BLOB_BYTES)})`;
  if (file.size === 0) return `${name} is empty`;
  if (type === '') return `${name} is not an image Easel can add: use PNG, JPEG, WebP or GIF`;
  if (size && size.width * size.height > MAX_BLOB_PIXELS) {
    const mp = Math.round((size.width * size.height) / 1e6);
    return `${name} has too many pixels to add (${size.width} × ${size.height}, ${mp} million; at most 40 million)`;
  }
  return '';
}

/**
 * The blob route of a board page: "/b/<id>/blobs" for editors (where
 * uploads go), "/v/<viewId>/blobs" for viewers.
 * @param {string} pageURL the page's edit URL, else its view URL ("/b/<id>" or absolute)
 * @param {string} base the page's URL
 * @returns {string}
 */
export function blobsURL(pageURL, base) {
  return boardRoute(pageURL, base, 'blobs');
}

/**
 * A route under a board page's URL ("/b/<id>" + "/import", "/blobs"),
 * absolute, without the page's query or fragment.
 * @param {string} pageURL "/b/<id>", "/v/<viewId>" or absolute
 * @param {string} base the page's URL
 * @param {string} name
 * @returns {string}
 */
export function boardRoute(pageURL, base, name) {
  const u = new URL(pageURL, base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${name}`;
  u.search = '';
  u.hash = '';
  return u.href;
}

/**
 * The upload's answer, or null when it is not one:
 * {"sha256","mime","size","width","height"}.
 * @param {string} body
 * @returns {{sha256: string, mime: string, size: number, width: number, height: number} | null}
 */
export function uploadResult(body) {
  try {
    const p = JSON.parse(body);
    if (!p || typeof p.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(p.sha256)) return null;
    const n = (/** @type {unknown} */ v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
    return { sha256: p.sha256, mime: typeof p.mime === 'string' ? p.mime : '', size: n(p.size), width: n(p.width), height: n(p.height) };
  } catch {
    return null;
  }
}

/**
 * What to say when the server refused an upload: its `message` (the
 * contract's {"error","message"}) after a word on what happened, else
 * something from the status. status 0: the request never got an answer.
 * @param {string} name the file's name
 * @param {number} status
 * @param {string} body
 * @returns {string}
 */
export function uploadProblem(name, status, body) {
  let said = '';
  try {
    const p = JSON.parse(body);
    if (p && typeof p.message === 'string') said = p.message.trim();
  } catch {
    const t = body.trim();
    if (t.length <= 200 && !t.startsWith('<')) said = t;
  }
  const why = said ? `: ${said}` : '';
  switch (status) {
    case 0:
      return `${name} was not added: the server could not be reached`;
    case 413:
      return `${name} is too large to add${why || ' (images may be up to 8 MB and 40 million pixels)'}`;
    case 415:
      return `${name} is not an image Easel can add${why || ': use PNG, JPEG, WebP or GIF'}`;
    case 403:
    case 404:
    case 410:
      return `${name} was not added: this link cannot add images to the board${why}`;
    case 429:
      return `${name} was not added: too many uploads at once, try again in a moment`;
    default:
      return `${name} was not added (HTTP ${status})${why}`;
  }
}

/**
 * The size an image lands at: its natural size in board units (one pixel
 * one unit), scaled down to fit FIT_VIEW of the visible board (viewW × viewH
 * board units), never up; at least 1 unit a side.
 * @param {number} width natural width, pixels
 * @param {number} height
 * @param {number} viewW visible board, board units
 * @param {number} viewH
 * @returns {{w: number, h: number}}
 */
export function fitSize(width, height, viewW, viewH) {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const k = Math.min(1, (viewW * FIT_VIEW) / w, (viewH * FIT_VIEW) / h);
  const round = (/** @type {number} */ v) => Math.max(1, Math.round(v * 100) / 100);
  return { w: round(w * (k > 0 ? k : 1)), h: round(h * (k > 0 ? k : 1)) };
}

/**
 * The bytes of pictures as the JSON formats carry them (the export's and
 * the clipboard's "files"): {"<sha256>": {"mime", "data": "<base64>"}},
 * for the image elements among `elements` whose bytes `bytesOf` has.
 * @param {Array<{kind: string, src?: string}>} elements
 * @param {(sha: string) => {type: string, bytes: Uint8Array} | null} bytesOf
 * @returns {Record<string, {mime: string, data: string}>}
 */
export function filesOf(elements, bytesOf) {
  /** @type {Record<string, {mime: string, data: string}>} */
  const out = {};
  for (const el of elements) {
    const sha = el.kind === 'image' && typeof el.src === 'string' ? el.src.slice(5) : '';
    if (!/^[0-9a-f]{64}$/.test(sha) || out[sha]) continue;
    const f = bytesOf(sha);
    if (f && BLOB_TYPES.includes(f.type)) out[sha] = { mime: f.type, data: toBase64(f.bytes) };
  }
  return out;
}

/**
 * The valid entries of a "files" map from outside (the clipboard): a sha
 * key, one of BLOB_TYPES, base64 bytes at most MAX_BLOB_BYTES long; the
 * rest is left out.
 * @param {unknown} raw
 * @returns {Record<string, {mime: string, data: Uint8Array}>}
 */
export function readFiles(raw) {
  /** @type {Record<string, {mime: string, data: Uint8Array}>} */
  const out = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [sha, f] of Object.entries(raw)) {
    if (!/^[0-9a-f]{64}$/.test(sha) || !f || typeof f !== 'object') continue;
    const { mime, data } = /** @type {{mime?: unknown, data?: unknown}} */ (f);
    if (typeof mime !== 'string' || !BLOB_TYPES.includes(mime) || typeof data !== 'string' || data.length > ((MAX_BLOB_BYTES + 2) / 3) * 4 + 4) continue;
    try {
      out[sha] = { mime, data: fromBase64(data) };
    } catch {
      // not base64: left out
    }
  }
  return out;
}

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * @param {string} text
 * @returns {Uint8Array}
 */
function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// @ts-check
// Pictures for the image specs (not a spec file itself): made inside the
// page with a canvas (so PNG, JPEG and WebP need no encoder here), kept on
// the page as Files under a name (window.__pictures) for the clipboard, a
// synthetic drop or the file picker; and the board canvas's pixels read
// back from a screenshot.
const { decodePNG } = require('./png');

/** Four colours, one a quadrant: top left, top right, bottom left, bottom right. */
const QUADRANTS = /** @type {const} */ ([
  [224, 49, 49],
  [47, 158, 68],
  [25, 113, 194],
  [245, 159, 0],
]);

/**
 * Makes a w×h picture of the four QUADRANTS on the page, in `type`
 * (image/png, image/jpeg, image/webp), kept as window.__pictures[name].
 * `noise` fills it with random pixels instead (an incompressible PNG of
 * about 4·w·h bytes). Returns its size and SHA-256.
 * @param {import('@playwright/test').Page} page
 * @param {{name: string, type: string, w: number, h: number, noise?: boolean}} spec
 * @returns {Promise<{size: number, sha: string}>}
 */
async function makePicture(page, spec) {
  return page.evaluate(
    async ({ spec, quadrants }) => {
      const c = new OffscreenCanvas(spec.w, spec.h);
      const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (c.getContext('2d'));
      if (spec.noise) {
        const img = ctx.createImageData(spec.w, spec.h);
        for (let i = 0; i < img.data.length; i += 65536) crypto.getRandomValues(img.data.subarray(i, Math.min(img.data.length, i + 65536)));
        for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
        ctx.putImageData(img, 0, 0);
      } else {
        const hw = spec.w / 2;
        const hh = spec.h / 2;
        quadrants.forEach(([r, g, b], i) => {
          ctx.fillStyle = `rgb(${r}, ${g}, ${b})`;
          ctx.fillRect((i % 2) * hw, Math.floor(i / 2) * hh, hw, hh);
        });
      }
      const blob = await c.convertToBlob({ type: spec.type, quality: 0.95 });
      const file = new File([blob], spec.name, { type: spec.type });
      // @ts-ignore
      (window.__pictures ??= {})[spec.name] = file;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
      return { size: bytes.length, sha };
    },
    { spec, quadrants: QUADRANTS },
  );
}

/**
 * Puts a kept picture on the system clipboard (the context needs
 * clipboard-write), as a screenshot tool would.
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 */
async function copyPicture(page, name) {
  await page.evaluate(async (n) => {
    // @ts-ignore
    const file = window.__pictures[n];
    await navigator.clipboard.write([new ClipboardItem({ [file.type]: file })]);
  }, name);
}

/**
 * Drops kept pictures (or any File made by `make`) on the board at a page
 * point: dragenter, dragover, drop with a DataTransfer holding them.
 * @param {import('@playwright/test').Page} page
 * @param {string[]} names
 * @param {{x: number, y: number}} at page point
 */
async function dropPictures(page, names, at) {
  await page.evaluate(
    ({ names, at }) => {
      const dt = new DataTransfer();
      // @ts-ignore
      for (const n of names) dt.items.add(window.__pictures[n]);
      const target = /** @type {Element} */ (document.elementFromPoint(at.x, at.y));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, dataTransfer: dt }));
      }
    },
    { names, at },
  );
}

/**
 * Keeps a File of `size` bytes on the page as window.__pictures[name]: a
 * PNG signature and then zeros (too large to be anything but refused).
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 * @param {number} size
 */
async function makeBigFile(page, name, size) {
  await page.evaluate(
    ({ name, size }) => {
      const bytes = new Uint8Array(size);
      bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      // @ts-ignore
      (window.__pictures ??= {})[name] = new File([bytes], name, { type: 'image/png' });
    },
    { name, size },
  );
}

/**
 * The board canvas as pixels (CSS scale) with a reader of one pixel at a
 * board point, through the page's own viewport.
 * @param {import('@playwright/test').Page} page
 */
async function canvasPixels(page) {
  const png = await page.getByTestId('board-canvas').screenshot({ scale: 'css' });
  const img = decodePNG(png);
  /**
   * @param {number} bx
   * @param {number} by
   * @returns {Promise<[number, number, number]>}
   */
  const at = async (bx, by) => {
    // @ts-ignore
    const p = await page.evaluate(([x, y]) => window.easel.viewport.toScreen(x, y), [bx, by]);
    const x = Math.round(p.x);
    const y = Math.round(p.y);
    const i = (y * img.width + x) * 4;
    return [img.data[i], img.data[i + 1], img.data[i + 2]];
  };
  return { img, at };
}

/**
 * The colours at the centres of an image element's four quadrants.
 * @param {import('@playwright/test').Page} page
 * @param {{x: number, y: number, w: number, h: number}} el
 */
async function quadrantColours(page, el) {
  const { at } = await canvasPixels(page);
  const out = [];
  for (let i = 0; i < 4; i++) out.push(await at(el.x + el.w * (0.25 + 0.5 * (i % 2)), el.y + el.h * (0.25 + 0.5 * Math.floor(i / 2))));
  return out;
}

/**
 * Whether two colours are within tol on each channel.
 * @param {ArrayLike<number>} a
 * @param {ArrayLike<number>} b
 * @param {number} tol
 */
function near(a, b, tol) {
  return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;
}

module.exports = { QUADRANTS, makePicture, copyPicture, dropPictures, makeBigFile, canvasPixels, quadrantColours, near };

// Board canvas: keeps the <canvas> backing store sized to its container and
// the device pixel ratio, and paints the board: a dot grid, then the
// painters (the elements layer, render.js), at most once per animation
// frame and only when something asked for it. perf counts the frames and
// times the last one, for the benchmark hook window.easel.perf.

/** @typedef {import('./viewport.js').Viewport} Viewport */

const GRID = 24; // board units between grid dots
const BACKGROUND = '#fbfbfa';
const DOT = '#d3d7dc';

export class BoardCanvas {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {Viewport} viewport
   */
  constructor(canvas, viewport) {
    this.canvas = canvas;
    this.viewport = viewport;
    this.ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    /** CSS size of the canvas. */
    this.width = 0;
    this.height = 0;
    this.dpr = 1;
    this.frame = 0;
    /** @type {Array<(ctx: CanvasRenderingContext2D, canvas: BoardCanvas) => void>} */
    this.painters = [];
    /**
     * Frames painted, the last one's duration (ms) and how many elements it
     * drew after culling (set by the elements layer). Updated in place.
     */
    this.perf = { frames: 0, lastFrameMs: 0, drawn: 0 };

    const container = canvas.parentElement ?? canvas;
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.watchPixelRatio();
    viewport.onChange(() => this.invalidate());
    this.resize();
  }

  /**
   * Add a painter, called in order on every repaint after the grid, with the
   * context already scaled to CSS pixels (not yet to the viewport).
   * @param {(ctx: CanvasRenderingContext2D, canvas: BoardCanvas) => void} painter
   */
  addPainter(painter) {
    this.painters.push(painter);
    this.invalidate();
  }

  /** Match the backing store to the container's size and the pixel ratio. */
  resize() {
    const rect = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width * dpr));
    const h = Math.max(1, Math.round(rect.height * dpr));
    this.width = rect.width;
    this.height = rect.height;
    this.dpr = dpr;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w; // resets the context and clears the canvas
      this.canvas.height = h;
    }
    this.paint();
  }

  /** Repaint on the next animation frame (several calls, one paint). */
  invalidate() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  /** Repaint now. */
  paint() {
    const start = performance.now();
    const { ctx, dpr } = this;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, this.width, this.height);
    this.paintGrid();
    for (const painter of this.painters) {
      ctx.save();
      painter(ctx, this);
      ctx.restore();
    }
    this.perf.frames++;
    this.perf.lastFrameMs = performance.now() - start;
  }

  paintGrid() {
    const { ctx } = this;
    const { x: vx, y: vy, scale } = this.viewport.view;
    let step = GRID;
    while (step * scale < 12) step *= 2; // keep dots apart when zoomed out
    const r = Math.min(1.5, Math.max(0.75, scale));
    // Positions computed inline: no object per dot.
    ctx.fillStyle = DOT;
    ctx.beginPath();
    const x1 = vx + this.width / scale;
    const y1 = vy + this.height / scale;
    for (let bx = Math.ceil(vx / step) * step; bx <= x1; bx += step) {
      const sx = (bx - vx) * scale;
      for (let by = Math.ceil(vy / step) * step; by <= y1; by += step) {
        const sy = (by - vy) * scale;
        ctx.moveTo(sx + r, sy);
        ctx.arc(sx, sy, r, 0, Math.PI * 2);
      }
    }
    ctx.fill();
  }

  /** Re-size when the page moves to a screen with another pixel ratio or zooms. */
  watchPixelRatio() {
    const query = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    query.addEventListener(
      'change',
      () => {
        this.resize();
        this.watchPixelRatio();
      },
      { once: true },
    );
  }
}

// Laser pointer trails: where a member points (tools/laser.js), drawn by
// everyone as a red trail that fades out over TRAIL_MS.
//
// A member holding the laser down sends its `cursor` positions flagged
// `laser: true` (pointer.js); the others get them as ["<peer>", x, y, 1]
// in `cursors` and add them to that peer's trail. A cursor entry without
// the flag, a `gone` or a leave lifts the laser: the trail stops growing
// and fades. The member's own trail is drawn from its pointer events, not
// from the network.
//
// LaserTrails is the pure part (points, fading, bounds); LaserLayer draws
// the trails on a canvas of its own over the board, so a fading trail
// repaints only itself each frame, never the board's elements.

/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./net.js').Connection} Connection */

/** How long a point of a trail stays visible, ms. */
export const TRAIL_MS = 1000;
/** Points kept per trail: a second at 240 Hz. Older ones go first. */
export const MAX_POINTS = 240;
/** Trails kept at once (a room holds at most a few hundred members). */
export const MAX_TRAILS = 500;

const RED = '#f03e3e';
/** Width of the newest part of the trail, CSS px; it tapers to nothing. */
const CORE_PX = 5;
const GLOW_PX = 14;

/**
 * @typedef {object} TrailPoint
 * @property {number} x board coordinates
 * @property {number} y
 * @property {number} t when it was added, ms (performance.now)
 * @property {boolean} start the first point after the laser was pressed: not joined to the one before
 */

/**
 * How visible a point of this age is: 1 when new, 0 at TRAIL_MS; bright
 * for most of its life, going quickly at the end (1 - t²).
 * @param {number} age ms
 * @returns {number}
 */
export function fade(age) {
  const t = Math.max(0, Math.min(1, age / TRAIL_MS));
  return 1 - t * t;
}

export class LaserTrails {
  constructor() {
    /** @type {Map<string, {points: TrailPoint[], down: boolean}>} */
    this.trails = new Map();
  }

  /**
   * A laser position of a peer (or of this member).
   * @param {string} peer
   * @param {number} x
   * @param {number} y
   * @param {number} now ms
   */
  add(peer, x, y, now) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    let trail = this.trails.get(peer);
    if (!trail) {
      if (this.trails.size >= MAX_TRAILS) return;
      trail = { points: [], down: false };
      this.trails.set(peer, trail);
    }
    const last = trail.points[trail.points.length - 1];
    if (trail.down && last && last.x === x && last.y === y) {
      last.t = now; // resting on one spot keeps the head bright
      return;
    }
    trail.points.push({ x, y, t: now, start: !trail.down });
    trail.down = true;
    if (trail.points.length > MAX_POINTS) trail.points.splice(0, trail.points.length - MAX_POINTS);
  }

  /**
   * The peer let go of the laser (or left): its trail fades.
   * @param {string} peer
   */
  lift(peer) {
    const trail = this.trails.get(peer);
    if (trail) trail.down = false;
  }

  /**
   * Forget the points that have faded out, and trails with none left.
   * @param {number} now ms
   * @returns {boolean} whether anything is left to draw
   */
  prune(now) {
    for (const [peer, trail] of this.trails) {
      const pts = trail.points;
      let i = 0;
      while (i < pts.length && now - pts[i].t >= TRAIL_MS) i++;
      if (i > 0) {
        pts.splice(0, i);
        // The oldest point left begins what is left of its stroke.
        if (pts.length > 0) pts[0].start = true;
      }
      if (pts.length === 0 && !trail.down) this.trails.delete(peer);
    }
    return [...this.trails.values()].some((t) => t.points.length > 0);
  }

  /**
   * The visible trails, for window.easel.laserTrails().
   * @param {number} now ms
   * @returns {Array<{peer: string, points: Array<{x: number, y: number, alpha: number}>}>}
   */
  snapshot(now) {
    const out = [];
    for (const [peer, trail] of this.trails) {
      const points = trail.points.filter((p) => now - p.t < TRAIL_MS).map((p) => ({ x: p.x, y: p.y, alpha: fade(now - p.t) }));
      if (points.length > 0) out.push({ peer, points });
    }
    return out;
  }
}

export class LaserLayer {
  /**
   * @param {HTMLElement} host the cursor layer: over the board, same box; the trails go under the cursors
   * @param {Viewport} viewport
   * @param {LaserTrails} trails
   */
  constructor(host, viewport, trails) {
    this.viewport = viewport;
    this.trails = trails;
    const canvas = document.createElement('canvas');
    canvas.className = 'laser-layer';
    canvas.dataset.testid = 'laser-layer';
    host.prepend(canvas);
    this.canvas = canvas;
    this.ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    this.frame = 0;
    /** Whether the last frame drew something (the canvas must be cleared once more). */
    this.dirty = false;
    viewport.onChange(() => this.request());
  }

  /** Draw on the next animation frame, and each one after while a trail is visible. */
  request() {
    if (this.frame) return;
    this.frame = requestAnimationFrame((now) => {
      this.frame = 0;
      this.paint(now);
    });
  }

  /** @param {number} now */
  paint(now) {
    const live = this.trails.prune(now);
    if (!live && !this.dirty) return;
    const { canvas, ctx } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
    const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // Butt ends: the pieces meet at midpoints with one tangent, so they
    // abut; round ends would overlap there and show as darker beads.
    ctx.lineCap = 'butt';
    ctx.strokeStyle = RED;
    for (const trail of this.trails.trails.values()) this.paintTrail(trail.points, now);
    this.dirty = live;
    if (live) this.request();
  }

  /**
   * One trail: segments through the midpoints of its points (smooth at the
   * server's ~30 Hz), each as bright and as wide as its age allows, under
   * a faint glow.
   * @param {TrailPoint[]} pts
   * @param {number} now
   */
  paintTrail(pts, now) {
    const ctx = this.ctx;
    const v = this.viewport;
    const scr = pts.map((p) => v.toScreen(p.x, p.y));
    for (let i = 0; i < pts.length; i++) {
      const a = fade(now - pts[i].t);
      if (a <= 0) continue;
      const p = scr[i];
      const joinedBefore = i > 0 && !pts[i].start;
      const joinedAfter = i + 1 < pts.length && !pts[i + 1].start;
      if (!joinedBefore && !joinedAfter) {
        // A single point (a click): a dot.
        ctx.globalAlpha = a;
        ctx.fillStyle = RED;
        ctx.beginPath();
        ctx.arc(p.x, p.y, (CORE_PX / 2) * (0.5 + a / 2), 0, Math.PI * 2);
        ctx.fill();
        continue;
      }
      const from = joinedBefore ? mid(scr[i - 1], p) : p;
      const to = joinedAfter ? mid(p, scr[i + 1]) : p;
      for (const [width, alpha] of [
        [GLOW_PX * a, 0.18 * a],
        [CORE_PX * (0.25 + 0.75 * a), a],
      ]) {
        ctx.globalAlpha = alpha;
        ctx.lineWidth = width;
        ctx.beginPath();
        ctx.moveTo(from.x, from.y);
        ctx.quadraticCurveTo(p.x, p.y, to.x, to.y);
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
  }
}

/**
 * @param {{x: number, y: number}} a
 * @param {{x: number, y: number}} b
 */
function mid(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/**
 * Wire the laser to the page: others' laser positions from `cursors`, our
 * own from the laser tool (drawn here, and flagged in our cursor messages),
 * the layer that draws them.
 * @param {object} opts
 * @param {Connection} opts.conn
 * @param {Viewport} opts.viewport
 * @param {import('./pointer.js').LocalPointer} opts.pointer
 * @param {import('./tools/laser.js').LaserTool} opts.tool
 * @param {HTMLElement} opts.host the cursor layer
 * @param {() => string} opts.you this member's peer id ("" before the welcome)
 * @returns {{trails: LaserTrails, layer: LaserLayer}}
 */
export function wireLaser({ conn, viewport, pointer, tool, host, you }) {
  const trails = new LaserTrails();
  const layer = new LaserLayer(host, viewport, trails);
  const self = () => you() || 'you';
  tool.sink = {
    press: (on) => {
      pointer.setLaser(on);
      if (!on) trails.lift(self());
    },
    point: (x, y) => {
      trails.add(self(), x, y, performance.now());
      layer.request();
    },
  };
  conn.on('cursors', (msg) => {
    const now = performance.now();
    let changed = false;
    if (Array.isArray(msg.c)) {
      for (const entry of msg.c) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[0] === you()) continue;
        if (entry[3] === 1 && typeof entry[1] === 'number' && typeof entry[2] === 'number') {
          trails.add(entry[0], entry[1], entry[2], now);
          changed = true;
        } else trails.lift(entry[0]);
      }
    }
    if (Array.isArray(msg.gone)) for (const id of msg.gone) if (typeof id === 'string') trails.lift(id);
    if (changed) layer.request();
  });
  conn.on('leave', (msg) => {
    if (typeof msg.id === 'string') trails.lift(msg.id);
  });
  return { trails, layer };
}

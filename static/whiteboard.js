// Whiteboard: the editing side of the board. Owns the tools, the selection,
// the current style, undo/redo and the text editor; routes pointer and key
// input to the navigator (pan/zoom) or the current tool; turns every
// finished gesture into one ops message through sync (shown at once,
// acknowledged or rolled back later) and the connection.

import { draftOf } from './drafts.js';
import { bindingOps, bindsTo, BIND_REACH_PX, detach, remapBindings } from './bindings.js';
import { clampWidth, DASH_KINDS, IdMaker, opProblem, POINT_KINDS, ROUND_KINDS, TEXT_KINDS } from './element.js';
import { hitTest, translate } from './geometry.js';
import { History, inverseSteps, stepsToOps } from './history.js';
import { Navigator, ZOOM_STEP } from './navigate.js';
import { expandSelection, groupOps, isLocked, lockOps, regroup, selectableIds, ungroupOps, unlockAllOps, zOrderOps } from './organise.js';
import { ElementLayer } from './render.js';
import { ACTIONS, actionForKeys, isTextField, keysOf, RETURNS_TO_SELECT, toolForKeys, TOOLS } from './shortcuts.js';
import { EraserTool } from './tools/eraser.js';
import { HandTool } from './tools/hand.js';
import { ImageTool } from './tools/image.js';
import { LaserTool } from './tools/laser.js';
import { PenTool } from './tools/pen.js';
import { SelectTool } from './tools/select.js';
import { ShapeTool } from './tools/shape.js';
import { editText, StickyTool, TextEditor, TextTool } from './tools/text.js';
import { compareStrings, keyBetween } from './zorder.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */
/** @typedef {import('./canvas.js').BoardCanvas} BoardCanvas */
/** @typedef {import('./viewport.js').Viewport} Viewport */
/** @typedef {import('./sync.js').BoardSync} BoardSync */
/** @typedef {import('./sync.js').PendingMessage} PendingMessage */

/**
 * A pointer event as tools see it.
 * @typedef {object} ToolPointer
 * @property {number} x board coordinates
 * @property {number} y
 * @property {number} sx CSS pixels from the canvas's top left
 * @property {number} sy
 * @property {boolean} shift
 * @property {boolean} mod ctrl or cmd
 * @property {string} pointerType
 * @property {Array<{x: number, y: number}>} trail board points since the last event (coalesced), ending at x, y
 */

/**
 * What every tool implements; the rest is optional.
 * @typedef {object} Tool
 * @property {string} name
 * @property {string} cursor CSS cursor over the board
 * @property {(p: ToolPointer) => void} down
 * @property {(p: ToolPointer) => void} [move]
 * @property {(p: ToolPointer) => void} [up]
 * @property {() => void} [cancel]
 * @property {(p: ToolPointer) => void} [hover]
 * @property {(p: ToolPointer) => void} [doubleClick]
 * @property {(ctx: CanvasRenderingContext2D) => void} [drawOverlay]
 * @property {() => void} [activate] called each time the tool is chosen (the image tool opens its picker)
 */

/**
 * @typedef {object} Style
 * @property {string} stroke
 * @property {string | null} fill
 * @property {number} width
 * @property {'solid' | 'dashed' | 'dotted'} dash
 * @property {boolean} round rounded corners (rect, diamond)
 */

/** How close (CSS px) a click must be to hit an element. */
const HIT_PX = 4;
/** Offset of duplicates, board units. */
const DUPLICATE_OFFSET = 16;

export class Whiteboard {
  /**
   * @param {object} opts
   * @param {HTMLCanvasElement} opts.surface the board canvas
   * @param {HTMLElement} opts.stage the element around it (the text editor goes there)
   * @param {BoardCanvas} opts.canvas
   * @param {Viewport} opts.viewport
   * @param {BoardSync} opts.sync
   * @param {(msg: {type: 'ops', ref: string, ops: Op[]}) => boolean} opts.send
   */
  constructor({ surface, stage, canvas, viewport, sync, send }) {
    this.surface = surface;
    this.viewport = viewport;
    this.sync = sync;
    this.send = send;
    this.readOnly = false;
    this.ids = new IdMaker();
    this.history = new History();
    this.layer = new ElementLayer(canvas, viewport);
    this.layer.lookup = (id) => sync.get(id);
    this.layer.overlay = (ctx) => this.tool.drawOverlay?.(ctx);
    this.editor = new TextEditor(stage, viewport);
    this.nav = new Navigator(surface, viewport);
    /** The selected ids (the layer draws them). @type {Set<string>} */
    this.selection = this.layer.selection;
    /** @type {Style} */
    this.style = { stroke: '#1e1e1e', fill: null, width: 2, dash: 'solid', round: false };
    /** @type {Record<string, Tool>} */
    this.tools = {
      select: new SelectTool(this),
      pen: new PenTool(this),
      rect: new ShapeTool(this, 'rect'),
      ellipse: new ShapeTool(this, 'ellipse'),
      diamond: new ShapeTool(this, 'diamond'),
      line: new ShapeTool(this, 'line'),
      arrow: new ShapeTool(this, 'arrow'),
      text: new TextTool(this),
      sticky: new StickyTool(this),
      image: new ImageTool(this),
      eraser: new EraserTool(this),
      hand: new HandTool(this),
      laser: new LaserTool(),
    };
    /** Tool lock (Q): drawing tools stay on after making something. */
    this.toolLock = false;
    /** The element the last hit test found: a shift-click that takes it out of the selection takes its whole group. @type {string | null} */
    this.lastHit = null;
    /** @type {Tool} */
    this.tool = this.tools.select;
    /** The pointer of the tool's gesture in progress. @type {number | null} */
    this.active = null;
    /** A touch waiting to lift before its tool acts (see bindPointer). @type {number | null} */
    this.tap = null;
    /** @type {Set<() => void>} */
    this.listeners = new Set();
    /** Called for "?" (the help overlay). */
    this.onHelp = () => {};
    /**
     * Told what a gesture shows, for the other members (drafts.js
     * DraftSender): each preview and each keystroke of the text editor,
     * null when it ends, and what commits put.
     * @type {{show(el: Element | null): void, committed(ops: Op[]): void} | null}
     */
    this.drafts = null;

    sync.onChange((set) => {
      this.layer.apply(set, sync.view);
      let pruned = false;
      for (const id of this.selection) {
        if (!sync.get(id) || isLocked(sync.get(id))) {
          this.selection.delete(id);
          pruned = true;
        }
      }
      if (pruned) this.emit();
    });
    this.history.onChange(() => this.emit());
    this.bindPointer();
    this.bindKeys();
    this.setCursor(this.tool.cursor);
  }

  /**
   * Call fn when the tool, selection, history or role changes.
   * @param {() => void} fn
   */
  onUpdate(fn) {
    this.listeners.add(fn);
  }

  emit() {
    for (const fn of this.listeners) fn();
  }

  // ---------- tools ----------

  /**
   * Switch tools (viewers only have those that do not edit: select, hand).
   * @param {string} name
   */
  setTool(name) {
    const next = this.tools[name];
    if (!next) return;
    if (this.readOnly && TOOLS.find((t) => t.name === name)?.edits !== false) return;
    if (this.active !== null) this.cancelGesture();
    this.editor.close(true);
    if (next !== this.tool && name !== 'select') this.select([]);
    this.tool = next;
    this.setCursor(next.cursor);
    this.layer.invalidate();
    this.emit();
    next.activate?.();
  }

  /**
   * Viewers: no tools that edit, nothing sent.
   * @param {boolean} readOnly
   */
  setReadOnly(readOnly) {
    this.readOnly = readOnly;
    if (readOnly) {
      this.editor.close(false);
      this.setTool('select');
    }
    this.emit();
  }

  /** @param {string} css */
  setCursor(css) {
    if (this.surface.style.cursor !== css) this.surface.style.cursor = css;
  }

  // ---------- what tools use ----------

  /** @returns {string} a new element id */
  newId() {
    return this.ids.next();
  }

  /** @returns {string} a z key above everything on the board */
  topZ() {
    const top = this.layer.topZ();
    return keyBetween(top, null) ?? top ?? 'a0';
  }

  /**
   * The top element at a board point, as shown.
   * @param {number} x
   * @param {number} y
   * @returns {Element | null}
   */
  hitTop(x, y) {
    const tol = HIT_PX / this.viewport.scale;
    /** @type {Element | null} */
    let found = null;
    this.layer.each((el, item) => {
      // The cached box may be the unturned one: a turned element goes straight to the exact test.
      if (!el.rot && (x < item.minX - tol || x > item.maxX + tol || y < item.minY - tol || y > item.maxY + tol)) return false;
      if (!hitTest(el, x, y, tol)) return false;
      if (isLocked(el)) return false; // clicks go through locked elements
      found = el;
      return true;
    }, true);
    this.lastHit = found ? /** @type {Element} */ (found).id : null;
    return found;
  }

  /**
   * The shape a line's end at a board point binds to: the topmost one it
   * is on or near (bindings.js), not `not`.
   * @param {number} x
   * @param {number} y
   * @param {string} [not]
   * @returns {Element | null}
   */
  bindTargetAt(x, y, not) {
    const reach = BIND_REACH_PX / this.viewport.scale;
    /** @type {Element | null} */
    let found = null;
    this.layer.each((el, item) => {
      if (!el.rot && (x < item.minX - reach || x > item.maxX + reach || y < item.minY - reach || y > item.maxY + reach)) return false;
      if (!bindsTo(el, x, y, reach, not)) return false;
      found = el;
      return true;
    }, true);
    return found;
  }

  /**
   * Show a gesture in progress.
   * @param {Map<string, Element | null>} elements
   */
  preview(elements) {
    this.layer.setPreview(elements);
    this.drafts?.show(draftOf(elements));
  }

  endPreview() {
    this.layer.clearPreview();
    this.drafts?.show(null);
  }

  /**
   * Replace the selection: whole groups, never a locked element
   * (organise.js). A shift-click that took the element it hit out takes
   * that element's whole group out.
   * @param {Iterable<string>} ids
   */
  select(ids) {
    const wanted = new Set(ids);
    const drop = this.lastHit !== null && this.selection.has(this.lastHit) && !wanted.has(this.lastHit) ? this.lastHit : null;
    const next = expandSelection(wanted, (id) => this.sync.get(id) ?? this.layer.shown(id), this.eachElement(), drop);
    if (next.size === this.selection.size && [...next].every((id) => this.selection.has(id))) return;
    this.selection.clear();
    for (const id of next) if (this.sync.get(id) || this.layer.shown(id)) this.selection.add(id);
    this.layer.invalidate();
    this.emit();
  }

  /** @returns {Element[]} every element on the board, bottom to top */
  elementsInOrder() {
    return this.layer.items.map((it) => it.el);
  }

  /** @returns {Generator<Element>} the same, without copying */
  *eachElement() {
    for (const it of this.layer.items) yield it.el;
  }

  /** @returns {Element[]} the selected elements, bottom to top */
  selected() {
    /** @type {Element[]} */
    const out = [];
    for (const id of this.selection) {
      const el = this.sync.get(id);
      if (el) out.push(el);
    }
    return out.sort((a, b) => compareStrings(a.z, b.z) || compareStrings(a.id, b.id));
  }

  /**
   * Edit the text of a text or sticky element.
   * @param {Element} el
   * @param {boolean} isNew
   */
  editText(el, isNew) {
    editText(this, el, isNew);
  }

  // ---------- edits ----------

  /**
   * Send one gesture's ops: applied at once, one ops message (more only past
   * 500 ops), recorded for undo unless record is false. Returns the
   * messages.
   * @param {Op[]} ops
   * @param {boolean} [record]
   * @returns {PendingMessage[]}
   */
  commit(ops, record = true) {
    if (this.readOnly || !this.sync.hasState) return [];
    // Lines bound to what the ops move or delete follow in the same message.
    ops = bindingOps(ops, this.sync.view.values(), (id) => this.sync.get(id));
    const valid = ops.filter((op) => {
      const why = opProblem(op);
      if (why) console.error(`easel: not sending an invalid op (${why})`, op);
      return why === '';
    });
    if (valid.length === 0) return [];
    const steps = record ? inverseSteps(valid, (id) => this.sync.get(id), this.sync.title) : [];
    const created = record ? valid.flatMap((op) => (op.op === 'put' && !this.sync.get(op.el.id) ? [op.el.id] : [])) : [];
    const messages = this.sync.propose(valid);
    for (const m of messages) this.send({ type: 'ops', ref: m.ref, ops: m.ops });
    this.drafts?.committed(valid);
    if (record) this.history.record(steps, messages.map((m) => m.ref));
    if (created.length > 0 && !this.toolLock && RETURNS_TO_SELECT.has(this.tool.name)) {
      // Excalidraw's habit: what was just drawn is selected, with the select tool.
      this.setTool('select');
      this.select(created);
    }
    return messages;
  }

  /**
   * The server refused one of our messages: it is rolled back.
   * @param {string} ref
   * @returns {boolean} whether it was ours
   */
  rejected(ref) {
    if (!this.sync.reject(ref)) return false;
    this.history.forget(ref);
    return true;
  }

  undo() {
    this.replay('undo');
  }

  redo() {
    this.replay('redo');
  }

  /** @param {'undo' | 'redo'} which */
  replay(which) {
    if (this.readOnly || !this.sync.hasState) return;
    this.cancelGesture();
    const lookup = (/** @type {string} */ id) => this.sync.get(id);
    for (;;) {
      const entry = which === 'undo' ? this.history.takeUndo() : this.history.takeRedo();
      if (!entry) return;
      const ops = stepsToOps(entry.steps, lookup);
      if (ops.length === 0) continue; // nothing of it is left to reverse
      const back = inverseSteps(ops, lookup, this.sync.title);
      const messages = this.commit(ops, false);
      const reversed = { steps: back, refs: messages.map((m) => m.ref) };
      if (which === 'undo') this.history.pushRedo(reversed);
      else this.history.pushUndo(reversed);
      return;
    }
  }

  deleteSelection() {
    const ids = this.selected().map((el) => el.id);
    if (ids.length === 0) return;
    this.commit(ids.map((id) => ({ op: /** @type {const} */ ('del'), id })));
    this.select([]);
  }

  duplicateSelection() {
    const els = this.selected();
    if (els.length === 0) return;
    /** @type {Op[]} */
    const ops = [];
    const ids = [];
    for (const el of regroup(els, () => this.newGroupId())) {
      const id = this.newId();
      const z = keyBetween(el.z, this.layer.zAbove(el)) ?? this.topZ();
      ops.push({ op: 'put', el: { ...translate(el, DUPLICATE_OFFSET, DUPLICATE_OFFSET), id, z } });
      ids.push(id);
    }
    // A copied line stays bound only to copied shapes (to their copies).
    const copies = new Map(els.map((el, i) => [el.id, ids[i]]));
    for (const op of ops) if (op.op === 'put') op.el = remapBindings(op.el, copies);
    this.commit(ops);
    this.select(ids);
  }

  /**
   * @param {number} dx board units
   * @param {number} dy
   */
  nudgeSelection(dx, dy) {
    const els = this.selected();
    if (els.length === 0) return;
    const moving = new Set(els.map((el) => el.id));
    this.commit(els.map((el) => ({ op: /** @type {const} */ ('put'), el: detach(translate(el, dx, dy), (id) => moving.has(id)) })));
  }

  selectAll() {
    this.select(selectableIds(this.eachElement()));
  }

  /** @returns {string} a new group id (1–64 characters, unique like element ids) */
  newGroupId() {
    return `g${this.newId().slice(2)}`;
  }

  /**
   * Run a named action of the shortcut table (shortcuts.js ACTIONS) or of
   * a button: each edit is one ops message, so one undo step.
   * @param {string} name
   */
  run(name) {
    const edits = ACTIONS.find((a) => a.name === name)?.edits !== false;
    // Not for viewers, and not in the middle of a gesture (a drag would put back the old z).
    if (edits && (this.readOnly || this.active !== null)) return;
    const sel = this.selected();
    switch (name) {
      case 'group': {
        const gid = this.newGroupId();
        this.commit(groupOps(this.elementsInOrder(), this.selection, gid));
        this.layer.invalidate();
        this.emit();
        return;
      }
      case 'ungroup':
        this.commit(ungroupOps(sel));
        this.emit();
        return;
      case 'lock':
        if (sel.length > 0) this.lockSelection();
        else this.unlockAll();
        return;
      case 'forward':
      case 'backward':
      case 'front':
      case 'back':
        this.commit(zOrderOps(this.elementsInOrder(), this.selection, name));
        return;
      case 'fit':
        this.nav.fit(this.contentBox());
        return;
      case 'toolLock':
        this.toolLock = !this.toolLock;
        this.emit();
        return;
      default:
    }
  }

  /** Lock the selection: it cannot be selected any more, so it is let go. */
  lockSelection() {
    const sel = this.selected();
    if (sel.length === 0) return;
    this.commit(lockOps(sel));
    this.select([]);
  }

  /** Unlock every locked element and select them, so one sees what came free. */
  unlockAll() {
    const ops = unlockAllOps(this.eachElement());
    if (ops.length === 0) return;
    this.commit(ops);
    this.select(ops.map((op) => (op.op === 'put' ? op.el.id : '')));
  }

  /** @returns {number} how many elements are locked */
  lockedCount() {
    let n = 0;
    for (const it of this.layer.items) if (isLocked(it.el)) n++;
    return n;
  }

  /** @returns {{minX: number, minY: number, maxX: number, maxY: number} | null} the box around everything drawn */
  contentBox() {
    const items = this.layer.items;
    if (items.length === 0) return null;
    const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    for (const it of items) {
      box.minX = Math.min(box.minX, it.minX);
      box.minY = Math.min(box.minY, it.minY);
      box.maxX = Math.max(box.maxX, it.maxX);
      box.maxY = Math.max(box.maxY, it.maxY);
    }
    return box;
  }

  /** 100 %, and back to the drawing when none of it is in view. */
  resetZoom() {
    this.nav.resetZoomTo(this.contentBox());
  }

  /**
   * Change the style of new elements, and of the selection (one ops message).
   * @param {Partial<Style>} fields
   */
  setStyle(fields) {
    if (fields.width !== undefined) fields.width = clampWidth(fields.width);
    this.style = { ...this.style, ...fields };
    const ops = [];
    for (const el of this.selected()) {
      if (el.kind === 'image') continue; // a picture has no stroke or fill to change
      const next = { ...el };
      if (fields.stroke !== undefined) next.stroke = fields.stroke;
      if (fields.width !== undefined && !TEXT_KINDS.has(el.kind)) next.width = fields.width;
      if (fields.fill !== undefined && !POINT_KINDS.has(el.kind) && el.kind !== 'text') next.fill = fields.fill;
      if (fields.dash !== undefined && DASH_KINDS.has(el.kind)) {
        if (fields.dash === 'solid') delete next.dash;
        else next.dash = fields.dash;
      }
      if (fields.round !== undefined && ROUND_KINDS.has(el.kind)) {
        if (fields.round) next.round = true;
        else delete next.round;
      }
      const changed = next.stroke !== el.stroke || next.width !== el.width || next.fill !== el.fill || next.dash !== el.dash || next.round !== el.round;
      if (changed) ops.push({ op: /** @type {const} */ ('put'), el: next });
    }
    this.commit(ops);
    this.emit();
  }

  /**
   * Rename the board (one title op).
   * @param {string} title 1–120 characters
   */
  setTitle(title) {
    if (title === this.sync.title) return;
    this.commit([{ op: 'title', title }]);
  }

  // ---------- input ----------

  /**
   * A tool pointer from a pointer event.
   * @param {PointerEvent | MouseEvent} ev
   * @param {boolean} [withTrail] add the coalesced points
   * @returns {ToolPointer}
   */
  pointer(ev, withTrail = false) {
    const r = this.surface.getBoundingClientRect();
    const sx = ev.clientX - r.left;
    const sy = ev.clientY - r.top;
    const b = this.viewport.toBoard(sx, sy);
    /** @type {Array<{x: number, y: number}>} */
    let trail = [b];
    if (withTrail && 'getCoalescedEvents' in ev && typeof ev.getCoalescedEvents === 'function') {
      const events = ev.getCoalescedEvents();
      if (events.length > 1) {
        trail = events.map((e) => this.viewport.toBoard(e.clientX - r.left, e.clientY - r.top));
      }
    }
    return {
      x: b.x,
      y: b.y,
      sx,
      sy,
      shift: ev.shiftKey,
      mod: ev.ctrlKey || ev.metaKey,
      pointerType: 'pointerType' in ev ? ev.pointerType : 'mouse',
      trail,
    };
  }

  cancelGesture() {
    this.tap = null;
    if (this.active === null) return;
    this.active = null;
    this.tool.cancel?.();
  }

  /**
   * Keep getting a pointer's events when it leaves the canvas.
   * @param {number} id
   */
  capture(id) {
    try {
      this.surface.setPointerCapture(id);
    } catch {
      // not an active pointer (a synthetic event): nothing to capture
    }
  }

  bindPointer() {
    const s = this.surface;
    s.addEventListener('pointerdown', (ev) => {
      if (this.nav.down(ev)) {
        this.cancelGesture();
        this.capture(ev.pointerId);
        if (this.nav.pan) this.setCursor('grabbing');
        ev.preventDefault();
        return;
      }
      if (ev.button !== 0 || this.active !== null) return;
      if (!this.sync.hasState && this.tool !== this.tools.select && this.tool !== this.tools.hand) return;
      ev.preventDefault(); // no text selection and no focus change: done by hand here
      if (ev.pointerType === 'touch' && !this.tool.up) {
        // A tool that acts at once (text, sticky) acts when the finger
        // lifts: a second finger (pan, pinch) must find nothing made.
        this.tap = ev.pointerId;
        return;
      }
      this.begin(ev);
    });
    s.addEventListener('pointermove', (ev) => {
      if (this.nav.move(ev)) return;
      if (this.active === ev.pointerId) this.tool.move?.(this.pointer(ev, true));
      else if (this.active === null && !this.nav.active && ev.pointerType !== 'touch') {
        if (this.nav.spaceHeld) this.setCursor('grab');
        else if (this.tool.hover) this.tool.hover(this.pointer(ev));
        else this.setCursor(this.tool.cursor);
      }
    });
    const end = (/** @type {PointerEvent} */ ev) => {
      if (this.nav.up(ev)) {
        this.setCursor(this.nav.spaceHeld ? 'grab' : this.tool.cursor);
        return;
      }
      if (this.tap === ev.pointerId) {
        this.tap = null;
        if (ev.type === 'pointerup') this.begin(ev);
        this.active = null;
        return;
      }
      if (this.active !== ev.pointerId) return;
      this.active = null;
      if (ev.type === 'pointercancel') this.tool.cancel?.();
      else this.tool.up?.(this.pointer(ev));
    };
    s.addEventListener('pointerup', end);
    s.addEventListener('pointercancel', end);
    s.addEventListener('dblclick', (ev) => this.tool.doubleClick?.(this.pointer(ev)));
    s.addEventListener('contextmenu', (ev) => ev.preventDefault());
  }

  /**
   * Start the tool's gesture with this pointer.
   * @param {PointerEvent} ev
   */
  begin(ev) {
    const editing = this.editor.isOpen;
    const ae = document.activeElement;
    if (ae instanceof HTMLElement && ae !== document.body) ae.blur();
    this.editor.close(true); // a click outside the text editor finishes the edit
    if (editing && (this.tool === this.tools.text || this.tool === this.tools.sticky)) return;
    this.capture(ev.pointerId);
    this.active = ev.pointerId;
    this.tool.down(this.pointer(ev));
  }

  bindKeys() {
    window.addEventListener('keydown', (ev) => this.onKey(ev));
    window.addEventListener('keyup', (ev) => {
      if (ev.key === ' ') {
        this.nav.spaceHeld = false;
        if (this.active === null) this.setCursor(this.tool.cursor);
      }
    });
    window.addEventListener('blur', () => {
      this.nav.spaceHeld = false;
    });
  }

  /**
   * Zoom keys: + or =, - or _ with or without Ctrl/⌘; 0 (100 %) with it
   * only, as in Excalidraw: 0 alone is the eraser.
   * @param {string} key
   * @param {boolean} mod
   * @returns {boolean} whether key was a zoom key
   */
  zoomByKey(key, mod) {
    if (key === '0' && !mod) return false;
    switch (key) {
      case '+':
      case '=':
        this.nav.zoomBy(ZOOM_STEP);
        return true;
      case '-':
      case '_':
        this.nav.zoomBy(1 / ZOOM_STEP);
        return true;
      case '0':
        this.resetZoom();
        return true;
    }
    return false;
  }

  /** @param {KeyboardEvent} ev */
  onKey(ev) {
    if (ev.defaultPrevented || isTextField(ev.target)) return;
    const mod = ev.ctrlKey || ev.metaKey;
    const key = ev.key;
    const handled = () => ev.preventDefault();
    if (key === ' ' && !mod) {
      if (ev.target instanceof HTMLButtonElement || ev.target instanceof HTMLAnchorElement) return;
      handled();
      if (!this.nav.spaceHeld) {
        this.nav.spaceHeld = true;
        if (this.active === null) this.setCursor('grab');
      }
      return;
    }
    const keys = keysOf(ev);
    const action = actionForKeys(keys);
    if (action) {
      handled();
      if (!ev.repeat) this.run(action.name);
      return;
    }
    if (mod && !ev.altKey) {
      if (this.zoomByKey(key, true)) {
        handled();
        return;
      }
      switch (key.toLowerCase()) {
        case 'z':
          handled();
          if (ev.shiftKey) this.redo();
          else this.undo();
          return;
        case 'y':
          handled();
          this.redo();
          return;
        case 'd':
          handled();
          this.duplicateSelection();
          return;
        case 'a':
          handled();
          this.selectAll();
          return;
        default:
          return;
      }
    }
    if (ev.altKey || mod) return;
    if (this.zoomByKey(key, false)) {
      handled();
      return;
    }
    switch (key) {
      case '?':
        handled();
        this.onHelp();
        return;
      case 'Escape':
        if (this.active !== null) this.cancelGesture();
        else this.select([]);
        this.layer.invalidate();
        return;
      case 'Enter': {
        // One text, sticky or shape selected: edit its text or label.
        const [only, more] = this.selected();
        // Not when Enter belongs to a focused control (a toolbar button).
        if (ev.target !== document.body && ev.target !== this.surface) return;
        if (this.readOnly || !only || more || this.tool !== this.tools.select) return;
        if (/** @type {SelectTool} */ (this.tool).editElement(only)) handled();
        return;
      }
      case 'Delete':
      case 'Backspace':
        handled();
        this.deleteSelection();
        return;
      case 'ArrowLeft':
      case 'ArrowRight':
      case 'ArrowUp':
      case 'ArrowDown': {
        if (this.selection.size === 0) return;
        handled();
        const step = ev.shiftKey ? 10 : 1;
        const dx = key === 'ArrowLeft' ? -step : key === 'ArrowRight' ? step : 0;
        const dy = key === 'ArrowUp' ? -step : key === 'ArrowDown' ? step : 0;
        this.nudgeSelection(dx, dy);
        return;
      }
      default: {
        if (ev.repeat) return;
        const tool = toolForKeys(keys);
        if (tool) {
          handled();
          this.setTool(tool.name);
        }
      }
    }
  }
}

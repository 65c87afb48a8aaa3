// History: undo and redo of this client's own edits. Each edit records the
// ops that reverse it, computed from the board as it was shown just before
// (rendered: confirmed + pending). Undo sends those ops as an ordinary ops
// message and records the reverse of the undo for redo. Nobody else's
// edits are touched beyond what the reversing ops say, with one courtesy: an
// undo does not bring back an element that someone else deleted meanwhile
// (the reversal of a change to it is skipped).

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */

/**
 * A reversing op. onlyIfPresent: skip it when the element is gone by the
 * time of the undo (it reverts a modification, not a deletion; or it
 * deletes an imported element someone else deleted already).
 * @typedef {object} Step
 * @property {Op} op
 * @property {boolean} onlyIfPresent
 */

/**
 * @typedef {object} Entry
 * @property {Step[]} steps
 * @property {string[]} refs the messages of the edit this entry reverses
 */

/** Entries kept per stack. */
const DEPTH = 200;

/**
 * The steps that reverse ops applied to a board where lookup(id) was each
 * element and title the title. Only the first state of each element counts;
 * the steps are in reverse order of first touch.
 * @param {Op[]} ops
 * @param {(id: string) => Element | undefined} lookup
 * @param {string} title
 * @returns {Step[]}
 */
export function inverseSteps(ops, lookup, title) {
  /** @type {Map<string, {before: Element | undefined, put: boolean}>} */
  const first = new Map();
  let titleTouched = false;
  for (const op of ops) {
    if (op.op === 'title') {
      titleTouched = true;
      continue;
    }
    const id = op.op === 'put' ? op.el.id : op.id;
    if (!first.has(id)) first.set(id, { before: lookup(id), put: op.op === 'put' });
  }
  /** @type {Step[]} */
  const steps = [];
  if (titleTouched && title !== '') steps.push({ op: { op: 'title', title }, onlyIfPresent: false });
  for (const [id, { before, put }] of first) {
    if (before) steps.push({ op: { op: 'put', el: before }, onlyIfPresent: put });
    else if (put) steps.push({ op: { op: 'del', id }, onlyIfPresent: false });
  }
  return steps.reverse();
}

/**
 * The steps that undo an import: deleting exactly the elements it added
 * (the server gave them their ids), those still there at the time of the
 * undo. An import is one undo step, like a gesture.
 * @param {string[]} ids
 * @returns {Step[]}
 */
export function importSteps(ids) {
  return ids.map((id) => ({ op: /** @type {Op} */ ({ op: 'del', id }), onlyIfPresent: true }));
}

/**
 * The ops of steps that still apply to the board as it is now.
 * @param {Step[]} steps
 * @param {(id: string) => Element | undefined} lookup
 * @returns {Op[]}
 */
export function stepsToOps(steps, lookup) {
  /** @type {Op[]} */
  const ops = [];
  for (const s of steps) {
    if (s.onlyIfPresent && s.op.op === 'put' && !lookup(s.op.el.id)) continue;
    if (s.onlyIfPresent && s.op.op === 'del' && !lookup(s.op.id)) continue;
    ops.push(s.op);
  }
  return ops;
}

export class History {
  constructor() {
    /** @type {Entry[]} */
    this.undos = [];
    /** @type {Entry[]} */
    this.redos = [];
    /** @type {Set<() => void>} */
    this.listeners = new Set();
  }

  /**
   * Record a new edit of ours; clears redo.
   * @param {Step[]} steps
   * @param {string[]} refs
   */
  record(steps, refs) {
    if (steps.length === 0) return;
    this.undos.push({ steps, refs });
    if (this.undos.length > DEPTH) this.undos.shift();
    this.redos = [];
    this.emit();
  }

  /**
   * Take the entry to undo, or null.
   * @returns {Entry | null}
   */
  takeUndo() {
    const e = this.undos.pop() ?? null;
    if (e) this.emit();
    return e;
  }

  /**
   * Take the entry to redo, or null.
   * @returns {Entry | null}
   */
  takeRedo() {
    const e = this.redos.pop() ?? null;
    if (e) this.emit();
    return e;
  }

  /**
   * After an undo went out: what reverses it.
   * @param {Entry} entry
   */
  pushRedo(entry) {
    if (entry.steps.length === 0) return;
    this.redos.push(entry);
    if (this.redos.length > DEPTH) this.redos.shift();
    this.emit();
  }

  /**
   * After a redo went out: what reverses it (redo stays as it is).
   * @param {Entry} entry
   */
  pushUndo(entry) {
    if (entry.steps.length === 0) return;
    this.undos.push(entry);
    if (this.undos.length > DEPTH) this.undos.shift();
    this.emit();
  }

  /**
   * The server refused message ref: entries that reverse it are void.
   * @param {string} ref
   */
  forget(ref) {
    const keep = (/** @type {Entry} */ e) => !e.refs.includes(ref);
    const u = this.undos.length;
    const r = this.redos.length;
    this.undos = this.undos.filter(keep);
    this.redos = this.redos.filter(keep);
    if (u !== this.undos.length || r !== this.redos.length) this.emit();
  }

  get canUndo() {
    return this.undos.length > 0;
  }

  get canRedo() {
    return this.redos.length > 0;
  }

  /**
   * Call fn whenever the stacks change.
   * @param {() => void} fn
   */
  onChange(fn) {
    this.listeners.add(fn);
  }

  emit() {
    for (const fn of this.listeners) fn();
  }
}

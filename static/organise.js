// Organise: groups, locks, stacking order and "select all", as pure
// functions over elements. Each action returns the ops of ONE message (the
// whiteboard commits them as one gesture, so one undo step); nothing here
// touches the page.
//
// Groups are one level deep (`group` is a single id, as in the wire
// contract): grouping elements that already belong to groups puts all of
// them in the new group. A selection always holds whole groups and never a
// locked element (expandSelection), so moving, erasing or restyling a
// selection acts on whole groups and leaves locked elements alone.
//
// Stacking follows Excalidraw: "forward" moves each contiguous run of the
// selection just above the next element (the whole group, when that element
// belongs to one), "backward" likewise downwards, "front" and "back" to the
// very top or bottom, keeping the selection's own order. Only the moved
// elements get new z keys (zorder.js), so concurrent edits elsewhere never
// conflict.

import { compareStrings, keyBetween } from './zorder.js';

/** @typedef {import('./element.js').Element} Element */
/** @typedef {import('./element.js').Op} Op */
/** @typedef {'forward' | 'backward' | 'front' | 'back'} ZMove */

/**
 * @param {Element | undefined | null} el
 * @returns {boolean}
 */
export function isLocked(el) {
  return el?.locked === true;
}

/**
 * Order of the board: z, then id, in byte order.
 * @param {Element} a
 * @param {Element} b
 * @returns {number}
 */
export function byZ(a, b) {
  return compareStrings(a.z, b.z) || compareStrings(a.id, b.id);
}

/**
 * The ids a selection really holds: locked elements and unknown ids left
 * out, every group present completed with all its (unlocked) members. When
 * `drop` is the id of an element that a shift-click just took out of the
 * selection, its whole group goes instead of coming back.
 * @param {Iterable<string>} ids
 * @param {(id: string) => Element | undefined} lookup
 * @param {Iterable<Element>} all every element of the board (for groups)
 * @param {string | null} [drop]
 * @returns {Set<string>}
 */
export function expandSelection(ids, lookup, all, drop = null) {
  const dropGroup = drop === null ? undefined : lookup(drop)?.group;
  /** @type {Set<string>} */
  const out = new Set();
  /** @type {Set<string>} */
  const groups = new Set();
  for (const id of ids) {
    const el = lookup(id);
    if (!el || isLocked(el)) continue;
    if (el.group !== undefined) {
      if (el.group === dropGroup) continue;
      groups.add(el.group);
    }
    out.add(id);
  }
  if (groups.size > 0) {
    for (const el of all) {
      if (el.group !== undefined && groups.has(el.group) && !isLocked(el)) out.add(el.id);
    }
  }
  return out;
}

/**
 * Ids for "select all": everything not locked, bottom to top.
 * @param {Iterable<Element>} all
 * @returns {string[]}
 */
export function selectableIds(all) {
  const out = [];
  for (const el of all) if (!isLocked(el)) out.push(el.id);
  return out;
}

/**
 * n keys strictly between a and b (null: unbounded), ascending, made by
 * halving the interval so that they stay short; null when they do not fit.
 * @param {string | null} a
 * @param {string | null} b
 * @param {number} n
 * @returns {string[] | null}
 */
export function spreadKeys(a, b, n) {
  if (n <= 0) return [];
  // Unbounded above: keys on top only count up and stay short one by one.
  if (b === null) {
    const keys = [];
    let lo = a;
    for (let i = 0; i < n; i++) {
      const k = keyBetween(lo, null);
      if (k === null) return null;
      keys.push(k);
      lo = k;
    }
    return keys;
  }
  const mid = keyBetween(a, b);
  if (mid === null) return null;
  const half = (n - 1) >> 1;
  const left = spreadKeys(a, mid, half);
  const right = spreadKeys(mid, b, n - 1 - half);
  if (left === null || right === null) return null;
  return [...left, mid, ...right];
}

/**
 * Keys for the board in a new order: every element of `moved` gets a new key
 * between its neighbours in `target`, the others keep theirs. Where no key
 * fits (neighbours with equal keys, or nothing below "0" — keys from other
 * clients may be anything), the window around the run widens to take in its
 * neighbours too, until it fits. Returns the puts of every element whose key
 * changed.
 * @param {Element[]} target every element, in the wanted order
 * @param {Set<string>} moved
 * @returns {Op[]}
 */
export function rekey(target, moved) {
  const n = target.length;
  /** @type {Array<string | null>} */
  const keys = target.map((el) => (moved.has(el.id) ? null : el.z));
  const keyAt = (/** @type {number} */ i) => (i < 0 || i >= n ? null : keys[i]);
  for (let s = 0; s < n; s++) {
    if (keys[s] !== null) continue;
    let e = s;
    while (e + 1 < n && keys[e + 1] === null) e++;
    let lo = s - 1;
    let hi = e + 1;
    for (let widen = 0; ; widen++) {
      const fit = spreadKeys(keyAt(lo), keyAt(hi), hi - lo - 1);
      if (fit !== null) {
        for (let k = 0; k < fit.length; k++) keys[lo + 1 + k] = fit[k];
        break;
      }
      // Alternate sides; past both ends the keys always fit.
      if ((widen % 2 === 0 && lo >= 0) || hi >= n) lo--;
      else hi++;
    }
    s = hi - 1;
  }
  /** @type {Op[]} */
  const ops = [];
  target.forEach((el, i) => {
    const z = /** @type {string} */ (keys[i]);
    if (z !== el.z) ops.push({ op: 'put', el: { ...el, z } });
  });
  return ops;
}

/**
 * The ops that move the selection in the stacking order.
 * @param {Element[]} sorted every element of the board, bottom to top (byZ)
 * @param {Set<string>} selected
 * @param {ZMove} how
 * @returns {Op[]}
 */
export function zOrderOps(sorted, selected, how) {
  const sel = sorted.filter((el) => selected.has(el.id));
  if (sel.length === 0 || sel.length === sorted.length) return [];
  const n = sorted.length;
  const rest = sorted.filter((el) => !selected.has(el.id));
  if (how === 'front') {
    // Already the top run: nothing to do.
    if (sorted.slice(n - sel.length).every((el) => selected.has(el.id))) return [];
    return rekey([...rest, ...sel], selected);
  }
  if (how === 'back') {
    if (sorted.slice(0, sel.length).every((el) => selected.has(el.id))) return [];
    return rekey([...sel, ...rest], selected);
  }
  const up = how === 'forward';
  /** Runs to put right after (forward) or before (backward) an index. @type {Map<number, Element[]>} */
  const anchored = new Map();
  /** @type {Set<string>} */
  const moved = new Set();
  // Contiguous runs of selected elements, each jumping over one neighbour
  // (or the neighbour's whole group).
  for (let i = 0; i < n; ) {
    if (!selected.has(sorted[i].id)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && selected.has(sorted[j + 1].id)) j++;
    const run = sorted.slice(i, j + 1);
    if (up && j + 1 < n) {
      let t = j + 1;
      const g = sorted[t].group;
      if (g !== undefined) {
        for (let k = t + 1; k < n && !selected.has(sorted[k].id); k++) if (sorted[k].group === g) t = k;
      }
      anchored.set(t, run);
    } else if (!up && i > 0) {
      let t = i - 1;
      const g = sorted[t].group;
      if (g !== undefined) {
        for (let k = t - 1; k >= 0 && !selected.has(sorted[k].id); k--) if (sorted[k].group === g) t = k;
      }
      anchored.set(t, run);
    }
    i = j + 1;
  }
  for (const run of anchored.values()) for (const el of run) moved.add(el.id);
  if (moved.size === 0) return [];
  /** @type {Element[]} */
  const target = [];
  sorted.forEach((el, i) => {
    const run = anchored.get(i);
    if (run && !up) target.push(...run);
    if (!moved.has(el.id)) target.push(el);
    if (run && up) target.push(...run);
  });
  return rekey(target, moved);
}

/**
 * Group the selection: every selected element gets the new group id, and
 * the members are stacked together just under the topmost one (as in
 * Excalidraw), so that stacking moves treat the group as one. Needs two
 * elements or more, and not exactly one existing group.
 * @param {Element[]} sorted every element, bottom to top
 * @param {Set<string>} selected
 * @param {string} groupId
 * @returns {Op[]}
 */
export function groupOps(sorted, selected, groupId) {
  const members = sorted.filter((el) => selected.has(el.id));
  if (members.length < 2) return [];
  const first = members[0].group;
  if (first !== undefined && members.every((el) => el.group === first)) {
    const whole = sorted.every((el) => el.group !== first || selected.has(el.id));
    if (whole) return [];
  }
  const top = members[members.length - 1];
  const grouped = new Map(members.map((el) => [el.id, { ...el, group: groupId }]));
  /** @type {Set<string>} */
  const moved = new Set();
  /** @type {Element[]} */
  const target = [];
  const firstIndex = sorted.indexOf(members[0]);
  const topIndex = sorted.indexOf(top);
  const contiguous = topIndex - firstIndex + 1 === members.length;
  for (const el of sorted) {
    const g = grouped.get(el.id);
    if (!g) target.push(el);
    else if (el === top) {
      // The others join the topmost member, in their order.
      for (const m of members) {
        const placed = /** @type {Element} */ (grouped.get(m.id));
        if (m !== top && !contiguous) moved.add(m.id);
        target.push(placed);
      }
    }
  }
  const ops = rekey(target, moved);
  const rekeyed = new Set(ops.map((op) => (op.op === 'put' ? op.el.id : '')));
  for (const el of grouped.values()) if (!rekeyed.has(el.id)) ops.push({ op: 'put', el });
  return ops;
}

/**
 * Ungroup: the selected elements lose their group.
 * @param {Element[]} selected
 * @returns {Op[]}
 */
export function ungroupOps(selected) {
  /** @type {Op[]} */
  const ops = [];
  for (const el of selected) {
    if (el.group === undefined) continue;
    const { group: _, ...rest } = el;
    ops.push({ op: 'put', el: /** @type {Element} */ (rest) });
  }
  return ops;
}

/**
 * Lock the selected elements.
 * @param {Element[]} selected
 * @returns {Op[]}
 */
export function lockOps(selected) {
  return selected.filter((el) => !isLocked(el)).map((el) => ({ op: /** @type {const} */ ('put'), el: { ...el, locked: true } }));
}

/**
 * Unlock every locked element (the way back to them, since a locked
 * element cannot be selected).
 * @param {Iterable<Element>} all
 * @returns {Op[]}
 */
export function unlockAllOps(all) {
  /** @type {Op[]} */
  const ops = [];
  for (const el of all) {
    if (!isLocked(el)) continue;
    const { locked: _, ...rest } = el;
    ops.push({ op: 'put', el: /** @type {Element} */ (rest) });
  }
  return ops;
}

/**
 * Copies of elements (duplicate, paste) must not join the originals'
 * groups: each group among them gets one new id, the same for all its
 * copies.
 * @param {Element[]} copies
 * @param {() => string} newGroupId
 * @returns {Element[]}
 */
export function regroup(copies, newGroupId) {
  /** @type {Map<string, string>} */
  const fresh = new Map();
  return copies.map((el) => {
    if (el.group === undefined) return el;
    let g = fresh.get(el.group);
    if (g === undefined) {
      g = newGroupId();
      fresh.set(el.group, g);
    }
    return { ...el, group: g };
  });
}

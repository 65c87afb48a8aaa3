// Unicode line breaking (UAX #14, https://unicode.org/reports/tr14/):
// where a line may break, as the exports' line breaker
// (github.com/go-text/typesetting/segmenter) finds it, so a text wraps at
// the same places on the canvas and in PNG, SVG and PDF. Browsers have
// Intl.Segmenter for graphemes and words but not for lines, hence these
// rules. The classes come from linebreak-data.js, generated from the Go
// library's own tables (go run ./cmd/gen-linebreak); the rules below
// follow the library's (BSD-3-Clause) rule by rule, including its
// tailorings: Thai, Lao and the other SA scripts resolve to AL (LB1), so
// they break at spaces only, and numbers follow LB25's regex form.
// static/test/linebreak.test.js checks every opportunity against the
// library's on export/testdata/linebreaks.json.

import { CLASSES, FLAG_SHIFT, STARTS, VALUES } from './linebreak-data.js';

// Flags beside a code point's class (cmd/gen-linebreak/main.go).
const WIDE = 1; // East_Asian_Width F, W or H
const PI = 2; // General_Category Pi (initial quotation)
const PF = 4; // General_Category Pf (final quotation)
const MARK = 8; // General_Category Mn or Mc
const PICTO_CN = 16; // unassigned Extended_Pictographic

const DOTTED_CIRCLE = 0x25cc;
const MANDATORY = 'mandatory';
const ALLOWED = 'allowed';
const PROHIBITED = 'prohibited';
const PARAGRAPH_SEPARATOR = 0x2029;

/** Span starts and values, decoded once. */
const starts = new Uint32Array(STARTS.split(' ').length);
const values = new Uint16Array(starts.length);
{
  let at = 0;
  STARTS.split(' ').forEach((d, i) => {
    at += parseInt(d, 36);
    starts[i] = at;
  });
  VALUES.split(' ').forEach((v, i) => {
    values[i] = parseInt(v, 36);
  });
}
const MASK = (1 << FLAG_SHIFT) - 1;

/**
 * The class index and flags of a code point.
 * @param {number} cp
 * @returns {number}
 */
function lookup(cp) {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= cp) lo = mid;
    else hi = mid - 1;
  }
  return values[lo];
}

/** Class indices by name; NO_CLASS is none (before the text). */
const C = Object.fromEntries(CLASSES.map((name, i) => [name, i]));
const NO_CLASS = CLASSES.length;

/** A code point's properties. */
class Props {
  /** @param {number} cp */
  constructor(cp) {
    const v = lookup(cp);
    this.cp = cp;
    /** The UAX #14 class index, unresolved (CLASSES[cls]). */
    this.cls = v & MASK;
    this.flags = v >> FLAG_SHIFT;
    this.wide = (v >> FLAG_SHIFT & WIDE) !== 0;
  }
}

/** Properties by code point, for the text's usual few hundred. */
/** @type {Map<number, Props>} */
const cache = new Map();
/** @param {number} cp */
function props(cp) {
  let p = cache.get(cp);
  if (!p) {
    p = new Props(cp);
    if (cache.size < 4096) cache.set(cp, p);
  }
  return p;
}

/** The properties of nothing, before the text. */
const NONE = Object.assign(new Props(0), { cp: -1, cls: NO_CLASS, flags: 0, wide: false });

/**
 * A set of classes, as a table indexed by class.
 * @param {string[]} names
 */
const set = (...names) => {
  const t = new Uint8Array(NO_CLASS + 1);
  for (const name of names) t[C[name]] = 1;
  return t;
};
const HARD = set('BK', 'CR', 'LF', 'NL');
const HARD_SP_ZW = set('BK', 'CR', 'LF', 'NL', 'SP', 'ZW');
const CM_ZWJ = set('CM', 'ZWJ');
const SP_BA_HY_HH = set('SP', 'BA', 'HY', 'HH');
const CL_CP_EX_SY = set('CL', 'CP', 'EX', 'SY');
const LB15A_BEFORE = set('BK', 'CR', 'LF', 'NL', 'OP', 'QU', 'GL', 'SP', 'ZW');
const LB15B_AFTER = set('SP', 'GL', 'WJ', 'CL', 'QU', 'CP', 'EX', 'IS', 'SY', 'BK', 'CR', 'LF', 'NL', 'ZW');
const CL_CP = set('CL', 'CP');
const LB20A_BEFORE = set('BK', 'CR', 'LF', 'NL', 'SP', 'ZW', 'CB', 'GL');
const HY_HH = set('HY', 'HH');
const AL_HL = set('AL', 'HL');
const BA_HH_HY_NS = set('BA', 'HH', 'HY', 'NS');
const ID_EB_EM = set('ID', 'EB', 'EM');
const PR_PO = set('PR', 'PO');
const OP_HY = set('OP', 'HY');
const OP_HY_IS = set('OP', 'HY', 'IS');
const NU_SY_IS = set('NU', 'SY', 'IS');
const JL_JV_H2_H3 = set('JL', 'JV', 'H2', 'H3');
const JV_H2 = set('JV', 'H2');
const JV_JT = set('JV', 'JT');
const JT_H3 = set('JT', 'H3');
const HANGUL = set('JL', 'JV', 'JT', 'H2', 'H3');
const AK_AS = set('AK', 'AS');
const VF_VI = set('VF', 'VI');
const AL_HL_NU = set('AL', 'HL', 'NU');

/**
 * LB1: resolve AI, SG, XX (to AL), SA (to CM for its marks, else AL) and
 * CJ (to NS, the strict reading).
 * @param {Props} p
 */
function resolve(p) {
  switch (p.cls) {
    case C.AI:
    case C.SG:
    case C.XX:
      return C.AL;
    case C.SA:
      return p.flags & MARK ? C.CM : C.AL;
    case C.CJ:
      return C.NS;
  }
  return p.cls;
}

/**
 * Where a line may break in text, by UAX #14: the UTF-16 offsets of every
 * break opportunity inside it (never 0; text.length, the end, is not
 * listed). A mandatory break (after CR, U+2028 and the like) is listed as
 * any other.
 * @param {string} text
 * @returns {number[]}
 */
export function breakOpportunities(text) {
  const cps = Array.from(text, (ch) => /** @type {number} */ (ch.codePointAt(0)));
  const allowed = breakAttributes(cps);
  /** @type {number[]} */
  const out = [];
  let at = 0;
  for (let i = 0; i < cps.length; i++) {
    if (i > 0 && allowed[i]) out.push(at);
    at += cps[i] > 0xffff ? 2 : 1;
  }
  return out;
}

/**
 * Whether a line may break before each code point (the Go segmenter's
 * line boundary attribute): one entry per code point plus the end; the
 * first is false (LB2), the last true (LB3).
 * @param {number[]} cps the text's code points
 * @returns {boolean[]}
 */
export function breakAttributes(cps) {
  const n = cps.length;
  /** @type {boolean[]} */
  const out = new Array(n + 1).fill(false);
  // The state the rules look back at, as the Go cursor keeps it: the
  // code points around this one; the classes before it (LB9 and LB10 let
  // combining marks take their base's class); the last non-space before
  // spaces (the SP* rules); regional indicator parity (LB30a); numbers
  // (LB25).
  let prevPrev = NONE;
  let prev = NONE;
  let cur = NONE;
  let next = NONE;
  let line = NO_CLASS;
  let prevPrevLine = NO_CLASS;
  let prevLine = NO_CLASS;
  let prevLineRaw = NO_CLASS;
  let isPreviousSot = false;
  let beforeSpaces = NONE;
  let beforeSpacesLine = NO_CLASS;
  let prevBeforeSpacesLine = NO_CLASS;
  let beforeSpaceLineRaw = NO_CLASS;
  let beforeSpacesIndex = 0;
  let isPrevDottedCircle = false;
  let isPrevPrevDottedCircle = false;
  let isPrevNonAssignedPicto = false;
  let riOdd = false;
  let numSequence = 0; // 0: none, 1: in NU (NU | SY | IS)*, 2: at its closing CL | CP
  let inNumber = false;

  for (let i = 0; i <= n; i++) {
    // The text ends with a paragraph separator, as in the Go segmenter.
    prevPrev = prev;
    prev = cur;
    cur = props(i < n ? cps[i] : PARAGRAPH_SEPARATOR);
    next = i === n ? props(0) : props(i === n - 1 ? PARAGRAPH_SEPARATOR : cps[i + 1]);
    line = resolve(cur);
    inNumber = updateNumber();
    out[i] = rules(i) !== PROHIBITED; // LB31: break everywhere else
    endIteration(i);
  }
  if (n > 0) out[0] = false; // LB2: never at the start
  out[n] = true; // LB3: always at the end
  return out;

  /**
   * LB25's NU (NU | SY | IS)* (CL | CP)? sequences: whether the current
   * class continues one (and so may not be broken before).
   */
  function updateNumber() {
    if (CM_ZWJ[line]) return false; // LB9: marks do not count
    switch (numSequence) {
      case 0:
        if (line === C.NU) numSequence = 1;
        return false;
      case 1:
        if (NU_SY_IS[line]) return true;
        if (CL_CP[line]) {
          numSequence = 2;
          return true;
        }
        numSequence = 0;
        return PR_PO[line] === 1; // ends it
      default:
        numSequence = 0;
        return PR_PO[line] === 1; // NU … (CL | CP) × (PO | PR)
    }
  }

  /**
   * Remember what the next code point's rules look back at. LB9 and LB10:
   * a combining mark or ZWJ takes the class of what it follows (AL at
   * the start or after a space or break).
   * @param {number} i
   */
  function endIteration(i) {
    if (CM_ZWJ[line]) {
      if (i === 0 || HARD_SP_ZW[prevLine]) prevLine = C.AL; // LB10
    } else {
      isPreviousSot = i === 0;
      if (line !== C.SP) {
        beforeSpaces = cur;
        beforeSpacesIndex = i;
        beforeSpacesLine = line;
        prevBeforeSpacesLine = prevLine;
      }
      prevPrevLine = prevLine;
      prevLine = line;
      isPrevPrevDottedCircle = isPrevDottedCircle;
      isPrevDottedCircle = cur.cp === DOTTED_CIRCLE;
      isPrevNonAssignedPicto = (cur.flags & PICTO_CN) !== 0;
    }
    prevLineRaw = line;
    if (prevLine !== C.SP) beforeSpaceLineRaw = line;
    if (line === C.RI) riOdd = !riOdd;
    else if (!CM_ZWJ[line]) riOdd = false;
  }

  /**
   * The rules from LB4 to LB30b for a break before code point i, in
   * order, the first that applies deciding: MANDATORY, ALLOWED,
   * PROHIBITED, or '' when none does (LB31 then allows it).
   * @param {number} i
   */
  function rules(i) {
    const br1 = line;
    const brm1 = prevPrevLine;
    const br0 = prevLine;
    const br2 = next.cls; // unresolved, as the Go cursor's nextLine
    const last = i === n - 1;
    // LB4, LB5: BK !, CR ! (but CR × LF), LF !, NL !
    if (HARD[br0] && !(br0 === C.CR && cur.cp === 0x0a)) return MANDATORY;
    // LB6: × (BK | CR | LF | NL); LB7: × SP, × ZW
    if (HARD_SP_ZW[br1]) return PROHIBITED;
    // LB8: ZW SP* ÷ (on the classes before LB9 merges marks)
    if (beforeSpaceLineRaw === C.ZW) return ALLOWED;
    // LB8a: ZWJ ×
    if (prevLineRaw === C.ZWJ) return PROHIBITED;
    // LB9: X (CM | ZWJ)* → X, no break inside
    if (CM_ZWJ[br1] && !HARD_SP_ZW[br0]) return PROHIBITED;
    // LB11: × WJ, WJ ×
    if (br0 === C.WJ || br1 === C.WJ) return PROHIBITED;
    // LB12: GL ×; LB12a: [^SP BA HY HH] × GL
    if (br0 === C.GL || (!SP_BA_HY_HH[br0] && br1 === C.GL)) return PROHIBITED;
    // LB13: × CL, × CP, × EX, × SY
    if (CL_CP_EX_SY[br1]) return PROHIBITED;
    // LB14: OP SP* ×
    if (beforeSpacesLine === C.OP) return PROHIBITED;
    // LB15a: (sot | BK | CR | LF | NL | OP | QU | GL | SP | ZW) [\p{Pi}&QU] SP* ×
    if ((beforeSpacesIndex === 0 || LB15A_BEFORE[prevBeforeSpacesLine]) && beforeSpaces.flags & PI && beforeSpacesLine === C.QU) {
      return PROHIBITED;
    }
    // LB15b: × [\p{Pf}&QU] (SP | GL | WJ | CL | QU | CP | EX | IS | SY | BK | CR | LF | NL | ZW | eot)
    if (cur.flags & PF && br1 === C.QU && (LB15B_AFTER[br2] || last)) return PROHIBITED;
    // LB15c: SP ÷ IS NU
    if (br0 === C.SP && br1 === C.IS && br2 === C.NU) return ALLOWED;
    // LB15d: × IS
    if (br1 === C.IS) return PROHIBITED;
    // LB16: (CL | CP) SP* × NS
    if (CL_CP[beforeSpacesLine] && br1 === C.NS) return PROHIBITED;
    // LB17: B2 SP* × B2
    if (beforeSpacesLine === C.B2 && br1 === C.B2) return PROHIBITED;
    // LB18: SP ÷
    if (br0 === C.SP) return ALLOWED;
    // LB19: × [QU - \p{Pi}], [QU - \p{Pf}] ×
    if ((br1 === C.QU && !(cur.flags & PI)) || (br0 === C.QU && !(prev.flags & PF))) return PROHIBITED;
    // LB19a: no break around a quotation mark unless East Asian text is on
    // that side: [^$EastAsian] × QU, × QU ([^$EastAsian] | eot),
    // QU × [^$EastAsian], (sot | [^$EastAsian]) QU ×
    if (
      (br1 === C.QU && !prev.wide) ||
      (br1 === C.QU && (last || !next.wide)) ||
      (br0 === C.QU && !cur.wide) ||
      ((isPreviousSot || !prevPrev.wide) && br0 === C.QU)
    ) {
      return PROHIBITED;
    }
    // LB20: ÷ CB, CB ÷
    if (br0 === C.CB || br1 === C.CB) return ALLOWED;
    // LB20a: (sot | BK | CR | LF | NL | SP | ZW | CB | GL) (HY | HH) × (AL | HL)
    if ((isPreviousSot || LB20A_BEFORE[brm1]) && HY_HH[br0] && AL_HL[br1]) return PROHIBITED;
    // LB21: × BA, × HH, × HY, × NS, BB ×
    if (BA_HH_HY_NS[br1] || br0 === C.BB) return PROHIBITED;
    // LB21a: HL (HY | HH) × [^HL]
    if (brm1 === C.HL && HY_HH[br0] && br1 !== C.HL) return PROHIBITED;
    // LB21b: SY × HL
    if (br0 === C.SY && br1 === C.HL) return PROHIBITED;
    // LB22: × IN
    if (br1 === C.IN) return PROHIBITED;
    // LB23: (AL | HL) × NU, NU × (AL | HL)
    if ((AL_HL[br0] && br1 === C.NU) || (br0 === C.NU && AL_HL[br1])) return PROHIBITED;
    // LB23a: PR × (ID | EB | EM), (ID | EB | EM) × PO
    if ((br0 === C.PR && ID_EB_EM[br1]) || (ID_EB_EM[br0] && br1 === C.PO)) return PROHIBITED;
    // LB24: (PR | PO) × (AL | HL), (AL | HL) × (PR | PO)
    if ((PR_PO[br0] && AL_HL[br1]) || (AL_HL[br0] && PR_PO[br1])) return PROHIBITED;
    // LB25: (PR | PO) × (OP | HY)? NU, (OP | HY | IS) × NU, NU × (NU | SY | IS),
    // NU (NU | SY | IS)* × (NU | SY | IS | CL | CP), and after it × (PO | PR)
    if (PR_PO[br0] && (br1 === C.NU || (OP_HY[br1] && br2 === C.NU))) return PROHIBITED;
    if (OP_HY_IS[br0] && br1 === C.NU) return PROHIBITED;
    if (br0 === C.NU && NU_SY_IS[br1]) return PROHIBITED;
    if (inNumber) return PROHIBITED;
    // LB26: Korean syllable blocks hold together
    if (br0 === C.JL && JL_JV_H2_H3[br1]) return PROHIBITED;
    if (JV_H2[br0] && JV_JT[br1]) return PROHIBITED;
    if (JT_H3[br0] && br1 === C.JT) return PROHIBITED;
    // LB27: (JL | JV | JT | H2 | H3) × PO, PR × (JL | JV | JT | H2 | H3)
    if ((HANGUL[br0] && br1 === C.PO) || (br0 === C.PR && HANGUL[br1])) return PROHIBITED;
    // LB28a: no break inside the orthographic syllables of Brahmic scripts
    const dotted = cur.cp === DOTTED_CIRCLE;
    if (
      // AP × (AK | ◌ | AS)
      (br0 === C.AP && (dotted || AK_AS[br1])) ||
      // (AK | ◌ | AS) × (VF | VI)
      ((isPrevDottedCircle || AK_AS[br0]) && VF_VI[br1]) ||
      // (AK | ◌ | AS) VI × (AK | ◌)
      ((isPrevPrevDottedCircle || AK_AS[brm1]) && br0 === C.VI && (br1 === C.AK || dotted)) ||
      // (AK | ◌ | AS) × (AK | ◌ | AS) VF
      ((isPrevDottedCircle || AK_AS[br0]) && (dotted || AK_AS[br1]) && br2 === C.VF)
    ) {
      return PROHIBITED;
    }
    // LB28: (AL | HL) × (AL | HL)
    if (AL_HL[br0] && AL_HL[br1]) return PROHIBITED;
    // LB29: IS × (AL | HL)
    if (br0 === C.IS && AL_HL[br1]) return PROHIBITED;
    // LB30a: (RI RI)* RI × RI: flags pair up
    if (riOdd && br1 === C.RI) return PROHIBITED;
    // LB30b: EB × EM, [\p{Extended_Pictographic}&\p{Cn}] × EM
    if ((br0 === C.EB && br1 === C.EM) || (isPrevNonAssignedPicto && br1 === C.EM)) return PROHIBITED;
    // LB30: (AL | HL | NU) × [OP - wide], [CP - wide] × (AL | HL | NU)
    if (AL_HL_NU[br0] && br1 === C.OP && !cur.wide) return PROHIBITED;
    if (br0 === C.CP && !prev.wide && AL_HL_NU[br1]) return PROHIBITED;
    return '';
  }
}

const graphemeSegmenter = typeof Intl === 'object' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/**
 * The grapheme clusters of text (UAX #29, as the exports' segmenter cuts
 * them): what a word too long for its line breaks between, so an emoji
 * sequence or a letter with its marks stays whole. Code points where the
 * browser has no Intl.Segmenter.
 * @param {string} text
 * @returns {string[]}
 */
export function graphemes(text) {
  if (!graphemeSegmenter) return Array.from(text);
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

// Rewrite patterns `SADDR SPORT DADDR DPORT` (Click's IPRewriterPattern):
// parsing into plain configuration data, and the runtime pattern that
// chooses a new flow ID. A `-` leaves a field alone; SADDR may be a range
// `A-B` or a prefix `A/LEN`, SPORT a range `L-H`; a range ending in `#` is
// allocated sequentially, one ending in `?` randomly; otherwise the
// packet's own source port (or address) is tried first.

import { unquote } from '../../config-lang/args/split.js';
import { maskToPrefixLen, parseClickIP, parseClickInt, parseClickPrefix, unparseIP } from '../lib/ip-route.js';
import { flowKey, reverseFlow, type FlowID } from './flow-id.js';
import { clickRandomRange } from '../../host-engine/random.js';

export interface PatternConf {
  readonly saddr: number;
  readonly sport: number;
  readonly daddr: number;
  readonly dport: number;
  /** Four-word (address and port) pattern; two-word patterns change addresses only. */
  readonly isNapt: boolean;
  readonly sequential: boolean;
  readonly sameFirst: boolean;
  /** Size of the source range minus one (0: no range). */
  readonly variationTop: number;
}

export const RW_DROP = -1;
export const RW_ADDMAP = -2;

interface Variation {
  base: number;
  top: number;
  sequential: boolean;
  sameFirst: boolean;
}

/** Strip a trailing `#` (sequential) or `?` (random) from a range. */
function rangeSuffix(s: string, v: Variation): string {
  if (s.endsWith('#')) {
    v.sequential = true;
    v.sameFirst = false;
    return s.slice(0, -1);
  }
  if (s.endsWith('?')) {
    v.sameFirst = false;
    return s.slice(0, -1);
  }
  return s;
}

function addressVariation(word: string, v: Variation): boolean {
  const s = rangeSuffix(word, v);
  const dash = s.indexOf('-');
  if (dash >= 0) {
    const lo = parseClickIP(s.slice(0, dash));
    const hi = parseClickIP(s.slice(dash + 1));
    if (lo === undefined || hi === undefined || hi < lo) return false;
    v.base = lo;
    v.top = hi - lo;
    return true;
  }
  const pfx = parseClickPrefix(s, true);
  if (!pfx || !pfx.addr || !pfx.mask || maskToPrefixLen(pfx.mask) < 0) return false;
  if (pfx.mask === 0xffffffff) {
    v.base = pfx.addr;
    v.top = 0;
  } else if (pfx.mask === 0xfffffffe) {
    v.base = (pfx.addr & pfx.mask) >>> 0;
    v.top = 1;
  } else {
    // Leave out the prefix's network and broadcast addresses.
    v.base = ((pfx.addr & pfx.mask) | 1) >>> 0;
    v.top = (~pfx.mask >>> 0) - 2;
  }
  return true;
}

function portVariation(word: string, v: Variation): boolean {
  const s = rangeSuffix(word, v);
  const dash = s.indexOf('-');
  const lo = parseClickInt(dash >= 0 ? s.slice(0, dash) : s);
  const hi = parseClickInt(dash >= 0 ? s.slice(dash + 1) : '');
  if (lo === undefined || hi === undefined || lo < 0 || hi < lo || hi >= 65536) return false;
  v.base = lo;
  v.top = hi - lo;
  return true;
}

/**
 * Parse pattern words. One word names a pattern of an IPRewriterPatterns
 * element; otherwise 2 to 4 words. Throws Error with Click's message.
 */
export function parsePatternWords(words: string[]): PatternConf | { readonly name: string } {
  if (words.length < 1 || words.length > 4) throw new Error('syntax error');
  if (words.length === 1) return { name: words[0]! };
  const w = words.map((x) => unquote(x));
  let saddr = 0;
  let sport = 0;
  let daddr = 0;
  let dport = 0;
  let top = 0;
  const v: Variation = { base: 0, top: 0, sequential: false, sameFirst: true };

  let i = 0;
  if (w[i] !== '-') {
    const plain = parseClickIP(w[i]!);
    if (plain !== undefined) saddr = plain;
    else if (addressVariation(w[i]!, v)) {
      saddr = v.base;
      top = v.top;
    } else throw new Error('bad source address');
  }
  if (w.length >= 3) {
    // Click's word order: with three words the source port comes last.
    i = w.length === 3 ? 2 : 1;
    if (w[i] !== '-') {
      const plain = parseClickInt(w[i]!);
      if (plain !== undefined && plain > 0 && plain < 65536) sport = plain;
      else if (portVariation(w[i]!, v)) {
        sport = v.base;
        top = v.top;
      } else throw new Error('bad source port');
    }
    i = w.length === 3 ? 0 : 1;
  }
  i++;
  if (w[i] !== '-') {
    const plain = parseClickIP(w[i]!);
    if (plain === undefined) throw new Error('bad destination address');
    daddr = plain;
  }
  if (w.length === 4) {
    i++;
    if (w[i] !== '-') {
      const plain = parseClickInt(w[i]!);
      if (plain === undefined || plain <= 0 || plain >= 65536) throw new Error('bad destination port');
      dport = plain;
    }
  }
  return { saddr, sport, daddr, dport, isNapt: w.length >= 3, sequential: v.sequential, sameFirst: v.sameFirst, variationTop: top };
}

/** Click's IPRewriterPattern::unparse. */
export function unparsePattern(p: PatternConf): string {
  let s: string;
  if (!p.isNapt && p.variationTop) s = `${unparseIP(p.saddr)}-${unparseIP((p.saddr + p.variationTop) >>> 0)}`;
  else s = p.saddr ? unparseIP(p.saddr) : '-';
  if (p.isNapt) s += !p.sport ? ' -' : p.variationTop ? ` ${p.sport}-${p.sport + p.variationTop}` : ` ${p.sport}`;
  s += p.daddr ? ` ${unparseIP(p.daddr)}` : ' -';
  if (p.isNapt) s += !p.dport ? ' -' : ` ${p.dport}`;
  return s;
}

/** A pattern in use: its configuration plus the next sequential choice (shared by every user of a named pattern). */
export class RewriterPattern {
  private nextVariation = 0;

  constructor(readonly conf: PatternConf) {}

  /**
   * The new flow ID for `flowid`, avoiding flow IDs whose reply is already
   * in `replyTaken` (Click's rewrite_flowid). RW_DROP when the range is full.
   */
  rewrite(flowid: FlowID, replyTaken: (key: string) => boolean, random: () => number): { result: number; flowid: FlowID } {
    const c = this.conf;
    let rw: FlowID = {
      saddr: c.saddr || flowid.saddr,
      sport: c.sport || flowid.sport,
      daddr: c.daddr || flowid.daddr,
      dport: c.dport || flowid.dport,
    };
    const top = c.variationTop;
    if (!top) return { result: RW_ADDMAP, flowid: rw };

    const lookup: { -readonly [K in keyof FlowID]: number } = { ...reverseFlow(rw) };
    const base = c.isNapt ? c.sport : c.saddr;
    const free = () => !replyTaken(flowKey(lookup));
    let val = (flowid.sport - base) >>> 0;
    let found = false;
    // Click tests the packet's source port here even for address ranges.
    if (c.sameFirst && val <= top) {
      lookup.dport = flowid.sport;
      found = free();
    }
    if (!found) {
      val = c.sequential ? (this.nextVariation > top ? 0 : this.nextVariation) : clickRandomRange(random, 0, top);
      for (let count = 0; count <= top; count++, val = val === top ? 0 : val + 1) {
        if (c.isNapt) lookup.dport = (base + val) & 0xffff;
        else lookup.daddr = (base + val) >>> 0;
        if (free()) {
          found = true;
          break;
        }
      }
      if (!found) return { result: RW_DROP, flowid: rw };
    }
    rw = c.isNapt ? { ...rw, sport: lookup.dport } : { ...rw, saddr: lookup.daddr };
    this.nextVariation = val + 1;
    return { result: RW_ADDMAP, flowid: rw };
  }
}

// What a point of a decision program knows about the packet from the tests on
// every path that reaches it: how many bytes each base surely has (or surely
// lacks), which bits of each word are known, and which word tests are known
// to have failed. The compiler uses it to drop tests whose outcome is already
// decided and to share the code that follows equal states.

import type { Base } from './program.js';
import { requiredBytes } from './program.js';
import type { WordTest } from './expr.js';

interface WordFacts {
  /** Bits known, and their values. */
  mask: number;
  value: number;
  /** Tests on this word known to be false (readable, and the masked word differs). */
  failed: { mask: number; value: number }[];
}

interface LengthFacts {
  /** The base surely has at least this many bytes. */
  atLeast: number;
  /** The base surely has fewer than this many bytes (Infinity: unknown). */
  below: number;
}

export function wordKey(t: { base: Base; offset: number }): string {
  return `${t.base}:${t.offset}`;
}

/** Bytes a test needs from its base. */
export function testNeed(t: WordTest): number {
  return t.offset + requiredBytes(t.mask);
}

function isSingleBit(m: number): boolean {
  return m !== 0 && (m & (m - 1)) === 0;
}

export class Knowledge {
  private constructor(
    private readonly lengths: ReadonlyMap<Base, LengthFacts>,
    private readonly words: ReadonlyMap<string, WordFacts>,
  ) {}

  static empty(): Knowledge {
    return new Knowledge(new Map(), new Map());
  }

  private length(base: Base): LengthFacts {
    return this.lengths.get(base) ?? { atLeast: 0, below: Infinity };
  }

  /** Whether the test can read: true, false, or undefined when unknown. */
  readable(t: WordTest): boolean | undefined {
    const need = testNeed(t);
    const l = this.length(t.base);
    if (l.atLeast >= need) return true;
    if (l.below <= need) return false;
    return undefined;
  }

  /** The test's comparison result if it can read, when known. */
  private compares(t: WordTest): boolean | undefined {
    const w = this.words.get(wordKey(t));
    if (!w) return undefined;
    if ((t.mask & w.mask & (t.value ^ w.value)) >>> 0) return false;
    if (((t.mask & ~w.mask) >>> 0) === 0) return true;
    for (const f of w.failed) if (((f.mask & ~t.mask) >>> 0) === 0 && ((t.value & f.mask) >>> 0) === f.value) return false;
    return undefined;
  }

  /** The test's outcome, short packets included, when the known facts decide it. */
  decide(t: WordTest): boolean | undefined {
    const r = this.readable(t);
    if (r === false) return t.short;
    const c = this.compares(t);
    if (r === true) return c;
    return c !== undefined && c === t.short ? c : undefined;
  }

  /** The facts after the test read its word and found `result`. */
  withResult(t: WordTest, result: boolean): Knowledge {
    const lengths = new Map(this.lengths);
    const l = this.length(t.base);
    lengths.set(t.base, { atLeast: Math.max(l.atLeast, testNeed(t)), below: l.below });
    const words = new Map(this.words);
    const key = wordKey(t);
    const old = this.words.get(key) ?? { mask: 0, value: 0, failed: [] };
    const w: WordFacts = { mask: old.mask, value: old.value, failed: old.failed };
    if (result) {
      w.mask = (w.mask | t.mask) >>> 0;
      w.value = ((old.value & ~t.mask) | t.value) >>> 0;
    } else {
      const unknown = (t.mask & ~w.mask) >>> 0;
      if (isSingleBit(unknown)) {
        // Every other bit matches, so this one must differ.
        w.mask = (w.mask | unknown) >>> 0;
        w.value = ((w.value & ~unknown) | (~t.value & unknown)) >>> 0;
      } else {
        w.failed = [...w.failed, { mask: t.mask, value: t.value }];
      }
    }
    // Failed tests whose bits are now all known say nothing more.
    w.failed = w.failed.filter((f) => ((f.mask & ~w.mask) >>> 0) !== 0);
    words.set(key, w);
    return new Knowledge(lengths, words);
  }

  /** The same facts without what is known about the test's word (only its length stays known). */
  forgetWord(t: WordTest): Knowledge {
    const words = new Map(this.words);
    words.delete(wordKey(t));
    return new Knowledge(this.lengths, words);
  }

  /** The facts after the test found the packet too short. */
  withShort(t: WordTest): Knowledge {
    const lengths = new Map(this.lengths);
    const l = this.length(t.base);
    lengths.set(t.base, { atLeast: l.atLeast, below: Math.min(l.below, testNeed(t)) });
    return new Knowledge(lengths, this.words);
  }

  /**
   * A canonical text of the facts that matter for deciding the tests in
   * `parts` (and any facts their outcomes can add): equal keys mean equal
   * decisions, so the compiler can share the code built for one state with
   * the other. Only facts this state has are looked at, so the cost follows
   * the path length, not the number of rules.
   */
  key(parts: readonly TestSummary[]): string {
    const out: string[] = [];
    for (const [base, l] of [...this.lengths].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      let atLeast = 0;
      let below = Infinity;
      for (const part of parts) {
        for (const n of part.needs.get(base) ?? []) {
          if (n <= l.atLeast) atLeast = Math.max(atLeast, n);
          if (n >= l.below) below = Math.min(below, n);
        }
      }
      if (atLeast > 0 || below !== Infinity) out.push(`${base}>=${atLeast}<${below}`);
    }
    for (const [k, w] of [...this.words].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      let union = 0;
      const failed = new Set<string>();
      for (const part of parts) {
        const ts = part.words.get(k);
        if (!ts) continue;
        for (const t of ts) {
          union = (union | t.mask) >>> 0;
          for (const f of w.failed) {
            if (((f.mask & ~t.mask) >>> 0) === 0 && ((t.value & f.mask) >>> 0) === f.value) failed.add(`${f.mask.toString(16)}/${f.value.toString(16)}`);
          }
        }
      }
      const mask = (w.mask & union) >>> 0;
      if (mask || failed.size) out.push(`${k}=${mask.toString(16)}/${((w.value & mask) >>> 0).toString(16)}!${[...failed].sort().join(',')}`);
    }
    return out.join(' ');
  }
}

/** The tests of one expression, grouped for Knowledge.key. */
export interface TestSummary {
  /** Tests by word (wordKey). */
  readonly words: ReadonlyMap<string, readonly WordTest[]>;
  /** Bytes each test needs, by base. */
  readonly needs: ReadonlyMap<Base, readonly number[]>;
}

export function summarizeTests(tests: readonly WordTest[]): TestSummary {
  const words = new Map<string, WordTest[]>();
  const needs = new Map<Base, number[]>();
  for (const t of tests) {
    const k = wordKey(t);
    const w = words.get(k);
    if (w) w.push(t);
    else words.set(k, [t]);
    const n = needs.get(t.base);
    if (n) n.push(testNeed(t));
    else needs.set(t.base, [testNeed(t)]);
  }
  return { words, needs };
}

// Decision nodes under construction and how they become a program: a table
// that shares equal nodes, the peephole steps that run on the finished graph
// (merging tests of one word, folding length guards), and the numbering that
// makes every jump go forward.

import { testNeed } from './knowledge.js';
import type { WordTest } from './expr.js';
import { type DecisionProgram, type Insn, requiredBytes } from './program.js';

export interface Node {
  test: WordTest;
  yes: number;
  no: number;
  short: number;
}

/** Nodes under construction; references >= 0 are node ids, < 0 are leaf jumps. */
export class NodeTable {
  readonly nodes: Node[] = [];
  private readonly interned = new Map<string, number>();

  make(test: WordTest, yes: number, no: number, short: number): number {
    if (yes === no && no === short) return yes;
    const key = `${test.base}:${test.offset}:${test.mask}:${test.value}:${yes}:${no}:${short}`;
    const hit = this.interned.get(key);
    if (hit !== undefined) return hit;
    this.nodes.push({ test, yes, no, short });
    this.interned.set(key, this.nodes.length - 1);
    return this.nodes.length - 1;
  }
}

/**
 * Call `fn` once on every node reachable from `entry`, each before its
 * successors are looked at (so `fn` may redirect them). Iterative: programs
 * can be deep.
 */
function eachReachable(nodes: Node[], entry: number, fn: (n: Node) => void): void {
  const seen = new Set<number>();
  const stack = [entry];
  while (stack.length) {
    const ref = stack.pop()!;
    if (ref < 0 || seen.has(ref)) continue;
    seen.add(ref);
    const n = nodes[ref]!;
    fn(n);
    stack.push(n.short, n.no, n.yes);
  }
}

/**
 * Peephole: `A && B` on one word becomes one test of both masks. Shared
 * nodes change in place, which is safe: the merged test decides exactly as
 * the pair did, short packets included.
 */
export function mergeSameWord(nodes: Node[], entry: number): void {
  eachReachable(nodes, entry, (x) => {
    while (x.yes >= 0) {
      const y = nodes[x.yes]!;
      if (y.test.base !== x.test.base || y.test.offset !== x.test.offset || y.no !== x.no) break;
      const a = x.test;
      const b = y.test;
      const both = (a.mask & b.mask) >>> 0;
      if (((a.value ^ b.value) & both) >>> 0) break;
      let short: number;
      if (requiredBytes(b.mask) <= requiredBytes(a.mask)) short = x.short;
      else if (x.short === x.no && y.short === x.no) short = x.no;
      else break;
      x.test = { base: a.base, offset: a.offset, mask: (a.mask | b.mask) >>> 0, value: (a.value | b.value) >>> 0, short: false };
      x.yes = y.yes;
      x.short = short;
    }
  });
}

/**
 * A length guard (both outcomes alike) followed by a test that needs exactly
 * as many bytes becomes that test, taking the guard's short branch.
 */
export function foldGuards(nodes: Node[], entry: number): void {
  eachReachable(nodes, entry, (g) => {
    if (g.yes !== g.no || g.yes < 0) return;
    const x = nodes[g.yes]!;
    if (x.test.base === g.test.base && testNeed(x.test) === testNeed(g.test)) {
      g.test = x.test;
      g.yes = x.yes;
      g.no = x.no;
    }
  });
}

// ---------------------------------------------------------------------------
// Numbering: reverse postorder from the entry, so jumps go forward.

export function layout(nodes: readonly Node[], entry: number): DecisionProgram {
  const order: number[] = [];
  const state = new Map<number, boolean>();
  // Iterative DFS (programs can be deep).
  const stack: { ref: number; i: number }[] = [];
  if (entry >= 0) stack.push({ ref: entry, i: 0 });
  if (entry >= 0) state.set(entry, false);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const n = nodes[top.ref]!;
    const kids = [n.short, n.no, n.yes];
    if (top.i < kids.length) {
      const c = kids[top.i++]!;
      if (c >= 0 && !state.has(c)) {
        state.set(c, false);
        stack.push({ ref: c, i: 0 });
      }
    } else {
      order.push(top.ref);
      state.set(top.ref, true);
      stack.pop();
    }
  }
  order.reverse();
  const index = new Map<number, number>();
  order.forEach((ref, i) => index.set(ref, i));
  const jump = (r: number) => (r < 0 ? r : index.get(r)!);
  const insns: Insn[] = order.map((ref) => {
    const n = nodes[ref]!;
    return { base: n.test.base, offset: n.test.offset, mask: n.test.mask, value: n.test.value, yes: jump(n.yes), no: jump(n.no), short: jump(n.short) };
  });
  const safeLength = { link: 0, network: 0, transport: 0 };
  for (const n of insns) safeLength[n.base] = Math.max(safeLength[n.base], n.offset + requiredBytes(n.mask));
  return { insns, entry: entry < 0 ? entry : 0, safeLength };
}

// Classification expressions: what a parsed pattern means, before it is
// compiled into a decision program. Leaves are word tests, the same tests a
// program instruction makes, so a pattern's meaning is a pure boolean
// function of the packet and the compiler is free to reorder and share tests.
//
// A word test reads the 32-bit big-endian word at base+offset, masks it and
// compares it with a value. When the packet ends before the last masked byte
// the test does not read: it evaluates to its `short` flag. Click's
// instructions behave this way (a test "short" goes to a fixed branch), and
// its two kinds of negation differ exactly in that flag: a logical `not`
// keeps it (so `!12/0800` in a Classifier matches runts), while the negation
// inside a primitive (`port != 80`) also flips it, so the primitive stays
// false on a packet too short to test (`flipNegate` below).

import { type Base, type PacketView, testWord, DROPPED, outputJump, DROP_JUMP, leafPort } from './program.js';

export interface WordTest {
  readonly base: Base;
  readonly offset: number;
  readonly mask: number;
  readonly value: number;
  /** The test's result on a packet too short to read it. */
  readonly short: boolean;
}

export type Expr =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'test'; readonly test: WordTest }
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'and'; readonly args: readonly Expr[] }
  | { readonly kind: 'or'; readonly args: readonly Expr[] }
  /** `cond ? then : else` (IPFilter's ternary). */
  | { readonly kind: 'ite'; readonly cond: Expr; readonly then: Expr; readonly else: Expr };

export const TRUE: Expr = { kind: 'const', value: true };
export const FALSE: Expr = { kind: 'const', value: false };

/** A word test; a zero mask tests nothing and is always true (it never reads). */
export function wordTest(base: Base, offset: number, mask: number, value: number, short = false): Expr {
  if (offset % 4 !== 0 || offset < 0) throw new Error(`unaligned word test at ${offset}`);
  const m = mask >>> 0;
  if (m === 0) return TRUE;
  return { kind: 'test', test: { base, offset, mask: m, value: (value & m) >>> 0, short } };
}

export function and(...args: Expr[]): Expr {
  return args.length === 1 ? args[0]! : { kind: 'and', args };
}

export function or(...args: Expr[]): Expr {
  return args.length === 1 ? args[0]! : { kind: 'or', args };
}

export function not(arg: Expr): Expr {
  return { kind: 'not', arg };
}

export function ite(cond: Expr, then: Expr, else_: Expr): Expr {
  return { kind: 'ite', cond, then, else: else_ };
}

/** Every leaf's short flag inverted. */
export function flipShort(e: Expr): Expr {
  switch (e.kind) {
    case 'const':
      return e;
    case 'test':
      return { kind: 'test', test: { ...e.test, short: !e.test.short } };
    case 'not':
      return not(flipShort(e.arg));
    case 'and':
      return { kind: 'and', args: e.args.map(flipShort) };
    case 'or':
      return { kind: 'or', args: e.args.map(flipShort) };
    case 'ite':
      return ite(flipShort(e.cond), flipShort(e.then), flipShort(e.else));
  }
}

/** The negation Click applies inside a primitive (`!=`, `ip frag`): also false on packets too short to test. */
export function flipNegate(e: Expr): Expr {
  return not(flipShort(e));
}

/**
 * Tests of `bytes[i] & masks[i] == values[i]` at byte offsets `offset + i`,
 * grouped into one word test per aligned word (as Click's Classifier does),
 * all of which must hold.
 */
export function byteTests(base: Base, offset: number, values: readonly number[], masks: readonly number[]): Expr {
  const words = new Map<number, { mask: number; value: number }>();
  values.forEach((v, i) => {
    const at = offset + i;
    const w = at - (at % 4);
    const shift = 8 * (3 - (at % 4));
    const cur = words.get(w) ?? { mask: 0, value: 0 };
    const m = masks[i]! & 0xff;
    cur.mask = (cur.mask | (m << shift)) >>> 0;
    cur.value = (cur.value | ((v & m) << shift)) >>> 0;
    words.set(w, cur);
  });
  const tests = [...words.entries()].sort((x, y) => x[0] - y[0]).map(([w, { mask, value }]) => wordTest(base, w, mask, value));
  const real = tests.filter((t) => t.kind !== 'const');
  return real.length === 0 ? TRUE : and(...real);
}

/** Thrown by evalExpr when a test needs a header annotation the packet lacks. */
export class UnsetHeader extends Error {}

/** Evaluate an expression directly on a packet (the reference the compiled program must agree with). */
export function evalExpr(e: Expr, v: PacketView): boolean {
  switch (e.kind) {
    case 'const':
      return e.value;
    case 'test': {
      const t = e.test;
      const r = testWord(v, t.base, t.offset, t.mask, t.value);
      if (r === 'unset') throw new UnsetHeader(t.base);
      return r === 'short' ? t.short : r;
    }
    case 'not':
      return !evalExpr(e.arg, v);
    case 'and':
      return e.args.every((a) => evalExpr(a, v));
    case 'or':
      return e.args.some((a) => evalExpr(a, v));
    case 'ite':
      return evalExpr(e.cond, v) ? evalExpr(e.then, v) : evalExpr(e.else, v);
  }
}

/** One pattern of a classifier: packets matching `expr` go to `output` (an output port, or DROP). */
export interface Rule {
  readonly expr: Expr;
  /** Output port, or -1 to drop. */
  readonly output: number;
}

/** The jump a rule's action compiles to. */
export function ruleJump(output: number): number {
  return output < 0 ? DROP_JUMP : outputJump(output);
}

/** First-match classification by direct evaluation: the output port, or DROPPED. */
export function classifyDirect(rules: readonly Rule[], v: PacketView): number {
  for (const r of rules) if (evalExpr(r.expr, v)) return leafPort(ruleJump(r.output));
  return DROPPED;
}

/** A compact text form, for messages and test failures. */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'const':
      return e.value ? 'true' : 'false';
    case 'test': {
      const t = e.test;
      return `${t.base}+${t.offset}/${t.value.toString(16)}%${t.mask.toString(16)}${t.short ? '!s' : ''}`;
    }
    case 'not':
      return `!${exprText(e.arg)}`;
    case 'and':
      return `(${e.args.map(exprText).join(' & ')})`;
    case 'or':
      return `(${e.args.map(exprText).join(' | ')})`;
    case 'ite':
      return `(${exprText(e.cond)} ? ${exprText(e.then)} : ${exprText(e.else)})`;
  }
}

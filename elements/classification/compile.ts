// Compiling first-match rule lists into decision programs (see program.ts).
//
// The optimising compiler walks the rules the way a packet would: it takes the
// first test the first undecided rule would make, and builds the code for
// each outcome (match, mismatch, packet too short) knowing that outcome. Tests
// whose result the path already decides are left out, and states that agree
// on everything still relevant share one piece of code, so common tests are
// made once and redundant ones never (the effect Click gets from its
// dominator optimiser). Afterwards, consecutive tests of one word that must
// both hold are merged into a single wider test, and the nodes are numbered
// so that every jump goes forward.
//
// Knowing each outcome can duplicate code. The optimiser has a work budget per
// group of rules; a group that exceeds it is split in two halves, the first
// falling through to the second (knowledge starts afresh there), down to
// single rules compiled straightforwardly (short-circuit jumps, linear in the
// pattern). `optimize: false` compiles everything straightforwardly.

import { Knowledge, type TestSummary, summarizeTests, testNeed, wordKey } from './knowledge.js';
import { type Expr, type Rule, type WordTest, exprText, FALSE, ruleJump, TRUE, not, ite } from './expr.js';
import { type Base, type DecisionProgram, DROP_JUMP } from './program.js';
import { NodeTable, foldGuards, layout, mergeSameWord } from './decision-nodes.js';

export interface CompileOptions {
  /** Use the knowledge-driven optimiser (default true). */
  readonly optimize?: boolean;
  /**
   * Work (rule simplifications) the optimiser may spend on a group of rules
   * before it splits the group in two; smaller means faster compilation and
   * less sharing between far-apart rules.
   */
  readonly work?: number;
}

class TooBig extends Error {}

// ---------------------------------------------------------------------------
// Simplification under known facts.

function simplify(e: Expr, k: Knowledge): Expr {
  switch (e.kind) {
    case 'const':
      return e;
    case 'test': {
      const d = k.decide(e.test);
      return d === undefined ? e : d ? TRUE : FALSE;
    }
    case 'not': {
      const a = simplify(e.arg, k);
      if (a.kind === 'const') return a.value ? FALSE : TRUE;
      if (a === e.arg && a.kind !== 'not') return e;
      return a.kind === 'not' ? a.arg : not(a);
    }
    case 'and':
    case 'or': {
      const absorbing = e.kind === 'or';
      const out: Expr[] = [];
      let changed = false;
      for (const arg of e.args) {
        const s = simplify(arg, k);
        if (s.kind === 'const') {
          if (s.value === absorbing) return s;
          changed = true;
          continue;
        }
        if (s !== arg) changed = true;
        out.push(s);
      }
      // Unchanged expressions keep their identity, so their cached keys stay valid.
      if (!changed) return e;
      if (out.length === 0) return absorbing ? FALSE : TRUE;
      return out.length === 1 ? out[0]! : { kind: e.kind, args: out };
    }
    case 'ite': {
      const c = simplify(e.cond, k);
      if (c.kind === 'const') return simplify(c.value ? e.then : e.else, k);
      const t = simplify(e.then, k);
      const f = simplify(e.else, k);
      if (t.kind === 'const' && f.kind === 'const') {
        if (t.value === f.value) return t;
        return t.value ? c : not(c);
      }
      if (c === e.cond && t === e.then && f === e.else) return e;
      return ite(c, t, f);
    }
  }
}

/** The first test a short-circuit evaluation of `e` makes. */
function firstTest(e: Expr): WordTest | undefined {
  switch (e.kind) {
    case 'const':
      return undefined;
    case 'test':
      return e.test;
    case 'not':
      return firstTest(e.arg);
    case 'and':
    case 'or':
      return firstTest(e.args[0]!);
    case 'ite':
      return firstTest(e.cond);
  }
}

function collectTests(e: Expr, out: WordTest[]): void {
  switch (e.kind) {
    case 'const':
      return;
    case 'test':
      out.push(e.test);
      return;
    case 'not':
      collectTests(e.arg, out);
      return;
    case 'and':
    case 'or':
      for (const a of e.args) collectTests(a, out);
      return;
    case 'ite':
      collectTests(e.cond, out);
      collectTests(e.then, out);
      collectTests(e.else, out);
      return;
  }
}

// ---------------------------------------------------------------------------
// The optimising compiler.

interface Pending {
  readonly expr: Expr;
  readonly jump: number;
}

/** What the optimiser keeps about an expression: a structural id and its tests. */
interface ExprInfo extends TestSummary {
  readonly id: number;
}

/**
 * Expression info, cached per expression object (simplification returns
 * unchanged expressions as they were) and with equal ids for equal
 * structures, so state keys are short.
 */
class ExprInfos {
  private readonly byObject = new WeakMap<Expr, ExprInfo>();
  private readonly ids = new Map<string, number>();

  get(e: Expr): ExprInfo {
    let info = this.byObject.get(e);
    if (!info) {
      const text = exprText(e);
      let id = this.ids.get(text);
      if (id === undefined) {
        id = this.ids.size;
        this.ids.set(text, id);
      }
      const tests: WordTest[] = [];
      collectTests(e, tests);
      info = { id, ...summarizeTests(tests) };
      this.byObject.set(e, info);
    }
    return info;
  }
}

/** Work the optimiser may spend on one group of rules (rule simplifications), before splitting the group. */
const DEFAULT_WORK = 400_000;

/**
 * The optimising compiler for `pending` rules starting with facts `start`;
 * packets no rule takes continue at `fallthrough`. Throws TooBig past `work`.
 */
function buildGroup(pending: readonly Pending[], start: Knowledge, fallthrough: number, table: NodeTable, work: number): number {
  const memo = new Map<string, number>();
  const infos = new ExprInfos();
  let spent = 0;

  // `touched` is what the last step learnt (a word's bits, maybe a base's
  // length): the pending expressions are already simplified for everything
  // else, so only those testing that word or base can change.
  const build = (pending: readonly Pending[], k: Knowledge, touched?: { word: string; base?: Base }): number => {
    spent += pending.length;
    if (spent > work) throw new TooBig();
    const live: Pending[] = [];
    for (const p of pending) {
      let e = p.expr;
      if (!touched) e = simplify(e, k);
      else {
        const info = infos.get(e);
        if (info.words.has(touched.word) || (touched.base !== undefined && info.needs.has(touched.base))) e = simplify(e, k);
      }
      if (e.kind === 'const') {
        if (!e.value) continue;
        if (live.length === 0) return p.jump;
        live.push({ expr: e, jump: p.jump });
        break;
      }
      live.push({ expr: e, jump: p.jump });
    }
    if (live.length === 0) return fallthrough;

    const parts = live.map((p) => infos.get(p.expr));
    const key = live.map((p, i) => `${parts[i]!.id}>${p.jump}`).join(';') + '|' + k.key(parts);
    const hit = memo.get(key);
    if (hit !== undefined) return hit;

    const t = firstTest(live[0]!.expr)!;
    const word = wordKey(t);
    const lengthKnown = k.readable(t) === true;
    const learnt = { word, base: lengthKnown ? undefined : t.base };
    const yes = build(live, k.withResult(t, true), learnt);
    const no = build(live, k.withResult(t, false), learnt);
    const short = lengthKnown ? no : build(live, k.withShort(t), { word, base: t.base });
    const ref = table.make(t, yes, no, short);
    memo.set(key, ref);
    return ref;
  };

  return build(pending, start);
}

/**
 * Optimise all rules together if the work stays within budget; otherwise
 * split them in two halves (the first falling through to the second), down
 * to single rules compiled straightforwardly.
 */
function buildChunked(pending: readonly Pending[], start: Knowledge, fallthrough: number, table: NodeTable, work: number): number {
  try {
    return buildGroup(pending, start, fallthrough, table, work);
  } catch (e) {
    if (!(e instanceof TooBig)) throw e;
  }
  if (pending.length === 1) return straight(pending[0]!.expr, pending[0]!.jump, fallthrough, table);
  const mid = pending.length >> 1;
  const second = buildChunked(pending.slice(mid), start, fallthrough, table, work);
  return buildChunked(pending.slice(0, mid), start, second, table, work);
}

function compileOptimized(rules: readonly Rule[], table: NodeTable, work: number): number {
  const pending = rules.map((r) => ({ expr: r.expr, jump: ruleJump(r.output) }));
  // IP headers are nearly always complete: test the network header's length
  // once, up front, so the common path has no short branches for it, and
  // keep the code for truncated headers apart.
  const all: WordTest[] = [];
  for (const r of rules) collectTests(r.expr, all);
  const guard = lengthGuard('network', all);
  if (!guard) return buildChunked(pending, Knowledge.empty(), DROP_JUMP, table, work);
  const long = buildChunked(pending, Knowledge.empty().withResult(guard, true).forgetWord(guard), DROP_JUMP, table, work);
  const short = buildChunked(pending, Knowledge.empty().withShort(guard), DROP_JUMP, table, work);
  return table.make(guard, long, long, short);
}

/**
 * A test that reads exactly as far into `base` as the farthest test of
 * `tests` does, and whose outcome does not matter: only whether it can read.
 */
function lengthGuard(base: Base, tests: readonly WordTest[]): WordTest | undefined {
  let need = 0;
  for (const t of tests) if (t.base === base) need = Math.max(need, testNeed(t));
  if (need === 0) return undefined;
  const last = need - 1;
  const offset = last - (last % 4);
  return { base, offset, mask: (0xff << (8 * (3 - (last % 4)))) >>> 0, value: 0, short: false };
}

// ---------------------------------------------------------------------------
// The straightforward compiler: short-circuit jumps, no knowledge.

/** `e` compiled with short-circuit jumps to `yes` and `no`. */
function straight(e: Expr, yes: number, no: number, table: NodeTable): number {
  switch (e.kind) {
    case 'const':
      return e.value ? yes : no;
    case 'test':
      return table.make(e.test, yes, no, e.test.short ? yes : no);
    case 'not':
      return straight(e.arg, no, yes, table);
    case 'and': {
      let next = yes;
      for (let i = e.args.length - 1; i >= 0; i--) next = straight(e.args[i]!, next, no, table);
      return next;
    }
    case 'or': {
      let next = no;
      for (let i = e.args.length - 1; i >= 0; i--) next = straight(e.args[i]!, yes, next, table);
      return next;
    }
    case 'ite':
      return straight(e.cond, straight(e.then, yes, no, table), straight(e.else, yes, no, table), table);
  }
}

function compileStraight(rules: readonly Rule[], table: NodeTable): number {
  let next = DROP_JUMP;
  for (let i = rules.length - 1; i >= 0; i--) next = straight(rules[i]!.expr, ruleJump(rules[i]!.output), next, table);
  return next;
}

/** Compile first-match rules (no match: drop) into a decision program. */
export function compileRules(rules: readonly Rule[], opts: CompileOptions = {}): DecisionProgram {
  const table = new NodeTable();
  const entry = (opts.optimize ?? true) ? compileOptimized(rules, table, opts.work ?? DEFAULT_WORK) : compileStraight(rules, table);
  mergeSameWord(table.nodes, entry);
  foldGuards(table.nodes, entry);
  return layout(table.nodes, entry);
}

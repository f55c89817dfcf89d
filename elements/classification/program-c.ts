// Decision programs (program.ts) as C: the push function of one Classifier,
// IPClassifier or IPFilter instance in the native dataplane.
//
// Every program step becomes a labelled block that loads exactly the bytes its
// mask covers (memcpy-style loads of 1, 2, 3 or 4 bytes), masks them and
// compares them with a constant, then jumps to the block of its outcome. The
// program is a DAG whose jumps go forward, so blocks come out in step order
// and a step shared by several paths is emitted once; leaves emit the packet
// on an output (`cvm_emit`, so the generated wrapper decides delivery) or drop
// it. Byte order is settled at compile time (CLS_BE16/CLS_BE32 fold), so the
// packet path has no byte swaps.
//
// Length safety follows the program exactly. A step reads only if the packet
// extends to the last byte its mask covers, otherwise it takes its `short`
// branch. The checked version of the code tracks, per base, what the path
// already knows about the bytes available (at least L after a passed check, at
// most U after a short branch), so it tests a length only where the outcome is
// still open: a guard step (same `yes` and `no`) becomes one comparison and
// everything after it reads freely. When some path would still make more
// length checks than there are bases, the code also gets an unchecked copy:
// one up-front comparison per base against the program's `safeLength` sends
// packets long enough for every step there, and the rest to the checked copy.
//
// Bases come from the packet's header annotations as in the host interpreter
// (program-element.ts and runProgram): a program that reads the network or
// transport header drops a packet without a network header annotation before
// any test, and a step on the transport header drops the packet when that
// annotation is unset. Leaves naming an output the element does not have drop
// the packet, as the host element does.

import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';
import { type Base, BASES, type DecisionProgram, DROP_JUMP, requiredBytes, unparseProgram, validateProgram } from './program.js';
import type { ProgramConf } from './program-element.js';

export type FastPathChoice = 'auto' | 'always' | 'never';

export interface ProgramCOptions {
  /** The element's output count: leaves naming a port beyond it drop. */
  readonly noutputs: number;
  /** Whether to add the unchecked copy behind one up-front length check (default 'auto'). */
  readonly fastPath?: FastPathChoice;
  /** A comment line for the top of the function (e.g. the element's name and class). */
  readonly title?: string;
}

export interface ProgramC {
  /** The C definition of `static inline void <name>(struct classification *e, int port, Packet **in, unsigned n, CvmOut *out)` (not inline for very large programs). */
  readonly code: string;
  /** Whether the unchecked copy was emitted. */
  readonly fastPath: boolean;
  /** Blocks emitted for steps, per copy. */
  readonly fastBlocks: number;
  readonly checkedBlocks: number;
  /** Length comparisons in the checked copy (each emitted once). */
  readonly lengthChecks: number;
}

/** Programs with more steps than this get no unchecked copy (code size). */
const FAST_PATH_MAX_STEPS = 2000;
/**
 * Functions for programs with more steps than this are compiled without
 * gcc's global CSE/copy propagation, whose time grows steeply with such
 * functions (9,000 steps: 67 s with it, 16 s without), and are not inlined.
 */
const LARGE_PROGRAM_STEPS = 4000;

const INF = Number.POSITIVE_INFINITY;
const BASE_INDEX: Record<Base, number> = { link: 0, network: 1, transport: 2 };
const AVAIL = ['avail_link', 'avail_net', 'avail_trans'] as const;

/** What a path knows when it reaches a step: per base, bytes available are in [lo, hi). */
interface Facts {
  readonly lo: readonly number[];
  readonly hi: readonly number[];
  /** The transport header annotation is known to be set. */
  readonly transSet: boolean;
}

type StepKind = 'check' | 'known' | 'short';

function merge(a: Facts | undefined, b: Facts): Facts {
  if (!a) return b;
  return {
    lo: a.lo.map((x, k) => Math.min(x, b.lo[k]!)),
    hi: a.hi.map((x, k) => Math.max(x, b.hi[k]!)),
    transSet: a.transSet && b.transSet,
  };
}

function withBase(f: Facts, k: number, lo: number, hi: number, transSet: boolean): Facts {
  return {
    lo: f.lo.map((x, j) => (j === k ? Math.max(x, lo) : x)),
    hi: f.hi.map((x, j) => (j === k ? Math.min(x, hi) : x)),
    transSet: f.transSet || transSet,
  };
}

function hex(n: number, digits: number): string {
  return `0x${(n >>> 0).toString(16).padStart(digits, '0')}`;
}

/**
 * The C condition "the masked word equals the value" for one step, reading
 * only the covered bytes, or the whole word when `readable` (bytes known to
 * be there from the base) says it is all there.
 */
export function conditionC(baseExpr: string, offset: number, mask: number, value: number, readable = 0): string {
  const mb = [24, 16, 8, 0].map((s) => (mask >>> s) & 255);
  const vb = [24, 16, 8, 0].map((s) => (value >>> s) & 255);
  const first = mb.findIndex((x) => x !== 0);
  const last = requiredBytes(mask) - 1;
  const at = (k: number) => `${baseExpr} + ${offset + k}`;
  const masked = (load: string, m: string, full: boolean, v: string) => (full ? `${load} == ${v}` : `(${load} & ${m}) == ${v}`);
  switch (last - first) {
    case 0:
      return masked(`(${baseExpr})[${offset + first}]`, hex(mb[first]!, 2), mb[first] === 255, hex(vb[first]!, 2));
    case 1: {
      const m = (mb[first]! << 8) | mb[first + 1]!;
      const v = (vb[first]! << 8) | vb[first + 1]!;
      return masked(`cls_ld16(${at(first)})`, `CLS_BE16(${hex(m, 4)})`, m === 0xffff, `CLS_BE16(${hex(v, 4)})`);
    }
    case 2:
      // Three bytes: the whole word when the first byte is unmasked (none
      // past the last covered one) or the packet is known to hold it, else
      // exactly three.
      if (first === 1 || readable >= offset + 4) return masked(`cls_ld32(${at(0)})`, `CLS_BE32(${hex(mask, 8)})`, false, `CLS_BE32(${hex(value, 8)})`);
      return masked(`cls_ld24(${at(0)})`, `CLS_BE32(${hex(mask, 8)})`, false, `CLS_BE32(${hex(value, 8)})`);
    default:
      return masked(`cls_ld32(${at(0)})`, `CLS_BE32(${hex(mask, 8)})`, mask >>> 0 === 0xffffffff, `CLS_BE32(${hex(value, 8)})`);
  }
}

const BASE_EXPR: Record<Base, string> = { link: 'data', network: 'head + net', transport: 'head + trans' };
const BASE_NOTE: Record<Base, string> = { link: '', network: 'ip+', transport: 'transp+' };

interface Block {
  readonly label: string;
  /** Produces the block's lines once the label of the block after it is known (for fall-through). */
  readonly body: (next: string | undefined) => string[];
}

/** `goto target;` unless the target is the next block. */
function jump(target: string, next: string | undefined): string[] {
  return target === next ? [] : [`goto ${target};`];
}

function branch(cond: string, yes: string, no: string, next: string | undefined): string[] {
  if (yes === no) return jump(yes, next);
  if (yes === next) return [`if (!(${cond})) goto ${no};`];
  return [`if (${cond}) goto ${yes};`, ...jump(no, next)];
}

/** Translate a decision program into the push function `fnName`. */
export function programToC(prog: DecisionProgram, fnName: string, opts: ProgramCOptions): ProgramC {
  validateProgram(prog);
  const insns = prog.insns;
  const n = insns.length;
  const need = insns.map((s) => s.offset + requiredBytes(s.mask));
  // The unchecked copy reads without tests on the strength of safeLength, so hold the program to it.
  const most = { link: 0, network: 0, transport: 0 };
  insns.forEach((s, i) => (most[s.base] = Math.max(most[s.base], need[i]!)));
  for (const b of BASES) {
    if (prog.safeLength[b] !== most[b]) throw new Error(`decision program: safe length ${b} is ${prog.safeLength[b]}, its steps need ${most[b]}`);
  }
  const bidx = insns.map((s) => BASE_INDEX[s.base]);
  const used = BASES.filter((b) => prog.safeLength[b] > 0);
  const usesHeaders = used.includes('network') || used.includes('transport');
  const leaf = (j: number): string => {
    if (j === DROP_JUMP) return 'drop';
    const port = -1 - j;
    return port < opts.noutputs ? `out${port}` : 'drop';
  };

  // --- the checked copy: facts per step, forward (jumps go forward) ------
  const facts: (Facts | undefined)[] = new Array(n);
  if (prog.entry >= 0) facts[prog.entry] = { lo: [0, 0, 0], hi: [INF, INF, INF], transSet: false };
  const kind: StepKind[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const f = facts[i];
    if (!f) continue;
    const s = insns[i]!;
    const k = bidx[i]!;
    const isTrans = s.base === 'transport';
    kind[i] = f.hi[k]! <= need[i]! ? 'short' : f.lo[k]! >= need[i]! ? 'known' : 'check';
    const flow = (j: number, g: Facts) => {
      if (j >= 0) facts[j] = merge(facts[j], g);
    };
    if (kind[i] !== 'short') {
      const g = withBase(f, k, need[i]!, INF, isTrans);
      flow(s.yes, g);
      flow(s.no, g);
    }
    if (kind[i] !== 'known') flow(s.short, withBase(f, k, 0, need[i]!, isTrans));
  }

  // Labels, backward: where a jump to step i lands in the checked copy.
  const stubs = new Map<string, string>(); // transport-short stub label -> target label
  const stubFor = (target: string) => {
    if (target === 'drop') return target; // unset or short: dropped either way
    const l = `ts_${target}`;
    stubs.set(l, target);
    return l;
  };
  const sLabel: string[] = new Array(n);
  const sTarget = (j: number) => (j < 0 ? leaf(j) : sLabel[j]!);
  /** Where step i's short branch goes (through the unset check if the transport annotation may be missing). */
  const shortTarget = (i: number) => {
    const t = sTarget(insns[i]!.short);
    return insns[i]!.base === 'transport' && !facts[i]!.transSet ? stubFor(t) : t;
  };
  for (let i = n - 1; i >= 0; i--) {
    if (!facts[i]) continue;
    const s = insns[i]!;
    if (kind[i] === 'short') sLabel[i] = shortTarget(i);
    else if (kind[i] === 'known' && s.yes === s.no) sLabel[i] = sTarget(s.yes);
    else sLabel[i] = `s${i}`;
  }
  const checkedSteps = [...Array(n).keys()].filter((i) => facts[i] && sLabel[i] === `s${i}`);
  const lengthChecks = checkedSteps.filter((i) => kind[i] === 'check').length;

  // Most length checks on one path of the checked copy (does the fast path pay?).
  const checksFrom: number[] = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    if (!facts[i]) continue;
    const s = insns[i]!;
    const succ = (j: number) => (j >= 0 && facts[j] ? checksFrom[j]! : 0);
    const outs = kind[i] === 'short' ? [s.short] : kind[i] === 'known' ? [s.yes, s.no] : [s.yes, s.no, s.short];
    checksFrom[i] = (kind[i] === 'check' ? 1 : 0) + Math.max(...outs.map(succ));
  }
  const maxChecks = prog.entry >= 0 ? checksFrom[prog.entry]! : 0;
  const choice = opts.fastPath ?? 'auto';
  const fastPath = n > 0 && choice !== 'never' && (choice === 'always' || (maxChecks > used.length && n <= FAST_PATH_MAX_STEPS));

  // --- the unchecked copy: every base has its safe length ----------------
  const fLabel: string[] = new Array(n);
  const fTarget = (j: number) => (j < 0 ? leaf(j) : fLabel[j]!);
  const fReach: boolean[] = new Array(n).fill(false);
  if (fastPath) {
    if (prog.entry >= 0) fReach[prog.entry] = true;
    for (let i = 0; i < n; i++) {
      if (!fReach[i]) continue;
      const s = insns[i]!;
      for (const j of [s.yes, s.no]) if (j >= 0) fReach[j] = true;
    }
    for (let i = n - 1; i >= 0; i--) {
      const s = insns[i]!;
      fLabel[i] = s.yes === s.no ? fTarget(s.yes) : `f${i}`;
    }
  }
  const fastSteps = fastPath ? [...Array(n).keys()].filter((i) => fReach[i] && fLabel[i] === `f${i}`) : [];

  // --- blocks -------------------------------------------------------------
  const note = (i: number) => {
    const s = insns[i]!;
    return `/* ${i}: ${BASE_NOTE[s.base]}${s.offset}/${(s.value >>> 0).toString(16).padStart(8, '0')}%${(s.mask >>> 0).toString(16).padStart(8, '0')} */`;
  };
  const test = (i: number, readable: number) => {
    const s = insns[i]!;
    return conditionC(BASE_EXPR[s.base], s.offset, s.mask, s.value, readable);
  };
  const blocks: Block[] = [];
  for (const i of fastSteps) {
    const s = insns[i]!;
    blocks.push({ label: `f${i}`, body: (next) => [note(i), ...branch(test(i, prog.safeLength[s.base]), fTarget(s.yes), fTarget(s.no), next)] });
  }
  for (const i of checkedSteps) {
    const s = insns[i]!;
    blocks.push({
      label: `s${i}`,
      body: (next) => {
        const lines = [note(i)];
        if (kind[i] === 'check') lines.push(`if (${AVAIL[bidx[i]!]} < ${need[i]}) goto ${shortTarget(i)};`);
        return [...lines, ...branch(test(i, Math.max(need[i]!, facts[i]!.lo[bidx[i]!]!)), sTarget(s.yes), sTarget(s.no), next)];
      },
    });
  }

  const entryStart = (next: string | undefined): string[] => {
    if (prog.entry < 0) return jump(leaf(prog.entry), next);
    if (!fastPath) return jump(sLabel[prog.entry]!, next);
    const conds = used.map((b) => `${AVAIL[BASE_INDEX[b]]} >= ${prog.safeLength[b]}`);
    return branch(conds.join(' && '), fLabel[prog.entry]!, sLabel[prog.entry]!, next);
  };

  // Leaves and stubs go last, out of the way of the tests.
  const leafLabels: string[] = [];
  for (let port = 0; port < opts.noutputs; port++) leafLabels.push(`out${port}`);
  const tail: Block[] = [
    ...leafLabels.map((l): Block => ({ label: l, body: () => [`cvm_emit(out, ${l.slice(3)}, p);`, 'continue;'] })),
    { label: 'drop', body: () => ['cvm_drop(out, p);', 'continue;'] },
  ];

  // Lay out, then keep only labels something jumps to (gcc -Werror rejects
  // unused ones). Stubs are created while bodies render, so they come last.
  const all = [...blocks, ...tail];
  const start = entryStart(all[0]?.label);
  const texts = all.map((b, k) => ({ label: b.label, lines: b.body(all[k + 1]?.label) }));
  for (const [l, target] of [...stubs].sort()) texts.push({ label: l, lines: ['if (trans < 0) goto drop;', `goto ${target};`] });
  const referenced = new Set<string>(usesHeaders ? ['drop'] : []); // the prologue drops packets without a network header
  for (const lines of [start, ...texts.map((b) => b.lines)]) {
    for (const l of lines) for (const m of l.matchAll(/goto (\w+);/g)) referenced.add(m[1]!);
  }
  const endsFlow = (lines: readonly string[]) => /^(goto \w+;|continue;)$/.test(lines[lines.length - 1] ?? '');
  const body: string[] = start.map((l) => '        ' + l);
  let fallsInto = !endsFlow(start);
  for (const b of texts) {
    if (!referenced.has(b.label) && !fallsInto) continue;
    if (referenced.has(b.label)) body.push(`    ${b.label}:`);
    body.push(...b.lines.map((l) => '        ' + l));
    fallsInto = !endsFlow(b.lines);
  }

  // Per-packet prologue: only what the body uses (gcc -Werror rejects unused variables).
  const text = body.join('\n');
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(text);
  const availTrans = uses('avail_trans');
  const availNet = uses('avail_net');
  const trans = availTrans || uses('trans');
  const end = availNet || availTrans;
  const pro: string[] = ['Packet *const p = in[i];'];
  if (uses('data')) pro.push('const uint8_t *const data = p->data;');
  if (uses('avail_link')) pro.push('const long avail_link = (long)p->len;');
  if (usesHeaders) {
    if (uses('head') || end) pro.push('const uint8_t *const head = p->buf->head;');
    if (end) pro.push('const long end = (long)(p->data - head) + (long)p->len;');
    pro.push('const long net = p->net;');
    if (availNet) pro.push('const long avail_net = end - net;');
    if (trans) pro.push('const long trans = p->trans;');
    // An unset transport annotation counts as no bytes: the unchecked copy is
    // not entered, and the checked copy's stubs drop the packet.
    if (availTrans) pro.push('const long avail_trans = trans < 0 ? -1 : end - trans;');
    pro.push('if (net < 0) goto drop;');
  }
  const safe = used.map((b) => `${b} ${prog.safeLength[b]}`).join(', ') || 'none';
  const header = [
    `/* ${opts.title ?? fnName}: ${n} step${n === 1 ? '' : 's'}, safe length ${safe};`,
    ` * ${fastPath ? `unchecked copy of ${fastSteps.length} blocks behind one length test, ` : ''}checked copy of ${checkedSteps.length} blocks with ${lengthChecks} length test${lengthChecks === 1 ? '' : 's'}. */`,
  ];
  const code = [
    ...header,
    `static ${n > LARGE_PROGRAM_STEPS ? '__attribute__((noinline, optimize("no-gcse")))' : 'inline'} void ${fnName}(struct classification *e, int port, Packet **in, unsigned n, CvmOut *out)`,
    '{',
    '    (void)e;',
    '    (void)port;',
    '    for (unsigned i = 0; i < n; i++) {',
    ...pro.map((l) => '        ' + l),
    ...body,
    '    }',
    '}',
    '',
  ].join('\n');
  return { code, fastPath, fastBlocks: fastSteps.length, checkedBlocks: checkedSteps.length, lengthChecks };
}

/**
 * The `native` entry of Classifier, IPClassifier and IPFilter: the shared C
 * file, the handler texts as constants, and the instance's push function.
 * `patternHandlers` adds IPClassifier's per-pattern read/write handlers
 * (`<inst>_read_patternN`, `<inst>_write_patternN`, see codegen's instance handlers).
 * `fastPath` is for tests that need one copy or the other.
 */
export function programNative(patternHandlers: boolean, fastPath: FastPathChoice = 'auto'): NativeSpec<ProgramConf> {
  return {
    source: nativeSource(import.meta.url, 'classification.c'),
    prefix: 'classification',
    inPlace: true,
    init: (conf, ctx) => {
      const fields = [`.program_text = ${ctx.cString(unparseProgram(conf.program))}`];
      if (patternHandlers) {
        fields.push(`.patterns = ${ctx.constArray('char *', conf.patterns.map((p) => ctx.cString(p)))}, .npatterns = ${conf.patterns.length}`);
      }
      return fields.join(',\n    ');
    },
    instanceCode: (conf, ctx, inst) => {
      const title = `${ctx.elementName} :: ${conf.patterns.length} pattern${conf.patterns.length === 1 ? '' : 's'}`;
      const parts = [programToC(conf.program, `${inst}_push`, { noutputs: ctx.noutputs, title, fastPath }).code];
      if (patternHandlers) {
        conf.patterns.forEach((_, i) => {
          parts.push(
            `static void ${inst}_read_pattern${i}(struct classification *e, CvmStr *o) { classification_read_pattern(e, ${i}, o); }`,
            `static int ${inst}_write_pattern${i}(struct classification *e, const char *v, CvmStr *err) { return classification_write_pattern(e, ${i}, v, err); }`,
          );
        });
      }
      return parts.join('\n');
    },
  };
}

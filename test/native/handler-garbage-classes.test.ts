// Garbage written to every write handler of one element of every class in
// the registry (fixtures/every-class/config.click, one native build), in
// both engines, after a short run: each write is refused and changes
// nothing (every read handler of the router reads the same before and
// after), or it is an action that takes no value, or a handler whose every
// text is a value; both engines answer each write alike.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registry } from '../../elements/registry.js';
import { runSession, type HandlerStep, type SessionSpec, type StepOutcome } from './engines.js';
import { listHandlers } from './handler-probe.js';

const DIR = join(import.meta.dirname, 'fixtures/every-class');
const config = readFileSync(join(DIR, 'config.click'), 'utf8');
const spec: SessionSpec = {
  config,
  fromDir: DIR,
  files: { 'in.pcap': readFileSync(join(import.meta.dirname, '../fixtures/conformance/01-counter/in.pcap')) },
  devices: true,
};

/**
 * A 70 KB line, empty, words, negative and huge numbers, binary, unbalanced
 * quotes, wrong types. The long line comes first: a handler that takes any
 * text (packet data) then holds a short value for the rest of the probes.
 * Numbers just past 32 bits either way (-2^31-1, -3e9, 2^32, 2^32+5 in
 * hex) are exact in both engines' parsers but fit neither Click's int nor
 * its unsigned: an engine that wraps them (to 0 or 5) or takes them as
 * 64-bit accepts them, which is a finding.
 */
const GARBAGE = [
  'a'.repeat(70_000), '', ' ', 'garbage', '-1', '-2147483649', '-3000000000', '4294967296', '0x100000005',
  '99999999999999999999999', '1.5e999', 'NaN', '0x', '1/0',
  '\u0000\u00ff\n\t', '\u00c3\u00bf\u0080\u00fe\u0000', '"unclosed', '10.0.0.1/99', '00:11:22:33:44', 'true false',
];

/**
 * Read handlers that change with nothing written, excluded from the
 * comparison: rates (Counter's and AverageCounter's rate, byte_rate,
 * bit_rate; Meter's rate) are averages over the time since the last packet
 * or reset, so they move with the clock; Script's and DriverManager's
 * `random` draws a new number at each read and `now` reads the clock.
 */
const VOLATILE = /\.(rate|byte_rate|bit_rate|random|now)$/;

/**
 * Handlers that are actions: they do something when called and ignore the
 * text written (Click's buttons: reset, reset_counts, clear, flush, stop,
 * reset_timing; Script's run, whose text is the script's arguments), so a
 * write of garbage is a call, not a value.
 */
const ACTIONS = new Set(['reset', 'reset_counts', 'clear', 'flush', 'stop', 'reset_timing', 'run']);

/**
 * Garbage that is a value for some handlers (matched against the text up to
 * the first NUL: handler values end there in both engines, as C strings do
 * in Click). Anything else a value handler accepts is a finding.
 */
const VALID: Readonly<Record<string, RegExp | ((value: string) => boolean)>> = {
  // Packet data is any byte string (Click's raw handler).
  data: /^[\s\S]*$/,
  // Script's `set VAR VALUE`: any word names a variable.
  set: /\S/,
  // A step count: nothing means one step, negative counts (Click's int) are counts (Click's Script).
  step: (v) => /^\s*$/.test(v) || negativeInt(v),
  // Negative: no limit, or the data's own length (Click's InfiniteSource and sources; an int).
  limit: negativeInt, length: negativeInt, datasize: negativeInt,
  // Unqueue's BURST -1 (no bound); Switch -1 (send nothing); VLANEncap NATIVE_VLAN -1 (none).
  burst: /^-1$/, switch: /^-1$/, native_vlan: /^-1$/,
  // An empty IPClassifier pattern matches everything; 'true false' is an expression (true and false).
  pattern: /^(\s*|true false)$/,
  // A whole number of seconds is an interval while its nanoseconds fit 64 bits (TimedSource, FromDevice).
  interval: wholeSeconds, extend_interval: wholeSeconds,
  // RandomSeed: no seed (the run's own generator again).
  seed: /^\s*$/,
  // No route commands at all.
  ctrl: /^\s*$/,
  // '1/0' is the route 1.0.0.0/0, i.e. the default route, which the table has.
  remove: /^1\/0$/,
};

/** A negative number that fits Click's int (-2^31..-1). */
function negativeInt(value: string): boolean {
  return /^-\d+$/.test(value) && Number(value) >= -(2 ** 31);
}

/** A whole number of seconds whose nanoseconds fit a signed 64-bit count. */
function wholeSeconds(value: string): boolean {
  return /^\d+$/.test(value) && BigInt(value) * 1_000_000_000n < 2n ** 63n;
}

const valid = (name: string, value: string): boolean => {
  const v = VALID[name];
  return v instanceof RegExp ? v.test(value) : v !== undefined && v(value);
};

const handlerName = (path: string) => path.slice(path.lastIndexOf('.') + 1).replace(/^pattern\d+$/, 'pattern');

/** The native dataplane compiles these in; it refuses every change (documented in dataplane-native/README.md). */
const COMPILED_IN = /cannot change in the native dataplane/;

t.test('the configuration holds one element of every class', async (t) => {
  for (const name of registry.keys()) t.ok(new RegExp(`::\\s*${name}\\b|\\b${name}\\s*(->|\\(|;)`).test(config), name);
});

const all = listHandlers(spec);
const reads = all.reads.filter((r) => !VOLATILE.test(r));
const writes = all.writes;
const snapshot: HandlerStep[] = reads.map((r) => ['r', r]);
const probes = writes.flatMap((write) => GARBAGE.map((value) => ({ write, value })));

interface Probe { readonly write: string; readonly value: string }
const label = (p: Probe) => `${p.write} <- ${JSON.stringify(p.value.slice(0, 20))}${p.value.length > 20 ? '...' : ''}`;
const show = (o: StepOutcome | undefined) => (!o ? 'no answer' : o.ok ? 'accepts' : `refuses (${o.message})`);

/**
 * The probes after a run, with a snapshot of every read handler around each
 * run of consecutive refused writes (known from `accepted`, a first pass
 * without snapshots: every read after every write would be a million reads).
 * Returns the steps, where each probe's write is, and the snapshot pairs.
 */
function plan(accepted: readonly boolean[]): { steps: HandlerStep[]; at: number[]; pairs: { from: number; to: number; probes: number[] }[] } {
  const steps: HandlerStep[] = [];
  const at: number[] = [];
  const pairs: { from: number; to: number; probes: number[] }[] = [];
  let open: { from: number; probes: number[] } | undefined;
  const close = () => {
    if (open && open.probes.length) pairs.push({ ...open, to: steps.length });
    if (open) steps.push(...snapshot);
    open = undefined;
  };
  probes.forEach((p, i) => {
    const newHandler = i === 0 || probes[i - 1]!.write !== p.write;
    if (accepted[i] || newHandler) close();
    if (!accepted[i] && !open) {
      open = { from: steps.length, probes: [] };
      steps.push(...snapshot);
    }
    at.push(steps.length);
    steps.push(['w', p.write, p.value]);
    open?.probes.push(i);
  });
  close();
  return { steps, at, pairs };
}

const firstPass = (engine: 'host' | 'native') => runSession(engine, { ...spec, after: probes.map((p) => ['w', p.write, p.value] as const) }).after;
const outcomes = { host: firstPass('host'), native: firstPass('native') };

t.test('both engines answer every write alike', async (t) => {
  let differ = 0;
  probes.forEach((p, i) => {
    const h = outcomes.host[i]!;
    const n = outcomes.native[i]!;
    if (!n.ok && COMPILED_IN.test(n.message)) return;
    if (h.ok !== n.ok || (!h.ok && !n.ok && h.message !== n.message)) {
      differ++;
      t.fail(`${label(p)}: host ${show(h)}, native ${show(n)}`);
    }
  });
  t.equal(differ, 0, `${probes.length} writes`);
});

for (const engine of ['host', 'native'] as const) {
  t.test(engine, async (t) => {
    const accepted = outcomes[engine].map((o) => o.ok);
    const { steps, at, pairs } = plan(accepted);
    const r = runSession(engine, { ...spec, after: steps });
    t.equal(r.after.length, steps.length, 'every step answered');
    let same = 0;
    probes.forEach((p, i) => {
      const o = r.after[at[i]!]!;
      if (o.ok !== accepted[i]) t.fail(`${label(p)}: ${show(o)} in the second pass, not in the first`);
    });
    for (const pair of pairs) {
      const before = r.after.slice(pair.from, pair.from + reads.length);
      const after = r.after.slice(pair.to, pair.to + reads.length);
      const changed = reads.filter((_, i) => JSON.stringify(after[i]) !== JSON.stringify(before[i]));
      if (changed.length) t.fail(`refused ${pair.probes.map((i) => label(probes[i]!)).join(', ')} changed ${changed.join(', ')}`);
      else same++;
    }
    let actions = 0;
    let values = 0;
    probes.forEach((p, i) => {
      if (!accepted[i]) return;
      const name = handlerName(p.write);
      if (ACTIONS.has(name)) actions++;
      else if (valid(name, p.value.split('\0')[0]!)) values++;
      else t.fail(`${label(p)}: accepted by a value handler`);
    });
    t.pass(`accepted: ${actions} action calls, ${values} garbage that is a value`);
    t.pass(`${writes.length} write handlers x ${GARBAGE.length} values: ${accepted.filter((a) => !a).length} refused; ${same} runs of refused writes left ${reads.length} reads unchanged`);
    t.same(r.accounting, [], 'every element accounts for its packets');
  });
}

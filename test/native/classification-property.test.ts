// Property test: random patterns (the host property test's generators) and
// random, malformed packets through the native classifiers and the host
// engine's, packet by packet. Every program is compiled three times (the
// default C, C that always has the unchecked copy behind the up-front length
// test, C that never has it), each instance fed the same packets from its own
// source into its own log (odd seeds: one log behind all outputs, so runs
// delivery; even seeds: a log per output, so batch delivery); each log must
// equal the host engine's. Many programs share one compiled configuration.
// Seeded: a failure names its seeds.

import t, { type Test } from 'tap';
import { ConfigError } from '../../config-lang/args/args.js';
import { compileIPClassifier } from '../../elements/classification/ip-classifier.js';
import { filterRules } from '../../elements/classification/ip-filter.js';
import { haveCompiler } from './differential.js';
import { compareBoth, packetsArg, type TestPacket } from './classification-fixtures.js';
import { classifierPattern, expression, rng } from '../util/classification-generators.js';
import { ipTestPacket, linkTestPacket } from './classification-packets.js';

interface Case {
  readonly seed: number;
  readonly cls: 'Classifier' | 'IPClassifier' | 'IPFilter';
  readonly args: readonly string[];
  readonly noutputs: number;
  readonly packets: readonly TestPacket[];
  readonly burst: number;
}

const VARIANTS = ['', 'Fast', 'Checked'] as const;

/** One configuration holding every case, each in three variants. */
function configOf(cases: readonly Case[]): { config: string; handlers: string[] } {
  const lines: string[] = [];
  const handlers: string[] = [];
  for (const c of cases) {
    for (const v of VARIANTS) {
      const id = `${v || 'Auto'}${c.seed}`;
      lines.push(`src${id} :: ClsTestSource(${packetsArg(c.packets)}, BURST ${c.burst}) -> c${id} :: ${v}${c.cls}(${c.args.join(', ')});`);
      if (c.seed % 2) {
        // One log behind every output: the classifier delivers in order-preserving runs.
        lines.push(`log${id} :: ClsTestLog;`);
        for (let k = 0; k < c.noutputs; k++) lines.push(`c${id}[${k}] -> [${k}]log${id};`);
        handlers.push(`log${id}.log`);
      } else {
        // A log per output: whole batches, port by port.
        for (let k = 0; k < c.noutputs; k++) {
          lines.push(`c${id}[${k}] -> log${id}_${k} :: ClsTestLog;`);
          handlers.push(`log${id}_${k}.log`);
        }
      }
    }
  }
  return { config: lines.join('\n'), handlers };
}

function runCases(t: Test, cases: readonly Case[], label: string): boolean {
  const { config, handlers } = configOf(cases);
  const ok = compareBoth(t, config, handlers, label);
  if (!ok) for (const c of cases) t.comment(`seed ${c.seed}: ${c.cls}(${c.args.join(', ')})`);
  return ok;
}

function compiles(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof ConfigError) return false;
    throw e;
  }
}

const GROUP = 40;

t.test('IPClassifier: random patterns, native and host agree packet by packet', { skip: !haveCompiler() && 'gcc missing' }, async (t) => {
  let cases: Case[] = [];
  let total = 0;
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const n = 1 + r.int(5);
    const patterns = Array.from({ length: n }, () => (r.chance(0.1) ? '-' : expression(r, 3)));
    if (!compiles(() => compileIPClassifier(patterns, () => {}))) continue;
    cases.push({ seed, cls: 'IPClassifier', args: patterns, noutputs: n, packets: Array.from({ length: 120 }, () => ipTestPacket(r)), burst: 1 + r.int(64) });
    if (cases.length === GROUP || seed === 200) {
      total += cases.length;
      if (!runCases(t, cases, `IPClassifier seeds ${cases[0]!.seed}-${seed}`)) return;
      cases = [];
    }
  }
  t.ok(total > 150, `${total} programs x 3 variants x 120 packets agree`);
});

t.test('IPFilter: random actions and patterns, with drops and outputs beyond the ports', { skip: !haveCompiler() && 'gcc missing' }, async (t) => {
  let cases: Case[] = [];
  let total = 0;
  for (let seed = 1000; seed < 1120; seed++) {
    const r = rng(seed);
    const n = 2 + r.int(6);
    const texts = Array.from({ length: n }, () => `${r.pick(['allow', 'drop', 'deny', '1', '2'])} ${r.chance(0.1) ? 'all' : expression(r, 2)}`);
    if (!compiles(() => filterRules(texts, 3, () => {}))) continue;
    cases.push({ seed, cls: 'IPFilter', args: texts, noutputs: 3, packets: Array.from({ length: 120 }, () => ipTestPacket(r)), burst: 1 + r.int(64) });
    if (cases.length === GROUP || seed === 1119) {
      total += cases.length;
      if (!runCases(t, cases, `IPFilter seeds ${cases[0]!.seed}-${seed}`)) return;
      cases = [];
    }
  }
  t.ok(total > 80, `${total} programs x 3 variants x 120 packets agree`);
});

t.test('Classifier: random byte patterns on random and truncated frames', { skip: !haveCompiler() && 'gcc missing' }, async (t) => {
  let cases: Case[] = [];
  for (let seed = 1; seed <= 120; seed++) {
    const r = rng(seed);
    const n = 1 + r.int(6);
    const patterns = Array.from({ length: n }, () => classifierPattern(r));
    cases.push({ seed, cls: 'Classifier', args: patterns, noutputs: n, packets: Array.from({ length: 150 }, () => linkTestPacket(r)), burst: 1 + r.int(64) });
    if (cases.length === GROUP) {
      if (!runCases(t, cases, `Classifier seeds ${cases[0]!.seed}-${seed}`)) return;
      cases = [];
    }
  }
  t.pass('120 programs x 3 variants x 150 packets agree');
});

// The suite's command line, shared by `npm run bench` (benchmarks/bench.ts)
// and `clickvm bench`: parse the options, run the matrix, write the files.

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { ENGINES, matrix, type Engine } from './matrix.js';
import { writeResults, type Written } from './report.js';
import { runSuite, type Results, type SuiteOptions } from './run.js';

export const USAGE = `usage: npm run bench -- [options]   (or: clickvm bench [options])
  --quick               a seconds-long subset (configs a and e, 64 and 1500 B, few packets)
  --reference PATH      also run the original Click userlevel driver and report ratios
  --callgrind           native instructions per packet at the smallest frame size (valgrind)
  --dpdk                DPDK baseline (dpdk-testpmd io forwarding between null PMDs)
  --march-native        build the native engine with -march=native
  --skip-frontend       skip the front-end timings (10,000-element configuration, examples through gcc)
  --skip-scaling        skip multi-core scaling (the native binary on 1 core, then one instance per core)
  --skip-device-latency skip the latency rows on veth pairs (root) and through the VM's NICs
  --runs N              measured runs per figure (default 5, after one warm-up)
  --packets N           packets per run, native and Click (default 2000000)
  --host-packets N      packets per run, host engine (default 200000)
  --vm-packets N        packets per run inside the VM (default 1000000)
  --sizes 64,128,...    frame sizes in bytes (default 64,128,256,512,1024,1500)
  --configs a,e_pull    configurations by name prefix (default all of benchmarks/configs)
  --engines host,native,inprocess,vm  engines (default all; inprocess = native shared library via koffi,
                        vm = the VM image under QEMU, KVM where the CPU has vmx/svm, else TCG)
  --out DIR             where to write results (default benchmarks/results)
  --stem NAME           file name stem (default <date>-<host>)
  --render FILE.json    measure nothing: write the Markdown and charts again from a results file`;

export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

export interface BenchArgs extends SuiteOptions {
  readonly out: string;
  readonly stem: string;
  /** A results JSON to write the Markdown and charts from, instead of measuring. */
  readonly render?: string;
}

const list = (s: string | undefined): string[] | undefined => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
function int(name: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new BenchUsageError(`--${name} ${s}: give a positive whole number`);
  return n;
}

export function defaultStem(date = new Date()): string {
  return `${date.toISOString().slice(0, 10)}-${hostname().replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** The options by name, each a flag or a string (numbers and lists are parsed from strings). */
export const BENCH_OPTIONS = {
  quick: 'boolean',
  reference: 'string',
  callgrind: 'boolean',
  dpdk: 'boolean',
  'march-native': 'boolean',
  'skip-frontend': 'boolean',
  'skip-scaling': 'boolean',
  'skip-device-latency': 'boolean',
  runs: 'string',
  packets: 'string',
  'host-packets': 'string',
  'vm-packets': 'string',
  sizes: 'string',
  configs: 'string',
  engines: 'string',
  out: 'string',
  stem: 'string',
  render: 'string',
} as const;

type OptionValue<T> = T extends 'boolean' ? boolean : string;
export type BenchValues = { -readonly [K in keyof typeof BENCH_OPTIONS]?: OptionValue<(typeof BENCH_OPTIONS)[K]> };

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: BenchValues;
  try {
    const options = Object.fromEntries(Object.entries(BENCH_OPTIONS).map(([k, type]) => [k, { type }]));
    values = parseArgs({ args: [...argv], options, strict: true }).values as BenchValues;
  } catch (e) {
    throw new BenchUsageError(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
  }
  return benchArgs(values);
}

/** Check and convert option values (from parseArgs, or from yargs in `clickvm bench`). */
export function benchArgs(v: BenchValues): BenchArgs {
  const engines = list(v.engines);
  for (const e of engines ?? []) if (!(ENGINES as readonly string[]).includes(e)) throw new BenchUsageError(`--engines: '${e}' is not one of ${ENGINES.join(', ')}`);
  if (v.render !== undefined && !existsSync(v.render)) throw new BenchUsageError(`--render: no results file '${v.render}'`);
  if (v.reference !== undefined && !existsSync(v.reference)) throw new BenchUsageError(`--reference: no click binary at '${v.reference}'`);
  const sizes = list(v.sizes)?.map((s) => int('sizes', s)!);
  const opt = <K extends string, T>(k: K, x: T | undefined): { [P in K]?: T } => (x === undefined ? {} : ({ [k]: x } as { [P in K]?: T }));
  const args: BenchArgs = {
    quick: v.quick ?? false,
    callgrind: v.callgrind ?? false,
    dpdk: v.dpdk ?? false,
    marchNative: v['march-native'] ?? false,
    frontend: !(v['skip-frontend'] ?? false),
    scaling: !(v['skip-scaling'] ?? false),
    deviceLatency: !(v['skip-device-latency'] ?? false),
    ...opt('reference', v.reference),
    ...opt('render', v.render),
    ...opt('runs', int('runs', v.runs)),
    ...opt('packets', int('packets', v.packets)),
    ...opt('hostPackets', int('host-packets', v['host-packets'])),
    ...opt('vmPackets', int('vm-packets', v['vm-packets'])),
    ...opt('sizes', sizes),
    ...opt('only', list(v.configs)),
    ...opt('engines', engines as Engine[] | undefined),
    out: v.out ?? join(repoRoot, 'benchmarks', 'results'),
    stem: v.stem ?? defaultStem(),
  };
  try {
    matrix(args); // sizes, runs and configuration names
  } catch (e) {
    throw new BenchUsageError(e instanceof Error ? e.message : String(e));
  }
  return args;
}

/** Run the suite with these arguments and write its files; returns what was written. */
export async function bench(args: BenchArgs): Promise<Written> {
  const written = args.render
    ? writeResults(JSON.parse(readFileSync(args.render, 'utf8')) as Results, dirname(resolve(args.render)), basename(args.render, '.json'))
    : writeResults(await runSuite(args), args.out, args.stem);
  process.stdout.write(`wrote ${written.json}, ${written.markdown}${written.svgs.length ? `, ${written.svgs.length} SVG charts` : ''}\n`);
  return written;
}

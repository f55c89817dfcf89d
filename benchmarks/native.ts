// Native dataplane throughput: millions of packets per second on one core
// for the reference configurations in benchmarks/configs/ (and any given on
// the command line), with synthetic in-memory traffic, median of several runs.
//
// The benchmark suite (bench.ts, suite/) measures the same at every frame
// size against Click; this script is the quick single-size table.
//
//   npx tsx benchmarks/native.ts [--runs 5] [--packets 10000000] [--march-native]
//                                [--callgrind] [--reference PATH_TO_CLICK] [CONFIG.click ...]
//
// Each configuration is compiled once (cached) and run as a standalone
// binary; the binary times its own run loop (`-t`), so compilation and
// start-up are not counted. Mpps = packets / run time; cycles per packet =
// run time x the CPU's clock / packets (these machines have no hardware
// counters). With --callgrind, valgrind counts the instructions per packet
// exactly (difference between two packet counts, so start-up cancels out).
// With --reference, the same configurations run through that `click` binary
// in the same session (whole-process time less the start-up measured with a
// tiny count, as the suite does) and the table shows the ratio.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { measureClick } from './suite/click-reference.js';
import { machine } from './suite/machine.js';
import { benchmarkConfigs } from './suite/matrix.js';
import { compileNative, countHandler, instructionsPerPacket, runNative } from './suite/native-engine.js';
import { median } from './suite/stats.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const runs = Number(arg('runs', '5'));
const packets = Number(arg('packets', '10000000'));
const reference = process.argv.includes('--reference') ? arg('reference', '') : undefined;
const marchNative = flag('march-native');
const callgrind = flag('callgrind');

/** Configurations: the command line's, or every benchmarks/configs/*.click. */
function configs(): string[] {
  const given = process.argv.slice(2).filter((a, i, all) => a.endsWith('.click') && !all[i - 1]?.startsWith('--reference'));
  if (given.length) return given.map((f) => resolve(f));
  return benchmarkConfigs().map((c) => c.file);
}

const compile = (file: string, n: number): string => compileNative(readFileSync(file, 'utf8'), file, n, { marchNative });

function main(): void {
  const mhz = machine().mhz;
  const rows: string[][] = [];
  const head = ['configuration', 'Mpps (median)', 'min-max', 'cycles/pkt', ...(callgrind ? ['instr/pkt'] : []), ...(reference ? ['click Mpps', 'ratio'] : [])];
  for (const file of configs()) {
    const text = readFileSync(file, 'utf8');
    const handler = countHandler(text);
    const cwd = dirname(file);
    const bin = compile(file, packets);
    const samples = Array.from({ length: runs }, () => runNative(bin, handler, cwd));
    const mpps = samples.map((s) => s.packets / s.seconds / 1e6);
    const med = median(mpps);
    const row = [basename(file, '.click'), med.toFixed(2), `${Math.min(...mpps).toFixed(1)}-${Math.max(...mpps).toFixed(1)}`, ((mhz * 1e6) / (med * 1e6)).toFixed(0)];
    if (callgrind) row.push(instructionsPerPacket(text, file, cwd, 200_000, { marchNative }).toFixed(1));
    if (reference) {
      const refMpps = measureClick(reference, text, cwd, packets, runs).mpps.median;
      row.push(refMpps.toFixed(2), (med / refMpps).toFixed(2) + 'x');
    }
    rows.push(row);
    process.stderr.write(`${row.join('  ')}\n`);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: string[]) => `| ${cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`\n${packets} packets per run, ${runs} runs, ${cpus().length} cores at ~${mhz.toFixed(0)} MHz, gcc ${execFileSync('gcc', ['-dumpversion'], { encoding: 'utf8' }).trim()}${marchNative ? ', -march=native' : ''}\n`);
  console.log(line(head));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
}

if (reference !== undefined && (!reference || !existsSync(reference))) {
  console.error(`--reference: no click binary at '${reference}'`);
  process.exit(1);
}
main();

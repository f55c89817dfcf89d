// Native dataplane throughput: millions of packets per second on one core
// for the reference configurations in benchmarks/configs/ (and any given on
// the command line), with synthetic in-memory traffic, median of several runs.
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
// in the same session (whole-process time, large N so start-up is noise) and
// the table shows the ratio.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

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
  const dir = join(root, 'benchmarks', 'configs');
  return readdirSync(dir).filter((f) => f.endsWith('.click')).sort().map((f) => join(dir, f));
}

/** The handler that counts packets through the configuration: cnt.count, d.count or the source's count. */
function countHandler(text: string): string {
  if (/\bcnt\s*::\s*Counter/.test(text)) return 'cnt.count';
  if (/\bd\s*::\s*Discard/.test(text)) return 'd.count';
  if (/\bsrc\s*::\s*InfiniteSource/.test(text)) return 'src.count';
  throw new Error('name a Counter `cnt`, a Discard `d` or the source `src` so the benchmark can count packets');
}

function compile(file: string, n: number): string {
  const text = readFileSync(file, 'utf8');
  const graph = loadConfig(text, file, { defines: { N: String(n) } });
  return buildNative(generateC(graph, { configText: text }), { kind: 'exe', marchNative }).output;
}

interface Sample {
  readonly seconds: number;
  readonly packets: number;
}

function runOnce(binary: string, handler: string, cwd: string): Sample {
  const r = spawnSync(binary, ['-t', '-h', handler], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`);
  const ns = /clickvm-run-ns (\d+)/.exec(r.stderr);
  if (!ns) throw new Error(`no timing in: ${r.stderr}`);
  return { seconds: Number(ns[1]) / 1e9, packets: Number(r.stdout.trim()) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Instructions per packet from callgrind: Ir(2k) - Ir(k) over k packets. */
function instructionsPerPacket(file: string, handler: string, cwd: string): number {
  const k = 200_000;
  const ir = (n: number): number => {
    const bin = compile(file, n);
    const out = mkdtempSync(join(tmpdir(), 'clickvm-cg-'));
    try {
      const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${join(out, 'cg')}`, bin, '-h', handler], { cwd, encoding: 'utf8' });
      const m = /Collected : (\d+)/.exec(r.stderr) ?? /refs:\s+([\d,]+)/.exec(r.stderr);
      if (!m) throw new Error(`callgrind gave no total: ${r.stderr.slice(-500)}`);
      return Number(m[1]!.replace(/,/g, ''));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  };
  return (ir(2 * k) - ir(k)) / k;
}

/** Median whole-process seconds of the reference click binary. */
function referenceSeconds(file: string, handler: string, cwd: string): { seconds: number; packets: number } {
  const times: number[] = [];
  let counted = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(reference!, ['-h', handler, file, `N=${packets}`], { cwd, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    if (r.status !== 0) throw new Error(`reference click failed on ${file}: ${r.stderr}`);
    counted = Number(r.stdout.trim());
  }
  return { seconds: median(times), packets: counted };
}

function cpuMHz(): number {
  const speeds = cpus().map((c) => c.speed).filter((s) => s > 0);
  if (speeds.length) return median(speeds);
  const m = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function main(): void {
  const mhz = cpuMHz();
  const rows: string[][] = [];
  const head = ['configuration', 'Mpps (median)', 'min-max', 'cycles/pkt', ...(callgrind ? ['instr/pkt'] : []), ...(reference ? ['click Mpps', 'ratio'] : [])];
  for (const file of configs()) {
    const text = readFileSync(file, 'utf8');
    const handler = countHandler(text);
    const cwd = dirname(file);
    const bin = compile(file, packets);
    const samples = Array.from({ length: runs }, () => runOnce(bin, handler, cwd));
    const mpps = samples.map((s) => s.packets / s.seconds / 1e6);
    const med = median(mpps);
    const row = [basename(file, '.click'), med.toFixed(2), `${Math.min(...mpps).toFixed(1)}-${Math.max(...mpps).toFixed(1)}`, ((mhz * 1e6) / (med * 1e6)).toFixed(0)];
    if (callgrind) row.push(instructionsPerPacket(file, handler, cwd).toFixed(1));
    if (reference) {
      const ref = referenceSeconds(file, handler, cwd);
      const refMpps = ref.packets / ref.seconds / 1e6;
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

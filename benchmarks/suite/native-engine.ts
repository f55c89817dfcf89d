// The native engine as a standalone binary: a configuration compiled (and
// cached) with its packet count, run with `-t` so the binary times its own
// run loop. Steady state is that loop's time; start-up is the rest of the
// process's wall time (exec, initialisation, teardown).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { measurement, type Measurement } from './stats.js';

/** The handler that counts packets through a configuration: an example's total (examples.ts), cnt.count, d.count or the source's count. */
export function countHandler(text: string): string {
  if (/\bbench_total\s*::\s*Script/.test(text)) return 'bench_total.run';
  if (/\bcnt\s*::\s*Counter/.test(text)) return 'cnt.count';
  if (/\bd\s*::\s*Discard/.test(text)) return 'd.count';
  if (/\bsrc\s*::\s*InfiniteSource/.test(text)) return 'src.count';
  throw new Error('name a Counter `cnt`, a Discard `d` or the source `src` so the benchmark can count packets');
}

export interface NativeOptions {
  readonly marchNative?: boolean;
}

/** Compile `text` (from `file`) with $N = n into a standalone binary; returns its path. */
export function compileNative(text: string, file: string, n: number, opts: NativeOptions = {}): string {
  const graph = loadConfig(text, file, { defines: { N: String(n) } });
  return buildNative(generateC(graph, { configText: text }), { kind: 'exe', marchNative: opts.marchNative ?? false }).output;
}

export interface NativeSample {
  /** Run-loop seconds, as the binary measured them. */
  readonly seconds: number;
  /** Whole-process wall seconds. */
  readonly wallSeconds: number;
  readonly packets: number;
}

export function runNative(binary: string, handler: string, cwd: string): NativeSample {
  const t0 = process.hrtime.bigint();
  // The monitor example prints a sample of its packets: room for its chatter.
  const r = spawnSync(binary, ['-t', '-h', handler], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`);
  const ns = /clickvm-run-ns (\d+)/.exec(r.stderr);
  if (!ns) throw new Error(`no timing in: ${r.stderr}`);
  return { seconds: Number(ns[1]) / 1e9, wallSeconds, packets: Number(r.stdout.trim()) };
}

/** A warm-up run, then `runs` measured ones. */
export function measureNative(text: string, file: string, cwd: string, packets: number, runs: number, opts: NativeOptions = {}): Measurement {
  const handler = countHandler(text);
  const bin = compileNative(text, file, packets, opts);
  runNative(bin, handler, cwd);
  const samples = Array.from({ length: runs }, () => runNative(bin, handler, cwd));
  return measurement(
    samples[0]!.packets,
    samples.map((s) => s.seconds),
    samples.map((s) => s.wallSeconds - s.seconds),
  );
}

/** Instructions per packet from callgrind: (Ir(2k) - Ir(k)) / k, so start-up cancels out. */
export function instructionsPerPacket(text: string, file: string, cwd: string, k = 200_000, opts: NativeOptions = {}): number {
  const handler = countHandler(text);
  const ir = (n: number): number => {
    const bin = compileNative(text, file, n, opts);
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

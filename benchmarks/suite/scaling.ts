// Multi-core scaling of the native engine. A clickvm router runs its tasks
// on one thread, as a ClickOS middlebox runs on one vCPU: an operator scales
// out with one instance per core (a VM each, or a process each on its own
// RSS queue). So that is what is measured: the standalone binary alone,
// pinned to core 0, then one copy per core started together, each pinned to
// its own core and timing its own run loop. The aggregate is the sum of the
// instances' rates; efficiency is the aggregate over (cores x the single
// instance's rate), 1.0 being perfect scaling.

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { compileNative, countHandler, type NativeOptions } from './native-engine.js';
import { spread, type Spread } from './stats.js';

export interface ScalingRow {
  readonly config: string;
  readonly size: number;
  readonly packetsPerInstance: number;
  /** Mpps of one instance alone on core 0. */
  readonly single: Spread;
  /** Instances running at once, one per core. */
  readonly instances: number;
  /** Sum of the instances' Mpps, per run. */
  readonly aggregate: Spread;
  /** Median aggregate over instances x median single. */
  readonly efficiency: number;
}

/** One run of `binary` pinned to `core`; resolves to its run loop's Mpps. */
function pinnedRun(binary: string, handler: string, cwd: string, core: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', String(core), binary, '-t', '-h', handler], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ns = /clickvm-run-ns (\d+)/.exec(err);
      if (code !== 0 || !ns) return reject(new Error(`${binary} on core ${core} failed (${code}): ${err.trim().split('\n')[0] ?? ''}`));
      resolve(Number(out.trim()) / (Number(ns[1]) / 1e9) / 1e6);
    });
  });
}

/** Instances running at once: every core this process may use, at least 2 (the issue asks for 1 and 2 cores). */
export function scalingInstances(): number {
  return Math.max(2, cpus().length);
}

export async function measureScaling(
  config: string,
  text: string,
  file: string,
  cwd: string,
  size: number,
  packets: number,
  runs: number,
  opts: NativeOptions = {},
): Promise<ScalingRow> {
  const handler = countHandler(text);
  const bin = compileNative(text, file, packets, opts);
  const instances = scalingInstances();
  const cores = cpus().length;
  await pinnedRun(bin, handler, cwd, 0); // warm-up: page cache, CPU frequency
  const single: number[] = [];
  const aggregate: number[] = [];
  // Alternate the two shapes so a slow stretch of a shared machine hits both.
  for (let i = 0; i < runs; i++) {
    single.push(await pinnedRun(bin, handler, cwd, 0));
    const rates = await Promise.all(Array.from({ length: instances }, (_, k) => pinnedRun(bin, handler, cwd, k % cores)));
    aggregate.push(rates.reduce((a, b) => a + b, 0));
  }
  const s = spread(single);
  const a = spread(aggregate);
  return { config, size, packetsPerInstance: packets, single: s, instances, aggregate: a, efficiency: a.median / (instances * s.median) };
}

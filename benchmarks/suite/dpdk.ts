// A DPDK baseline, when Debian's dpdk packages are installed: dpdk-testpmd
// in io forwarding mode between two null PMDs (net_null, which make and
// swallow packets of a fixed size without touching memory), no hugepages.
// The forwarding runs on one lcore; testpmd's main lcore only prints the
// statistics once a second. Each one-second sample after the first is a
// run; the figure is the sum of both ports' Rx-pps.

import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packetLength } from './frames.js';
import { median, spread, type Measurement } from './stats.js';

export interface DpdkUnavailable {
  readonly available: false;
  readonly reason: string;
}

export const TESTPMD = 'dpdk-testpmd';

/** Why DPDK cannot run here, or undefined when dpdk-testpmd starts. */
export function dpdkUnavailable(): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${TESTPMD}`], { encoding: 'utf8' });
  if (r.status !== 0) return `${TESTPMD} is not installed (Debian: apt-get install dpdk-dev; the dpdk package alone has no testpmd)`;
  return undefined;
}

/** Rx-pps figures of every statistics period, both ports summed. */
export function parseTestpmdRates(log: string): number[] {
  const rates = [...log.matchAll(/Rx-pps:\s+(\d+)/g)].map((m) => Number(m[1]));
  const out: number[] = [];
  for (let i = 0; i + 1 < rates.length; i += 2) out.push(rates[i]! + rates[i + 1]!);
  return out;
}

export function measureDpdk(size: number, runs: number): Measurement {
  const len = packetLength(size);
  // --in-memory does not go with --no-huge, so the run has a runtime folder of its own, removed after.
  const prefix = `clickvm-bench-${process.pid}`;
  // Start-up (the mbuf pool without hugepages) takes seconds on a loaded machine.
  const seconds = runs + 12;
  const args = [
    '-s', 'INT', String(seconds + 1), TESTPMD,
    '--no-huge', '-m', '1024', '--no-pci', '--file-prefix', prefix,
    '--vdev', `net_null0,size=${len}`, '--vdev', `net_null1,size=${len}`, '-l', '0-1',
    '--', '--forward-mode=io', '--stats-period', '1', '--auto-start', '--total-num-mbufs=16384',
  ];
  const r = spawnSync('timeout', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  rmSync(join('/var/run/dpdk', prefix), { recursive: true, force: true });
  const out = r.stdout + r.stderr;
  const rates = parseTestpmdRates(out).filter((x) => x > 0);
  if (rates.length < 2) throw new Error(`dpdk-testpmd gave ${rates.length} rates in ${seconds} s (start-up too slow?): ${out.slice(-300)}`);
  const samples = rates.slice(1, 1 + runs); // the first period includes start-up
  return { packets: Math.round(median(samples)), runs: samples.length, mpps: spread(samples.map((p) => p / 1e6)) };
}

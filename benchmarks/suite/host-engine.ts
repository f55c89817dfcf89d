// The host (TypeScript) engine in this process, in simulated time (no timer
// waits). Start-up is loading the configuration and initialising the
// router; steady state is Router.run(). A warm-up run with a small count
// lets the JIT compile the elements first.

import { loadConfig } from '../../config-lang/load.js';
import { Router } from '../../host-engine/router.js';
import { measurement, type Measurement } from './stats.js';

export interface HostSample {
  /** Packets the sources made. */
  readonly created: number;
  /** The counting handler's value, when one is given. */
  readonly counted: number | undefined;
  readonly seconds: number;
  readonly startupSeconds: number;
}

export function runHost(text: string, name: string, dir: string, defines: Record<string, string>, handler?: string): HostSample {
  const t0 = process.hrtime.bigint();
  const graph = loadConfig(text, name, { defines });
  const router = new Router(graph, { simtime: true, baseDir: dir, stderr: () => {}, stdout: () => {} });
  router.initialize();
  const t1 = process.hrtime.bigint();
  router.run();
  const t2 = process.hrtime.bigint();
  let created = 0;
  for (const e of router.elements) if (e.ninputs === 0) created += e.stats.created;
  const counted = handler ? Number(router.readHandler(handler).trim()) : undefined;
  router.cleanup();
  return { created, counted, seconds: Number(t2 - t1) / 1e9, startupSeconds: Number(t1 - t0) / 1e9 };
}

export function measureHost(text: string, file: string, dir: string, handler: string, packets: number, runs: number): Measurement {
  runHost(text, file, dir, { N: String(Math.min(packets, 10_000)) }, handler);
  const samples = Array.from({ length: runs }, () => runHost(text, file, dir, { N: String(packets) }, handler));
  return measurement(
    samples[0]!.counted ?? samples[0]!.created,
    samples.map((s) => s.seconds),
    samples.map((s) => s.startupSeconds),
  );
}

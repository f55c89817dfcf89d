// Latency a middlebox adds on the in-process path: each benchmark
// configuration with its measured source (the InfiniteSource with
// `LIMIT $N`) replaced by a FromDevice on a memory device, loaded as a
// shared library; one frame at a time is handed in (one koffi crossing)
// and the router run up to the present (a second crossing: it returns once
// nothing is left to do), so a
// sample is the time from a frame's arrival to the end of all the work
// it caused. Median and 99th percentile over many frames, after a
// warm-up; every frame must reach the configuration's counter.

import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { sizedConfig } from './frames.js';
import { countHandler } from './native-engine.js';

export interface Latency {
  readonly frames: number;
  readonly medianUs: number;
  readonly p99Us: number;
  readonly maxUs: number;
}

const DEVICE = 'bench0';

/** The configuration fed from memory device bench0, and the frame its measured source sent. */
export function deviceFedConfig(text: string, size: number): { text: string; frame: Uint8Array } {
  let frame: Uint8Array | undefined;
  const out = sizedConfig(text, size).replace(/InfiniteSource\(([^;]*?LIMIT \$N[^;]*?)\)/, (_whole, args: string) => {
    const data = /DATA \\<([0-9a-fA-F\s]+)>/.exec(args);
    const length = /LENGTH (\d+)/.exec(args);
    if (data) frame = Uint8Array.from(data[1]!.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
    else if (length) frame = new Uint8Array(Number(length[1]));
    return `FromDevice(${DEVICE})`;
  });
  if (!frame) throw new Error('no InfiniteSource with LIMIT $N and DATA or LENGTH to replace');
  return { text: out, frame };
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export function measureLatency(text: string, file: string, size: number, frames: number): Latency {
  const fed = deviceFedConfig(text, size);
  const handler = countHandler(text);
  const graph = loadConfig(fed.text, file, { defines: { N: '1' } });
  const router = new NativeRouter(buildNative(generateC(graph, { configText: fed.text }), { kind: 'shared' }).output);
  // Simulated time standing still: a run up to the present does the frame's
  // work and the timers already due, and returns (periodic timers would
  // keep an unbounded run busy).
  router.start({ simtime: true, devices: {} });
  try {
    const before = Number(router.read(handler).trim());
    const warm = Math.min(1000, frames);
    const samples: number[] = [];
    for (let i = 0; i < warm + frames; i++) {
      const t0 = process.hrtime.bigint();
      if (router.inject(DEVICE, [fed.frame]) !== 1) throw new Error(`${DEVICE}: the frame did not fit on the ring`);
      router.run({ until: router.now() });
      const t1 = process.hrtime.bigint();
      if (i >= warm) samples.push(Number(t1 - t0) / 1e3);
    }
    const counted = Number(router.read(handler).trim()) - before;
    if (counted !== warm + frames) throw new Error(`${handler} counted ${counted} of ${warm + frames} frames`);
    const sorted = samples.sort((a, b) => a - b);
    return { frames, medianUs: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99), maxUs: sorted[sorted.length - 1]! };
  } finally {
    router.finish();
  }
}

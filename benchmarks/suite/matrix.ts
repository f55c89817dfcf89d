// What the suite measures: configurations x engines x frame sizes, and the
// packet counts per engine. `--quick` is a seconds-long subset.

import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { FRAME_SIZES } from './frames.js';
import { exampleFiles } from './examples.js';

/**
 * host: TypeScript engine; native: standalone binary; inprocess: native
 * shared library through koffi; vm: the native dataplane in its VM image
 * under QEMU (KVM where the CPU allows, TCG otherwise).
 */
export const ENGINES = ['host', 'native', 'inprocess', 'vm'] as const;
export type Engine = (typeof ENGINES)[number];

export interface ConfigFile {
  /** File name without .click, e.g. a_source_discard; x_NAME for examples/NAME. */
  readonly name: string;
  readonly file: string;
  /** An examples/ middlebox fed from memory (benchmarks/suite/examples.ts): one row, at its frames' mean size. */
  readonly example?: boolean;
}

/**
 * The examples measured as rows (each examples/NAME/NAME.click). Not the
 * rate limiter: its output is its shaper's rate, and what it takes in
 * depends on whether the source waits on the full Queue (Click's
 * InfiniteSource listens to the queue's notifier; clickvm's does not yet),
 * so the two would not measure the same thing.
 */
export const EXAMPLES = ['firewall', 'load-balancer', 'monitor', 'nat', 'router'] as const;

/** A configuration's short label: the letter of a-f, an example's folder name. */
export const shortName = (name: string): string => (name.startsWith('x_') ? name.slice(2) : name.replace(/_.*/, ''));

export const configsDir = join(repoRoot, 'benchmarks', 'configs');

export function benchmarkConfigs(): ConfigFile[] {
  return [
    ...readdirSync(configsDir)
      .filter((f) => f.endsWith('.click'))
      .sort()
      .map((f) => ({ name: basename(f, '.click'), file: join(configsDir, f) })),
    ...exampleFiles(EXAMPLES).map((e) => ({ ...e, example: true })),
  ];
}

export interface Matrix {
  readonly configs: readonly ConfigFile[];
  readonly sizes: readonly number[];
  readonly engines: readonly Engine[];
  readonly runs: number;
  /** Packets per run: native binary and Click reference. */
  readonly packets: number;
  /** Packets per run for the host engine (it is 10-100x slower). */
  readonly hostPackets: number;
  /** Packets per run inside the VM (under TCG it is 5-20x slower than native). */
  readonly vmPackets: number;
  /** Packets per callgrind run (k in (Ir(2k) - Ir(k)) / k). */
  readonly callgrindPackets: number;
}

export interface MatrixChoice {
  readonly quick?: boolean;
  /** Configuration names (or prefixes: `a`, `e_pull`); default all. */
  readonly only?: readonly string[];
  readonly sizes?: readonly number[];
  readonly engines?: readonly Engine[];
  readonly runs?: number;
  readonly packets?: number;
  readonly hostPackets?: number;
  readonly vmPackets?: number;
}

export function matrix(choice: MatrixChoice = {}): Matrix {
  const all = benchmarkConfigs();
  const quick = choice.quick ?? false;
  const only = choice.only?.length ? choice.only : quick ? ['a_', 'e_', 'x_firewall'] : undefined;
  const configs = only ? all.filter((c) => only.some((o) => c.name.startsWith(o))) : all;
  if (!configs.length) throw new Error(`no configuration matches ${only!.join(', ')} (have ${all.map((c) => c.name).join(', ')})`);
  const sizes = choice.sizes?.length ? choice.sizes : quick ? [64, 1500] : FRAME_SIZES;
  for (const s of sizes) if (!Number.isInteger(s) || s < 64 || s > 9000) throw new Error(`frame size ${s}: give 64 to 9000 bytes`);
  const runs = choice.runs ?? 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`runs ${runs}: give at least 1`);
  return {
    configs,
    sizes,
    engines: choice.engines?.length ? choice.engines : ENGINES,
    runs,
    packets: choice.packets ?? (quick ? 20_000 : 2_000_000),
    hostPackets: choice.hostPackets ?? (quick ? 5_000 : 200_000),
    vmPackets: choice.vmPackets ?? (quick ? 20_000 : 1_000_000),
    callgrindPackets: quick ? 5_000 : 100_000,
  };
}

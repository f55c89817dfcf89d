// Shared by the route-nat native tests: packet sources from test frames,
// packets spread over simulated time, and output comparison.
//
// Outputs are written `@OUT(name)` in a configuration. When ToDump has a
// native implementation they become ToDump files, compared byte for byte by
// `differential`. Until then the host engine runs first with ToDump, and
// each output becomes a Counter feeding an exact-bytes Classifier with one
// pattern per distinct packet the host wrote there: both engines must then
// agree on every pattern's count and on the byte count (so on every
// packet's bytes and length), though not on the order within one output.

import type { Test } from 'tap';
import { lookupClass } from '../../elements/registry.js';
import { readCapture } from '../../host-engine/pcap.js';
import { toHex } from '../util/packets.js';
import { differential, runHost, sanitizerRun, type DiffSpec } from './differential.js';


/** InfiniteSource sending `bytes` `limit` times (no STOP). */
export function source(bytes: Uint8Array, limit = 1): string {
  return `InfiniteSource(DATA \\<${toHex(bytes)}>, LIMIT ${limit})`;
}

/** Stops the run once every source before it has sent (its task runs after theirs). */
export const STOP_AFTER_SOURCES = 'InfiniteSource(LIMIT 0, STOP true) -> Discard;';

/** One source per packet, each connected to `target` (e.g. `rw` or `[1] rw`). */
export function sources(packets: readonly Uint8Array[], target: string): string {
  return packets.map((p) => `${source(p)} -> ${target};`).join('\n');
}

/** One step of a timeline: a packet for target k, or a filler second (null). */
export type Step = readonly [Uint8Array, number] | null;

/**
 * Packets spread over simulated time: queued in order, released one per
 * second by RatedUnqueue(1), painted with their destination index and
 * switched to `targets[k]`. A `null` step is a filler second. `calls`
 * write handlers as step N is released (before it moves on). The run stops
 * after the last step; the paint is left at the target index.
 */
export function timeline(steps: readonly Step[], targets: readonly string[], calls: readonly (readonly [number, string])[] = []): string {
  const filler = new Uint8Array(20);
  const counters = [...calls, [steps.length, 'stop'] as const].map(([n, h]) => `Counter(COUNT_CALL ${n} ${h})`);
  const lines = [`tq :: Queue(${steps.length + 1}) -> RatedUnqueue(1) -> ${counters.join(' -> ')} -> tps :: PaintSwitch;`];
  lines.push(...steps.map((s) => `${source(s ? s[0] : filler)} -> Paint(${s ? s[1] : targets.length}) -> tq;`));
  targets.forEach((t, k) => lines.push(`tps[${k}] -> ${t};`));
  lines.push(`tps[${targets.length}] -> Discard;`);
  return lines.join('\n');
}

function nativeToDump(): boolean {
  return lookupClass('ToDump')?.native !== undefined;
}

const OUT = /@OUT\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

function outputNames(config: string): string[] {
  return [...config.matchAll(OUT)].map((m) => m[1]!);
}

/** The spec with outputs as ToDump files. */
function withDumps(spec: DiffSpec): DiffSpec {
  return { ...spec, config: spec.config.replace(OUT, (_, n: string) => `ToDump(${n}.pcap)`) };
}

/** The spec with outputs as exact-bytes checks derived from a host run. */
function withChecks(spec: DiffSpec): DiffSpec {
  const host = runHost(withDumps(spec));
  const tail: string[] = [];
  const handlers: string[] = [];
  const config = spec.config.replace(OUT, (_, n: string) => `${n} :: Counter`);
  for (const n of outputNames(spec.config)) {
    const file = host.files[`${n}.pcap`];
    const packets = file ? readCapture(Uint8Array.from(Buffer.from(file, 'hex'))).packets.map((p) => toHex(p.data)) : [];
    const distinct = [...new Set(packets)].sort((a, b) => b.length - a.length);
    handlers.push(`${n}.count`, `${n}.byte_count`);
    if (!distinct.length) {
      tail.push(`${n} -> Discard;`);
      continue;
    }
    tail.push(`${n} -> ${n}_c :: Classifier(${distinct.map((h) => `0/${h}`).join(', ')}, -);`);
    [...distinct, 'other'].forEach((_, i) => {
      tail.push(`${n}_c[${i}] -> ${n}_${i} :: Counter -> Discard;`);
      handlers.push(`${n}_${i}.count`);
    });
  }
  return { ...spec, config: `${config}\n${tail.join('\n')}`, handlers: [...(spec.handlers ?? []), ...handlers] };
}

/** Both engines, outputs compared (see the file comment). */
export function outputsIdentical(t: Test, spec: DiffSpec): void {
  differential(t, nativeToDump() ? withDumps(spec) : withChecks(spec));
}

/** The sanitizer build, outputs compared the same way. */
export function sanitizedOutputsIdentical(t: Test, spec: DiffSpec): void {
  sanitizerRun(t, nativeToDump() ? withDumps(spec) : withChecks(spec));
}

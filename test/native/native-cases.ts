// Click's conformance cases run whole on the native dataplane: against the
// host engine (differential) and against what the original Click wrote
// (its expected captures, packet by packet, and its printed handler values).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { readCapture } from '../../host-engine/pcap.js';
import { toHex } from '../util/packets.js';
import { differential, runNative } from './differential.js';
import type { DiffSpec } from './engines.js';

const casesDir = join(import.meta.dirname, '../fixtures/conformance');

export interface CaseSpec extends DiffSpec {
  readonly fromDir: string;
  readonly handlers: readonly string[];
}

/** A case as a run: its configuration, its folder (copied for the run, `expected/` left out) and its handlers. */
export function caseSpec(name: string): CaseSpec {
  const dir = join(casesDir, name);
  const handlers = readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
  return { config: readFileSync(join(dir, 'config.click'), 'utf8'), fromDir: dir, handlers };
}

/** The packets of a capture (bytes, or hex as runs report files), as hex. */
export function capturePackets(capture: Uint8Array | string): string[] {
  const bytes = typeof capture === 'string' ? Uint8Array.from(Buffer.from(capture, 'hex')) : capture;
  return readCapture(bytes).packets.map((p) => toHex(p.data));
}

export interface MatchOptions {
  /** Also compare the handler values with Click's stdout.txt (default true). */
  readonly stdout?: boolean;
  /** Click's expected packets of one file, adjusted where Click wrote bytes it never initialised. */
  readonly expectedPackets?: (file: string, ours: string[], theirs: string[]) => string[];
}

/** Both engines agree (differential), and the native run writes Click's captures (and prints its handler values). */
export function nativeMatchesClick(t: Test, name: string, opts: MatchOptions = {}): void {
  const spec = caseSpec(name);
  differential(t, spec);
  const run = runNative(spec);
  const expectedDir = join(spec.fromDir, 'expected');
  const expected = readdirSync(expectedDir).filter((f) => f.endsWith('.pcap'));
  t.ok(expected.length > 0, 'the case has captures to compare');
  for (const f of expected) {
    const got = run.files[f] === undefined ? [] : capturePackets(run.files[f]!);
    const want = capturePackets(new Uint8Array(readFileSync(join(expectedDir, f))));
    t.same(got, opts.expectedPackets ? opts.expectedPackets(f, got, want) : want, `${f}: Click's packets, in order`);
  }
  if (opts.stdout ?? true) {
    const stdout = readFileSync(join(expectedDir, 'stdout.txt'), 'utf8');
    const h = spec.handlers;
    const printed = h.length === 1 ? `${run.handlers[h[0]!]}\n` : h.map((x) => `${x}:\n${run.handlers[x]}\n\n`).join('');
    t.equal(printed, stdout, "handler values as Click's");
  }
}

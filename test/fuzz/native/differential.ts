// The fuzzers' inputs replayed through both engines: what the native target
// made of each input (harness.c with CVM_FUZZ_DUMP) beside what the host
// engine makes of the same frames on a fresh router, the harness's way
// (simulated time from Click's default, seed 1, warnings off, a 2 s run).
// libFuzzer grows its corpus towards new code paths, so these are the
// hostile and odd frames a hand-written case never has.

import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config-lang/load.js';
import { MemoryDevices } from '../../../host-engine/devices.js';
import { Router } from '../../../host-engine/router.js';
import type { CheckedGraph } from '../../../graph/router-graph.js';
import { replay } from './fuzzer.js';
import type { FuzzTarget } from './targets.js';

/** What one input made: frames per output device (hex), then stdout and stderr. */
export interface InputResult {
  readonly out: readonly (readonly string[])[];
  readonly stdout: string;
  readonly stderr: string;
}

const OUTPUTS = 4;
const MAX_FRAMES = 64;
const FRAME_BYTES = 1 << 17;
const RUN_NS = 2_000_000_000n;

/** An input's frames, cut as harness.c cuts them (2-byte big-endian lengths, the last one short). */
export function decodeFrames(data: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let off = 0;
  let total = 0;
  while (off + 2 <= data.length && frames.length < MAX_FRAMES) {
    const len = Math.min((data[off]! << 8) | data[off + 1]!, data.length - off - 2);
    off += 2;
    if (total + len > FRAME_BYTES) break;
    frames.push(data.slice(off, off + len));
    total += len;
    off += len;
  }
  return frames;
}

/** The dump harness.c appends: each input (hex) and its InputResult. */
export function parseDump(b: Buffer): Map<string, InputResult> {
  const results = new Map<string, InputResult>();
  let at = 0;
  const u32 = () => {
    const v = b.readUInt32LE(at);
    at += 4;
    return v;
  };
  const bytes = () => {
    const n = u32();
    const s = b.subarray(at, at + n);
    at += n;
    return s;
  };
  while (at < b.length) {
    const input = bytes().toString('hex');
    const out: string[][] = [];
    for (let d = 0; d < OUTPUTS; d++) out.push(Array.from({ length: u32() }, () => bytes().toString('hex')));
    results.set(input, { out, stdout: bytes().toString('latin1'), stderr: bytes().toString('latin1') });
  }
  return results;
}

/** The native target's results for `files`, replayed by its libFuzzer binary, by input (hex). */
export function nativeResults(bin: string, files: readonly string[]): Map<string, InputResult> {
  const path = join(tmpdir(), `clickvm-fuzz-dump-${process.pid}-${Date.now()}`);
  try {
    const r = replay(bin, files, { CVM_FUZZ_DUMP: path });
    if (r.status !== 0) throw new Error(`the native replay failed (${r.status}):\n${r.log.slice(-4000)}`);
    return parseDump(readFileSync(path));
  } finally {
    rmSync(path, { force: true });
  }
}

/** The host engine on one input, a fresh router each time. */
export function hostResult(graph: CheckedGraph, input: Uint8Array): InputResult {
  const err: string[] = [];
  const out: string[] = [];
  const devices = new MemoryDevices();
  const router = new Router(graph, { simtime: true, seed: 1, warnings: false, devices, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
  router.initialize();
  const frames = decodeFrames(input);
  if (frames.length) devices.inject('in', frames);
  router.run({ until: router.now() + RUN_NS });
  const sent = Array.from({ length: OUTPUTS }, (_, d) => devices.collect(`out${d}`).map((f) => Buffer.from(f).toString('hex')));
  router.cleanup();
  const text = (ls: string[]) => ls.map((l) => l + '\n').join('');
  return { out: sent, stdout: text(out), stderr: text(err) };
}

export interface Divergence {
  readonly file: string;
  readonly native: InputResult;
  readonly host: InputResult;
}

/** Every input of `files` on both engines: the ones whose results differ, and how many frames came out in all. */
export function divergences(target: FuzzTarget, bin: string, files: readonly string[]): { found: Divergence[]; framesOut: number } {
  const graph = loadConfig(target.config, `${target.name}.click`);
  const native = nativeResults(bin, files);
  const found: Divergence[] = [];
  let framesOut = 0;
  for (const file of files) {
    const input = readFileSync(file);
    const mine = native.get(input.toString('hex'));
    if (!mine) throw new Error(`the native replay left no result for ${file}`);
    const host = hostResult(graph, input);
    framesOut += mine.out.reduce((n, d) => n + d.length, 0);
    if (JSON.stringify(host) !== JSON.stringify(mine)) found.push({ file, native: mine, host });
  }
  return { found, framesOut };
}

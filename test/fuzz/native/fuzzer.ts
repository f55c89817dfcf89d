// Building and running the native libFuzzer targets: a target's
// configuration compiled to C (dataplane-native/codegen.ts), linked with
// runtime/lib.c and harness.c by clang with -fsanitize=fuzzer,address,undefined;
// seed inputs from the conformance pcaps; libFuzzer's figures read back.

import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../../config-lang/load.js';
import { runtimeDir } from '../../../dataplane-native/build.js';
import { generateC } from '../../../dataplane-native/codegen.js';
import { repoRoot } from '../../../dataplane-native/native-spec.js';
import type { FuzzTarget } from './targets.js';

export const here = join(repoRoot, 'test', 'fuzz', 'native');
export const regressionsDir = join(here, 'regressions');
const harness = join(here, 'harness.c');

/** clang's first version line, or undefined when clang is not installed. */
export function clangVersion(): string | undefined {
  try {
    return execFileSync('clang', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
}

const FUZZ_FLAGS = [
  '-std=gnu11', '-O1', '-g', '-fsanitize=fuzzer,address,undefined', '-fno-sanitize-recover=undefined', '-fno-omit-frame-pointer',
  '-Wall', '-Wextra', '-Werror', '-Wno-unused-function', '-Wno-unused-parameter', `-I${repoRoot}`, `-I${runtimeDir}`,
];

/** The clang command of a target; `coldObject`: the runtime's cold part prebuilt (runtime/cold.c) to link instead of compiling it in. */
export function fuzzCommand(output: string, target?: FuzzTarget, coldObject?: string): string[] {
  return [
    'clang', ...(target?.inputFile ? ['-DCVM_FUZZ_INPUT_FILE="fuzz.input"'] : []), ...FUZZ_FLAGS, ...(coldObject ? ['-DCVM_RUNTIME_PREBUILT'] : []),
    'generated.c', join(runtimeDir, 'lib.c'), harness, ...(coldObject ? [coldObject] : []), '-o', output, '-lm', '-lz',
  ];
}

/** runtime/cold.c built once with the fuzzers' flags (it is the same for every target). */
function coldObject(cacheDir: string): string {
  const hash = createHash('sha256').update(clangVersion() ?? '').update(FUZZ_FLAGS.join(' '));
  for (const f of readdirSync(runtimeDir).sort()) hash.update(f).update(readFileSync(join(runtimeDir, f)));
  const output = join(cacheDir, `runtime-${hash.digest('hex').slice(0, 16)}.o`);
  if (existsSync(output)) return output;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${output}.tmp${process.pid}`;
  const r = spawnSync('clang', [...FUZZ_FLAGS, '-c', join(runtimeDir, 'cold.c'), '-o', tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`clang failed on runtime/cold.c:\n${r.stderr}`);
  renameSync(tmp, output);
  return output;
}

/** The fuzzer binary of a target, built unless a build of the same inputs is cached. */
export function buildFuzzer(target: FuzzTarget, cacheDir = join(repoRoot, '.cache', 'native-fuzz')): string {
  const program = generateC(loadConfig(target.config, `${target.name}.click`), { configText: target.config });
  const hash = createHash('sha256').update(clangVersion() ?? '').update(fuzzCommand('x', target).join(' ')).update(program.source).update(readFileSync(harness));
  for (const f of readdirSync(runtimeDir).sort()) hash.update(f).update(readFileSync(join(runtimeDir, f)));
  // Element C and what it includes from elements/lib (generous, and simple).
  for (const f of program.elementSources) hash.update(readFileSync(join(repoRoot, f)));
  const lib = join(repoRoot, 'elements', 'lib');
  for (const f of readdirSync(lib).filter((f) => f.endsWith('.h')).sort()) hash.update(f).update(readFileSync(join(lib, f)));
  const dir = join(cacheDir, `${target.name}-${hash.digest('hex').slice(0, 16)}`);
  const output = join(dir, 'fuzzer');
  if (existsSync(output)) return output;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'generated.c'), program.source);
  const tmp = `${output}.tmp${process.pid}`;
  const cmd = fuzzCommand(tmp, target, coldObject(cacheDir));
  const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`clang failed for ${target.name} in ${dir}:\n${r.stderr}`);
  renameSync(tmp, output);
  return output;
}

/** Frames of a classic pcap file (either byte order). */
export function pcapFrames(bytes: Buffer): Buffer[] {
  if (bytes.length < 24) return [];
  const magic = bytes.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const frames: Buffer[] = [];
  for (let off = 24; off + 16 <= bytes.length; ) {
    const caplen = u32(off + 8);
    off += 16;
    frames.push(bytes.subarray(off, Math.min(off + caplen, bytes.length)));
    off += caplen;
  }
  return frames;
}

/** One fuzzer input holding `frames` (2-byte big-endian length, then the bytes). */
export function encodeFrames(frames: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of frames) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(Math.min(f.length, 0xffff));
    parts.push(len, Buffer.from(f.subarray(0, 0xffff)));
  }
  return Buffer.concat(parts);
}

/** Seed inputs into `dir`: from every conformance pcap its first 64 frames as inputs of 8, and its first 8 frames alone; with `files`, the pcaps themselves and a few IP summary dumps. */
export function writeSeeds(dir: string, files = false): number {
  mkdirSync(dir, { recursive: true });
  const fixtures = join(repoRoot, 'test', 'fixtures', 'conformance');
  let n = 0;
  const put = (b: Buffer) => {
    writeFileSync(join(dir, `seed-${createHash('sha1').update(b).digest('hex').slice(0, 16)}`), b);
    n++;
  };
  if (files) {
    put(Buffer.from('!data src dst sport dport proto len\n1.2.3.4 5.6.7.8 10 20 T 60\n10.0.0.1 10.0.0.2 53 53 U 70\n'));
    put(Buffer.from('!IPSummaryDump 1.3\n!data timestamp ip_src ip_dst ip_proto ip_len tcp_flags\n1.000001 1.2.3.4 5.6.7.8 T 40 S\n'));
    put(Buffer.from('!data ip_src ip_dst ip_proto ip_ttl ip_tos ip_id ip_frag ip_fragoff payload_len\n1.1.1.1 2.2.2.2 I 64 0 1 . 0 8\n'));
  }
  for (const c of readdirSync(fixtures).sort()) {
    const p = join(fixtures, c, 'in.pcap');
    if (!existsSync(p)) continue;
    if (files) {
      put(readFileSync(p));
      continue;
    }
    const frames = pcapFrames(readFileSync(p));
    for (let i = 0; i < Math.min(frames.length, 64); i += 8) put(encodeFrames(frames.slice(i, i + 8)));
    for (const f of frames.slice(0, 8)) put(encodeFrames([f]));
  }
  return n;
}

export interface CampaignResult {
  readonly status: number;
  readonly execs: number;
  readonly cov: number;
  readonly ft: number;
  readonly corpus: number;
  /** Crash/leak/timeout files libFuzzer wrote. */
  readonly artifacts: string[];
  readonly log: string;
}

const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:symbolize=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' };

/** libFuzzer's last status line figures, from its stderr. */
export function parseStats(log: string): { execs: number; cov: number; ft: number; corpus: number } {
  let execs = 0, cov = 0, ft = 0, corpus = 0;
  for (const m of log.matchAll(/^#(\d+)\s+\S+\s+cov: (\d+) ft: (\d+) corp: (\d+)/gm)) {
    execs = Number(m[1]);
    cov = Number(m[2]);
    ft = Number(m[3]);
    corpus = Number(m[4]);
  }
  const done = log.match(/Done (\d+) runs/);
  if (done) execs = Math.max(execs, Number(done[1]));
  return { execs, cov, ft, corpus };
}

/** A campaign of `seconds` on `bin`, corpus in `corpusDir` (grown in place), artifacts into `artifactDir`. */
export function campaign(bin: string, opts: { seconds: number; corpusDir: string; seedDir: string; artifactDir: string; seed?: number }): Promise<CampaignResult> {
  mkdirSync(opts.corpusDir, { recursive: true });
  mkdirSync(opts.artifactDir, { recursive: true });
  const before = new Set(readdirSync(opts.artifactDir));
  const args = [
    `-max_total_time=${opts.seconds}`, '-max_len=4096', '-timeout=10', '-rss_limit_mb=2048', '-print_final_stats=1',
    `-artifact_prefix=${opts.artifactDir}/`, ...(opts.seed !== undefined ? [`-seed=${opts.seed}`] : []), opts.corpusDir, opts.seedDir,
  ];
  return new Promise((resolve) => {
    const child = spawn('nice', [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (log += d.toString('latin1')));
    child.on('close', (code) => {
      const artifacts = readdirSync(opts.artifactDir).filter((f) => !before.has(f)).map((f) => join(opts.artifactDir, f));
      resolve({ status: code ?? -1, ...parseStats(log), artifacts, log });
    });
  });
}

/** Run `bin` once on each of `files` (libFuzzer's replay mode); status 0 when none fails. */
export function replay(bin: string, files: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): { status: number; log: string } {
  if (!files.length) return { status: 0, log: '' };
  const r = spawnSync(bin, ['-runs=1', ...files], { env: { ...env, ...extraEnv }, encoding: 'latin1' });
  return { status: r.status ?? -1, log: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** Minimize a crashing input into `out` (libFuzzer -minimize_crash). */
export function minimize(bin: string, crash: string, out: string, seconds = 30): void {
  spawnSync(bin, ['-minimize_crash=1', `-max_total_time=${seconds}`, `-exact_artifact_path=${out}`, crash], { env, stdio: 'ignore' });
}

/** Regression inputs of a target: regressions/<target>-*.  */
export function regressionsOf(target: string): string[] {
  if (!existsSync(regressionsDir)) return [];
  return readdirSync(regressionsDir).filter((f) => f.startsWith(`${target}-`)).sort().map((f) => join(regressionsDir, f));
}

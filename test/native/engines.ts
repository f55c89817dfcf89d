// One configuration run on one engine, the way every native test runs it:
// staged in a fresh folder (config.click and its input files), started
// (simulated time by default), handler steps before and after the run, and
// what it leaves behind (output, new files, packet accounting). The host
// engine's Router and the native dataplane's shared library are driven the
// same way, so tests compare like with like; the sanitizer build runs as a
// standalone binary.

import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadFile } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC, type GeneratedProgram } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { MemoryDevices } from '../../host-engine/devices.js';
import { Router } from '../../host-engine/router.js';

/** Where every native test caches its compiled configurations. */
export const NATIVE_CACHE_DIR = join(tmpdir(), 'clickvm-native-test-cache');

export interface DiffSpec {
  /** The configuration text (written as config.click). */
  readonly config: string;
  /** Input files to create beside it. */
  readonly files?: Readonly<Record<string, Uint8Array | string>>;
  /** A folder to copy first (a conformance case); its `expected/` is skipped. */
  readonly fromDir?: string;
  /** Read handlers to compare after the run. */
  readonly handlers?: readonly string[];
  /** Simulated time (default true: runs must be reproducible). */
  readonly simtime?: boolean;
  readonly seed?: number;
}

/** A handler write `['w', path, value]` or read `['r', path]`. */
export type HandlerStep = readonly ['w', string, string] | readonly ['r', string];

/** What a handler step gave: the value read (or undefined for a write), or the error message. */
export type StepOutcome = { readonly ok: true; readonly value?: string } | { readonly ok: false; readonly message: string };

export interface SessionSpec extends DiffSpec {
  /** Steps after initialization, before the run. */
  readonly before?: readonly HandlerStep[];
  /** Run the router (default true). */
  readonly run?: boolean;
  /** Steps after the run. */
  readonly after?: readonly HandlerStep[];
  /** Give FromDevice and ToDevice memory devices (nothing is injected). */
  readonly devices?: boolean;
}

export interface SessionResult {
  readonly before: readonly StepOutcome[];
  readonly after: readonly StepOutcome[];
  readonly stdout: string;
  readonly stderr: string;
  /** Files present after the run that were not there before it, by relative path, as hex. */
  readonly files: Readonly<Record<string, string>>;
  /** Elements whose packets do not balance (empty when all do). */
  readonly accounting: readonly string[];
}

export type Engine = 'host' | 'native';

/** A fresh folder holding config.click, the input files and (fromDir) a copied case. */
export function stageConfig(spec: DiffSpec, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `clickvm-${label}-`));
  if (spec.fromDir) cpSync(spec.fromDir, dir, { recursive: true, filter: (src) => !/\/expected(\/|$)/.test(src) });
  writeFileSync(join(dir, 'config.click'), spec.config);
  for (const [name, data] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

/** Every file below `dir`, by relative path. */
export function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)];
  });
}

/** The files in `dir` that are not in `before`, as hex. */
export function newFiles(dir: string, before: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of listFiles(dir).sort()) if (!before.includes(f)) out[f] = readFileSync(join(dir, f)).toString('hex');
  return out;
}

/** The staged configuration compiled to C (with its text, as `clickvm compile` does). */
export function generateStaged(dir: string): GeneratedProgram {
  const path = join(dir, 'config.click');
  return generateC(loadFile(path), { configText: readFileSync(path, 'utf8') });
}

/**
 * The native build of a staged configuration: the in-process library, the
 * sanitizer binary, or the sanitizer library (loaded only by a process that
 * preloads the sanitizer runtime, see runSanitizedDeviceSession).
 */
export function buildStaged(dir: string, kind: 'shared' | 'sanitized' | 'shared-sanitized'): string {
  return buildNative(generateStaged(dir), {
    kind: kind === 'sanitized' ? 'exe' : 'shared',
    sanitize: kind !== 'shared',
    cacheDir: NATIVE_CACHE_DIR,
  }).output;
}

/** One engine's handler access, as the steps use it. */
interface Handlers {
  read(path: string): string;
  write(path: string, value: string): void;
}

function runSteps(h: Handlers, steps: readonly HandlerStep[] = []): StepOutcome[] {
  return steps.map((s) => {
    try {
      if (s[0] === 'r') return { ok: true, value: h.read(s[1]) };
      h.write(s[1], s[2]);
      return { ok: true };
    } catch (e) {
      return { ok: false, message: e instanceof Error ? e.message : String(e) };
    }
  });
}

const lines = (ls: readonly string[]) => ls.map((l) => l + '\n').join('');

function hostSession(dir: string, spec: SessionSpec): Omit<SessionResult, 'files'> {
  const err: string[] = [];
  const out: string[] = [];
  const devices = spec.devices ? new MemoryDevices() : undefined;
  const router = new Router(loadFile(join(dir, 'config.click')), { baseDir: dir, simtime: spec.simtime ?? true, seed: spec.seed, devices, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
  router.initialize();
  const handlers: Handlers = { read: (p) => router.readHandler(p), write: (p, v) => router.writeHandler(p, v) };
  const before = runSteps(handlers, spec.before);
  if (spec.run ?? true) router.run();
  const after = runSteps(handlers, spec.after);
  const accounting = router.accounting().violations.map((v) => v.name);
  router.cleanup();
  return { before, after, stdout: lines(out), stderr: lines(err), accounting };
}

function nativeSession(dir: string, spec: SessionSpec): Omit<SessionResult, 'files'> {
  const r = new NativeRouter(buildStaged(dir, 'shared'));
  const cwd = process.cwd();
  process.chdir(dir);
  let result: Omit<SessionResult, 'files' | 'stdout' | 'stderr'>;
  try {
    r.start({ simtime: spec.simtime ?? true, seed: spec.seed, devices: spec.devices ? {} : undefined });
    const handlers: Handlers = { read: (p) => r.read(p), write: (p, v) => r.write(p, v) };
    const before = runSteps(handlers, spec.before);
    if (spec.run ?? true) r.run();
    const after = runSteps(handlers, spec.after);
    result = { before, after, accounting: r.accounting() };
    r.finish();
  } finally {
    process.chdir(cwd);
  }
  return { ...result, ...r.takeOutput() };
}

/**
 * Stage the configuration, run it on one engine with the handler steps, and
 * clean up. Initialization failures throw (ClickError on the host,
 * NativeRouterError on the native side); handler failures are outcomes.
 */
export function runSession(engine: Engine, spec: SessionSpec): SessionResult {
  const dir = stageConfig(spec, engine);
  try {
    const before = listFiles(dir);
    const result = engine === 'host' ? hostSession(dir, spec) : nativeSession(dir, spec);
    return { ...result, files: newFiles(dir, before) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One round of a device session: frames arrive, the router runs until idle, frames are collected. */
export interface DeviceRound {
  /** Frames to put on each device's receive ring before the run. */
  readonly inject?: Readonly<Record<string, readonly Uint8Array[]>>;
  /** Devices whose sent frames are taken after the run. */
  readonly collect: readonly string[];
}

export interface DeviceSessionSpec extends DiffSpec {
  readonly rounds: readonly DeviceRound[];
  /** Packets per memory-device ring (default: no limit). */
  readonly capacity?: number;
  /** Native engine: the sanitizer build of the library (the process must preload the sanitizer runtime). */
  readonly sanitize?: boolean;
}

export interface DeviceSessionResult {
  /** Per round: how many frames each device's ring took, and what each collected device sent (hex). */
  readonly rounds: readonly { readonly accepted: Record<string, number>; readonly sent: Record<string, string[]> }[];
  readonly handlers: Record<string, string>;
  readonly stdout: string;
  readonly stderr: string;
  readonly accounting: readonly string[];
}

/** The operations a device session needs from either engine. */
interface DeviceEngine {
  inject(device: string, frames: readonly Uint8Array[]): number;
  collect(device: string): Uint8Array[];
  run(opts: { until: bigint }): void;
  now(): bigint;
  read(path: string): string;
}

/** Engine time each round runs for (routers with periodic timers are never idle). */
const ROUND_NS = 2_000_000_000n;

function deviceRounds(e: DeviceEngine, spec: DeviceSessionSpec): Pick<DeviceSessionResult, 'rounds' | 'handlers'> {
  const rounds = spec.rounds.map((r) => {
    const accepted: Record<string, number> = {};
    for (const [dev, frames] of Object.entries(r.inject ?? {})) accepted[dev] = e.inject(dev, frames);
    e.run({ until: e.now() + ROUND_NS });
    const sent: Record<string, string[]> = {};
    for (const dev of r.collect) sent[dev] = e.collect(dev).map((f) => Buffer.from(f).toString('hex'));
    return { accepted, sent };
  });
  return { rounds, handlers: Object.fromEntries((spec.handlers ?? []).map((h) => [h, e.read(h)])) };
}

/**
 * A configuration with FromDevice/ToDevice on memory devices, run on one
 * engine in rounds (inject, run until idle, collect), then its handlers read.
 */
export function runDeviceSession(engine: Engine, spec: DeviceSessionSpec): DeviceSessionResult {
  const dir = stageConfig(spec, engine);
  try {
    if (engine === 'host') {
      const err: string[] = [];
      const out: string[] = [];
      const devices = new MemoryDevices(spec.capacity);
      const router = new Router(loadFile(join(dir, 'config.click')), { baseDir: dir, simtime: spec.simtime ?? true, seed: spec.seed, devices, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
      router.initialize();
      const engine: DeviceEngine = {
        inject: (d, f) => devices.inject(d, f),
        collect: (d) => devices.collect(d),
        run: (o) => void router.run(o),
        now: () => router.now(),
        read: (h) => router.readHandler(h),
      };
      const result = deviceRounds(engine, spec);
      const accounting = router.accounting().violations.map((v) => v.name);
      router.cleanup();
      return { ...result, stdout: lines(out), stderr: lines(err), accounting };
    }
    const r = new NativeRouter(buildStaged(dir, spec.sanitize ? 'shared-sanitized' : 'shared'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      r.start({ simtime: spec.simtime ?? true, seed: spec.seed, devices: { capacity: spec.capacity } });
      const result = deviceRounds(r, spec);
      const accounting = r.accounting();
      r.finish();
      return { ...result, ...r.takeOutput(), accounting };
    } finally {
      process.chdir(cwd);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads of `paths` as steps. */
export function reads(paths: readonly string[] = []): HandlerStep[] {
  return paths.map((p) => ['r', p] as const);
}

/** Writes `[path, value]` as steps. */
export function writes(list: readonly (readonly [string, string])[] = []): HandlerStep[] {
  return list.map(([p, v]) => ['w', p, v] as const);
}

/**
 * The sanitizer binary of a staged configuration, run in its folder with the
 * driver's handler printout (`-h`), accounting check and simulated time.
 */
export function runSanitized(dir: string, spec: Pick<DiffSpec, 'handlers' | 'simtime' | 'seed'>): SpawnSyncReturns<string> {
  const args = [
    ...(spec.handlers ?? []).flatMap((h) => ['-h', h]),
    '--accounting',
    ...(spec.simtime ?? true ? ['--simtime'] : []),
    ...(spec.seed !== undefined ? ['--seed', String(spec.seed)] : []),
  ];
  return spawnSync(buildStaged(dir, 'sanitized'), args, {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' },
  });
}

/** A device session as JSON can carry it (frames as hex). */
export interface DeviceSessionJSON extends Omit<DeviceSessionSpec, 'rounds' | 'files' | 'fromDir'> {
  readonly rounds: readonly { readonly inject?: Record<string, string[]>; readonly collect: readonly string[] }[];
}

/** The session as JSON; input files (`files`, `fromDir`) do not travel: a sanitized session stages only its configuration. */
export function deviceSessionToJSON(spec: DeviceSessionSpec): DeviceSessionJSON {
  const hexFrames = (fs: readonly Uint8Array[]) => fs.map((f) => Buffer.from(f).toString('hex'));
  const { files: _files, fromDir: _fromDir, ...rest } = spec;
  return {
    ...rest,
    rounds: spec.rounds.map((r) => ({ collect: r.collect, inject: Object.fromEntries(Object.entries(r.inject ?? {}).map(([d, fs]) => [d, hexFrames(fs)])) })),
  };
}

export function deviceSessionFromJSON(json: DeviceSessionJSON): DeviceSessionSpec {
  return {
    ...json,
    rounds: json.rounds.map((r) => ({ collect: r.collect, inject: Object.fromEntries(Object.entries(r.inject ?? {}).map(([d, fs]) => [d, fs.map((h) => Uint8Array.from(Buffer.from(h, 'hex')))])) })),
  };
}

/**
 * The native engine's device session on the sanitizer build, in a child
 * process that preloads the sanitizer runtime (koffi loads the library into
 * Node, which is not built with it). Returns the session's result, or the
 * child's exit status and standard error when it failed or the sanitizer
 * reported anything.
 */
export function runSanitizedDeviceSession(spec: DeviceSessionSpec): { result?: DeviceSessionResult; status: number | null; stderr: string } {
  const runtime = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  const child = join(import.meta.dirname, 'device-session-child.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    input: JSON.stringify(deviceSessionToJSON({ ...spec, sanitize: true })),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, LD_PRELOAD: runtime, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' },
  });
  const clean = r.status === 0 && !/AddressSanitizer|runtime error:/.test(r.stderr);
  return { result: clean ? (JSON.parse(r.stdout) as DeviceSessionResult) : undefined, status: r.status, stderr: r.stderr };
}

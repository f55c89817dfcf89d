// Differential testing: run one configuration on the host engine and on the
// native dataplane, in separate copies of the same folder, and require the
// same result: every file the run writes (ToDump captures...) byte for byte,
// standard output and standard error line for line, every requested
// handler's value, and a clean packet balance in both engines.
//
// The native side runs in-process through koffi (shared library) or, with
// `sanitize`, as a standalone binary built with -fsanitize=address,undefined
// whose handler printout must equal the host's in the click driver's format.

import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Test } from 'tap';
import { loadFile } from '../../config-lang/load.js';
import { flatten } from '../../config-lang/flatten.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { printReadHandlers } from '../../host-engine/driver-handlers.js';
import { Router } from '../../host-engine/router.js';

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

export interface EngineRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly handlers: Readonly<Record<string, string>>;
  /** Files present after the run that were not inputs, by relative path. */
  readonly files: Readonly<Record<string, string>>;
  readonly accounting: readonly string[];
}

const cacheDir = join(tmpdir(), 'clickvm-native-test-cache');

function stage(spec: DiffSpec, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `clickvm-diff-${label}-`));
  if (spec.fromDir) cpSync(spec.fromDir, dir, { recursive: true, filter: (src) => !/\/expected(\/|$)/.test(src) });
  writeFileSync(join(dir, 'config.click'), spec.config);
  for (const [name, data] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)];
  });
}

function newFiles(dir: string, before: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of listFiles(dir).sort()) if (!before.includes(f)) out[f] = readFileSync(join(dir, f)).toString('hex');
  return out;
}

export function runHost(spec: DiffSpec): EngineRun {
  const dir = stage(spec, 'host');
  try {
    const before = listFiles(dir);
    const err: string[] = [];
    const out: string[] = [];
    const graph = loadFile(join(dir, 'config.click'));
    const router = new Router(graph, { baseDir: dir, simtime: spec.simtime ?? true, seed: spec.seed, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
    router.initialize();
    router.run();
    const handlers: Record<string, string> = {};
    for (const h of spec.handlers ?? []) handlers[h] = router.readHandler(h);
    const acc = router.accounting();
    router.cleanup();
    return {
      stdout: out.map((l) => l + '\n').join(''),
      stderr: err.map((l) => l + '\n').join(''),
      handlers,
      files: newFiles(dir, before),
      accounting: acc.violations.map((r) => r.name),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function compile(dir: string, kind: 'exe' | 'shared', sanitize: boolean) {
  const text = readFileSync(join(dir, 'config.click'), 'utf8');
  const graph = loadFile(join(dir, 'config.click'));
  return buildNative(generateC(graph, { configText: text }), { kind, sanitize, cacheDir });
}

export function runNative(spec: DiffSpec): EngineRun {
  const dir = stage(spec, 'native');
  const cwd = process.cwd();
  try {
    const before = listFiles(dir);
    const r = new NativeRouter(compile(dir, 'shared', false).output);
    process.chdir(dir);
    const handlers: Record<string, string> = {};
    let accounting: string[];
    try {
      r.start({ simtime: spec.simtime ?? true, seed: spec.seed });
      r.run();
      for (const h of spec.handlers ?? []) handlers[h] = r.read(h);
      accounting = r.accounting();
      r.finish();
    } finally {
      process.chdir(cwd);
    }
    const { stdout, stderr } = r.takeOutput();
    return { stdout, stderr, handlers, files: newFiles(dir, before), accounting };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both engines, compared field by field. */
export function differential(t: Test, spec: DiffSpec): void {
  const host = runHost(spec);
  const native = runNative(spec);
  t.same(Object.keys(native.files), Object.keys(host.files), 'the same files are written');
  for (const f of Object.keys(host.files)) t.equal(native.files[f], host.files[f], `${f} byte-identical`);
  t.equal(native.stdout, host.stdout, 'standard output identical');
  t.equal(native.stderr, host.stderr, 'standard error identical');
  t.same(native.handlers, host.handlers, 'handler values identical');
  t.same(host.accounting, [], 'host engine accounts for every packet');
  t.same(native.accounting, [], 'native engine accounts for every packet');
}

/**
 * The sanitizer build as a standalone binary: output files and the driver's
 * handler printout must equal the host engine's, with no sanitizer report.
 */
export function sanitizerRun(t: Test, spec: DiffSpec): void {
  const hostDir = stage(spec, 'host');
  const dir = stage(spec, 'asan');
  try {
    const hBefore = listFiles(hostDir);
    const err: string[] = [];
    const graph = loadFile(join(hostDir, 'config.click'));
    const router = new Router(graph, { baseDir: hostDir, simtime: spec.simtime ?? true, seed: spec.seed, stderr: (l) => err.push(l), stdout: () => {} });
    router.initialize();
    router.run();
    const expected = printReadHandlers(router, spec.handlers ?? []).stdout;
    router.cleanup();

    const before = listFiles(dir);
    const bin = compile(dir, 'exe', true).output;
    const args = [
      ...(spec.handlers ?? []).flatMap((h) => ['-h', h]),
      '--accounting',
      ...(spec.simtime ?? true ? ['--simtime'] : []),
      ...(spec.seed !== undefined ? ['--seed', String(spec.seed)] : []),
    ];
    const r = spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' } });
    t.equal(r.status, 0, 'sanitizer build exits 0', { stderr: r.stderr.slice(0, 4000) });
    t.notMatch(r.stderr, /AddressSanitizer|runtime error:/, 'no sanitizer report');
    t.equal(r.stdout, expected, 'handler printout identical');
    t.equal(r.stderr, err.map((l) => l + '\n').join(''), 'standard error identical');
    t.same(newFiles(dir, before), newFiles(hostDir, hBefore), 'output files identical');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(hostDir, { recursive: true, force: true });
  }
}

/** gcc is needed by every native test; say so plainly if it is missing. */
export function haveCompiler(): boolean {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Differential testing: run one configuration on the host engine and on the
// native dataplane, in separate copies of the same folder, and require the
// same result: every file the run writes (ToDump captures...) byte for byte,
// standard output and standard error line for line, every requested
// handler's value, and a clean packet balance in both engines.
//
// The native side runs in-process through koffi (shared library) or, with
// `sanitize`, as a standalone binary built with -fsanitize=address,undefined
// whose handler printout must equal the host's in the click driver's format.

import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { loadFile } from '../../config-lang/load.js';
import { printReadHandlers } from '../../host-engine/driver-handlers.js';
import { Router } from '../../host-engine/router.js';
import { listFiles, newFiles, reads, runSanitized, runSession, stageConfig, type DiffSpec, type Engine } from './engines.js';

export type { DiffSpec };

export interface EngineRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly handlers: Readonly<Record<string, string>>;
  /** Files present after the run that were not inputs, by relative path. */
  readonly files: Readonly<Record<string, string>>;
  readonly accounting: readonly string[];
}

/** One engine's run with the spec's handlers read afterwards; a failing read throws. */
function runEngine(engine: Engine, spec: DiffSpec): EngineRun {
  const r = runSession(engine, { ...spec, after: reads(spec.handlers) });
  const handlers: Record<string, string> = {};
  (spec.handlers ?? []).forEach((h, i) => {
    const o = r.after[i]!;
    if (!o.ok) throw new Error(o.message);
    handlers[h] = o.value!;
  });
  return { stdout: r.stdout, stderr: r.stderr, handlers, files: r.files, accounting: r.accounting };
}

export function runHost(spec: DiffSpec): EngineRun {
  return runEngine('host', spec);
}

export function runNative(spec: DiffSpec): EngineRun {
  return runEngine('native', spec);
}

/** Both engines, compared field by field. */
export function differential(t: Test, spec: DiffSpec): void {
  const host = runHost(spec);
  const native = runNative(spec);
  t.same(Object.keys(native.files), Object.keys(host.files), 'the same files are written');
  for (const f of Object.keys(host.files)) t.equal(native.files[f], host.files[f], `${f} byte-identical`);
  t.same(native.handlers, host.handlers, 'handler values identical');
  sameEnding(t, native, host);
}

/** What every two-engine comparison ends with: the same output text, and every packet accounted for in each engine. */
export function sameEnding(t: Test, native: RunEnding, host: RunEnding): void {
  if (host.stdout !== undefined) t.equal(native.stdout, host.stdout, 'standard output identical');
  t.equal(native.stderr, host.stderr, 'standard error identical');
  t.same(host.accounting, [], 'host engine accounts for every packet');
  t.same(native.accounting, [], 'native engine accounts for every packet');
}

export interface RunEnding {
  readonly stdout?: string;
  readonly stderr: string;
  /** Elements whose packets do not balance. */
  readonly accounting: readonly string[];
}

/**
 * The sanitizer build as a standalone binary: output files and the driver's
 * handler printout must equal the host engine's, with no sanitizer report.
 */
export function sanitizerRun(t: Test, spec: DiffSpec): void {
  const hostDir = stageConfig(spec, 'diff-host');
  const dir = stageConfig(spec, 'diff-asan');
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
    const r = runSanitized(dir, spec);
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

// Helpers of the io/driver native tests: the differential harness, and the
// comparison of initialization failures (the harness runs only routers that
// start): the same element fails, with the same message after its name.
import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickError } from '../../config-lang/diagnostics.js';
import { loadFile } from '../../config-lang/load.js';
import { NativeRouter, NativeRouterError } from '../../dataplane-native/native-router.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { Router } from '../../host-engine/router.js';

const cacheDir = join(tmpdir(), 'clickvm-native-test-cache');
import { differential, runHost, runNative, sanitizerRun, type DiffSpec } from './differential.js';

export { differential, sanitizerRun };

/** The initialization error of one engine as `element: message`, or undefined if it started. */
function failure(run: () => unknown, host: boolean, names: readonly string[]): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (host) {
      if (!(e instanceof ClickError)) throw e;
      // "While initializing 'NAME :: Class': MESSAGE"
      const m = /^While initializing '([^']*) :: [^']*': ([\s\S]*)$/.exec(e.diagnostics[0]!.message);
      return m ? `${m[1]}: ${m[2]}` : e.diagnostics[0]!.message;
    }
    if (e instanceof NativeRouterError && e.element >= 0) return `${names[e.element]}: ${e.message}`;
    return e instanceof Error ? e.message : String(e);
  }
}

/** Element names of a configuration, by index. */
function elementNames(config: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-names-'));
  try {
    writeFileSync(join(dir, 'config.click'), config);
    return loadFile(join(dir, 'config.click')).elements.map((e) => e.name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both engines refuse to start the router, for the same reason. */
export function initErrors(t: Test, spec: DiffSpec): void {
  const names = elementNames(spec.config);
  const host = failure(() => runHost(spec), true, names);
  const native = failure(() => runNative(spec), false, names);
  t.ok(host, 'the host engine fails to initialize', { host });
  t.equal(native, host, 'the native dataplane fails with the same message');
}

// --- handler writes -------------------------------------------------------

export interface HandlerDiffSpec extends DiffSpec {
  /** Handler writes before the run (after initialization), and after it. */
  readonly writes?: readonly (readonly [string, string])[];
  readonly writesAfter?: readonly (readonly [string, string])[];
  /** Skip the run (writes and reads on an initialized router). */
  readonly run?: boolean;
}

interface HandlerDiffRun {
  readonly writes: string[];
  readonly reads: string[];
  readonly stdout: string;
  readonly stderr: string;
  readonly files: Record<string, string>;
  readonly accounting: readonly string[];
}

function outcome(f: () => unknown): string {
  try {
    const v = f();
    return typeof v === 'string' ? `ok ${v}` : 'ok';
  } catch (e) {
    return `error ${e instanceof Error ? e.message : String(e)}`;
  }
}

function stageDir(spec: DiffSpec): string {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-io-hw-'));
  writeFileSync(join(dir, 'config.click'), spec.config);
  for (const [name, data] of Object.entries(spec.files ?? {})) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), data);
  }
  return dir;
}

function outputFiles(dir: string, inputs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) if (!inputs.includes(f) && f !== 'config.click') out[f] = readFileSync(join(dir, f)).toString('hex');
  return out;
}

function hostHandlerRun(spec: HandlerDiffSpec): HandlerDiffRun {
  const dir = stageDir(spec);
  try {
    const err: string[] = [];
    const out: string[] = [];
    const router = new Router(loadFile(join(dir, 'config.click')), { baseDir: dir, simtime: spec.simtime ?? true, seed: spec.seed, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
    router.initialize();
    const writes = (spec.writes ?? []).map(([h, v]) => outcome(() => router.writeHandler(h, v)));
    if (spec.run ?? true) router.run();
    writes.push(...(spec.writesAfter ?? []).map(([h, v]) => outcome(() => router.writeHandler(h, v))));
    const reads = (spec.handlers ?? []).map((h) => outcome(() => router.readHandler(h)));
    const accounting = router.accounting().violations.map((r) => r.name);
    router.cleanup();
    const lines = (ls: string[]) => ls.map((l) => l + '\n').join('');
    return { writes, reads, stdout: lines(out), stderr: lines(err), files: outputFiles(dir, Object.keys(spec.files ?? {})), accounting };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function nativeHandlerRun(spec: HandlerDiffSpec): HandlerDiffRun {
  const dir = stageDir(spec);
  const cwd = process.cwd();
  try {
    const text = readFileSync(join(dir, 'config.click'), 'utf8');
    const r = new NativeRouter(buildNative(generateC(loadFile(join(dir, 'config.click')), { configText: text }), { kind: 'shared', cacheDir }).output);
    process.chdir(dir);
    let writes: string[];
    let reads: string[];
    let accounting: readonly string[];
    try {
      r.start({ simtime: spec.simtime ?? true, seed: spec.seed });
      writes = (spec.writes ?? []).map(([h, v]) => outcome(() => r.write(h, v)));
      if (spec.run ?? true) r.run();
      writes.push(...(spec.writesAfter ?? []).map(([h, v]) => outcome(() => r.write(h, v))));
      reads = (spec.handlers ?? []).map((h) => outcome(() => r.read(h)));
      accounting = r.accounting();
      r.finish();
    } finally {
      process.chdir(cwd);
    }
    const { stdout, stderr } = r.takeOutput();
    return { writes, reads, stdout, stderr, files: outputFiles(dir, Object.keys(spec.files ?? {})), accounting };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Handler writes (outcomes and messages), reads, output and files identical in both engines. */
export function handlerDiff(t: Test, spec: HandlerDiffSpec): void {
  const host = hostHandlerRun(spec);
  const native = nativeHandlerRun(spec);
  t.same(native.writes, host.writes, 'handler writes: same outcomes and messages');
  t.same(native.reads, host.reads, 'handler reads identical');
  t.equal(native.stdout, host.stdout, 'standard output identical');
  t.equal(native.stderr, host.stderr, 'standard error identical');
  t.same(Object.keys(native.files), Object.keys(host.files), 'the same files are written');
  for (const f of Object.keys(host.files)) t.equal(native.files[f], host.files[f], `${f} byte-identical`);
  t.same(host.accounting, [], 'host engine accounts for every packet');
  t.same(native.accounting, [], 'native engine accounts for every packet');
}

/**
 * The sanitizer build alone (for inputs the host engine cannot take): it
 * exits 0 with no sanitizer report, and its standard error matches `stderr`.
 */
export function nativeSurvives(t: Test, spec: DiffSpec & { readonly stderr?: RegExp }): void {
  const dir = stageDir(spec);
  try {
    const bin = buildNative(generateC(loadFile(join(dir, 'config.click')), { configText: spec.config }), { kind: 'exe', sanitize: true, cacheDir }).output;
    const args = [...(spec.handlers ?? []).flatMap((h) => ['-h', h]), '--accounting', '--simtime'];
    const r = spawnSync(bin, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' } });
    t.equal(r.status, 0, 'the sanitizer build exits 0', { stderr: r.stderr.slice(0, 4000) });
    t.notMatch(r.stderr, /AddressSanitizer|runtime error:/, 'no sanitizer report');
    if (spec.stderr) t.match(r.stderr, spec.stderr, 'the damage is reported');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

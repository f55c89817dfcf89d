// Helpers of the io/driver native tests: the comparison of initialization
// failures (the differential harness runs only routers that start: here the
// same element must fail, with the same message after its name), handler
// writes and reads in both engines, and the sanitizer build alone.
import type { Test } from 'tap';
import { rmSync } from 'node:fs';
import { ClickError } from '../../config-lang/diagnostics.js';
import { loadConfig } from '../../config-lang/load.js';
import { NativeRouterError } from '../../dataplane-native/native-router.js';
import { differential, runHost, runNative, sameEnding, sanitizerRun } from './differential.js';
import { reads, runSanitized, runSession, stageConfig, writes, type DiffSpec, type StepOutcome } from './engines.js';

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
  return loadConfig(config, 'config.click').elements.map((e) => e.name);
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

/** `ok`, `ok VALUE` or `error MESSAGE`. */
function outcomeText(o: StepOutcome): string {
  if (!o.ok) return `error ${o.message}`;
  return o.value === undefined ? 'ok' : `ok ${o.value}`;
}

function handlerDiffRun(engine: 'host' | 'native', spec: HandlerDiffSpec) {
  const r = runSession(engine, { ...spec, before: writes(spec.writes), after: [...writes(spec.writesAfter), ...reads(spec.handlers)] });
  const nAfter = spec.writesAfter?.length ?? 0;
  return {
    writes: [...r.before, ...r.after.slice(0, nAfter)].map(outcomeText),
    reads: r.after.slice(nAfter).map(outcomeText),
    stdout: r.stdout,
    stderr: r.stderr,
    files: r.files,
    accounting: r.accounting,
  };
}

/** Handler writes (outcomes and messages), reads, output and files identical in both engines. */
export function handlerDiff(t: Test, spec: HandlerDiffSpec): void {
  const host = handlerDiffRun('host', spec);
  const native = handlerDiffRun('native', spec);
  t.same(native.writes, host.writes, 'handler writes: same outcomes and messages');
  t.same(native.reads, host.reads, 'handler reads identical');
  t.same(Object.keys(native.files), Object.keys(host.files), 'the same files are written');
  for (const f of Object.keys(host.files)) t.equal(native.files[f], host.files[f], `${f} byte-identical`);
  sameEnding(t, native, host);
}

/**
 * The sanitizer build alone (for inputs the host engine cannot take): it
 * exits 0 with no sanitizer report, and its standard error matches `stderr`.
 */
export function nativeSurvives(t: Test, spec: DiffSpec & { readonly stderr?: RegExp }): void {
  const dir = stageConfig(spec, 'io-asan');
  try {
    const r = runSanitized(dir, { handlers: spec.handlers });
    t.equal(r.status, 0, 'the sanitizer build exits 0', { stderr: r.stderr.slice(0, 4000) });
    t.notMatch(r.stderr, /AddressSanitizer|runtime error:/, 'no sanitizer report');
    if (spec.stderr) t.match(r.stderr, spec.stderr, 'the damage is reported');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

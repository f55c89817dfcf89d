// Helpers of the io/driver native tests: the differential harness, and the
// comparison of initialization failures (the harness runs only routers that
// start): the same element fails, with the same message after its name.
import type { Test } from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickError } from '../../config-lang/diagnostics.js';
import { loadFile } from '../../config-lang/load.js';
import { NativeRouterError } from '../../dataplane-native/native-router.js';
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

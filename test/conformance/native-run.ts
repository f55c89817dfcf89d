// Running Click's conformance cases on the native dataplane, and comparing
// with what the original Click produced exactly as test/conformance/host.test.ts
// does for the host engine (same exemptions, same comparisons). Two ways:
// the shared library in-process (native.test.ts) and the standalone binary
// built with -fsanitize=address,undefined (native-sanitizer.test.ts).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { loadFile } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeDriver } from '../../dataplane-native/native-driver.js';
import { formatAccountingTable } from '../../host-engine/accounting.js';
import { printReadHandlers } from '../../host-engine/driver-handlers.js';
import { comparePcaps, firstLineDifference, loadExemptions, printLines } from './compare.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'conformance');
const exemptions = loadExemptions(join(here, 'host-divergences.json'));
const cacheDir = join(tmpdir(), 'clickvm-native-test-cache');

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
  accountingOk: boolean;
  accounting: string;
}

export function stage(name: string): string {
  const tmp = mkdtempSync(join(tmpdir(), `clickvm-native-${name}-`));
  cpSync(join(fixtures, name), tmp, { recursive: true, filter: (src) => !src.includes(`${name}/expected`) });
  return tmp;
}

export const caseHandlers = (name: string) => readFileSync(join(fixtures, name, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);

/** The shared library in-process, driven like `clickvm run --engine native -h ...`. */
export function runInProcess(dir: string, handlers: string[]): Outcome {
  const graph = loadFile(join(dir, 'config.click'));
  const driver = new NativeDriver(graph, { capture: true, cacheDir, configText: readFileSync(join(dir, 'config.click'), 'utf8') });
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    driver.initialize();
    driver.run();
    const printed = printReadHandlers(driver, handlers);
    const report = driver.accounting();
    driver.cleanup();
    const out = driver.takeOutput();
    return {
      stdout: out.stdout + printed.stdout,
      stderr: out.stderr + printed.errors.join('\n'),
      status: printed.errors.length ? 1 : 0,
      accountingOk: report.ok,
      accounting: formatAccountingTable(report),
    };
  } finally {
    process.chdir(cwd);
  }
}

/** The sanitizer build as a standalone binary in the case folder. */
export function runSanitized(dir: string, handlers: string[]): Outcome {
  const text = readFileSync(join(dir, 'config.click'), 'utf8');
  const bin = buildNative(generateC(loadFile(join(dir, 'config.click')), { configText: text }), { kind: 'exe', sanitize: true, cacheDir }).output;
  const r = spawnSync(bin, [...handlers.flatMap((h) => ['-h', h]), '--accounting'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0', UBSAN_OPTIONS: 'print_stacktrace=1' },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1, accountingOk: r.status !== 3, accounting: r.stderr };
}

export function compare(t: Test, name: string, dir: string, got: Outcome): void {
  const expectedDir = join(fixtures, name, 'expected');
  t.equal(got.status, Number(readFileSync(join(expectedDir, 'status.txt'), 'utf8').trim()), 'exit status', { stderr: got.stderr.slice(0, 4000) });
  t.notMatch(got.stderr, /AddressSanitizer|runtime error:/, 'no sanitizer report');
  for (const f of readdirSync(expectedDir).filter((f) => f.endsWith('.pcap')).sort()) {
    const produced = join(dir, f);
    if (!existsSync(produced)) {
      t.fail(`${f}: not produced`);
      continue;
    }
    const skip = exemptions.filter((x) => x.case === name && x.file === f);
    const problems = comparePcaps(readFileSync(join(expectedDir, f)), readFileSync(produced), skip);
    t.same(problems, [], `${f}: same packets, byte for byte, in order`, { differences: problems.join('\n') });
  }
  t.equal(got.stdout, readFileSync(join(expectedDir, 'stdout.txt'), 'utf8'), 'handler output identical');
  const exp = printLines(readFileSync(join(expectedDir, 'stderr.txt'), 'utf8'));
  const gotPrint = printLines(got.stderr);
  t.same(gotPrint, exp, `${exp.length} Print lines identical`, { difference: firstLineDifference(exp, gotPrint) });
  t.ok(got.accountingOk, 'every element accounts for every packet', { accounting: got.accounting });
}

export const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** One tap subtest per case, running it one way in a fresh copy of its folder. */
export function eachCase(t: Test, label: string, run: (dir: string, handlers: string[]) => Outcome): void {
  for (const name of cases) {
    t.test(`${name} (${label})`, async (t) => {
      const dir = stage(name);
      try {
        compare(t, name, dir, run(dir, caseHandlers(name)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

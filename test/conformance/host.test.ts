// Click's conformance cases on the host engine. For each case folder in
// test/fixtures/conformance/: copy it to a temporary directory, run
// config.click there (in-process through loadFile + Router; a few cases also
// through the `clickvm run` command), and compare with what the original Click
// produced: every expected pcap packet for packet and byte for byte (minus the
// exemptions in host-divergences.json), the handler output exactly, the
// `Print` lines of standard error, the exit status, and the packet accounting
// of every element. Each difference is reported with what was expected.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { loadFile } from '../../config-lang/load.js';
import { ClickError, formatDiagnostics } from '../../config-lang/diagnostics.js';
import { formatAccountingTable, type AccountingReport } from '../../host-engine/accounting.js';
import { printReadHandlers } from '../../host-engine/driver-handlers.js';
import { Router } from '../../host-engine/router.js';
import { comparePcaps, firstLineDifference, loadExemptions, printLines, type Exemption } from './compare.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'conformance');
const exemptions = loadExemptions(join(here, 'host-divergences.json'));

/** Cases also run through the real command line (slower: one process each). */
const CLI_CASES = new Set(['01-counter', '04-ip-classifier', '22-print']);

interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
  accounting?: AccountingReport;
}

function caseHandlers(dir: string): string[] {
  return readFileSync(join(dir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
}

/** Copy the case (without `expected/`) to a fresh directory. */
function stage(name: string): string {
  const tmp = mkdtempSync(join(tmpdir(), `clickvm-${name}-`));
  cpSync(join(fixtures, name), tmp, { recursive: true, filter: (src) => !src.includes(`${name}/expected`) });
  return tmp;
}

/** Run a case in-process the way `click -h H1 -h H2 config.click` would. */
function runInProcess(dir: string, handlers: string[]): Outcome {
  const err: string[] = [];
  const out: string[] = [];
  let router: Router | undefined;
  try {
    const graph = loadFile(join(dir, 'config.click'));
    router = new Router(graph, { baseDir: dir, stderr: (l) => err.push(l), stdout: (l) => out.push(l) });
    router.initialize();
    router.run();
    const printed = printReadHandlers(router, handlers);
    err.push(...printed.errors);
    const accounting = router.accounting();
    router.cleanup();
    return { stdout: out.map((l) => `${l}\n`).join('') + printed.stdout, stderr: err.join('\n'), status: printed.errors.length ? 1 : 0, accounting };
  } catch (e) {
    const text = e instanceof ClickError ? formatDiagnostics(e.diagnostics) : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    try {
      router?.cleanup();
    } catch {
      // The first failure is the one to report.
    }
    return { stdout: out.join('\n'), stderr: [...err, text].join('\n'), status: 1 };
  }
}

function runThroughCli(dir: string, handlers: string[]): Outcome {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'cli', 'main.ts'), 'run', ...handlers.flatMap((h) => ['-h', h]), 'config.click'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 };
}

function compareOutcome(t: Test, name: string, dir: string, got: Outcome): void {
  const expectedDir = join(fixtures, name, 'expected');
  const expStatus = Number(readFileSync(join(expectedDir, 'status.txt'), 'utf8').trim());
  t.equal(got.status, expStatus, `exit status ${expStatus}`, { runStderr: got.stderr.slice(0, 4000) });

  for (const f of readdirSync(expectedDir).filter((f) => f.endsWith('.pcap')).sort()) {
    const produced = join(dir, f);
    if (!existsSync(produced)) {
      t.fail(`${f}: not produced`);
      continue;
    }
    const skip: Exemption[] = exemptions.filter((x) => x.case === name && x.file === f);
    const problems = comparePcaps(readFileSync(join(expectedDir, f)), readFileSync(produced), skip);
    t.same(problems, [], `${f}: same packets, byte for byte, in order${skip.length ? ` (${skip.length} exempt byte ranges)` : ''}`, {
      differences: problems.join('\n'),
    });
  }

  const expStdout = readFileSync(join(expectedDir, 'stdout.txt'), 'utf8');
  t.equal(got.stdout, expStdout, 'handler output (stdout) identical');

  const expPrint = printLines(readFileSync(join(expectedDir, 'stderr.txt'), 'utf8'));
  const gotPrint = printLines(got.stderr);
  t.same(gotPrint, expPrint, `${expPrint.length} Print lines on stderr identical`, { difference: firstLineDifference(expPrint, gotPrint) });

  if (got.accounting) {
    t.ok(got.accounting.ok, 'every element balances in + created = out + dropped + consumed + held', {
      accounting: got.accounting.ok ? undefined : formatAccountingTable(got.accounting),
    });
  }
}

const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

t.test('the exemptions name existing cases, files and packets', async (t) => {
  for (const x of exemptions) {
    const f = join(fixtures, x.case, 'expected', x.file);
    t.ok(existsSync(f), `${x.case}/${x.file} exists`);
    t.ok(x.reason.length > 20, 'has a reason');
    t.ok(x.bytes[0] < x.bytes[1], 'a nonempty byte range');
  }
});

for (const name of cases) {
  t.test(name, async (t) => {
    const handlers = caseHandlers(join(fixtures, name));
    const dir = stage(name);
    try {
      compareOutcome(t, name, dir, runInProcess(dir, handlers));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

const cliRegistered = /^import \{[^}]*\brunCommand\b[^}]*\} from '\.\/commands\/run\.js';$/m.test(readFileSync(join(repo, 'cli', 'main.ts'), 'utf8'));
for (const name of cases.filter((c) => CLI_CASES.has(c))) {
  t.test(`${name} through clickvm run`, { skip: cliRegistered ? false : 'cli/main.ts does not register the run command yet' }, async (t) => {
    const handlers = caseHandlers(join(fixtures, name));
    const dir = stage(name);
    try {
      compareOutcome(t, name, dir, runThroughCli(dir, handlers));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

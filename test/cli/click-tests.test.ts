// scripts/click-tests.sh: Click's own regression tests run against clickvm
// through its `click`, `click-flatten` and `click-buildtool` stand-ins. Needs
// a Click source tree (CLICK_SRC, else /work/scratch/click) and perl; a
// clean clone without them skips, saying why.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const clickSrc = process.env.CLICK_SRC ?? '/work/scratch/click';

const why = !existsSync(join(clickSrc, 'test/clicktest'))
  ? `no Click source tree at ${clickSrc} (set CLICK_SRC to a checkout of github.com/kohler/click)`
  : spawnSync('perl', ['-v']).status !== 0
    ? 'perl is not installed (clicktest is a perl script)'
    : !existsSync(join(root, 'dist/cli/main.js'))
      ? 'clickvm is not built (npm run build)'
      : undefined;

// A pass from each wrapper (click with handlers and -e, click-flatten, click -qo-),
// a test Click's own error text decides, and a skip (a C++ unit-test element).
const SUBSET = ['standard/Tee-01.clicktest', 'compound/variables-01.clicktest', 'tools/lexer-05.clicktest', 'tools/lexer-09.clicktest', 'standard/vector-01.clicktest'];

t.test("a few of Click's regression tests through scripts/click-tests.sh", { skip: why ? `Click's regression tests: ${why}` : false }, async (t) => {
  const r = spawnSync('sh', [join(root, 'scripts/click-tests.sh'), clickSrc, '--engine', 'host', '-j', '1', ...SUBSET], { encoding: 'utf8' });
  const lines = r.stdout.split('\n');
  const verdict = (name: string) => lines.find((l) => l.endsWith(` ${name}`))?.split(' ')[0];
  for (const name of SUBSET.slice(0, 4)) t.equal(verdict(name), 'PASS', name);
  t.equal(verdict('standard/vector-01.clicktest'), 'SKIP', 'VectorTest is a C++ unit-test element clickvm lacks: a skip');
  t.match(r.stdout, /^clicktest: 4 successes, 0 failures, 1 skipped$/m, "clicktest's summary");
  t.match(r.stdout, /^passed 4, failed 0, skipped 1$/m, 'the script\'s counts');
  t.equal(r.status, 0, r.stderr);
});

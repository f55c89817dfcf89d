// `clickvm compile`: generated C, the exact compiler command, and a binary that runs.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const clickvm = (args: string[]) =>
  spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'cli', 'main.ts'), ...args], { encoding: 'utf8' });

t.test('compile writes C, build.sh and a runnable binary', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-compile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const r = clickvm(['compile', '-e', 'src :: InfiniteSource(LIMIT $N, STOP true) -> d :: Discard', '-D', 'N=321', '-o', dir]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^gcc .*-O2 .*-Wall -Wextra -Werror .*generated\.c .*-o router/);
  t.ok(existsSync(join(dir, 'generated.c')));
  t.match(readFileSync(join(dir, 'generated.c'), 'utf8'), /\.limit = 321/, 'configuration compiled in as constants');
  const run = spawnSync(join(dir, 'router'), ['-h', 'd.count'], { encoding: 'utf8' });
  t.equal(run.stdout, '321\n');
  rmSync(join(dir, 'router'));
  const rebuild = spawnSync('sh', [join(dir, 'build.sh')], { encoding: 'utf8' });
  t.equal(rebuild.status, 0, rebuild.stderr);
  t.equal(spawnSync(join(dir, 'router'), ['-h', 'src.count'], { encoding: 'utf8' }).stdout, '321\n', 'build.sh rebuilds it');
});

t.test('compile without -o is a usage error', async (t) => {
  const r = clickvm(['compile', '-e', 'Idle -> Discard']);
  t.equal(r.status, 1);
  t.match(r.stderr, /needs an output directory/);
});

// `clickvm run --engine native`: the same driver behaviour as the host engine.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(engine: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'cli', 'main.ts'), 'run', '--engine', engine, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('handlers, patterns and globals print the same in both engines', async (t) => {
  const args = ['--simtime', '-e', 'src :: InfiniteSource(LIMIT 20, BURST 3, STOP true) -> d :: Discard', '-h', 'd.count', '-h', '*.class', '-h', 'src.ports', '-h', 'version', '-h', 'list', '-h', 'd.handlers'];
  const host = run('host', args);
  const native = run('native', args);
  t.equal(native.code, 0, native.stderr);
  t.equal(native.stdout, host.stdout);
  t.match(native.stdout, /^d\.count:\n20\n/);
});

t.test('errors keep the host texts and exit statuses', async (t) => {
  const bad = ['-e', 'InfiniteSource(ACTIVE false) -> d :: Discard', '-h', 'd.nosuch', '-h', 'nosuch.count'];
  const host = run('host', bad);
  const native = run('native', bad);
  t.equal(native.code, host.code);
  t.equal(native.stderr, host.stderr);
  const exit = ['-e', 'src :: InfiniteSource(LIMIT 7, STOP true) -> d :: Discard', '-x', 'd.count'];
  t.equal(run('native', exit).code, 7, '-x takes the exit status from a handler');
});


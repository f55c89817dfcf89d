// `clickvm compile`: generated C, the exact compiler command, and a binary that runs.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';

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

t.test('cached builds link the runtime\'s cold part prebuilt, once per flag set', async (t) => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'clickvm-cold-'));
  t.teardown(() => rmSync(cacheDir, { recursive: true, force: true }));
  const build = (n: number) => {
    const text = `src :: InfiniteSource(LIMIT ${n}, STOP true) -> d :: Discard`;
    return buildNative(generateC(loadConfig(text, 'cold.click'), { configText: text }), { kind: 'exe', cacheDir });
  };
  const [a, b] = [build(5), build(7)];
  const objects = readdirSync(cacheDir).filter((d) => d.startsWith('runtime-'));
  t.equal(objects.length, 1, 'one runtime object for two configurations with the same flags');
  const cold = join(cacheDir, objects[0]!, 'cold.o');
  for (const r of [a, b]) {
    t.ok(r.command.includes(cold) && r.command.includes('-DCVM_RUNTIME_PREBUILT'), 'the build links it instead of compiling the runtime again');
    t.match(readFileSync(join(r.dir, 'build.sh'), 'utf8'), 'cold.o', 'and its build.sh says so');
  }
  t.equal(spawnSync(a.output, ['-h', 'd.count'], { encoding: 'utf8' }).stdout, '5\n');
  t.equal(spawnSync(b.output, ['-h', 'd.count'], { encoding: 'utf8' }).stdout, '7\n');
  t.ok(build(5).cached, 'a second build of the same program is a cache hit');
});

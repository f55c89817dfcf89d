// The clickvm command, spawned as a user would run it: exit statuses,
// standard output and standard error, never a stack trace.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(join(tmpdir(), 'clickvm-cli-'));
// Commands run in a scratch directory, so tsx is named by its resolved location.
const tsx = import.meta.resolve('tsx');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function clickvm(args: string[], input?: string): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'cli/main.ts'), ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const noStackTrace = (t: Test, r: Result) => t.notMatch(r.stderr, /\n\s+at .*:\d+:\d+\)?\n/, 'no stack trace');

const GOOD = `// a small correct configuration
src :: InfiniteSource(LIMIT 5, STOP true)
  -> c :: Counter
  -> q :: Queue(10)
  -> Unqueue
  -> Discard;
`;

const BAD = `src :: InfiniteSource(LIMIT five)
  -> c :: Counter;
c[1] -> Discard;
`;

t.test('check: silent success, -v summary', async (t) => {
  const good = file('good.click', GOOD);
  const r = await clickvm(['check', good]);
  t.same(r, { code: 0, stdout: '', stderr: '' });
  const v = await clickvm(['check', '-v', good]);
  t.equal(v.code, 0);
  t.equal(v.stdout, `${good}: 5 elements (5 classes), 4 connections (3 push, 1 pull), 0 warnings\n`);
  const e = await clickvm(['check', '-e', 'a :: Counter -> b :: Counter -> a;', '--verbose']);
  t.equal(e.stdout, '<expr>: 2 elements (1 class), 2 connections (2 push, 0 pull), 0 warnings\n');
});

t.test('check: every error on stderr with carets, exit 1', async (t) => {
  const bad = file('bad.click', BAD);
  const r = await clickvm(['check', bad]);
  t.equal(r.code, 1);
  t.equal(r.stdout, '');
  noStackTrace(t, r);
  t.match(r.stderr, `${bad}:3:1: error: 'c' :: Counter has no output 1\n`);
  t.match(r.stderr, `${bad}:2:6: error: 'c' :: Counter output 0 unused\n`);
  t.match(r.stderr, `${bad}:1:29: error: 'src' :: InfiniteSource: LIMIT: 'five' is not an integer\n`);
  t.match(r.stderr, ' 1 | src :: InfiniteSource(LIMIT five)\n   |                             ^~~~\n');
  t.match(r.stderr, /= hint: /);
});

t.test('check -e names the configuration <expr>; syntax errors too', async (t) => {
  const r = await clickvm(['check', '-e', 'Counter -> Countr -> Discard;']);
  t.equal(r.code, 1);
  t.match(r.stderr, /^<expr>:1:12: error: unknown element class 'Countr'\n/);
  t.match(r.stderr, /did you mean 'Counter'\?/);
  const s = await clickvm(['check', '-e', 'a :: Counter -> ;']);
  t.equal(s.code, 1);
  t.match(s.stderr, /^<expr>:1:\d+: error: /);
  noStackTrace(t, s);
});

t.test('check: push/pull and duplicate-use errors name both ends', async (t) => {
  const r = await clickvm(['check', '-e', 'InfiniteSource -> Queue -> c :: Counter -> PushNull -> Discard;']);
  t.equal(r.code, 1);
  t.match(r.stderr, "<expr>:1:28: error: agnostic 'c' :: Counter in mixed context: pull input 0, push output 0\n");
  const q = await clickvm(['check', '-e', 'InfiniteSource -> q :: Queue -> Discard;\nq -> Discard;']);
  t.equal(q.code, 0, 'a pull output may feed several pull inputs');
  const m = await clickvm(['check', '-e', 'TimedSource -> PullNull -> Discard;']);
  t.match(m.stderr, "<expr>:1:1: error: 'TimedSource@1' push output 0 connected to 'PullNull@2' pull input 0\n");
  const p = await clickvm(['check', '-e', 'InfiniteSource -> q :: Queue -> Print -> Unqueue -> Discard;\nTimedSource -> [0]q;']);
  t.equal(p.code, 0, 'a push input may be connected twice');
  const u = await clickvm(['check', '-e', 's :: InfiniteSource; s -> Discard; s -> Discard;']);
  t.match(u.stderr, "error: 's' :: InfiniteSource push output 0 connected more than once");
});

t.test('standard input, defines and settings', async (t) => {
  const r = await clickvm(['check', '-v', '-'], 'Idle -> Discard;');
  t.equal(r.stdout, '<stdin>: 2 elements (2 classes), 1 connection (1 push, 0 pull), 0 warnings\n');
  const cfg = file('define.click', 'define($N 5);\nInfiniteSource(LIMIT $N) -> Discard;\n');
  t.equal((await clickvm(['check', cfg])).code, 0);
  const bad = await clickvm(['check', cfg, 'N=lots']);
  t.equal(bad.code, 1, 'Click-style NAME=VALUE after the file overrides define');
  t.match(bad.stderr, "LIMIT: 'lots' is not an integer");
  const viaD = await clickvm(['check', '-D', 'N=lots', cfg]);
  t.equal(viaD.code, 1, '-D works the same');
  t.match(viaD.stderr, "LIMIT: 'lots' is not an integer", '-D before the file leaves the file alone');
  t.equal((await clickvm(['check', '-D', 'N=3', '-D', 'M=4', cfg])).code, 0, 'repeated -D');
  const expr = await clickvm(['check', '-e', 'InfiniteSource(LIMIT $N) -> Discard;', '-D', 'N=3']);
  t.equal(expr.code, 0);
});

t.test('usage errors: exit 1 with one message', async (t) => {
  for (const args of [['check'], ['check', '--bogus', 'x.click'], ['frobnicate'], [], ['check', 'a.click', 'b.click'], ['check', '-e', 'Idle', 'x.click']]) {
    const r = await clickvm(args);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.stderr, /^clickvm: .+\nTry 'clickvm --help' for more information\.\n$/, args.join(' '));
  }
  const missing = await clickvm(['check', 'nothere.click']);
  t.equal(missing.code, 1);
  t.match(missing.stderr, "error: cannot read 'nothere.click': no such file or directory");
  noStackTrace(t, missing);
});

t.test('help for the command and each subcommand', async (t) => {
  const r = await clickvm(['--help']);
  t.equal(r.code, 0);
  for (const c of ['check', 'flatten', 'graph']) t.match(r.stdout, new RegExp(`clickvm ${c}`));
  for (const c of ['check', 'flatten', 'graph']) {
    const h = await clickvm([c, '--help']);
    t.equal(h.code, 0);
    t.match(h.stdout, /--expression/);
    t.match(h.stdout, /-D, --define/);
  }
  t.match((await clickvm(['graph', '--help'])).stdout, /--format/);
  t.match((await clickvm(['--version'])).stdout, /^\d+\.\d+\.\d+\n$/);
});

t.test('flatten: to stdout or a file', async (t) => {
  const cfg = file('compound.click', 'elementclass Meter { input -> c :: Counter -> output }\nInfiniteSource -> m :: Meter -> Discard;\n');
  const r = await clickvm(['flatten', cfg]);
  t.equal(r.code, 0);
  t.match(r.stdout, 'm/c :: Counter;\n');
  t.match(r.stdout, /InfiniteSource@1 -> m\/c\n\s+-> Discard@3;/);
  const out = join(dir, 'flat.click');
  t.equal((await clickvm(['flatten', cfg, '-o', out])).code, 0);
  t.equal(readFileSync(out, 'utf8'), r.stdout);
  // The flat text is itself a correct configuration.
  t.equal((await clickvm(['check', out])).code, 0);
  const unchecked = await clickvm(['flatten', '-e', 'TimedSource -> PullNull']);
  t.equal(unchecked.code, 0, 'flatten does not check ports unless asked');
  const checked = await clickvm(['flatten', '--check', '-e', 'TimedSource -> PullNull']);
  t.equal(checked.code, 1);
});

t.test('graph --format json: elements, port modes, connections', async (t) => {
  const good = file('good2.click', GOOD);
  const r = await clickvm(['graph', good, '--format', 'json']);
  t.equal(r.code, 0);
  const g = JSON.parse(r.stdout) as { elements: { name: string; class: string; config: string; inputs: string[]; outputs: string[]; location: string }[]; connections: { from: { element: string; port: number }; to: { element: string; port: number }; mode: string }[] };
  t.same(g.elements.map((e) => [e.name, e.class, e.inputs.join(','), e.outputs.join(',')]), [
    ['src', 'InfiniteSource', '', 'push'],
    ['c', 'Counter', 'push', 'push'],
    ['q', 'Queue', 'push', 'pull'],
    ['Unqueue@4', 'Unqueue', 'pull', 'push'],
    ['Discard@5', 'Discard', 'push', ''],
  ]);
  t.equal(g.elements[0]!.config, 'LIMIT 5, STOP true');
  t.equal(g.elements[0]!.location, `${good}:2:1`);
  t.same(g.connections[2], { from: { element: 'q', port: 0 }, to: { element: 'Unqueue@4', port: 0 }, mode: 'pull' });
});

t.test('graph --format dot: Graphviz with ports', async (t) => {
  const r = await clickvm(['graph', '-e', 'InfiniteSource -> q :: Queue -> Unqueue -> Discard;']);
  t.equal(r.code, 0);
  t.match(r.stdout, /^digraph "<expr>" \{\n/);
  t.match(r.stdout, /n1 \[label=<.*<td port="i0">0<\/td>.*<b>q<\/b><br\/>Queue.*<td port="o0" bgcolor="lightgrey">0<\/td>/);
  t.match(r.stdout, '  n0:o0:s -> n1:i0:n;\n');
  t.match(r.stdout, '  n1:o0:s -> n2:i0:n [style=dashed];\n');
  t.match(r.stdout, /\}\n$/);
  const bad = await clickvm(['graph', '-e', 'Idle', '--format', 'svg']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /Invalid values|Choices/);
});

t.test('a reader that stops early is not an error', async (t) => {
  const big = file('big.click', 'InfiniteSource -> Counter -> Discard;\n'.repeat(3000));
  const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'cli/main.ts'), 'graph', '--format', 'json', big], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    child.on('close', (code) => done({ code, stderr }));
  });
  t.same(result, { code: 0, stderr: '' });
});

for (const engine of ['host', 'native'] as const)
t.test(`run -R --engine ${engine}: hotconfig through the ControlSocket; a refused configuration leaves the first running`, async (t) => {
  const sock = join(dir, `hot-${engine}.sock`);
  const first = file('hot1.click', 'src :: RatedSource(RATE 200) -> c :: Counter -> q :: Queue -> Discard;\n');
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'cli/main.ts'), 'run', '--engine', engine, '-R', '-u', sock, first, '-h', 'c.count', '-h', 'c2.count'], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const closed = new Promise<number | null>((r) => child.on('close', r));
  t.teardown(() => void child.kill('SIGKILL'));
  let c: ControlClient | undefined;
  for (let k = 0; k < 600 && !c; k++) {
    c = await ControlClient.connect({ path: sock }, { timeoutMs: 1000 }).catch(() => undefined);
    if (!c) await new Promise((r) => setTimeout(r, 50));
  }
  const refused = await c!.write('hotconfig', 'src :: RatedSource(RATE 200) -> c :: Counter -> q :: Queue -> Discrd;').catch((e: unknown) => e);
  t.type(refused, ControlError);
  t.match((refused as ControlError).lines.join('\n'), /<hotconfig>:1:\d+: error: unknown element class 'Discrd'/);
  await c!.write('hotconfig', 'src :: RatedSource(RATE 200) -> c :: Counter -> c2 :: Counter -> q :: Queue -> Discard;');
  let seen = '';
  for (let k = 0; k < 200 && !(Number(seen) > 0); k++) seen = await c!.read('c2.count').catch(() => '');
  t.ok(Number(seen) > 0, 'the new configuration runs (c2 counts)');
  await c!.write('stop');
  await c!.close();
  t.equal(await closed, 0, stderr);
  const [count, count2] = [...stdout.matchAll(/^c2?\.count:\n(\d+)$/gm)].map((m) => Number(m[1]));
  t.ok(count! > count2! && count2! > 0, `c counts from the start (${count}), c2 since the swap (${count2})`);
});

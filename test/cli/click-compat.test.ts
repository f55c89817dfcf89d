// What Click's regression tests (scripts/click-tests.sh) rely on in the
// clickvm command: a configuration on standard input when no FILE is given,
// and --click-diagnostics, errors worded and laid out as Click's tools print them.

import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = import.meta.resolve('tsx');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function clickvm(args: string[], input = ''): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', tsx, join(root, 'cli/main.ts'), ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

t.test('run and flatten read the configuration from standard input when given no FILE', async (t) => {
  const r = await clickvm(['run', '--simtime', '-h', 'c.count'], 'InfiniteSource(LIMIT 3, STOP true) -> c :: Counter -> Discard;');
  t.same(r, { code: 0, stdout: '3\n', stderr: '' });
  const f = await clickvm(['flatten'], 'Idle -> d :: Discard;');
  t.equal(f.code, 0);
  t.match(f.stdout, 'Idle@1 -> d;');
  const q = await clickvm(['run', '-q', '-h', 'd.class'], 'Idle -> d :: Discard;');
  t.same(q, { code: 0, stdout: 'Discard\n', stderr: '' }, 'options before no FILE at all');
  const c = await clickvm(['check']);
  t.equal(c.code, 1, 'check still wants a FILE');
});

t.test('--click-diagnostics: file:line: message, no carets or hints', async (t) => {
  const s = await clickvm(['run', '--click-diagnostics', '-e', 'Idle;\n-> Discard;']);
  t.same(s, { code: 1, stdout: '', stderr: "config:2: syntax error near '->'\n" }, 'a syntax error: no initialization line');
  const u = await clickvm(['run', '--click-diagnostics'], 'x :: Idle;\nx :: Idle;');
  t.equal(u.code, 1);
  t.equal(u.stderr, "<stdin>:2: redeclaration of element 'x'\n<stdin>:1: 'x' previously declared here\n", 'related notes as plain lines');
  const n = await clickvm(['run', '--click-diagnostics', '-e', 'Idle -> Fooo;']);
  t.same(n.stderr, "config:1: unknown element class 'Fooo'\n", 'an unknown class: no initialization line');
  const f = await clickvm(['flatten', '--click-diagnostics', '-e', 'a, b :: Idle;\na [0,1] -> [0,1] b;']);
  t.equal(f.stderr, "config:2: syntax error: many-to-many connections require '=>'\n", 'flatten takes it too');
});

t.test('--click-diagnostics: element errors under "While configuring", then "Router could not be initialized!"', async (t) => {
  const r = await clickvm(['run', '--click-diagnostics', '-e', 'Idle\n-> d :: Discard(1, 2);']);
  t.same(r, { code: 1, stdout: '', stderr: "config:2: While configuring 'd :: Discard':\n  too many arguments\nRouter could not be initialized!\n" });
  const p = await clickvm(['run', '--click-diagnostics', '-e', 'Idle -> Discard; Idle -> p :: Print(A);']);
  t.equal(p.stderr, "config:1: 'p :: Print' output 0 unused\nRouter could not be initialized!\n", "ports: 'NAME :: CLASS' quoted as one");
  const plain = await clickvm(['run', '-e', 'Idle -> Discard; Idle -> p :: Print(A);']);
  t.match(plain.stderr, "<expr>:1:26: error: 'p' :: Print output 0 unused\n", 'without the option, clickvm diagnostics');
  t.notMatch(plain.stderr, 'Router could not be initialized');
});

t.test("--click-diagnostics: a reused port is Click's 'illegal reuse', at the element's declaration", async (t) => {
  // As Click prints it (checked against Click 2.1 on these texts).
  const push = 'i :: InfiniteSource(LIMIT 1)\n  -> Discard;\ni -> Discard;';
  const c = await clickvm(['run', '--click-diagnostics', '-e', push]);
  t.equal(c.code, 1);
  t.equal(c.stderr, "config:1: illegal reuse of 'i :: InfiniteSource' push output 0\nRouter could not be initialized!\n", 'push output: one line, no notes');
  const pull = await clickvm(['run', '--click-diagnostics', '-e', 'q1, q2 :: Queue; Idle -> q1; Idle -> q2;\nu :: Unqueue;\nq1 -> u; q2 -> u; u -> Discard;']);
  t.equal(pull.stderr, "config:2: illegal reuse of 'u :: Unqueue' pull input 0\nRouter could not be initialized!\n", 'pull input');
  const plain = await clickvm(['run', '-e', push]);
  t.match(plain.stderr, "<expr>:3:1: error: 'i' :: InfiniteSource push output 0 connected more than once", 'without the option: at the second connection');
  t.match(plain.stderr, 'output 0 first connected here', 'with a note at the first');
});

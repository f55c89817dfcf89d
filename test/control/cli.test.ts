// `clickvm run -u/-p` adds a ControlSocket (either engine), and `clickvm
// control` reads, writes, lists and checks handlers through it.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliArgs = (args: string[]) => ['--import', import.meta.resolve('tsx'), join(repo, 'cli', 'main.ts'), ...args];
const clickvm = (args: string[]) => spawnSync(process.execPath, cliArgs(args), { encoding: 'utf8' });

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (cond()) return true;
  return cond();
}

const CONFIG = 'src :: RatedSource(RATE 500) -> c :: Counter -> q :: Queue -> u :: Unqueue -> d :: Discard';

for (const engine of ['host', 'native'] as const) {
  t.test(`clickvm run --engine ${engine} with -u and -p, driven by clickvm control`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'cvm-cli-cs-'));
    const sock = join(dir, 'ctl.sock');
    const port = await freePort();
    const run = spawn(process.execPath, cliArgs(['run', '--engine', engine, '-e', CONFIG, '-u', sock, '-p', String(port), '-h', 'c.count']), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    run.stdout.on('data', (d: Buffer) => (out += d));
    run.stderr.on('data', (d: Buffer) => (err += d));
    const exited = new Promise<number | null>((r) => run.once('exit', (code) => r(code)));
    t.teardown(async () => {
      if (run.exitCode === null) {
        run.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });
    t.ok(await waitFor(() => existsSync(sock), 60000), `the UNIX socket appears (${err})`);

    const count = clickvm(['control', sock, 'read', 'c.count']);
    t.equal(count.status, 0, count.stderr);
    t.match(count.stdout, /^\d+\n$/, 'read prints the value with a newline');

    const list = clickvm(['control', `127.0.0.1:${port}`, 'list']);
    t.equal(list.stdout, 'src\nc\nq\nu\nd\nclick_driver@@ControlSocket\nclick_driver@@ControlSocket@2\n', 'list over TCP names the driver\'s sockets as Click does');

    t.equal(clickvm(['control', String(port), 'write', 'q.capacity', '42']).status, 0, 'write');
    t.equal(clickvm(['control', sock, 'read', 'q.capacity']).stdout, '42\n', 'the write took effect');
    t.equal(clickvm(['control', sock, 'check', 'c.count']).stdout, 'c.count\tr\n');
    t.equal(clickvm(['control', sock, 'check', 'q.capacity']).stdout, 'q.capacity\trw\n');
    const missing = clickvm(['control', sock, 'read', 'zz.count']);
    t.equal(missing.status, 1);
    t.match(missing.stderr, /510 No element named 'zz'/, 'errors carry the reply code');
    const badTarget = clickvm(['control', join(dir, 'nothing.sock'), 'list', '--timeout', '2000']);
    t.equal(badTarget.status, 1);
    t.match(badTarget.stderr, /cannot connect/);

    t.equal(clickvm(['control', sock, 'write', 'stop']).status, 0, 'write stop');
    t.equal(await exited, 0, `the run ends when stopped (${err})`);
    t.match(out, /^\d+\n$/, 'and prints its -h handler');
    t.ok(Number(out) > 0, 'packets flowed while it was controlled');
    t.notOk(existsSync(sock), 'the UNIX socket is removed');
  });
}

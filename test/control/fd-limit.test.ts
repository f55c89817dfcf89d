// The compiled binary's ControlSocket out of file descriptors (its limit
// lowered to 32 with ulimit): more clients connect than it can accept; it
// says so once instead of failing again at every poll, the client it has
// keeps being served, forwarding goes on, and once descriptors free up new
// clients are accepted.
//
// The host engine (`clickvm run -R`) with its limit lowered to what it holds
// (prlimit on the running process: Node cannot start under a small ulimit):
// libuv closes the connections it cannot accept, the process neither dies
// nor spins, the client it has is served, a hot reconfiguration whose ToDump
// or FromDump cannot open its file is refused with the reason and the
// running configuration goes on; with descriptors back, both are accepted.
// An accept error libuv passes up (it does when its reserve descriptor is
// gone) is said once and the socket goes on serving; before, it reached
// the bind-failure listener and stopped the router.

import t, { type Test } from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';
import { Router } from '../../host-engine/router.js';
import type { ControlSocketElement } from '../../elements/driver/control-socket.js';
import { NATIVE_CACHE_DIR } from '../native/engines.js';
import { cpuSeconds } from '../util/proc.js';

const CONFIG = 'src :: RatedSource(LENGTH 60, RATE 2000) -> c :: Counter -> Discard; ControlSocket(unix, control.sock);';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A router process started in `dir`, its standard error gathered; the
 * teardown closes the client sockets the test holds, kills the process and
 * removes `dir`.
 */
function watchedRouter(t: Test, dir: string, command: string, args: readonly string[]) {
  const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const r = { child, stderr: '', held: [] as Socket[], exited: new Promise<number | null>((done) => child.on('exit', (code) => done(code))) };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (r.stderr += d));
  t.teardown(() => {
    for (const s of r.held) s.destroy();
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return r;
}

t.test('more clients than descriptors', async (t) => {
  const bin = buildNative(generateC(loadConfig(CONFIG, 'fd.click'), { configText: CONFIG }), { kind: 'exe', cacheDir: NATIVE_CACHE_DIR }).output;
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-fd-limit-'));
  const router = watchedRouter(t, dir, 'sh', ['-c', 'ulimit -n 32 && exec "$0"', bin]);
  const { held, exited } = router;
  const path = join(dir, 'control.sock');
  const first = await ControlClient.connectWhenUp({ path }, { timeoutMs: 5000 });
  const before = Number(await first.read('c.count'));
  for (let i = 0; i < 60; i++) {
    const s = connect(path);
    s.on('error', () => undefined);
    held.push(s);
  }
  await sleep(1500);
  const lines = router.stderr.split('\n').filter((l) => /accept: /.test(l));
  t.ok(lines.length >= 1 && lines.length <= 3, `running out of descriptors is said, not repeated at every poll (${lines.length} line(s): ${lines[0] ?? ''})`);
  const during = Number(await first.read('c.count'));
  t.ok(during > before, `the first client is still served and forwarding goes on (c.count ${before} -> ${during})`);
  for (const s of held.splice(0)) s.destroy();
  await sleep(300);
  const late = await ControlClient.connect({ path }, { timeoutMs: 5000 });
  t.equal(await late.read('c.name'), 'c', 'a new client is accepted once descriptors are free');
  await late.close();
  await first.write('stop', '');
  await first.close();
  t.equal(await exited, 0, 'the router stops cleanly');
});

t.test('the host engine out of descriptors', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-fd-limit-host-'));
  const path = join(dir, 'control.sock');
  writeFileSync(join(dir, 'fd.click'), 'src :: RatedSource(LENGTH 60, RATE 2000) -> c :: Counter -> Discard;\n');
  writeFileSync(join(dir, 'in.pcap'), readFileSync(join(import.meta.dirname, '../fixtures/conformance/01-counter/in.pcap')));
  const root = join(import.meta.dirname, '../..');
  const router = watchedRouter(t, dir, process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'cli/main.ts'), 'run', '-R', '-u', path, 'fd.click']);
  const { child, held, exited } = router;
  const first = await ControlClient.connectWhenUp({ path }, { timeoutMs: 5000 }, 200);
  const pid = child.pid!;
  // Not one descriptor more than it holds now, then back to what it had.
  const soft = execFileSync('prlimit', [`--pid=${pid}`, '--nofile', '--output=SOFT', '--noheadings'], { encoding: 'utf8' }).trim();
  const limit = (n: number) => execFileSync('prlimit', [`--pid=${pid}`, `--nofile=${n}:`]);   // the soft limit: it can go back up
  limit(readdirSync(`/proc/${pid}/fd`).length);
  const before = Number(await first.read('c.count'));
  const cpu0 = cpuSeconds(pid);
  for (let i = 0; i < 60; i++) {
    const s = connect(path);
    s.on('error', () => undefined);
    held.push(s);
  }
  await sleep(1000);
  const cpu = cpuSeconds(pid) - cpu0;
  t.ok(cpu < 0.5, `no busy loop: ${cpu.toFixed(2)} s of CPU in the second of 60 clients it cannot accept`);
  const during = Number(await first.read('c.count'));
  t.ok(during > before, `the first client is still served and forwarding goes on (c.count ${before} -> ${during})`);
  const swap = (out: string) => `src :: RatedSource(LENGTH 60, RATE 2000) -> c :: Counter -> Discard;
    FromDump(in.pcap) -> c2 :: Counter -> ToDump(${out});\n`;
  const refused = await first.write('hotconfig', swap('out.pcap')).catch((e: unknown) => e);
  t.type(refused, ControlError, 'a hot reconfiguration that cannot open its files is refused');
  t.match((refused as ControlError).lines.join('\n'), /Too many open files/, 'with the reason');
  const after = Number(await first.read('c.count'));
  t.ok(after >= during, `the running configuration goes on (c.count ${during} -> ${after})`);
  await t.rejects(first.read('c2.name'), 'and is still the one running');
  for (const s of held.splice(0)) s.destroy();
  limit(Number(soft));
  await sleep(200);
  const late = await ControlClient.connect({ path }, { timeoutMs: 5000 });
  t.equal(await late.read('c.name'), 'c', 'a new client is accepted once descriptors are free');
  await late.close();
  await first.write('hotconfig', swap('out.pcap'));
  t.equal(await first.read('c2.name'), 'c2', 'the same reconfiguration is taken once descriptors are free');
  await first.write('stop', '');
  await first.close();
  t.equal(await exited, 0, `the router stops cleanly${router.stderr ? `: ${router.stderr}` : ''}`);
  t.notMatch(router.stderr, /Error|at .*\.ts:\d+/, 'no exception reached stderr');
});

t.test('an accept error passed up to the host engine is said once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-fd-accept-'));
  const path = join(dir, 'control.sock');
  const lines: string[] = [];
  const router = new Router(loadConfig(`c :: Counter; Idle -> c -> Discard; cs :: ControlSocket(unix, ${path});`, 'accept.click'), { stderr: (l) => lines.push(l) });
  router.initialize();
  const running = router.runAsync();
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const cs = router.element('cs') as ControlSocketElement;
  await cs.listening;
  // libuv hands these up when its EMFILE workaround cannot run; the real server emits them.
  const server = (cs as unknown as { server: import('node:net').Server }).server;
  const emfile = () => Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept', errno: -24 });
  server.emit('error', emfile());
  server.emit('error', emfile());
  const client = await ControlClient.connect({ path }, { timeoutMs: 5000 });
  t.equal(await client.read('c.name'), 'c', 'the socket goes on serving');
  server.emit('error', emfile());
  await client.close();
  t.same(lines.filter((l) => /accept/.test(l)).map((l) => l.replace(/^.*?accept/, 'accept')), [
    'accept: Too many open files (accepting again when descriptors free up)',
    'accept: Too many open files (accepting again when descriptors free up)',
  ], 'once, and once again after a client was accepted in between');
  router.requestStop();
  await running;
  router.cleanup();
});

// Middleboxes as VMs through the orchestrator API (vm-image/middlebox.ts)
// and `clickvm vm`: start, list, read and write handlers over the serial
// control channel, stop; a VM that ends or crashes shows so; no QEMU is left.

import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildProgramImage } from '../../vm-image/build.js';
import { imageForConfig } from '../../vm-image/image.js';
import { endedState, instanceNames, readRecord } from '../../vm-image/instances.js';
import { getMiddlebox, kernelCommandLine, listMiddleboxes, readHandler, startMiddlebox, stopMiddlebox, writeHandler } from '../../vm-image/middlebox.js';
import { runImage } from '../../vm-image/qemu.js';
import { alive } from './vm-util.js';

const runtime = mkdtempSync(join(tmpdir(), 'clickvm-rt-'));
process.env.CLICKVM_RUNTIME_DIR = runtime;
t.teardown(async () => {
  // Whatever a failed test left: stopped, so no QEMU outlives the suite.
  for (const name of instanceNames()) await stopMiddlebox(name, { timeoutMs: 1000 }).catch(() => undefined);
  rmSync(runtime, { recursive: true, force: true });
});

const counter = imageForConfig({ text: 'src :: InfiniteSource(LIMIT 100) -> c :: Counter -> q :: Queue(500) -> Discard;', fileName: 'counter.click' });

async function until(what: string, cond: () => boolean, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

t.test('start, list, read, write, stop', async (t) => {
  const mb = await startMiddlebox({ name: 'mb1', image: counter.built.output, config: 'counter.click' });
  t.equal(mb.state.state, 'running');
  const pid = mb.state.state === 'running' ? mb.state.pid : undefined;
  t.ok(alive(pid), 'QEMU runs');
  t.same(listMiddleboxes().map((m) => [m.name, m.state.state, m.accel, m.memory]), [['mb1', 'running', 'tcg', '16M']]);
  // The guest may still be booting or counting when the first read arrives.
  let count = await readHandler('mb1', 'c.count');
  for (let i = 0; count !== '100' && i < 200; i++) {
    await sleep(25);
    count = await readHandler('mb1', 'c.count');
  }
  t.equal(count, '100', 'the counter, over the control channel');
  t.equal(await readHandler('mb1', 'src.count'), '100');
  await writeHandler('mb1', 'c.reset', '');
  t.equal(await readHandler('mb1', 'c.count'), '0', 'a write took effect');
  await t.rejects(readHandler('mb1', 'nosuch.count'), { code: 510 }, 'no such element');
  await t.rejects(readHandler('mb1', 'c.nosuch'), { code: 511 }, 'no such handler');
  await t.rejects(writeHandler('mb1', 'c.count', '5'), { name: 'ControlError' }, 'a read-only handler');
  t.equal(await readHandler('mb1', 'src.count'), '100', 'the channel still answers after errors');
  await t.rejects(startMiddlebox({ name: 'mb1', image: counter.built.output }), /already running/);
  const end = await stopMiddlebox('mb1');
  t.same(end, { state: 'exited', status: 0 });
  t.notOk(alive(pid), 'no QEMU left');
  t.same(listMiddleboxes(), [], 'forgotten');
  t.throws(() => getMiddlebox('mb1'), /no VM named/);
});

t.test('a VM whose router ends shows as exited, with its status', async (t) => {
  const img = imageForConfig({ text: 'InfiniteSource(LIMIT 5, STOP true) -> Discard;', fileName: 'stop.click' });
  await startMiddlebox({ name: 'ends', image: img.built.output }).catch(() => undefined);
  await until('the guest to exit', () => getMiddlebox('ends').state.state === 'exited');
  t.same(getMiddlebox('ends').state, { state: 'exited', status: 0 });
  await t.rejects(readHandler('ends', 'list'), /not running/);
  await stopMiddlebox('ends');
});

t.test('a crash is a crash: a CPU exception in the guest, and a killed QEMU', async (t) => {
  const fault = buildProgramImage('int main(void) { return *(volatile int *)0; }');
  await startMiddlebox({ name: 'faults', image: fault.output }).catch(() => undefined);
  await until('the fault', () => getMiddlebox('faults').state.state === 'crashed');
  t.match(getMiddlebox('faults').state, { state: 'crashed', reason: /CPU exception/ });

  const mb = await startMiddlebox({ name: 'killed', image: counter.built.output });
  if (mb.state.state !== 'running') throw new Error('not running');
  process.kill(mb.state.pid, 'SIGKILL');
  await until('QEMU to be gone', () => getMiddlebox('killed').state.state !== 'running');
  t.match(getMiddlebox('killed').state, { state: 'crashed', reason: /killed by signal 9/ });
  t.same(listMiddleboxes().map((m) => [m.name, m.state.state]), [['faults', 'crashed'], ['killed', 'crashed']], 'list tells');
  await stopMiddlebox('faults');
  await stopMiddlebox('killed');
});

t.test('NICs are checked against what the configuration uses', async (t) => {
  await t.rejects(startMiddlebox({ name: 'nics', image: counter.built.output, nicsNeeded: 2, nics: ['dgram:40001:40002'] }), /uses 2 NICs but 1 was given/);
  await t.rejects(startMiddlebox({ name: 'nics', image: counter.built.output, nics: ['dgram:1'] }), /bad NIC/);
  await t.rejects(startMiddlebox({ name: 'bad name!', image: counter.built.output }), /bad VM name/);
  t.equal(readRecord('nics'), undefined, 'nothing left of a refused start');
});

t.test('endedState and the guest command line', async (t) => {
  t.same(endedState('exit 1\n'), { state: 'exited', status: 0 }, 'debug-exit 0');
  t.same(endedState('exit 7'), { state: 'exited', status: 3 });
  t.match(endedState('exit 253'), { state: 'crashed', reason: /CPU exception/ });
  t.match(endedState('exit 0'), { state: 'crashed', reason: /reset or halted/ });
  t.match(endedState('signal 9'), { state: 'crashed', reason: /signal 9/ });
  t.match(endedState('exi'), { state: 'crashed' });
  // QEMU's own failure exits 1 too, as a guest's debug-exit 0 does: its log tells them apart
  const noKvm = 'Could not access KVM kernel module: No such file or directory\nqemu-system-x86_64: -accel kvm: failed to initialize kvm: No such file or directory\n';
  t.match(endedState('exit 1', noKvm), { state: 'crashed', reason: /QEMU failed \(status 1: qemu-system-x86_64: -accel kvm: failed to initialize kvm/ });
  t.same(endedState('exit 1', 'qemu-system-x86_64: warning: host doesn\'t support requested feature\n'), { state: 'exited', status: 0 }, 'a warning is not a failure');
  t.equal(kernelCommandLine(['-h', 'c.count', 'a b', '', `say "hi"`]), `-h c.count "a b" "" 'say "hi"'`);
});

t.test('a QEMU that cannot start (KVM asked for where there is none) is a failed start, never a clean exit', { skip: existsSync('/dev/kvm') ? 'this machine has /dev/kvm' : false }, async (t) => {
  await t.rejects(startMiddlebox({ name: 'nokvm', image: counter.built.output, accel: 'kvm' }), /did not start: .*kvm/is);
  t.equal(readRecord('nokvm'), undefined, 'nothing left');
  const r = await runImage(counter.built.output, { accel: 'kvm' });
  t.equal(r.kind, 'qemu', 'runImage reads it as a QEMU failure');
});

t.test('clickvm vm: the same through the command line', async (t) => {
  const cli = join(import.meta.dirname, '../../bin/clickvm.js');
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-vmcli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'c.click');
  (await import('node:fs')).writeFileSync(config, 'src :: InfiniteSource(LIMIT 100) -> c :: Counter -> q :: Queue(500) -> Discard;\n');
  const run = async (...args: string[]) => {
    try {
      const r = await promisify(execFile)(process.execPath, [cli, 'vm', ...args], { env: { ...process.env, CLICKVM_RUNTIME_DIR: runtime } });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  };
  const started = await run('start', config, '--name', 'cli1');
  t.equal(started.code, 0, started.err);
  t.match(started.out, /^started cli1: pid \d+, accel tcg, memory 16M, 0 NICs\n$/);
  const list = await run('list');
  t.match(list.out, /^NAME\s+PID\s+STATE\s+UPTIME\s+NICS\s+IMAGE\ncli1\s+\d+\s+running\s+\d+s\s+-\s+\S+router\.img\n$/);
  const json = JSON.parse((await run('list', '--json')).out) as { name: string; state: { state: string } }[];
  t.same(json.map((m) => [m.name, m.state.state]), [['cli1', 'running']]);
  let read = await run('read', 'cli1', 'c.count');
  for (let i = 0; read.out !== '100\n' && i < 20; i++) read = await run('read', 'cli1', 'c.count');
  t.same(read, { code: 0, out: '100\n', err: '' });
  t.equal((await run('write', 'cli1', 'c.reset')).code, 0);
  t.equal((await run('read', 'cli1', 'c.count')).out, '0\n');
  t.match(await run('read', 'cli1', 'x.y'), { code: 1, err: /^clickvm: 510 No element named 'x'\n$/ });
  t.match(await run('start', join(dir, 'missing.click'), '--name', 'cli2'), { code: 1 });
  const wifi = join(dir, 'wifi.click');
  (await import('node:fs')).writeFileSync(wifi, 'FromDevice(wlan0) -> Discard;\n');
  t.match(await run('start', wifi, '--name', 'cli3'), { code: 1, err: /wifi\.click:1:\d+: error: FromDevice .* names device 'wlan0'/ });
  t.same(await run('stop', 'cli1'), { code: 0, out: 'stopped cli1\n', err: '' });
  t.match(await run('stop', 'cli1'), { code: 1, err: /no VM named 'cli1'/ });
  t.equal((await run('list')).out, 'no VMs\n');
});

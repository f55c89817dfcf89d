// A middlebox VM as an orchestrator runs it: `startMiddlebox` with two
// `dgram` NICs, frames sent into NIC 0 from this process, what comes out of
// NIC 1 compared byte for byte with the host engine's output for the same
// input, the counters read over the control channel while it runs, then
// `stopMiddlebox`, after which no QEMU is left. An idle middlebox halts its
// CPU (vm-image/kernel/io-wait.c): QEMU uses next to no host CPU then, and
// the first frame and the control reads after the idle spell still get through.

import t from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { imageForConfig } from '../../vm-image/image.js';
import { instanceNames } from '../../vm-image/instances.js';
import { readHandler, startMiddlebox, stopMiddlebox, writeHandler } from '../../vm-image/middlebox.js';
import { runDeviceSession } from '../native/engines.js';
import { caseFrames } from '../util/conformance-cases.js';
import { rewriteDumpsToDevices } from '../util/device-rewrite.js';
import { alive } from './vm-util.js';
import { qemuThreadCpu, TestVm } from './vm-harness.js';
import { ETHER_MIN, FRAME_MAX, hex } from './vm-common.js';

t.setTimeout(15 * 60 * 1000);   // an uncached image build is slow on a loaded machine

const runtime = mkdtempSync(join(tmpdir(), 'clickvm-rt-nics-'));
process.env.CLICKVM_RUNTIME_DIR = runtime;
t.teardown(async () => {
  for (const name of instanceNames()) await stopMiddlebox(name, { timeoutMs: 1000 }).catch(() => undefined);
  rmSync(runtime, { recursive: true, force: true });
});

const fixtures = new URL('../fixtures/conformance/', import.meta.url).pathname;

/** A UDP socket on a free loopback port. */
async function bound(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

/** A loopback port nothing holds right now (for QEMU's end of a NIC). */
async function freePort(): Promise<number> {
  const s = await bound();
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** The share of one core QEMU (all its threads) used over `ms`, after 200 ms to settle. */
async function idleShare(pid: number, ms: number): Promise<number> {
  const cpu = () => qemuThreadCpu(pid).reduce((a, th) => a + th.seconds, 0);
  await sleep(200);
  const c0 = cpu();
  const w0 = performance.now();
  await sleep(ms);
  return (cpu() - c0) / ((performance.now() - w0) / 1000);
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 60000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

for (const name of ['02-check-ip-header', '18-ip-router']) {
  t.test(`${name} as a middlebox VM: frames through dgram NICs, counters over the control channel`, async (t) => {
    const rw = rewriteDumpsToDevices(readFileSync(join(fixtures, name, 'config.click'), 'utf8'));
    const frames = caseFrames(name).filter((f) => f.length >= ETHER_MIN && f.length <= FRAME_MAX);
    const handlers = readFileSync(join(fixtures, name, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
    const host = runDeviceSession('host', {
      config: rw.text,
      rounds: [{ inject: { '0': frames }, collect: rw.outputs.map((_, k) => String(k + 1)) }],
      handlers: [...handlers, `${rw.rx}.count`],
    });

    const img = imageForConfig({ text: rw.text, fileName: `${name}.click` });
    t.equal(img.nics.count, 1 + rw.outputs.length, 'the image knows its NICs');
    const sockets = await Promise.all(Array.from({ length: img.nics.count }, () => bound()));
    t.teardown(() => sockets.forEach((s) => s.close()));
    const received: Buffer[][] = sockets.map(() => []);
    sockets.forEach((s, k) => s.on('message', (m) => received[k]!.push(m)));
    const guestPorts = await Promise.all(sockets.map(() => freePort()));
    const mb = await startMiddlebox({
      name: `mb-${name}`,
      image: img.built.output,
      nics: sockets.map((s, k) => `dgram:${guestPorts[k]}:${s.address().port}`),
      nicsNeeded: img.nics.count,
    });
    t.equal(mb.nics.length, img.nics.count);
    const pid = mb.state.state === 'running' ? mb.state.pid : undefined;

    // The control channel answers once the guest is up: then its NICs are too.
    await until('the control channel', async () => (await readHandler(mb.name, `${rw.rx}.count`).catch(() => '')) === '0');
    if (name === '02-check-ip-header' && pid !== undefined) {
      // Idle (no timers in this configuration, nothing sent yet): the guest
      // halts until input comes. A spinning guest takes a whole core, or
      // whatever share of one the host gives it (40-70% at load 10-13 here).
      const share = await idleShare(pid, 2000);
      t.ok(share < 0.15, `an idle middlebox's QEMU uses ${(share * 100).toFixed(1)}% of a core (under 15%)`);
      const r0 = performance.now();
      t.equal(await readHandler(mb.name, `${rw.rx}.count`), '0', 'the control channel answers after the idle spell');
      t.comment(`control read after 2 s idle: ${(performance.now() - r0).toFixed(1)} ms`);
    }
    for (const f of frames) {
      sockets[0]!.send(f, guestPorts[0]!, '127.0.0.1');
      await sleep(1);   // paced: QEMU reads one datagram per main-loop turn
    }
    await until('every frame counted', async () => (await readHandler(mb.name, `${rw.rx}.count`)) === String(frames.length));
    rw.outputs.forEach((_, k) => t.ok(host.rounds[0]!.sent[String(k + 1)], `host engine output ${k + 1}`));
    await until('the output', () => rw.outputs.every((_, k) => received[k + 1]!.length >= host.rounds[0]!.sent[String(k + 1)]!.length), 20000).catch(() => undefined);
    rw.outputs.forEach((file, k) => {
      t.same(received[k + 1]!.map(hex), host.rounds[0]!.sent[String(k + 1)], `NIC ${k + 1}: the host engine's ${file}, byte for byte, in order`);
    });
    for (const h of handlers) t.equal(await readHandler(mb.name, h), host.handlers[h], `${h} over the control channel, as on the host engine`);
    // A write over the channel takes effect in the running guest.
    await writeHandler(mb.name, `${rw.rx}.reset_counts`, '');
    t.equal(await readHandler(mb.name, `${rw.rx}.count`), '0', 'a write over the control channel');
    const end = await stopMiddlebox(mb.name);
    t.same(end, { state: 'exited', status: 0 }, 'stopped');
    t.notOk(alive(pid), 'no QEMU left');

    if (name === '02-check-ip-header') {
      // The same image with no control channel: nothing but its NICs keeps
      // the router running (no timers either), as a FromDevice on a host
      // interface does. Idle, it halts; the frames that come later go through.
      const vm = await TestVm.start(img.built.output, { nics: img.nics.count });
      t.teardown(() => vm.close());
      const share = vm.child.pid === undefined ? 1 : await idleShare(vm.child.pid, 1000);
      t.equal(vm.child.exitCode, null, 'without a control channel or timers the router keeps running, waiting for frames');
      t.ok(share < 0.15, `and halts meanwhile: QEMU at ${(share * 100).toFixed(1)}% of a core`);
      await vm.send(0, frames, { burst: 1, gapMs: 1 });
      const want = rw.outputs.map((_, k) => host.rounds[0]!.sent[String(k + 1)]!);
      for (const [k, w] of want.entries()) await vm.waitFrames(k + 1, w.length, 20000);
      rw.outputs.forEach((file, k) => t.same(vm.nics[k + 1]!.received.map(hex), want[k], `after the idle spell, NIC ${k + 1}: the host engine's ${file}`));
      await vm.close();
    }
  });
}

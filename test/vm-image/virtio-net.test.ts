// The VM's virtio-net driver under QEMU (TCG): frames go in and out of the
// guest's NICs as UDP datagrams (-netdev dgram) and are compared byte for
// byte with the host engine's output for the same input; the guest's
// FromDevice/ToDevice counters, printed on its console at exit (`-h`), must
// account for every frame sent. Every QEMU is killed in t.teardown.
//
// One limit of the harness, not of the driver: QEMU's dgram netdev takes a
// 0-byte datagram for the end of the connection and stops reading that
// socket, so empty frames are never sent here (the driver's handling of an
// empty frame, a runt like any other, is tested in virtio-fake.test.ts).

import t, { type Test } from 'tap';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, loadFile } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildImage } from '../../vm-image/build.js';
import { Router } from '../../host-engine/router.js';
import { readCapture, writeCapture } from '../../host-engine/pcap.js';
import { caseFrames } from '../util/conformance-cases.js';
import { rewriteDumpsToDevices } from '../util/device-rewrite.js';
import { runDeviceSession } from '../native/engines.js';
import { TestVm, measureForwarding, parseHandlerPrintout, udpSocketDrops } from './vm-harness.js';

/** The guest's receive limits (vm-image/kernel/virtio-net.h): shorter frames have no Ethernet header, longer ones do not fit a pool buffer. */
const ETHER_MIN = 14;
const FRAME_MAX = 2048 - 64;

const repo = new URL('../../', import.meta.url).pathname;
const fixtures = join(repo, 'test', 'fixtures', 'conformance');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function image(text: string): string {
  return buildImage(generateC(loadConfig(text, '<vm test>', {}), { configText: text })).output;
}

/** The driver's close lines: every NIC finished sending before the VM stopped. */
function allSent(t: Test, console: string): void {
  const left = [...console.matchAll(/^virtio-net: NIC (\d+): .*\((\d+) never sent\)/gm)];
  t.ok(left.length > 0 && left.every((m) => m[2] === '0'), `every NIC sent all it was given before the reset at close (${left.length} NICs reported)`, { console: left.map((m) => m[0]).join('\n') });
}

async function boot(t: Test, img: string, nics: number, handlers: readonly string[]): Promise<TestVm> {
  const vm = await TestVm.start(img, { nics, append: handlers.map((h) => `-h ${h}`).join(' ') });
  t.teardown(() => vm.close());
  return vm;
}

/** The case's own configuration on the host engine, reading `frames` as its input capture. */
function hostRun(name: string, frames: readonly Uint8Array[], handlers: readonly string[], outputs: readonly string[]) {
  const dir = mkdtempSync(join(tmpdir(), `clickvm-vmnet-${name}-`));
  try {
    copyFileSync(join(fixtures, name, 'config.click'), join(dir, 'config.click'));
    writeFileSync(join(dir, 'in.pcap'), writeCapture(frames.map((data, i) => ({ tsSec: 1000 + i, tsNsec: 0, origLen: data.length, data }))));
    const router = new Router(loadFile(join(dir, 'config.click')), { baseDir: dir, stdout: () => {}, stderr: () => {} });
    router.initialize();
    router.run();
    const values = Object.fromEntries(handlers.map((h) => [h, router.readHandler(h)]));
    router.cleanup();
    const read = (file: string) => (existsSync(join(dir, file)) ? readCapture(new Uint8Array(readFileSync(join(dir, file)))).packets.map((p) => p.data) : []);
    const written = new Map(outputs.map((f) => [f, read(f)]));
    return { output: (file: string) => written.get(file)!, values };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CASES = ['01-counter', '02-check-ip-header', '04-ip-classifier', '06-ttl-icmp-error', '09-route-lookup', '18-ip-router'];

for (const name of CASES) {
  t.test(`conformance case ${name} through the VM's NICs`, async (t) => {
    const all = caseFrames(name);
    const sent = all.filter((f) => f.length > 0);
    const runts = sent.filter((f) => f.length < ETHER_MIN).length;
    const tooLong = sent.filter((f) => f.length > FRAME_MAX).length;
    const delivered = sent.filter((f) => f.length >= ETHER_MIN && f.length <= FRAME_MAX);
    const rw = rewriteDumpsToDevices(readFileSync(join(fixtures, name, 'config.click'), 'utf8'), { stopAfter: sent.length });
    const caseHandlers = readFileSync(join(fixtures, name, 'handlers'), 'utf8').split(/\s+/).filter(Boolean);
    const handlers = [`${rw.rx}.count`, `${rw.rx}.kernel_drops`, ...rw.tx.map((x) => `${x}.count`), ...caseHandlers];
    const host = hostRun(name, delivered, caseHandlers, rw.outputs);

    const vm = await boot(t, image(rw.text), 1 + rw.outputs.length, handlers);
    await vm.send(0, sent);
    const end = await vm.ended(60000);
    t.equal(end.kind, 'exit', 'the guest stopped itself (Script) and exited', { console: end.console.slice(-3000), stderr: end.stderr });
    t.equal(end.status, 0, 'exit status 0');
    const got = parseHandlerPrintout(end.console, handlers);
    t.equal(got[`${rw.rx}.count`], String(delivered.length), `FromDevice counted the ${delivered.length} frames of 14..${FRAME_MAX} bytes`);
    t.equal(got[`${rw.rx}.kernel_drops`], String(runts + tooLong), `${runts} runts and ${tooLong} oversized frames dropped by the driver`);
    rw.outputs.forEach((file, k) => {
      const expected = host.output(file).map(hex);
      const nic = vm.nics[k + 1]!.received.map(hex);
      t.same(nic, expected, `NIC ${k + 1} sent what the host engine wrote to ${file} (${expected.length} frames), byte for byte, in order`);
      t.equal(got[`${rw.tx[k]}.count`], String(expected.length), `${rw.tx[k]}.count`);
    });
    for (const h of caseHandlers) t.equal(got[h], host.values[h]!.trim(), `${h} as on the host engine`);
    allSent(t, end.console);
  });
}

t.test('the IP router example with two NICs gives the host engine\'s frames', async (t) => {
  const dir = join(repo, 'examples', 'router');
  const text = readFileSync(join(dir, 'router.click'), 'utf8')
    .replace(/in(\d) :: FromDump\([^)]*\);/g, 'in$1 :: FromDevice(eth$1);')
    .replace(/tx(\d) :: ToDump\([^)]*\);/g, 'tx$1 :: ToDevice(eth$1);')
    .replace(/DriverManager\(.*?\bstop\);/s, '');
  t.notMatch(text, /FromDump\(|ToDump\(|DriverManager\(/, 'captures and driver script replaced by devices');
  const capture = (f: string) => readCapture(new Uint8Array(readFileSync(join(dir, f)))).packets.map((p) => p.data);
  const in0 = capture('if0-in.pcap');
  const in1 = capture('if1-in.pcap');
  t.ok([...in0, ...in1].every((f) => f.length >= ETHER_MIN && f.length <= FRAME_MAX), 'every frame of the captures fits the NICs');
  const handlers = ['in0.count', 'in1.count', 'tx0.count', 'tx1.count', 'fwd0.count', 'fwd1.count', 'arpq0.queries', 'arpq1.queries', 'ttl_err.count', 'in0.kernel_drops', 'in1.kernel_drops'];
  // The host engine in two rounds: the LAN's frames, then the uplink's (with the ARP replies).
  const host = runDeviceSession('host', {
    config: text,
    rounds: [
      { inject: { eth0: in0 }, collect: ['eth0', 'eth1'] },
      { inject: { eth1: in1 }, collect: ['eth0', 'eth1'] },
    ],
    handlers,
  });
  const total = in0.length + in1.length;
  const stop = `\nvm_stop :: Script(label wait, wait 5ms, goto wait $(lt $(add $(in0.count) $(in1.count)) ${total}), wait 300ms, stop);\n`;
  const vm = await boot(t, image(text + stop), 2, handlers);
  await vm.send(0, in0);
  await vm.waitQuiet(1000, 20000);
  const round1 = vm.nics.map((n) => n.received.length);
  await vm.send(1, in1);
  const end = await vm.ended(60000);
  t.equal(end.kind, 'exit', 'the guest stopped itself and exited', { console: end.console.slice(-3000) });
  const got = parseHandlerPrintout(end.console, handlers);
  // ARPQuerier sends a query again when packets for an unresolved address
  // keep coming after a while: in the host engine a round's frames arrive at
  // one instant, in the VM over tens of milliseconds, so the VM may repeat a
  // query the host engine sent once. Queries are compared as a set (same
  // bytes), every other frame exactly and in order.
  const isQuery = (f: string) => f.slice(24, 28) === '0806' && f.slice(40, 44) === '0001';
  for (const [nic, dev, arpq, txc] of [[0, 'eth0', 'arpq0', 'tx0'], [1, 'eth1', 'arpq1', 'tx1']] as const) {
    const expected = [...host.rounds[0]!.sent[dev]!, ...host.rounds[1]!.sent[dev]!];
    const frames = vm.nics[nic]!.received.map(hex);
    t.same(frames.filter((f) => !isQuery(f)), expected.filter((f) => !isQuery(f)),
      `${dev}: the host engine's ${expected.filter((f) => !isQuery(f)).length} forwarded and answered frames, byte for byte, in order`);
    t.same([...new Set(frames.filter(isQuery))].sort(), [...new Set(expected.filter(isQuery))].sort(), `${dev}: the same ARP queries (${frames.filter(isQuery).length} sent, host engine ${expected.filter(isQuery).length})`);
    t.equal(got[`${arpq}.queries`], String(frames.filter(isQuery).length), `${arpq}.queries counts the queries that came out`);
    t.equal(got[`${txc}.count`], String(frames.length), `${txc}.count: every frame it sent arrived`);
    t.equal(round1[nic]! - vm.nics[nic]!.received.slice(0, round1[nic]).map(hex).filter(isQuery).length, host.rounds[0]!.sent[dev]!.filter((f) => !isQuery(f)).length,
      `${dev}: as many frames after the LAN's traffic alone`);
  }
  for (const h of handlers.filter((h) => !/^(arpq\d\.queries|tx\d\.count)$/.test(h))) t.equal(got[h], host.handlers[h], `${h} as on the host engine`);
  allSent(t, end.console);
  t.equal(got['in0.count'], String(in0.length), 'every LAN frame received');
  t.equal(got['in1.count'], String(in1.length), 'every uplink frame received');
});

/** A bridge that stops when a frame of EtherType 0x88b5 comes in (after letting the queue drain). */
const BRIDGE = `rx :: FromDevice(0) -> c :: Classifier(12/88b5, -);
c[0] -> stopper :: Counter -> Discard;
c[1] -> q :: Queue(1000) -> tx :: ToDevice(eth1);
Script(label wait, wait 5ms, goto wait $(eq $(stopper.count) 0), wait 200ms, stop);
`;
const BRIDGE_HANDLERS = ['rx.count', 'rx.kernel_drops', 'tx.count', 'q.drops', 'q.length', 'stopper.count'];

function frame(len: number, seq: number, type = 0x0800): Uint8Array {
  const f = new Uint8Array(len);
  f.set([0x52, 0x54, 0x00, 0xc1, 0x0c, 0x00, 0x02, 0, 0, 0, 0, 1].slice(0, len));
  if (len >= 14) {
    f[12] = type >> 8;
    f[13] = type & 0xff;
  }
  for (let i = 14; i < len; i++) f[i] = (seq + i) & 0xff;
  if (len >= 18) new DataView(f.buffer).setUint32(14, seq);
  return f;
}

t.test('malformed, oversized and flooding frames: the guest keeps forwarding and counts what it dropped', async (t) => {
  const vm = await boot(t, image(BRIDGE), 2, BRIDGE_HANDLERS);
  // Runts of 1, 5 and 13 bytes; the smallest and largest frames that fit; frames that do not (up to the largest UDP datagram).
  const malformed = [1, 5, 13].map((n) => frame(n, 0));
  const oversized = [FRAME_MAX + 1, 9000, 65507].map((n, i) => frame(n, 100 + i));
  const fitting = [ETHER_MIN, 60, 1514, FRAME_MAX].map((n, i) => frame(n, 200 + i));
  const first = [fitting[0]!, malformed[0]!, oversized[0]!, fitting[1]!, malformed[1]!, oversized[1]!, fitting[2]!, malformed[2]!, oversized[2]!, fitting[3]!];
  await vm.send(0, first, { burst: 1, gapMs: 2 });
  t.ok(await vm.waitFrames(1, fitting.length, 20000), 'the four frames that fit came out');
  t.same(vm.nics[1]!.received.map(hex), fitting.map(hex), 'byte for byte, in order, the bad ones left out');

  // A flood far larger than the receive ring (128 buffers), sent all at once.
  const flood = Array.from({ length: 4000 }, (_, i) => frame(64, 1000 + i));
  await vm.send(0, flood, { burst: flood.length, gapMs: 0, flood: true });
  await vm.waitQuiet(1000, 30000);
  const hostDrops = udpSocketDrops(vm.nics[0]!.guestPort);
  const ourDrops = udpSocketDrops(vm.nics[1]!.socket.address().port);
  // Still alive: more frames go through after the flood.
  const after = Array.from({ length: 20 }, (_, i) => frame(100, 9000 + i));
  const before = vm.nics[1]!.received.length;
  await vm.send(0, after);
  t.ok(await vm.waitFrames(1, before + after.length, 20000), 'frames sent after the flood are forwarded');
  t.same(vm.nics[1]!.received.slice(before).map(hex), after.map(hex), 'and arrive intact, in order');
  await vm.send(0, [frame(60, 0, 0x88b5)]);
  const end = await vm.ended(30000);
  t.equal(end.kind, 'exit', 'the guest stopped when asked, exit status 0', { console: end.console.slice(-2000) });
  const got = parseHandlerPrintout(end.console, BRIDGE_HANDLERS);
  const n = (h: string) => Number(got[h]);
  const sentTotal = first.length + flood.length + after.length + 1;
  t.equal(n('rx.kernel_drops'), malformed.length + oversized.length, 'the driver dropped exactly the 3 runts and 3 oversized frames');
  t.equal(n('rx.count') + n('rx.kernel_drops') + hostDrops, sentTotal,
    `every frame sent is accounted for: ${n('rx.count')} received + ${n('rx.kernel_drops')} dropped by the driver + ${hostDrops} lost in the host socket before QEMU read them`);
  t.equal(n('rx.count'), n('tx.count') + n('q.drops') + n('q.length') + n('stopper.count'), 'received = forwarded + dropped at the queue + the stop frame');
  t.equal(vm.nics[1]!.received.length + ourDrops, n('tx.count'), 'everything ToDevice sent reached this side (or our socket\'s drop count)');
  allSent(t, end.console);
  t.comment(`flood of ${flood.length}: ${hostDrops} lost before QEMU, ${n('q.drops')} at the guest's Queue, ${n('tx.count')} forwarded in all`);
});

t.test('throughput: 64-byte frames through the VM under TCG', async (t) => {
  const vm = await boot(t, image(BRIDGE), 2, BRIDGE_HANDLERS);
  // At most 96 frames in flight: fewer than the 128 receive buffers, and
  // well within QEMU's socket buffer, so nothing is lost on the way.
  const WINDOW = 96;
  const COUNT = 20000;
  const out = vm.nics[1]!;
  const run = await measureForwarding(vm, { from: 0, to: 1, frames: Array.from({ length: 256 }, (_, i) => frame(64, i)), count: COUNT, window: WINDOW });
  await vm.send(0, [frame(60, 0, 0x88b5)]);
  const end = await vm.ended(30000);
  const got = parseHandlerPrintout(end.console, BRIDGE_HANDLERS);
  t.equal(got['tx.count'], String(COUNT), 'every frame forwarded');
  t.equal(got['rx.kernel_drops'], '0', 'none dropped');
  t.equal(out.received.length, COUNT, 'every frame came back');
  t.comment(`${COUNT} frames of 64 bytes in ${run.seconds.toFixed(2)} s: ${Math.round(run.framesPerSecond)} frames/s through the VM (TCG, window ${WINDOW})`);
});

t.test('NICs are numbered by MAC, not by command-line or transport order; "N" and "ethN" name the same NIC', async (t) => {
  const text = `a :: FromDevice(0) -> Queue -> ta :: ToDevice(eth2);
b :: FromDevice(eth2) -> Queue -> tb :: ToDevice(1);
Script(label wait, wait 5ms, goto wait $(lt $(add $(a.count) $(b.count)) 2), wait 100ms, stop);
`;
  const handlers = ['a.count', 'b.count', 'ta.count', 'tb.count'];
  // QEMU fills transport slots from the top in command-line order, so this
  // order gives NIC 2 the lowest address and NIC 0 the highest but one.
  const vm = await TestVm.start(image(text), { nics: 3, order: [2, 0, 1], append: handlers.map((h) => `-h ${h}`).join(' ') });
  t.teardown(() => vm.close());
  const lines = [...vm.console.matchAll(/^virtio-net: NIC (\d) \(eth\d\) mac (\S+) at (0x[0-9a-f]+)/gm)].map((m) => [Number(m[1]), m[2], m[3]] as const);
  t.same(lines.map(([n, mac]) => [n, mac]), [[0, '52:54:00:c1:0c:00'], [1, '52:54:00:c1:0c:01'], [2, '52:54:00:c1:0c:02']], 'NIC n has MAC ...:0c:0n');
  const addr = lines.map(([, , a]) => Number(a));
  t.notSame([...addr].sort((x, y) => x - y), addr, 'and the transports are not in that order');
  const fa = frame(60, 1);
  const fb = frame(61, 2);
  await vm.send(0, [fa]);
  await vm.send(2, [fb]);
  const end = await vm.ended(30000);
  t.equal(end.kind, 'exit', 'stopped and exited');
  t.same(vm.nics[2]!.received.map(hex), [hex(fa)], 'NIC 0 -> NIC 2');
  t.same(vm.nics[1]!.received.map(hex), [hex(fb)], 'NIC 2 -> NIC 1');
  t.same(vm.nics[0]!.received, [], 'nothing on NIC 0');
  t.same(parseHandlerPrintout(end.console, handlers), { 'a.count': '1', 'b.count': '1', 'ta.count': '1', 'tb.count': '1' });
});

t.test('a device name with no such NIC fails the router\'s initialization with a clear message', async (t) => {
  const vm = await boot(t, image('FromDevice(2) -> Discard;'), 2, []);
  const end = await vm.ended(30000);
  t.equal(end.kind, 'exit');
  t.equal(end.status, 1, 'the driver exits 1');
  t.match(end.console, /^2: no NIC 2 in this VM \(2 attached\)$/m, 'names the NIC and how many there are');
});

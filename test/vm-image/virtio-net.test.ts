// The VM's virtio-net driver under QEMU (TCG), beyond conformance:
// malformed, oversized and flooding frames (the guest keeps forwarding and
// every frame is accounted for), the forwarding rate of 64-byte frames, NIC
// numbering by MAC, and the error for a missing NIC. Frames travel as UDP
// datagrams (-netdev dgram); QEMU is killed in each test's teardown.
// (Empty frames are never sent: QEMU's dgram netdev takes a 0-byte datagram
// for the end of the connection. virtio-fake.test.ts covers them.)

import t from 'tap';
import { buildProgramImage } from '../../vm-image/build.js';
import { measureForwarding, parseHandlerPrintout, TestVm, udpSocketDrops } from './vm-harness.js';
import { allSent, boot, ETHER_MIN, FRAME_MAX, frame, hex, image } from './vm-common.js';

// Every image is built from scratch the first time (13-90 s each on a
// loaded 2-core machine, then cached): more than tap's 300 s per file.
t.setTimeout(15 * 60 * 1000);

/** A bridge that stops when a frame of EtherType 0x88b5 comes in (after letting the queue drain). */
const BRIDGE = `rx :: FromDevice(0) -> c :: Classifier(12/88b5, -);
c[0] -> stopper :: Counter -> Discard;
c[1] -> q :: Queue(1000) -> tx :: ToDevice(eth1);
Script(label wait, wait 5ms, goto wait $(eq $(stopper.count) 0), wait 200ms, stop);
`;
const BRIDGE_HANDLERS = ['rx.count', 'rx.kernel_drops', 'tx.count', 'q.drops', 'q.length', 'stopper.count'];

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
  const vm = await boot(t, image(text), 3, handlers, [2, 0, 1]);
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

t.test('a program image without the dataplane runtime still links and boots; its NICs are left alone', async (t) => {
  // The driver is in every image; a program with its own main() and no
  // device table (buildProgramImage) must not need the runtime's symbols.
  const img = buildProgramImage('#include <stdio.h>\nint main(void) { puts("no router here"); return 7; }\n').output;
  const vm = await TestVm.start(img, { nics: 1, nicLines: 0 });
  t.teardown(() => vm.close());
  const end = await vm.ended(30000);
  t.equal(end.kind, 'exit');
  t.equal(end.status, 7, 'the program\'s exit status');
  t.match(end.console, /^no router here$/m, 'it ran');
  t.notMatch(end.console, /virtio-net/, 'no NIC brought up');
});

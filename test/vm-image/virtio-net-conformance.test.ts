// Conformance through the VM's NICs under QEMU (TCG): Click's conformance
// cases, rewritten from captures to FromDevice(0)/ToDevice(k)
// (test/util/device-rewrite.ts), and the bundled IP router with two NICs.
// Input frames go into NIC 0 (or the router's two NICs) as UDP datagrams
// (-netdev dgram); what comes out of each NIC must be what the host engine
// produces from the same input, byte for byte and in order, and the guest's
// counters (printed with -h at its exit) must account for every frame.
//
// QEMU's dgram netdev takes a 0-byte datagram for the end of the
// connection and stops reading that socket, so the cases' empty frames are
// not sent (the driver's handling of an empty frame, a runt like any
// other, is tested in virtio-fake.test.ts).

import t from 'tap';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFile } from '../../config-lang/load.js';
import { Router } from '../../host-engine/router.js';
import { readCapture, writeCapture } from '../../host-engine/pcap.js';
import { caseFrames } from '../util/conformance-cases.js';
import { rewriteDumpsToDevices } from '../util/device-rewrite.js';
import { runDeviceSession } from '../native/engines.js';
import { parseHandlerPrintout } from './vm-harness.js';
import { allSent, boot, ETHER_MIN, FRAME_MAX, hex, image } from './vm-common.js';

// Every image is built from scratch the first time (13-90 s each on a
// loaded 2-core machine, then cached): more than tap's 300 s per file.
t.setTimeout(15 * 60 * 1000);

const repo = new URL('../../', import.meta.url).pathname;
const fixtures = join(repo, 'test', 'fixtures', 'conformance');

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


// FromDevice and ToDevice over memory devices in both engines: frames
// injected into receive rings a batch per call, runs until idle, frames
// collected from transmit rings; full rings (drops on receive, back-pressure
// on transmit), FORCE_IP, SNAPLEN, timestamps
// and packet types; the bundled IP router driven through devices instead of
// captures. Each case runs on the host engine and the native dataplane and
// the two must agree on every frame, handler value and line.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { MemoryDevices } from '../../host-engine/devices.js';
import { Router } from '../../host-engine/router.js';
import { loadConfig } from '../../config-lang/load.js';
import { readCapture } from '../../host-engine/pcap.js';
import { ether, frames, ipv4, udp } from '../util/packets.js';
import { sameEnding } from './differential.js';
import { runDeviceSession, runSanitizedDeviceSession, type DeviceSessionSpec } from './engines.js';

function bothEngines(t: Test, spec: DeviceSessionSpec) {
  const host = runDeviceSession('host', spec);
  const native = runDeviceSession('native', spec);
  t.same(native.rounds, host.rounds, 'the same frames taken and sent, round by round');
  t.same(native.handlers, host.handlers, 'handler values identical');
  sameEnding(t, native, host);
  return host;
}

/** `n` UDP frames of growing size, each numbered in its payload. */
function udpFrames(n: number, first = 0): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => frames.udp({ payload: Uint8Array.from({ length: 4 + ((first + i) % 50) }, (_, k) => (first + i + k) & 255) }));
}

t.test('a bridge: frames cross from one device to the other in order, in rounds', async (t) => {
  const host = bothEngines(t, {
    config: `rx :: FromDevice(eth0, BURST 4) -> q :: Queue(1000) -> tx :: ToDevice(eth1, BURST 3);`,
    rounds: [
      { inject: { eth0: udpFrames(40) }, collect: ['eth1'] },
      { collect: ['eth1'] },
      { inject: { eth0: udpFrames(7, 40) }, collect: ['eth1', 'eth0'] },
      // Malformed frames travel as they are: empty, one byte, a bare Ethernet header.
      { inject: { eth0: [new Uint8Array(0), Uint8Array.of(0xff), new Uint8Array(14)] }, collect: ['eth1'] },
    ],
    handlers: ['rx.count', 'rx.kernel_drops', 'rx.encap', 'tx.count', 'tx.waiting', 'q.length'],
  });
  t.same(host.rounds.map((r) => r.sent['eth1']!.length), [40, 0, 7, 3], 'every frame sent once, in the round it arrived');
  t.same(host.rounds[3]!.sent['eth1'], ['', 'ff', '00'.repeat(14)], 'malformed frames unchanged');
  const all = [...udpFrames(40), ...udpFrames(7, 40)].map((f) => Buffer.from(f).toString('hex'));
  t.same([...host.rounds[0]!.sent['eth1']!, ...host.rounds[2]!.sent['eth1']!], all, 'byte for byte, in order');
  t.same(host.handlers, { 'rx.count': '50', 'rx.kernel_drops': '0', 'rx.encap': 'ETHER', 'tx.count': '50', 'tx.waiting': '0', 'q.length': '0' });
});

t.test('rounds end at a deadline: timers due then still fire, the next round goes on from there', async (t) => {
  // A packet every 0.5 s from time 0; each round runs 2 s of engine time.
  const host = bothEngines(t, {
    config: `TimedSource(0.5, LIMIT 9) -> Queue -> tx :: ToDevice(eth0, BURST 4);`,
    rounds: [{ collect: ['eth0'] }, { collect: ['eth0'] }, { collect: ['eth0'] }],
    handlers: ['tx.count'],
  });
  t.same(host.rounds.map((r) => r.sent['eth0']!.length), [4, 4, 1], 'packets at 0.5..2 s, 2.5..4 s, then the last');
});

t.test('full rings: receive drops are kernel_drops; a full transmit ring holds packets back until it has room', async (t) => {
  const host = bothEngines(t, {
    config: `rx :: FromDevice(eth0, BURST 8) -> q :: Queue(20) -> tx :: ToDevice(eth1, BURST 8) -> sent :: Counter -> Discard;`,
    capacity: 5,
    rounds: [
      // 9 frames arrive, the ring holds 5; all 5 go out and fill eth1's ring.
      { inject: { eth0: udpFrames(9) }, collect: [] },
      // 5 more: eth1's ring is full, so ToDevice holds its pull (5) back.
      { inject: { eth0: udpFrames(5, 9) }, collect: [] },
      // Still full during this round's run: the 5 keep waiting; then eth1 is emptied.
      { collect: ['eth1'] },
      // Room again: the held packets go first, then the queue's.
      { collect: ['eth1'] },
    ],
    handlers: ['rx.count', 'rx.kernel_drops', 'tx.count', 'tx.waiting', 'sent.count', 'q.drops', 'q.length'],
  });
  t.same(host.rounds[0]!.accepted, { eth0: 5 }, 'a ring holds 5 frames');
  t.same(host.rounds.map((r) => r.sent['eth1']?.length ?? 0), [0, 0, 5, 5], 'sent in the order they arrived, as room appears');
  const order = [...udpFrames(5), ...udpFrames(5, 9)].map((f) => Buffer.from(f).toString('hex'));
  t.same([...host.rounds[2]!.sent['eth1']!, ...host.rounds[3]!.sent['eth1']!], order, 'nothing lost, nothing reordered');
  t.same(host.handlers, { 'rx.count': '10', 'rx.kernel_drops': '4', 'tx.count': '10', 'tx.waiting': '0', 'sent.count': '10', 'q.drops': '0', 'q.length': '0' });
  // A run that ends with packets waiting: they are held, and accounted for as such.
  const stuck = bothEngines(t, {
    config: `FromDevice(eth0, BURST 8) -> Queue(20) -> tx :: ToDevice(eth1, BURST 3);`,
    capacity: 5,
    rounds: [{ inject: { eth0: udpFrames(5) }, collect: [] }, { inject: { eth0: udpFrames(5, 5) }, collect: [] }],
    handlers: ['tx.count', 'tx.waiting'],
  });
  t.same(stuck.handlers, { 'tx.count': '5', 'tx.waiting': '3' }, 'one pull of 3 waits; the rest stays queued');
});

t.test('FORCE_IP, SNAPLEN, timestamps and packet types', async (t) => {
  const bcast = frames.arpRequest();
  const mcast = ether(ipv4(udp(new Uint8Array(8)), { proto: 17 }), { dst: '01:00:5e:00:00:01' });
  const unicastIP = frames.udp({ payload: new Uint8Array(300) });
  const short = ether(new Uint8Array(10), { type: 0x0800 });
  bothEngines(t, {
    config: `rx :: FromDevice(eth0, FORCE_IP true, SNAPLEN 100, BURST 2)
               -> Print(ip, TIMESTAMP true) -> db :: DropBroadcasts -> Queue -> ToDevice(eth1, BURST 8);
             rx[1] -> Print(nonip, TIMESTAMP true) -> Queue -> ToDevice(eth2, BURST 8);
             Script(wait 1s, write rx.reset_counts);`,
    rounds: [
      { inject: { eth0: [bcast, mcast, unicastIP, short, frames.tcp()] }, collect: ['eth1', 'eth2'] },
      { inject: { eth0: [unicastIP] }, collect: ['eth1'] },
    ],
    handlers: ['rx.count', 'db.drops'],
  });
  const plain = bothEngines(t, {
    config: `FromDevice(eth0, TIMESTAMP false, BURST 3) -> Print(in, TIMESTAMP true) -> HostEtherFilter(00:00:c0:ae:67:ef) -> Queue -> ToDevice(eth1, BURST 3);`,
    rounds: [{ inject: { eth0: [bcast, mcast, unicastIP, ether(ipv4(udp(new Uint8Array(1)), { proto: 17 }), { dst: '00:00:c0:ae:67:ef' })] }, collect: ['eth1'] }],
  });
  t.match(plain.stderr, /in: *0\.000000000|in: +0\.0/, 'TIMESTAMP false leaves the timestamp unset');
});

t.test('the IP router example through devices instead of captures', async (t) => {
  const dir = new URL('../../examples/router/', import.meta.url).pathname;
  const text = readFileSync(`${dir}router.click`, 'utf8')
    .replace(/in(\d) :: FromDump\([^)]*\);/g, 'in$1 :: FromDevice(eth$1, BURST 8);')
    .replace(/tx(\d) :: ToDump\([^)]*\);/g, 'tx$1 :: ToDevice(eth$1, BURST 8);')
    .replace(/DriverManager\(.*?\bstop\);/s, '');
  t.notMatch(text, /FromDump\(|ToDump\(|DriverManager\(/, 'the captures and the driver script are gone');
  const capture = (f: string) => readCapture(new Uint8Array(readFileSync(`${dir}${f}`))).packets.map((p) => p.data);
  const in0 = capture('if0-in.pcap');
  const in1 = capture('if1-in.pcap');
  const host = bothEngines(t, {
    config: text,
    rounds: [
      // The LAN's traffic first; the uplink's (ARP replies among it) a round later.
      { inject: { eth0: in0 }, collect: ['eth0', 'eth1'] },
      { inject: { eth1: in1 }, collect: ['eth0', 'eth1'] },
    ],
    handlers: ['in0.count', 'in1.count', 'tx0.count', 'tx1.count', 'fwd0.count', 'fwd1.count', 'arpq1.queries', 'ttl_err.count'],
  });
  t.equal(host.handlers['in0.count'], String(in0.length), 'every LAN frame received');
  t.ok(Number(host.handlers['fwd1.count']) > 0 && Number(host.handlers['fwd0.count']) > 0, 'traffic forwarded both ways');
  t.ok(host.rounds[0]!.sent['eth1']!.length > 0, 'ARP queries go out on the uplink before any reply');
});

t.test('host engine API: devices are made on first use and outlive the router', async (t) => {
  const devices = new MemoryDevices();
  t.equal(devices.inject('eth9', [new Uint8Array(60)]), 1, 'a frame waits before the router exists');
  const r = new Router(loadConfig('FromDevice(eth9) -> Queue -> ToDevice(eth8);', '<test>'), { simtime: true, devices });
  r.initialize();
  r.run();
  r.cleanup();
  t.same(devices.collect('eth8'), [new Uint8Array(60)], 'collected after cleanup');
  t.same(devices.collect('eth8'), [], 'and only once');
  t.throws(() => new Router(loadConfig('FromDevice(eth0) -> Discard;', '<test>'), { simtime: true }).initialize(), /eth0: no such device/, 'no back-end: no devices');
});

t.test('sanitizer build, in-process: devices, full rings, FORCE_IP, malformed frames', async (t) => {
  // The library built with -fsanitize=address,undefined, loaded by a Node
  // child that preloads the sanitizer runtime.
  const junk = [new Uint8Array(0), Uint8Array.of(1), new Uint8Array(13), ether(Uint8Array.of(0x45), { type: 0x0800 }), ether(new Uint8Array(20).fill(0x4f))];
  const spec: DeviceSessionSpec = {
    config: `rx :: FromDevice(eth0, FORCE_IP true, SNAPLEN 70, BURST 3) -> q :: Queue(6) -> tx :: ToDevice(eth1, BURST 2) -> Discard;
             rx[1] -> Queue(3) -> tx2 :: ToDevice(eth2, BURST 5);`,
    capacity: 4,
    rounds: [
      { inject: { eth0: [...udpFrames(3), ...junk] }, collect: ['eth1', 'eth2'] },
      { inject: { eth0: [...junk, frames.udp({ payload: new Uint8Array(200) })] }, collect: ['eth1', 'eth2'] },
      { inject: { eth0: udpFrames(9, 3) }, collect: [] },
      { collect: ['eth1', 'eth2'] },
    ],
    handlers: ['rx.count', 'rx.kernel_drops', 'tx.count', 'tx.waiting', 'tx2.count', 'tx2.waiting', 'q.drops'],
  };
  const host = runDeviceSession('host', spec);
  const sanitized = runSanitizedDeviceSession(spec);
  t.equal(sanitized.status, 0, 'the sanitizer build exits 0');
  t.notMatch(sanitized.stderr, /AddressSanitizer|runtime error:/, 'no sanitizer report');
  t.same(sanitized.result?.rounds, host.rounds, 'the same frames, round by round');
  t.same(sanitized.result?.handlers, host.handlers, 'handler values identical');
  t.equal(sanitized.result?.stderr, host.stderr, 'standard error identical');
  t.same(sanitized.result?.accounting, [], 'every packet accounted for');
});

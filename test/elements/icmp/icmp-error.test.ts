import t from 'tap';
import { spec } from '../../../elements/icmp/icmp-error.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { ANNO, PacketType, type Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { addrAt, ether, frames, icmp, ipPacket, ipv4, pkt, udp } from '../../util/packets.js';

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

t.test('builds a time-exceeded error quoting the packet', async (t) => {
  const h = harness(spec, '192.0.2.254, timeexceeded', { now: 5_250_000_000n });
  const orig = frames.udp({ src: '10.0.0.5', dst: '198.51.100.9', ttl: 1 });
  h.push(0, ipPacket(orig));
  const q = h.outputs[0]![0]!;
  const d = q.data;
  t.equal(q.length, 20 + 8 + orig.length - 14, 'whole original quoted when it fits');
  t.equal(d[0], 0x45);
  t.equal(d[1], 0, 'TOS 0');
  t.equal(u16(d, 2), q.length);
  t.equal(u16(d, 4), 1, 'first IP ID is 1');
  t.equal(u16(d, 6), 0);
  t.equal(d[8], 200, 'TTL 200');
  t.equal(d[9], 1);
  t.equal(checksum(d, 0, 20), 0, 'IP checksum valid');
  t.equal(addrAt(d, 12), '192.0.2.254');
  t.equal(addrAt(d, 16), '10.0.0.5');
  t.same([d[20], d[21]], [11, 0]);
  t.same([...d.subarray(24, 28)], [0, 0, 0, 0]);
  t.equal(checksum(d, 20, d.length - 20), 0, 'ICMP checksum valid');
  t.same(d.subarray(28), orig.subarray(14));
  t.equal(q.dstIP, 0x0a000005, 'destination annotation');
  t.equal(q.annoU8(ANNO.FIX_IP_SRC), 1, 'FIX_IP_SRC annotation');
  t.equal(q.networkHeaderOffset, 0);
  t.equal(q.transportHeaderOffset, 20);
  t.same([q.tsSec, q.tsNsec], [5, 250_000_000], 'timestamp is now');
  t.same(h.element.stats, { in: 1, out: 1, dropped: 0, consumed: 1, created: 1 });
  h.push(0, ipPacket(orig));
  t.equal(u16(h.outputs[0]![1]!.data, 4), 2, 'IP IDs count up');
});

t.test('MTU limits the error; SET_FIX_ANNO false; IP IDs shared across the router', async (t) => {
  const attachments = new Map<string, unknown>();
  const a = harness(spec, '1.1.1.1, unreachable, port, MTU 100, SET_FIX_ANNO false', { attachments });
  const b = harness(spec, '1.1.1.1, 3, 3', { attachments });
  const big = frames.udp({ payload: new Uint8Array(600) });
  a.push(0, ipPacket(big));
  b.push(0, ipPacket(big));
  a.push(0, ipPacket(big));
  t.equal(a.outputs[0]![0]!.length, 100);
  t.equal(a.outputs[0]![0]!.annoU8(ANNO.FIX_IP_SRC), 0);
  t.same([a.outputs[0]![0]!.data[20], a.outputs[0]![0]!.data[21]], [3, 3]);
  t.equal(b.outputs[0]![0]!.length, 576, 'default MTU 576');
  t.same([u16(a.outputs[0]![0]!.data, 4), u16(b.outputs[0]![0]!.data, 4), u16(a.outputs[0]![1]!.data, 4)], [1, 2, 3]);
});

t.test('never answers ICMP errors, broadcasts, bad sources, later fragments', async (t) => {
  const h = harness(spec, '1.1.1.1, timeexceeded, transit, 10.255.255.255');
  const cases: [string, Packet][] = [
    ['ICMP error', ipPacket(ether(ipv4(icmp(3, 1, new Uint8Array(4), new Uint8Array(28)), { proto: 1 })))],
    ['limited broadcast', ipPacket(frames.udp({ dst: '255.255.255.255' }))],
    ['multicast', ipPacket(frames.udp({ dst: '224.0.0.5' }))],
    ['BADADDRS destination', ipPacket(frames.udp({ dst: '10.255.255.255' }))],
    ['BADADDRS source', ipPacket(frames.udp({ src: '10.255.255.255' }))],
    ['source net 0', ipPacket(frames.udp({ src: '0.1.2.3' }))],
    ['loopback source', ipPacket(frames.udp({ src: '127.0.0.1' }))],
    ['class E source', ipPacket(frames.udp({ src: '240.0.0.1' }))],
    ['later fragment', ipPacket(frames.udp({ frag: 0x2001 }))],
    ['no IP header annotation', pkt(frames.udp())],
  ];
  const linkBroadcast = ipPacket(frames.udp());
  linkBroadcast.packetType = PacketType.BROADCAST;
  cases.push(['link broadcast', linkBroadcast]);
  for (const [, p] of cases) h.push(0, p);
  t.equal(h.outputs[0]!.length, 0);
  t.equal(h.element.stats.dropped, cases.length);
  h.push(0, ipPacket(frames.icmpEcho()), ipPacket(frames.udp({ frag: 0x2000 })));
  t.equal(h.outputs[0]!.length, 2, 'answers ICMP echo and first fragments');
});

t.test('source routes: echoed reversed; no redirect; ignored for a problem inside the route', async (t) => {
  // LSRR, length 11, pointer 12: hops 192.0.2.7 and 198.51.100.3 recorded; then EOL.
  const options = [131, 11, 12, 192, 0, 2, 7, 198, 51, 100, 3, 0];
  const routed = () => ipPacket(ether(ipv4(udp(new Uint8Array(4)), { options })));
  const h = harness(spec, '1.1.1.1, timeexceeded');
  h.push(0, routed());
  const d = h.outputs[0]![0]!.data;
  t.equal(d[0], 0x48, '32-byte header');
  t.same([...d.subarray(20, 32)], [131, 11, 4, 198, 51, 100, 3, 192, 0, 2, 7, 0]);
  t.equal(checksum(d, 0, 32), 0);
  t.equal(h.outputs[0]![0]!.transportHeaderOffset, 32);

  const redirect = harness(spec, '1.1.1.1, redirect, host');
  redirect.push(0, routed());
  t.equal(redirect.outputs[0]!.length, 0);

  const pp = harness(spec, '1.1.1.1, parameterproblem, erroratptr');
  const inRoute = routed();
  inRoute.setAnnoU8(ANNO.ICMP_PARAMPROB, 22);
  pp.push(0, inRoute);
  const e = pp.outputs[0]![0]!.data;
  t.equal(e[0], 0x45, 'route dropped from the reply');
  t.equal(e[24], 22, 'pointer from the annotation');
});

t.test('redirect gateway and needfrag MTU', async (t) => {
  const r = harness(spec, '1.1.1.1, redirect, host');
  const p = ipPacket(frames.udp());
  p.dstIP = 0x0a000001;
  r.push(0, p);
  t.same([...r.outputs[0]![0]!.data.subarray(24, 28)], [10, 0, 0, 1]);
  const n = harness(spec, '1.1.1.1, unreachable, needfrag, PMTU 1400');
  n.push(0, ipPacket(frames.udp()));
  t.equal(u16(n.outputs[0]![0]!.data, 26), 1400);
});

t.test('an MTU too small for the headers drops the packet', async (t) => {
  const h = harness(spec, '1.1.1.1, timeexceeded, MTU 20');
  h.push(0, ipPacket(frames.udp()));
  t.equal(h.outputs[0]!.length, 0);
  t.equal(h.element.stats.dropped, 1);
  t.equal(h.element.stats.created, 0);
});

t.test('handlers src, mtu, pmtu', async (t) => {
  const h = harness(spec, '1.1.1.1, timeexceeded');
  t.equal(h.read('src'), '1.1.1.1');
  t.equal(h.read('mtu'), '576');
  t.equal(h.read('pmtu'), '0');
  h.write('src', '2.2.2.2');
  h.write('mtu', '60');
  h.write('pmtu', '1280');
  t.throws(() => h.write('mtu', 'big'), /expected unsigned integer/);
  t.throws(() => h.write('src', '2.2.2'), /expected IP address/);
  h.push(0, ipPacket(frames.udp()));
  t.equal(h.outputs[0]![0]!.length, 60);
  t.equal(addrAt(h.outputs[0]![0]!.data, 12), '2.2.2.2');
});

t.test('configuration errors', async (t) => {
  t.equal(configError(spec, '1.1.1.1, echo'), 'ICMP type 8 is not an error type');
  t.equal(configError(spec, '1.1.1.1, 300'), 'ICMP type must be between 0 and 255');
  t.equal(configError(spec, '1.1.1.1, timeexceeded, bogus'), 'argument 2 takes ICMP code (integer between 0 and 255)');
  t.equal(configError(spec, '1.1.1.1, timeexceeded, 256'), 'argument 2 takes ICMP code (integer between 0 and 255)');
  t.equal(configError(spec, '1.1.1.1, wrong'), "TYPE: 'wrong' is not an ICMP type");
  t.equal(configError(spec, '1.1.1.1'), 'missing mandatory argument TYPE');
  t.equal(configError(spec, '1.1.1.1, unreachable, needfrag, 1.2.3.4, PMTU 1500'), undefined);
  t.equal(configError(spec, '1.1.1.1, unreachable, host, 1.2.3'), "BADADDRS: '1.2.3' is not an IP address");
  t.equal(configError(spec, '1.1.1.1, parameterproblem, length'), undefined);
});

t.test('works in pull mode too', async (t) => {
  const h = harness(spec, '1.1.1.1, timeexceeded', { inputs: ['pull'], outputs: ['pull'] });
  h.pullable[0]!.push(ipPacket(frames.udp()), ipPacket(frames.udp({ dst: '255.255.255.255' })), ipPacket(frames.udp()));
  const got = h.pull(0, 3);
  t.equal(got.length, 2, 'the broadcast makes no error');
  t.same(h.element.stats, { in: 3, out: 2, dropped: 1, consumed: 2, created: 2 });
});

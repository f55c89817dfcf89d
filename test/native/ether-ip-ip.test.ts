// The IP elements in both engines (IPFragmenter and IPGWOptions have their
// own file): every packet out with its annotations and header offsets,
// drops, stderr lines, handler values, writes and their error messages,
// and malformed packets (runts, bad lengths, bad checksums).
import t from 'tap';
import { differential } from './differential.js';
import { dataArg, framesSource, handlerRun } from './ether-ip-harness.js';
import { ether, frames, ipv4, tcp, udp } from '../util/packets.js';

const good = ipv4(udp(new Uint8Array(10)));
const padded = Uint8Array.from([...ipv4(udp(new Uint8Array(2))), 0xee, 0xee, 0xee, 0xee]);
const withOptions = ipv4(udp(new Uint8Array(4)), { options: [1, 1, 1, 0] });
const malformed = [
  good.slice(0, 19), // tiny
  ipv4(udp(new Uint8Array(2)), { version: 6 }),
  ipv4(udp(new Uint8Array(2)), { hl: 4 }),
  ipv4(udp(new Uint8Array(2)), { totalLength: 200 }),
  ipv4(udp(new Uint8Array(2)), { totalLength: 19 }),
  ipv4(udp(new Uint8Array(2)), { checksum: 0x1234 }),
  ipv4(udp(new Uint8Array(2)), { hl: 15 }),
  new Uint8Array(20),
];
const sources = [
  ipv4(udp(new Uint8Array(2)), { src: '10.0.0.255' }),
  ipv4(udp(new Uint8Array(2)), { src: '0.0.0.0' }),
  ipv4(udp(new Uint8Array(2)), { src: '255.255.255.255', dst: '10.0.0.1' }),
  ipv4(udp(new Uint8Array(2)), { src: '10.0.0.255', dst: '10.0.1.1' }),
];

t.test('CheckIPHeader: good, padded and optioned packets; every reason for a bad one; one or two outputs', async (t) => {
  const all = [good, padded, withOptions, ...malformed, ...sources];
  differential(t, {
    config: `${framesSource(all, 'BURST 5')} -> c1 :: CheckIPHeader -> a :: EIPLog;
      ${framesSource(all, 'BURST 16')} -> c2 :: CheckIPHeader(INTERFACES 10.0.0.1/24 10.0.1.1/24, VERBOSE true, DETAILS true) -> b0 :: EIPLog; c2[1] -> b1 :: EIPLog;
      ${framesSource(all)} -> c3 :: CheckIPHeader(CHECKSUM false, BADSRC 0.0.0.0 10.0.0.255, GOODDST 10.0.1.1, DETAILS true) -> c0 :: EIPLog; c3[1] -> c1l :: EIPLog;`,
    handlers: ['a.log', 'b0.log', 'b1.log', 'c0.log', 'c1l.log', 'c1.drops', 'c2.drops', 'c2.drop_details', 'c3.drop_details'],
  });
});

t.test('CheckIPHeader at OFFSET 14 behind Ethernet, then the IP elements that need its marks', async (t) => {
  const fs = [frames.udp(), frames.tcp(), frames.icmpEcho({ ttl: 1 }), frames.udp({ ttl: 0 }), frames.udp({ dst: '224.0.0.9', ttl: 1 }), ether(malformed[3]!), frames.udp().slice(0, 33)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 7')} -> c :: CheckIPHeader(14) -> t :: DecIPTTL -> l :: EIPLog; t[1] -> x :: EIPLog; c[1] -> bad :: EIPLog;
      ${framesSource(fs)} -> CheckIPHeader(OFFSET 14) -> t2 :: DecIPTTL(MULTICAST false) -> l2 :: EIPLog;`,
    handlers: ['l.log', 'x.log', 'bad.log', 'l2.log', 't.drops', 't2.drops', 'c.drops'],
  });
});

t.test('CheckIPHeader in a pull path, bad packets pushed out of output 1', async (t) => {
  differential(t, {
    config: `s :: InfiniteSource(${dataArg(malformed[5]!)}, LIMIT 7, BURST 3, STOP true) -> c :: CheckIPHeader -> d :: Discard(BURST 2); c[1] -> l :: EIPLog;`,
    handlers: ['d.count', 'l.log', 'c.drops'],
  });
});

t.test('MarkIPHeader: offsets from the header byte; packets without that byte are dropped', async (t) => {
  const fs = [good, withOptions, ipv4(udp(new Uint8Array(2)), { hl: 0 }), new Uint8Array(0), frames.udp()];
  differential(t, {
    config: `${framesSource(fs, 'BURST 5')} -> MarkIPHeader -> a :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader(14) -> b :: EIPLog;`,
    handlers: ['a.log', 'b.log'],
  });
});

t.test('DecIPTTL: expiry, multicast, ACTIVE, missing or short IP header; the active handler', async (t) => {
  const fs = [good, ipv4(udp(new Uint8Array(2)), { ttl: 1 }), ipv4(udp(new Uint8Array(2)), { ttl: 0 }), ipv4(udp(new Uint8Array(2)), { ttl: 255 }),
    ipv4(udp(new Uint8Array(2)), { ttl: 2, checksum: 0xfeff }), ipv4(udp(new Uint8Array(2)), { dst: '239.1.1.1', ttl: 9 }),
    ipv4(udp(new Uint8Array(2)), { ttl: 2, checksum: 0 }), ipv4(udp(new Uint8Array(2)), { ttl: 2, checksum: 0xffff })];
  differential(t, {
    config: `${framesSource(fs, 'BURST 8')} -> MarkIPHeader -> t1 :: DecIPTTL -> a :: EIPLog; t1[1] -> a1 :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> t2 :: DecIPTTL(MULTICAST false) -> b :: EIPLog;
      ${framesSource(fs)} -> t3 :: DecIPTTL -> c :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader(20) -> t4 :: DecIPTTL -> d :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> t5 :: DecIPTTL(ACTIVE false) -> e :: EIPLog;`,
    handlers: ['a.log', 'a1.log', 'b.log', 'c.count', 'd.count', 'e.log', 't1.drops', 't2.drops', 't1.active', 't5.active'],
  });
  handlerRun(t, {
    config: `${framesSource(fs)} -> MarkIPHeader -> t :: DecIPTTL -> l :: EIPLog; t[1] -> x :: EIPLog;`,
    writes: [['t.active', 'maybe'], ['t.active', ' NO '], ['t.active', 'on'], ['t.active', 'off']],
    reads: ['t.active', 't.drops', 'l.log', 'x.count'],
  });
});

t.test('GetIPAddress and SetIPAddress: offsets, IP src/dst, other annotations, short packets', async (t) => {
  const fs = [good, good.slice(0, 19), good.slice(0, 17), new Uint8Array(3)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 4')} -> GetIPAddress(16) -> a :: EIPLog;
      ${framesSource(fs)} -> GetIPAddress(12, AGGREGATE) -> b :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> GetIPAddress(IP src, ANNO 44) -> GetIPAddress(IP dst) -> c :: EIPLog;
      ${framesSource(fs)} -> GetIPAddress(IP dst) -> d :: EIPLog;
      ${framesSource(fs)} -> s1 :: SetIPAddress(192.0.2.200) -> s2 :: SetIPAddress(255.1.2.3, ANNO 40) -> e :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.log', 'd.count', 'e.log', 's1.addr', 's2.addr'],
  });
  handlerRun(t, {
    config: `${framesSource([good])} -> s :: SetIPAddress(1.2.3.4) -> l :: EIPLog;`,
    writes: [['s.addr', '1.2.3'], ['s.addr', '1.2.3.256'], ['s.addr', '"9.8.7.6"']],
    reads: ['s.addr', 'l.log'],
  });
});

t.test('StoreIPAddress: offsets, the annotation (0 goes to output 1), src/dst with TCP and UDP checksums, fragments', async (t) => {
  const fs = [
    ipv4(udp(new Uint8Array(4))), ipv4(tcp(new Uint8Array(3)), { proto: 6 }), ipv4(udp(new Uint8Array(4), { checksum: 0 })),
    ipv4(tcp(new Uint8Array(3)), { proto: 6, frag: 0x0010 }), ipv4(tcp(new Uint8Array(0)), { proto: 6 }).slice(0, 39),
    ipv4(udp(new Uint8Array(0))).slice(0, 27), good.slice(0, 19), new Uint8Array(6),
  ];
  differential(t, {
    config: `${framesSource(fs, 'BURST 8')} -> s1 :: StoreIPAddress(4) -> a0 :: EIPLog; s1[1] -> a1 :: EIPLog;
      ${framesSource(fs)} -> GetIPAddress(12) -> s2 :: StoreIPAddress(2) -> b0 :: EIPLog; s2[1] -> b1 :: EIPLog;
      ${framesSource(fs)} -> s3 :: StoreIPAddress(0.0.0.0, 3) -> c0 :: EIPLog;
      ${framesSource(fs)} -> CheckIPHeader(CHECKSUM false) -> s4 :: StoreIPAddress(198.51.100.7, src) -> d0 :: EIPLog; s4[1] -> d1 :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> SetIPAddress(203.0.113.9) -> s5 :: StoreIPAddress(dst) -> e0 :: EIPLog; s5[1] -> e1 :: EIPLog;
      ${framesSource(fs)} -> s6 :: StoreIPAddress(1.1.1.1, "SRC") -> f0 :: EIPLog; s6[1] -> f1 :: EIPLog;`,
    handlers: ['a0.log', 'a1.count', 'b0.log', 'b1.count', 'c0.log', 'd0.log', 'd1.count', 'e0.log', 'e1.count', 'f0.count', 'f1.count'],
  });
});

t.test('SetIPChecksum: at the mark or the packet start; bad headers dropped with one stderr line', async (t) => {
  const bad = ipv4(udp(new Uint8Array(2)), { checksum: 0xbeef });
  const fs = [bad, withOptions, ipv4(udp(new Uint8Array(2)), { hl: 4 }), ipv4(udp(new Uint8Array(2)), { hl: 15 }), good.slice(0, 19), ether(bad)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 3')} -> s1 :: SetIPChecksum -> a :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader(14) -> s2 :: SetIPChecksum -> b :: EIPLog;`,
    handlers: ['a.log', 'b.log', 's1.drops', 's2.drops'],
  });
});

t.test('SetIPDSCP: the code point replaces the DSCP bits, ECN kept, checksum patched; the dscp handler', async (t) => {
  const fs = [good, ipv4(udp(new Uint8Array(2)), { tos: 0xff }), ipv4(udp(new Uint8Array(2)), { tos: 0x03, checksum: 0 }), good.slice(0, 19)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 4')} -> MarkIPHeader -> d1 :: SetIPDSCP(46) -> a :: EIPLog;
      ${framesSource(fs)} -> d2 :: SetIPDSCP(0) -> b :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> SetIPDSCP(63) -> CheckIPHeader -> c :: EIPLog;`,
    handlers: ['a.log', 'b.count', 'c.log', 'd1.dscp'],
  });
  handlerRun(t, {
    config: `${framesSource([good])} -> MarkIPHeader -> d :: SetIPDSCP(1) -> l :: EIPLog;`,
    writes: [['d.dscp', '64'], ['d.dscp', '-1'], ['d.dscp', 'ef'], ['d.dscp', '0x2e']],
    reads: ['d.dscp', 'l.log'],
  });
});

t.test('FixIPSrc: flagged packets get the address and a new checksum; unflagged or unmarked ones pass', async (t) => {
  // GetIPAddress(OFFSET k, ANNO 16) copies packet bytes k..k+3 to annotations 16..19: byte k+3 is FIX_IP_SRC.
  const flag = (ttl: number) => ipv4(udp(new Uint8Array(2)), { ttl, id: 0x0000 });
  const fs = [flag(1), flag(0), ipv4(udp(new Uint8Array(2)), { hl: 15, ttl: 1 }), ipv4(udp(new Uint8Array(2)), { hl: 4, ttl: 1 })];
  differential(t, {
    config: `${framesSource(fs, 'BURST 4')} -> GetIPAddress(5, ANNO 16) -> MarkIPHeader -> FixIPSrc(192.0.2.33) -> a :: EIPLog;
      ${framesSource(fs)} -> GetIPAddress(5, ANNO 16) -> FixIPSrc(192.0.2.33) -> b :: EIPLog;
      ${framesSource(fs)} -> GetIPAddress(5, ANNO 16) -> MarkIPHeader(20) -> FixIPSrc(192.0.2.33) -> c :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.log'],
  });
});

t.test('DropBroadcasts: packet types from HostEtherFilter; one stderr line; one or two outputs', async (t) => {
  const fs = ['ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01', '00:00:c0:11:22:33', 'ff:ff:ff:ff:ff:ff'].map((dst) => ether(good, { dst }));
  differential(t, {
    config: `${framesSource(fs, 'BURST 4')} -> HostEtherFilter(00:00:c0:11:22:33, DROP_OTHER false) -> d1 :: DropBroadcasts -> a :: EIPLog;
      ${framesSource(fs)} -> HostEtherFilter(00:00:c0:11:22:33) -> d2 :: DropBroadcasts -> b0 :: EIPLog; d2[1] -> b1 :: EIPLog;`,
    handlers: ['a.log', 'b0.log', 'b1.log', 'd1.drops', 'd2.drops'],
  });
});

t.test('IPEncap: header fields from every keyword, DST_ANNO, identifiers, checksums that CheckIPHeader accepts', async (t) => {
  const fs = [good, new Uint8Array(0), new Uint8Array(1), udp(new Uint8Array(3))];
  differential(t, {
    config: `${framesSource(fs, 'BURST 2')} -> e1 :: IPEncap(udp, 10.0.0.1, 192.0.2.9) -> a :: EIPLog;
      ${framesSource(fs)} -> e2 :: IPEncap(4, 255.255.255.254, 10.1.2.3, TOS 0xfe, TTL 1, DF true) -> b :: EIPLog;
      ${framesSource(fs)} -> e3 :: IPEncap(tcp, 10.0.0.1, 10.0.0.2, DSCP 46, ECT 2) -> c :: EIPLog;
      ${framesSource(fs)} -> e4 :: IPEncap(200, 10.0.0.1, 10.0.0.2, CE true) -> d :: EIPLog;
      ${framesSource(fs)} -> SetIPAddress(203.0.113.250) -> e5 :: IPEncap(icmp, 10.0.0.1, DST_ANNO, ECT true) -> CheckIPHeader -> e :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.log', 'd.log', 'e.log', 'e1.src', 'e1.dst', 'e5.dst'],
  });
  differential(t, {
    config: `InfiniteSource(${dataArg(new Uint8Array(1))}, LIMIT 65540, BURST 64, STOP true) -> IPEncap(17, 10.0.0.1, DST_ANNO) -> c :: CheckIPHeader -> d :: Discard;`,
    handlers: ['d.count', 'c.drops'],
  });
  handlerRun(t, {
    config: `${framesSource([good, good])} -> e :: IPEncap(4, 10.0.0.1, 10.0.0.2) -> l :: EIPLog;`,
    writes: [['e.src', 'a.b.c.d'], ['e.src', '10.9.9.9'], ['e.dst', 'DST_ANNOX'], ['e.dst', '"DST_ANNO"'], ['e.dst', ''], ['e.dst', '1.1.1.1']],
    reads: ['e.src', 'e.dst', 'l.log'],
  });
});

t.test('UDPIPEncap: with and without the UDP checksum, odd lengths, DST_ANNO; handlers', async (t) => {
  const fs = [new Uint8Array(0), Uint8Array.of(0xff), Uint8Array.of(0xff, 0xff, 0xff), good, new Uint8Array(7).fill(0xff)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 5')} -> u1 :: UDPIPEncap(10.0.0.1, 1234, 192.0.2.2, 5678) -> a :: EIPLog;
      ${framesSource(fs)} -> u2 :: UDPIPEncap(10.0.0.1, 0, 192.0.2.2, 65535, true) -> b :: EIPLog;
      ${framesSource(fs)} -> SetIPAddress(198.51.100.1) -> u3 :: UDPIPEncap(255.255.255.255, 4789, DST_ANNO, 4789, CHECKSUM true) -> CheckIPHeader -> c :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.log', 'u1.src', 'u1.sport', 'u1.dst', 'u1.dport', 'u3.dst'],
  });
  handlerRun(t, {
    config: `${framesSource([good])} -> u :: UDPIPEncap(10.0.0.1, 1, 10.0.0.2, 2, true) -> l :: EIPLog;`,
    writes: [
      ['u.sport', '65536'], ['u.sport', '-1'], ['u.sport', 'http'], ['u.sport', '53'], ['u.dport', '0x10000'], ['u.dport', '8080'],
      ['u.src', '10.0.0'], ['u.src', '10.0.0.3'], ['u.dst', 'nowhere'], ['u.dst', 'DST_ANNO_X'], ['u.dst', '10.0.0.4'],
    ],
    reads: ['u.src', 'u.sport', 'u.dst', 'u.dport', 'l.log'],
  });
});

t.test('MarkIPCE: ECT marked CE with the checksum patched, CE unchanged, Not-ECT dropped unless FORCE; short and unmarked packets', async (t) => {
  const tos = (v: number) => ipv4(udp(new Uint8Array(2)), { tos: v });
  const fs = [tos(0x00), tos(0x01), tos(0x02), tos(0x03), tos(0xfe), good.slice(0, 19)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 4')} -> MarkIPHeader -> m1 :: MarkIPCE -> CheckIPHeader -> a :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> m2 :: MarkIPCE(true) -> b :: EIPLog;
      ${framesSource(fs)} -> m3 :: MarkIPCE -> c :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.count', 'm1.drops', 'm2.drops', 'm3.drops'],
  });
});

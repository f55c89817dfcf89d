import t from 'tap';
import { spec as IPEncap } from '../../../elements/ip/ip-encap.js';
import { spec as UDPIPEncap } from '../../../elements/ip/udp-ip-encap.js';
import { checksum, pseudoHeaderSum } from '../../../elements/lib/checksum.js';
import { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { loadConfig } from '../../../config-lang/load.js';

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

t.test('IPEncap builds the header, counts identifiers and sets annotations', async (t) => {
  const h = harness(IPEncap, 'ipip, 18.26.4.24, 140.247.60.147, TTL 64, DSCP 10, DF true');
  h.push(0, Packet.make(new Uint8Array(10)), Packet.make(new Uint8Array(0)));
  const [a, b] = h.outputs[0]!;
  t.equal(toHex(a!.data.subarray(0, 10)), '4528001e000040004004', 'version, DSCP, length, id, DF, TTL, protocol');
  t.equal(toHex(a!.data.subarray(12, 20)), '121a04188cf73c93', 'addresses');
  t.equal(checksum(a!.data, 0, 20), 0);
  t.equal(u16(b!.data, 4), 1, 'identifier counts up');
  t.equal(u16(b!.data, 2), 20);
  t.equal(checksum(b!.data, 0, 20), 0);
  t.equal(a!.dstIP, 0x8cf73c93);
  t.equal(a!.networkHeaderOffset, 0);
  t.equal(a!.transportHeaderOffset, 20);
  t.equal(h.read('src'), '18.26.4.24');
  h.write('src', '1.2.3.4');
  h.push(0, Packet.make(new Uint8Array(4)));
  const c = h.outputs[0]![2]!;
  t.same([...c.data.subarray(12, 16)], [1, 2, 3, 4]);
  t.equal(checksum(c.data, 0, 20), 0);
});

t.test('IPEncap DST_ANNO takes the destination from the annotation', async (t) => {
  const h = harness(IPEncap, '4, 10.0.0.1, DST_ANNO, TOS 3');
  const p = Packet.make(new Uint8Array(4));
  p.dstIP = 0x0a000063;
  h.push(0, p);
  const d = h.outputs[0]![0]!.data;
  t.same([...d.subarray(16, 20)], [10, 0, 0, 99]);
  t.equal(d[1], 3);
  t.equal(checksum(d, 0, 20), 0);
  t.equal(h.read('dst'), 'DST_ANNO');
  h.write('dst', '10.0.0.7');
  t.equal(h.read('dst'), '10.0.0.7');
  t.throws(() => h.write('dst', 'nowhere'));
});

t.test('IPEncap ECN and configuration errors as Click words them', async (t) => {
  const ecn = (c: string) => {
    const h = harness(IPEncap, `4, 1.1.1.1, 2.2.2.2, ${c}`);
    h.push(0, Packet.make(new Uint8Array(0)));
    return h.outputs[0]![0]!.data[1];
  };
  t.equal(ecn('ECT true'), 2);
  t.equal(ecn('ECT 2'), 1);
  t.equal(ecn('CE true, DSCP 1'), 7);
  t.equal(configError(IPEncap, '300, 1.1.1.1, 2.2.2.2'), 'bad IP protocol');
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, foo'), "DST argument should be IP address or 'DST_ANNO'");
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, 2.2.2.2, TOS 1, DSCP 1'), 'cannot set both TOS and DSCP');
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, 2.2.2.2, TOS 1, CE true'), 'cannot set both TOS and ECN bits');
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, 2.2.2.2, TOS 256'), 'TOS too large; max 255');
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, 2.2.2.2, DSCP 63'), 'DSCP too large; max 63');
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, 2.2.2.2, ECT 1, CE 1'), 'can set at most one ECN option');
  t.equal(configError(IPEncap, 'tcp, 1.1.1.1, 2.2.2.2, ECT 3'), "bad ECT value '3'");
  t.match(configError(IPEncap, 'tcp, 1.1.1.1'), /DST/);
});

t.test('UDPIPEncap builds UDP/IP headers; CHECKSUM true computes the UDP checksum', async (t) => {
  const h = harness(UDPIPEncap, '10.0.0.1, 1234, 10.0.0.2, 53, true');
  h.push(0, Packet.make(Uint8Array.of(1, 2, 3)), Packet.make(new Uint8Array(0)));
  const [a, b] = h.outputs[0]!;
  const d = a!.data;
  t.equal(d.length, 31);
  t.same([d[0], d[8], d[9]], [0x45, 250, 17]);
  t.equal(u16(d, 2), 31);
  t.equal(checksum(d, 0, 20), 0);
  t.same([u16(d, 20), u16(d, 22), u16(d, 24)], [1234, 53, 11]);
  t.equal(checksum(d, 20, 11, pseudoHeaderSum(0x0a000001, 0x0a000002, 17, 11)), 0, 'UDP checksum verifies');
  t.equal(u16(b!.data, 4), 1);
  t.equal(a!.dstIP, 0x0a000002);
  t.same([h.read('src'), h.read('sport'), h.read('dst'), h.read('dport')], ['10.0.0.1', '1234', '10.0.0.2', '53']);
  h.write('dport', '54');
  h.push(0, Packet.make(new Uint8Array(0)));
  t.equal(u16(h.outputs[0]![2]!.data, 22), 54);
  t.throws(() => h.write('sport', '70000'));
});

t.test('UDPIPEncap without CHECKSUM leaves it zero (Click 2.1 as recorded); DST_ANNO', async (t) => {
  const h = harness(UDPIPEncap, '10.0.0.1, 1, DST_ANNO, 2');
  const p = Packet.make(new Uint8Array(4));
  p.dstIP = 0x01020304;
  h.push(0, p);
  const d = h.outputs[0]![0]!.data;
  t.equal(u16(d, 26), 0);
  t.same([...d.subarray(16, 20)], [1, 2, 3, 4]);
  t.equal(checksum(d, 0, 20), 0);
});

t.test('UDPIPEncap configuration errors', async (t) => {
  t.equal(configError(UDPIPEncap, '10.0.0.1, 1, nowhere, 2'), 'bad DST');
  t.match(configError(UDPIPEncap, '10.0.0.1, 65536, 10.0.0.2, 2'), /SPORT/);
  t.match(configError(UDPIPEncap, '10.0.0.1, 1, 10.0.0.2'), /DPORT/);
});

t.test('UDPIPEncap ports by name: PortInfo scopes (compound first), Click\'s defaults, PortInfo errors', async (t) => {
  const g = loadConfig(
    `Idle -> a :: UDPIPEncap(1.0.0.1, foo, 1.0.0.1, ssh) -> Discard;
     Idle -> c :: { input -> b :: UDPIPEncap(1.0.0.3, foo, 1.0.0.3, ssh) -> output; PortInfo(foo 80/udp ssh) } -> Discard;
     Idle -> d :: UDPIPEncap(1.0.0.1, bar, 1.0.0.1, 0x10) -> Discard;
     PortInfo(foo 79/udp # ssh 25/udp comment, # ssh 26/udp comment, , bar 7 baz, tcponly 9/tcp, odd 5/nosuchproto);`,
    'test.click',
  );
  const conf = (name: string) => g.elements.find((e) => e.name === name)!.conf as { sport: number; dport: number };
  t.same([conf('a').sport, conf('a').dport], [79, 22], 'top level: PortInfo, then the default ssh');
  t.same([conf('c/b').sport, conf('c/b').dport], [80, 80], 'inside the compound its own PortInfo wins');
  t.same([conf('d').sport, conf('d').dport], [7, 16], 'no protocol: TCP and UDP; numbers in hex');
  const bad = (cfg: string) => {
    try {
      loadConfig(cfg, 'x.click');
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };
  t.match(bad('Idle -> UDPIPEncap(1.0.0.1, tcponly, 1.0.0.1, 1) -> Discard; PortInfo(tcponly 9/tcp);'), /SPORT/, 'a TCP name is no UDP port');
  t.match(bad('Idle -> UDPIPEncap(1.0.0.1, odd, 1.0.0.1, 1) -> Discard; PortInfo(odd 5/nosuchproto);'), /SPORT/, 'an unknown protocol: ignored');
  t.match(bad('Idle -> UDPIPEncap(1.0.0.1, big, 1.0.0.1, 1) -> Discard; PortInfo(big 70000);'), /out of range/);
  t.match(bad('PortInfo(foo bar);'), /expected 'NAME PORT\/PROTO'/);
  t.match(bad('PortInfo(foo 12x);'), /expected 'NAME PORT\/PROTO'/);
  t.equal(bad('PortInfo(foo 12/udp, # just a comment, );'), '');
  t.match(bad('Idle -> UDPIPEncap(1.0.0.1, nosuchname, 1.0.0.1, 1) -> Discard;'), /SPORT/);
});

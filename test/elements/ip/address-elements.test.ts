// GetIPAddress, SetIPAddress, StoreIPAddress, MarkIPHeader, FixIPSrc,
// SetIPChecksum, SetIPDSCP and DropBroadcasts.
import t from 'tap';
import { spec as DropBroadcasts } from '../../../elements/ip/drop-broadcasts.js';
import { spec as FixIPSrc } from '../../../elements/ip/fix-ip-src.js';
import { spec as GetIPAddress } from '../../../elements/ip/get-ip-address.js';
import { spec as MarkIPHeader } from '../../../elements/ip/mark-ip-header.js';
import { spec as MarkIPCE, type MarkIPCEElement } from '../../../elements/ip/mark-ip-ce.js';
import { spec as SetIPAddress } from '../../../elements/ip/set-ip-address.js';
import { spec as SetIPChecksum } from '../../../elements/ip/set-ip-checksum.js';
import { spec as SetIPDSCP } from '../../../elements/ip/set-ip-dscp.js';
import { spec as StoreIPAddress } from '../../../elements/ip/store-ip-address.js';
import { checksum, pseudoHeaderSum } from '../../../elements/lib/checksum.js';
import { ANNO, Packet, PacketType } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ipv4, tcp, udp } from '../../util/packets.js';

const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };

function marked(bytes: Uint8Array, at = 0): Packet {
  const p = Packet.make(bytes);
  p.setNetworkHeader(at, (bytes[at]! & 15) * 4);
  return p;
}

t.test('GetIPAddress copies 4 bytes, or the header source/destination, into an annotation', async (t) => {
  const frame = ipv4(new Uint8Array(4), { src: '10.1.2.3', dst: '192.0.2.77' });
  const h = harness(GetIPAddress, '16');
  h.push(0, Packet.make(frame));
  t.equal(h.outputs[0]![0]!.dstIP, 0xc000024d);
  const a = harness(GetIPAddress, '12, ANNO 4');
  a.push(0, Packet.make(frame));
  t.same([...a.outputs[0]![0]!.anno.subarray(4, 8)], [10, 1, 2, 3]);
  const s = harness(GetIPAddress, 'IP src');
  s.push(0, marked(frame));
  t.equal(s.outputs[0]![0]!.dstIP, 0x0a010203);
  const short = harness(GetIPAddress, '16');
  short.push(0, Packet.make(new Uint8Array(18)));
  const unmarked = harness(GetIPAddress, 'IP dst');
  unmarked.push(0, Packet.make(frame));
  t.equal(short.element.stats.dropped + unmarked.element.stats.dropped, 2, 'malformed packets dropped');
  t.equal(configError(GetIPAddress, ''), 'set one of OFFSET, IP');
  t.equal(configError(GetIPAddress, '16, IP dst'), 'set one of OFFSET, IP');
  t.equal(configError(GetIPAddress, 'IP middle'), 'bad IP');
  t.match(configError(GetIPAddress, '16, PAINT'), /ANNO/);
  t.equal(configError(GetIPAddress, '16, DST_IP'), undefined);
});

t.test('SetIPAddress sets the annotation; addr handler', async (t) => {
  const h = harness(SetIPAddress, '198.51.100.77');
  h.push(0, Packet.make(new Uint8Array(1)));
  t.equal(h.outputs[0]![0]!.dstIP, 0xc633644d);
  t.equal(h.read('addr'), '198.51.100.77');
  h.write('addr', '1.2.3.4');
  h.push(0, Packet.make(new Uint8Array(1)));
  t.equal(h.outputs[0]![1]!.dstIP, 0x01020304);
  t.throws(() => h.write('addr', 'x'));
  const a = harness(SetIPAddress, '1.2.3.4, ANNO 8');
  a.push(0, Packet.make(new Uint8Array(1)));
  t.same([...a.outputs[0]![0]!.anno.subarray(8, 12)], [1, 2, 3, 4]);
  t.match(configError(SetIPAddress, ''), /IPADDR/);
  t.match(configError(SetIPAddress, '1.2.3.4, ANNO 46'), /ANNO/);
});

t.test('StoreIPAddress writes at an offset, or into src/dst with checksum updates', async (t) => {
  const h = harness(StoreIPAddress, '4', two);
  const p = Packet.make(new Uint8Array(8));
  p.dstIP = 0x01020304;
  h.push(0, p);
  t.same([...h.outputs[0]![0]!.data], [0, 0, 0, 0, 1, 2, 3, 4]);
  h.push(0, Packet.make(new Uint8Array(8)), Packet.make(new Uint8Array(7)));
  t.equal(h.outputs[1]!.length, 2, 'zero annotation, or offset out of range, to output 1');

  const z = harness(StoreIPAddress, '0.0.0.0, 0');
  z.push(0, Packet.make(Uint8Array.of(9, 9, 9, 9)));
  t.same([...z.outputs[0]![0]!.data], [0, 0, 0, 0], 'explicit address may be zero');

  const src = '10.0.0.1';
  const dst = '192.0.2.1';
  const u = udp(new Uint8Array(6), { src, dst });
  const tc = tcp(new Uint8Array(3), { src, dst });
  const s = harness(StoreIPAddress, '203.0.113.5, dst');
  s.push(0, marked(ipv4(u, { src, dst, proto: 17 })), marked(ipv4(tc, { src, dst, proto: 6 })));
  for (const q of s.outputs[0]!) {
    const d = q.data;
    t.same([...d.subarray(16, 20)], [203, 0, 113, 5]);
    t.equal(checksum(d, 0, 20), 0, 'IP checksum updated');
    t.equal(checksum(d, 20, d.length - 20, pseudoHeaderSum(0x0a000001, 0xcb007105, d[9]!, d.length - 20)), 0, 'transport checksum updated');
  }
  const zeroSum = udp(new Uint8Array(6), { src, dst, checksum: 0 });
  s.push(0, marked(ipv4(zeroSum, { src, dst, proto: 17 })));
  t.same([...s.outputs[0]![2]!.data.subarray(26, 28)], [0, 0], 'a zero UDP checksum stays zero');
  const frag = harness(StoreIPAddress, '203.0.113.5, src');
  frag.push(0, marked(ipv4(u, { src, dst, proto: 17, frag: 0x0001 })));
  t.same([...frag.outputs[0]![0]!.data.subarray(26, 28)], [...u.subarray(6, 8)], 'later fragments: transport untouched');

  const none = harness(StoreIPAddress, 'src', two);
  none.push(0, Packet.make(ipv4(u)));
  t.equal(none.outputs[1]!.length, 1, 'no IP header: output 1');
  t.equal(configError(StoreIPAddress, 'middle'), 'type mismatch: OFFSET requires integer');
  t.equal(configError(StoreIPAddress, '-4'), 'type mismatch: OFFSET requires integer');
  t.match(configError(StoreIPAddress, '1.2.3, 4'), /ADDR/);
  t.match(configError(StoreIPAddress, ''), /OFFSET/);
  t.equal(configError(StoreIPAddress, 'OFFSET 16'), undefined);
});

t.test('MarkIPHeader marks the header at OFFSET', async (t) => {
  const h = harness(MarkIPHeader, '14');
  const frame = Uint8Array.from([...new Uint8Array(14), ...ipv4(new Uint8Array(4), { options: [1, 1, 1, 1] })]);
  h.push(0, Packet.make(frame), Packet.make(new Uint8Array(14)));
  const p = h.outputs[0]![0]!;
  t.equal(p.networkHeaderOffset, 14);
  t.equal(p.transportHeaderOffset, 38);
  t.equal(h.element.stats.dropped, 1, 'nothing at OFFSET: dropped');
});

t.test('FixIPSrc rewrites the source of flagged packets only', async (t) => {
  const h = harness(FixIPSrc, '192.0.2.1');
  const flagged = marked(ipv4(new Uint8Array(4), { src: '10.9.9.9' }));
  flagged.setAnnoU8(ANNO.FIX_IP_SRC, 1);
  const plain = marked(ipv4(new Uint8Array(4), { src: '10.9.9.9' }));
  h.push(0, flagged, plain);
  const [a, b] = h.outputs[0]!;
  t.same([...a!.data.subarray(12, 16)], [192, 0, 2, 1]);
  t.equal(checksum(a!.data, 0, 20), 0);
  t.equal(a!.annoU8(ANNO.FIX_IP_SRC), 0, 'annotation cleared');
  t.same([...b!.data.subarray(12, 16)], [10, 9, 9, 9]);
  const short = Packet.make(new Uint8Array(10));
  short.setNetworkHeader(0, 20);
  short.setAnnoU8(ANNO.FIX_IP_SRC, 1);
  h.push(0, short);
  t.equal(h.element.stats.dropped, 1);
});

t.test('SetIPChecksum recomputes, and drops bad packets with one message', async (t) => {
  const h = harness(SetIPChecksum);
  h.push(0, Packet.make(ipv4(new Uint8Array(4), { checksum: 0x1111 })));
  t.equal(checksum(h.outputs[0]![0]!.data, 0, 20), 0, 'header at the data start when unmarked');
  h.push(0, marked(Uint8Array.from([0, 0, ...ipv4(new Uint8Array(2), { checksum: 1 })]), 2));
  t.equal(checksum(h.outputs[0]![1]!.data, 2, 20), 0, 'header at the annotation');
  h.push(0, Packet.make(new Uint8Array(10)), Packet.make(ipv4(new Uint8Array(0), { hl: 4 })), Packet.make(ipv4(new Uint8Array(0), { hl: 8 })));
  t.equal(h.read('drops'), '3');
  t.same(h.stderr, ['SetIPChecksum: bad input packet']);
});

t.test('SetIPDSCP sets the code point and updates the checksum', async (t) => {
  const h = harness(SetIPDSCP, '46');
  h.push(0, marked(ipv4(new Uint8Array(4), { tos: 0x03 })));
  const d = h.outputs[0]![0]!.data;
  t.equal(d[1], (46 << 2) | 3, 'ECN bits kept');
  t.equal(checksum(d, 0, 20), 0);
  t.equal(h.read('dscp'), '46');
  h.write('dscp', '8');
  t.equal(h.read('dscp'), '8');
  t.throws(() => h.write('dscp', '64'));
  h.push(0, Packet.make(ipv4(new Uint8Array(4))));
  t.equal(h.element.stats.dropped, 1, 'unmarked packets dropped');
  t.equal(configError(SetIPDSCP, '64'), 'diffserv code point out of range');
  t.match(configError(SetIPDSCP, ''), /DSCP/);
});

t.test('DropBroadcasts diverts link-level broadcasts and multicasts', async (t) => {
  const h = harness(DropBroadcasts, '', two);
  const mk = (type: number) => {
    const p = Packet.make(new Uint8Array(4));
    p.packetType = type;
    return p;
  };
  h.push(0, mk(PacketType.HOST), mk(PacketType.BROADCAST), mk(PacketType.MULTICAST), mk(PacketType.OTHERHOST));
  t.equal(h.outputs[0]!.length, 2);
  t.equal(h.outputs[1]!.length, 2);
  t.equal(h.read('drops'), '2');
  t.same(h.stderr, ['DropBroadcasts: dropped a packet']);
  const one = harness(DropBroadcasts);
  one.push(0, mk(PacketType.BROADCAST));
  t.equal(one.element.stats.dropped, 1);
});

t.test('MarkIPCE: ECT(0)/ECT(1) become CE with a valid checksum; CE passes; Not-ECT dropped and counted unless FORCE', async (t) => {
  const mk = (tos: number) => ipPacketWithTos(tos);
  const h = harness<MarkIPCEElement>(MarkIPCE, '');
  h.push(0, mk(0x01), mk(0x02), mk(0x03), mk(0x00), mk(0xfc));
  t.same(h.outputs[0]!.map((p) => p.data[1]), [0x03, 0x03, 0x03]);
  for (const p of h.outputs[0]!) t.equal(checksum(p.data, 0, 20), 0, 'checksum valid');
  t.equal(h.read('drops'), '2');
  const f = harness(MarkIPCE, 'FORCE true');
  f.push(0, mk(0x00), mk(0xfc));
  t.same(f.outputs[0]!.map((p) => p.data[1]), [0x03, 0xff]);
  t.equal(f.read('drops'), '0');
});

function ipPacketWithTos(tos: number): Packet {
  const p = Packet.make(ipv4(udp(new Uint8Array(2)), { tos }));
  p.setNetworkHeader(0, 20);
  return p;
}

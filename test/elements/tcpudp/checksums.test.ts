import t from 'tap';
import { spec as setUDP } from '../../../elements/tcpudp/set-udp-checksum.js';
import { spec as setTCP } from '../../../elements/tcpudp/set-tcp-checksum.js';
import { spec as checkUDP } from '../../../elements/tcpudp/check-udp-header.js';
import { spec as checkTCP } from '../../../elements/tcpudp/check-tcp-header.js';
import { configError, harness } from '../../util/element-harness.js';
import { ether, frames, ipPacket, ipv4, pkt, tcp, udp } from '../../util/packets.js';
import type { Packet } from '../../../host-engine/packet.js';

/** A packet as CheckIPHeader leaves it: Ethernet stripped, IP header annotation set. */
const sumOf = (p: Packet, at: number) => (p.data[at]! << 8) | p.data[at + 1]!;

t.test('SetUDPChecksum: computes the checksum the packet builder computes', async (t) => {
  const good = frames.udp({ payload: Uint8Array.from([1, 2, 3, 4, 5, 6, 7]) });
  const broken = good.slice();
  broken[14 + 26] ^= 0xff;
  broken[14 + 27] ^= 0x0f;
  const h = harness(setUDP);
  h.push(0, ipPacket(broken));
  t.same(h.outputs[0]![0]!.data, good.subarray(14));
});

t.test('SetUDPChecksum: a checksum that computes to 0 stays 0, as in Click', async (t) => {
  const payload = new Uint8Array(4);
  const first = udp(payload);
  // Put the complement of the sum into the payload so the total sum is 0xFFFF.
  const c = (first[6]! << 8) | first[7]!;
  payload[0] = c >> 8;
  payload[1] = c & 255;
  const h = harness(setUDP);
  h.push(0, ipPacket(ether(ipv4(udp(payload, { checksum: 0x1234 })))));
  t.equal(sumOf(h.outputs[0]![0]!, 26), 0);
});

t.test('SetUDPChecksum: the pseudo-header uses the final hop of a source route', async (t) => {
  // LSRR (131), length 7, pointer 4, final destination 203.0.113.9; then EOL.
  const options = [131, 7, 4, 203, 0, 113, 9, 0];
  const withRoute = ether(ipv4(udp(new Uint8Array(6), { dst: '203.0.113.9', checksum: 0 }), { options, dst: '192.0.2.1' }));
  const h = harness(setUDP);
  h.push(0, ipPacket(withRoute));
  const expected = udp(new Uint8Array(6), { dst: '203.0.113.9' });
  t.equal(sumOf(h.outputs[0]![0]!, 28 + 6), (expected[6]! << 8) | expected[7]!);
});

t.test('SetUDPChecksum: fragments and short packets', async (t) => {
  const frag = ipPacket(frames.udp({ frag: 0x2000 }));
  const short = ipPacket(ether(ipv4(udp(new Uint8Array(10)).subarray(0, 12))));
  const tiny = ipPacket(ether(ipv4(new Uint8Array(4), { proto: 17 })));
  const two = harness(setUDP, '', { outputs: ['push', 'push'] });
  two.push(0, frag, short, tiny);
  t.equal(two.outputs[1]!.length, 3, 'to output 1 when it exists');
  t.same(two.stderr, [], 'no message with two outputs');

  const attachments = new Map<string, unknown>();
  const a = harness(setUDP, '', { name: 'a', attachments });
  const b = harness(setUDP, '', { name: 'b', attachments });
  a.push(0, ipPacket(frames.udp({ frag: 0x0010 })));
  b.push(0, ipPacket(frames.udp({ frag: 0x2000 })));
  a.push(0, ipPacket(frames.udp({ frag: 0x2000 })));
  t.same([...a.stderr, ...b.stderr], ['a :: SetUDPChecksum: fragment or short packet'], 'one message per router');
  t.equal(a.element.stats.dropped + b.element.stats.dropped, 3);
});

t.test('SetUDPChecksum: a packet without an IP header annotation is dropped', async (t) => {
  const h = harness(setUDP);
  h.push(0, pkt(frames.udp()));
  t.equal(h.element.stats.dropped, 1);
});

t.test('SetTCPChecksum: checksum, bad lengths, FIXOFF', async (t) => {
  const good = frames.tcp({ payload: Uint8Array.from([9, 8, 7]) });
  const broken = good.slice();
  broken[14 + 36] = 0;
  broken[14 + 37] = 0;
  const h = harness(setTCP);
  h.push(0, ipPacket(broken));
  t.same(h.outputs[0]![0]!.data, good.subarray(14));

  const short = ipPacket(ether(ipv4(tcp(new Uint8Array(0)).subarray(0, 12), { proto: 6 })));
  const lying = ipPacket(ether(ipv4(tcp(new Uint8Array(0)), { proto: 6, totalLength: 60 })));
  h.push(0, short, lying, pkt(good));
  t.equal(h.element.stats.dropped, 3, 'short, longer than the data, no IP header');
  t.same(h.stderr, Array(3).fill('SetTCPChecksum: bad lengths'));

  const fix = harness(setTCP, 'true');
  const badOff = good.slice();
  badOff[14 + 32] = 0x20; // header length 8 bytes
  fix.push(0, ipPacket(badOff));
  t.equal(fix.outputs[0]![0]!.data[32]! >> 4, 5, 'raised to 5 words');
  const tooLong = good.slice();
  tooLong[14 + 32] = 0xf0; // 60 bytes, more than the 23-byte payload
  fix.push(0, ipPacket(tooLong));
  t.equal(fix.outputs[0]![1]!.data[32]! >> 4, 5, 'lowered to the payload length in words');
  t.equal(configError(setTCP, 'maybe'), "FIXOFF: 'maybe' is not a boolean (true/false)");
});

t.test('CheckUDPHeader: passes good packets, classifies failures', async (t) => {
  const good = ipPacket(frames.udp());
  const noSum = ipPacket(ether(ipv4(udp(new Uint8Array(4), { checksum: 0 }))));
  const badSum = ipPacket(ether(ipv4(udp(new Uint8Array(4), { checksum: 0xbeef }))));
  const notUDP = ipPacket(frames.tcp());
  const badLen = ipPacket(ether(ipv4(udp(new Uint8Array(4)).map((v, i) => (i === 5 ? 40 : v)))));
  const truncated = ipPacket(ether(ipv4(new Uint8Array(5), { proto: 17 })));
  const h = harness(checkUDP, 'DETAILS true', { outputs: ['push', 'push'] });
  h.push(0, good, noSum, badSum, notUDP, badLen, truncated, pkt(frames.udp()));
  t.equal(h.outputs[0]!.length, 2);
  t.equal(h.outputs[1]!.length, 5);
  t.equal(h.read('drops'), '5');
  t.equal(h.read('drop_details'), '2\tnot UDP\n2\tbad packet length\n1\tbad UDP checksum\n');
  t.same(h.stderr, ['UDP header check failed: bad UDP checksum'], 'first failure only');

  const v = harness(checkUDP, 'VERBOSE true');
  v.push(0, ipPacket(frames.tcp()), ipPacket(frames.tcp()));
  t.equal(v.stderr.length, 2);
  t.equal(v.element.stats.dropped, 2, 'dropped without output 1');
  t.throws(() => v.read('drop_details'), /no 'drop_details' read handler/);
});

t.test('CheckTCPHeader: passes good packets, classifies failures', async (t) => {
  const good = ipPacket(frames.tcp({ payload: Uint8Array.from([1, 2, 3]) }));
  const bad = frames.tcp();
  bad[14 + 36] ^= 1;
  const shortHdr = frames.tcp();
  shortHdr[14 + 32] = 0x40;
  const longHdr = frames.tcp();
  longHdr[14 + 32] = 0x60;
  const h = harness(checkTCP, 'DETAILS true', { name: 'ct', outputs: ['push', 'push'] });
  h.push(0, good, ipPacket(bad), ipPacket(frames.udp()), ipPacket(shortHdr), ipPacket(longHdr));
  t.equal(h.outputs[0]!.length, 1);
  t.equal(h.read('drops'), '4');
  t.equal(h.read('drop_details'), '1\tnot TCP\n2\tbad packet length\n1\tbad TCP checksum\n');
  t.same(h.stderr, ['ct :: CheckTCPHeader: TCP header check failed: bad TCP checksum']);
  t.equal(configError(checkTCP, 'VERBOSE 3'), "VERBOSE: '3' is not a boolean (true/false)");
  t.equal(configError(checkTCP, 'FOO 1'), "unknown argument 'FOO'");
});

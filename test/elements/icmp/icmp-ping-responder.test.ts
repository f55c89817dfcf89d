import t from 'tap';
import { spec } from '../../../elements/icmp/icmp-ping-responder.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { harness } from '../../util/element-harness.js';
import { ether, frames, icmp, ipPacket, ipv4, pkt } from '../../util/packets.js';


t.test('turns an echo request into its reply', async (t) => {
  const h = harness(spec, '', { now: 7_000_000_000n });
  const p = ipPacket(frames.icmpEcho({ src: '10.0.0.2', dst: '10.0.0.1', ttl: 17, frag: 0x4000 }));
  p.paint = 9;
  h.push(0, p);
  const q = h.outputs[0]![0]!;
  const d = q.data;
  t.same([...d.subarray(12, 20)], [10, 0, 0, 1, 10, 0, 0, 2], 'addresses swapped');
  t.same([d[6], d[7], d[8]], [0, 0, 255], 'fragment field cleared, TTL 255');
  t.equal(checksum(d, 0, 20), 0, 'IP checksum still valid');
  t.same([d[20], d[21]], [0, 0], 'echo reply');
  t.equal(checksum(d, 20, d.length - 20), 0, 'ICMP checksum still valid');
  t.equal(q.dstIP, 0x0a000002);
  t.equal(q.paint, 0);
  t.equal(q.tsSec, 7);
});

t.test('an all-zero reply gets checksum 0xFFFF, as Click fixes it', async (t) => {
  const h = harness(spec);
  h.push(0, ipPacket(ether(ipv4(icmp(8, 0, new Uint8Array(4)), { proto: 1 }))));
  const d = h.outputs[0]![0]!.data;
  t.same([d[22], d[23]], [0xff, 0xff]);
});

t.test('other packets go to output 1, or are dropped', async (t) => {
  const two = harness(spec, '', { outputs: ['push', 'push'] });
  const shortEcho = ipPacket(ether(ipv4(Uint8Array.from([8, 0, 0, 0]), { proto: 1 })));
  two.push(0, ipPacket(frames.udp()), ipPacket(ether(ipv4(icmp(0, 0), { proto: 1 }))), shortEcho);
  t.equal(two.outputs[1]!.length, 3);
  const one = harness(spec);
  one.push(0, ipPacket(frames.udp()), pkt(frames.icmpEcho()));
  t.equal(one.element.stats.dropped, 2, 'non-echo and a packet without IP header annotation');
});

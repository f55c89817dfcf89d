import t from 'tap';
import { spec, type DecIPTTLElement } from '../../../elements/ip/dec-ip-ttl.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ipv4 } from '../../util/packets.js';

const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };

function ipPacket(o: Parameters<typeof ipv4>[1]): Packet {
  const p = Packet.make(ipv4(new Uint8Array(8), o));
  p.setNetworkHeader(0, 20);
  return p;
}

t.test('decrements the TTL and keeps the checksum valid', async (t) => {
  const h = harness(spec, '', two);
  for (const ttl of [2, 64, 255]) h.push(0, ipPacket({ ttl }));
  const out = h.outputs[0]!;
  t.same(out.map((p) => p.data[8]), [1, 63, 254]);
  for (const p of out) t.equal(checksum(p.data, 0, 20), 0, 'valid checksum');
});

t.test("Click's incremental update, including the 0xFFFF corner", async (t) => {
  // A header whose checksum field is 0x0000 after the update from RFC 1624 arithmetic.
  const h = harness(spec);
  const p = ipPacket({ ttl: 10, checksum: 0xfeff });
  h.push(0, p);
  const d = h.outputs[0]![0]!.data;
  // ~(~0xfeff + 0xfeff) folded = ~(0x0100 + 0xfeff) = ~0xffff = 0x0000
  t.same([d[10], d[11]], [0, 0]);
});

t.test('expired packets go to output 1 unchanged, or are dropped', async (t) => {
  const h = harness<DecIPTTLElement>(spec, '', two);
  h.push(0, ipPacket({ ttl: 1 }), ipPacket({ ttl: 0 }));
  t.equal(h.outputs[1]!.length, 2);
  t.equal(h.outputs[1]![0]!.data[8], 1);
  t.equal(h.read('drops'), '2');
  const one = harness(spec);
  one.push(0, ipPacket({ ttl: 1 }));
  t.equal(one.element.stats.dropped, 1);
});

t.test('MULTICAST false and ACTIVE false leave packets alone', async (t) => {
  const m = harness(spec, 'MULTICAST false');
  m.push(0, ipPacket({ ttl: 5, dst: '224.0.0.5' }), ipPacket({ ttl: 5, dst: '10.0.0.5' }));
  t.same(m.outputs[0]!.map((p) => p.data[8]), [5, 4]);
  const a = harness<DecIPTTLElement>(spec, 'ACTIVE false');
  a.push(0, ipPacket({ ttl: 1 }));
  t.equal(a.outputs[0]!.length, 1);
  t.equal(a.read('active'), 'false');
  a.write('active', 'true');
  a.push(0, ipPacket({ ttl: 9 }));
  t.equal(a.outputs[0]![1]!.data[8], 8);
  t.throws(() => a.write('active', 'perhaps'));
});

t.test('shared packets are copied before writing', async (t) => {
  const h = harness(spec);
  const p = ipPacket({ ttl: 9 });
  const clone = p.clone();
  h.push(0, p);
  t.equal(clone.data[8], 9);
  t.equal(h.outputs[0]![0]!.data[8], 8);
});

t.test('packets without an IP header are dropped, not thrown', async (t) => {
  const h = harness(spec, '', two);
  h.push(0, Packet.make(ipv4(new Uint8Array(4))), Packet.make(new Uint8Array(3)));
  const short = Packet.make(new Uint8Array(10));
  short.setNetworkHeader(0, 20);
  h.push(0, short);
  t.equal(h.element.stats.dropped, 3);
});

t.test('configuration errors', async (t) => {
  t.match(configError(spec, 'MULTICAST 3'), /MULTICAST/);
  t.match(configError(spec, 'FOO true'), /unknown argument/);
});

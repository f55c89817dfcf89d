import t from 'tap';
import { spec, type IPFragmenterElement } from '../../../elements/ip/ip-fragmenter.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ipv4 } from '../../util/packets.js';

const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };

function ipPacket(payload: number, o: Parameters<typeof ipv4>[1] = {}): Packet {
  const data = Uint8Array.from({ length: payload }, (_, i) => i & 255);
  const p = Packet.make(ipv4(data, o));
  const hl = (p.data[0]! & 15) * 4;
  p.setNetworkHeader(0, hl);
  return p;
}

const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

t.test('small packets pass unchanged', async (t) => {
  const h = harness(spec, '100');
  const p = ipPacket(80);
  h.push(0, p);
  t.equal(h.outputs[0]![0], p);
  t.equal(h.read('fragments'), '0');
});

t.test('fragments carry 8-byte multiples, offsets, MF, lengths and checksums', async (t) => {
  const h = harness<IPFragmenterElement>(spec, '100');
  const p = ipPacket(200, { id: 0x4242 });
  p.paint = 7;
  h.push(0, p);
  const out = h.outputs[0]!;
  t.same(out.map((q) => q.length), [100, 100, 60]);
  t.same(out.map((q) => u16(q.data, 6)), [0x2000, 0x2000 + 10, 20]);
  t.same(out.map((q) => u16(q.data, 2)), [100, 100, 60]);
  t.same(out.map((q) => u16(q.data, 4)), [0x4242, 0x4242, 0x4242]);
  for (const q of out) t.equal(checksum(q.data, 0, 20), 0);
  const payload = out.flatMap((q) => [...q.data.subarray(20)]);
  t.same(payload, Array.from({ length: 200 }, (_, i) => i & 255), 'payload reassembles');
  t.equal(out[2]!.paint, 7, 'annotations copied');
  t.equal(out[2]!.networkHeaderOffset, 0);
  t.equal(h.read('fragments'), '3');
  const s = h.element.stats;
  t.same([s.in, s.created, s.out, s.dropped], [1, 2, 3, 0], 'later fragments are created packets');
});

t.test('a fragment keeps MF on its last piece; offsets add to its own', async (t) => {
  const h = harness(spec, '60');
  h.push(0, ipPacket(80, { frag: 0x2000 | 5 }));
  const out = h.outputs[0]!;
  t.same(out.map((q) => u16(q.data, 6)), [0x2005, 0x2005 + 5], 'MF stays on the last piece');
});

t.test('only options with the copy bit go to later fragments', async (t) => {
  const h = harness(spec, '60');
  // Record Route (7, not copied) then Loose Source Route (131, copied): 8 + 8 + padding.
  const options = [7, 7, 4, 0, 0, 0, 0, 1, 131, 7, 4, 1, 2, 3, 4, 0];
  h.push(0, ipPacket(64, { options }));
  const out = h.outputs[0]!;
  t.equal(out[0]!.data[0], 0x49, 'first fragment keeps all options');
  t.equal(out[1]!.data[0], 0x47, 'later fragments: 20 + 7 copied bytes padded to 8');
  t.same([...out[1]!.data.subarray(20, 28)], [131, 7, 4, 1, 2, 3, 4, 0]);
  for (const q of out) t.equal(checksum(q.data, 0, (q.data[0]! & 15) * 4), 0);
});

t.test('a zero option length ends the option copy instead of looping', async (t) => {
  const h = harness(spec, '60');
  h.push(0, ipPacket(64, { options: [131, 0, 0, 0] }));
  const out = h.outputs[0]!;
  t.equal(out.length, 2);
  t.equal(out[1]!.data[0], 0x45, 'later fragment without options');
});

t.test('DF packets go to output 1 with five messages at most', async (t) => {
  const h = harness(spec, '100', two);
  for (let i = 0; i < 7; i++) h.push(0, ipPacket(200, { frag: 0x4000, src: '10.0.0.7', dst: '192.0.2.4' }));
  t.equal(h.outputs[1]!.length, 7);
  t.equal(h.read('drops'), '7');
  t.same(h.stderr, Array(5).fill('IPFragmenter(100) DF 10.0.0.7 192.0.2.4 len=220'));
  const v = harness(spec, '100, VERBOSE true');
  for (let i = 0; i < 7; i++) v.push(0, ipPacket(200, { frag: 0x4000 }));
  t.equal(v.stderr.length, 7);
  t.equal(v.element.stats.dropped, 7, 'dropped without output 1');
});

t.test('HONOR_DF false fragments DF packets with a new identifier', async (t) => {
  const h = harness(spec, '100, false');
  h.push(0, ipPacket(200, { frag: 0x4000, id: 0x1111 }));
  const out = h.outputs[0]!;
  t.equal(out.length, 3);
  t.equal(u16(out[0]!.data, 6) & 0x4000, 0, 'DF cleared');
  t.not(u16(out[0]!.data, 4), 0x1111);
  t.equal(u16(out[1]!.data, 4), u16(out[0]!.data, 4));
});

t.test('an MTU too small for 8 data bytes diverts the packet', async (t) => {
  const h = harness(spec, '24', two);
  h.push(0, ipPacket(100));
  t.equal(h.outputs[1]!.length, 1);
});

t.test('malformed packets are dropped, not thrown', async (t) => {
  const h = harness(spec, '40', two);
  h.push(0, Packet.make(new Uint8Array(100)));
  const lying = ipPacket(100, { totalLength: 1000 });
  h.push(0, lying);
  const badHl = ipPacket(100, { hl: 3 });
  h.push(0, badHl);
  t.equal(h.element.stats.dropped, 3);
  t.equal(h.outputs[0]!.length + h.outputs[1]!.length, 0);
});

t.test('configuration errors', async (t) => {
  t.match(configError(spec, ''), /MTU/);
  t.equal(configError(spec, '7'), 'MTU must be at least 8');
  t.match(configError(spec, '576, HEADROOM x'), /HEADROOM/);
});

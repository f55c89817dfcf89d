import t from 'tap';
import { spec as CheckLength } from '../../../elements/standard/check-length.js';
import { spec as Counter } from '../../../elements/standard/counter.js';
import { spec as StoreData } from '../../../elements/standard/store-data.js';
import { spec as Strip } from '../../../elements/standard/strip.js';
import { spec as StripToNetworkHeader } from '../../../elements/standard/strip-to-network-header.js';
import { spec as Truncate } from '../../../elements/standard/truncate.js';
import { spec as Pad } from '../../../elements/standard/pad.js';
import { spec as Unstrip } from '../../../elements/standard/unstrip.js';
import { ANNO, Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { frames as make, hex, pkt, toHex } from '../../util/packets.js';
import { forward } from './chain.js';
import { caseFrames, casePackets, expectedHandlers, hexAll } from '../../util/conformance-cases.js';

const push2 = ['push', 'push'] as ('push' | 'pull')[];

t.test('conformance 20: CheckLength(100), Truncate(96), StoreData(0, \\<ff ff ff ff ff ff>)', async (t) => {
  const cl = harness(CheckLength, '100', { outputs: push2 });
  const short = harness(Counter);
  const trunc = harness(Truncate, '96');
  const store = harness(StoreData, '0, \\<ff ff ff ff ff ff>');
  const long = harness(Counter);
  for (const p of casePackets('20-check-length-store')) {
    cl.push(0, p);
    forward(cl, 0, short);
    forward(cl, 1, trunc);
    forward(trunc, 0, store);
    forward(store, 0, long);
  }
  const expected = expectedHandlers('20-check-length-store');
  t.equal(short.read('count'), expected['short.count']);
  t.equal(long.read('count'), expected['long.count']);
  t.same(hexAll(short.outputs[0]!), hexAll(caseFrames('20-check-length-store', 'expected/short.pcap')));
  t.same(hexAll(long.outputs[0]!), hexAll(caseFrames('20-check-length-store', 'expected/long.pcap')));
});

t.test('CheckLength: at most LENGTH to output 0, longer to 1 or dropped', async (t) => {
  const h = harness(CheckLength, '10', { outputs: push2 });
  h.push(0, pkt(new Uint8Array(10)), pkt(new Uint8Array(11)), pkt(new Uint8Array(0)));
  t.same(h.outputs.map((o) => o.map((p) => p.length)), [[10, 0], [11]]);
  t.equal(h.read('length'), '10');
  h.write('length', '11');
  h.push(0, pkt(new Uint8Array(11)));
  t.equal(h.outputs[0]!.length, 3);
  t.throws(() => h.write('length', '-1'), /length/);
  const one = harness(CheckLength, '5');
  one.push(0, pkt(new Uint8Array(6)));
  t.equal(one.element.stats.dropped, 1);
  const pulled = harness(CheckLength, '5', { inputs: ['pull'], outputs: ['pull', 'push'] });
  pulled.pullable[0]!.push(pkt(new Uint8Array(3)), pkt(new Uint8Array(9)));
  t.equal(pulled.pull(0, 2).length, 1);
  t.equal(pulled.outputs[1]!.length, 1);
  t.match(configError(CheckLength, ''), /missing mandatory argument LENGTH/);
});

t.test('Strip and Unstrip move the data start; stripped bytes come back', async (t) => {
  const frame = make.udp();
  const s = harness(Strip, '14');
  s.push(0, pkt(frame));
  const stripped = s.outputs[0]![0]!;
  t.equal(toHex(stripped.data), toHex(frame.subarray(14)));
  const u = harness(Unstrip, '14');
  u.push(0, stripped);
  t.equal(toHex(u.outputs[0]![0]!.data), toHex(frame), 'Unstrip restores the Ethernet header');
  const short = harness(Strip, '14');
  short.push(0, pkt(new Uint8Array(5)));
  t.equal(short.outputs[0]![0]!.length, 0, 'a runt becomes empty, not an error');
  const fresh = harness(Unstrip, '100');
  fresh.push(0, pkt(hex('aabb')));
  const grown = fresh.outputs[0]![0]!;
  t.equal(grown.length, 102, 'more than the headroom: the packet grows');
  t.equal(toHex(grown.data.subarray(100)), 'aabb');
  t.match(configError(Strip, '-1'), /LENGTH/);
  t.match(configError(Unstrip, ''), /missing mandatory argument/);
});

t.test('StripToNetworkHeader uses the network header annotation', async (t) => {
  const frame = make.udp();
  const h = harness(StripToNetworkHeader);
  const p = pkt(frame);
  p.setNetworkHeader(14, 20);
  h.push(0, p);
  t.equal(toHex(h.outputs[0]![0]!.data), toHex(frame.subarray(14)));
  const back = pkt(frame);
  back.setNetworkHeader(14, 20);
  back.pull(20);
  h.push(0, back);
  t.equal(toHex(h.outputs[0]![1]!.data), toHex(frame.subarray(14)), 'a header before the data start: moves back');
  h.push(0, pkt(frame));
  t.equal(h.element.stats.dropped, 1, 'no network header annotation: dropped and counted');
  t.equal(h.outputs[0]!.length, 2);
});

t.test('Truncate shortens and records the extra length', async (t) => {
  const h = harness(Truncate, '4');
  const p = pkt(hex('0102030405060708'));
  p.setAnnoU32(ANNO.EXTRA_LENGTH, 10);
  h.push(0, p, pkt(hex('0102')));
  t.equal(toHex(h.outputs[0]![0]!.data), '01020304');
  t.equal(h.outputs[0]![0]!.annoU32(ANNO.EXTRA_LENGTH), 14);
  t.equal(h.outputs[0]![1]!.length, 2, 'short packets unchanged');
  t.equal(h.outputs[0]![1]!.annoU32(ANNO.EXTRA_LENGTH), 0);
  const plain = harness(Truncate, '4, EXTRA_LENGTH false');
  plain.push(0, pkt(new Uint8Array(10)));
  t.equal(plain.outputs[0]![0]!.annoU32(ANNO.EXTRA_LENGTH), 0);
  h.write('nbytes', '1');
  t.equal(h.read('nbytes'), '1');
  t.throws(() => h.write('nbytes', 'x'), /nbytes/);
  t.match(configError(Truncate, '4, EXTRA_LENGTH maybe'), /EXTRA_LENGTH/);
});

t.test('StoreData: overwrite, stay inside the packet, mask and grow', async (t) => {
  const store = (config: string, data: string): string => {
    const h = harness(StoreData, config);
    h.push(0, pkt(hex(data)));
    return toHex(h.outputs[0]![0]!.data);
  };
  t.equal(store('1, \\<aabb>', '00000000'), '00aabb00');
  t.equal(store('2, \\<aabbcc>', '00000000'), '0000aabb', 'bytes past the end are not written');
  t.equal(store('4, \\<aa>', '00000000'), '00000000', 'a packet no longer than OFFSET passes unchanged');
  t.equal(store('0, \\<ff00>, \\<0ff0>', '1234'), '1f04', 'MASK keeps the bits it does not set');
  t.equal(store('3, \\<aabb>, GROW true', '0000'), '000000aabb', 'GROW extends the packet');
  t.equal(store('0, "AB"', '0000'), '4142');
  const shared = pkt(hex('0000'));
  const clone = shared.clone();
  const h = harness(StoreData, '0, \\<ee>');
  h.push(0, clone);
  t.equal(toHex(shared.data), '0000', 'a clone is copied before it is written');
  t.match(configError(StoreData, '0'), /missing mandatory argument DATA/);
  t.match(configError(StoreData, '0, \\<aabb>, \\<ff>'), /MASK must be as long as DATA/);
  t.match(configError(StoreData, '0, \\<abc>'), /DATA/);
});

t.test('packet-shape elements never throw on empty packets', async (t) => {
  const empty = () => Packet.make(0);
  for (const [spec, config] of [[Strip, '3'], [Unstrip, '3'], [Truncate, '0'], [StoreData, '0, \\<01>'], [CheckLength, '0']] as const) {
    const h = harness(spec, config);
    t.doesNotThrow(() => h.push(0, empty()), spec.name);
    t.equal(h.outputs[0]!.length, 1, spec.name);
  }
});

t.test('Pad: zeros up to LENGTH, or the extra-length annotation\'s bytes; the annotation is cleared', async (t) => {
  const h = harness(Pad, '');
  const cut = Packet.make(hex('01020304'));
  cut.setAnnoU32(ANNO.EXTRA_LENGTH, 3);
  h.push(0, cut, Packet.make(hex('0506')));
  t.same(h.outputs[0]!.map((p) => toHex(p.data)), ['01020304000000', '0506']);
  t.equal(h.outputs[0]![0]!.annoU32(ANNO.EXTRA_LENGTH), 0);
  const l = harness(Pad, '6');
  const q = Packet.make(hex('0102'));
  q.setAnnoU32(ANNO.EXTRA_LENGTH, 9);
  l.push(0, q, Packet.make(hex('0102030405060708')));
  t.same(l.outputs[0]!.map((p) => toHex(p.data)), ['010200000000', '0102030405060708'], 'LENGTH ignores the annotation');
  t.equal(l.outputs[0]![0]!.annoU32(ANNO.EXTRA_LENGTH), 0, 'and clears it');
  const big = Packet.make(hex('01'));
  big.setAnnoU32(ANNO.EXTRA_LENGTH, 0xffffffff);
  h.push(0, big);
  t.equal(h.element.stats.dropped, 1, 'a pad past 16 MiB drops the packet');
  t.equal(configError(Pad, '-1'), 'LENGTH: -1 is out of range (0 to 4294967295)');
});

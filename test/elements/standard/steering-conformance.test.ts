// Conformance cases 11 and 17 reproduced with harnessed elements: the same
// frames, the same element chain, Click's expected packets and counts.

import t from 'tap';
import { spec as Counter } from '../../../elements/standard/counter.js';
import { spec as HashSwitch } from '../../../elements/standard/hash-switch.js';
import { spec as Paint } from '../../../elements/standard/paint.js';
import { spec as PaintSwitch } from '../../../elements/standard/paint-switch.js';
import { spec as RoundRobinSwitch } from '../../../elements/standard/round-robin-switch.js';
import { spec as Tee } from '../../../elements/standard/tee.js';
import { spec as Truncate } from '../../../elements/standard/truncate.js';
import { ANNO } from '../../../host-engine/packet.js';
import { harness } from '../../util/element-harness.js';
import { forward, take } from './chain.js';
import { caseFrames, casePackets, expectedHandlers, hexAll } from '../../util/conformance-cases.js';

const push = (n: number) => Array.from({ length: n }, () => 'push' as const);

t.test('conformance 11: Tee, Paint, PaintSwitch, Truncate', async (t) => {
  const tee = harness(Tee, '2', { outputs: push(2) });
  const paint1 = harness(Paint, '1');
  const paint2 = harness(Paint, '2');
  const sw = harness(PaintSwitch, '', { outputs: push(3) });
  const one = harness(Counter);
  const trunc = harness(Truncate, '40');
  const two = harness(Counter);
  const discarded: number[] = [];
  for (const p of casePackets('11-paint-tee')) {
    tee.push(0, p);
    // Depth first, as Click: the clone on output 0 travels all the way before the original.
    for (const port of [0, 1]) {
      const paint = port === 0 ? paint1 : paint2;
      forward(tee, port, paint);
      forward(paint, 0, sw);
      discarded.push(take(sw, 0).length);
      forward(sw, 1, one);
      forward(sw, 2, trunc);
      forward(trunc, 0, two);
    }
  }
  const expected = expectedHandlers('11-paint-tee');
  t.equal(one.read('count'), expected['one.count']);
  t.equal(two.read('count'), expected['two.count']);
  t.equal(two.read('byte_count'), expected['two.byte_count']);
  t.equal(discarded.reduce((a, b) => a + b, 0), 0, 'nothing painted 0');
  t.same(hexAll(one.outputs[0]!), hexAll(caseFrames('11-paint-tee', 'expected/one.pcap')));
  t.same(hexAll(two.outputs[0]!), hexAll(caseFrames('11-paint-tee', 'expected/two.pcap')));
  const original = casePackets('11-paint-tee');
  const cut = two.outputs[0]!.map((p, i) => p.annoU32(ANNO.EXTRA_LENGTH) === Math.max(0, original[i]!.length - 40));
  t.ok(cut.every(Boolean), "Truncate records the removed bytes in the extra-length annotation");
  t.equal(tee.element.stats.created, 300, 'one clone per frame');
});

t.test('conformance 17: HashSwitch(26, 4) and RoundRobinSwitch', async (t) => {
  const hs = harness(HashSwitch, '26, 4', { outputs: push(3) });
  const s = [harness(Counter), harness(Counter), harness(Counter)];
  const rr = harness(RoundRobinSwitch, '', { outputs: push(2) });
  for (const p of casePackets('17-load-balance')) {
    // The case's Classifier(12/0800) keeps IPv4 frames only.
    if (p.length < 14 || p.data[12] !== 0x08 || p.data[13] !== 0x00) continue;
    hs.push(0, p);
    for (let k = 0; k < 3; k++) forward(hs, k, s[k]!);
    forward(s[2]!, 0, rr);
  }
  const expected = expectedHandlers('17-load-balance');
  t.equal(s[0]!.read('count'), expected['s0.count']);
  t.equal(s[1]!.read('count'), expected['s1.count']);
  t.equal(s[2]!.read('count'), expected['s2.count']);
  t.same([106, 69, 74], s.map((h) => Number(h.read('count'))));
  t.same(hexAll(s[0]!.outputs[0]!), hexAll(caseFrames('17-load-balance', 'expected/s0.pcap')));
  t.same(hexAll(s[1]!.outputs[0]!), hexAll(caseFrames('17-load-balance', 'expected/s1.pcap')));
  t.same(hexAll(rr.outputs[0]!), hexAll(caseFrames('17-load-balance', 'expected/s2a.pcap')));
  t.same(hexAll(rr.outputs[1]!), hexAll(caseFrames('17-load-balance', 'expected/s2b.pcap')));
});

// Conformance case 09 (RadixIPLookup): every IPv4 packet that passes
// CheckIPHeader is routed by its destination (GetIPAddress(16) sets the
// same annotation CheckIPHeader does) and must leave on the output whose
// capture holds it, in order, byte for byte after Unstrip(14).
import t from 'tap';
import { spec } from '../../../elements/routing/radix-ip-lookup.js';
import { harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { caseFrames } from '../../util/conformance-cases.js';
import { checkedIPPackets, unstrip } from '../../util/upstream-elements.js';

const CASE = '09-route-lookup';

t.test('case 09: packets per output match Click byte for byte', async (t) => {
  const h = harness(spec, '10.0.0.0/24 0, 10.0.0.8/29 1, 192.0.2.0/24 10.0.0.254 2, 0.0.0.0/0 192.0.2.254 3', {
    outputs: ['push', 'push', 'push', 'push'],
  });
  const input = checkedIPPackets(caseFrames(CASE, 'in.pcap'));
  h.push(0, ...input);
  const names = ['if0', 'if1', 'if2', 'default'];
  let total = 0;
  names.forEach((name, port) => {
    const expected = caseFrames(CASE, `expected/${name}.pcap`).map(toHex);
    const got = h.outputs[port]!.map((p) => toHex(unstrip(p)));
    t.equal(got.length, expected.length, `${name}: packet count`);
    t.same(got, expected, `${name}: bytes`);
    total += expected.length;
  });
  t.equal(total, input.length, 'every checked packet has a route (0/0)');
  t.equal(h.element.stats.dropped, 0);
});

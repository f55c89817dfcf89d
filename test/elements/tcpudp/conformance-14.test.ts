// Conformance case 14 (SetUDPChecksum): UDP packets get DSCP 46 and
// destination 198.51.100.77, then SetUDPChecksum, then a fresh IP checksum;
// other packets pass unchanged. Fragments and short UDP packets are dropped
// by SetUDPChecksum with one message for the whole router.
import t from 'tap';
import { spec } from '../../../elements/tcpudp/set-udp-checksum.js';
import { harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { caseFrames } from '../../util/conformance-cases.js';
import { checkedIPPackets, setIPChecksum, unstrip } from '../../util/upstream-elements.js';

const CASE = '14-dscp-checksum';

t.test('case 14: output bytes and the SetUDPChecksum message match Click', async (t) => {
  const h = harness(spec, '', { name: 'SetUDPChecksum@12' });
  const out: string[] = [];
  for (const p of checkedIPPackets(caseFrames(CASE, 'in.pcap'))) {
    const d = p.writable();
    if (d[9] !== 17) {
      out.push(toHex(unstrip(p)));
      continue;
    }
    // SetIPDSCP(46), SetIPAddress + StoreIPAddress(16): SetIPChecksum below recomputes the IP checksum.
    d[1] = (d[1]! & 3) | (46 << 2);
    d.set([198, 51, 100, 77], 16);
    const before = h.outputs[0]!.length;
    h.push(0, p);
    if (h.outputs[0]!.length === before) continue; // dropped by SetUDPChecksum
    const q = h.outputs[0]![before]!;
    setIPChecksum(q.writable());
    out.push(toHex(unstrip(q)));
  }
  const expected = caseFrames(CASE, 'expected/out.pcap').map(toHex);
  t.equal(out.length, expected.length, 'packet count');
  t.same(out, expected, 'bytes');
  t.same(h.stderr, ['SetUDPChecksum@12 :: SetUDPChecksum: fragment or short packet']);
  t.ok(h.element.stats.dropped > 1, 'several fragments dropped, one message');
});

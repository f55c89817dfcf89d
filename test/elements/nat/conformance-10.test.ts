// Conformance case 10 (IPRewriter source NAT): inside flows leave through
// output 0 (then SetIPChecksum), replies come back through input 1 and
// output 1; both captures and rw.nmappings must match Click exactly.
import t from 'tap';
import { spec } from '../../../elements/nat/ip-rewriter.js';
import { toHex } from '../../util/packets.js';
import { caseFrames, caseText } from '../../util/conformance-cases.js';
import { checkedIPPackets, setIPChecksum, unstrip } from '../../util/upstream-elements.js';
import { rewriter } from './rewriter-setup.js';

const CASE = '10-nat-rewriter';

t.test('case 10: out.pcap, back.pcap and nmappings match Click', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 1024-65535 - - 0 1, drop');
  for (const p of checkedIPPackets(caseFrames(CASE, 'in.pcap'))) {
    // IPClassifier(src net 10.0.0.0/24 && (tcp || udp), dst host 192.0.2.1 && (tcp || udp), -)
    const d = p.data;
    const tcpOrUdp = d[9] === 6 || d[9] === 17;
    if (tcpOrUdp && d[12] === 10 && d[13] === 0 && d[14] === 0) rw.push(0, p);
    else if (tcpOrUdp && d[16] === 192 && d[17] === 0 && d[18] === 2 && d[19] === 1) rw.push(1, p);
  }
  const out = rw.outputs[0]!.map((p) => {
    setIPChecksum(p.writable());
    return toHex(unstrip(p));
  });
  const back = rw.outputs[1]!.map((p) => toHex(unstrip(p)));
  const expectedOut = caseFrames(CASE, 'expected/out.pcap').map(toHex);
  const expectedBack = caseFrames(CASE, 'expected/back.pcap').map(toHex);
  t.equal(out.length, expectedOut.length, 'out.pcap count');
  t.same(out, expectedOut, 'out.pcap bytes');
  t.equal(back.length, expectedBack.length, 'back.pcap count');
  t.same(back, expectedBack, 'back.pcap bytes');
  t.equal(rw.read('nmappings'), caseText(CASE, 'expected/stdout.txt').trim(), 'rw.nmappings');
  t.equal(rw.read('patterns'), '192.0.2.1 1024-65535 - - [40]\n<drop>\n');
  t.equal(rw.read('size'), '40');
});

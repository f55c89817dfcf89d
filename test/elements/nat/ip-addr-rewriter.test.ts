import t from 'tap';
import { spec } from '../../../elements/nat/ip-addr-rewriter.js';
import { spec as pairSpec } from '../../../elements/nat/ip-addr-pair-rewriter.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { transportChecksum } from '../../../elements/lib/transport-checksum.js';
import { configError } from '../../util/element-harness.js';
import { rewriter, SEC } from './rewriter-setup.js';
import { addrAt, frames, ipPacket, pkt } from '../../util/packets.js';


t.test('maps source addresses from a range, any protocol, both ways', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.10-192.0.2.11# - 0 1, drop');
  rw.push(0, ipPacket(frames.tcp({ src: '10.0.0.1' })), ipPacket(frames.icmpEcho({ src: '10.0.0.2' })), ipPacket(frames.udp({ src: '10.0.0.1' })));
  const out = rw.outputs[0]!;
  t.same(out.map((p) => addrAt(p.data, 12)), ['192.0.2.10', '192.0.2.11', '192.0.2.10'], 'sequential addresses, one per inside host');
  for (const p of out) t.equal(checksum(p.data, 0, 20), 0, 'IP checksum valid');
  t.equal(transportChecksum(out[0]!.data, 0, 20, out[0]!.length - 20), 0, 'TCP checksum follows the address');
  t.equal(transportChecksum(out[2]!.data, 0, 20, out[2]!.length - 20), 0, 'UDP checksum follows the address');
  t.equal(out[1]!.data[20], 8, 'ICMP untouched');

  rw.push(1, ipPacket(frames.udp({ src: '198.51.100.1', dst: '192.0.2.11' })), ipPacket(frames.udp({ src: '198.51.100.1', dst: '192.0.2.99' })));
  const back = rw.outputs[1]![0]!;
  t.equal(addrAt(back.data, 16), '10.0.0.2');
  t.equal(back.dstIP, 0x0a000002, 'destination annotation always set on replies');
  t.equal(rw.element.stats.dropped, 1, 'unmapped outside packet dropped');

  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.3' })));
  t.equal(rw.read('mapping_failures'), '1', 'range exhausted');
  t.equal(rw.read('nmappings'), '2');
  t.equal(rw.read('table'), [
    '10.0.0.1 => 192.0.2.10 [*0 1] i0 exp7200',
    '0.0.0.0 => 0.0.0.0 [0 *1] i0 exp7200',
    '10.0.0.2 => 192.0.2.11 [*0 1] i0 exp7200',
    '0.0.0.0 => 0.0.0.0 [0 *1] i0 exp7200',
    '',
  ].join('\n'));
  t.equal(rw.read('patterns'), '192.0.2.10-192.0.2.11 - [2]\n<drop>\n');
});

t.test('timeouts: GUARANTEE, then TIMEOUT; reaped every REAP_INTERVAL', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.10 - 0 1, drop, TIMEOUT 60, REAP_INTERVAL 10');
  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.1' })));
  rw.advanceTo(50n * SEC);
  t.equal(rw.read('size'), '1');
  rw.advanceTo(70n * SEC);
  t.equal(rw.read('size'), '0');
});

t.test('patterns must leave ports and destination alone; keep works', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.10 99 - - 0 1, keep 1 0');
  rw.push(0, ipPacket(frames.udp()));
  t.equal(rw.element.stats.dropped, 1, 'a port-changing pattern makes no mapping');
  t.equal(rw.read('mapping_failures'), '0');
  rw.push(1, ipPacket(frames.udp({ src: '10.0.0.7' })));
  t.equal(addrAt(rw.outputs[1]![0]!.data, 12), '10.0.0.7');
  rw.push(1, pkt(frames.udp()));
  t.equal(rw.element.stats.dropped, 2, 'no IP header annotation');
});

t.test('configuration errors', async (t) => {
  t.equal(configError(spec, 'drop', 2, 2), 'need 2 arguments, one per input port');
  t.equal(configError(spec, 'pattern 1.0.0.0/33 - 0 1', 1, 2), 'input spec 0: bad source address');
  t.equal(configError(spec, 'pattern 10.0.0.0/24 - 0 1, REPLY_ANNO 47', 1, 2), undefined);
  t.equal(configError(spec, 'pattern 10.0.0.0/24 - 0 1, REPLY_ANNO 48', 1, 2), 'REPLY_ANNO: annotation offset 48 is out of range');
});

t.test('IPAddrPairRewriter: address pairs, Click\'s IPAddrPairRewriter-01 sequence, checksums, table', async (t) => {
  const rw = rewriter(pairSpec, 'pattern 3.0.0.1-3.0.0.255# - 0 1, pattern 192.0.2.9 198.51.100.99 0 1');
  const pairs: [string, string][] = [['1.0.0.1', '9.9.9.9'], ['1.0.0.2', '9.9.9.8'], ['1.0.0.1', '9.9.9.9'], ['1.0.0.1', '9.9.9.7']];
  rw.push(0, ...pairs.map(([src, dst]) => ipPacket(frames.tcp({ src, dst }))));
  const out = rw.outputs[0]!;
  t.same(out.map((p) => `${addrAt(p.data, 12)} ${addrAt(p.data, 16)}`), ['3.0.0.1 9.9.9.9', '3.0.0.2 9.9.9.8', '3.0.0.1 9.9.9.9', '3.0.0.3 9.9.9.7'], 'one new source per pair');
  for (const p of out) {
    t.equal(checksum(p.data, 0, 20), 0, 'IP checksum valid');
    t.equal(transportChecksum(p.data, 0, 20, p.length - 20), 0, 'TCP checksum follows the addresses');
  }
  // A reply to the third mapping gets the original pair back, destination annotation set.
  rw.push(1, ipPacket(frames.udp({ src: '9.9.9.7', dst: '3.0.0.3' })));
  const back = rw.outputs[1]!;
  t.equal(back.length, 1);
  t.equal(`${addrAt(back[0]!.data, 12)} ${addrAt(back[0]!.data, 16)}`, '9.9.9.7 1.0.0.1');
  t.equal(back[0]!.dstIP, 0x01000001);
  t.equal(transportChecksum(back[0]!.data, 0, 20, back[0]!.length - 20), 0, 'UDP checksum follows the addresses');
  // Input 1's pattern changes both addresses, of any protocol; a zero UDP checksum stays zero.
  rw.push(1, ipPacket(frames.icmpEcho({ src: '10.0.0.5', dst: '203.0.113.1' })), ipPacket(frames.udp({ src: '10.0.0.6', dst: '203.0.113.2', checksum: 0 })));
  t.same(out.slice(4).map((p) => `${addrAt(p.data, 12)} ${addrAt(p.data, 16)}`), ['192.0.2.9 198.51.100.99', '192.0.2.9 198.51.100.99']);
  t.equal(out[5]!.data[26]! | out[5]!.data[27]!, 0, 'zero UDP checksum stays zero');
  t.equal(out[4]!.data[20], 8, 'ICMP header untouched');
  // The second flow took over the reply pair: the first one was destroyed.
  t.equal(rw.read('nmappings'), '4');
  t.equal(rw.read('table').split('\n')[0], '(1.0.0.1, 9.9.9.9) => (3.0.0.1, 9.9.9.9) [*0 1] i0 exp7200');
  t.match(rw.read('table'), '(9.9.9.7, 3.0.0.3) => (9.9.9.7, 1.0.0.1) [0 *1] i0 exp7200');
  t.match(rw.read('table'), '(10.0.0.6, 203.0.113.2) => (192.0.2.9, 198.51.100.99) [*0 1] i1 exp7200');
  t.notMatch(rw.read('table'), '10.0.0.5');
  t.equal(rw.read('patterns'), '3.0.0.1-3.0.0.255 - [3]\n192.0.2.9 198.51.100.99 [1]\n');
});

t.test('IPAddrPairRewriter: a pattern that changes ports makes no mapping', async (t) => {
  const rw = rewriter(pairSpec, 'pattern 192.0.2.10 99 - - 0 1, keep 1 0');
  rw.push(0, ipPacket(frames.udp()));
  t.equal(rw.element.stats.dropped, 1);
  t.equal(rw.read('nmappings'), '0');
  rw.push(1, ipPacket(frames.udp({ src: '10.0.0.7' })), pkt(frames.udp()));
  t.equal(addrAt(rw.outputs[1]![0]!.data, 12), '10.0.0.7', 'keep');
  t.equal(rw.element.stats.dropped, 2, 'no IP header annotation');
  t.equal(configError(pairSpec, 'drop', 2, 2), 'need 2 arguments, one per input port');
});

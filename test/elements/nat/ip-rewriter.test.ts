import t from 'tap';
import { spec } from '../../../elements/nat/ip-rewriter.js';
import { spec as rrMapper } from '../../../elements/nat/round-robin-ip-mapper.js';
import { spec as patternsSpec } from '../../../elements/nat/ip-rewriter-patterns.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { transportChecksum } from '../../../elements/lib/transport-checksum.js';
import type { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { rewriter, SEC } from './rewriter-setup.js';
import { addrAt, ether, frames, ipPacket, ipv4, pkt, udp } from '../../util/packets.js';

const port = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;
/** Source, source port, destination, destination port of an IP packet without options. */
const flow = (p: Packet) => `${addrAt(p.data, 12)}:${port(p.data, 20)} > ${addrAt(p.data, 16)}:${port(p.data, 22)}`;
function checksumsValid(p: Packet): boolean {
  const d = p.data;
  const hl = (d[0]! & 15) << 2;
  const l4 = d[9] === 17 && port(d, hl + 6) === 0 ? 0 : transportChecksum(d, 0, hl, d.length - hl);
  return checksum(d, 0, hl) === 0 && l4 === 0;
}

t.test('pattern: source NAT both ways, checksums stay valid', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 1024-65535 - - 0 1, drop');
  rw.push(0, ipPacket(frames.tcp({ src: '10.0.0.2', sport: 4000, dst: '198.51.100.5', dport: 80, payload: Uint8Array.from([1, 2, 3]) })));
  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.3', sport: 5000, dst: '198.51.100.5', dport: 53 })));
  const [a, b] = rw.outputs[0]!;
  t.equal(flow(a!), '192.0.2.1:4000 > 198.51.100.5:80', 'the packet\'s own port is kept when free');
  t.equal(flow(b!), '192.0.2.1:5000 > 198.51.100.5:53');
  t.ok(checksumsValid(a!) && checksumsValid(b!), 'checksums updated incrementally');
  t.equal(a!.dstIP, 0xc6336405, 'destination annotation');

  rw.push(1, ipPacket(frames.tcp({ src: '198.51.100.5', sport: 80, dst: '192.0.2.1', dport: 4000 })));
  rw.push(1, ipPacket(frames.udp({ src: '198.51.100.5', sport: 53, dst: '192.0.2.1', dport: 5000 })));
  rw.push(1, ipPacket(frames.udp({ src: '198.51.100.5', sport: 53, dst: '192.0.2.1', dport: 5001 })));
  const [c, d] = rw.outputs[1]!;
  t.equal(flow(c!), '198.51.100.5:80 > 10.0.0.2:4000');
  t.equal(flow(d!), '198.51.100.5:53 > 10.0.0.3:5000');
  t.ok(checksumsValid(c!) && checksumsValid(d!));
  t.equal(rw.element.stats.dropped, 1, 'unmapped reply dropped by the drop spec');
  t.equal(rw.read('nmappings'), '2');
  t.equal(rw.read('tcp_table'), [
    '(10.0.0.2, 4000, 198.51.100.5, 80) => (192.0.2.1, 4000, 198.51.100.5, 80) [*0 1] i0 exp300',
    '(198.51.100.5, 80, 192.0.2.1, 4000) => (198.51.100.5, 80, 10.0.0.2, 4000) [0 *1] i0 exp300',
    '',
  ].join('\n'));
  t.equal(rw.read('udp_table').split('\n').length, 3);
  t.equal(rw.read('tcp_lookup', '10.0.0.2 4000 198.51.100.5 www'), '192.0.2.1 4000 198.51.100.5 80');
  t.equal(rw.read('tcp_lookup', '10.0.0.9 4000 198.51.100.5 80'), '');
  t.throws(() => rw.read('tcp_lookup', '10.0.0.9 x'), /expected SADDR SPORT DADDR DPORT/);
});

t.test('port collisions: the source port is replaced; sequential ranges; full ranges fail', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 1024-1026 - - 0 1, pattern 192.0.2.2 2000-2001# - - 0 1');
  const from = (src: string, sport: number) => ipPacket(frames.udp({ src, sport, dst: '198.51.100.5', dport: 53 }));
  rw.push(0, from('10.0.0.1', 1024), from('10.0.0.2', 1024), from('10.0.0.3', 1024), from('10.0.0.4', 1024));
  const ports = rw.outputs[0]!.map((p) => port(p.data, 20));
  t.equal(ports[0], 1024);
  t.same([...ports].sort(), [1024, 1025, 1026], 'three distinct ports from the range');
  t.equal(rw.element.stats.dropped, 1, 'the fourth flow finds the range full');
  t.equal(rw.read('mapping_failures'), '1');

  rw.push(1, from('10.0.0.1', 7), from('10.0.0.2', 2001), from('10.0.0.3', 9));
  t.same(rw.outputs[0]!.slice(3).map((p) => port(p.data, 20)), [2000, 2001], 'sequential from the start, own port not preferred');
  t.equal(rw.read('patterns'), '192.0.2.1 1024-1026 - - [3]\n192.0.2.2 2000-2001 - - [2]\n');
});

t.test('keep and pass specs; non-TCP/UDP, later fragments and short packets', async (t) => {
  const rw = rewriter(spec, 'keep 0 1, pass 1');
  const out = ipPacket(frames.tcp({ src: '10.0.0.2', sport: 4000, dst: '198.51.100.5', dport: 80 }));
  rw.push(0, out);
  t.equal(flow(rw.outputs[0]![0]!), '10.0.0.2:4000 > 198.51.100.5:80', 'keep leaves the flow alone');
  rw.push(1, ipPacket(frames.tcp({ src: '198.51.100.5', sport: 80, dst: '10.0.0.2', dport: 4000 })));
  t.equal(rw.outputs[1]!.length, 1, 'the reply uses the mapping (ROUTPUT 1)');
  rw.push(1, ipPacket(frames.tcp({ src: '198.51.100.6', sport: 80, dst: '10.0.0.2', dport: 4000 })));
  t.equal(rw.outputs[1]!.length, 2, 'pass sends unmapped packets to its output');
  t.equal(rw.read('nmappings'), '1', 'pass makes no mapping');

  rw.push(1, ipPacket(frames.icmpEcho()));
  t.equal(rw.outputs[1]!.length, 3, 'ICMP passes on a pass input');
  rw.push(0, ipPacket(frames.icmpEcho()), ipPacket(frames.udp({ frag: 0x0004 })), ipPacket(ether(ipv4(Uint8Array.from([1, 2, 3, 4]), { proto: 17 }))), pkt(frames.udp()));
  t.equal(rw.element.stats.dropped, 4, 'ICMP, a later fragment, a 4-byte UDP packet and a packet without IP header dropped on a keep input');
  t.equal(rw.read('patterns'), '<keep> [1]\n<nochange>\n');
});

t.test('UDP: a zero checksum stays zero; DST_ANNO false; REPLY_ANNO', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 - - - 0 1, drop, DST_ANNO false, REPLY_ANNO PAINT');
  const first = ipPacket(ether(ipv4(udp(new Uint8Array(4), { checksum: 0, sport: 9, dport: 9 }), { src: '10.0.0.1', dst: '10.9.9.9' })));
  first.paint = 7;
  first.dstIP = 0x01020304;
  rw.push(0, first);
  const q = rw.outputs[0]![0]!;
  t.equal(port(q.data, 26), 0, 'no UDP checksum stays no checksum');
  t.equal(q.dstIP, 0x01020304, 'annotation untouched');
  const reply = ipPacket(ether(ipv4(udp(new Uint8Array(4), { sport: 9, dport: 9, src: '10.9.9.9', dst: '192.0.2.1' }), { src: '10.9.9.9', dst: '192.0.2.1' })));
  rw.push(1, reply);
  t.equal(rw.outputs[1]![0]!.paint, 7, 'reply annotation copied from the first packet');
  t.ok(checksumsValid(rw.outputs[1]![0]!));
});

t.test('timeouts, guarantees and reaping follow jiffies of engine time', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 - - - 0 1, drop, UDP_TIMEOUT 10, UDP_GUARANTEE 2, TCP_DONE_TIMEOUT 3, REAP_INTERVAL 1');
  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.1', sport: 1000 })));
  t.match(rw.read('udp_table'), /exp10\n/, 'guarantee then timeout: 10 s left');
  rw.advanceTo(5n * SEC);
  t.match(rw.read('udp_table'), /exp5\n/);
  rw.advanceTo(13n * SEC);
  t.equal(rw.read('size'), '0', 'reaped after the timeout');

  // Forward FIN: one direction done, still the no-data timeout.
  rw.push(0, ipPacket(frames.tcp({ src: '10.0.0.1', sport: 1000, dst: '198.51.100.5', dport: 80, flags: 0x11 })));
  t.equal(flow(rw.outputs[0]![1]!), '192.0.2.1:1000 > 198.51.100.5:80');
  t.match(rw.read('tcp_table'), /exp300\n/);
  // The reply resets the connection: both directions done, TCP_DONE_TIMEOUT.
  rw.push(1, ipPacket(frames.tcp({ src: '198.51.100.5', sport: 80, dst: '192.0.2.1', dport: 1000, flags: 0x04 })));
  t.equal(flow(rw.outputs[1]![0]!), '198.51.100.5:80 > 10.0.0.1:1000');
  t.match(rw.read('tcp_table'), /exp3\n/);
  t.equal(rw.read('size'), '1');
  rw.advanceTo(17n * SEC);
  t.equal(rw.read('size'), '1', 'past the done timeout but within the 5 s TCP guarantee');
  rw.advanceTo(19n * SEC);
  t.equal(rw.read('size'), '0', 'reaped once the guarantee ends');
});

t.test('capacity: the earliest best-effort flow goes; guaranteed flows refuse new ones', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 - - - 0 1, drop, MAPPING_CAPACITY 2, UDP_GUARANTEE 0');
  rw.push(0, ipPacket(frames.udp({ sport: 1 })));
  rw.now = 1n * SEC;
  rw.push(0, ipPacket(frames.udp({ sport: 2 })));
  rw.push(0, ipPacket(frames.udp({ sport: 3 })));
  t.equal(rw.read('size'), '2');
  t.notMatch(rw.read('udp_table'), /, 1, /, 'the oldest mapping was evicted');
  rw.write('capacity', '1');
  t.equal(rw.read('capacity'), '1');
  t.equal(rw.read('size'), '1');
  t.throws(() => rw.write('capacity', 'lots'), /CAPACITY/);
  rw.write('clear', '');
  t.equal(rw.read('size'), '0');

  const g = rewriter(spec, 'pattern 192.0.2.1 - - - 0 1, drop, MAPPING_CAPACITY 1');
  g.push(0, ipPacket(frames.udp({ sport: 1 })), ipPacket(frames.udp({ sport: 2 })));
  t.equal(g.outputs[0]!.length, 1);
  t.equal(g.read('mapping_failures'), '1', 'the new flow lost to a guaranteed one');
  t.equal(g.read('nmappings'), '1');
});

t.test('RoundRobinIPMapper and named patterns', async (t) => {
  const attachments = new Map<string, unknown>();
  const named = harness(patternsSpec, 'web 192.0.2.9 - 10.1.0.1 80', { attachments });
  const mapper = harness(rrMapper, 'web 0 1, - - 10.1.0.2 80 0 1', { attachments });
  const rw = rewriter(spec, 'lb, drop', { attachments, others: { lb: 'RoundRobinIPMapper' }, elements: { lb: mapper.element } });
  for (let i = 0; i < 4; i++) rw.push(0, ipPacket(frames.tcp({ src: '203.0.113.1', sport: 5000 + i, dst: '192.0.2.80', dport: 80 })));
  t.same(rw.outputs[0]!.map((p) => addrAt(p.data, 16)), ['10.1.0.1', '10.1.0.2', '10.1.0.1', '10.1.0.2']);
  t.equal(addrAt(rw.outputs[0]![0]!.data, 12), '192.0.2.9');
  t.equal(rw.read('patterns'), '<mapper> [4]\n<drop>\n');
  t.ok(named);

  t.equal(configError(rrMapper, ''), 'no patterns given');
  t.equal(configError(rrMapper, '0 1'), 'syntax error');
  t.equal(configError(rrMapper, '1.0.0.1 - - - 0'), 'bad forward port', 'the last two words are the ports');
  t.equal(configError(rrMapper, '1.0.0.1 - - - x 1'), 'bad forward port');
  t.equal(configError(patternsSpec, 'a 1.0.0.1 - - -, a 1.0.0.2 - - -'), "pattern 'a' already defined");
  const bad = harness(rrMapper, '- - 10.1.0.2 80 0 5', { attachments: new Map() });
  t.throws(
    () => harness(spec, 'lb', { others: { lb: 'RoundRobinIPMapper' }, elements: { lb: bad.element } }),
    /input spec 0: output port out of range in e :: RoundRobinIPMapper pattern 0/,
  );
  t.throws(() => harness(spec, 'pattern nosuch 0 0', { attachments: new Map() }), /input spec 0: no such pattern 'nosuch'/);
});

t.test('configuration errors', async (t) => {
  const e = (c: string, n = 2) => configError(spec, c, n, 2);
  t.equal(e('drop'), 'need 2 arguments, one per input port');
  t.equal(e('drop, frob'), 'input spec 1: unknown specification');
  t.equal(e('drop, drop 1'), "input spec 1: syntax error, expected 'drop'");
  t.equal(e('pass 2, drop'), 'input spec 0: output port out of range');
  t.equal(e('pass x, drop'), "input spec 0: syntax error, expected 'nochange [OUTPUT]'");
  t.equal(e('keep 0, drop'), 'input spec 0: bad forward port');
  t.equal(e('keep 0 9, drop'), 'input spec 0: output port out of range');
  t.equal(e('pattern 1.2.3 - - - 0 1, drop'), 'input spec 0: bad source address');
  t.equal(e('pattern - 0 - - 0 1, drop'), 'input spec 0: bad source port');
  t.equal(e('pattern - 9-5 - - 0 1, drop'), 'input spec 0: bad source port');
  t.equal(e('pattern - - nowhere - 0 1, drop'), 'input spec 0: bad destination address');
  t.equal(e('pattern - - - 70000 0 1, drop'), 'input spec 0: bad destination port');
  t.equal(e('pattern 0 1, drop'), 'input spec 0: syntax error');
  t.equal(e('pattern 1 2 3 4 5 0 1, drop'), 'input spec 0: syntax error');
  t.equal(e('drop, drop, MAPPING_CAPACITY lots'), 'bad MAPPING_CAPACITY');
  t.equal(e('drop, drop, UDP_TIMEOUT soon'), "UDP_TIMEOUT: 'soon' is not a time interval");
  t.equal(configError(spec, 'x, drop', 2, 2), 'input spec 0: unknown specification');
  t.equal(e('pattern 10.0.0.0/24# - 0 1, pattern 1.0.0.1-1.0.0.9 - 0 1, TCP_TIMEOUT 1h, REAP_TIME 10'), undefined);
});

t.test('a new reply entry that displaces another flow destroys that flow', async (t) => {
  const rw = rewriter(spec, 'keep 0 1, pattern 10.0.0.2 2 - - 0 1');
  const a = () => ipPacket(frames.udp({ src: '10.0.0.1', sport: 1, dst: '10.0.0.2', dport: 2 }));
  rw.push(0, a());
  t.equal(rw.read('nmappings'), '1');
  // B (10.0.0.5:7 > 10.0.0.1:1) becomes 10.0.0.2:2 > 10.0.0.1:1: its reply is A's flow.
  rw.push(1, ipPacket(frames.udp({ src: '10.0.0.5', sport: 7, dst: '10.0.0.1', dport: 1 })));
  t.equal(rw.read('nmappings'), '1', 'A destroyed, B stored');
  t.equal(rw.read('size'), '1');
  rw.push(0, a());
  t.equal(flow(rw.outputs[1]!.at(-1)!), '10.0.0.1:1 > 10.0.0.5:7', "A's packets now take B's reply path");
});

t.test('patternN and table_size: a write replaces one input spec and removes the flows it made', async (t) => {
  const rw = rewriter(spec, 'pattern 192.0.2.1 1024-65534# - - 0 1, pattern 192.0.2.2 1024-65534# - - 0 1');
  rw.push(0, ipPacket(frames.tcp({ src: '10.0.0.1', sport: 7, dst: '198.51.100.5', dport: 80 })));
  rw.push(1, ipPacket(frames.tcp({ src: '10.0.0.2', sport: 7, dst: '198.51.100.5', dport: 80 })), ipPacket(frames.udp({ src: '10.0.0.3', sport: 7, dst: '198.51.100.5', dport: 53 })));
  t.equal(rw.read('pattern0'), '192.0.2.1 1024-65534 - - [1]\n');
  t.equal(rw.read('pattern1'), '192.0.2.2 1024-65534 - - [2]\n');
  t.equal(rw.read('table_size'), '3');
  rw.write('pattern1', 'pattern 192.0.2.4 1024-65534# - - 0 1');
  t.equal(rw.read('pattern1'), '192.0.2.4 1024-65534 - -\n', 'the new spec counts from zero');
  t.equal(rw.read('size'), '1', "input 1's flows are gone, input 0's stays");
  t.equal(rw.read('patterns'), '192.0.2.1 1024-65534 - - [1]\n192.0.2.4 1024-65534 - -\n');
  rw.push(1, ipPacket(frames.tcp({ src: '10.0.0.2', sport: 7, dst: '198.51.100.5', dport: 80 })));
  t.equal(addrAt(rw.outputs[0]!.at(-1)!.data, 12), '192.0.2.4', 'the same flow is mapped by the new spec');
  rw.push(1, ipPacket(frames.tcp({ src: '198.51.100.5', sport: 80, dst: '192.0.2.2', dport: 1024 })));
  t.equal(rw.outputs[1]!.length, 0, 'a reply to a removed flow finds no mapping (the new spec maps it as a new flow)');
  t.throws(() => rw.write('pattern0', 'pattern 1.0.0.0/33 - 0 1'), /input spec 0: bad source address/);
  t.throws(() => rw.write('pattern0', 'keep 0 2'), /input spec 0: output port out of range/);
  t.throws(() => rw.write('pattern1', 'pattern nosuch 0 1'), /input spec 1: no such pattern 'nosuch'/);
  t.equal(rw.read('table_size'), '3', 'refused writes change nothing');
  rw.write('pattern0', 'drop');
  t.equal(rw.read('pattern0'), '<drop>\n');
  t.equal(rw.read('size'), '2');
});

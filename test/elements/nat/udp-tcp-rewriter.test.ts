// UDPRewriter (one table, every flow UDP-style), TCPRewriter (TCP only, with
// sequence-number deltas), the delta arithmetic itself, FTPPortMapper,
// ICMPPingRewriter and ICMPRewriter.
import t from 'tap';
import { spec as udpSpec } from '../../../elements/nat/udp-rewriter.js';
import { spec as tcpSpec, type TCPRewriterElement } from '../../../elements/nat/tcp-rewriter.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { transportChecksum } from '../../../elements/lib/transport-checksum.js';
import type { Packet } from '../../../host-engine/packet.js';
import { spec as ftpSpec } from '../../../elements/nat/ftp-port-mapper.js';
import { spec as pingSpec } from '../../../elements/nat/icmp-ping-rewriter.js';
import { spec as icmpRwSpec } from '../../../elements/nat/icmp-rewriter.js';
import { configError, configure, harness } from '../../util/element-harness.js';
import { rewriter, SEC } from './rewriter-setup.js';
import { ether, frames, icmp, ipPacket, ipv4, tcp, udp } from '../../util/packets.js';

const be32 = (d: Uint8Array, o: number) => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
const port = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;
const valid = (p: Packet) => checksum(p.data, 0, 20) === 0 && transportChecksum(p.data, 0, 20, p.data.length - 20) === 0;
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

interface Seg {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  seq?: number;
  ack?: number;
  flags?: number;
  options?: number[];
  payload?: number;
}
const seg = (s: Seg, body?: string) =>
  ipPacket(ether(ipv4(tcp(body ? Uint8Array.from(body, (c) => c.charCodeAt(0)) : new Uint8Array(s.payload ?? 0).fill(0x61), { flags: 0x10, ...s }), { src: s.src, dst: s.dst, proto: 6 })));
/** A TCP packet's payload (no IP or TCP options) as text. */
const text = (p: Packet) => String.fromCharCode(...p.data.subarray(40));
const out = (seq: number, o: Partial<Seg> = {}) => seg({ src: '10.0.0.1', sport: 1000, dst: '198.51.100.5', dport: 21, seq, ...o });
const back = (ack: number, o: Partial<Seg> = {}) => seg({ src: '198.51.100.5', sport: 21, dst: '192.0.2.1', dport: 1000, seq: 7, ack, ...o });

t.test('UDPRewriter: TCP, UDP and DCCP in one table, all timed as UDP', async (t) => {
  const rw = rewriter(udpSpec, 'pattern 192.0.2.1 - - - 0 1, pass 1, UDP_TIMEOUT 7, TIMEOUT 9, STREAMING_TIMEOUT 30, GUARANTEE 0');
  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.2', sport: 5000, dst: '198.51.100.5', dport: 53 })));
  rw.push(0, out(1, { flags: 0x04 }));
  rw.push(0, ipPacket(ether(ipv4(udp(new Uint8Array(4), { sport: 7, dport: 8 }), { src: '10.0.0.3', proto: 33 }))));
  rw.push(0, ipPacket(frames.icmpEcho()));
  t.equal(rw.outputs[0]!.length, 3, 'UDP, TCP and DCCP mapped; ICMP dropped');
  t.equal(rw.element.stats.dropped, 1);
  t.equal(rw.read('table').split('\n').length, 7, 'one table: two entries per flow');
  t.match(rw.read('table'), /^\(10\.0\.0\.1, 1000, 198\.51\.100\.5, 21\) => \(192\.0\.2\.1, 1000, 198\.51\.100\.5, 21\) \[\*0 1\] i0 exp9$/m, 'TIMEOUT read after UDP_TIMEOUT wins; RST does not matter');
  t.equal(rw.read('mappings'), rw.read('table'));
  // A reply, then a third packet: streaming.
  rw.push(1, back(0));
  rw.push(0, out(2));
  t.equal(rw.outputs[1]![0]!.data[19], 1, 'the reply goes back to 10.0.0.1');
  t.match(rw.read('table'), /198\.51\.100\.5, 21\) \[\*0 1\] i0 exp30$/m, 'streaming timeout after 3 packets with a reply');
  t.match(rw.read('table'), /, 53\) \[\*0 1\] i0 exp9$/m, 'a one-packet flow keeps the timeout');
  rw.push(1, ipPacket(frames.icmpEcho()));
  t.equal(rw.outputs[1]!.length, 2, 'a pass input sends other protocols on');
  rw.advanceTo(10n * SEC);
  rw.write('capacity', '100');
  t.equal(rw.read('size'), '1', 'expired flows are reaped, the streaming one stays');
  t.equal(rw.read('patterns'), '192.0.2.1 - - - [1]\n<nochange>\n', 'mapping counts go down as flows expire');
});

t.test('UDPRewriter: keyword defaults and spellings', async (t) => {
  const a = rewriter(udpSpec, 'keep 0 1, drop');
  a.push(0, ipPacket(frames.udp()));
  t.match(a.read('table'), /exp300\n/, 'UDP_TIMEOUT 300 s by default');
  const b = rewriter(udpSpec, 'keep 0 1, drop, UDP_TIMEOUT 20, UDP_GUARANTEE 3, GUARANTEE 2');
  b.push(0, ipPacket(frames.udp()));
  b.advanceTo(1n * SEC);
  t.match(b.read('table'), /exp19\n/, 'guarantee then timeout');
  b.advanceTo(3n * SEC);
  b.write('capacity', '5');
  t.equal(b.read('size'), '1');
  t.equal(configError(udpSpec, 'drop, drop, UDP_STREAMING_TIMEOUT x', 2, 2), "UDP_STREAMING_TIMEOUT: 'x' is not a time interval");
  t.equal(configError(udpSpec, 'pattern 1.0.0.1 1x - - 0 1, pattern 1.0.0.1 9-5 - - 0 1', 2, 2), 'input spec 0: bad source port\ninput spec 1: bad source port', 'every input spec error');
});

t.test('TCPRewriter: TCP only, its timeouts, lookup', async (t) => {
  const rw = rewriter<TCPRewriterElement>(tcpSpec, 'pattern 192.0.2.1 2000-2001# - - 0 1, pass 0, TIMEOUT 50, TCP_DONE_TIMEOUT 3, TCP_NODATA_TIMEOUT 8, TCP_GUARANTEE 0');
  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.2' })));
  t.equal(rw.outputs[0]!.length, 0, 'UDP is dropped');
  rw.push(1, ipPacket(frames.udp({ src: '10.0.0.2' })));
  t.equal(rw.outputs[0]!.length, 1, '... or passed');
  rw.push(0, out(1, { payload: 3 }));
  t.equal(port(rw.outputs[0]![1]!.data, 20), 2000);
  t.match(rw.read('table'), /exp8\n/, 'no data both ways: TCP_NODATA_TIMEOUT');
  rw.push(1, seg({ src: '198.51.100.5', sport: 21, dst: '192.0.2.1', dport: 2000, payload: 2 }));
  t.match(rw.read('table'), /exp50\n/, 'data both ways: TIMEOUT (TCP_TIMEOUT)');
  rw.push(0, out(4, { flags: 0x11 }));
  rw.push(1, seg({ src: '198.51.100.5', sport: 21, dst: '192.0.2.1', dport: 2000, flags: 0x11 }));
  t.match(rw.read('table'), /exp3\n/, 'FIN both ways: TCP_DONE_TIMEOUT');
  t.equal(rw.read('lookup', '10.0.0.1 1000 198.51.100.5 ftp'), '192.0.2.1 2000 198.51.100.5 21');
  t.equal(rw.read('lookup', '198.51.100.5 21 192.0.2.1 2000'), '198.51.100.5 21 10.0.0.1 1000');
  t.equal(rw.read('lookup', '198.51.100.5 21 192.0.2.1 2001'), '');
  t.throws(() => rw.read('lookup', '1.2.3.4'), /expected SADDR SPORT DADDR DPORT/);
  t.ok(rw.outputs[0]!.every(valid) && rw.outputs[1]!.every(valid), 'checksums stay valid');
});

t.test('TCPRewriter: sequence-number deltas move seq, ack and SACK edges', async (t) => {
  const rw = rewriter<TCPRewriterElement>(tcpSpec, 'pattern 192.0.2.1 - - - 0 1, drop');
  rw.push(0, out(100, { payload: 1 }));
  const flow = rw.element.maps[0]!.values().next().value!.flow;
  t.ok(flow.updateSeqnoDelta(false, 200, 5), 'from 200 on, the forward stream is 5 bytes longer');
  t.match(rw.read('table'), /^\(10\.0\.0\.1, 1000, 198\.51\.100\.5, 21\) => \(192\.0\.2\.1, 1000, 198\.51\.100\.5, 21\) seq \+5 \[\*0 1\]/m);
  t.notMatch(rw.read('table'), /\[0 \*1\].*seq|seq.*\[0 \*1\]/, 'the reply direction has no delta of its own');
  rw.push(0, out(150), out(200), out(300));
  t.same(rw.outputs[0]!.slice(1).map((p) => be32(p.data, 24)), [150, 205, 305], 'sequence numbers from the trigger on');
  rw.push(1, back(203), back(210));
  t.same(rw.outputs[1]!.map((p) => be32(p.data, 28)), [203, 205], 'acknowledgements of moved bytes move back');
  // NOP NOP SACK(10): one block.
  rw.push(1, back(210, { options: [1, 1, 5, 10, ...u32(210), ...u32(220)] }));
  const sack = rw.outputs[1]![2]!.data;
  t.same([be32(sack, 44), be32(sack, 48)], [205, 215], 'SACK edges move back too');
  // NOP NOP TIMESTAMP: no SACK blocks to look at.
  rw.push(1, back(210, { options: [1, 1, 8, 10, ...u32(210), ...u32(220)] }));
  t.same([be32(rw.outputs[1]![3]!.data, 44), be32(rw.outputs[1]![3]!.data, 48)], [210, 220], 'timestamps are left alone');

  t.notOk(flow.updateSeqnoDelta(false, 150, 1), 'a trigger before the newest one is refused');
  t.ok(flow.updateSeqnoDelta(false, 400, -2));
  t.match(rw.read('table'), /seq \+3 \[\*0 1\]/, 'the deltas add up');
  rw.push(0, out(300), out(500));
  t.same(rw.outputs[0]!.slice(4).map((p) => be32(p.data, 24)), [305, 503], 'each sequence number takes the delta of its span');
  rw.push(1, back(350), back(510));
  t.same(rw.outputs[1]!.slice(4).map((p) => be32(p.data, 28)), [345, 507]);
  // A sequence number 2^30 past the newest trigger forgets the older spans.
  rw.push(0, out(400 + 2 ** 30), out(300));
  t.same(rw.outputs[0]!.slice(6).map((p) => be32(p.data, 24)), [(403 + 2 ** 30) >>> 0, 303]);
  t.ok(flow.updateSeqnoDelta(true, 50, -4), 'the reply direction has deltas of its own');
  t.match(rw.read('table'), /seq -4 \[0 \*1\]/);
  rw.push(1, back(510, { seq: 60 }));
  t.equal(be32(rw.outputs[1]!.at(-1)!.data, 24), 56);
  t.ok(rw.outputs[0]!.every(valid) && rw.outputs[1]!.every(valid), 'checksums follow every change');
});

t.test('FTPPortMapper: PORT commands rewritten for the data mapping, the control flow gets a delta', async (t) => {
  const rw = rewriter<TCPRewriterElement>(tcpSpec, 'pattern 192.0.2.2 2000-2999# - - 0 1, drop');
  const others = { rw: 'TCPRewriter' };
  const fpm = harness(ftpSpec, 'rw, rw, 0', { others, elements: { rw: rw.element } });
  const cmd = (seq: number, s: string) => seg({ src: '10.0.0.1', sport: 3000, dst: '198.51.100.7', dport: 21, seq, payload: 0 }, s);
  fpm.push(0, cmd(1, 'PORT 10,0,0,1,39,16\r\n'));
  t.equal(text(fpm.outputs[0]![0]!), 'PORT 10,0,0,1,39,16\r\n', 'no control mapping yet: unchanged');
  rw.push(0, fpm.outputs[0]![0]!);
  fpm.push(0, cmd(22, 'port 10,0,0,1,39,16\r\n'));
  const p = fpm.outputs[0]![1]!;
  t.equal(text(p), 'port 192,0,2,2,7,209\r\n', 'the data flow 10.0.0.1:10000 is mapped to 192.0.2.2:2001');
  t.ok(valid(p), 'IP length and checksums fixed');
  t.match(rw.read('table'), /^\(10\.0\.0\.1, 3000, .* seq \+1 \[\*0 1\]/m, 'the stream is one byte longer');
  t.match(rw.read('table'), /^\(10\.0\.0\.1, 10000, 198\.51\.100\.7, 20\) => \(192\.0\.2\.2, 2001, /m);
  fpm.push(0, cmd(44, 'PORT 1,2,3,4,5,256\r\n'), cmd(44, 'PORT 1,2,3,4,5,6 \r\n'), cmd(44, 'PORTS 1,2,3,4,5,6\r\n'));
  t.same(fpm.outputs[0]!.slice(2).map(text), ['PORT 1,2,3,4,5,256\r\n', 'PORT 1,2,3,4,5,6 \r\n', 'PORTS 1,2,3,4,5,6\r\n'], 'malformed commands pass unchanged');
  t.throws(() => harness(ftpSpec, 'rw, rw, 2', { others, elements: { rw: rw.element } }), /DATA_REWRITER_INPUT out of range/);
  t.throws(() => configure(ftpSpec, 'x, x, 0', 1, 1, { x: 'Counter' }), /CONTROL_REWRITER type mismatch/);
});

t.test('ICMPPingRewriter: echo identifiers mapped, replies come back, checksums follow', async (t) => {
  const rw = rewriter(pingSpec, 'pattern 192.0.2.3 - 100-101# 0 1, pass 1, TIMEOUT 20, GUARANTEE 0');
  const ping = (src: string, dst: string, type: number, id: number) =>
    ipPacket(ether(ipv4(icmp(type, 0, Uint8Array.from([id >> 8, id & 255, 0, 1]), new Uint8Array(4)), { src, dst, proto: 1 })));
  const icmpValid = (p: Packet) => checksum(p.data, 0, 20) === 0 && checksum(p.data, 20, p.data.length - 20) === 0;
  rw.push(0, ping('10.0.0.1', '198.51.100.9', 8, 7), ping('10.0.0.2', '198.51.100.9', 8, 7), ping('10.0.0.1', '198.51.100.9', 0, 7));
  t.same(rw.outputs[0]!.map((p) => port(p.data, 24)), [100, 101], 'identifiers from the range, sequentially');
  t.equal(rw.element.stats.dropped, 1, 'an echo reply makes no mapping');
  rw.push(1, ping('198.51.100.9', '192.0.2.3', 0, 101), ping('198.51.100.9', '192.0.2.3', 0, 100), ping('198.51.100.9', '192.0.2.3', 3, 100));
  const back = rw.outputs[1]!;
  t.same(back.map((p) => `${p.data[19]} ${port(p.data, 24)}`), ['2 7', '1 7', '3 100'], 'replies to the original hosts and identifier; pass sends others on');
  t.ok([...rw.outputs[0]!, ...back.slice(0, 2)].every(icmpValid), 'IP and ICMP checksums valid');
  t.equal(rw.read('table').split('\n')[0], '(10.0.0.1, 198.51.100.9, 7) => (192.0.2.3, 198.51.100.9, 100) [*0 1] i0 exp20');
  t.match(rw.read('table'), /^\(198\.51\.100\.9, 192\.0\.2\.3, \d+\) => \(198\.51\.100\.9, 10\.0\.0\.1, \d+\) \[0 \*1\] i0 exp20$/m);
  t.equal(rw.read('nmappings'), '2');
  t.equal(rw.read('patterns'), '192.0.2.3 100-101 - - [2]\n<nochange>\n');
});

t.test('ICMPRewriter: an error about a rewritten packet goes back to the original source', async (t) => {
  const rw = rewriter(udpSpec, 'pattern 192.0.2.1 4000-4001# - - 0 1, drop');
  rw.push(0, ipPacket(frames.udp({ src: '10.0.0.2', sport: 5000, dst: '198.51.100.5', dport: 53 })));
  const sent = rw.outputs[0]![0]!.data;
  const quote = sent.subarray(0, 28);
  const error = (dst: string, type = 11) => ipPacket(ether(ipv4(icmp(type, 0, new Uint8Array(4), quote), { src: '19.19.19.19', dst, proto: 1 })));
  const ir = harness(icmpRwSpec, 'u:1', { outputs: ['push', 'push', 'push'], others: { u: 'UDPRewriter' }, elements: { u: rw.element } });
  ir.push(0, error('192.0.2.1'), error('192.0.2.1', 0), error('9.9.9.9'));
  const [back, other] = [ir.outputs[2]!, ir.outputs[0]!];
  t.equal(back.length, 2, 'offset 1 plus the reply entry\'s output 1');
  const d = back[0]!.data;
  t.equal(be32(d, 16), 0x0a000002, 'the error goes to 10.0.0.2');
  t.equal(back[0]!.dstIP, 0x0a000002, 'with the destination annotation');
  t.same([be32(d, 40), port(d, 48), be32(d, 44), port(d, 50)], [0x0a000002, 5000, 0xc6336405, 53], 'the quote is the packet as it was sent');
  t.ok(checksum(d, 0, 20) === 0 && checksum(d, 20, d.length - 20) === 0 && checksum(d, 28, 20) === 0, 'outer IP, ICMP and quoted IP checksums valid');
  t.equal(be32(back[1]!.data, 16), 0x09090909, 'an error to another address keeps its destination');
  t.equal(other.length, 0);
  t.equal(ir.element.stats.dropped, 1, 'an echo reply is no error: dropped');
  t.equal(configError(icmpRwSpec, 'x y:z', 1, 1), 'x not an IP rewriter\ny:z not an IP rewriter');
  t.equal(configError(icmpRwSpec, '""', 1, 1), 'no IP rewriters supplied');
  t.throws(() => harness(icmpRwSpec, 'u:2', { others: { u: 'UDPRewriter' }, elements: { u: rw.element }, outputs: ['push', 'push', 'push'] }), /u:2 port offset requires more than 3 outputs/);
});

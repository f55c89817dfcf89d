import t from 'tap';
import { readFileSync } from 'node:fs';
import { spec, type IPPrintElement } from '../../../elements/io/ip-print.js';
import { ANNO, type Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ether, frames, icmp, ipv4, pkt, udp } from '../../util/packets.js';
import { tempDir } from './capture-files.js';

/** A frame with its network header annotation set, as CheckIPHeader leaves it. */
function ipPacket(frame: Uint8Array): Packet {
  const p = pkt(frame);
  p.setNetworkHeader(14, (frame[14]! & 15) * 4);
  return p;
}

const line = (config: string, p: Packet) => harness<IPPrintElement>(spec, config).element.text(p);
const plain = (p: Packet) => line('TIMESTAMP false', p);

t.test('TCP, UDP and other protocols', async (t) => {
  t.equal(plain(ipPacket(frames.udp())), '10.0.0.1.1234 > 192.0.2.1.5678: udp 26');
  t.equal(plain(ipPacket(frames.tcp())), '10.0.0.1.1234 > 192.0.2.1.80: S 1:2(1,54,40) win 8192');
  t.equal(plain(ipPacket(frames.tcp({ flags: 0x18, ack: 5, seq: 0xfffffffe, payload: new Uint8Array(10) }))), '10.0.0.1.1234 > 192.0.2.1.80: P 4294967294:8(10,64,50) ack 5 win 8192', 'sequence numbers wrap');
  t.equal(plain(ipPacket(frames.tcp({ flags: 0x10 }))), '10.0.0.1.1234 > 192.0.2.1.80: . 1:1(0,54,40) ack 0 win 8192');
  t.equal(plain(ipPacket(frames.tcp({ flags: 0x05 }))), '10.0.0.1.1234 > 192.0.2.1.80: FR 1:2(1,54,40) win 8192');
  t.equal(plain(ipPacket(ether(ipv4(new Uint8Array(4), { proto: 47 })))), '10.0.0.1 > 192.0.2.1: ip-proto-47');
});

t.test('ICMP', async (t) => {
  t.equal(plain(ipPacket(frames.icmpEcho())), '10.0.0.1 > 192.0.2.1: icmp echo (1, 1)');
  t.equal(line('TIMESTAMP false, SWAP false', ipPacket(frames.icmpEcho())), '10.0.0.1 > 192.0.2.1: icmp echo (256, 256)');
  const inner = ipv4(udp(new Uint8Array(0), { dport: 53 }), { dst: '192.0.2.9' });
  const unreach = (code: number, rest = new Uint8Array(4), body = inner) => ipPacket(ether(ipv4(icmp(3, code, rest, body), { proto: 1 })));
  t.equal(plain(unreach(3)), '10.0.0.1 > 192.0.2.1: icmp 192.0.2.9 unreachable port udp/53');
  t.equal(plain(unreach(2)), '10.0.0.1 > 192.0.2.1: icmp 192.0.2.9 unreachable protocol udp');
  t.equal(plain(unreach(4, Uint8Array.of(0, 0, 2, 64))), '10.0.0.1 > 192.0.2.1: icmp 192.0.2.9 unreachable needfrag (mtu 576)');
  t.equal(plain(unreach(3, undefined, inner.subarray(0, 22))), '10.0.0.1 > 192.0.2.1: icmp 192.0.2.9 unreachable port udptruncated-icmp', "Click's spacing");
  t.equal(plain(unreach(1, undefined, inner.subarray(0, 10))), '10.0.0.1 > 192.0.2.1: icmp unreachable host truncated-icmp');
  t.equal(plain(unreach(99)), '10.0.0.1 > 192.0.2.1: icmp 192.0.2.9 unreachable code 99');
  t.equal(plain(ipPacket(ether(ipv4(icmp(11, 0), { proto: 1 })))), '10.0.0.1 > 192.0.2.1: icmp timeexceeded transit');
  t.equal(plain(ipPacket(ether(ipv4(icmp(42, 3), { proto: 1 })))), '10.0.0.1 > 192.0.2.1: icmp type 42 code 3');
  t.equal(plain(ipPacket(ether(ipv4(icmp(4, 0), { proto: 1 })))), '10.0.0.1 > 192.0.2.1: icmp sourcequench');
});

t.test('fragments and truncated packets', async (t) => {
  t.equal(plain(ipPacket(frames.udp({ frag: 0x2000 }))), '10.0.0.1.1234 > 192.0.2.1.5678: udp 26 (frag 4660:26@0+)');
  t.equal(plain(ipPacket(frames.udp({ frag: 0x0003 }))), '10.0.0.1 > 192.0.2.1: udp (frag 4660:26@24)');
  t.equal(plain(ipPacket(frames.tcp({ frag: 0x0001 }))), '10.0.0.1 > 192.0.2.1: tcp (frag 4660:20@8)');
  const short = ipPacket(frames.tcp());
  short.take(short.length - 14 - 20 - 10);
  t.equal(plain(short), '10.0.0.1.1234 > 192.0.2.1.80: truncated-tcp');
  const shorter = ipPacket(frames.udp());
  shorter.take(shorter.length - 14 - 20 - 2);
  t.equal(plain(shorter), '10.0.0.1 > 192.0.2.1: truncated-udp');
  const tiny = pkt(frames.udp().subarray(0, 30));
  tiny.setNetworkHeader(14, 20);
  t.equal(plain(tiny), 'truncated-ip');
  t.equal(plain(pkt(frames.udp())), undefined, 'no network header: not printed');
});

t.test('prefixes: label, timestamp, annotations, IP fields', async (t) => {
  const p = ipPacket(frames.udp({ ttl: 9, tos: 0x10 }));
  p.tsSec = 1;
  p.tsNsec = 2000;
  p.paint = 3;
  p.setAnnoU32(ANNO.AGGREGATE, 77);
  t.equal(line('x', p), 'x: 1.000002: 10.0.0.1.1234 > 192.0.2.1.5678: udp 26');
  t.equal(line('TIMESTAMP false, PAINT true', p), 'paint 3: 10.0.0.1.1234 > 192.0.2.1.5678: udp 26');
  t.equal(line('TIMESTAMP false, PAINT true, AGGREGATE true', p), '#77.3: 10.0.0.1.1234 > 192.0.2.1.5678: udp 26');
  t.equal(line('TIMESTAMP false, ID true, TTL true, TOS true, LENGTH true', p), 'id 4660 ttl 9 tos 16 length 46 10.0.0.1.1234 > 192.0.2.1.5678: udp 26');
});

t.test('CONTENTS and PAYLOAD print the data on following lines', async (t) => {
  const h = harness(spec, 'TIMESTAMP false, CONTENTS hex, MAXLENGTH 30');
  h.push(0, ipPacket(frames.udp()));
  t.equal(h.stderr.length, 3);
  t.equal(h.stderr[1], '  0000c011 22330000 c0aa0001 08004500 002e1234 00004011');
  t.match(h.stderr[2]!, /^ {2}[0-9a-f]{8} [0-9a-f]{4}$/);
  const a = harness(spec, 'TIMESTAMP false, PAYLOAD ascii');
  a.push(0, ipPacket(frames.udp({ payload: new TextEncoder().encode('hello, world!') })));
  t.same(a.stderr, ['10.0.0.1.1234 > 192.0.2.1.5678: udp 21', '  hello, w orld!']);
  t.equal(a.outputs[0]!.length, 1);
});

t.test('OUTFILE, ACTIVE, errors', async (t) => {
  const path = `${tempDir()}/ip.txt`;
  const h = harness(spec, `OUTFILE ${path}, TIMESTAMP false`);
  h.push(0, ipPacket(frames.udp()), ipPacket(frames.icmpEcho()));
  h.cleanup();
  t.equal(readFileSync(path, 'utf8'), '10.0.0.1.1234 > 192.0.2.1.5678: udp 26\n10.0.0.1 > 192.0.2.1: icmp echo (1, 1)\n');
  t.same(h.stderr, []);
  const off = harness(spec, 'ACTIVE false');
  off.push(0, ipPacket(frames.udp()));
  t.same(off.stderr, []);
  off.write('active', 'yes');
  off.push(0, ipPacket(frames.udp()));
  t.equal(off.stderr.length, 1);
  t.equal(spec.writesStream, 'stderr');
  t.equal(configError(spec, 'CONTENTS hex, PAYLOAD hex'), 'specify at most one of PAYLOAD and CONTENTS');
  t.equal(configError(spec, 'PAYLOAD octal'), "bad payload value 'octal'; should be 'false', 'hex', or 'ascii'");
  t.equal(configError(spec, 'CONTENTS octal'), "bad contents value 'OCTAL'; should be 'NONE', 'HEX', or 'ASCII'");
});

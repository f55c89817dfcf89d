import t from 'tap';
import { readFileSync } from 'node:fs';
import { spec as fromDumpSpec } from '../../../elements/io/from-dump.js';
import { spec as fromSpec, type FromIPSummaryDumpElement } from '../../../elements/io/from-ip-summary-dump.js';
import { spec as ipPrintSpec } from '../../../elements/io/ip-print.js';
import { spec as toSpec, type ToIPSummaryDumpElement } from '../../../elements/io/to-ip-summary-dump.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { ANNO, type Packet } from '../../../host-engine/packet.js';
import { configError, harness, type HarnessOptions } from '../../util/element-harness.js';
import { ether, frames, icmp, ipv4, pkt } from '../../util/packets.js';
import { tempDir, writeTemp } from './capture-files.js';
import { drain } from './run-util.js';

const dir = tempDir();
const FIXTURE = new URL('../../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;

const from = (config: string, opts: HarnessOptions = {}) => harness<FromIPSummaryDumpElement>(fromSpec, config, opts);
const to = (config: string, opts: HarnessOptions = {}) => harness<ToIPSummaryDumpElement>(toSpec, config, opts);
/** Packets a FromIPSummaryDump produces from dump text, all of them. */
function packetsOf(text: string, config = ''): Packet[] {
  const h = from(`DATA ${JSON.stringify(text)}${config ? `, ${config}` : ''}`);
  drain(h);
  return h.outputs[0]!;
}
/** Lines a ToIPSummaryDump writes for packets, without the header. */
function linesOf(packets: Packet[], config: string): string[] {
  const h = to(`-, ${config}`);
  h.push(0, ...packets);
  h.cleanup();
  return h.stdout.filter((l) => !l.startsWith('!IPSummaryDump') && !l.startsWith('!data'));
}
/** A frame with its network header annotation set, as MarkIPHeader(14) leaves it. */
function marked(frame: Uint8Array): Packet {
  const p = pkt(frame);
  p.setNetworkHeader(14, (frame[14]! & 15) * 4);
  return p;
}

t.test("Click's IPPrint-01 test: FromIPSummaryDump -> IPPrint -> ToIPSummaryDump", async (t) => {
  const input = [
    '!data timestamp src dst sport dport proto ip_len ip_hl tcp_off tcp_flags',
    '1.00002 1.0.0.1 1.0.0.2 10 20 T 1500 40 20 A',
    '1.00003 1.0.0.2 1.0.0.3 20 30 T 1000 20 20 SA',
    '1.00004 1.0.0.3 1.0.0.4 30 40 T 1000 20 40 SF',
    '1.00005 1.0.0.4 1.0.0.5 40 50 T 1000 32 40 A',
  ].join('\n');
  const packets = packetsOf(input, 'STOP true');
  const print = harness(ipPrintSpec, '');
  print.push(0, ...packets);
  t.same(print.stderr, [
    '1.000020: 1.0.0.1.10 > 1.0.0.2.20: . 0:1440(1440,60,1500) ack 0 win 0',
    '1.000030: 1.0.0.2.20 > 1.0.0.3.30: S 0:961(961,40,1000) ack 0 win 0',
    '1.000040: 1.0.0.3.30 > 1.0.0.4.40: SF 0:942(942,60,1000) win 0',
    '1.000050: 1.0.0.4.40 > 1.0.0.5.50: . 0:928(928,72,1000) ack 0 win 0',
  ]);
  t.same(linesOf(print.outputs[0]!, 'DATA timestamp src dst sport dport proto ip_len ip_hl tcp_off tcp_flags'), [
    '1.000020 1.0.0.1 1.0.0.2 10 20 T 1500 40 20 A',
    '1.000030 1.0.0.2 1.0.0.3 20 30 T 1000 20 20 SA',
    '1.000040 1.0.0.3 1.0.0.4 30 40 T 1000 20 40 FS',
    '1.000050 1.0.0.4 1.0.0.5 40 50 T 1000 32 40 A',
  ]);
  t.equal(packets[0]!.annoU32(ANNO.EXTRA_LENGTH), 1440, 'the bytes not in the packet are extra length');
});

t.test("Click's IPSummaryDump-01 test: truncated headers print dashes", async (t) => {
  const packets = packetsOf('!data sport dport tcp_urp tcp_opt\n1 2 3 wscale10\n2 3 4 wscale10\n3 4 5 wscale10\n4 5 6 wscale10\n5 6 7 wscale10\n');
  [44, 41, 38, 23, 20].forEach((len, i) => packets[i]!.take(packets[i]!.length - len));
  const h = to('-, BAD_PACKETS true, DATA sport dport tcp_urp tcp_opt');
  h.push(0, ...packets);
  t.same(h.stdout.filter((l) => !l.startsWith('!')), ['1 2 3 wscale10', '2 3 4 -', '3 4 - -', '4 - - -', '- - - -']);
  t.same(h.stdout.filter((l) => l.startsWith('!bad')), Array(4).fill('!bad truncated IP missing').map((s, i) => `${s} ${[3, 6, 21, 24][i]}`));
});

t.test('round trip: packets -> summary dump -> packets give the same summary', async (t) => {
  const fd = harness(fromDumpSpec, FIXTURE);
  drain(fd);
  const ipv4Frames = fd.outputs[0]!.filter((p) => {
    const d = p.data;
    return d.length >= 34 && d[12] === 8 && d[13] === 0 && d[14]! >> 4 === 4 && (d[14]! & 15) >= 5 && ((d[16]! << 8) | d[17]!) >= (d[14]! & 15) * 4 && d.length >= 14 + (d[14]! & 15) * 4;
  });
  t.ok(ipv4Frames.length > 200, `${ipv4Frames.length} IPv4 frames`);
  for (const p of ipv4Frames) p.setNetworkHeader(14, (p.data[14]! & 15) * 4);
  const fields = 'timestamp ip_src ip_dst ip_proto ip_hl ip_len ip_id ip_ttl ip_tos ip_fragoff sport dport tcp_seq tcp_ack tcp_off tcp_flags tcp_window tcp_opt udp_len icmp_type icmp_code';
  const path = `${dir}/trace.txt`;
  const writer = to(`${path}, FIELDS ${fields}, BANNER "round trip"`);
  writer.push(0, ...ipv4Frames);
  writer.cleanup();
  const text = readFileSync(path, 'latin1');
  t.ok(text.startsWith('!IPSummaryDump 1.3\n!creator "round trip"\n!data timestamp ip_src ip_dst'), 'header lines');
  const first = text.split('\n').filter((l) => l && !l.startsWith('!'));
  t.equal(first.length, ipv4Frames.length);
  const reader = from(`${path}, STOP true`);
  drain(reader);
  t.equal(reader.stopCount, 1);
  t.equal(reader.outputs[0]!.length, ipv4Frames.length);
  t.same(linesOf(reader.outputs[0]!, `FIELDS ${fields}`), first);
});

t.test('ToIPSummaryDump fields', async (t) => {
  const udp = marked(frames.udp({ ttl: 7, tos: 0xb9 }));
  udp.tsSec = 5;
  udp.tsNsec = 123456789;
  udp.paint = 1;
  const line = (fields: string, p: Packet = udp) => linesOf([p], `FIELDS ${fields}`)[0];
  t.equal(line('ts src dst proto sport dport len'), '5.123456789 10.0.0.1 192.0.2.1 U 1234 5678 46');
  t.equal(line('ip_ttl ip_tos ip_dscp ip_ecn ip_id ip_frag ip_fragoff ip_hl ip_capture_len'), '7 185 46 ect1 4660 . 0 20 46');
  t.equal(line('udp_len payload_len wire_len direction link count'), '26 18 60 < 1 1');
  t.equal(line('ts_sec ts_usec ts_usec1'), '5 123456 5123456');
  t.equal(line('eth_src eth_dst eth_type'), '00-00-C0-AA-00-01 00-00-C0-11-22-33 0800');
  t.equal(line('tcp_seq tcp_flags icmp_type'), '- - -');
  t.equal(line('payload', marked(frames.udp({ payload: Uint8Array.from([104, 105, 0, 34]) }))), '"hi\\000\\""');
  t.equal(line('payload_md5_hex', marked(frames.udp({ payload: new TextEncoder().encode('abc') }))), '900150983cd24fb0d6963f7d28e17f72');
  t.equal(line('tcp_flags tcp_opt tcp_ntopt tcp_window', marked(frames.tcp({ flags: 0x18 }))), 'PA . . 8192');
  t.equal(line('ip_frag ip_fragoff', marked(frames.udp({ frag: 0x2003 }))), 'f 24+');
  t.equal(line('ip_frag ip_fragoff sport', marked(frames.udp({ frag: 0x4000 }))), '! 0! 1234');
  const unreach = marked(ether(ipv4(icmp(3, 4, Uint8Array.of(0, 0, 5, 0)), { proto: 1 })));
  t.equal(line('icmp_type icmp_code icmp_type_name icmp_code_name icmp_nextmtu icmp_flowid', unreach), '3 4 unreachable needfrag 1280 -');
  t.equal(line('icmp_type_name icmp_flowid icmp_seq', marked(frames.icmpEcho())), 'echo 1 1');
  const opts = marked(ether(ipv4(new Uint8Array(0), { options: [7, 7, 4, 0, 0, 0, 0, 0] })));
  t.equal(line('ip_opt', opts), 'rr{}+1');
  t.equal(line('ip_src', pkt(frames.udp())), '-', 'no network header: a dash');
});

t.test('ToIPSummaryDump BAD_PACKETS, MULTIPACKET, header options, handlers', async (t) => {
  const bad = to('-, BAD_PACKETS true, FIELDS src');
  bad.push(0, pkt(frames.udp()));
  const v6 = pkt(frames.udp());
  v6.writable()[14] = 0x65;
  v6.setNetworkHeader(14, 20);
  bad.push(0, v6);
  t.same(bad.stdout.slice(2), ['!bad no IP header', '-', '!bad IP version 6', '-']);
  const multi = to('-, MULTIPACKET true, FIELDS len ts');
  const p = marked(frames.udp());
  p.setAnnoU32(ANNO.EXTRA_PACKETS, 2);
  p.setAnnoU32(ANNO.EXTRA_LENGTH, 500);
  multi.push(0, p);
  t.same(multi.stdout.slice(2), ['46 0.000000', '46 0.000000', '46 0.000000'], 'one line per packet it stands for');
  t.equal(multi.read('count'), '3');
  t.equal(p.annoU32(ANNO.EXTRA_PACKETS), 2, 'the packet leaves unchanged');
  const noHeader = to('-, HEADER false, FIELDS src');
  noHeader.push(0, marked(frames.udp()));
  t.same(noHeader.stdout, ['10.0.0.1']);
  const defaults = to('-');
  t.same(defaults.stdout, ['!IPSummaryDump 1.3', '!data timestamp ip_src']);
  const file = to(`${dir}/flush.txt, FIELDS src`, { outputs: ['push'] });
  file.push(0, marked(frames.udp()));
  t.equal(file.outputs[0]!.length, 1, 'passes packets on');
  t.equal(readFileSync(`${dir}/flush.txt`, 'utf8'), '');
  file.write('flush', '');
  t.equal(readFileSync(`${dir}/flush.txt`, 'utf8'), '!IPSummaryDump 1.3\n!data ip_src\n10.0.0.1\n');
  t.equal(toSpec.writesStream, 'stdout');
});

t.test('ToIPSummaryDump configuration errors', async (t) => {
  t.equal(configError(toSpec, 'x, FIELDS src bogus', 1, 0), "unknown content type 'bogus'");
  t.equal(configError(toSpec, 'x, FIELDS ""', 1, 0), "unknown content type ''");
  t.equal(configError(toSpec, 'x, BINARY true', 1, 0), 'BINARY output is not supported');
  t.equal(configError(toSpec, '', 1, 0), 'missing mandatory argument FILENAME');
});

t.test('FromIPSummaryDump: flow IDs, protocols, checksums', async (t) => {
  const [a, b] = packetsOf('!flowid 10.0.0.1 1000 10.0.0.2 80 U\n!data ip_len udp_len\n100 -\n!proto I\n!data ip_id\n7\n', 'CHECKSUM true');
  t.same(linesOf([a!], 'FIELDS src sport dst dport proto len udp_len'), ['10.0.0.1 1000 10.0.0.2 80 U 100 80']);
  t.equal(a!.length, 100, 'CHECKSUM makes the packet as long as its IP length');
  t.equal(checksum(a!.data, 0, 20), 0, 'valid IP checksum');
  t.equal(a!.dstIP, 0x0a000002);
  t.same(linesOf([b!], 'FIELDS proto ip_id'), ['I 7']);
  const [c] = packetsOf('!data src dst\n1.2.3.4 5.6.7.8\n', 'PROTO 17');
  t.same(linesOf([c!], 'FIELDS proto len'), ['U 28']);
  const [d] = packetsOf('!data eth_src eth_type src\n00:11:22:33:44:55 0800 9.9.9.9\n');
  t.same(linesOf([d!], 'FIELDS eth_src eth_type src'), ['00-11-22-33-44-55 0800 9.9.9.9']);
  const [e, e2] = packetsOf('!data icmp_type icmp_code icmp_flowid icmp_seq\n!proto I\nunreachable port - -\necho 0 5 6\n', '');
  t.same(linesOf([e!, e2!], 'FIELDS proto icmp_type_name icmp_code_name icmp_flowid icmp_seq'), ['I unreachable port - -', 'I echo 0 5 6']);
  const [tcpDefault] = packetsOf('!data icmp_type\necho\n');
  t.same(linesOf([tcpDefault!], 'FIELDS proto icmp_type'), ['T -'], 'ICMP fields need the ICMP protocol, as in Click');
  const [f] = packetsOf('!data payload\n"hello"\n');
  t.same(linesOf([f!], 'FIELDS payload payload_len len'), ['"hello" 5 45']);
  const bare = packetsOf('!data payload src\nXXX 1.1.1.1\n\\001 1.1.1.2\na"b" 1.1.1.3\n');
  t.same(linesOf(bare, 'FIELDS payload payload_len'), ['"XXX" 3', '"\\\\001" 4', '"" 0'], "a bare word is the payload as it stands (Click's IPRewriter tests write them); one with quotes in it is not read");
});

t.test('FromIPSummaryDump: bad lines, unknown fields, missing files', async (t) => {
  const h = from(`DATA "!data src\\nnot-an-address\\nalso bad\\n1.2.3.4\\n"`);
  drain(h);
  t.equal(h.outputs[0]!.length, 1);
  t.same(h.stderr, ['e: <data>:2: packet parse error'], 'reported once');
  const nodata = from('DATA "1.2.3.4"');
  drain(nodata);
  t.same(nodata.stderr, ["e: <data>:1: missing banner line; is this an IP summary dump?", "e: <data>:1: no '!data' provided"]);
  const unknown = from('DATA "!data src frob payload_md5_hex\\n1.2.3.4 x y"');
  drain(unknown);
  t.same(unknown.stderr, ["e: <data>:1: unknown content type 'frob'", "e: <data>:1: content type 'payload_md5_hex' ignored on input"]);
  t.throws(() => from(`${dir}/missing.txt`), { message: `${dir}/missing.txt: No such file or directory` });
  t.throws(() => from(writeTemp(dir, 'empty.txt', '')), { message: `${dir}/empty.txt: empty file` });
  const allowed = from(`${dir}/missing.txt, ALLOW_NONEXISTENT true, STOP true`);
  drain(allowed);
  t.equal(allowed.stopCount, 1);
  const version = from('DATA "!IPSummaryDump 2.0\\n!data src\\n1.1.1.1"');
  t.same(version.stderr, ['e: <data>:1: unexpected IPSummaryDump version 2.0']);
  t.equal(configError(fromSpec, 'x, DATA "y"', 0, 1), 'FILENAME and DATA conflict');
  t.equal(configError(fromSpec, '', 0, 1), 'FILENAME: required argument missing');
  t.equal(configError(fromSpec, 'x, FIELDS src bogus', 0, 1), "unknown content type 'bogus'");
});

t.test('FromIPSummaryDump: FIELDS default, MULTIPACKET, SAMPLE, TIMING, pull, handlers', async (t) => {
  const [p] = packetsOf('5.0.0.1 6', 'FIELDS src sport');
  t.same(linesOf([p!], 'FIELDS src sport'), ['5.0.0.1 6']);
  const multi = packetsOf('!data ts first_ts count len\n10 8 3 300\n', 'MULTIPACKET true');
  t.equal(multi.length, 3);
  t.same(multi.map((q) => [q.tsSec, q.length + q.annoU32(ANNO.EXTRA_LENGTH), q.annoU32(ANNO.EXTRA_PACKETS)]), [[8, 100, 0], [9, 100, 0], [10, 100, 0]]);
  const many = packetsOf(`!data src\n${'1.1.1.1\n'.repeat(400)}`, 'SAMPLE 0.25');
  t.ok(many.length > 50 && many.length < 150, `about a quarter kept (${many.length})`);
  const timed = from('DATA "!data ts\\n100\\n100.5\\n"', { now: 7_000_000_000n });
  const paced = from('DATA "!data ts\\n100\\n100.5\\n", TIMING true', { now: 7_000_000_000n });
  paced.runTaskLikeEngine();
  t.equal(paced.outputs[0]!.length, 1);
  paced.advanceTo(7_500_000_000n);
  drain(paced);
  t.equal(paced.outputs[0]!.length, 2);
  drain(timed);
  t.equal(timed.outputs[0]!.length, 2, 'without TIMING everything at once');
  const pulled = from('DATA "!data src\\n1.1.1.1\\n2.2.2.2\\n3.3.3.3", STOP true', { outputs: ['pull'] });
  t.equal(pulled.pull(0, 2).length, 2);
  t.equal(pulled.pull(0, 2).length, 1);
  t.equal(pulled.stopCount, 1);
  t.equal(pulled.read('count'), '3');
  t.equal(pulled.read('encap'), 'IP');
  const path = writeTemp(dir, 'small.txt', '!data src\n1.1.1.1\n');
  const fh = from(`${path}, ACTIVE false`);
  t.equal(fh.read('filesize'), String(readFileSync(path).length));
  t.notOk(fh.runTaskLikeEngine());
  fh.write('active', 'true');
  drain(fh);
  t.equal(fh.outputs[0]!.length, 1);
  t.equal(fh.read('filepos'), fh.read('filesize'));
  fh.write('stop', '');
  t.equal(fh.stopCount, 1);
  t.equal(fh.read('active'), 'false');
});

t.test('FromIPSummaryDump reads ip_opt as Click does', async (t) => {
  // Each line's options as Click's FromIPSummaryDump builds them and ToIPSummaryDump prints them (userlevel click).
  const cases: [string, string][] = [
    ['rr{1.2.3.4,^5.6.7.8}+2;nop;ssrr{9.9.9.9}', '48 rr{1.2.3.4}+3;ssrr{9.9.9.9^}'],
    ['0x82=0x1:02:3;nop', '28 130=1:2:3'],
    ['lsrr{1.2.3.4}+70', '28 lsrr{1.2.3.4^}'],
    ['ts.preip{1.2.3.4=5,^6.7.8.9=?}', '40 ts.preip{1.2.3.4=5^6.7.8.9}'],
    ['ts{!5,!6,^}+1++3', '36 ts{!5,!6}+1++3'],
    ['ts{^}+3', '36 ts.15{}+3++15'],
    ['ts.ip{1.2.3.4=5,^6.7.8.9}++2', '40 ts.ip{1.2.3.4=5}+1++2'],
    ['ts{1.2.3.4=5,^6.7.8.9}', '40 ts.preip{1.2.3.4=5^6.7.8.9}'],
    ['rr{1.2.3}', '20 .'],
    [`${'nop,'.repeat(43)}rr{1.1.1.1}`, '60 rr{1.1.1.1}'],
    ['eol,nop', '20 .'],
    ['.', '20 .'],
  ];
  const text = `!data src dst proto ip_opt\n${cases.map(([o]) => `1.0.0.1 2.0.0.2 T ${o}`).join('\n')}\n`;
  const lines = linesOf(packetsOf(text), 'FIELDS ip_hl ip_opt');
  t.same(lines, cases.map(([, want]) => want));
  // Click's ICMPError-sourceroute-01 input (as Click prints it): the options come before the TCP header.
  const [p] = packetsOf('!data src sport dst dport proto ip_opt\n18.26.4.44 20 10.0.0.8 80 T ssrr{128.4.45.60,128.4.49.61,^1.2.3.4,5.6.7.8}\n');
  t.same(linesOf([p!], 'FIELDS ip_hl sport dport ip_opt'), ['40 20 80 ssrr{128.4.45.60,128.4.49.61^1.2.3.4,5.6.7.8}']);
});

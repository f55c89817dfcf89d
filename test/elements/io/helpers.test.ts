// The helpers behind the I/O elements: link types and FORCE_IP, Click's time
// texts, fixed-point sampling, IP/TCP option texts, the line reader.
import t from 'tap';
import { formatInterval, formatTimestamp, formatTimestampNs, parseTimestamp } from '../../../elements/lib/click-time.js';
import { formatSampling, sampled, SAMPLING_ONE, samplingArg } from '../../../elements/lib/sampling.js';
import { formatIPOptions, formatTCPOptions, parseTCPOptions } from '../../../elements/io/ipsum-options.js';
import { LineReader } from '../../../elements/io/line-reader.js';
import { canForceIP, DLT, encapName, forceIP, parseEncap } from '../../../elements/io/link-types.js';
import { sourceBytes } from '../../../elements/io/source-data.js';
import { TokenBucket } from '../../../elements/io/token-bucket.js';
import { parseWith } from '../../../elements/lib/handler-values.js';
import { Packet } from '../../../host-engine/packet.js';
import { ipv4, udp } from '../../util/packets.js';
import { tempDir, writeTemp } from './capture-files.js';

const ip = ipv4(udp(new Uint8Array(4)), { dst: '192.0.2.77' });
const cat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((x) => Array.from(x)));

t.test('encapsulation names', async (t) => {
  t.equal(parseEncap('ETHER'), 1);
  t.equal(parseEncap('IP'), 101);
  t.equal(parseEncap('802_11'), 105);
  t.equal(parseEncap('#147'), 147);
  t.equal(parseEncap('ether'), -1, 'names are case-sensitive, as in Click');
  t.equal(encapName(113), 'SLL');
  t.equal(encapName(147), '#147');
  t.notOk(canForceIP(7));
});

t.test('FORCE_IP finds the IP header behind each link type', async (t) => {
  const cases: [string, number, Uint8Array, number][] = [
    ['raw', DLT.RAW, ip, 0],
    ['ethernet', DLT.EN10MB, cat(new Uint8Array(12), [8, 0], ip), 14],
    ['802.1Q', DLT.EN10MB, cat(new Uint8Array(12), [0x81, 0, 0, 7, 8, 0], ip), 18],
    ['Linux cooked', DLT.LINUX_SLL, cat(new Uint8Array(14), [8, 0], ip), 16],
    ['BSD loopback', DLT.NULL, cat([2, 0, 0, 0], ip), 4],
    ['Cisco HDLC', DLT.C_HDLC, cat([0x0f, 0, 8, 0], ip), 4],
    ['PPP', DLT.PPP, cat([0xff, 3, 0, 0x21], ip), 4],
    ['PPP in HDLC', DLT.PPP_HDLC, cat([0xff, 3, 0, 0x21], ip), 4],
    ['RFC 1483 SNAP', DLT.ATM_RFC1483, cat([0xaa, 0xaa, 3, 0, 0, 0, 8, 0], ip), 8],
  ];
  for (const [what, dlt, frame, off] of cases) {
    const p = Packet.make(frame);
    t.ok(forceIP(p, dlt), what);
    t.equal(p.networkHeaderOffset, off, `${what}: header offset`);
    t.equal(p.dstIP, 0xc000024d, `${what}: destination annotation`);
  }
  const v6 = Packet.make(cat(new Uint8Array(12), [0x86, 0xdd, 0x60], new Uint8Array(39)));
  t.ok(forceIP(v6, DLT.EN10MB), 'IPv6');
  t.equal(v6.networkHeaderLength, 40);
  t.notOk(forceIP(Packet.make(cat(new Uint8Array(12), [8, 6], new Uint8Array(28))), DLT.EN10MB), 'ARP is not IP');
  t.notOk(forceIP(Packet.make(cat(new Uint8Array(12), [8, 0], ip.subarray(0, 12))), DLT.EN10MB), 'a cut header is not IP');
  t.notOk(forceIP(Packet.make(new Uint8Array(0)), DLT.RAW), 'empty');
  t.notOk(forceIP(Packet.make(Uint8Array.of(0x42, 0, 0, 0)), DLT.RAW), 'header length below 5');
});

t.test("Click's timestamp and interval texts", async (t) => {
  t.equal(formatTimestamp(1, 500_000), '1.000500');
  t.equal(formatTimestamp(1, 500_001), '1.000500001');
  t.equal(formatTimestampNs(-100_000_000n), '-0.100000');
  t.equal(formatTimestampNs(-1_000_000_000n), '-1.000000');
  t.equal(formatInterval(500_000_000n), '500ms');
  t.equal(formatInterval(20_000n), '20us');
  t.equal(formatInterval(7n), '7ns');
  t.equal(formatInterval(1_500_000_000n), '1.500000s');
  t.equal(parseTimestamp('1.00002'), 1_000_020_000n);
  t.equal(parseTimestamp('.5'), 500_000_000n);
  t.equal(parseTimestamp('12'), 12_000_000_000n);
  t.equal(parseTimestamp('x'), undefined);
});

t.test('fixed-point sampling', async (t) => {
  t.equal(parseWith(samplingArg, '0.5'), SAMPLING_ONE / 2);
  t.equal(formatSampling(SAMPLING_ONE / 2), '0.5');
  t.equal(formatSampling(SAMPLING_ONE), '1');
  t.equal(formatSampling(parseWith(samplingArg, '0.1')), '0.1');
  t.ok(sampled(SAMPLING_ONE, 0xffffffff));
  t.notOk(sampled(0, 0));
  t.ok(sampled(SAMPLING_ONE / 2, 5));
  t.notOk(sampled(SAMPLING_ONE / 2, SAMPLING_ONE - 1));
  t.throws(() => parseWith(samplingArg, '-0.5'), /not a number from 0 to 1/);
  t.equal(parseWith(samplingArg, '+0.25'), SAMPLING_ONE / 4, 'FixedPointArg takes a plus sign');
  t.equal(formatSampling(parseWith(samplingArg, '0.33333333333')), '0.33333333244', "Click's cp_unparse_real2 text");
});

t.test('IP and TCP option texts', async (t) => {
  t.equal(formatTCPOptions(Uint8Array.of(2, 4, 5, 0xb4, 1, 3, 3, 7, 4, 2), 'all'), 'mss1460;wscale7;sackok');
  const ts = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2);
  t.equal(formatTCPOptions(ts, 'all'), 'ts1:2');
  t.equal(formatTCPOptions(ts, 'nontimestamp'), '.');
  const sack = Uint8Array.of(5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40);
  t.equal(formatTCPOptions(sack, 'sack'), 'sack10-20;sack30-40');
  t.equal(formatTCPOptions(Uint8Array.of(99, 4, 7, 8), 'all'), '99=7:8');
  t.equal(formatTCPOptions(Uint8Array.of(2, 9), 'all'), '?', 'malformed');
  t.same(Array.from(parseTCPOptions('mss1460;wscale7;sackok')!), [2, 4, 5, 0xb4, 3, 3, 7, 4, 2]);
  t.same(Array.from(parseTCPOptions('sack10-20,sack30-40')!), Array.from(sack), 'adjacent SACK blocks make one option');
  t.same(Array.from(parseTCPOptions('ts1:2')!), Array.from(ts));
  t.equal(parseTCPOptions('mss99999'), undefined);
  t.equal(formatIPOptions(Uint8Array.of(7, 11, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0)), 'rr{10.0.0.1}+1');
  t.equal(formatIPOptions(Uint8Array.of(131, 11, 4, 1, 0, 0, 1, 1, 0, 0, 2, 0)), 'lsrr{^1.0.0.1,1.0.0.2}');
  t.equal(formatIPOptions(Uint8Array.of(68, 12, 9, 0, 0, 0, 0, 5, 0, 0, 0, 0)), 'ts{5}+1');
  t.equal(formatIPOptions(Uint8Array.of(148, 4, 0, 0)), '148=0:0');
  t.equal(formatIPOptions(Uint8Array.of(1, 0, 0, 0)), '.');
  t.equal(formatIPOptions(Uint8Array.of(7, 40)), '?');
});

t.test('line reader', async (t) => {
  const path = writeTemp(tempDir(), 'lines.txt', `first\r\nsecond\n${'x'.repeat(70000)}\nlast`);
  const r = LineReader.open(path);
  t.equal(r.peek(), 'first');
  t.equal(r.next(), 'first');
  t.equal(r.position, 7);
  t.equal(r.next(), 'second');
  t.equal(r.next()!.length, 70000, 'lines longer than a read chunk');
  t.equal(r.next(), 'last');
  t.equal(r.lineNumber, 4);
  t.equal(r.next(), undefined);
  t.equal(r.position, r.size);
  r.close();
});

t.test('source data and token bucket', async (t) => {
  t.same(Array.from(sourceBytes(Uint8Array.of(1, 2), 5)), [1, 2, 1, 2, 1]);
  t.same(Array.from(sourceBytes(new Uint8Array(0), 3)), [0, 0, 0]);
  const b = new TokenBucket(10, 2);
  b.set(1, 0n);
  t.ok(b.take());
  t.notOk(b.take());
  t.equal(b.timeUntilToken(), 100_000_000n);
  b.refill(10_000_000_000n);
  t.ok(b.take() && b.take() && !b.take(), 'capacity 2');
  t.equal(new TokenBucket(0, 2).timeUntilToken(), undefined, 'rate 0: never');
});

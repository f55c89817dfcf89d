// IPFragmenter and IPGWOptions in both engines: fragments (options copied,
// offsets, MF, DF handling, more fragments than a batch), drops and their
// stderr lines; the option walk (Record Route, Timestamp in every flag,
// overflow, malformed options, options past the packet data).
import t from 'tap';
import { differential } from './differential.js';
import { framesSource } from './ether-ip-harness.js';
import { ether, ipv4, tcp, udp } from '../util/packets.js';

const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 255);
const big = (n: number, o: Parameters<typeof ipv4>[1] = {}) => ipv4(udp(payload(n)), o);
/** LSRR (copied), Record Route (not copied), NOP, EOL. */
const fragOptions = [131, 7, 4, 1, 2, 3, 4, 7, 7, 4, 0, 0, 0, 0, 1, 0];

t.test('IPFragmenter: small packets pass; large ones are split with copied options, offsets and MF', async (t) => {
  const fs = [
    big(100), big(1000), big(1000, { options: fragOptions }), big(600, { frag: 0x2000 | 0x0040 }), big(1479),
    big(590, { options: [0x83, 0, 0, 0] }), Uint8Array.from([...big(700), ...payload(30)]), big(2000, { id: 0xffff, ttl: 1 }),
  ];
  differential(t, {
    config: `${framesSource(fs, 'BURST 3')} -> MarkIPHeader -> f :: IPFragmenter(576) -> a :: EIPLog;
      ${framesSource(fs, 'BURST 8')} -> CheckIPHeader -> f2 :: IPFragmenter(68, HEADROOM 0) -> EtherEncap(0x0800, 1:2:3:4:5:6, 6:5:4:3:2:1) -> b :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> f3 :: IPFragmenter(1500) -> c :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.count', 'f.fragments', 'f.drops', 'f2.fragments', 'f3.fragments'],
  });
});

t.test('IPFragmenter: more fragments than a batch, with a writer downstream of the first', async (t) => {
  differential(t, {
    config: `${framesSource([big(9000, { options: fragOptions }), big(5000)])} -> MarkIPHeader -> f :: IPFragmenter(68)
      -> SetIPDSCP(9) -> l :: EIPLog;`,
    handlers: ['l.log', 'f.fragments'],
  });
});

t.test('IPFragmenter: DF packets (at most five lines, or all with VERBOSE), HONOR_DF false, MTU too small for 8 bytes', async (t) => {
  const df = Array.from({ length: 7 }, (_, i) => big(700 + i, { frag: 0x4000, src: `10.0.0.${i}` }));
  differential(t, {
    config: `${framesSource(df, 'BURST 4')} -> MarkIPHeader -> f1 :: IPFragmenter(576) -> a :: EIPLog; f1[1] -> a1 :: EIPLog;
      ${framesSource(df.slice(0, 2))} -> MarkIPHeader -> f2 :: IPFragmenter(576, true, true) -> b :: EIPLog;
      ${framesSource(df.slice(0, 3))} -> MarkIPHeader -> f3 :: IPFragmenter(576, HONOR_DF false) -> c :: EIPLog;
      ${framesSource([big(100, { options: fragOptions }), big(30)])} -> MarkIPHeader -> f4 :: IPFragmenter(40) -> d :: EIPLog; f4[1] -> d1 :: EIPLog;`,
    handlers: ['a.log', 'a1.count', 'b.count', 'c.log', 'd.log', 'd1.log', 'f1.drops', 'f1.fragments', 'f2.drops', 'f3.fragments', 'f4.drops'],
    seed: 12345,
  });
});

t.test('IPFragmenter: packets it cannot read are dropped', async (t) => {
  const fs = [big(700), big(700, { hl: 4 }), big(700, { totalLength: 15 }), big(700, { totalLength: 2000 }), big(700, { hl: 15 }).slice(0, 40)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 5')} -> MarkIPHeader -> f :: IPFragmenter(576) -> a :: EIPLog;
      ${framesSource(fs)} -> f2 :: IPFragmenter(576) -> b :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader(800) -> f3 :: IPFragmenter(576) -> c :: EIPLog;`,
    handlers: ['a.log', 'b.count', 'c.count', 'f.fragments', 'f.drops'],
  });
});

// Options for IPGWOptions, each padded to whole words.
const RR = [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const RR_FULL = [7, 7, 8, 1, 2, 3, 4, 0];
const RR_BAD = [7, 7, 2, 0, 0, 0, 0, 0];
const TS0 = [68, 12, 5, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
const TS1 = [68, 12, 5, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
const TS1_FULL = [68, 12, 13, 0x21, 9, 9, 9, 9, 9, 9, 9, 9];
const TS0_OVERFLOWED = [68, 8, 9, 0xf0, 0, 0, 0, 0];
const ts3 = (a: number[]) => [68, 12, 5, 0x03, ...a, 0, 0, 0, 0];
const TS_BAD_FLAG = [68, 12, 5, 0x02, 0, 0, 0, 0, 0, 0, 0, 0];
const TS_BAD_PTR = [68, 12, 4, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];
const SHORT_LEN = [1, 7, 1, 0];
const PAST_HEADER = [7, 15, 4, 0, 0, 0, 0, 0];
const LSRR = [131, 7, 4, 1, 2, 3, 4, 0];

t.test('IPGWOptions: Record Route, Timestamp flags 0/1/3, overflow, skipped options, checksum', async (t) => {
  const opt = (options: number[]) => ipv4(udp(payload(4)), { options });
  const fs = [
    ipv4(udp(payload(4))), opt(RR), opt(RR_FULL), opt(TS0), opt(TS1), opt(TS1_FULL), opt(ts3([192, 0, 2, 1])), opt(ts3([198, 51, 100, 1])),
    opt(ts3([9, 9, 9, 9])), opt([...LSRR, ...RR]), opt([1, 1, 1, 1, ...TS0]), opt([0, ...RR.slice(1), 0, 0, 0, 0]),
  ];
  differential(t, {
    config: `${framesSource(fs, 'INTERVAL 1500ms, BURST 5')} -> MarkIPHeader -> g :: IPGWOptions(192.0.2.1, OTHERADDRS 198.51.100.1 203.0.113.1) -> a :: EIPLog; g[1] -> a1 :: EIPLog;
      ${framesSource(fs.map((f) => ether(f)))} -> MarkIPHeader(14) -> IPGWOptions(192.0.2.1) -> b :: EIPLog;`,
    handlers: ['a.log', 'a1.count', 'b.log', 'g.drops'],
  });
});

t.test('IPGWOptions: malformed options set the parameter-problem annotation and go to output 1', async (t) => {
  const opt = (options: number[]) => ipv4(tcp(payload(2)), { options, proto: 6 });
  const fs = [opt(RR_BAD), opt(TS0_OVERFLOWED), opt(TS_BAD_FLAG), opt(TS_BAD_PTR), opt(SHORT_LEN), opt(PAST_HEADER), opt([...RR, ...RR_BAD]),
    opt([...TS1, ...TS_BAD_FLAG])];
  differential(t, {
    config: `${framesSource(fs, 'BURST 8')} -> MarkIPHeader -> g :: IPGWOptions(192.0.2.1) -> a :: EIPLog; g[1] -> a1 :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> g2 :: IPGWOptions(192.0.2.1) -> b :: EIPLog;`,
    handlers: ['a.log', 'a1.log', 'b.count', 'g.drops', 'g2.drops'],
  });
});

t.test('IPGWOptions: options past the packet data read as zero; stores past it are skipped; no IP header: dropped', async (t) => {
  const cut = (options: number[], keep: number) => ipv4(new Uint8Array(0), { options }).slice(0, keep);
  const fs = [cut(RR, 26), cut(RR, 24), cut(RR, 23), cut(RR, 22), cut(TS0, 23), cut(TS0, 26), cut(TS1, 30), cut([...RR, ...TS0, ...TS1], 40), cut(TS0, 21), cut(ts3([192, 0, 2, 1]), 26)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 10')} -> MarkIPHeader -> g :: IPGWOptions(192.0.2.1) -> a :: EIPLog; g[1] -> a1 :: EIPLog;
      ${framesSource(fs)} -> g2 :: IPGWOptions(192.0.2.1) -> b :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader(21) -> g3 :: IPGWOptions(192.0.2.1) -> c :: EIPLog;`,
    handlers: ['a.log', 'a1.log', 'b.count', 'c.log', 'g.drops'],
  });
});

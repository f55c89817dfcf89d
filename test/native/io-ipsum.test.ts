// FromIPSummaryDump and ToIPSummaryDump in both engines: every field written
// from real and crafted packets, `!bad` lines, MULTIPACKET, dumps read back
// (every readable field, directives, malformed lines, CHECKSUM, TIMING,
// SAMPLE), with the resulting packets compared through ToDump captures.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { writeCapture } from '../../host-engine/pcap.js';
import { ether, frames, icmp, ipv4, tcp, udp } from '../util/packets.js';
import { differential, handlerDiff, initErrors, sanitizerRun } from './io-util.js';
import { runHost } from './differential.js';

const FIXTURE = new URL('../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;

const ALL_FIELDS = [
  'timestamp', 'ts_sec', 'ts_usec', 'ts_usec1', 'first_timestamp', 'count', 'link', 'paint', 'direction', 'aggregate', 'wire_len',
  'eth_src', 'eth_dst', 'eth_type', 'ip_src', 'ip_dst', 'ip_tos', 'ip_dscp', 'ip_ecn', 'ip_ttl', 'ip_frag', 'ip_fragoff', 'ip_id',
  'ip_sum', 'ip_proto', 'ip_hl', 'ip_len', 'ip_capture_len', 'ip_opt', 'sport', 'dport', 'tcp_seq', 'tcp_ack', 'tcp_off', 'tcp_flags',
  'tcp_window', 'tcp_urp', 'tcp_opt', 'tcp_ntopt', 'tcp_sack', 'udp_len', 'icmp_type', 'icmp_type_name', 'icmp_code', 'icmp_code_name',
  'icmp_flowid', 'icmp_seq', 'icmp_nextmtu', 'payload', 'payload_len', 'payload_md5_hex',
];
const READABLE = ALL_FIELDS.filter((f) => f !== 'payload_md5_hex');

const tcpOpts = (o: number[]) => {
  const seg = tcp(new Uint8Array(6).fill(0x61), { flags: 0x12 });
  const hl = 20 + o.length;
  const b = Uint8Array.from([...seg.subarray(0, 20), ...o, ...seg.subarray(20)]);
  b[12] = (hl / 4) << 4;
  return ether(ipv4(b, { proto: 6 }));
};
const crafted: Uint8Array[] = [
  frames.udp({ payload: new Uint8Array(12).fill(0x22) }),
  frames.tcp({ flags: 0x18, payload: Uint8Array.from('GET / "x"\n\\$', (c) => c.charCodeAt(0)) }),
  frames.icmpEcho({ id: 7 } as never),
  ether(ipv4(icmp(3, 4, Uint8Array.of(0, 0, 5, 220), ipv4(udp(new Uint8Array(0)))), { proto: 1 })),
  ether(ipv4(icmp(11, 1), { proto: 1, tos: 0xb9, ttl: 1 })),
  ether(ipv4(new Uint8Array(10), { proto: 47, frag: 0x2005 })),
  ether(ipv4(udp(new Uint8Array(4)), { options: [7, 7, 4, 10, 0, 0, 1, 0, 0, 0, 0, 0], frag: 0x4000 })),
  ether(ipv4(udp(new Uint8Array(4)), { options: [68, 12, 13, 1, 10, 0, 0, 1, 0, 0, 0, 5, 1, 0, 0, 0] })),
  ether(ipv4(udp(new Uint8Array(4)), { options: [131, 11, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0] })),
  ether(ipv4(udp(new Uint8Array(4)), { options: [99, 3, 1, 0] })),
  tcpOpts([2, 4, 5, 180, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2]),
  tcpOpts([1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 2, 0]),
  tcpOpts([5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 1, 1]),
  tcpOpts([30, 3, 1, 0]),
  tcpOpts([2, 9, 0, 0]),
  frames.tcp().subarray(0, 14 + 20 + 9),
  frames.udp().subarray(0, 14 + 20 + 3),
  ether(ipv4(udp(new Uint8Array(2)), { version: 6 })),
  ether(ipv4(udp(new Uint8Array(2)), { hl: 4 })),
  ether(ipv4(udp(new Uint8Array(2)), { totalLength: 10 })),
  ether(ipv4(udp(new Uint8Array(20)), { totalLength: 40 })),
  ether(ipv4(udp(new Uint8Array(0)), { totalLength: 600 })),
  ether(ipv4(tcp(new Uint8Array(0)), { proto: 6 })).map((b, i) => (i === 14 + 20 + 12 ? 0x30 : b)),
  frames.arpRequest(),
];
const craftedPcap = writeCapture(crafted.map((data, i) => ({ tsSec: 1_000_000 + i, tsNsec: (i * 123457) % 1e9, origLen: data.length + (i % 4) * 100, data })));
const files = { 'in.pcap': new Uint8Array(readFileSync(FIXTURE)), 'crafted.pcap': craftedPcap };

t.test('ToIPSummaryDump writes every field as the host does', async (t) => {
  const variants = [
    `FIELDS ${ALL_FIELDS.join(' ')}`,
    `FIELDS ${ALL_FIELDS.join(' ')}, BAD_PACKETS true`,
    `CONTENTS ts src dst proto len sport dport tcp_flags payload_length, BAD_PACKETS true, CAREFUL_TRUNC false`,
    `DATA "ip len" wire_length ip_capture_len payload_len, EXTRA_LENGTH false, BANNER "me \\"quoted\\""`,
    `FIELDS eth_src eth_dst eth_type, HEADER false`,
    `FIELDS ${ALL_FIELDS.join(' ')}, MULTIPACKET true, BAD_PACKETS true`,
  ];
  for (const v of variants) {
    for (const source of ['in.pcap', 'crafted.pcap']) {
      await t.test(`${source}: ${v.slice(0, 60)}`, async (t) =>
        differential(t, {
          config: `fd :: FromDump(${source}, STOP true, FORCE_IP true) -> Paint(2) -> d :: ToIPSummaryDump(out.txt, ${v}); fd[1] -> d2 :: ToIPSummaryDump(other.txt, ${v});`,
          files,
          handlers: ['d.count', 'd2.count'],
        }));
    }
  }
});

t.test('ToIPSummaryDump to standard output, after MarkIPHeader, with an output, pulled', async (t) => {
  differential(t, {
    config: `FromDump(crafted.pcap, STOP true) -> Strip(14) -> MarkIPHeader -> d :: ToIPSummaryDump(-, FIELDS src dst ip_opt tcp_opt payload) -> c :: Counter -> Discard;`,
    files,
    handlers: ['d.count', 'c.count'],
  });
  differential(t, {
    config: `FromDump(in.pcap, STOP true, FORCE_IP true) -> q :: Queue -> d :: ToIPSummaryDump(q.txt, FIELDS timestamp ip_len sport);`,
    files,
    handlers: ['d.count'],
  });
  handlerDiff(t, {
    config: `FromDump(in.pcap, STOP true, FORCE_IP true) -> d :: ToIPSummaryDump(f.txt, FIELDS src dst);`,
    files,
    writesAfter: [['d.flush', ''], ['d.count', '1']],
    handlers: ['d.count'],
  });
  initErrors(t, { config: `Idle -> ToIPSummaryDump(no/dir/x.txt);` });
});

const dumps: Record<string, string> = {
  'ipprint-01': [
    '!data timestamp src dst sport dport proto ip_len ip_hl tcp_off tcp_flags',
    '1.00002 1.0.0.1 1.0.0.2 10 20 T 1500 40 20 A',
    '1.00003 1.0.0.2 1.0.0.3 20 30 T 1000 20 20 SA',
    '1.00004 1.0.0.3 1.0.0.4 30 40 T 1000 20 40 SF',
    '1.00005 1.0.0.4 1.0.0.5 40 50 T 1000 32 40 A',
  ].join('\n'),
  'ipsum-01': '!data sport dport tcp_urp tcp_opt\n1 2 3 wscale10\n2 3 4 wscale10\n3 4 5 wscale10\n',
  'every field': [
    '!IPSummaryDump 1.3',
    '!creator "test"',
    `!data ${READABLE.join(' ')}`,
    `5.5 6 7 8000009 3.25 2 > 1 < 77 200 00-11-22-33-44-55 66:77:88:99:aa:bb 0800 10.0.0.1 10.0.0.2 12 3 ect1 64 ! 0 99 12345 T 20 300 40 1 2 1000 2000 20 SA 512 1 mss1460;wscale7;sackok;sack1-2 . . - - - - - - - - "abc" 20`,
    `- - - - - - - - - - - - - - 10.1.1.1 - - - - - f 800+ - - U - 28 - 53 54 - - - - - - - - - - 20 - - - - - - - - -`,
    `- - - - - - - - - - - - - - 10.2.2.2 - - - ce - - - - - I - - - - - - - - - - - - - - - 3 unreachable 4 needfrag 9 10 1400 "\\001\\002" 2`,
    `- - - - - - - - - - - - - - 10.3.3.3 - - - - - F 0! - - 47 - 60 - - - - - - - - - - - - - - - - - - - - 5`,
    `x y z`,
    `# a comment`,
    ``,
    `!proto udp`,
    `!flowid 1.2.3.4 10 5.6.7.8 20 T`,
    `!aggregate 42`,
    `!data ts wire_len payload`,
    `7.000000001 90 "flow"`,
    `!flowid - - - - `,
    `!flowid bad`,
    `!proto 300`,
    `!proto`,
    `!aggregate x`,
    `!data nosuch ip_opt payload_md5_hex "ip src" ip`,
    `1 2 3 10.9.9.9 10.8.8.8`,
    `!contents count timestamp first_timestamp ip_len payload_len`,
    `4 20.5 10.25 400 100`,
    `1 21 - 60 -`,
    `!binary`,
    `never read`,
  ].join('\n'),
  'no data line': 'just words\n1 2 3\n',
  'version': '!IPSummaryDump 2.0\n!data src\n1.1.1.1\r\n2.2.2.2',
  'old fragments': '!IPSummaryDump 1.0\n!data ip_fragoff ip_src\n80+ 1.1.1.1\n8! 1.1.1.2\n',
  'tcp options and flags': '!data tcp_flags tcp_opt tcp_ntopt tcp_sack tcp_off\nFSRPAUECN mss1;nop;eol;ts1:2 - - 44\n0x12 sack1-2,sack3:4 - - -\nWXY 5=1:2:3 - - 10\n. x - - -\n4095 99;8=1 - - 61\n',
  'bare payload words': '!data src payload\n1.1.1.1 XXX\n2.2.2.2 "q q"\n3.3.3.3 a\'b\n4.4.4.4 \\\\001\n5.5.5.5 x"y"\n',
  'ethernet only': '!data eth_type eth_src payload\n0806 0:1:2:3:4:5 "arp?"\n86dd 001122334455 -\n0800 - -\n',
  'icmp': '!data icmp_code icmp_type icmp_seq icmp_flowid\nport unreachable 5 6\n0 echo 1 2\nhost 5 - -\n3 300 - -\n',
};

t.test('FromIPSummaryDump builds the packets the host builds', async (t) => {
  const keywords = ['STOP true', 'STOP true, CHECKSUM true', 'STOP true, MULTIPACKET true, CHECKSUM true', 'STOP true, PROTO 17, ZERO false'];
  for (const [name, text] of Object.entries(dumps)) {
    for (const kw of keywords) {
      await t.test(`${name}: ${kw}`, async (t) =>
        differential(t, {
          config: `f :: FromIPSummaryDump(dump.txt, ${kw}) -> IPPrint(p, CONTENTS hex) -> td :: ToDump(out.pcap, ENCAP IP) -> d :: ToIPSummaryDump(back.txt, FIELDS ${ALL_FIELDS.join(' ')}, BAD_PACKETS true);`,
          files: { 'dump.txt': text },
          handlers: ['f.count', 'f.filepos', 'f.filesize', 'f.encap', 'f.active', 'f.sampling_prob', 'd.count'],
        }));
    }
  }
});

t.test('negative and huge times from a dump: Print, IPPrint, ToDump and the dump fields as the host has them', async (t) => {
  // Times whose nanoseconds pass a signed 64 bits either way are parse
  // errors in both engines (the native one saturated whole seconds at
  // 2^63-1 and wrote 0xffffffff to a capture, the host kept 1e20 as a float
  // and wrote 0x63100000); 9223372036.854775807 s is the last that fits.
  const text = [
    '!data timestamp src first_timestamp count', '-3.25 1.1.1.1 - -', '-0.000005 2.2.2.2 -9.5 3', '2.000000007 3.3.3.3 - -', '-4 4.4.4.4 -1.5 2',
    '99999999999999999999.5 5.5.5.5 - -', '9223372036.854775808 6.6.6.6 -9223372036.854775808 -', '9223372036.854775807 7.7.7.7 -9223372036.854775807 2',
    '!data ts_usec1 src', '99999999999999999999999999 8.8.8.8', '9223372036854776 9.9.9.9', '9223372036854775 10.10.10.10',
  ].join('\n') + '\n';
  for (const nano of ['true', 'false']) {
    await t.test(`NANO ${nano}`, async (t) =>
      differential(t, {
        config: `f :: FromIPSummaryDump(dump.txt, STOP true, MULTIPACKET true) -> Print(x, TIMESTAMP true) -> IPPrint(y) -> ToDump(out.pcap, NANO ${nano})
                 -> ToIPSummaryDump(back.txt, FIELDS timestamp ts_sec ts_usec ts_usec1 first_timestamp count, MULTIPACKET true);`,
        files: { 'dump.txt': text },
        handlers: ['f.count'],
      }));
  }
});

t.test('FromIPSummaryDump keywords: DATA, FIELDS, FLOWID, TIMING, SAMPLE, ALLOW_NONEXISTENT, pull', async (t) => {
  const text = '!data timestamp src dst ip_len count first_timestamp\n10 1.1.1.1 2.2.2.2 100 3 9.5\n10.5 1.1.1.1 2.2.2.2 40 1 -\n12 3.3.3.3 4.4.4.4 1500 4 11\n';
  const configs = [
    `f :: FromIPSummaryDump(DATA "1 2\\n3 4\\n", FIELDS sport dport, FLOWID "10.0.0.1 1 10.0.0.2 2 U", STOP true)`,
    `f :: FromIPSummaryDump(dump.txt, TIMING true, STOP true)`,
    `f :: FromIPSummaryDump(dump.txt, TIMING true, MULTIPACKET true, STOP true)`,
    `f :: FromIPSummaryDump(dump.txt, SAMPLE 0.5, MULTIPACKET true, STOP true)`,
    `f :: FromIPSummaryDump(dump.txt, ACTIVE false)`,
    `f :: FromIPSummaryDump(missing.txt, ALLOW_NONEXISTENT true, STOP true)`,
    `f :: FromIPSummaryDump(empty.txt, ALLOW_NONEXISTENT true, STOP true)`,
    `f :: FromIPSummaryDump(dump.txt, DEFAULT_CONTENTS src dst, DEFAULT_FLOWID "1.1.1.1 5 2.2.2.2 6", STOP true)`,
  ];
  for (const c of configs) {
    await t.test(c, async (t) =>
      differential(t, {
        config: `${c} -> td :: ToDump(out.pcap) -> d :: ToIPSummaryDump(back.txt, FIELDS ${ALL_FIELDS.join(' ')});`,
        files: { 'dump.txt': text, 'empty.txt': '' },
        handlers: ['f.count', 'f.filepos', 'f.filesize', 'f.active', 'f.sampling_prob', 'd.count'],
      }));
  }
  await t.test('pulled through Unqueue', async (t) =>
    differential(t, {
      config: `f :: FromIPSummaryDump(dump.txt, MULTIPACKET true, STOP true) -> Unqueue(BURST 2) -> td :: ToDump(out.pcap);`,
      files: { 'dump.txt': text },
      handlers: ['f.count', 'td.count'],
    }));
  await t.test('handlers', async (t) =>
    handlerDiff(t, {
      config: `f :: FromIPSummaryDump(dump.txt, ACTIVE false) -> td :: ToDump(out.pcap);`,
      files: { 'dump.txt': text },
      writes: [['f.active', 'perhaps'], ['f.active', 'true']],
      writesAfter: [['f.stop', ''], ['f.encap', 'x']],
      handlers: ['f.active', 'f.count', 'f.encap'],
    }));
  await t.test('missing and empty files', async (t) => {
    initErrors(t, { config: `FromIPSummaryDump(missing.txt) -> Discard;` });
    initErrors(t, { config: `FromIPSummaryDump(empty.txt) -> Discard;`, files: { 'empty.txt': '' } });
  });
});

t.test('round trip: packets -> dump -> packets -> dump', async (t) => {
  const fields = 'timestamp src dst ip_len ip_proto ip_id ip_ttl ip_tos ip_frag ip_fragoff sport dport tcp_seq tcp_ack tcp_flags tcp_window tcp_opt payload_len payload';
  const first = { config: `FromDump(in.pcap, STOP true, FORCE_IP true) -> ToIPSummaryDump(first.txt, FIELDS ${fields}) -> Discard;`, files };
  differential(t, first);
  const text = Buffer.from(runHost(first).files['first.txt']!, 'hex');
  t.ok(text.length > 10000, 'a dump of the whole trace');
  differential(t, {
    config: `again :: FromIPSummaryDump(first.txt, STOP true, CHECKSUM true) -> ToIPSummaryDump(second.txt, FIELDS ${fields}) -> ToDump(again.pcap);`,
    files: { 'first.txt': text },
    handlers: ['again.count'],
  });
});

t.test('sanitizer builds: summary dumps', async (t) => {
  sanitizerRun(t, {
    config: `fd :: FromDump(crafted.pcap, STOP true, FORCE_IP true) -> d :: ToIPSummaryDump(out.txt, FIELDS ${ALL_FIELDS.join(' ')}, BAD_PACKETS true, MULTIPACKET true); fd[1] -> Discard;`,
    files,
    handlers: ['d.count'],
  });
  sanitizerRun(t, {
    config: `f :: FromIPSummaryDump(dump.txt, STOP true, CHECKSUM true, MULTIPACKET true) -> td :: ToDump(out.pcap, ENCAP IP) -> d :: ToIPSummaryDump(back.txt, FIELDS ${ALL_FIELDS.join(' ')});`,
    files: { 'dump.txt': dumps['every field']! + '\n' + dumps['tcp options and flags']! },
    handlers: ['f.count', 'd.count'],
  });
});

t.test('random dump lines never crash', async (t) => {
  const tokens = ['-', '0', '1', '65535', '65536', '1.2.3.4', '300.1.1.1', 'T', 'U', 'I', 'SA', '.', '!', 'f', 'F', '8+', '8!', 'mss1;ts1:2', 'sack1-2',
    '"x"', '"\\001"', 'x', '999999999999', '1.5', '-3.25', 'ce', 'echo', 'port', '0800', '86dd', '00:11:22:33:44:55', '60', '4', '>', '<', 'nop;eol;9=1:2'];
  for (const seed of [7, 8]) {
    let x = seed;
    const pick = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return tokens[(x >>> 0) % tokens.length]!;
    };
    // `count` is left out: one line could stand for billions of packets
    const fields = READABLE.filter((f) => f !== 'count');
    const lines = [`!data ${fields.join(' ')}`];
    for (let i = 0; i < 80; i++) lines.push(Array.from({ length: fields.length }, pick).join(' '));
    await t.test(`seed ${seed}`, async (t) =>
      sanitizerRun(t, {
        config: `f :: FromIPSummaryDump(dump.txt, STOP true, CHECKSUM true, MULTIPACKET true) -> IPPrint(p, CONTENTS hex, OUTFILE p.txt) -> td :: ToDump(out.pcap, ENCAP IP) -> d :: ToIPSummaryDump(back.txt, FIELDS ${ALL_FIELDS.join(' ')}, BAD_PACKETS true);`,
        files: { 'dump.txt': lines.join('\n') },
        handlers: ['f.count', 'd.count'],
      }));
  }
});

const utc = new Date(0).getTimezoneOffset() === 0 && /Coordinated Universal Time/.test(new Date(0).toString());

t.test('VERBOSE header lines (host name, run time); the zone name is exact for UTC', { skip: utc ? false : 'the machine does not run in UTC' }, async (t) => {
  differential(t, { config: 'Idle -> d :: ToIPSummaryDump(v.txt, VERBOSE true, BANNER "b\\001x", FIELDS src);', handlers: ['d.count'] });
});

// IPPrint in both engines: every protocol form, truncated and fragmented
// packets, the prefix keywords, CONTENTS/PAYLOAD dumps, OUTFILE, and the
// `active` handler.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { writeCapture } from '../../host-engine/pcap.js';
import { ether, frames, icmp, ipv4, tcp, udp } from '../util/packets.js';
import { differential, handlerDiff, initErrors, sanitizerRun } from './io-util.js';

const FIXTURE = new URL('../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;

const inner = ipv4(udp(new Uint8Array(0), { dport: 53 }), { dst: '192.0.2.9' });
const unreach = (code: number, rest = new Uint8Array(4), body = inner) => ether(ipv4(icmp(3, code, rest, body), { proto: 1 }));
const crafted: Uint8Array[] = [
  frames.udp(),
  frames.tcp(),
  frames.tcp({ flags: 0x18, ack: 5, seq: 0xfffffffe, payload: new Uint8Array(10).fill(0x41) }),
  frames.tcp({ flags: 0x10 }),
  frames.tcp({ flags: 0x05 }),
  frames.tcp({ flags: 0x3f, payload: Uint8Array.from({ length: 100 }, (_, i) => i) }),
  ether(ipv4(new Uint8Array(4), { proto: 47 })),
  frames.icmpEcho(),
  ether(ipv4(icmp(0, 0, Uint8Array.of(1, 2, 3, 4)), { proto: 1 })),
  ether(ipv4(icmp(8, 0, Uint8Array.of(1, 2)), { proto: 1 })),
  unreach(3),
  unreach(2),
  unreach(4, Uint8Array.of(0, 0, 2, 64)),
  unreach(4),
  unreach(3, undefined, inner.subarray(0, 22)),
  unreach(1, undefined, inner.subarray(0, 10)),
  unreach(99),
  unreach(2, undefined, ipv4(new Uint8Array(8), { proto: 99 })),
  unreach(3, undefined, ipv4(new Uint8Array(8), { proto: 98 })),
  ether(ipv4(icmp(11, 0), { proto: 1 })),
  ether(ipv4(icmp(42, 3), { proto: 1 })),
  ether(ipv4(icmp(4, 0), { proto: 1 })),
  ether(ipv4(icmp(5, 9), { proto: 1 })),
  ether(ipv4(Uint8Array.of(8), { proto: 1 })),
  frames.udp({ frag: 0x2000 }),
  frames.udp({ frag: 0x0003 }),
  frames.tcp({ frag: 0x0001 }),
  frames.icmpEcho({ frag: 0x2001 } as never),
  frames.tcp().subarray(0, 14 + 20 + 10),
  frames.tcp().subarray(0, 14 + 20 + 15),
  frames.udp().subarray(0, 14 + 20 + 2),
  frames.udp().subarray(0, 14 + 20 + 6),
  ether(ipv4(udp(new Uint8Array(30)), { totalLength: 30 })),
  ether(ipv4(tcp(new Uint8Array(0)), { proto: 6, options: [1, 1, 1, 0] })),
  frames.udp({ tos: 0x2c, ttl: 3, id: 777, payload: new Uint8Array(64).fill(0x7a) }),
];
const pcap = writeCapture(crafted.map((data, i) => ({ tsSec: 1000 + i, tsNsec: i * 1000 + (i % 3), origLen: data.length, data })));
const files = { 'ip.pcap': pcap, 'in.pcap': new Uint8Array(readFileSync(FIXTURE)) };

const VARIANTS = [
  '',
  'TIMESTAMP false',
  'lbl',
  'lbl, ID true, TTL true, TOS true, LENGTH true',
  'PAINT true',
  'AGGREGATE true',
  'AGGREGATE true, PAINT true',
  'SWAP false',
  'CONTENTS hex',
  'CONTENTS ascii, MAXLENGTH 30',
  'CONTENTS true, NBYTES 5',
  'PAYLOAD hex',
  'PAYLOAD ascii',
  'PAYLOAD yes, MAXLENGTH -1',
  'PAYLOAD true, MAXLENGTH 0',
  'ACTIVE false',
  'CHANNEL x',
];

t.test('IPPrint lines for crafted packets', async (t) => {
  for (const v of VARIANTS) {
    await t.test(v || '(defaults)', async (t) =>
      differential(t, {
        config: `fd :: FromDump(ip.pcap, STOP true, FORCE_IP true) -> Paint(7) -> p :: IPPrint(${v}) -> Discard; fd[1] -> IPPrint(nonip) -> Discard;`,
        files,
        handlers: ['p.active'],
      }));
  }
});

t.test('IPPrint on the conformance trace: malformed headers, options, fragments', async (t) => {
  differential(t, { config: `FromDump(in.pcap, STOP true, FORCE_IP true) -> IPPrint(t, CONTENTS hex, ID true, LENGTH true) -> Discard;`, files });
  differential(t, { config: `FromDump(in.pcap, STOP true) -> Strip(14) -> MarkIPHeader -> IPPrint(m, PAYLOAD ascii) -> Discard;`, files });
});

t.test('IPPrint next to Print, in a pull path, and to a file', async (t) => {
  differential(t, {
    config: `fd :: FromDump(ip.pcap, STOP true, FORCE_IP true) -> Print(raw, 8) -> IPPrint(ip) -> q :: Queue -> IPPrint(pulled, TIMESTAMP false) -> Unqueue -> Print(after) -> Discard; fd[1] -> Discard;`,
    files,
  });
  differential(t, {
    config: `fd :: FromDump(ip.pcap, STOP true, FORCE_IP true) -> IPPrint("caf\\351", OUTFILE ipprint.txt, CONTENTS ascii) -> IPPrint(err) -> Discard; fd[1] -> Discard;`,
    files,
  });
  initErrors(t, { config: `Idle -> IPPrint(OUTFILE no/such/dir/x.txt) -> Discard;` });
});

t.test('IPPrint active handler', async (t) => {
  handlerDiff(t, {
    config: 'fd :: FromDump(ip.pcap, STOP true, FORCE_IP true) -> p :: IPPrint -> Discard; fd[1] -> Discard;',
    files,
    writes: [['p.active', 'x'], ['p.active', 'false']],
    writesAfter: [['p.active', 'true']],
    handlers: ['p.active'],
  });
});

t.test('sanitizer build: IPPrint on crafted and malformed packets', async (t) => {
  sanitizerRun(t, { config: `fd :: FromDump(ip.pcap, STOP true, FORCE_IP true) -> IPPrint(CONTENTS hex, MAXLENGTH -1) -> d :: Discard; fd[1] -> d;`, files });
  sanitizerRun(t, { config: `FromDump(in.pcap, STOP true) -> Strip(14) -> MarkIPHeader -> IPPrint(PAYLOAD ascii, ID true, TTL true) -> Discard;`, files });
});

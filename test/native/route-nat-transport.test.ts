// TCP/UDP and ICMP elements in both engines: SetUDPChecksum,
// SetTCPChecksum, CheckUDPHeader, CheckTCPHeader, CheckICMPHeader, ICMPPingResponder and
// ICMPError on well-formed and malformed packets, their messages (with the
// once-per-router rules), handlers, annotations and pull paths.
import t from 'tap';
import { icmp, ipv4, tcp, udp } from '../util/packets.js';
import { outputsIdentical, sanitizedOutputsIdentical, sources } from './route-nat-support.js';

const bytes = (n: number, fill = 0xab) => new Uint8Array(n).fill(fill);
const udpPkt = (o: Parameters<typeof ipv4>[1] & { sum?: number; sport?: number; dport?: number; payload?: number } = {}) =>
  ipv4(udp(bytes(o.payload ?? 12), { src: o.src, dst: o.dst, sport: o.sport, dport: o.dport, checksum: o.sum }), { ...o, proto: 17 });
const tcpPkt = (o: Parameters<typeof ipv4>[1] & { sum?: number; flags?: number; payload?: number } = {}) =>
  ipv4(tcp(bytes(o.payload ?? 6), { src: o.src, dst: o.dst, flags: o.flags, checksum: o.sum }), { ...o, proto: 6 });
/** A loose source route option (type 131) whose last hop is 198.51.100.9, padded to 12 bytes. */
const lsrr = [131, 11, 12, 10, 0, 0, 1, 198, 51, 100, 9, 0];

/** Patch bytes of a packet (offset, values...). */
function patch(p: Uint8Array, at: number, ...values: number[]): Uint8Array {
  const q = p.slice();
  q.set(values, at);
  return q;
}
/** Cut a packet to n bytes (the IP length field still claims the rest). */
const cut = (p: Uint8Array, n: number) => p.slice(0, n);

const udpCases = [
  udpPkt({ sum: 0x1234 }), // wrong checksum
  udpPkt({ sum: 0 }), // no checksum
  udpPkt({ options: lsrr, sum: 0 }), // pseudo-header destination from the source route
  udpPkt({ frag: 0x2000 }), // a fragment (more fragments)
  udpPkt({ frag: 0x0010 }), // a later fragment
  patch(udpPkt(), 24, 0x00, 0x40), // UDP length past the data
  patch(udpPkt(), 24, 0x00, 0x04), // UDP length below 8
  cut(udpPkt(), 25), // under 8 transport bytes
  ipv4(new Uint8Array(0), { proto: 17 }), // no UDP header at all
  tcpPkt(), // not UDP
  udpPkt({ hl: 15 }), // header length past the data
];

t.test('SetUDPChecksum: fixed sums, fragments and short packets, one message per router', async (t) => {
  outputsIdentical(t, {
    config: `m :: MarkIPHeader -> su :: SetUDPChecksum -> @OUT(out);
      ${sources(udpCases, 'm')}
      m2 :: MarkIPHeader -> su2 :: SetUDPChecksum -> @OUT(out2);
      ${sources(udpCases.slice(3, 6), 'm2')}
      m3 :: MarkIPHeader -> su3 :: SetUDPChecksum -> @OUT(ok3); su3[1] -> @OUT(bad3);
      ${sources(udpCases, 'm3')}
      su4 :: SetUDPChecksum -> @OUT(unmarked);
      ${sources(udpCases.slice(0, 2), 'su4')}`,
  });
});

const tcpCases = [
  tcpPkt({ sum: 0x1111 }),
  tcpPkt({ options: lsrr, sum: 0x2222 }),
  patch(tcpPkt(), 32, 0x40), // data offset 4 words: FIXOFF raises it to 5
  patch(tcpPkt(), 32, 0xf0), // data offset 15 words past the payload: FIXOFF lowers it
  patch(tcpPkt({ frag: 0x2000 }), 32, 0xf0), // the same in a fragment: left alone
  patch(tcpPkt({ payload: 0 }), 3, 36), // IP length: payload under 20 bytes
  patch(tcpPkt(), 3, 200), // IP length past the data
  udpPkt(), // SetTCPChecksum does not check the protocol
];

t.test('SetTCPChecksum: sums, FIXOFF, bad lengths (a line each)', async (t) => {
  outputsIdentical(t, {
    config: `m :: MarkIPHeader -> st :: SetTCPChecksum -> @OUT(plain);
      ${sources(tcpCases, 'm')}
      m2 :: MarkIPHeader -> SetTCPChecksum(true) -> @OUT(fixoff);
      ${sources(tcpCases, 'm2')}
      ${sources(tcpCases.slice(0, 1), 'SetTCPChecksum -> @OUT(unmarked)')}`,
  });
});

const checkCases = [
  udpPkt(),
  udpPkt({ sum: 0 }),
  udpPkt({ sum: 0x4321 }),
  udpPkt({ options: lsrr }),
  patch(udpPkt(), 24, 0x00, 0x40),
  patch(udpPkt(), 24, 0x00, 0x07),
  cut(udpPkt(), 26),
  tcpPkt(),
  tcpPkt({ sum: 0x4321 }),
  tcpPkt({ options: lsrr }),
  patch(tcpPkt(), 32, 0x40),
  patch(tcpPkt(), 32, 0xf0),
  patch(tcpPkt(), 3, 30),
  cut(tcpPkt(), 35),
  ipv4(icmp(8, 0), { proto: 1 }),
];

t.test('CheckUDPHeader and CheckTCPHeader: reasons, first or every line, drops and drop_details', async (t) => {
  outputsIdentical(t, {
    config: `m :: MarkIPHeader -> cu :: CheckUDPHeader(DETAILS true) -> @OUT(udp_ok); cu[1] -> @OUT(udp_bad);
      ${sources(checkCases, 'm')}
      m2 :: MarkIPHeader -> ct :: CheckTCPHeader(VERBOSE true, DETAILS true) -> @OUT(tcp_ok); ct[1] -> @OUT(tcp_bad);
      ${sources(checkCases, 'm2')}
      m3 :: MarkIPHeader -> cu3 :: CheckUDPHeader(VERBOSE true) -> ct3 :: CheckTCPHeader -> @OUT(neither);
      ${sources(checkCases, 'm3')}
      cu4 :: CheckUDPHeader -> @OUT(unmarked);
      ${sources(checkCases.slice(0, 3), 'cu4')}`,
    handlers: ['cu.drops', 'cu.drop_details', 'ct.drops', 'ct.drop_details', 'cu3.drops', 'ct3.drops', 'cu4.drops'],
  });
});

const icmpQuote = (type: number, code: number, n: number) => ipv4(icmp(type, code, new Uint8Array(4), bytes(n, 0x33)), { proto: 1 });
const icmpCheckCases = [
  ipv4(icmp(8, 0), { proto: 1 }), // echo
  patch(ipv4(icmp(8, 0), { proto: 1 }), 22, 0x12), // bad checksum
  cut(ipv4(icmp(8, 0), { proto: 1 }), 26), // under 8 ICMP bytes
  icmpQuote(3, 1, 28), // unreachable quoting a header and 8 bytes
  icmpQuote(3, 1, 27), // one byte short
  icmpQuote(11, 0, 0),
  icmpQuote(13, 0, 12), // timestamp: exactly 20
  icmpQuote(14, 0, 13),
  icmpQuote(15, 0, 0), // information request: exactly 8
  icmpQuote(16, 0, 2),
  icmpQuote(42, 0, 5), // unknown type: any length
  ipv4(icmp(8, 0, new Uint8Array(4), bytes(3)), { proto: 1, options: lsrr }),
  udpPkt(),
  tcpPkt(),
];

t.test('CheckICMPHeader: length by type, checksum, lines, drops and drop_details', async (t) => {
  outputsIdentical(t, {
    config: `m :: MarkIPHeader -> ci :: CheckICMPHeader(DETAILS true) -> @OUT(ok); ci[1] -> @OUT(bad);
      ${sources(icmpCheckCases, 'm')}
      m2 :: MarkIPHeader -> ci2 :: CheckICMPHeader(VERBOSE true) -> @OUT(ok2);
      ${sources(icmpCheckCases, 'm2')}
      ci3 :: CheckICMPHeader -> @OUT(unmarked);
      ${sources(icmpCheckCases.slice(0, 2), 'ci3')}
      m4 :: MarkIPHeader -> q4 :: Queue -> ci4 :: CheckICMPHeader -> u4 :: Unqueue -> @OUT(pulled); ci4[1] -> @OUT(pushed);
      ${sources(icmpCheckCases, 'm4')}`,
    handlers: ['ci.drops', 'ci.drop_details', 'ci2.drops', 'ci3.drops', 'ci4.drops'],
  });
});

const echo = (o: Parameters<typeof ipv4>[1] = {}, rest = [0, 7, 0, 1], payload = bytes(8, 0x5a)) =>
  ipv4(icmp(8, 0, Uint8Array.from(rest), payload), { ttl: 17, frag: 0x4000, ...o, proto: 1 });

const pingCases = [
  echo({ src: '10.0.0.2', dst: '10.0.0.1' }),
  echo({ src: '10.0.0.3', dst: '198.51.100.7' }, [0, 0, 0, 0], new Uint8Array(0)), // the reply sums to zero: 0xFFFF
  ipv4(icmp(0, 0), { proto: 1 }), // an echo reply: not for us
  ipv4(icmp(8, 0).slice(0, 6), { proto: 1 }), // under 8 ICMP bytes
  udpPkt(),
];

t.test('ICMPPingResponder: replies in place, other packets to output 1 or dropped', async (t) => {
  outputsIdentical(t, {
    config: `m :: CheckIPHeader -> pr :: ICMPPingResponder -> ps :: PaintSwitch;
      ${sources(pingCases, 'Paint(2) -> m')}
      ps[0] -> rt :: StaticIPLookup(10.0.0.2/32 0, 0/0 1) -> @OUT(to_10_0_0_2); rt[1] -> @OUT(elsewhere);
      ps[1] -> @OUT(painted1); ps[2] -> @OUT(painted2);
      pr[1] -> @OUT(other);
      m2 :: CheckIPHeader -> ICMPPingResponder -> @OUT(single);
      ${sources(pingCases, 'm2')}
      ${sources(pingCases.slice(0, 1), 'ICMPPingResponder -> @OUT(unmarked)')}`,
  });
});

const errorCases = [
  udpPkt({ src: '10.0.0.2', dst: '198.51.100.5', payload: 40 }),
  echo({ src: '10.0.0.2' }),
  ipv4(icmp(3, 1, new Uint8Array(4), udpPkt()), { proto: 1, src: '10.0.0.3' }), // an ICMP error: none about it
  udpPkt({ dst: '255.255.255.255' }),
  udpPkt({ dst: '224.0.0.9' }),
  udpPkt({ src: '0.1.2.3' }),
  udpPkt({ src: '127.0.0.1' }),
  udpPkt({ src: '240.0.0.1' }),
  udpPkt({ src: '192.0.2.99' }), // BADADDRS
  udpPkt({ frag: 0x0020 }), // a later fragment
  udpPkt({ frag: 0x2000 }), // the first fragment
  udpPkt({ options: lsrr }), // a source route, echoed reversed
  udpPkt({ options: [137, 7, 4, 1, 2, 3, 4, 1] }), // a strict route with nothing recorded yet
  udpPkt({ options: [131, 3, 4, 0] }), // a source-route option too short to use
  udpPkt({ hl: 15 }), // header length past the data
  cut(udpPkt(), 20),
];

t.test('ICMPError: types and codes, RFC 1812 no-error cases, MTU, source routes, IP IDs, FIX_IP_SRC', async (t) => {
  outputsIdentical(t, {
    config: `m :: CheckIPHeader(VERBOSE false) -> t1 :: Tee;
      ${sources(errorCases, 'm')}
      t1[0] -> e1 :: ICMPError(192.0.2.1, unreachable, port, 192.0.2.99) -> @OUT(unreach);
      t1[1] -> e2 :: ICMPError(192.0.2.1, unreachable, needfrag, PMTU 1400, MTU 60) -> @OUT(needfrag);
      t1[2] -> e3 :: ICMPError(192.0.2.1, redirect, host, SET_FIX_ANNO false) -> FixIPSrc(9.9.9.9) -> @OUT(redirect);
      t1[3] -> e4 :: ICMPError(192.0.2.1, 11) -> FixIPSrc(9.9.9.9) -> @OUT(timeexceeded);
      t1[4] -> Paint(22, ANNO ICMP_PARAMPROB) -> e5 :: ICMPError(192.0.2.1, parameterproblem) -> @OUT(paramprob);
      t1[5] -> Paint(0, ANNO ICMP_PARAMPROB) -> e6 :: ICMPError(192.0.2.1, parameterproblem, erroratptr) -> @OUT(paramprob_in_route);
      t1[6] -> e7 :: ICMPError(192.0.2.1, sourcequench, MTU 27) -> @OUT(tiny_mtu);
      e8 :: ICMPError(192.0.2.1, unreachable) -> @OUT(unmarked);
      ${sources(errorCases.slice(0, 2), 'e8')}`,
    handlers: ['e1.src', 'e2.mtu', 'e2.pmtu', 'e7.mtu'],
  });
});

t.test('ICMPError handlers: src, mtu, pmtu writes and their errors', async (t) => {
  const call = (h: string) => `InfiniteSource(LIMIT 0, END_CALL ${JSON.stringify(h)}) -> Discard;`;
  outputsIdentical(t, {
    config: `${call('e.src 203.0.113.4')}${call('e.mtu 0x30')}${call('e.pmtu 1280')}
      ${call('e.src 300.1.1.1')}${call('e.mtu -5')}${call('e.pmtu lots')}${call('e2.src "198.51.100.1"')}
      m :: CheckIPHeader -> t1 :: Tee -> e :: ICMPError(192.0.2.1, unreachable, needfrag) -> @OUT(out);
      ${sources(errorCases.slice(0, 2), 'm')}
      t1[1] -> e2 :: ICMPError(192.0.2.1, unreachable) -> @OUT(out2);`,
    handlers: ['e.src', 'e.mtu', 'e.pmtu', 'e2.src'],
  });
});

t.test('ICMPError and the checkers in pull paths', async (t) => {
  outputsIdentical(t, {
    config: `m :: CheckIPHeader -> q :: Queue -> ICMPError(192.0.2.1, unreachable, host) -> SetUDPChecksum -> CheckUDPHeader -> u :: Unqueue -> @OUT(out);
      ${sources(errorCases.slice(0, 3), 'm')}
      m2 :: MarkIPHeader -> q2 :: Queue -> cu :: CheckUDPHeader -> u2 :: Unqueue -> @OUT(pulled); cu[1] -> @OUT(pushed);
      ${sources(checkCases, 'm2')}`,
    handlers: ['cu.drops'],
  });
});

t.test('sanitizer build: transport and ICMP elements on malformed packets', async (t) => {
  const all = [...udpCases, ...tcpCases, ...checkCases, ...pingCases, ...errorCases, ...icmpCheckCases];
  sanitizedOutputsIdentical(t, {
    config: `m :: MarkIPHeader -> t1 :: Tee;
      ${sources(all, 'm')}
      t1[0] -> SetUDPChecksum -> @OUT(a);
      t1[1] -> SetTCPChecksum(true) -> @OUT(b);
      t1[2] -> cu :: CheckUDPHeader -> @OUT(c);
      t1[3] -> ct :: CheckTCPHeader -> @OUT(d);
      t1[4] -> ICMPPingResponder -> @OUT(e);
      t1[5] -> ICMPError(192.0.2.1, unreachable, needfrag, MTU 100) -> @OUT(f);
      t1[6] -> ci :: CheckICMPHeader -> @OUT(g);`,
    handlers: ['cu.drops', 'ct.drops', 'ci.drops'],
  });
});

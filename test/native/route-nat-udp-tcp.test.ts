// UDPRewriter, TCPRewriter, FTPPortMapper, ICMPPingRewriter and ICMPRewriter in both engines, in one run
// (one native build): packets, tables and counts identical, including
// random and sequential port choice, UDP-style timing of TCP and DCCP flows
// in simulated time, capacity, PORT commands that grow and shrink packets,
// the sequence, acknowledgement and SACK deltas they leave behind, and ICMP
// errors about all of it mapped back.
import t from 'tap';
import { icmp, ipv4, tcp, udp } from '../util/packets.js';
import { outputsIdentical, timeline, type Step } from './route-nat-support.js';

const ACK = 16;
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

interface TcpOpts {
  seq?: number;
  ack?: number;
  flags?: number;
  payload?: string;
  options?: number[];
}
const tcpP = (src: string, sport: number, dst: string, dport: number, o: TcpOpts = {}) =>
  ipv4(tcp(text(o.payload ?? ''), { src, dst, sport, dport, seq: o.seq, ack: o.ack, flags: o.flags ?? ACK, options: o.options }), { src, dst, proto: 6 });
const ping = (src: string, dst: string, type: number, id: number, seq = 1) => ipv4(icmp(type, 0, Uint8Array.from([id >> 8, id & 255, 0, seq])), { src, dst, proto: 1 });
const udpP = (src: string, sport: number, dst: string, dport: number, proto = 17) => ipv4(udp(new Uint8Array(6).fill(0x75), { src, dst, sport, dport }), { src, dst, proto });

/** The FTP control flow 10.0.0.1:3000 > 198.51.100.7:21, its replies to 192.0.2.2:2000, and an unrelated UDP timeline. */
function steps(): Step[] {
  const c = (seq: number, payload: string): Step => [tcpP('10.0.0.1', 3000, '198.51.100.7', 21, { seq, payload }), 2];
  const r = (ack: number, options?: number[]): Step => [tcpP('198.51.100.7', 21, '192.0.2.2', 2000, { seq: 9, ack, options }), 3];
  const sack = (...edges: number[]) => [1, 1, 5, 2 + edges.length * 4, ...edges.flatMap(u32)];
  const o = (src: string, sport: number, proto = 17): Step => [udpP(src, sport, '198.51.100.5', 53, proto), 0];
  const b = (dport: number): Step => [udpP('198.51.100.5', 53, '192.0.2.1', dport), 1];
  return [
    o('10.0.1.1', 1000), o('10.0.1.2', 1000), b(1000),
    c(1, 'USER x\r\n'),
    c(9, 'PORT 10,0,0,1,39,16\r\n'), // grows: 192,0,2,2,...
    r(9), r(30), r(40, sack(30, 40)),
    [tcpP('10.0.0.1', 3000, '198.51.100.7', 21, { seq: 30, payload: 'pOrT    010,000,000,001,039,017\nrest' }), 2], // leading zeros: the packet shrinks
    c(58, 'PORT 10,0,0,1,39,999\r\n'), // a number over 255: unchanged
    c(81, 'PORT 1,2,3\r\n'),
    r(60, sack(20, 45, 50, 60)), r(100, [1, 1, 8, 10, ...u32(50), ...u32(60)]),
    [tcpP('10.0.0.1', 10000, '198.51.100.7', 20), 2], // the first data connection, as mapped
    [udpP('10.0.0.3', 7, '198.51.100.5', 53, 33), 0], // DCCP is mapped too
    [tcpP('10.0.0.4', 5, '198.51.100.5', 80, { flags: 4 }), 0], // and TCP, timed as UDP
    o('10.0.1.1', 1000), o('10.0.1.3', 1001), o('10.0.1.4', 1002), o('10.0.1.5', 1003),
    null, null, null, b(1000), null, null, null, null, null,
    o('10.0.1.6', 1004), b(1000),
    // ICMPPingRewriter: echoes mapped, replies back; a reply with no mapping, other ICMP dropped.
    [ping('10.0.2.1', '198.51.100.9', 8, 100), 4], [ping('10.0.2.2', '198.51.100.9', 8, 100), 4], [ping('10.0.2.3', '198.51.100.9', 8, 0x1ff), 4],
    [ping('198.51.100.9', '192.0.2.3', 0, 100), 5], [ping('198.51.100.9', '192.0.2.3', 0, 101), 5], [ping('198.51.100.9', '192.0.2.3', 0, 102), 5],
    [ping('198.51.100.9', '192.0.2.3', 0, 7), 5], [ping('10.0.2.4', '198.51.100.9', 3, 100), 4], [ping('10.0.2.1', '198.51.100.9', 8, 100, 2), 4],
    // Another flow on a taken identifier: as in Click the free check runs before the reply's
    // identifier is set, so it goes unnoticed and the new reply entry displaces the old flow.
    [ping('10.0.2.5', '198.51.100.9', 8, 5), 4],
    null, null, null, null, null, null,
    [ping('198.51.100.9', '192.0.2.3', 0, 101), 5], // expired
  ];
}

t.test('UDPRewriter, TCPRewriter, FTPPortMapper, ICMPPingRewriter, ICMPRewriter: identical packets, tables and counts', async (t) => {
  outputsIdentical(t, {
    seed: 7,
    config: `u :: UDPRewriter(pattern 192.0.2.1 1000-1009 - - 0 1, drop, TIMEOUT 4, STREAMING_TIMEOUT 9, GUARANTEE 1, MAPPING_CAPACITY 5, REAP_INTERVAL 2);
      ip :: ICMPPingRewriter(pattern 192.0.2.3 - 100-102 0 1, drop, TIMEOUT 5, GUARANTEE 0, REAP_INTERVAL 3);
      c4 :: CheckIPHeader -> [0] ip; c5 :: CheckIPHeader -> [1] ip; ip[0] -> it :: Tee -> @OUT(iout); ip[1] -> @OUT(iback);
      tr :: TCPRewriter(pattern 192.0.2.2 2000-2999# - - 0 1, drop, REPLY_ANNO PAINT);
      c0 :: CheckIPHeader -> [0] u; c1 :: CheckIPHeader -> [1] u;
      c2 :: CheckIPHeader -> FTPPortMapper(tr, tr, 0) -> [0] tr; c3 :: CheckIPHeader -> [1] tr;
      u[0] -> ut :: Tee -> @OUT(uout); u[1] -> ub :: Tee -> @OUT(uback); tr[0] -> tt :: Tee -> @OUT(tout); tr[1] -> @OUT(tback);
      // ICMP errors about what the rewriters sent, turned back by ICMPRewriter.
      ir :: ICMPRewriter(u:2 tr ip, REPLY_ANNO PAINT);
      ut[1] -> ICMPError(19.19.19.19, timeexceeded) -> ir; tt[1] -> ICMPError(19.19.19.20, unreachable, port) -> ir;
      it[1] -> ICMPError(19.19.19.21, parameterproblem) -> ir; ub[1] -> ICMPError(19.19.19.22, unreachable, host) -> ir;
      ir[0] -> @OUT(ir0); ir[1] -> @OUT(ir1); ir[2] -> @OUT(ir2); ir[3] -> @OUT(ir3);
      ${timeline(steps(), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'])}`,
    handlers: [
      'u.table', 'u.mappings', 'u.nmappings', 'u.mapping_failures', 'u.patterns', 'u.size', 'u.capacity',
      'ip.table', 'ip.mappings', 'ip.nmappings', 'ip.mapping_failures', 'ip.patterns', 'ip.size',
      'tr.table', 'tr.nmappings', 'tr.patterns', 'tr.size', 'tr.lookup 10.0.0.1 3000 198.51.100.7 ftp', 'tr.lookup 10.0.0.1 10000 198.51.100.7 20',
    ],
  });
});

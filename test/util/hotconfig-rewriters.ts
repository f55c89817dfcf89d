// UDPRewriter and TCPRewriter across a hot reconfiguration, the check both
// engines run (test/host-engine/ and test/native/hotconfig.test.ts): flows
// made before the swap keep their mapping after it, and a TCP flow's
// sequence delta (set by FTPPortMapper rewriting a PORT command one byte
// longer) goes on shifting its sequence numbers.
import type { Test } from 'tap';
import { ether, frames, ipv4, tcp } from './packets.js';
import type { NatEngine } from './hotconfig-nat.js';

/** `extra` goes after the UDP side's counter (the second configuration adds one). */
export const REWRITERS = (extra = '') => `
ftp :: FromDevice(a) -> Strip(14) -> CheckIPHeader -> fpm :: FTPPortMapper(trw, trw, 0)
    -> trw :: TCPRewriter(pattern 192.0.2.2 2000-2999# - - 0 1) -> EtherEncap(0x0800, 00:00:00:00:00:01, 00:00:00:00:00:02) -> Queue -> ToDevice(b);
trw[1] -> Discard;
udp :: FromDevice(c) -> Strip(14) -> CheckIPHeader -> urw :: UDPRewriter(pattern 192.0.2.1 4000-4999# - - 0 1)
    -> uc :: Counter -> ${extra} EtherEncap(0x0800, 00:00:00:00:00:01, 00:00:00:00:00:02) -> Queue -> ToDevice(d);
urw[1] -> Discard;
`;


const cmd = (seq: number, s: string) =>
  ether(ipv4(tcp(Uint8Array.from(s, (c) => c.charCodeAt(0)), { src: '10.0.0.1', sport: 3000, dst: '198.51.100.7', dport: 21, seq, flags: 0x18 }), { src: '10.0.0.1', dst: '198.51.100.7', proto: 6 }));
const dgram = (sport: number) => frames.udp({ src: '10.0.0.2', sport, dst: '198.51.100.5', dport: 53 });
const be32 = (d: Uint8Array, o: number) => ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

export function rewritersAcrossSwap(t: Test, e: NatEngine): void {
  e.inject('a', [cmd(1, 'PORT 10,0,0,1,39,16\r\n')]);
  e.round();
  e.inject('a', [cmd(22, 'port 10,0,0,1,39,16\r\n')]);
  e.inject('c', [dgram(5000), dgram(5001)]);
  e.round();
  const before = e.collect('b');
  t.equal(before.length, 2);
  t.same(e.collect('d').map((f) => u16(f, 34)), [4000, 4001], 'UDP flows mapped before the swap');
  t.match(e.read('trw.table'), /^\(10\.0\.0\.1, 3000, .* seq \+1 /m, 'the control flow has its delta');
  e.reconfigure(REWRITERS('uc2 :: Counter ->'));
  t.match(e.read('trw.table'), /^\(10\.0\.0\.1, 3000, .* seq \+1 /m, 'the delta came across');
  t.match(e.read('trw.table'), /^\(10\.0\.0\.1, 10000, 198\.51\.100\.7, 20\) => \(192\.0\.2\.2, 2001, /m, "FTPPortMapper's data mapping came across");
  e.inject('a', [cmd(44, 'NOOP\r\n')]);
  e.inject('c', [dgram(5001), dgram(5002), dgram(5000)]);
  e.round();
  const after = e.collect('b');
  t.equal(after.length, 1);
  t.equal(be32(after[0]!, 38), 45, 'a later segment of the control flow is shifted by the delta: 44 goes out as 45');
  t.equal(u16(after[0]!, 34), u16(before[0]!, 34), 'with the same mapped port');
  t.same(e.collect('d').map((f) => u16(f, 34)), [4001, 4002, 4000], 'old UDP flows keep their ports, a new one gets the next');
  t.equal(e.read('urw.nmappings'), '3');
  t.equal(e.read('uc.count'), '5', 'counters go on');
  t.equal(e.read('uc2.count'), '3');
  t.ok(e.balanced());
}

// Capture for examples/rate-limiter: four seconds of what a branch office
// sends toward its 5 Mbit/s WAN link. Most of the time the office offers
// a Mbit/s or two (a VoIP call, web requests and uploads, DNS); from 1.0 s to
// 1.6 s a backup job pushes a bulk upload at about 16 Mbit/s on top, far
// more than the link carries. The capture is replayed as it was recorded,
// so the backup does not slow down when packets are dropped, as a real TCP
// sender would.

import { Capture, Rng } from './trace.js';
import { TCP_ACK, arpRequest, frame, hostMac, tcpDatagram, udpDatagram } from './frames.js';
import { dnsLookup, tcpSession } from './sessions.js';

const ROUTER_MAC = '00:1c:73:00:0e:01';
const SPAN = 4_000_000;

function out(cap: Capture, us: number, src: string, ip: Uint8Array): void {
  cap.add(us, frame(ip, hostMac(src), ROUTER_MAC));
}

export function rateLimiterCaptures(): Capture[] {
  const rng = new Rng(0x0ae7_0001);
  const cap = new Capture('rate-limiter/in.pcap');
  cap.add(0, arpRequest(hostMac('10.0.0.40'), '10.0.0.40', '10.0.0.1'));

  // A VoIP call: one 200-byte RTP packet every 20 ms.
  for (let k = 0, t = 10_000; t < SPAN; k++, t += 20_000) {
    out(cap, t + rng.int(0, 500), '10.0.0.41', udpDatagram({ src: '10.0.0.41', dst: '198.51.100.41', sport: 16384, dport: 16384, payload: rng.bytes(172), tos: 0xb8, id: k }));
  }

  // The backup: 1448-byte segments, one every 725 us (about 16 Mbit/s), from 1.0 s to 1.6 s.
  let seq = rng.int(1, 0x7fffffff);
  for (let k = 0, t = 1_000_000; t < 1_600_000; k++, t += 725) {
    out(cap, t, '10.0.0.50', tcpDatagram({ src: '10.0.0.50', dst: '203.0.113.50', sport: 50873, dport: 873, seq, ack: 0x1234_5678, flags: TCP_ACK, payload: rng.bytes(1448), id: k & 0xffff }));
    seq += 1448;
  }

  // Office traffic: requests, uploads and acknowledgements of web sessions (the outbound half), and DNS queries.
  const hosts = Array.from({ length: 10 }, (_, i) => `10.0.0.${40 + i}`);
  for (let i = 0; i < 30; i++) {
    const host = rng.pick(hosts);
    const seen = tcpSession(rng, {
      view: { c2s: { src: { ip: host, port: rng.int(32768, 60999) }, dst: { ip: rng.pick(['192.0.2.80', '203.0.113.10', '203.0.113.20']), port: 443 } } },
      start: rng.int(5_000, SPAN - 300_000), serverRtt: rng.int(20_000, 60_000), clientRtt: 300,
      exchanges: Array.from({ length: rng.int(1, 3) }, () => ({ request: rng.chance(0.2) ? rng.int(10_000, 30_000) : rng.int(300, 900), response: rng.int(300, 30_000) })),
    });
    for (const s of seen) if (s.dir === 'c2s') out(cap, s.us, host, s.ip);
  }
  for (let i = 0; i < 40; i++) {
    const host = rng.pick(hosts);
    const [query] = dnsLookup(rng, {
      view: { c2s: { src: { ip: host, port: rng.int(32768, 60999) }, dst: { ip: '192.0.2.53', port: 53 } } },
      start: rng.int(5_000, SPAN - 10_000), serverRtt: 5_000, name: 'www.example.com', answer: '192.0.2.80',
    });
    out(cap, query!.us, host, query!.ip);
  }
  return [cap];
}

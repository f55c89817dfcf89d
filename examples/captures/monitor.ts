// Capture for examples/monitor: ten seconds on an office's uplink, both
// directions, as a mirror port shows it: web browsing and a software update
// over TCP, a video call over QUIC (UDP 443), DNS, an SSH session, mail
// (IMAPS and SMTP submission), pings, NTP, a GRE tunnel's keepalives, and
// the ARP and IPv6 chatter of the segment.

import { Capture, Rng } from './trace.js';
import { arpReply, arpRequest, frame, hostMac, ipv6Frame, udpDatagram } from './frames.js';
import { ipv4 } from '../../test/util/packets.js';
import { dnsLookup, pings, tcpSession, type Seen } from './sessions.js';

const GATEWAY_MAC = '00:1c:73:00:0d:01';
const GATEWAY_IP = '10.0.0.1';
const HOSTS = Array.from({ length: 16 }, (_, i) => `10.0.0.${20 + i}`);
const SITES = ['192.0.2.80', '192.0.2.81', '198.51.100.30', '203.0.113.10', '203.0.113.20', '203.0.113.30'];
const SPAN = 10_000_000;

class Tap {
  readonly cap = new Capture('monitor/in.pcap');
  constructor(readonly rng: Rng) {}

  /** Both directions of a conversation between inside host `host` and the outside. */
  both(seen: Seen[], host: string): void {
    for (const s of seen) {
      const [src, dst] = s.dir === 'c2s' ? [hostMac(host), GATEWAY_MAC] : [GATEWAY_MAC, hostMac(host)];
      this.cap.add(s.us, frame(s.ip, src, dst));
    }
  }

  start(margin = 200_000): number {
    return this.rng.int(1_000, SPAN - margin);
  }
}

function browsing(tap: Tap): void {
  const { rng } = tap;
  for (let i = 0; i < 40; i++) {
    const host = rng.pick(HOSTS);
    tap.both(tcpSession(rng, {
      view: { c2s: { src: { ip: host, port: rng.int(32768, 60999) }, dst: { ip: rng.pick(SITES), port: rng.chance(0.85) ? 443 : 80 } } },
      start: tap.start(500_000), serverRtt: rng.int(10_000, 60_000), clientRtt: 300,
      exchanges: Array.from({ length: rng.int(1, 4) }, () => ({ request: rng.int(200, 900), response: rng.int(300, 20_000) })),
    }), host);
  }
  // A software update: 250 kB in one response.
  tap.both(tcpSession(rng, {
    view: { c2s: { src: { ip: '10.0.0.27', port: 51000 }, dst: { ip: '198.51.100.30', port: 443 } } },
    start: 2_000_000, serverRtt: 15_000, clientRtt: 300, spacing: 200,
    exchanges: [{ request: 517, response: 250_000 }],
  }), '10.0.0.27');
}

/** A video call over QUIC: 30 packets a second each way, large downstream, small upstream. */
function videoCall(tap: Tap): void {
  const { rng } = tap;
  const host = '10.0.0.31';
  const peer = '203.0.113.30';
  for (let t = 1_500_000; t < 7_500_000; t += 33_333) {
    const down = udpDatagram({ src: peer, dst: host, sport: 443, dport: 58123, payload: rng.bytes(rng.int(900, 1200)), ttl: 54, id: 0 });
    const up = udpDatagram({ src: host, dst: peer, sport: 58123, dport: 443, payload: rng.bytes(rng.int(60, 300)), ttl: 64, id: 0 });
    tap.cap.add(t + rng.int(0, 2_000), frame(down, GATEWAY_MAC, hostMac(host)));
    tap.cap.add(t + rng.int(5_000, 9_000), frame(up, hostMac(host), GATEWAY_MAC));
  }
}

function dns(tap: Tap): void {
  const { rng } = tap;
  for (let i = 0; i < 60; i++) {
    const host = rng.pick(HOSTS);
    tap.both(dnsLookup(rng, {
      view: { c2s: { src: { ip: host, port: rng.int(32768, 60999) }, dst: { ip: '192.0.2.53', port: 53 } } },
      start: tap.start(), serverRtt: rng.int(3_000, 12_000),
      name: rng.pick(['www.example.com', 'example.org', 'cdn.example.net', 'video.example.com', 'imap.example.net']), answer: rng.pick(SITES),
    }), host);
  }
}

function sshAndMail(tap: Tap): void {
  const { rng } = tap;
  tap.both(tcpSession(rng, {
    view: { c2s: { src: { ip: '10.0.0.22', port: 50322 }, dst: { ip: '198.51.100.22', port: 22 } } },
    start: 300_000, serverRtt: 25_000, clientRtt: 300,
    exchanges: Array.from({ length: 40 }, () => ({ request: rng.int(36, 100), response: rng.int(36, 600) })),
    close: 'open',
  }), '10.0.0.22');
  for (const [k, host] of ['10.0.0.24', '10.0.0.29'].entries()) {
    tap.both(tcpSession(rng, {
      view: { c2s: { src: { ip: host, port: 49990 + k }, dst: { ip: '192.0.2.25', port: 993 } } },
      start: 1_000_000 + k * 3_000_000, serverRtt: 20_000, clientRtt: 300,
      exchanges: Array.from({ length: 6 }, () => ({ request: rng.int(50, 200), response: rng.int(100, 9_000) })),
    }), host);
  }
  tap.both(tcpSession(rng, {
    view: { c2s: { src: { ip: '10.0.0.24', port: 49999 }, dst: { ip: '192.0.2.25', port: 587 } } },
    start: 6_000_000, serverRtt: 20_000, clientRtt: 300,
    exchanges: [{ request: 60, response: 200 }, { request: 80, response: 100 }, { request: 24_000, response: 60 }],
  }), '10.0.0.24');
}

function misc(tap: Tap): void {
  const { rng } = tap;
  for (const [k, host] of ['10.0.0.20', '10.0.0.33'].entries()) {
    tap.both(pings({ src: host, dst: '192.0.2.80', start: 500_000 + k * 4_000_000, count: 5, rtt: 14_000, ident: 0x4400 + k, replyTtl: 55 }), host);
  }
  // NTP: a few hosts checking their clocks.
  for (let k = 0; k < 4; k++) {
    const host = HOSTS[k * 3]!;
    const us = 800_000 + k * 2_100_000;
    tap.both([
      { us, dir: 'c2s', ip: udpDatagram({ src: host, dst: '203.0.113.123', sport: 123, dport: 123, payload: rng.bytes(48), id: rng.int(1, 0xffff) }) },
      { us: us + 9_000, dir: 's2c', ip: udpDatagram({ src: '203.0.113.123', dst: host, sport: 123, dport: 123, payload: rng.bytes(48), ttl: 55, id: rng.int(1, 0xffff) }) },
    ], host);
  }
  // GRE keepalives of a site-to-site tunnel, every second.
  for (let k = 0; k < 10; k++) {
    const gre = (src: string, dst: string) => ipv4(Uint8Array.from([0, 0, 0x08, 0x00, ...new Array<number>(24).fill(0)]), { src, dst, proto: 47, ttl: 255, id: 0 });
    tap.cap.add(600_000 + k * 1_000_000, frame(gre('10.0.0.2', '198.51.100.2'), hostMac('10.0.0.2'), GATEWAY_MAC));
    tap.cap.add(612_000 + k * 1_000_000, frame(gre('198.51.100.2', '10.0.0.2'), GATEWAY_MAC, hostMac('10.0.0.2')));
  }
  for (let k = 0; k < 5; k++) {
    const host = HOSTS[k]!;
    const us = 100_000 + k * 1_900_000;
    tap.cap.add(us, arpRequest(GATEWAY_MAC, GATEWAY_IP, host));
    tap.cap.add(us + 120, arpReply(hostMac(host), host, GATEWAY_MAC, GATEWAY_IP));
  }
  for (let k = 0; k < 8; k++) tap.cap.add(tap.start(), ipv6Frame(hostMac(rng.pick(HOSTS)), 24));
  // A host asks for the gateway at the very start: the capture's first packet, at t = 0.
  tap.cap.add(0, arpRequest(hostMac('10.0.0.35'), '10.0.0.35', GATEWAY_IP));
}

export function monitorCaptures(): Capture[] {
  const tap = new Tap(new Rng(0x0d0d_0001));
  browsing(tap);
  videoCall(tap);
  dns(tap);
  sshAndMail(tap);
  misc(tap);
  return [tap.cap];
}

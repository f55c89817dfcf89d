// Capture for examples/firewall: ten seconds of what arrives from outside on
// the uplink of an inside network, 10.0.0.0/24, whose hosts browse the web and
// resolve names, whose SSH server 10.0.0.5 is administered from 198.51.100.7,
// and which the Internet probes as it always does. Each packet is labelled
// here with the verdict the firewall's rules should reach; the README counts
// come from the same rules.

import { Capture, Rng } from './trace.js';
import { TCP_ACK, TCP_SYN, arpReply, arpRequest, frame, hostMac, icmpDatagram, ipv6Frame, lldp, tcpDatagram, udpDatagram } from './frames.js';
import { dnsLookup, pings, tcpSession, type Seen } from './sessions.js';

const UPSTREAM_MAC = '00:1c:73:00:0a:fe';
const UPSTREAM_IP = '10.0.0.254';
const SWITCH_MAC = '00:1c:73:00:0a:01';
const SSH_SERVER = '10.0.0.5';
const WEB_SERVER = '10.0.0.6';
const ADMIN = '198.51.100.7';
const CLIENTS = Array.from({ length: 12 }, (_, i) => `10.0.0.${20 + i}`);
const RESOLVERS = ['192.0.2.53', '198.51.100.53'];
const SITES = ['192.0.2.80', '192.0.2.81', '203.0.113.10', '203.0.113.20', '203.0.113.30'];
const SPAN = 10_000_000;

class Inbound {
  readonly cap = new Capture('firewall/in.pcap');
  constructor(readonly rng: Rng) {}

  /** An IP packet from outside, through the upstream router, to an inside host. */
  ip(us: number, ip: Uint8Array, dstHost: string): void {
    this.cap.add(us, frame(ip, UPSTREAM_MAC, hostMac(dstHost)));
  }

  /** The inbound half of a conversation (the capture sees only what comes in). */
  inbound(seen: Seen[], dir: 'c2s' | 's2c', insideHost: string): void {
    for (const s of seen) if (s.dir === dir) this.ip(s.us, s.ip, insideHost);
  }

  when(): number {
    return this.rng.int(1_000, SPAN - 100_000);
  }
}

/** Replies to the inside clients' web sessions: established TCP. */
function webReplies(b: Inbound): void {
  const { rng } = b;
  for (let i = 0; i < 30; i++) {
    const client = rng.pick(CLIENTS);
    const seen = tcpSession(rng, {
      view: { c2s: { src: { ip: client, port: rng.int(32768, 60999) }, dst: { ip: rng.pick(SITES), port: rng.chance(0.8) ? 443 : 80 } } },
      start: b.when(), serverRtt: rng.int(8_000, 60_000), clientRtt: 200,
      exchanges: Array.from({ length: rng.int(1, 3) }, () => ({ request: rng.int(200, 600), response: rng.int(300, 25_000) })),
    });
    b.inbound(seen, 's2c', client);
  }
}

/** Answers from the resolvers, and queries aimed at an inside host (denied: no DNS server inside). */
function dns(b: Inbound): void {
  const { rng } = b;
  for (let i = 0; i < 40; i++) {
    const client = rng.pick(CLIENTS);
    const seen = dnsLookup(rng, {
      view: { c2s: { src: { ip: client, port: rng.int(32768, 60999) }, dst: { ip: rng.pick(RESOLVERS), port: 53 } } },
      start: b.when(), serverRtt: 3_000, name: rng.pick(['www.example.com', 'example.org', 'mail.example.net']), answer: rng.pick(SITES),
    });
    b.inbound(seen, 's2c', client);
  }
  for (let i = 0; i < 6; i++) {
    const us = b.when();
    b.ip(us, udpDatagram({ src: '203.0.113.50', dst: WEB_SERVER, sport: rng.int(1024, 65535), dport: 53, payload: rng.bytes(29), ttl: 48, id: rng.int(1, 0xffff) }), WEB_SERVER);
  }
}

/** A monitoring host pings the servers; inside clients' pings come back as replies. */
function ping(b: Inbound): void {
  for (const [k, server] of [SSH_SERVER, WEB_SERVER].entries()) {
    b.inbound(pings({ src: '192.0.2.10', dst: server, start: 500_000 + k * 250_000, count: 9, rtt: 1_000, ident: 0x1000 + k, ttl: 57 }), 'c2s', server);
  }
  b.inbound(pings({ src: '10.0.0.23', dst: '192.0.2.80', start: 2_000_000, count: 5, rtt: 15_000, ident: 0x2300, replyTtl: 56 }), 's2c', '10.0.0.23');
}

/** The admin's SSH session to 10.0.0.5, and someone else trying the same port. */
function ssh(b: Inbound): void {
  const { rng } = b;
  const session = tcpSession(rng, {
    view: { c2s: { src: { ip: ADMIN, port: 50522 }, dst: { ip: SSH_SERVER, port: 22 } } },
    start: 1_000_000, serverRtt: 200, clientRtt: 25_000, clientTtl: 55,
    exchanges: Array.from({ length: 14 }, () => ({ request: rng.int(36, 120), response: rng.int(36, 1_400) })),
  });
  b.inbound(session, 'c2s', SSH_SERVER);
  // A colleague's machine is not the admin host.
  for (let k = 0; k < 3; k++) {
    b.ip(4_000_000 + k * 1_000_000, tcpDatagram({ src: '192.0.2.77', dst: SSH_SERVER, sport: 41877, dport: 22, seq: 0x5eed0000, ack: 0, flags: TCP_SYN, ttl: 52, id: 0x4d00 + k }), SSH_SERVER);
  }
  // Password guessing from 203.0.113.99: a new connection attempt every 300 ms.
  for (let k = 0; k < 24; k++) {
    b.ip(2_500_000 + k * 300_000, tcpDatagram({ src: '203.0.113.99', dst: SSH_SERVER, sport: 40000 + k * 7, dport: 22, seq: rng.int(1, 0x7fffffff), ack: 0, flags: TCP_SYN, ttl: 44, id: rng.int(1, 0xffff) }), SSH_SERVER);
  }
}

/** A port scan (SYN, then an ACK scan that a stateless filter lets through) and UDP probes. */
function scans(b: Inbound): void {
  const { rng } = b;
  const ports = [21, 23, 25, 80, 110, 135, 139, 143, 443, 445, 993, 995, 1433, 3306, 3389, 5900, 8080];
  let t = 6_000_000;
  for (const host of [SSH_SERVER, WEB_SERVER]) {
    for (const port of ports) {
      b.ip((t += 2_000), tcpDatagram({ src: '203.0.113.66', dst: host, sport: 61000, dport: port, seq: 0x1000_0000 + port, ack: 0, flags: TCP_SYN, window: 1024, ttl: 41, id: rng.int(1, 0xffff) }), host);
    }
  }
  // ACK probes (nmap -sA) look like established traffic to a stateless rule.
  for (const port of [22, 80, 443, 8080, 3389]) {
    b.ip((t += 2_000), tcpDatagram({ src: '203.0.113.66', dst: WEB_SERVER, sport: 61001, dport: port, seq: 0, ack: 0x2000_0000 + port, flags: TCP_ACK, window: 1024, ttl: 41, id: rng.int(1, 0xffff) }), WEB_SERVER);
  }
  const udpProbes: [number, number][] = [[161, 40], [123, 48], [1900, 90], [137, 50], [5060, 300], [11211, 15]];
  for (const [port, len] of udpProbes) {
    for (let k = 0; k < 3; k++) {
      const host = rng.pick([SSH_SERVER, WEB_SERVER, ...CLIENTS]);
      b.ip(b.when(), udpDatagram({ src: rng.pick(['203.0.113.66', '192.0.2.201', '198.51.100.150']), dst: host, sport: rng.int(1024, 65535), dport: port, payload: rng.bytes(len), ttl: 45, id: rng.int(1, 0xffff) }), host);
    }
  }
  // ICMP other than ping: timestamp requests and an unreachable.
  for (let k = 0; k < 2; k++) {
    b.ip(b.when(), icmpDatagram({ src: '203.0.113.66', dst: WEB_SERVER, type: 13, code: 0, payload: new Uint8Array(12), ttl: 41, id: rng.int(1, 0xffff) }), WEB_SERVER);
  }
  const quoted = udpDatagram({ src: '10.0.0.21', dst: '192.0.2.80', sport: 51000, dport: 443, payload: new Uint8Array(0), id: 0x3131 }).slice(0, 28);
  b.ip(b.when(), icmpDatagram({ src: '192.0.2.80', dst: '10.0.0.21', type: 3, code: 3, payload: quoted, ttl: 56, id: 0x77 }), '10.0.0.21');
}

/** ARP on the segment (bridged through), IPv6 and LLDP (not IPv4: dropped), and damaged packets. */
function linkLayer(b: Inbound): void {
  const { rng } = b;
  for (let k = 0; k < 6; k++) {
    const host = CLIENTS[k]!;
    const us = 300_000 + k * 1_500_000;
    b.cap.add(us, arpRequest(UPSTREAM_MAC, UPSTREAM_IP, host));
    b.cap.add(us + 150, arpReply(hostMac(host), host, UPSTREAM_MAC, UPSTREAM_IP));
  }
  for (let k = 0; k < 5; k++) b.cap.add(b.when(), ipv6Frame(UPSTREAM_MAC, 32));
  b.cap.add(0, lldp(SWITCH_MAC));
  b.cap.add(SPAN - 50_000, lldp(SWITCH_MAC));
  // A corrupted header checksum, and a header claiming more bytes than the frame holds.
  const corrupt = udpDatagram({ src: RESOLVERS[0]!, dst: CLIENTS[0]!, sport: 53, dport: 40000, payload: rng.bytes(40), id: 0x6060 });
  corrupt[10] ^= 0xff;
  b.ip(b.when(), corrupt, CLIENTS[0]!);
  const truncated = tcpDatagram({ src: SITES[0]!, dst: CLIENTS[1]!, sport: 443, dport: 40001, seq: 1, ack: 1, flags: TCP_ACK, payload: rng.bytes(400), id: 0x6061 });
  b.ip(b.when(), truncated.slice(0, 120), CLIENTS[1]!);
}

export function firewallCaptures(): Capture[] {
  const b = new Inbound(new Rng(0x0f1e_0001));
  webReplies(b);
  dns(b);
  ping(b);
  ssh(b);
  scans(b);
  linkLayer(b);
  return [b.cap];
}

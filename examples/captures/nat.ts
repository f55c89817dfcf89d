// Captures for examples/nat: both sides of a small office's NAT gateway.
//
//   inside  10.0.0.0/24, hosts 10.0.0.10-19; the gateway is 10.0.0.1
//   outside the gateway's one public address 198.51.100.2; the provider's
//           router 198.51.100.1 leads to servers in 192.0.2.0/24 and 203.0.113.0/24
//
// inside-in.pcap holds what the inside hosts send (their own addresses);
// outside-in.pcap what arrives for 198.51.100.2: answers to the translated
// flows (the gateway keeps each host's source port, as every port here is
// free), plus unsolicited probes. Inside hosts answer the gateway's ARP
// queries 150 us after the first packet the gateway forwards to them.

import { Capture, Rng } from './trace.js';
import { TCP_SYN, arpReply, arpRequest, frame, hostMac, lldp, tcpDatagram, udpDatagram } from './frames.js';
import { dnsLookup, pings, tcpSession, type Endpoint, type FlowView, type Seen } from './sessions.js';

export const INSIDE_IP = '10.0.0.1';
export const INSIDE_MAC = '00:16:3e:00:01:01';
export const PUBLIC_IP = '198.51.100.2';
export const OUTSIDE_MAC = '00:16:3e:00:01:02';
export const PROVIDER_MAC = '00:1c:73:00:64:01';
const PROVIDER_IP = '198.51.100.1';
const HOSTS = Array.from({ length: 10 }, (_, i) => `10.0.0.${10 + i}`);
const SITES = ['192.0.2.80', '192.0.2.81', '203.0.113.10', '203.0.113.20', '203.0.113.30'];
const RESOLVER = '192.0.2.53';
const SPAN = 4_000_000;

class NatScenario {
  readonly inside = new Capture('nat/inside-in.pcap');
  readonly outside = new Capture('nat/outside-in.pcap');
  private readonly usedPorts = new Set<number>();
  /** When the gateway first sends to each inside host (it asks ARP then), and when each host first talks. */
  private readonly needs = new Map<string, number>();
  private readonly talks = new Map<string, number>();

  constructor(readonly rng: Rng) {}

  /** A source port no other flow uses, so the translation keeps it (as a port already taken would not be). */
  port(): number {
    for (;;) {
      const p = this.rng.int(32768, 60999);
      if (!this.usedPorts.has(p)) {
        this.usedPorts.add(p);
        return p;
      }
    }
  }

  /** The flow as the gateway's two sides see it: the host's address inside, the public one outside. */
  view(host: Endpoint, server: Endpoint): FlowView {
    return { c2s: { src: host, dst: server }, s2c: { src: server, dst: { ip: PUBLIC_IP, port: host.port } } };
  }

  fromInside(us: number, host: string, ip: Uint8Array): void {
    if (!this.talks.has(host)) this.talks.set(host, us);
    this.inside.add(us, frame(ip, hostMac(host), INSIDE_MAC));
  }

  fromOutside(us: number, ip: Uint8Array): void {
    this.outside.add(us, frame(ip, PROVIDER_MAC, OUTSIDE_MAC));
  }

  toInside(host: string, us: number): void {
    const t = this.needs.get(host);
    if (t === undefined || us < t) this.needs.set(host, us);
  }

  /** A translated conversation: c2s from the host inside, s2c back to the public address outside. */
  conversation(seen: Seen[], host: string): void {
    for (const s of seen) {
      if (s.dir === 'c2s') this.fromInside(s.us, host, s.ip);
      else {
        this.fromOutside(s.us, s.ip);
        this.toInside(host, s.us);
      }
    }
  }

  finishArp(): void {
    for (const [host, us] of this.talks) this.inside.add(us - 300, arpRequest(hostMac(host), host, INSIDE_IP));
    for (const [host, us] of this.needs) this.inside.add(us + 150, arpReply(hostMac(host), host, INSIDE_MAC, INSIDE_IP));
    // The provider's router asks for the public address before its first packet.
    this.outside.add(1_000, arpRequest(PROVIDER_MAC, PROVIDER_IP, PUBLIC_IP));
    // Both captures start at the same instant (FromDump's TIMING replays each relative to its first packet).
    this.inside.add(0, lldp('00:1c:73:00:01:00'));
    this.outside.add(0, lldp('00:1c:73:00:64:00'));
  }
}

function web(sc: NatScenario): void {
  const { rng } = sc;
  for (let i = 0; i < 28; i++) {
    const host = rng.pick(HOSTS);
    const https = rng.chance(0.8);
    const seen = tcpSession(rng, {
      view: sc.view({ ip: host, port: sc.port() }, { ip: rng.pick(SITES), port: https ? 443 : 80 }),
      start: 5_000 + rng.int(0, SPAN - 500_000), serverRtt: rng.int(10_000, 50_000), clientRtt: 250,
      exchanges: Array.from({ length: rng.int(1, 3) }, () => ({ request: rng.int(250, 700), response: rng.int(300, 20_000) })),
    });
    sc.conversation(seen, host);
  }
}

function dns(sc: NatScenario): void {
  const { rng } = sc;
  for (let i = 0; i < 24; i++) {
    const host = rng.pick(HOSTS);
    const seen = dnsLookup(rng, {
      view: sc.view({ ip: host, port: sc.port() }, { ip: RESOLVER, port: 53 }),
      start: 5_000 + rng.int(0, SPAN - 300_000), serverRtt: rng.int(4_000, 9_000),
      name: rng.pick(['www.example.com', 'example.org', 'cdn.example.net', 'imap.example.com']), answer: rng.pick(SITES),
    });
    sc.conversation(seen, host);
  }
}

/** Pings: hosts ping the gateway (answered inside) and a server outside (ICMP is not translated here). */
function icmp(sc: NatScenario): void {
  for (const s of pings({ src: '10.0.0.12', dst: INSIDE_IP, start: 200_000, count: 3, rtt: 0, ident: 0x0c01, noReply: true })) {
    sc.fromInside(s.us, '10.0.0.12', s.ip);
    sc.toInside('10.0.0.12', s.us);
  }
  for (const s of pings({ src: '10.0.0.15', dst: '192.0.2.80', start: 300_000, count: 4, rtt: 0, ident: 0x0f01, noReply: true })) sc.fromInside(s.us, '10.0.0.15', s.ip);
  // Someone outside pings the public address; the gateway answers.
  for (const s of pings({ src: '203.0.113.200', dst: PUBLIC_IP, start: 900_000, count: 3, rtt: 0, ident: 0x5a01, ttl: 50, noReply: true })) sc.fromOutside(s.us, s.ip);
}

/** Unsolicited packets for the public address: no mapping, so the gateway drops them. */
function probes(sc: NatScenario): void {
  const { rng } = sc;
  const ports = [22, 23, 80, 443, 445, 3389, 8080, 5900];
  for (const [k, port] of ports.entries()) {
    sc.fromOutside(1_500_000 + k * 40_000, tcpDatagram({ src: '203.0.113.66', dst: PUBLIC_IP, sport: 62000, dport: port, seq: 0x6600_0000 + port, ack: 0, flags: TCP_SYN, window: 1024, ttl: 41, id: rng.int(1, 0xffff) }));
  }
  for (let k = 0; k < 4; k++) {
    sc.fromOutside(2_000_000 + k * 150_000, udpDatagram({ src: '192.0.2.201', dst: PUBLIC_IP, sport: rng.int(1024, 65535), dport: rng.pick([53, 123, 161, 1900]), payload: rng.bytes(48), ttl: 47, id: rng.int(1, 0xffff) }));
  }
}

export function natCaptures(): Capture[] {
  const sc = new NatScenario(new Rng(0x0a7a_0001));
  web(sc);
  dns(sc);
  icmp(sc);
  probes(sc);
  sc.finishArp();
  return [sc.inside, sc.outside];
}

// Captures for examples/router: the two links of a small site's router.
//
//   eth0, the inside LAN 10.0.0.0/24: workstations 10.0.0.10-17, a printer
//         10.0.0.20 and a misconfigured laptop 10.0.0.42 that believes the
//         printer is off-link; the router is 10.0.0.1.
//   eth1, the uplink 192.0.2.0/24: the provider's gateway 192.0.2.254 (the
//         default route) and the partner site's router 192.0.2.253, behind
//         which lie 198.51.100.0/24 (DNS resolver .53, file server .20,
//         monitoring host .10); the router is 192.0.2.1. The uplink carries
//         at most 1400-byte IP packets.
//
// if0-in.pcap holds what arrives on eth0, if1-in.pcap what arrives on eth1.
// Hosts answer the router's ARP queries 150 us after the router asks, which
// is when the router first sends them something; the scenario notes those
// instants as it adds traffic. 10.0.0.99 is down and never answers.

import { Capture, Rng } from './trace.js';
import {
  BROADCAST, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, arpReply, arpRequest, echo, frame, hostMac, httpGet,
  icmpDatagram, ipv6Frame, lldp, tcpDatagram, udpDatagram,
} from './frames.js';
import { dnsLookup, pings, tcpSession, type Seen } from './sessions.js';

export const LAN_IP = '10.0.0.1';
export const LAN_MAC = '00:16:3e:00:00:01';
export const WAN_IP = '192.0.2.1';
export const WAN_MAC = '00:16:3e:00:00:02';
export const GW_IP = '192.0.2.254';
export const GW_MAC = '00:1c:73:00:02:fe';
export const PARTNER_GW_IP = '192.0.2.253';
export const PARTNER_GW_MAC = '00:1c:73:00:02:fd';
const LAN_SWITCH = '00:1c:73:00:00:01';
const WAN_SWITCH = '00:1c:73:00:00:02';
const DEAD_HOST = '10.0.0.99';
const ARP_ANSWER_DELAY = 150;

const WORKSTATIONS = [10, 11, 12, 13, 14, 15, 16, 17].map((n) => `10.0.0.${n}`);
const WEB_SERVERS = ['203.0.113.10', '203.0.113.20', '203.0.113.30', '203.0.113.80'];
const RESOLVER = '198.51.100.53';
const FILE_SERVER = '198.51.100.20';
const MONITOR = '198.51.100.10';

function onPartnerSite(ip: string): boolean {
  return ip.startsWith('198.51.100.');
}

/** The uplink neighbour a packet for `dst` goes to (the router's routing table, in the generator). */
function wanNextHop(dst: string): string {
  if (dst.startsWith('192.0.2.')) return dst;
  return onPartnerSite(dst) ? PARTNER_GW_IP : GW_IP;
}

function wanNeighbourMac(ip: string): string {
  return ip === PARTNER_GW_IP ? PARTNER_GW_MAC : GW_MAC;
}

/** The first ICMP-error quote of a datagram: its IP header and 8 bytes. */
function quote(ip: Uint8Array): Uint8Array {
  return ip.slice(0, (ip[0]! & 15) * 4 + 8);
}

class RouterScenario {
  readonly lan = new Capture('router/if0-in.pcap');
  readonly wan = new Capture('router/if1-in.pcap');
  /** When the router first sends to each neighbour: it asks ARP then. */
  private readonly lanNeeds = new Map<string, number>();
  private readonly wanNeeds = new Map<string, number>();
  /** When each neighbour first sends to the router: it asks ARP for the router just before. */
  private readonly lanTalks = new Map<string, number>();
  private readonly wanTalks = new Map<string, number>();

  constructor(readonly rng: Rng) {}

  private first(map: Map<string, number>, key: string, us: number): void {
    const t = map.get(key);
    if (t === undefined || us < t) map.set(key, us);
  }

  /** The router sends something to LAN host `ip` at `us`. */
  toLan(ip: string, us: number): void {
    this.first(this.lanNeeds, ip, us);
  }

  /** The router sends something toward `dst` on the uplink at `us`. */
  toWan(dst: string, us: number): void {
    this.first(this.wanNeeds, wanNextHop(dst), us);
  }

  /** A frame from a LAN host to the router. */
  fromLan(us: number, src: string, ip: Uint8Array): void {
    this.first(this.lanTalks, src, us);
    this.lan.add(us, frame(ip, hostMac(src), LAN_MAC));
  }

  /** A frame from an uplink neighbour to the router. */
  fromWan(us: number, neighbour: string, ip: Uint8Array): void {
    this.first(this.wanTalks, neighbour, us);
    this.wan.add(us, frame(ip, wanNeighbourMac(neighbour), WAN_MAC));
  }

  /**
   * A conversation between a LAN client and a remote server: c2s arrives on
   * eth0 and is forwarded up, s2c arrives on eth1 and is forwarded down.
   */
  conversation(seen: Seen[], client: string, server: string): void {
    const via = wanNextHop(server);
    for (const s of seen) {
      if (s.dir === 'c2s') {
        this.fromLan(s.us, client, s.ip);
        this.toWan(server, s.us);
      } else {
        this.fromWan(s.us, via, s.ip);
        this.toLan(client, s.us);
      }
    }
  }

  /** ARP traffic implied by the rest: requests for the router's addresses, answers to its queries. */
  finishArp(): void {
    for (const [host, us] of this.lanTalks) this.lan.add(us - 300, arpRequest(hostMac(host), host, LAN_IP));
    for (const [gw, us] of this.wanTalks) this.wan.add(us - 300, arpRequest(wanNeighbourMac(gw), gw, WAN_IP));
    for (const [host, us] of this.lanNeeds) {
      if (host !== DEAD_HOST) this.lan.add(us + ARP_ANSWER_DELAY, arpReply(hostMac(host), host, LAN_MAC, LAN_IP));
    }
    for (const [gw, us] of this.wanNeeds) this.wan.add(us + ARP_ANSWER_DELAY, arpReply(wanNeighbourMac(gw), gw, WAN_MAC, WAN_IP));
  }
}

/** Web browsing: HTTPS and HTTP sessions from the workstations to web servers on the Internet. */
function browsing(sc: RouterScenario): void {
  const { rng } = sc;
  for (let i = 0; i < 24; i++) {
    const client = rng.pick(WORKSTATIONS);
    const server = rng.pick(WEB_SERVERS);
    const https = rng.chance(0.75);
    const exchanges = Array.from({ length: rng.int(1, 3) }, () => ({
      request: https ? rng.int(300, 700) : httpGet(server, `/static/${rng.int(1, 999)}.js`),
      response: rng.int(400, 30_000),
    }));
    const seen = tcpSession(rng, {
      view: { c2s: { src: { ip: client, port: rng.int(32768, 60999) }, dst: { ip: server, port: https ? 443 : 80 } } },
      start: 20_000 + rng.int(0, 2_400_000),
      serverRtt: rng.int(12_000, 40_000),
      clientRtt: 300,
      exchanges,
      // Servers on the Internet learn the uplink's MTU from the SYN's MSS option in real life;
      // these send 1360-byte segments, which fit the 1400-byte uplink.
      mss: 1360,
    });
    sc.conversation(seen, client, server);
  }
}

/** DNS lookups to the partner site's resolver. */
function lookups(sc: RouterScenario): void {
  const { rng } = sc;
  const names = ['www.example.com', 'cdn.example.net', 'mail.example.org', 'updates.example.com', 'api.example.net'];
  for (let i = 0; i < 16; i++) {
    const client = rng.pick(WORKSTATIONS);
    const seen = dnsLookup(rng, {
      view: { c2s: { src: { ip: client, port: rng.int(32768, 60999) }, dst: { ip: RESOLVER, port: 53 } } },
      start: 10_000 + rng.int(0, 2_600_000),
      serverRtt: rng.int(2_000, 5_000),
      name: rng.pick(names),
      answer: rng.pick(WEB_SERVERS),
    });
    sc.conversation(seen, client, RESOLVER);
  }
}

/** Pings: to the router itself from both sides (the router answers), and through it. */
function pingsAround(sc: RouterScenario): void {
  const admin = '10.0.0.10';
  for (const s of pings({ src: admin, dst: LAN_IP, start: 100_000, count: 3, rtt: 0, ident: 0x0a01, noReply: true })) {
    sc.fromLan(s.us, admin, s.ip);
    sc.toLan(admin, s.us);
  }
  sc.conversation(pings({ src: admin, dst: GW_IP, start: 150_000, count: 3, rtt: 900, ident: 0x0a02, replyTtl: 255 }), admin, GW_IP);
  for (const s of pings({ src: MONITOR, dst: WAN_IP, start: 250_000, count: 3, rtt: 0, ident: 0x4d01, ttl: 63, noReply: true })) {
    sc.fromWan(s.us, PARTNER_GW_IP, s.ip);
    sc.toWan(MONITOR, s.us);
  }
}

/** traceroute from 10.0.0.11: three UDP probes per TTL; the router answers TTL 1 itself. */
function traceroute(sc: RouterScenario): void {
  const host = '10.0.0.11';
  const target = '203.0.113.99';
  let t = 400_000;
  let port = 33434;
  for (let ttl = 1; ttl <= 3; ttl++) {
    for (let k = 0; k < 3; k++, port++, t += 5_000) {
      const probe = (ttlNow: number) => udpDatagram({ src: host, dst: target, sport: 45001, dport: port, payload: new Uint8Array(32), ttl: ttlNow, id: 0x7000 + port });
      sc.fromLan(t, host, probe(ttl));
      if (ttl === 1) {
        sc.toLan(host, t); // the router's own "time exceeded"
        continue;
      }
      sc.toWan(target, t);
      const rtt = ttl === 2 ? 1_200 : 25_000;
      sc.toLan(host, t + rtt);
      // The probe as it reached the answering hop: its TTL run down to 1.
      const reply = ttl === 2
        ? icmpDatagram({ src: GW_IP, dst: host, type: 11, code: 0, payload: quote(probe(1)), ttl: 255, id: 0x1100 + port })
        : icmpDatagram({ src: target, dst: host, type: 3, code: 3, payload: quote(probe(1)), ttl: 52, id: 0x3300 + port });
      sc.fromWan(t + rtt, GW_IP, reply);
    }
  }
}

/**
 * Path MTU discovery: 10.0.0.13 uploads 8000 bytes with full-size 1500-byte
 * segments and DF; the router cannot send them over the 1400-byte uplink and
 * answers "fragmentation needed, next-hop MTU 1400"; the host sends the data
 * again in 1360-byte segments.
 */
function pmtuUpload(sc: RouterScenario): void {
  const { rng } = sc;
  const c = { ip: '10.0.0.13', port: 51514 };
  const s = { ip: '203.0.113.80', port: 443 };
  let cseq = rng.int(1, 0x7fffffff);
  let sseq = rng.int(1, 0x7fffffff);
  let cid = 0x2000;
  const rtt = 20_000;
  const send = (us: number, flags: number, payload?: Uint8Array) => {
    const ip = tcpDatagram({ src: c.ip, dst: s.ip, sport: c.port, dport: s.port, seq: cseq, ack: flags & TCP_ACK ? sseq : 0, flags, id: cid++, ...(payload ? { payload } : {}) });
    sc.fromLan(us, c.ip, ip);
    return ip;
  };
  const answer = (us: number, flags: number, len = 0) => {
    sc.fromWan(us, GW_IP, tcpDatagram({ src: s.ip, dst: c.ip, sport: s.port, dport: c.port, seq: sseq, ack: cseq, flags, ttl: 52, id: 0, ...(len ? { payload: rng.bytes(len) } : {}) }));
    sc.toLan(c.ip, us);
    sseq += len + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
  };
  let t = 600_000;
  send(t, TCP_SYN);
  sc.toWan(s.ip, t);
  cseq++;
  answer((t += rtt), TCP_SYN | TCP_ACK);
  send((t += 300), TCP_ACK);
  sc.toWan(s.ip, t);
  const data = rng.bytes(8000);
  // Three full-size segments leave back to back; each earns an ICMP error.
  for (let k = 0; k < 3; k++) {
    send(t + 20 + 12 * k, TCP_ACK, data.subarray(k * 1460, (k + 1) * 1460));
    cseq += 1460;
    sc.toLan(c.ip, t + 20 + 12 * k);
  }
  cseq -= 3 * 1460;
  t += 1_000;
  for (let off = 0; off < data.length; off += 1360) {
    const part = data.subarray(off, off + 1360);
    send(t, TCP_ACK | (off + 1360 >= data.length ? TCP_PSH : 0), part);
    sc.toWan(s.ip, t);
    cseq += part.length;
    t += 110;
  }
  answer((t += rtt), TCP_ACK);
  answer((t += 800), TCP_ACK | TCP_PSH, 230);
  send((t += 300), TCP_FIN | TCP_ACK);
  sc.toWan(s.ip, t);
  cseq++;
  answer((t += rtt), TCP_FIN | TCP_ACK);
  send((t += 300), TCP_ACK);
  sc.toWan(s.ip, t);
}

/** An RTP stream of full-size datagrams without DF: the router fragments each for the uplink. */
function rtpStream(sc: RouterScenario): void {
  const host = '10.0.0.12';
  for (let k = 0; k < 6; k++) {
    const us = 800_000 + k * 20_000;
    sc.fromLan(us, host, udpDatagram({ src: host, dst: FILE_SERVER, sport: 5004, dport: 5004, payload: sc.rng.bytes(1472), df: false, ttl: 64, id: 0x5100 + k }));
    sc.toWan(FILE_SERVER, us);
  }
}

/** IP options: a ping with Record Route (recorded on the way out and back), and a malformed option. */
function ipOptions(sc: RouterScenario): void {
  const host = '10.0.0.14';
  const target = '203.0.113.10';
  // Record Route with nine empty slots (type 7, length 39, pointer 4), then end-of-options.
  const rr = [7, 39, 4, ...new Array<number>(36).fill(0), 0];
  for (let k = 0; k < 2; k++) {
    const us = 1_000_000 + k * 1_000_000;
    sc.fromLan(us, host, echo({ src: host, dst: target, ident: 0x0e01, seq: k + 1, options: rr, id: 0x0e10 + k }));
    sc.toWan(target, us);
    // The reply carries the route so far: our uplink address and the target's.
    const back = [7, 39, 12, 192, 0, 2, 1, 203, 0, 113, 10, ...new Array<number>(28).fill(0), 0];
    sc.fromWan(us + 30_000, GW_IP, echo({ src: target, dst: host, reply: true, ident: 0x0e01, seq: k + 1, options: back, ttl: 52, id: 0x9a40 + k }));
    sc.toLan(host, us + 30_000);
  }
  // Record Route whose pointer (3) points inside the option header: a parameter problem.
  const bad = [7, 7, 3, 0, 0, 0, 0, 0];
  const us = 1_300_000;
  sc.fromLan(us, '10.0.0.15', udpDatagram({ src: '10.0.0.15', dst: target, sport: 40000, dport: 7, payload: new Uint8Array(16), options: bad }));
  sc.toLan('10.0.0.15', us);
}

/**
 * The laptop 10.0.0.42 sends to the printer 10.0.0.20 through the router. The
 * router forwards each packet and tells the laptop, with an ICMP redirect,
 * that the printer is on its own link; the printer's answers (and later the
 * laptop's own packets) go host to host, past the router's interface.
 */
function redirect(sc: RouterScenario): void {
  const { rng } = sc;
  const laptop = { ip: '10.0.0.42', port: 49320 };
  const printer = { ip: '10.0.0.20', port: 631 };
  let lseq = rng.int(1, 0x7fffffff);
  const pseq = rng.int(1, 0x7fffffff);
  const t = 1_500_000;
  const syn = tcpDatagram({ src: laptop.ip, dst: printer.ip, sport: laptop.port, dport: printer.port, seq: lseq, ack: 0, flags: TCP_SYN, id: 0x4200 });
  sc.fromLan(t, laptop.ip, syn);
  sc.toLan(printer.ip, t);
  sc.toLan(laptop.ip, t);
  lseq++;
  // The printer answers directly; the router sees the frame only because the switch floods it.
  const direct = (us: number, from: typeof laptop, to: typeof laptop, seq: number, ack: number, flags: number, len: number) =>
    sc.lan.add(us, frame(tcpDatagram({ src: from.ip, dst: to.ip, sport: from.port, dport: to.port, seq, ack, flags, id: 0, ...(len ? { payload: rng.bytes(len) } : {}) }), hostMac(from.ip), hostMac(to.ip)));
  direct(t + 400, printer, laptop, pseq, lseq, TCP_SYN | TCP_ACK, 0);
  direct(t + 700, laptop, printer, lseq, pseq + 1, TCP_ACK, 0);
  direct(t + 900, laptop, printer, lseq, pseq + 1, TCP_ACK | TCP_PSH, 420);
}

/** Broadcast and multicast chatter a router must not forward, and frames that are not IPv4. */
function chatter(sc: RouterScenario): void {
  const { rng } = sc;
  // NetBIOS name queries to the subnet broadcast address: for this router (and dropped there).
  for (let k = 0; k < 3; k++) {
    const us = 200_000 + k * 750_000;
    const ip = udpDatagram({ src: '10.0.0.16', dst: '10.0.0.255', sport: 137, dport: 137, payload: rng.bytes(50), ttl: 128, id: 0x6100 + k });
    sc.lan.add(us, frame(ip, hostMac('10.0.0.16'), BROADCAST));
  }
  // mDNS and SSDP multicast: the default route matches, DropBroadcasts stops them.
  for (let k = 0; k < 4; k++) {
    const us = 300_000 + k * 600_000;
    sc.lan.add(us, frame(udpDatagram({ src: '10.0.0.17', dst: '224.0.0.251', sport: 5353, dport: 5353, payload: rng.bytes(40), ttl: 255, id: 0 }), hostMac('10.0.0.17'), '01:00:5e:00:00:fb'));
  }
  for (let k = 0; k < 2; k++) {
    const us = 350_000 + k * 1_000_000;
    sc.lan.add(us, frame(udpDatagram({ src: '10.0.0.15', dst: '239.255.255.250', sport: 50000, dport: 1900, payload: rng.bytes(120), ttl: 2, id: 0x6500 + k }), hostMac('10.0.0.15'), '01:00:5e:7f:ff:fa'));
  }
  // IPv6 router solicitations, which this IPv4 router ignores.
  for (let k = 0; k < 4; k++) sc.lan.add(500_000 + k * 500_000, ipv6Frame(hostMac(WORKSTATIONS[k]!), 16));
  // LLDP from each link's switch. Both captures start with one at the same instant: FromDump's
  // TIMING replays each capture relative to its first packet, so the two stay in step.
  sc.lan.add(0, lldp(LAN_SWITCH));
  sc.wan.add(0, lldp(WAN_SWITCH));
  sc.lan.add(2_900_000, lldp(LAN_SWITCH));
  // Unicast between other hosts, flooded by the switch: not addressed to the router.
  for (let k = 0; k < 5; k++) {
    const a = rng.pick(WORKSTATIONS);
    const ip = udpDatagram({ src: a, dst: '10.0.0.20', sport: 50000 + k, dport: 9100, payload: rng.bytes(200), id: 0x6900 + k });
    sc.lan.add(700_000 + k * 300_000, frame(ip, hostMac(a), hostMac('10.0.0.20')));
  }
}

/** Damaged or forged packets CheckIPHeader rejects. */
function badPackets(sc: RouterScenario): void {
  const ip = udpDatagram({ src: '10.0.0.15', dst: RESOLVER, sport: 41000, dport: 53, payload: new Uint8Array(30), id: 0x6d00 });
  ip[10] ^= 0x5a; // a corrupted header checksum
  sc.fromLan(1_700_000, '10.0.0.15', ip);
  // A source address that is the LAN's broadcast address: forged.
  sc.fromLan(1_750_000, '10.0.0.16', udpDatagram({ src: '10.0.0.255', dst: FILE_SERVER, sport: 41001, dport: 514, payload: new Uint8Array(60), id: 0x6d01 }));
}

/** From the partner site: a traceroute toward the LAN whose first probe dies here, and checks on a host that is down. */
function fromPartner(sc: RouterScenario): void {
  for (let k = 0; k < 2; k++) {
    const us = 2_000_000 + k * 5_000;
    sc.fromWan(us, PARTNER_GW_IP, udpDatagram({ src: MONITOR, dst: '10.0.0.10', sport: 38000, dport: 33434 + k, payload: new Uint8Array(24), ttl: 1, id: 0x7100 + k }));
    sc.toWan(MONITOR, us);
  }
  // An SSH check on 10.0.0.99, retried after 1 s and 2 s more: the router asks ARP and keeps the packets waiting.
  for (const [k, us] of [400_000, 1_400_000, 3_400_000].entries()) {
    sc.fromWan(us, PARTNER_GW_IP, tcpDatagram({ src: MONITOR, dst: DEAD_HOST, sport: 52200, dport: 22, seq: 0x3a3a0000, ack: 0, flags: TCP_SYN, ttl: 63, id: 0x7200 + k }));
    sc.toLan(DEAD_HOST, us);
  }
}

export function routerCaptures(): Capture[] {
  const sc = new RouterScenario(new Rng(0x0e0a_0001));
  browsing(sc);
  lookups(sc);
  pingsAround(sc);
  traceroute(sc);
  pmtuUpload(sc);
  rtpStream(sc);
  ipOptions(sc);
  redirect(sc);
  chatter(sc);
  badPackets(sc);
  fromPartner(sc);
  sc.finishArp();
  return [sc.lan, sc.wan];
}

// Captures for examples/load-balancer: a web service's virtual IP,
// 203.0.113.80 port 80, spread over three servers 10.0.1.11-13.
//
//   front  clients on the Internet reach the VIP through the provider's router
//   back   the servers, whose default gateway is the balancer (10.0.1.1)
//
// front-in.pcap holds the clients' packets (to the VIP), back-in.pcap the
// servers' answers (from their own addresses, to the clients). The balancer
// hands new flows to the servers in turn, in the order their SYNs arrive;
// the scenario follows the same rule to know which server answers which flow.

import { Capture, Rng } from './trace.js';
import { TCP_SYN, arpRequest, frame, hostMac, lldp, tcpDatagram, udpDatagram } from './frames.js';
import { pings, tcpSession, type Seen } from './sessions.js';

export const VIP = '203.0.113.80';
export const FRONT_MAC = '00:16:3e:00:02:01';
export const BACK_IP = '10.0.1.1';
export const BACK_MAC = '00:16:3e:00:02:02';
export const UPSTREAM_MAC = '00:1c:73:00:71:01';
export const SERVERS = ['10.0.1.11', '10.0.1.12', '10.0.1.13'];
const UPSTREAM_IP = '203.0.113.1';
const SPAN = 5_000_000;

interface Flow {
  client: string;
  port: number;
  start: number;
  exchanges: { request: Uint8Array | number; response: number }[];
  serverRtt: number;
}

function httpRequest(rng: Rng): Uint8Array {
  const path = rng.pick(['/', '/index.html', '/api/v1/items', '/api/v1/cart', '/static/app.js', '/static/style.css', '/img/logo.png']);
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: Mozilla/5.0\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n`, 'ascii');
}

export function loadBalancerCaptures(): Capture[] {
  const rng = new Rng(0x0b1a_0001);
  const front = new Capture('load-balancer/front-in.pcap');
  const back = new Capture('load-balancer/back-in.pcap');
  front.add(0, lldp('00:1c:73:00:71:00'));
  back.add(0, lldp('00:1c:73:00:0b:00'));
  front.add(500, arpRequest(UPSTREAM_MAC, UPSTREAM_IP, VIP));
  for (const [k, s] of SERVERS.entries()) back.add(1_000 + k * 100, arpRequest(hostMac(s), s, BACK_IP));

  const clients = Array.from({ length: 40 }, () => rng.pick([`192.0.2.${rng.int(2, 250)}`, `198.51.100.${rng.int(2, 250)}`]));
  const flows: Flow[] = [];
  for (let i = 0; i < 90; i++) {
    flows.push({
      client: rng.pick(clients),
      port: 0,
      start: 10_000 + rng.int(0, SPAN - 400_000),
      exchanges: Array.from({ length: rng.int(1, 4) }, () => ({ request: httpRequest(rng), response: rng.int(200, 6_000) })),
      serverRtt: rng.int(300, 2_000),
    });
  }
  // Round robin over the servers follows the order in which new flows arrive.
  flows.sort((a, b) => a.start - b.start);
  const used = new Set<string>();
  flows.forEach((f, i) => {
    do f.port = rng.int(32768, 60999);
    while (used.has(`${f.client}:${f.port}`));
    used.add(`${f.client}:${f.port}`);
    const server = SERVERS[i % SERVERS.length]!;
    const seen: Seen[] = tcpSession(rng, {
      view: {
        c2s: { src: { ip: f.client, port: f.port }, dst: { ip: VIP, port: 80 } },
        s2c: { src: { ip: server, port: 80 }, dst: { ip: f.client, port: f.port } },
      },
      start: f.start, serverRtt: f.serverRtt, clientRtt: rng.int(10_000, 80_000), exchanges: f.exchanges, clientTtl: 50, serverTtl: 64,
    });
    for (const s of seen) {
      if (s.dir === 'c2s') front.add(s.us, frame(s.ip, UPSTREAM_MAC, FRONT_MAC));
      else back.add(s.us, frame(s.ip, hostMac(server), BACK_MAC));
    }
  });

  // Not for the service: HTTPS and SSH attempts on the VIP, a ping of the VIP (answered), DNS from a server.
  for (let k = 0; k < 6; k++) {
    front.add(1_000_000 + k * 500_000, frame(tcpDatagram({ src: '192.0.2.66', dst: VIP, sport: 50000 + k, dport: k % 2 ? 22 : 443, seq: 0x4242_0000 + k, ack: 0, flags: TCP_SYN, ttl: 45, id: rng.int(1, 0xffff) }), UPSTREAM_MAC, FRONT_MAC));
  }
  for (const s of pings({ src: '198.51.100.9', dst: VIP, start: 2_000_000, count: 3, rtt: 0, ident: 0x0901, ttl: 55, noReply: true })) front.add(s.us, frame(s.ip, UPSTREAM_MAC, FRONT_MAC));
  for (let k = 0; k < 3; k++) {
    const s = SERVERS[k]!;
    back.add(3_000_000 + k * 10_000, frame(udpDatagram({ src: s, dst: '192.0.2.53', sport: 41000 + k, dport: 53, payload: rng.bytes(33), id: rng.int(1, 0xffff) }), hostMac(s), BACK_MAC));
  }
  return [front, back];
}

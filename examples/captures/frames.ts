// Frame builders for the example captures, on top of test/util/packets.ts:
// whole IP datagrams (TCP, UDP, ICMP with valid checksums), Ethernet framing
// padded to the 60-byte minimum as a capture on the wire shows it, ARP, and
// small but real application payloads (DNS messages, HTTP requests).

import { parseIPv4 } from '../../config-lang/args/types.js';
import { arp, ether, icmp, ipv4, tcp, udp } from '../../test/util/packets.js';

export const ETHERTYPE_IP = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IP6 = 0x86dd;
export const ETHERTYPE_LLDP = 0x88cc;
export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** The IP-header fields a datagram builder lets a scenario choose. */
export interface IPFields {
  src: string;
  dst: string;
  ttl?: number;
  id?: number;
  /** Don't-fragment flag (default true for TCP, as Linux and Windows send it). */
  df?: boolean;
  tos?: number;
  /** IP option bytes, a multiple of 4 long. */
  options?: number[];
}

function ipFields(f: IPFields, dfDefault: boolean) {
  return {
    src: f.src,
    dst: f.dst,
    ttl: f.ttl ?? 64,
    id: f.id ?? 0,
    tos: f.tos ?? 0,
    frag: (f.df ?? dfDefault) ? 0x4000 : 0,
    ...(f.options ? { options: f.options } : {}),
  };
}

export interface TCPFields extends IPFields {
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
  payload?: Uint8Array;
}

export function tcpDatagram(f: TCPFields): Uint8Array {
  const seg = tcp(f.payload ?? new Uint8Array(0), {
    src: f.src, dst: f.dst, sport: f.sport, dport: f.dport, seq: f.seq >>> 0, ack: f.ack >>> 0, flags: f.flags, window: f.window ?? 64240,
  });
  return ipv4(seg, { ...ipFields(f, true), proto: 6 });
}

export interface UDPFields extends IPFields {
  sport: number;
  dport: number;
  payload: Uint8Array;
}

export function udpDatagram(f: UDPFields): Uint8Array {
  return ipv4(udp(f.payload, { src: f.src, dst: f.dst, sport: f.sport, dport: f.dport }), { ...ipFields(f, false), proto: 17 });
}

export interface ICMPFields extends IPFields {
  type: number;
  code: number;
  /** The 4 bytes after the checksum (identifier and sequence for echo). */
  rest?: Uint8Array;
  payload?: Uint8Array;
}

export function icmpDatagram(f: ICMPFields): Uint8Array {
  return ipv4(icmp(f.type, f.code, f.rest ?? new Uint8Array(4), f.payload ?? new Uint8Array(0)), { ...ipFields(f, false), proto: 1 });
}

/** The 56-byte payload `ping` sends: a timestamp, then bytes counting up from 0x10. */
export function pingPayload(seq: number): Uint8Array {
  const b = new Uint8Array(56);
  b[0] = (seq >> 8) & 255;
  b[1] = seq & 255;
  for (let i = 8; i < 56; i++) b[i] = i + 8;
  return b;
}

export function echo(f: IPFields & { reply?: boolean; ident: number; seq: number }): Uint8Array {
  const rest = Uint8Array.from([(f.ident >> 8) & 255, f.ident & 255, (f.seq >> 8) & 255, f.seq & 255]);
  return icmpDatagram({ ...f, type: f.reply ? 0 : 8, code: 0, rest, payload: pingPayload(f.seq), df: f.df ?? true });
}

/** An Ethernet frame around `payload`, padded with zeros to the 60-byte minimum. */
export function frame(payload: Uint8Array, src: string, dst: string, type = ETHERTYPE_IP): Uint8Array {
  const f = ether(payload, { src, dst, type });
  if (f.length >= 60) return f;
  const padded = new Uint8Array(60);
  padded.set(f);
  return padded;
}

export function arpRequest(senderMac: string, senderIp: string, targetIp: string): Uint8Array {
  return frame(arp({ op: 1, sha: senderMac, spa: senderIp, tha: '00:00:00:00:00:00', tpa: targetIp }), senderMac, BROADCAST, ETHERTYPE_ARP);
}

export function arpReply(senderMac: string, senderIp: string, targetMac: string, targetIp: string): Uint8Array {
  return frame(arp({ op: 2, sha: senderMac, spa: senderIp, tha: targetMac, tpa: targetIp }), senderMac, targetMac, ETHERTYPE_ARP);
}

/** The Ethernet address a host's IP maps to in these examples: 52:54:00 (a virtual NIC) and the IP's low 3 bytes. */
export function hostMac(ip: string): string {
  const v = parseIPv4(ip);
  const low = [(v >>> 16) & 255, (v >>> 8) & 255, v & 255].map((b) => b.toString(16).padStart(2, '0'));
  return ['52', '54', '00', ...low].join(':');
}

function dnsName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.')) out.push(label.length, ...Buffer.from(label, 'ascii'));
  out.push(0);
  return out;
}

/** A DNS query for an A record. */
export function dnsQuery(id: number, name: string): Uint8Array {
  return Uint8Array.from([id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName(name), 0, 1, 0, 1]);
}

/** The answer to dnsQuery: one A record. */
export function dnsAnswer(id: number, name: string, addr: string, ttl = 300): Uint8Array {
  const a = parseIPv4(addr);
  return Uint8Array.from([
    id >> 8, id & 255, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...dnsName(name), 0, 1, 0, 1,
    0xc0, 0x0c, 0, 1, 0, 1, (ttl >>> 24) & 255, (ttl >>> 16) & 255, (ttl >>> 8) & 255, ttl & 255, 0, 4,
    (a >>> 24) & 255, (a >>> 16) & 255, (a >>> 8) & 255, a & 255,
  ]);
}

export function httpGet(host: string, path: string): Uint8Array {
  return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n`, 'ascii');
}

/** An LLDP frame a switch port sends every 30 s (not IP: routers and firewalls leave it alone). */
export function lldp(switchMac: string): Uint8Array {
  const tlvs = [0x02, 0x07, 0x04, ...macBytes(switchMac), 0x04, 0x04, 0x05, 0x67, 0x65, 0x31, 0x06, 0x02, 0x00, 0x78, 0x00, 0x00];
  return frame(Uint8Array.from(tlvs), switchMac, '01:80:c2:00:00:0e', ETHERTYPE_LLDP);
}

/** An IPv6 (ICMPv6) frame to the all-routers multicast group, as hosts send at startup; these examples handle IPv4 only. */
export function ipv6Frame(srcMac: string, payloadLen: number): Uint8Array {
  const b = new Uint8Array(40 + payloadLen);
  b[0] = 0x60;
  b[4] = payloadLen >> 8;
  b[5] = payloadLen & 255;
  b[6] = 58;
  b[7] = 255;
  b[8] = 0xfe;
  b[9] = 0x80;
  b[39] = 2;
  b[24] = 0xff;
  b[25] = 0x02;
  return frame(b, srcMac, '33:33:00:00:00:02', ETHERTYPE_IP6);
}

function macBytes(mac: string): number[] {
  return mac.split(':').map((h) => parseInt(h, 16));
}

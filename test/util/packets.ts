// Build test frames: Ethernet, ARP, IPv4 with UDP/TCP/ICMP, valid checksums
// by default, every field overridable so tests can make malformed ones.

import { checksum, pseudoHeaderSum } from '../../elements/lib/checksum.js';
import { parseEther, parseIPv4 } from '../../config-lang/args/types.js';
import { Packet } from '../../host-engine/packet.js';

export function hex(s: string): Uint8Array {
  const h = s.replace(/\s+/g, '');
  return Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function u16(v: number): number[] {
  return [(v >> 8) & 255, v & 255];
}
function u32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}
const ip = (s: string) => parseIPv4(s);

export interface EtherOpts {
  dst?: string;
  src?: string;
  type?: number;
}

export function ether(payload: Uint8Array, o: EtherOpts = {}): Uint8Array {
  return Uint8Array.from([
    ...parseEther(o.dst ?? '00:00:c0:11:22:33'),
    ...parseEther(o.src ?? '00:00:c0:aa:00:01'),
    ...u16(o.type ?? 0x0800),
    ...payload,
  ]);
}

export interface IPOpts {
  src?: string;
  dst?: string;
  proto?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  /** Flags and fragment offset field (e.g. 0x4000 for DF). */
  frag?: number;
  /** IP options bytes (padded to 4 by the caller). */
  options?: number[];
  /** Override the total length field. */
  totalLength?: number;
  /** Override the checksum field (otherwise computed). */
  checksum?: number;
  version?: number;
  /** Override the header length field (in 32-bit words). */
  hl?: number;
}

export function ipv4(payload: Uint8Array, o: IPOpts = {}): Uint8Array {
  const opts = o.options ?? [];
  const hl = o.hl ?? 5 + opts.length / 4;
  const hdrLen = 20 + opts.length;
  const total = o.totalLength ?? hdrLen + payload.length;
  const h = Uint8Array.from([
    ((o.version ?? 4) << 4) | hl, o.tos ?? 0, ...u16(total), ...u16(o.id ?? 0x1234), ...u16(o.frag ?? 0),
    o.ttl ?? 64, o.proto ?? 17, 0, 0, ...u32(ip(o.src ?? '10.0.0.1')), ...u32(ip(o.dst ?? '192.0.2.1')), ...opts,
  ]);
  const sum = o.checksum ?? checksum(h, 0, hdrLen);
  h[10] = sum >> 8;
  h[11] = sum & 255;
  return Uint8Array.from([...h, ...payload]);
}

export interface L4Opts {
  sport?: number;
  dport?: number;
  /** IPv4 addresses for the pseudo-header checksum. */
  src?: string;
  dst?: string;
  /** Override the checksum field. */
  checksum?: number;
}

export function udp(payload: Uint8Array, o: L4Opts = {}): Uint8Array {
  const len = 8 + payload.length;
  const b = Uint8Array.from([...u16(o.sport ?? 1234), ...u16(o.dport ?? 5678), ...u16(len), 0, 0, ...payload]);
  let sum = o.checksum;
  if (sum === undefined) {
    sum = checksum(b, 0, len, pseudoHeaderSum(ip(o.src ?? '10.0.0.1'), ip(o.dst ?? '192.0.2.1'), 17, len));
    if (sum === 0) sum = 0xffff;
  }
  b[6] = sum >> 8;
  b[7] = sum & 255;
  return b;
}

export interface TCPOpts extends L4Opts {
  seq?: number;
  ack?: number;
  /** Flag bits: FIN 1, SYN 2, RST 4, PSH 8, ACK 16, URG 32. */
  flags?: number;
  window?: number;
  /** TCP option bytes (padded to 4 by the caller). */
  options?: number[];
}

export function tcp(payload: Uint8Array, o: TCPOpts = {}): Uint8Array {
  const opts = o.options ?? [];
  const len = 20 + opts.length + payload.length;
  const b = Uint8Array.from([
    ...u16(o.sport ?? 1234), ...u16(o.dport ?? 80), ...u32(o.seq ?? 1), ...u32(o.ack ?? 0),
    (5 + opts.length / 4) << 4, o.flags ?? 0x02, ...u16(o.window ?? 8192), 0, 0, 0, 0, ...opts, ...payload,
  ]);
  const sum = o.checksum ?? checksum(b, 0, len, pseudoHeaderSum(ip(o.src ?? '10.0.0.1'), ip(o.dst ?? '192.0.2.1'), 6, len));
  b[16] = sum >> 8;
  b[17] = sum & 255;
  return b;
}

export function icmp(type: number, code: number, rest: Uint8Array = new Uint8Array(4), payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const b = Uint8Array.from([type, code, 0, 0, ...rest, ...payload]);
  const sum = checksum(b, 0, b.length);
  b[2] = sum >> 8;
  b[3] = sum & 255;
  return b;
}

export interface ARPOpts {
  op?: number;
  sha?: string;
  spa?: string;
  tha?: string;
  tpa?: string;
}

export function arp(o: ARPOpts = {}): Uint8Array {
  return Uint8Array.from([
    0, 1, 8, 0, 6, 4, ...u16(o.op ?? 1),
    ...parseEther(o.sha ?? '00:00:c0:aa:00:01'), ...u32(ip(o.spa ?? '10.0.0.2')),
    ...parseEther(o.tha ?? '00:00:00:00:00:00'), ...u32(ip(o.tpa ?? '10.0.0.1')),
  ]);
}

/** Common whole frames. */
export const frames = {
  udp: (o: IPOpts & L4Opts & { payload?: Uint8Array } = {}) =>
    ether(ipv4(udp(o.payload ?? new Uint8Array(18), { ...o, src: o.src, dst: o.dst }), { ...o, proto: 17 })),
  tcp: (o: IPOpts & TCPOpts & { payload?: Uint8Array } = {}) =>
    ether(ipv4(tcp(o.payload ?? new Uint8Array(0), o), { ...o, proto: 6 })),
  icmpEcho: (o: IPOpts & { id?: number; seq?: number } = {}) =>
    ether(ipv4(icmp(8, 0, Uint8Array.from([...u16(o.id ?? 1), ...u16(0x0001)]), new Uint8Array(8)), { ...o, proto: 1 })),
  arpRequest: (o: ARPOpts = {}) => ether(arp({ op: 1, ...o }), { dst: 'ff:ff:ff:ff:ff:ff', type: 0x0806 }),
};

/** A host-engine packet holding `bytes`. */
export function pkt(bytes: Uint8Array): Packet {
  return Packet.make(bytes);
}

/** An Ethernet frame as IP elements get it: Strip(14) done, the IP header annotated (as CheckIPHeader leaves it). */
export function ipPacket(frame: Uint8Array): Packet {
  const p = pkt(frame);
  p.pull(14);
  p.setNetworkHeader(0, (p.data[0]! & 15) << 2);
  return p;
}

/** The IPv4 address at offset `o` in dotted form. */
export function addrAt(d: Uint8Array, o: number): string {
  return [...d.subarray(o, o + 4)].join('.');
}

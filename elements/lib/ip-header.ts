// IPv4 header layout and byte helpers shared by the IP elements. Offsets are
// relative to the start of the IP header; multi-byte fields are big-endian on
// the wire, and these helpers read and write them as plain numbers.

import type { ArgType } from '../../config-lang/args/args.js';
import { parseInteger, parseIPv4 } from '../../config-lang/args/types.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import type { Packet } from '../../host-engine/packet.js';

/** Field offsets in an IPv4 header. */
export const IPH = {
  VHL: 0,
  TOS: 1,
  LEN: 2,
  ID: 4,
  OFF: 6,
  TTL: 8,
  PROTO: 9,
  SUM: 10,
  SRC: 12,
  DST: 16,
  /** Length of a header without options. */
  MIN_LEN: 20,
} as const;

/** Flags and mask of the fragment field (host order). */
export const IP_RF = 0x8000;
export const IP_DF = 0x4000;
export const IP_MF = 0x2000;
export const IP_OFFMASK = 0x1fff;

export const IP_PROTO = { ICMP: 1, IGMP: 2, IPIP: 4, TCP: 6, UDP: 17, GRE: 47, ESP: 50, AH: 51, ICMP6: 58, SCTP: 132 } as const;

/** IP option types. */
export const IPOPT = { EOL: 0, NOP: 1, RR: 7, TS: 68, SECURITY: 130, LSRR: 131, SATID: 136, SSRR: 137, RA: 148 } as const;

export function getU16(b: Uint8Array, off: number): number {
  return ((b[off]! << 8) | b[off + 1]!) >>> 0;
}

export function setU16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 255;
  b[off + 1] = v & 255;
}

export function getU32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function setU32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 255;
  b[off + 1] = (v >>> 16) & 255;
  b[off + 2] = (v >>> 8) & 255;
  b[off + 3] = v & 255;
}

/** Whether an address (host-order number) is IPv4 multicast (224.0.0.0/4). */
export function isMulticast(addr: number): boolean {
  return addr >>> 28 === 0xe;
}

/**
 * Where a packet's IP header is, for elements that need Click's
 * `ip_header()`: the buffer (valid until the next writable()/push) and the
 * absolute offset of the header in it, plus how many bytes from there to the
 * end of the packet data. Undefined if the network header annotation is not
 * set or lies outside the packet data.
 */
export interface IPHeaderView {
  readonly buf: Uint8Array;
  /** Absolute offset of the IP header in `buf`. */
  readonly at: number;
  /** Bytes from the IP header to the end of the packet data (Click's network_length). */
  readonly avail: number;
}

export function ipHeader(p: Packet): IPHeaderView | undefined {
  const rel = p.networkHeaderOffset;
  if (rel === undefined || rel < 0 || rel > p.length) return undefined;
  return { buf: p.buffer, at: p.dataOffset + rel, avail: p.length - rel };
}

/** Like ipHeader, but first makes the packet's buffer private (Click's uniqueify). */
export function writableIPHeader(p: Packet): IPHeaderView | undefined {
  p.writable();
  return ipHeader(p);
}

/** Header length in bytes from the version/header-length byte. */
export function headerLength(view: IPHeaderView): number {
  return (view.buf[view.at + IPH.VHL]! & 0x0f) << 2;
}

/** Protocol names Click's IP_PROTO name table knows. */
const PROTO_NAMES: Record<string, number> = {
  icmp: 1, igmp: 2, ipip: 4, tcp: 6, dccp: 33, udp: 17, gre: 47, esp: 50, ah: 51, icmp6: 58, sctp: 132, udplite: 136,
};

/** An IP protocol: a number, or a name such as `tcp`, `udp`, `icmp`, `ipip`. */
export const ipProtoArg: ArgType<number> = {
  description: 'IP protocol (number or name like tcp, udp, icmp)',
  parse(text) {
    const t = unquote(text.trim());
    const named = PROTO_NAMES[t.toLowerCase()];
    if (named !== undefined) return named;
    return parseInteger(t);
  },
};

/** A space-separated list of IP addresses (Click's IPAddressArg into a vector). */
export const ipListArg: ArgType<number[]> = {
  description: 'space-separated IP addresses',
  parse(text) {
    return splitWords(text).map((w) => parseIPv4(unquote(w.text)));
  },
};

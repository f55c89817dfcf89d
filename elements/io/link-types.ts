// Capture link types (pcap DLT numbers) by Click's names, and FORCE_IP:
// finding the IP header behind a link-level header so FromDump can set the
// network header and destination address annotations (Click's fakepcap).

import type { Packet } from '../../host-engine/packet.js';

export const DLT = {
  NULL: 0,
  EN10MB: 1,
  PPP: 9,
  FDDI: 10,
  HOST_RAW: 12,
  PPP_HDLC: 50,
  ATM_RFC1483: 100,
  RAW: 101,
  C_HDLC: 104,
  IEEE802_11: 105,
  LINUX_SLL: 113,
  PRISM_HEADER: 119,
  AIRONET_HEADER: 120,
  SUNATM: 123,
  IEEE802_11_RADIO: 127,
} as const;

/** Click's encapsulation names, in its order (the first name of a number is the one printed). */
const NAMES: readonly [string, number][] = [
  ['NULL', DLT.NULL], ['IP', DLT.RAW], ['ETHER', DLT.EN10MB], ['FDDI', DLT.FDDI], ['ATM', DLT.ATM_RFC1483],
  ['RFC1483', DLT.ATM_RFC1483], ['ATM_RFC1483', DLT.ATM_RFC1483], ['802_11', DLT.IEEE802_11], ['802.11', DLT.IEEE802_11],
  ['802_11_RADIO', DLT.IEEE802_11_RADIO], ['802.11_RADIO', DLT.IEEE802_11_RADIO], ['SLL', DLT.LINUX_SLL],
  ['AIRONET', DLT.AIRONET_HEADER], ['HDLC', DLT.C_HDLC], ['PPP_HDLC', DLT.PPP_HDLC], ['PPP', DLT.PPP],
  ['SUNATM', DLT.SUNATM], ['PRISM', DLT.PRISM_HEADER],
];

/** An encapsulation name (`ETHER`, `IP`, ... or `#N`) to its link type, or -1. */
export function parseEncap(name: string): number {
  const hit = NAMES.find(([n]) => n === name);
  if (hit) return hit[1];
  const m = /^#(\d+)$/.exec(name);
  if (m && Number(m[1]) < 0x7fffffff) return Number(m[1]);
  return -1;
}

export function encapName(dlt: number): string {
  const hit = NAMES.find(([, d]) => d === dlt);
  if (hit) return hit[0];
  return dlt < 0 ? '<none>' : `#${dlt}`;
}

/** Host-specific numbers some capture files carry, mapped to the file-format ones. */
export function canonicalLinkType(dlt: number): number {
  if (dlt === DLT.HOST_RAW || dlt === 228) return DLT.RAW;
  return dlt;
}

const FORCEABLE = new Set<number>([
  DLT.RAW, DLT.HOST_RAW, DLT.EN10MB, DLT.SUNATM, DLT.FDDI, DLT.ATM_RFC1483, DLT.LINUX_SLL, DLT.C_HDLC,
  DLT.IEEE802_11, DLT.PRISM_HEADER, DLT.PPP_HDLC, DLT.PPP, DLT.NULL, DLT.IEEE802_11_RADIO,
]);

/** Whether FORCE_IP understands this link type. */
export function canForceIP(dlt: number): boolean {
  return FORCEABLE.has(dlt);
}

const isIPType = (t: number) => t === 0x0800 || t === 0x86dd;
const u16 = (d: Uint8Array, o: number) => (d[o]! << 8) | d[o + 1]!;

/** Offset of the IP header behind the link header, or -1 if the frame does not carry IP. */
function ipOffset(d: Uint8Array, dlt: number): number {
  const len = d.length;
  const ether = (o: number): number => {
    if (o + 14 > len) return -1;
    const t = u16(d, o + 12);
    if (isIPType(t)) return o + 14;
    if (t === 0x8100 && o + 18 <= len && isIPType(u16(d, o + 16))) return o + 18;
    return -1;
  };
  const rfc1483 = (o: number): number => {
    if (o + 8 <= len && d[o] === 0xaa && d[o + 1] === 0xaa && d[o + 2] === 3 && d[o + 3] === 0 && d[o + 4] === 0 && d[o + 5] === 0 && isIPType(u16(d, o + 6))) return o + 8;
    if (o + 4 <= len && d[o] === 0x06 && d[o + 1] === 0x06) return o + 4;
    if (o + 8 <= len && d[o] === 0xaa && d[o + 1] === 0xaa) {
      const org = (d[o + 3]! << 16) | (d[o + 4]! << 8) | d[o + 5]!;
      const pid = u16(d, o + 6);
      if (org === 0x000000 || org === 0x0000f8) return ether(o + 6 - 12);
      if (org === 0x0080c2 && (pid === 0x0001 || pid === 0x0007)) return ether(o + 8);
      if (org === 0x0080c2 && (pid === 0x0004 || pid === 0x000a)) return fddi(o + 9);
    }
    return -1;
  };
  const fddi = (o: number): number => {
    if (o + 21 > len || (d[o]! & 0xf8) !== 0x50) return -1;
    return rfc1483(o + 13);
  };
  const wifi = (o: number): number => {
    if (o + 24 <= len && (d[o]! & 0x0c) === 0x08) return rfc1483(o + ((d[o + 1]! & 3) === 3 ? 30 : 24));
    return -1;
  };
  const hdlc = (o: number): number => (o + 4 <= len && isIPType(u16(d, o + 2)) ? o + 4 : -1);
  switch (dlt) {
    case DLT.RAW:
    case DLT.HOST_RAW:
      return 0;
    case DLT.EN10MB:
      return ether(0);
    case DLT.FDDI:
      return fddi(0);
    case DLT.SUNATM:
      return rfc1483(4);
    case DLT.ATM_RFC1483:
      return rfc1483(0);
    case DLT.LINUX_SLL:
      return len >= 16 && isIPType(u16(d, 14)) ? 16 : -1;
    case DLT.C_HDLC:
      return hdlc(0);
    case DLT.PPP_HDLC:
      if (len < 4) return -1;
      if (d[0] === 0xff) return d[2] === 0 && (d[3] === 0x21 || d[3] === 0x57) ? 4 : -1;
      return d[0] === 0x0f || d[0] === 0x8f ? hdlc(0) : -1;
    case DLT.PPP: {
      const o = len >= 2 && d[0] === 0xff && d[1] === 0x03 ? 2 : 0;
      if (o + 2 > len) return -1;
      if (d[o] === 0x21 || d[o] === 0x57) return o + 1;
      if (d[o] === 0 && (d[o + 1] === 0x21 || d[o + 1] === 0x57)) return o + 2;
      return -1;
    }
    case DLT.PRISM_HEADER:
      return wifi(144);
    case DLT.IEEE802_11:
      return wifi(0);
    case DLT.IEEE802_11_RADIO: {
      if (len < 4) return -1;
      const hl = d[2]! | (d[3]! << 8);
      return hl >= 8 ? wifi(hl) : -1;
    }
    case DLT.NULL: {
      if (len < 4) return -1;
      let family = d[0]! | (d[1]! << 8);
      if (family === 0) family = u16(d, 2);
      return family === 2 || family === 24 || family === 28 || family === 30 ? 4 : -1;
    }
    default:
      return -1;
  }
}

/**
 * If the frame carries a whole IPv4 header (or an IPv6 header) behind its
 * link header, set the network header (and, for IPv4, the destination
 * address annotation) and return true.
 */
export function forceIP(p: Packet, dlt: number): boolean {
  const d = p.data;
  const off = ipOffset(d, dlt);
  if (off < 0 || off >= d.length) return false;
  const version = d[off]! >> 4;
  if (version === 4) {
    const hl = (d[off]! & 15) << 2;
    if (hl < 20 || off + hl > d.length) return false;
    p.setNetworkHeader(off, hl);
    p.dstIP = ((d[off + 16]! << 24) | (d[off + 17]! << 16) | (d[off + 18]! << 8) | d[off + 19]!) >>> 0;
    return true;
  }
  if (version === 6 && off + 40 <= d.length) {
    p.setNetworkHeader(off, 40);
    return true;
  }
  return false;
}

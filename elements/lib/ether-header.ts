// Ethernet and ARP header layout, and the Ethernet address text form Click's
// handlers print, shared by the Ethernet elements.

import type { Packet } from '../../host-engine/packet.js';

/** Field offsets in an Ethernet header. */
export const ETH = { DST: 0, SRC: 6, TYPE: 12, LEN: 14 } as const;

export const ETHERTYPE_IP = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_8021Q = 0x8100;

/** Field offsets in an Ethernet/IPv4 ARP packet, from the start of the ARP header. */
export const ARPH = { HRD: 0, PRO: 2, HLN: 4, PLN: 5, OP: 6, SHA: 8, SPA: 14, THA: 18, TPA: 24, LEN: 28 } as const;
export const ARPHRD_ETHER = 1;
export const ARPOP_REQUEST = 1;
export const ARPOP_REPLY = 2;

export const BROADCAST_ETHER: Uint8Array = Uint8Array.of(255, 255, 255, 255, 255, 255);

/** Click's text form of an Ethernet address: upper-case hex pairs joined by dashes. */
export function unparseEther(e: Uint8Array): string {
  return Array.from(e.subarray(0, 6), (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('-');
}

export function sameEther(a: Uint8Array, aOff: number, b: Uint8Array, bOff = 0): boolean {
  for (let i = 0; i < 6; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}

/**
 * Click's set_mac_header(p, len): the MAC header starts `offset` bytes into
 * the data and the network header `len` bytes after it. The transport header
 * annotation is left where it was (if it was unset, it ends up equal to the
 * network header, which no element reads without setting it first).
 */
export function setMacHeader(p: Packet, offset: number, len: number): void {
  const transport = p.transportHeaderOffset;
  p.setMacHeader(offset);
  p.setNetworkHeader(offset + len, 0);
  if (transport !== undefined) p.setTransportHeader(transport);
}

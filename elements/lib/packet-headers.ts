// Where a packet's IP and transport headers are, as absolute offsets into
// its buffer, for the transport-level elements (Click's ip_header(),
// transport_header(), transport_length()). Call after writable() if the
// element will write: writable() may replace the buffer.

import type { Packet } from '../../host-engine/packet.js';

export interface HeaderPositions {
  readonly buf: Uint8Array;
  /** Absolute offset of the IP header. */
  readonly ip: number;
  /** Absolute offset of the transport header. */
  readonly trans: number;
  /** Absolute offset just past the packet data. */
  readonly end: number;
}

/**
 * The header positions, or undefined when the packet has no IP header
 * annotation or fewer than 20 bytes of IP header lie within its data (where
 * Click would read past the packet, these elements drop it instead).
 */
export function headerPositions(p: Packet): HeaderPositions | undefined {
  const n = p.networkHeaderOffset;
  const tr = p.transportHeaderOffset;
  if (n === undefined || tr === undefined || n < 0 || n + 20 > p.length) return undefined;
  const base = p.dataOffset;
  return { buf: p.buffer, ip: base + n, trans: base + tr, end: base + p.length };
}

/** Click's transport_length(): bytes from the transport header to the end of the data (may be negative). */
export function transportLength(h: HeaderPositions): number {
  return h.end - h.trans;
}

// Flow identifiers of the rewriters (Click's IPFlowID): source address and
// port, destination address and port, as host-order numbers.

import { unparseIP } from '../lib/ip-route.js';

export interface FlowID {
  readonly saddr: number;
  readonly sport: number;
  readonly daddr: number;
  readonly dport: number;
}

/** The key a flow is stored under in a mapping table. */
export function flowKey(f: FlowID): string {
  return `${f.saddr}:${f.sport}:${f.daddr}:${f.dport}`;
}

export function reverseFlow(f: FlowID): FlowID {
  return { saddr: f.daddr, sport: f.dport, daddr: f.saddr, dport: f.sport };
}

/** Click's text: `(SADDR, SPORT, DADDR, DPORT)`. */
export function unparseFlow(f: FlowID): string {
  return `(${unparseIP(f.saddr)}, ${f.sport}, ${unparseIP(f.daddr)}, ${f.dport})`;
}

/** The six 16-bit words Click's checksum deltas run over: saddr, daddr, sport, dport. */
export function flowWords(f: FlowID): number[] {
  return [f.saddr >>> 16, f.saddr & 0xffff, f.daddr >>> 16, f.daddr & 0xffff, f.sport, f.dport];
}

/**
 * One more than a port or ICMP identifier as Click computes it: on the raw
 * network-order field of a little-endian machine, so the first byte goes up.
 * ICMPPingRewriter keys echo flows with it; kept for identical collisions.
 */
export function rawPortPlusOne(port: number): number {
  const raw = ((port >> 8) | (port << 8)) & 0xffff;
  const next = (raw + 1) & 0xffff;
  return ((next >> 8) | (next << 8)) & 0xffff;
}

// Rewriting one packet by a flow's mapping, as Click's TCPFlow::apply,
// UDPFlow::apply and IPAddrFlow::apply do: addresses (and ports), the
// destination annotation, the reply annotation, incremental checksum
// updates, and the connection state the timeouts depend on.

import type { Packet } from '../../host-engine/packet.js';
import type { HeaderPositions } from '../lib/packet-headers.js';
import { be16, fixZeroChecksum, isFirstFragment, setBe16, setBe32 } from '../lib/transport-checksum.js';
import { applyDelta, type Flow } from './rewriter-flow.js';

/** TCP connection-state bits (Click's TCPFlow). */
export const TCP_FORWARD_DONE = 1;
export const TCP_BOTH_DONE = 3;
export const TCP_FORWARD_DATA = 4;
export const TCP_BOTH_DATA = 12;

function updateSum(h: HeaderPositions, at: number, direction: boolean, delta: number): void {
  setBe16(h.buf, at, applyDelta(be16(h.buf, at), direction, delta));
}

/** Addresses, annotations and IP checksum; returns whether the packet is a first fragment. */
function applyIP(flow: Flow, p: Packet, h: HeaderPositions, direction: boolean, annos: number): boolean {
  const rev = flow.e[direction ? 0 : 1].flowid;
  setBe32(h.buf, h.ip + 12, rev.daddr);
  setBe32(h.buf, h.ip + 16, rev.saddr);
  if (annos & 1) p.dstIP = rev.saddr;
  if (direction && annos & 2) p.setAnnoU8(annos >> 2, flow.replyAnno);
  updateSum(h, h.ip + 10, direction, flow.ipCsumDelta);
  return isFirstFragment(h.buf, h.ip);
}

function setPorts(flow: Flow, h: HeaderPositions, direction: boolean): void {
  const rev = flow.e[direction ? 0 : 1].flowid;
  setBe16(h.buf, h.trans, rev.dport);
  setBe16(h.buf, h.trans + 2, rev.sport);
}

/**
 * TCP: ports and checksum only with at least 18 transport bytes; FIN/RST/SYN
 * and payload update the state; sequence deltas apply to a whole TCP header.
 */
export function applyTCP(flow: Flow, p: Packet, h: HeaderPositions, direction: boolean, annos: number): void {
  if (!applyIP(flow, p, h, direction, annos) || h.end - h.trans < 18) return;
  setPorts(flow, h, direction);
  updateSum(h, h.trans + 16, direction, flow.udpCsumDelta);
  const flags = h.buf[h.trans + 13]!;
  const hl = h.buf[h.ip]! & 15;
  const off = h.buf[h.trans + 12]! >> 4;
  const payload = (hl + off) << 2 < be16(h.buf, h.ip + 2);
  const dirBit = direction ? 1 : 0;
  if (flags & 4) flow.tflags |= TCP_BOTH_DONE;
  else if (flags & 1) flow.tflags |= TCP_FORWARD_DONE << dirBit;
  else if (flags & 2 || payload) flow.tflags &= ~(TCP_FORWARD_DONE << dirBit);
  if (payload) flow.tflags |= TCP_FORWARD_DATA << dirBit;
  if (flow.dt && h.end - h.trans >= off << 2) flow.dt.apply(h, dirBit);
}

/** UDP (and TCP in a UDP flow): ports; checksum if present; count packets and note replies. */
export function applyUDP(flow: Flow, p: Packet, h: HeaderPositions, direction: boolean, annos: number): void {
  if (!applyIP(flow, p, h, direction, annos)) return;
  setPorts(flow, h, direction);
  const proto = h.buf[h.ip + 9];
  const tlen = h.end - h.trans;
  if (proto === 6) {
    if (tlen >= 18) updateSum(h, h.trans + 16, direction, flow.udpCsumDelta);
  } else if (proto === 17) {
    // A zero UDP checksum means "no checksum" and stays zero.
    if (tlen >= 8 && be16(h.buf, h.trans + 6)) updateSum(h, h.trans + 6, direction, flow.udpCsumDelta);
  }
  if (direction) flow.tflags |= 1;
  if (flow.tflags < 6) flow.tflags += 2;
}

/** UDP flows are "streaming" after 3 packets including a reply (Click's UDPFlow::streaming). */
export function udpStreaming(flow: Flow): boolean {
  return flow.tflags > 6;
}

/** Address-only rewriting (IPAddrRewriter): the source going out, the destination coming back. */
export function applyAddr(flow: Flow, p: Packet, h: HeaderPositions, direction: boolean, annos: number): void {
  const rev = flow.e[direction ? 0 : 1].flowid;
  if (!direction) setBe32(h.buf, h.ip + 12, rev.daddr);
  else {
    setBe32(h.buf, h.ip + 16, rev.saddr);
    if (annos & 1) p.dstIP = rev.saddr;
    if (annos & 2) p.setAnnoU8(annos >> 2, flow.replyAnno);
  }
  updateSum(h, h.ip + 10, direction, flow.ipCsumDelta);
  if (!isFirstFragment(h.buf, h.ip)) return;
  const proto = h.buf[h.ip + 9];
  const tlen = h.end - h.trans;
  if (proto === 6 && tlen >= 18) updateSum(h, h.trans + 16, direction, flow.udpCsumDelta);
  else if (proto === 17 && tlen >= 8 && be16(h.buf, h.trans + 6)) updateSum(h, h.trans + 6, direction, flow.udpCsumDelta);
}

/** ICMP echo and echo reply (ICMPPingRewriter): addresses, then the identifier and the ICMP checksum. */
export function applyICMPPing(flow: Flow, p: Packet, h: HeaderPositions, direction: boolean, annos: number): void {
  if (!applyIP(flow, p, h, direction, annos)) return;
  const rev = flow.e[direction ? 0 : 1].flowid;
  setBe16(h.buf, h.trans + 4, direction ? rev.sport : rev.dport);
  updateSum(h, h.trans + 2, direction, flow.udpCsumDelta);
  fixZeroChecksum(h.buf, h.trans + 2, h.trans, h.end - h.trans);
}

/**
 * Address-pair rewriting (IPAddrPairRewriter): both addresses, annotations
 * and the IP checksum as for a port rewriter, then only the TCP (18+
 * transport bytes) or UDP (8+, nonzero) checksum of a first fragment.
 */
export function applyAddrPair(flow: Flow, p: Packet, h: HeaderPositions, direction: boolean, annos: number): void {
  if (!applyIP(flow, p, h, direction, annos)) return;
  const proto = h.buf[h.ip + 9];
  const tlen = h.end - h.trans;
  if (proto === 6 && tlen >= 18) updateSum(h, h.trans + 16, direction, flow.udpCsumDelta);
  else if (proto === 17 && tlen >= 8 && be16(h.buf, h.trans + 6)) updateSum(h, h.trans + 6, direction, flow.udpCsumDelta);
}

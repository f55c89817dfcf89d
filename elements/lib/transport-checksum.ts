// Checksum arithmetic for the transport-level elements (SetUDPChecksum,
// CheckTCPHeader, ICMPPingResponder, the rewriters), reproducing Click's
// results bit for bit: the incremental update never yields 0xFFFF, a UDP
// checksum of zero is not turned into 0xFFFF, and the pseudo-header takes
// the final destination from a source-route option as Click does.
//
// Words are handled big-endian. One's-complement sums commute with byte
// swapping (including which of 0x0000/0xFFFF a zero comes out as), so the
// results equal Click's native-order arithmetic on x86.

import { checksum } from './checksum.js';

export function be16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

export function setBe16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 8) & 255;
  b[off + 1] = v & 255;
}

export function be32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function setBe32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 255;
  b[off + 1] = (v >>> 16) & 255;
  b[off + 2] = (v >>> 8) & 255;
  b[off + 3] = v & 255;
}

/** Adjust checksum `sum` for one 16-bit word changing from `oldWord` to `newWord` (RFC 1624, Click's click_update_in_cksum). */
export function incrementalUpdate(sum: number, oldWord: number, newWord: number): number {
  let s = (~sum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  s = (s & 0xffff) + (s >>> 16);
  return ~(s + (s >>> 16)) & 0xffff;
}

/** Update the checksum field at `sumAt` in place for a word change. */
export function updateField(b: Uint8Array, sumAt: number, oldWord: number, newWord: number): void {
  setBe16(b, sumAt, incrementalUpdate(be16(b, sumAt), oldWord, newWord));
}

/** If the checksum field at `sumAt` is 0 and every covered byte is zero, it must read 0xFFFF (Click's click_update_zero_in_cksum). */
export function fixZeroChecksum(b: Uint8Array, sumAt: number, start: number, len: number): void {
  if (be16(b, sumAt) !== 0) return;
  for (let i = start; i < start + len; i++) if (b[i] !== 0) return;
  setBe16(b, sumAt, 0xffff);
}

/**
 * The destination address the pseudo-header uses: the IP destination, or
 * the last address of a loose/strict source-route option (Click's
 * click_in_cksum_pseudohdr). `ipAt` is the IP header's offset in `b`.
 */
export function pseudoHeaderDestination(b: Uint8Array, ipAt: number): number {
  const hl = (b[ipAt]! & 15) << 2;
  const dst = be32(b, ipAt + 16);
  if (hl === 20) return dst;
  const end = ipAt + hl;
  let o = ipAt + 20;
  while (o < end) {
    const type = b[o]!;
    if (type === 1) {
      o++;
      continue;
    }
    if (type === 0) break;
    if (o + 1 >= end || b[o + 1]! < 2 || o + b[o + 1]! > end) break;
    const len = b[o + 1]!;
    if ((type === 131 || type === 137) && len >= 7) return be32(b, o + len - 4);
    o += len;
  }
  return dst;
}

/**
 * The checksum of `len` transport bytes at `transAt` (with their checksum
 * field already zeroed, or not, as the caller wants) plus the pseudo-header
 * of the IP header at `ipAt`: Click's click_in_cksum followed by
 * click_in_cksum_pseudohdr. A result of 0 stays 0.
 */
export function transportChecksum(b: Uint8Array, ipAt: number, transAt: number, len: number): number {
  const src = be32(b, ipAt + 12);
  const dst = pseudoHeaderDestination(b, ipAt);
  const proto = b[ipAt + 9]!;
  const data = ~checksum(b, transAt, len) & 0xffff;
  let s = data + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + (len & 0xffff) + proto;
  s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~(s + (s >>> 16)) & 0xffff;
}

/** Zero the checksum field at `transAt + sumAt`, then write the transport checksum over `len` bytes into it. */
export function setTransportChecksum(b: Uint8Array, ipAt: number, transAt: number, len: number, sumAt: number): void {
  setBe16(b, transAt + sumAt, 0);
  setBe16(b, transAt + sumAt, transportChecksum(b, ipAt, transAt, len));
}

/** Click's IP_FIRSTFRAG: the fragment offset is zero. */
export function isFirstFragment(b: Uint8Array, ipAt: number): boolean {
  return (be16(b, ipAt + 6) & 0x1fff) === 0;
}

/** Click's IP_ISFRAG: more-fragments set or a non-zero offset. */
export function isFragment(b: Uint8Array, ipAt: number): boolean {
  return (be16(b, ipAt + 6) & 0x3fff) !== 0;
}

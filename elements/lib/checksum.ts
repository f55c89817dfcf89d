// The Internet checksum (RFC 1071), shared by every element that reads or
// writes IP, ICMP, UDP or TCP headers.

/** One's-complement sum of 16-bit big-endian words of bytes[start, start+len), plus `initial`, not folded. */
export function onesSum(bytes: Uint8Array, start: number, len: number, initial = 0): number {
  let sum = initial;
  const end = start + len;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

/** Fold a 32-bit-or-more one's-complement sum to 16 bits. */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for bytes[start, start+len): the complement of the folded sum. */
export function checksum(bytes: Uint8Array, start: number, len: number, initial = 0): number {
  return ~fold(onesSum(bytes, start, len, initial)) & 0xffff;
}

/** Pseudo-header sum for UDP/TCP over IPv4: addresses, protocol and length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/**
 * Incrementally adjust a checksum field for one 16-bit word changing from
 * `oldWord` to `newWord` (RFC 1624 equation 3, as Click's
 * click_update_in_cksum computes it). One's-complement arithmetic does not
 * depend on byte order, so callers pass big-endian words.
 */
export function updateChecksum(sum: number, oldWord: number, newWord: number): number {
  let s = (~sum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  s = (s & 0xffff) + (s >>> 16);
  return ~(s + (s >>> 16)) & 0xffff;
}

/** One's-complement sum of two 16-bit words, folded to 16 bits (Click's `x[0] + x[1]` with carry). */
export function addWords(a: number, b: number): number {
  const s = a + b;
  return (s + (s >>> 16)) & 0xffff;
}

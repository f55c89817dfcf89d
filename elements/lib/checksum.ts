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

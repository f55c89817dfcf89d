// The packet contents the packet sources (InfiniteSource, RatedSource,
// TimedSource) share: Click's default data, repeated or cut to LENGTH.

import { stringToBytes } from '../../config-lang/args/types.js';

/** Click's default source data: 69 bytes of text, "at least 64 bytes long". */
export const DEFAULT_SOURCE_DATA = stringToBytes('Random bullshit in a packet, at least 64 bytes long. Well, now it is.');

/**
 * The bytes each packet carries: `data` itself when `length` is negative,
 * its first `length` bytes when shorter, or `data` repeated until `length`
 * bytes when longer (an empty `data` then gives zero bytes).
 */
export function sourceBytes(data: Uint8Array, length: number): Uint8Array {
  if (length < 0) return data;
  if (length <= data.length) return data.slice(0, length);
  const out = new Uint8Array(length);
  if (data.length === 0) return out;
  for (let off = 0; off < length; off += data.length) out.set(data.subarray(0, Math.min(data.length, length - off)), off);
  return out;
}

// Building blocks for the standard elements' differential tests: packet
// data as Click `\<hex>` strings and a paced source (packets released by a
// RatedUnqueue, so simulated time advances between them).

/** DATA of `n` bytes (a fixed, varied pattern), as `\<hex>`; `seed` shifts the pattern. */
export function data(n: number, seed = 0): string {
  let hex = '';
  for (let i = 0; i < n; i++) hex += ((i * 37 + seed * 11 + 5) & 0xff).toString(16).padStart(2, '0');
  return `\\<${hex}>`;
}

/**
 * `limit` packets of `length` bytes released at `rate` packets per second
 * into `into` (an element declaration such as `c :: Counter`); the caller
 * continues the chain with `-> ...`. Uses the names ps, pq and pu.
 */
export function paced(into: string, limit: number, rate: number, length: number): string {
  return `ps :: InfiniteSource(${data(length)}, LIMIT ${limit}, BURST 16) -> pq :: Queue(${limit}) -> pu :: RatedUnqueue(${rate}) -> ${into}`;
}

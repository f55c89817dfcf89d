// Click's user-level clock as the rate elements see it: jiffies are
// milliseconds (CLICK_HZ = 1000) held in an unsigned 32-bit counter, taken
// from the engine clock so that simulated-time runs are reproducible.

/** Jiffies per second at user level. */
export const CLICK_HZ = 1000;

const NS_PER_JIFFY = 1_000_000n;

/** The jiffy counter (unsigned 32-bit, wrapping) at engine time `nowNs`. */
export function jiffiesAt(nowNs: bigint): number {
  return Number((nowNs / NS_PER_JIFFY) & 0xffffffffn);
}

/** Nanoseconds in `ticks` jiffies (Timestamp::make_jiffies). */
export function jiffiesToNs(ticks: number): bigint {
  return BigInt(ticks >>> 0) * NS_PER_JIFFY;
}

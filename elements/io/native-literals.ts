// C literals for the native entries of the I/O and driver elements.

/** A C literal for a nanosecond time or interval, clamped to int64 (the host's are unbounded). */
export function int64Literal(v: bigint): string {
  const max = (1n << 63n) - 1n;
  const x = v > max ? max : v < -max ? -max : v;
  return `INT64_C(${x})`;
}

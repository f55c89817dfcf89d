// Summaries of repeated measurements: the median with the smallest and
// largest sample, as every benchmark table here reports them.

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function spread(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** Scale every figure of a spread (e.g. seconds to milliseconds). */
export function scaled(s: Spread, by: number): Spread {
  return { median: s.median * by, min: s.min * by, max: s.max * by };
}

/** One engine on one configuration and frame size. */
export interface Measurement {
  /** Packets the configuration counted in each measured run. */
  readonly packets: number;
  readonly runs: number;
  /** Steady-state millions of packets per second (start-up excluded). */
  readonly mpps: Spread;
  /** Start-up (and teardown) time of one run, milliseconds, where the engine has one to separate. */
  readonly startupMs?: Spread;
}

/** Measurement from per-run packet counts, steady seconds and start-up seconds. */
export function measurement(packets: number, steadySeconds: readonly number[], startupSeconds: readonly number[]): Measurement {
  return {
    packets,
    runs: steadySeconds.length,
    mpps: spread(steadySeconds.map((s) => packets / s / 1e6)),
    startupMs: scaled(spread(startupSeconds), 1e3),
  };
}

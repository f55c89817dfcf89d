// The engine's deterministic pseudo-random generator: one xorshift32 per
// router (Marsaglia's 13/17/5 triple). The native engine uses the same
// generator and seed, so elements that draw random numbers (RandomSample,
// random IP IDs...) behave identically in both engines.

export const DEFAULT_SEED = 0x2545f491;

export class Xorshift32 {
  private state: number;

  constructor(seed: number = DEFAULT_SEED) {
    const s = seed >>> 0;
    // Zero is xorshift's fixed point: it would return 0 forever.
    if (s === 0) throw new RangeError('random seed must be a nonzero 32-bit integer');
    this.state = s;
  }

  /** The next value, an unsigned 32-bit integer. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
}

/** Parse a seed given on the command line: decimal or 0x-prefixed hex, nonzero, below 2^32. */
export function parseSeed(text: string): number | undefined {
  const t = text.trim();
  if (!/^(0[xX][0-9a-fA-F]+|\d+)$/.test(t)) return undefined;
  const v = Number(t);
  return Number.isSafeInteger(v) && v > 0 && v <= 0xffffffff ? v : undefined;
}

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

/**
 * Click's userlevel click_random() after click_srandom(seed): the C
 * library's random() as glibc implements it (TYPE_3: an additive feedback
 * generator over 31 words, seeded by the Park-Miller generator, the first
 * 310 outputs discarded). Values are 31-bit. RandomSeed switches a router to it.
 */
export class GlibcRandom {
  private readonly r = new Int32Array(31);
  private f = 3;
  private b = 0;

  constructor(seed: number) {
    let word = seed >>> 0 || 1;
    this.r[0] = word;
    for (let i = 1; i < 31; i++) {
      // 16807 * word mod (2^31 - 1) by Schrage's method, on the signed 32-bit word as glibc does.
      const w = word | 0;
      const hi = Math.trunc(w / 127773);
      const lo = w % 127773;
      word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      this.r[i] = word;
    }
    for (let i = 0; i < 310; i++) this.next();
  }

  next(): number {
    const v = (this.r[this.f]! + this.r[this.b]!) | 0;
    this.r[this.f] = v;
    this.f = this.f === 30 ? 0 : this.f + 1;
    this.b = this.b === 30 ? 0 : this.b + 1;
    return (v >>> 1) & 0x7fffffff;
  }
}

/**
 * Click's click_random(low, high): a number from low to high inclusive,
 * drawn from `random` (taken as 31-bit, CLICK_RAND_MAX 2^31 - 1) by
 * rejection, so the same generator gives the numbers Click's does.
 */
export function clickRandomRange(random: () => number, low: number, high: number): number {
  if (low > high) return low;
  const span = high - low;
  const r31 = () => random() & 0x7fffffff;
  if (span > 0x7fffffff) {
    let r: number;
    while ((r = ((r31() << 17) ^ (r31() >>> 14)) >>> 0) > span) { /* again */ }
    return r + low;
  }
  if (span === 1) return low + ((r31() >>> 14) & 1);
  const count = Math.floor(0x80000000 / (span + 1));
  const max = count * (span + 1);
  let r: number;
  while ((r = r31()) >= max) { /* again */ }
  return Math.floor(r / count) + low;
}

// A token bucket in exact integer arithmetic on engine nanoseconds, as
// RatedSource uses: `rate` tokens per second accumulate up to `capacity`.

const UNIT = 1_000_000_000n; // one token, in token-nanoseconds

export class TokenBucket {
  private units = 0n;
  private last: bigint | undefined;
  private rateN: bigint;
  private cap: bigint;

  constructor(rate: number, capacity: number) {
    this.rateN = BigInt(rate);
    this.cap = BigInt(Math.max(1, capacity)) * UNIT;
  }

  get rate(): number {
    return Number(this.rateN);
  }

  /** Change rate and capacity, keeping the tokens held (up to the new capacity). */
  assign(rate: number, capacity: number): void {
    this.rateN = BigInt(rate);
    this.cap = BigInt(Math.max(1, capacity)) * UNIT;
    if (this.units > this.cap) this.units = this.cap;
  }

  /** Hold exactly `tokens` tokens as of `now`. */
  set(tokens: number, now: bigint): void {
    this.units = BigInt(tokens) * UNIT;
    if (this.units > this.cap) this.units = this.cap;
    this.last = now;
  }

  refill(now: bigint): void {
    if (this.last !== undefined && now > this.last) {
      this.units += (now - this.last) * this.rateN;
      if (this.units > this.cap) this.units = this.cap;
    }
    this.last = now;
  }

  /** Take one token if there is one. */
  take(): boolean {
    if (this.units < UNIT) return false;
    this.units -= UNIT;
    return true;
  }

  /** Nanoseconds until one token is there, or undefined if it never will be (rate 0). */
  timeUntilToken(): bigint | undefined {
    if (this.units >= UNIT) return 0n;
    if (this.rateN === 0n) return undefined;
    return (UNIT - this.units + this.rateN - 1n) / this.rateN;
  }
}

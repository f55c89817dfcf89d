// Click's token bucket (TokenBucketX with jiffy ticks, include/click/
// tokenbucket.hh), with its unsigned 32-bit token arithmetic, so that rated
// elements release packets at exactly the original's jiffies.
//
// Tokens are stored as a fraction of capacity: the counter holds up to
// 2^32-1 "fractional tokens", one real token being `tokenScale` of them.
// Every tick (jiffy) adds `tokensPerTick` fractional tokens.

import { CLICK_HZ } from '../lib/click-time.js';

const MAX_TOKENS = 0xffffffff;

export class TokenBucket {
  private tokensPerTick = 0;
  private tokenScale = 1;
  /** Ticks to fill an empty bucket; MAX_TOKENS for an idle rate. */
  private timeUntilFull = MAX_TOKENS;
  /** Fractional tokens held. A default-constructed Click bucket starts empty at time point 0. */
  private tokens = 0;
  private timePoint = 0;

  /** Set the rate (tokens per second) and capacity, keeping the fill fraction (Click's assign). */
  assign(rate: number, capacity: number): void {
    let r = rate >>> 0;
    let cap = capacity >>> 0;
    if (cap === 0) {
      r = 0;
      cap = MAX_TOKENS;
    }
    if (r !== 0) {
      const minCapacity = Math.floor((r - 1) / CLICK_HZ) + 1;
      if (cap < minCapacity) cap = minCapacity;
    }
    this.tokenScale = Math.floor(MAX_TOKENS / cap);
    const perTick = (BigInt(r) * BigInt(this.tokenScale)) / BigInt(CLICK_HZ);
    if (r !== 0) {
      this.tokensPerTick = perTick !== 0n ? Number(perTick) : 1;
      this.timeUntilFull = Math.floor((MAX_TOKENS - 1) / this.tokensPerTick) + 1;
    } else {
      this.tokensPerTick = 0;
      this.timeUntilFull = MAX_TOKENS;
    }
  }

  /** The rate in tokens per second as Click reports it (with its rounding). */
  get rate(): number {
    const tpt = BigInt(this.tokensPerTick);
    const v = (tpt / 2n + tpt * BigInt(CLICK_HZ)) / BigInt(this.tokenScale);
    return v > BigInt(MAX_TOKENS) ? MAX_TOKENS : Number(v);
  }

  get capacity(): number {
    return Math.floor(MAX_TOKENS / this.tokenScale);
  }

  /** Whole tokens held. */
  get size(): number {
    return Math.floor(this.tokens / this.tokenScale);
  }

  /** Add the tokens earned since the last refill (time in jiffies). */
  refill(nowJiffies: number): void {
    const now = nowJiffies >>> 0;
    // User-level jiffies are not monotonic in Click: a clock that went back counts as no time.
    const diff = this.timePoint <= now ? now - this.timePoint : 0;
    if (diff >= this.timeUntilFull) {
      this.tokens = MAX_TOKENS;
    } else if (diff > 0) {
      const next = this.tokens + diff * this.tokensPerTick;
      this.tokens = next > MAX_TOKENS ? MAX_TOKENS : next;
    }
    this.timePoint = now;
  }

  /** Fractional tokens for `t` real tokens, or undefined if beyond capacity. */
  private scaled(t: number): number | undefined {
    const f = (t >>> 0) * this.tokenScale;
    return f > MAX_TOKENS ? undefined : f;
  }

  contains(t: number): boolean {
    const f = this.scaled(t);
    return f !== undefined && f <= this.tokens;
  }

  /** Remove `t` tokens; an overdrawn bucket is left empty. */
  remove(t: number): void {
    const f = this.scaled(t) ?? MAX_TOKENS;
    this.tokens = f <= this.tokens ? this.tokens - f : 0;
  }

  /** Ticks until the bucket holds `t` tokens; MAX_TOKENS if never. */
  timeUntilContains(t: number): number {
    const f = this.scaled(t);
    if (f === undefined) return MAX_TOKENS;
    if (f <= this.tokens || this.timeUntilFull === 0) return 0;
    if (this.tokensPerTick === 0) return MAX_TOKENS;
    return Math.floor((f - this.tokens - 1) / this.tokensPerTick) + 1;
  }
}

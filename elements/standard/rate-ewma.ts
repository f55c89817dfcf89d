// Click's rate estimator (RateEWMAX over DirectEWMAX, include/click/ewma.hh),
// reproduced with its integer widths so handler values match the original.
//
// Samples are summed per epoch (one jiffy). When a packet arrives in a new
// epoch, the finished epoch's sum updates the average
//   avg += ((x << scale) + compensation - avg) >> stability   (arithmetic shift)
// and each further empty epoch updates it with x = 0 (more than 99 empty
// epochs reset it to 0 outright). The average is kept in fixed point with
// `scale` fraction bits, per epoch; rates per second multiply by CLICK_HZ.

import { CLICK_HZ } from '../lib/click-time.js';
import { unparseReal2I64, unparseReal2U32 } from '../lib/click-numbers.js';

export interface EwmaParams {
  /** Width of Click's value_type: 32 (unsigned) or 64 (uint64_t). */
  readonly bits: 32 | 64;
  /** alpha = 1 / 2^stability. */
  readonly stability: number;
  /** Fraction bits of the scaled average. */
  readonly scale: number;
}

export class RateEwma {
  private epoch: number;
  private current = 0n;
  private avg = 0n;
  private readonly bits: number;
  private readonly stability: bigint;
  private readonly compensation: bigint;

  constructor(
    readonly params: EwmaParams,
    /** Jiffies when the estimator is created (Click reads the epoch in the constructor). */
    nowJiffies: number,
  ) {
    this.epoch = nowJiffies >>> 0;
    this.bits = params.bits;
    this.stability = BigInt(params.stability);
    this.compensation = 1n << BigInt(params.stability - 1);
  }

  get scale(): number {
    return this.params.scale;
  }

  /** Add `delta` samples to the current epoch, first closing any epochs that ended. */
  update(delta: number, nowJiffies: number): void {
    const now = nowJiffies >>> 0;
    if (now !== this.epoch) {
      this.updateAverage(this.current);
      const empty = (now - this.epoch - 1) >>> 0;
      if (empty !== 0) this.updateZeros(empty);
      this.current = 0n;
      this.epoch = now;
    }
    this.current = BigInt.asUintN(this.bits, this.current + BigInt(delta));
  }

  /** The scaled average as Click's signed value type. */
  get scaledAverage(): bigint {
    return BigInt.asIntN(this.bits, this.avg);
  }

  /**
   * Click's unparse_rate: scaled average times CLICK_HZ, printed with `scale`
   * fraction bits (32-bit estimators multiply in unsigned 32-bit arithmetic,
   * as the original's int * unsigned does).
   */
  unparseRate(): string {
    return this.unparseScaled(this.params.scale, 1n);
  }

  /** Print scaledAverage * CLICK_HZ * `multiplier` with `fracBits` fraction bits, in the estimator's width. */
  unparseScaled(fracBits: number, multiplier: bigint): string {
    const product = this.scaledAverage * BigInt(CLICK_HZ) * multiplier;
    if (this.bits === 32) return unparseReal2U32(Number(BigInt.asUintN(32, product)), fracBits);
    return unparseReal2I64(product, fracBits);
  }

  private updateAverage(x: bigint): void {
    const xScaled = BigInt.asUintN(this.bits, (x << BigInt(this.params.scale)) + this.compensation);
    this.step(xScaled);
  }

  private updateZeros(n: number): void {
    if (n >= 100) {
      this.avg = 0n;
      return;
    }
    for (let i = 0; i < n; i++) this.step(this.compensation);
  }

  private step(xScaled: bigint): void {
    const diff = BigInt.asIntN(this.bits, xScaled - this.avg);
    this.avg = BigInt.asUintN(this.bits, this.avg + (diff >> this.stability));
  }
}

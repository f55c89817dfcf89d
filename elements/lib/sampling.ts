// Sampling probabilities as Click keeps them (FromDump, FromIPSummaryDump,
// RandomSample): unsigned fixed point with 28 fraction bits, read with
// FixedPointArg(SAMPLING_SHIFT), printed with cp_unparse_real2, and compared
// against the low 28 bits of a 32-bit random number.

import type { ArgType, ConfigContext } from '../../config-lang/args/args.js';
import { parseFixedPoint, unparseReal2U32 } from './click-numbers.js';

export const SAMPLING_SHIFT = 28;
export const SAMPLING_ONE = 2 ** SAMPLING_SHIFT;

/** A probability: a non-negative decimal, rounded to 28 fraction bits (values above 1 parse; elements decide). */
export const samplingArg: ArgType<number> = {
  description: 'probability (0 to 1)',
  parse(text) {
    const v = parseFixedPoint(text, SAMPLING_SHIFT);
    if (v === undefined) throw new Error(`'${text.trim()}' is not a number from 0 to 1`);
    return v;
  },
};

/** Click's text for a probability. */
export function formatSampling(fixed: number): string {
  return unparseReal2U32(fixed, SAMPLING_SHIFT);
}

/** Whether a packet survives sampling, given a 32-bit random number. */
export function sampled(fixed: number, random32: number): boolean {
  return fixed >= SAMPLING_ONE || (random32 & (SAMPLING_ONE - 1)) < fixed;
}

/** A file reader's SAMPLE as Click takes it: above 1 is 1, with a warning; 0 is kept, with a warning. */
export function configureSample(sample: number, ctx: ConfigContext): number {
  if (sample > SAMPLING_ONE) {
    ctx.warn('SAMPLE probability reduced to 1');
    return SAMPLING_ONE;
  }
  if (sample === 0) ctx.warn('SAMPLE probability is 0; emitting no packets');
  return sample;
}

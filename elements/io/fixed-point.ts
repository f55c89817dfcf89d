// Sampling probabilities as Click keeps them: unsigned fixed point with 28
// fraction bits (FromDump's and FromIPSummaryDump's SAMPLE), compared against
// the low 28 bits of a random number.

import type { ArgType } from '../../config-lang/args/args.js';

export const SAMPLING_SHIFT = 28;
export const SAMPLING_ONE = 1 << SAMPLING_SHIFT;

/** A non-negative decimal, rounded to 28 fraction bits. */
export const samplingArg: ArgType<number> = {
  description: 'probability between 0 and 1',
  parse(text) {
    const t = text.trim();
    if (!/^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) throw new Error(`'${text}' is not a non-negative number`);
    const v = Math.round(Number(t) * SAMPLING_ONE);
    if (!Number.isFinite(v) || v > 0xffffffff) throw new Error(`'${text}' is out of range`);
    return v;
  },
};

/** The shortest decimal that reads back as the same fixed-point value (Click's cp_unparse_real2). */
export function formatSampling(fixed: number): string {
  for (let digits = 0; digits <= 10; digits++) {
    const text = (fixed / SAMPLING_ONE).toFixed(digits);
    if (Math.round(Number(text) * SAMPLING_ONE) === fixed) return digits === 0 ? text : text.replace(/0+$/, '').replace(/\.$/, '');
  }
  return String(fixed / SAMPLING_ONE);
}

/** Whether a packet survives sampling, given a 32-bit random number. */
export function sampled(fixed: number, random32: number): boolean {
  return fixed >= SAMPLING_ONE || (random32 & (SAMPLING_ONE - 1)) < fixed;
}

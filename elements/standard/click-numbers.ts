// Number formatting and parsing with Click's exact conventions, shared by the
// standard elements whose handlers print rates and probabilities. Handler
// text must match the original byte for byte, so these reproduce Click's
// fixed-point printer (a port of TeX's print_scaled, including its unsigned
// 32-bit wrap-around), its base-10 fixed-point printer, printf's "%.12g"
// (Click's String(double)) and its fixed-point argument parser.

const U32 = 0x1_0000_0000;

/** Click's cp_unparse_real2 for an unsigned 32-bit fixed-point value with `fracBits` fraction bits. */
export function unparseReal2U32(real: number, fracBits: number): string {
  const value = real >>> 0;
  const one = 2 ** fracBits;
  let text = String(Math.floor(value / one));
  let r = value % one;
  if (r === 0) return text;
  text += '.';
  // Every step below is unsigned 32-bit arithmetic in the original; the
  // wrap-arounds are part of its output, so they are reproduced.
  r = (10 * r + 5) % U32;
  let allowable = 10;
  let rounder = 5;
  while (rounder < Math.floor(one / 2)) rounder = (rounder * 10) % U32;
  do {
    if (allowable > one) r = (r + Math.floor(one / 2) - rounder + U32) % U32;
    text += String.fromCharCode((48 + Math.floor(r / one)) & 0xff);
    r = (10 * (r % one)) % U32;
    allowable = (allowable * 10) % U32;
  } while (r > allowable);
  return text;
}

/** Click's cp_unparse_real2 for a signed 32-bit value. */
export function unparseReal2I32(real: number, fracBits: number): string {
  const v = real | 0;
  return v < 0 ? '-' + unparseReal2U32(-v >>> 0, fracBits) : unparseReal2U32(v, fracBits);
}

/** Click's cp_unparse_real2 for a signed 64-bit value (integer part in full, fraction as the 32-bit printer). */
export function unparseReal2I64(real: bigint, fracBits: number): string {
  const v = BigInt.asIntN(64, real);
  if (v < 0n) return '-' + unparseReal2U64(-v, fracBits);
  return unparseReal2U64(v, fracBits);
}

export function unparseReal2U64(real: bigint, fracBits: number): string {
  const v = BigInt.asUintN(64, real);
  const intPart = v >> BigInt(fracBits);
  const frac = Number(v & ((1n << BigInt(fracBits)) - 1n));
  return intPart.toString() + unparseReal2U32(frac, fracBits).slice(1);
}

/** Click's cp_unparse_real10: `real / 10^digits`, trailing fraction zeros removed. */
export function unparseReal10(real: number, digits: number): string {
  const value = real >>> 0;
  const one = 10 ** digits;
  const intPart = Math.floor(value / one);
  const frac = value - intPart * one;
  if (frac === 0) return String(intPart);
  return `${intPart}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** printf("%.12g"), which Click's String(double) uses. */
export function formatDouble(x: number, precision = 12): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa, expText] = x.toExponential(precision - 1).split('e') as [string, string];
  const exp = Number(expText);
  const stripZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    const e = Math.abs(exp);
    return `${stripZeros(mantissa)}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return stripZeros(x.toFixed(precision - 1 - exp));
}

/**
 * Click's FixedPointArg: an unsigned decimal number as an unsigned 32-bit
 * value with `fracBits` fraction bits, rounded to nearest. Returns
 * undefined for text that is not such a number or does not fit.
 */
export function parseFixedPoint(text: string, fracBits: number): number | undefined {
  const m = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
  const digits = BigInt((m[1] ?? '') + (m[2] ?? '') || '0');
  const exp10 = Number(m[3] ?? '0') - (m[2] ?? '').length;
  if (Math.abs(exp10) > 400) return undefined;
  let num = digits << BigInt(fracBits);
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  const rounded = (2n * num + den) / (2n * den);
  if (rounded > 0xffffffffn) return undefined;
  return Number(rounded);
}

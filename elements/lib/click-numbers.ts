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

/**
 * printf("%.12g"), which Click's String(double) uses: the exact binary value
 * rounded to `precision` significant digits, ties to even as glibc does
 * (JavaScript's toExponential rounds ties up: 108367089.0625 must print as
 * 108367089.062).
 */
export function formatDouble(x: number, precision = 12): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (x < 0) return '-' + formatDouble(-x, precision);
  const { digits, exp } = roundSignificant(x, precision);
  const stripZeros = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    const e = Math.abs(exp);
    return `${stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits)}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`);
  return stripZeros(exp + 1 >= digits.length ? digits : `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`);
}

/** The `precision` leading decimal digits of positive finite x, rounded half to even, and the decimal exponent of the first. */
function roundSignificant(x: number, precision: number): { digits: string; exp: number } {
  // x = mant * 2^e exactly.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let e = biased - 1075;
  if (biased === 0) e = -1074;
  else mant |= 1n << 52n;
  const num0 = e >= 0 ? mant << BigInt(e) : mant;
  const den0 = e >= 0 ? 1n : 1n << BigInt(-e);
  // The decimal exponent k with 10^k <= x < 10^(k+1).
  let k = Math.floor(Math.log10(x));
  const below = (kk: number) => (kk >= 0 ? num0 < 10n ** BigInt(kk) * den0 : num0 * 10n ** BigInt(-kk) < den0);
  while (below(k)) k--;
  while (!below(k + 1)) k++;
  // q = x / 10^(k - precision + 1), rounded half to even.
  const shift = precision - 1 - k;
  const num = shift >= 0 ? num0 * 10n ** BigInt(shift) : num0;
  const den = shift >= 0 ? den0 : den0 * 10n ** BigInt(-shift);
  let q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  if (q === 10n ** BigInt(precision)) {
    q = 10n ** BigInt(precision - 1);
    k++;
  }
  return { digits: q.toString(), exp: k };
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

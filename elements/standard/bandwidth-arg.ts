// Click's BandwidthArg: a rate in bytes per second held as an unsigned 32-bit
// integer. Units are bps, b/s and baud (bits: divided by 8) or Bps and B/s
// (bytes), with an optional k, K, M or G prefix; the value is rounded to the
// nearest byte per second. A number without a unit means bytes per second,
// which Click accepts with a warning.

import type { ArgType } from '../../config-lang/args/args.js';
import { unparseReal10 } from '../lib/click-numbers.js';

const UNITS: Record<string, [bigint, bigint]> = {
  bps: [1n, 8n],
  'b/s': [1n, 8n],
  baud: [1n, 8n],
  Bps: [1n, 1n],
  'B/s': [1n, 1n],
};
const PREFIXES: Record<string, bigint> = { k: 1000n, K: 1000n, M: 1_000_000n, G: 1_000_000_000n };

export interface ParsedBandwidth {
  /** Bytes per second. */
  readonly rate: number;
  /** True when no unit was written (Click warns and assumes Bps). */
  readonly unitless: boolean;
}

export function parseBandwidth(text: string): ParsedBandwidth {
  const m = /^\s*\+?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?\s*([A-Za-z/]*)\s*$/.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) throw new Error(`'${text}' is not a bandwidth`);
  const unitText = m[4]!;
  let num = 1n;
  let den = 1n;
  if (unitText !== '') {
    // Own properties only: a unit such as 'constructor' must be unknown, not Object's.
    let unit = Object.hasOwn(UNITS, unitText) ? UNITS[unitText] : undefined;
    if (!unit) {
      const prefix = Object.hasOwn(PREFIXES, unitText[0]!) ? PREFIXES[unitText[0]!] : undefined;
      const base = Object.hasOwn(UNITS, unitText.slice(1)) ? UNITS[unitText.slice(1)] : undefined;
      if (prefix === undefined || !base) throw new Error(`unknown bandwidth unit '${unitText}' (use bps, kbps, Mbps, Gbps, Bps, kBps, MBps, GBps)`);
      unit = [base[0] * prefix, base[1]];
    }
    [num, den] = unit;
  }
  const fraction = m[2] ?? '';
  const digits = BigInt((m[1] ?? '') + fraction || '0');
  const exp10 = Number(m[3] ?? '0') - fraction.length;
  if (Math.abs(exp10) > 400) throw new Error(`'${text}' is out of range`);
  num *= digits;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  const rounded = (2n * num + den) / (2n * den);
  if (rounded > 0xffffffffn) throw new Error(`'${text}' is out of range (at most 4294967295 bytes per second)`);
  return { rate: Number(rounded), unitless: unitText === '' && rounded !== 0n };
}

/** A bandwidth argument that warns, as Click does, when no unit is given. */
export const bandwidthArg: ArgType<number> = {
  description: 'bandwidth (e.g. 10Mbps)',
  parse(text, ctx) {
    const { rate, unitless } = parseBandwidth(text);
    if (unitless) ctx.warn(`no units for bandwidth '${text.trim()}', assuming Bps`);
    return rate;
  },
};

/** Click's BandwidthArg::unparse: MBps for huge rates, else Gbps, Mbps or kbps. */
export function unparseBandwidth(bytesPerSecond: number): string {
  const x = bytesPerSecond >>> 0;
  if (x >= 0x20000000) return unparseReal10(x, 6) + 'MBps';
  if (x >= 125_000_000) return unparseReal10(x * 8, 9) + 'Gbps';
  if (x >= 125_000) return unparseReal10(x * 8, 6) + 'Mbps';
  return unparseReal10(x * 8, 3) + 'kbps';
}

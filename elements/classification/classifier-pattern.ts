// Classifier patterns: `OFFSET/VALUE[%MASK]` terms separated by spaces, each
// possibly negated with `!`; all terms of a pattern must hold; `-` (or an
// empty pattern) matches every packet. OFFSET is decimal, VALUE and MASK are
// an even number of hex digits where `?` means "any value in this nibble".
// Offsets count from the start of the packet data.
//
// A term holds when the packet reaches its last byte that is tested and every
// tested byte matches; a negated term holds otherwise (so `!12/0800` matches
// a packet shorter than 14 bytes, as in Click).

import { ConfigError } from '../../config-lang/args/args.js';
import { type Expr, TRUE, and, byteTests, not } from './expr.js';

/** Largest offset a term may test (Click keeps offsets in 16 bits). */
const MAX_OFFSET = 0xfff0;

function isHex(c: string | undefined): boolean {
  return c !== undefined && /[0-9a-fA-F?]/.test(c);
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && /\s/.test(c);
}

/** Value and mask of one nibble character; `?` matches anything. */
function nibble(c: string): { v: number; m: number } {
  return c === '?' ? { v: 0, m: 0 } : { v: parseInt(c, 16), m: 0xf };
}

/** Parse Classifier pattern number `index`; errors are ConfigErrors at that argument. */
export function parseClassifierPattern(text: string, index: number): Expr {
  const fail = (msg: string, hint?: string): never => {
    throw new ConfigError(`pattern ${index}: ${msg}`, index, hint);
  };
  const s = text;
  let i = 0;
  if (s === '-') return TRUE;
  const terms: Expr[] = [];
  while (i < s.length) {
    while (i < s.length && isSpace(s[i])) i++;
    if (i >= s.length) break;
    let negated = false;
    if (s[i] === '!') {
      negated = true;
      i++;
      while (i < s.length && isSpace(s[i])) i++;
    }
    if (i >= s.length || !/[0-9]/.test(s[i]!)) {
      fail(i >= s.length ? 'expected a digit at the end' : `expected a digit, got '${s[i]}'`, 'terms look like OFFSET/HEXVALUE or OFFSET/HEXVALUE%HEXMASK, e.g. 12/0800');
    }
    const offStart = i;
    while (i < s.length && /[0-9]/.test(s[i]!)) i++;
    const offset = Number(s.slice(offStart, i));
    if (s[i] !== '/') fail(`expected '/' after offset ${s.slice(offStart, i)}`, 'terms look like OFFSET/HEXVALUE, e.g. 12/0800');
    i++;
    const valStart = i;
    while (i < s.length && isHex(s[i])) i++;
    const value = s.slice(valStart, i);
    let mask: string | undefined;
    if (s[i] === '%') {
      i++;
      const maskStart = i;
      while (i < s.length && isHex(s[i])) i++;
      mask = s.slice(maskStart, i);
    }
    if (value.length < 2) fail(`value has less than 2 hex digits in '${s.slice(offStart, i)}'`);
    if (value.length % 2 !== 0) fail(`value has odd number of hex digits in '${s.slice(offStart, i)}'`);
    if (mask !== undefined && mask.length !== value.length) {
      fail(`mask has too ${mask.length > value.length ? 'many' : 'few'} hex digits in '${s.slice(offStart, i)}'`, 'the mask needs as many digits as the value');
    }
    if (offset + value.length / 2 > MAX_OFFSET) fail(`offset ${offset} is too large`);
    const values: number[] = [];
    const masks: number[] = [];
    for (let k = 0; k < value.length; k += 2) {
      const hi = nibble(value[k]!);
      const lo = nibble(value[k + 1]!);
      let m = (hi.m << 4) | lo.m;
      if (mask !== undefined) {
        const mh = nibble(mask[k]!);
        const ml = nibble(mask[k + 1]!);
        m &= ((mh.v & mh.m) << 4) | (ml.v & ml.m);
      }
      values.push((hi.v << 4) | lo.v);
      masks.push(m);
    }
    const term = byteTests('link', offset, values, masks);
    terms.push(negated ? not(term) : term);
  }
  return terms.length === 0 ? TRUE : and(...terms);
}

// The read-with-parameter handlers every Script element has: arithmetic,
// comparisons, booleans, sprintf and string helpers. Each takes the
// parameter text and returns the result text, or throws HandlerError with
// Click's message.

import { parseInteger, T } from '../../config-lang/args/types.js';
import { HandlerError } from '../spec.js';
import { formatDouble } from '../lib/click-numbers.js';
import { parseWith } from '../lib/handler-values.js';
import { quote, shiftWord, unquote, words } from './script-text.js';

export interface BuiltinContext {
  random32(): number;
  /** Engine time as Click's timestamp text. */
  now(): string;
  readFile(name: string): string;
}

export type Builtin = (param: string, ctx: BuiltinContext) => string;

function int(text: string): number | undefined {
  try {
    return parseInteger(text);
  } catch {
    return undefined;
  }
}

function real(text: string): number | undefined {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function bool(text: string): boolean | undefined {
  try {
    return parseWith(T.bool, text);
  } catch {
    return undefined;
  }
}

const unparseBool = (b: boolean) => (b ? 'true' : 'false');

type Arith = 'add' | 'sub' | 'min' | 'max' | 'mul' | 'div' | 'idiv';

function arithmetic(op: Arith): Builtin {
  return (param) => {
    let useDouble = op === 'div' || op === 'idiv';
    let acc = op === 'add' || op === 'sub' ? 0 : 1;
    let first = true;
    for (const w of words(param)) {
      let v = useDouble ? undefined : int(w);
      if (v === undefined) {
        useDouble = true;
        v = real(w);
        if (v === undefined) throw new HandlerError('expected list of numbers');
      }
      if (first) acc = v;
      else if (op === 'add') acc += v;
      else if (op === 'sub') acc -= v;
      else if (op === 'min') acc = Math.min(acc, v);
      else if (op === 'max') acc = Math.max(acc, v);
      else if (op === 'mul') acc *= v;
      else acc /= v;
      first = false;
    }
    if (op === 'idiv') return String(Math.trunc(acc));
    return useDouble ? formatDouble(acc) : String(acc);
  };
}

function twoWords(param: string): [string, string] {
  const w = words(param);
  if (w.length !== 2) throw new HandlerError('expected two numbers');
  return [w[0]!, w[1]!];
}

function modrem(op: 'mod' | 'rem'): Builtin {
  return (param) => {
    const [as, bs] = twoWords(param);
    const a = int(as);
    const b = int(bs);
    if (a !== undefined && b !== undefined) {
      if (b === 0) throw new HandlerError('division by zero');
      return String(a % b);
    }
    const da = real(as);
    const db = real(bs);
    if (op === 'mod' || da === undefined || db === undefined) throw new HandlerError('expected two numbers');
    return formatDouble(da % db);
  };
}

function negabs(op: 'neg' | 'abs'): Builtin {
  return (param) => {
    const t = param.trim();
    const i = int(t);
    if (i !== undefined) return String(op === 'neg' ? -i : Math.abs(i));
    const d = real(t);
    if (d === undefined) throw new HandlerError('expected one number');
    return formatDouble(op === 'neg' ? -d : Math.abs(d));
  };
}

type Cmp = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge';

function compare(op: Cmp): Builtin {
  return (param) => {
    const [as, bs] = twoWords(param);
    let c: number;
    const ai = int(as);
    const bi = int(bs);
    const ad = real(as);
    const bd = real(bs);
    if (ai !== undefined && bi !== undefined) c = Math.sign(ai - bi);
    else if (ad !== undefined && bd !== undefined) c = Math.sign(ad - bd);
    else {
      const x = unquote(as);
      const y = unquote(bs);
      c = x < y ? -1 : x > y ? 1 : 0;
    }
    const r = { eq: c === 0, ne: c !== 0, lt: c < 0, gt: c > 0, le: c <= 0, ge: c >= 0 }[op];
    return unparseBool(r);
  };
}

function logic(op: 'and' | 'or' | 'nand' | 'nor'): Builtin {
  return (param) => {
    const zero = op === 'and' || op === 'nand';
    let value = zero;
    let rest = param;
    while (value === zero && rest.trim()) {
      const [w, r] = shiftWord(rest);
      rest = r;
      const b = bool(w);
      if (b === undefined) throw new HandlerError('syntax error');
      value = op === 'and' || op === 'nand' ? value && b : value || b;
    }
    return unparseBool(op === 'nand' || op === 'nor' ? !value : value);
  };
}

/** Click's sprintf handler: a format word and its arguments. */
export function sprintf(param: string): string {
  let [fmtWord, rest] = shiftWord(param);
  const format = unquote(fmtWord);
  const next = () => {
    const [w, r] = shiftWord(rest);
    rest = r;
    return w;
  };
  let out = '';
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) break;
    out += format.slice(i, pct);
    let j = pct + 1;
    let flags = '';
    while (j < format.length && '0#- +'.includes(format[j]!)) flags += format[j++];
    let width = '';
    if (format[j] === '*') {
      const w = int(next());
      if (w === undefined) throw new HandlerError('syntax error');
      width = String(w);
      j++;
    } else while (j < format.length && /\d/.test(format[j]!)) width += format[j++];
    let precision: number | undefined;
    if (format[j] === '.') {
      j++;
      if (format[j] === '*') {
        const p = int(next());
        if (p === undefined || p < 0) throw new HandlerError('syntax error');
        precision = p;
        j++;
      } else {
        let p = '';
        while (j < format.length && /\d/.test(format[j]!)) p += format[j++];
        precision = Number(p || '0');
      }
    }
    let size = '';
    while (j < format.length && 'hlLq'.includes(format[j]!)) size += format[j++];
    const conv = format[j];
    let body: string;
    if (conv === 'd' || conv === 'i' || conv === 'u' || conv === 'o' || conv === 'x' || conv === 'X') {
      let v = int(next());
      if (v === undefined) throw new HandlerError('syntax error');
      if (size === 'h') v = conv === 'd' || conv === 'i' ? ((v << 16) >> 16) : v & 0xffff;
      let digits: string;
      const neg = (conv === 'd' || conv === 'i') && v < 0;
      const mag = conv === 'd' || conv === 'i' ? Math.abs(v) : v < 0 ? Number(BigInt.asUintN(64, BigInt(v))) : v;
      if (conv === 'o') digits = mag.toString(8);
      else if (conv === 'x') digits = mag.toString(16);
      else if (conv === 'X') digits = mag.toString(16).toUpperCase();
      else digits = String(mag);
      if (precision !== undefined) digits = digits.padStart(precision, '0');
      if (flags.includes('#') && mag !== 0) digits = (conv === 'o' ? '0' : conv === 'x' ? '0x' : conv === 'X' ? '0X' : '') + digits;
      const sign = neg ? '-' : flags.includes('+') && (conv === 'd' || conv === 'i') ? '+' : flags.includes(' ') && (conv === 'd' || conv === 'i') ? ' ' : '';
      body = pad(sign, digits, width, flags, precision === undefined);
    } else if (conv === 's') {
      let s = unquote(next());
      if (precision !== undefined) s = s.slice(0, precision);
      body = pad('', s, width, flags.replace('0', ''), false);
    } else if (conv === '%') body = '%';
    else throw new HandlerError('syntax error');
    out += body;
    i = j + 1;
  }
  if (rest.trim()) throw new HandlerError('syntax error');
  return out + format.slice(i);
}

function pad(sign: string, digits: string, width: string, flags: string, zeroOk: boolean): string {
  const w = Number(width || '0');
  const len = sign.length + digits.length;
  if (len >= w) return sign + digits;
  if (flags.includes('-')) return sign + digits + ' '.repeat(w - len);
  if (flags.includes('0') && zeroOk) return sign + '0'.repeat(w - len) + digits;
  return ' '.repeat(w - len) + sign + digits;
}

function byteOrder(bits: 16 | 32): Builtin {
  return (param) => {
    const v = int(param.trim());
    if (v === undefined) throw new HandlerError('syntax error');
    if (bits === 16) return String(((v & 0xff) << 8) | ((v >> 8) & 0xff));
    const x = v >>> 0;
    return String((((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0);
  };
}

export const BUILTINS: Record<string, Builtin> = {
  add: arithmetic('add'),
  sub: arithmetic('sub'),
  min: arithmetic('min'),
  max: arithmetic('max'),
  mul: arithmetic('mul'),
  div: arithmetic('div'),
  idiv: arithmetic('idiv'),
  mod: modrem('mod'),
  rem: modrem('rem'),
  neg: negabs('neg'),
  abs: negabs('abs'),
  eq: compare('eq'),
  ne: compare('ne'),
  lt: compare('lt'),
  gt: compare('gt'),
  le: compare('le'),
  ge: compare('ge'),
  not: (param) => {
    const b = bool(param.trim());
    if (b === undefined) throw new HandlerError('syntax error');
    return unparseBool(!b);
  },
  and: logic('and'),
  or: logic('or'),
  nand: logic('nand'),
  nor: logic('nor'),
  if: (param) => {
    const [c, rest] = shiftWord(param);
    const b = bool(c);
    if (b === undefined) throw new HandlerError('syntax error');
    const [yes, rest2] = shiftWord(rest);
    return b ? yes : shiftWord(rest2)[0];
  },
  in: (param) => {
    const [first, rest] = shiftWord(param);
    const w = unquote(first);
    return unparseBool(w !== '' && words(rest).some((x) => unquote(x) === w));
  },
  first: (param) => shiftWord(param)[0],
  length: (param) => String(param.length),
  unquote: (param) => unquote(param),
  sprintf: (param) => sprintf(param),
  now: (_param, ctx) => ctx.now(),
  random: (param, ctx) => {
    const w = words(param);
    if (w.length === 0) return String(ctx.random32());
    const n1 = int(w[0]!);
    const n2 = w.length > 1 ? int(w[1]!) : undefined;
    if (n1 === undefined || n1 < 0 || w.length > 2 || (w.length === 2 && n2 === undefined)) throw new HandlerError('bad N');
    if (n2 !== undefined) {
      if (n2 < n1) throw new HandlerError('bad N');
      return String(n1 + (ctx.random32() % (n2 - n1 + 1)));
    }
    if (n1 === 0) throw new HandlerError('bad N');
    return String(ctx.random32() % n1);
  },
  htons: byteOrder(16),
  ntohs: byteOrder(16),
  htonl: byteOrder(32),
  ntohl: byteOrder(32),
  cat: (param, ctx) => ctx.readFile(unquote(param.trim())),
  catq: (param, ctx) => quote(ctx.readFile(unquote(param.trim()))),
};

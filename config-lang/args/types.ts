// Typed argument parsers in Click's conventions. Each throws an Error whose
// message says what is wrong with the text; parseArgs adds the argument name.

import { ArgType, ConfigContext } from './args.js';
import { checkHexStrings, splitWords, unquote } from './split.js';

function type<T>(description: string, parse: (text: string, ctx: ConfigContext) => T): ArgType<T> {
  return { description, parse };
}

const TRUE = new Set(['true', 'yes', '1', 't', 'y', 'on']);
const FALSE = new Set(['false', 'no', '0', 'f', 'n', 'off']);

/** Integers: decimal, `0x` hex, `0` octal, optional sign, `_` ignored between digits. */
export function parseInteger(text: string): number {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not an integer`);
  const body = m[2]!;
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (body.length > 1 && body[0] === '0') v = parseInt(body, 8);
  else v = parseInt(body, 10);
  if (!Number.isSafeInteger(v)) throw new Error(`'${text}' is out of range`);
  return m[1] === '-' ? -v : v;
}

function ranged(description: string, lo: number, hi: number): ArgType<number> {
  return type(description, (text) => {
    const v = parseInteger(text);
    if (v < lo || v > hi) throw new Error(`${v} is out of range (${lo} to ${hi})`);
    return v;
  });
}

const REAL_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseReal(text: string): number {
  const t = text.trim();
  if (!REAL_RE.test(t)) throw new Error(`'${text}' is not a number`);
  return Number(t);
}

const TIME_UNITS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  ms: 1e-3, msec: 1e-3, msecs: 1e-3,
  us: 1e-6, usec: 1e-6, usecs: 1e-6,
  ns: 1e-9, nsec: 1e-9, nsecs: 1e-9,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
};

/** Seconds (a number with an optional time unit, default seconds) → nanoseconds, exactly. */
export function parseInterval(text: string): bigint {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a time interval`);
  const unit = m[2]! === '' ? 's' : m[2]!;
  const scale = TIME_UNITS[unit];
  if (scale === undefined) throw new Error(`unknown time unit '${unit}'`);
  const ns = decimalToScaled(m[1]!, Math.round(scale * 1e9));
  if (ns < 0n) throw new Error(`negative time interval '${text}'`);
  // Intervals are 64-bit nanoseconds in the native dataplane (about 292 years): beyond, refused in both engines.
  if (ns > INTERVAL_MAX_NS) throw new Error(`time interval '${text}' out of range`);
  return ns;
}

const INTERVAL_MAX_NS = (1n << 63n) - 1n;

/** Multiply a decimal literal by an integer scale without floating-point error. */
function decimalToScaled(lit: string, scale: number): bigint {
  const neg = lit.startsWith('-');
  let s = lit.replace(/^[-+]/, '');
  let exp = 0;
  const e = s.search(/[eE]/);
  if (e >= 0) {
    exp = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  const frac = dot >= 0 ? s.slice(dot + 1) : '';
  const digits = BigInt((dot >= 0 ? s.slice(0, dot) : s) + frac || '0');
  let pow = exp - frac.length;
  let v = digits * BigInt(scale);
  // A written exponent can be any size ('1e999999999'): past these bounds the
  // value is out of any range or rounds to 0, so stop rather than loop.
  if (v === 0n) return 0n;
  if (pow > 40) return neg ? -(1n << 200n) : 1n << 200n;
  if (pow < -(v.toString().length + 2)) return 0n;
  while (pow > 0) { v *= 10n; pow--; }
  let rem = 0n;
  let div = 1n;
  while (pow < 0) { div *= 10n; pow++; }
  rem = v % div;
  v = v / div;
  if (rem * 2n >= div) v += 1n;
  return neg ? -v : v;
}

const BANDWIDTH_UNITS: Record<string, number> = {
  bps: 1 / 8, kbps: 1e3 / 8, Kbps: 1e3 / 8, mbps: 1e6 / 8, Mbps: 1e6 / 8, gbps: 1e9 / 8, Gbps: 1e9 / 8,
  Bps: 1, kBps: 1e3, KBps: 1e3, MBps: 1e6, GBps: 1e9,
  'bits/s': 1 / 8, 'kb/s': 1e3 / 8, 'Mb/s': 1e6 / 8, 'Gb/s': 1e9 / 8, 'B/s': 1, 'kB/s': 1e3, 'KB/s': 1e3, 'MB/s': 1e6, 'GB/s': 1e9,
};

/** An IPv4 address as a 32-bit unsigned integer in host order (a.b.c.d → a<<24|...). */
export function parseIPv4(text: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not an IP address`);
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = Number(m[i]);
    if (part > 255) throw new Error(`'${text}' is not an IP address`);
    v = v * 256 + part;
  }
  return v >>> 0;
}

export function formatIPv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

export interface IPPrefix {
  /** Address with host bits kept as written (Click keeps them; callers mask if needed). */
  readonly addr: number;
  readonly mask: number;
  /** Prefix length, or -1 for a non-contiguous mask. */
  readonly length: number;
}

export function maskFromLength(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

function maskLength(mask: number): number {
  for (let len = 0; len <= 32; len++) if (maskFromLength(len) === mask) return len;
  return -1;
}

/**
 * `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `10.0.0.0 255.0.0.0`, and (if
 * allowBare) a plain address meaning /32.
 */
export function parseIPPrefix(text: string, allowBare = false): IPPrefix {
  const t = text.trim();
  let addrText: string;
  let maskText: string | undefined;
  const slash = t.indexOf('/');
  if (slash >= 0) {
    addrText = t.slice(0, slash);
    maskText = t.slice(slash + 1);
  } else {
    const words = t.split(/\s+/);
    addrText = words[0]!;
    if (words.length === 2) maskText = words[1];
    else if (words.length > 2) throw new Error(`'${text}' is not an IP prefix`);
  }
  const addr = parseIPv4(addrText);
  if (maskText === undefined) {
    if (!allowBare) throw new Error(`'${text}' is not an IP prefix (write ADDR/LEN)`);
    return { addr, mask: 0xffffffff, length: 32 };
  }
  let mask: number;
  if (/^\d+$/.test(maskText)) {
    const len = Number(maskText);
    if (len > 32) throw new Error(`prefix length ${len} is out of range (0 to 32)`);
    mask = maskFromLength(len);
  } else {
    mask = parseIPv4(maskText);
  }
  return { addr, mask, length: maskLength(mask) };
}

/** `00:11:22:33:44:55` (1 or 2 hex digits per byte, `:` or `-`), or 12 hex digits. */
export function parseEther(text: string): Uint8Array {
  const t = text.trim();
  let parts = t.split(/[:-]/);
  if (parts.length === 1 && /^[0-9a-fA-F]{12}$/.test(t)) parts = t.match(/../g)!;
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{1,2}$/.test(p))) {
    throw new Error(`'${text}' is not an Ethernet address`);
  }
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function formatEther(e: Uint8Array): string {
  return Array.from(e, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Bytes of a (possibly quoted) string; characters above 255 are an error. */
export function stringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) throw new Error(`character '${s[i]}' does not fit in a byte`);
    out[i] = c;
  }
  return out;
}

/** Parse a word that names an enumeration value, case-insensitively. */
export function keywordOf<T extends string>(description: string, values: readonly T[]): ArgType<T> {
  return type(description, (text) => {
    const t = unquote(text.trim());
    const hit = values.find((v) => v.toLowerCase() === t.toLowerCase());
    if (hit === undefined) throw new Error(`'${text}' is not one of ${values.join(', ')}`);
    return hit;
  });
}

/** The typed parsers. Names follow Click's (BoolArg → T.bool, ...). */
export const T = {
  bool: type('true or false', (text) => {
    const t = text.trim().toLowerCase();
    if (TRUE.has(t)) return true;
    if (FALSE.has(t)) return false;
    throw new Error(`'${text}' is not a boolean (true/false)`);
  }),
  int: ranged('integer', -(2 ** 31), 2 ** 31 - 1),
  int64: ranged('integer', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  unsigned: ranged('unsigned integer', 0, 2 ** 32 - 1),
  unsigned64: ranged('unsigned integer', 0, Number.MAX_SAFE_INTEGER),
  byte: ranged('integer from 0 to 255', 0, 255),
  uint16: ranged('integer from 0 to 65535', 0, 65535),
  port: type('port number (0-65535)', (text) => {
    const v = parseInteger(text);
    if (v < 0 || v > 65535) throw new Error(`port ${v} is out of range (0 to 65535)`);
    return v;
  }),
  double: type('number', parseReal),
  /** Time interval in nanoseconds (bigint, exact): `10ms`, `1.5`, `2min`. */
  interval: type('time interval (e.g. 10ms)', parseInterval),
  /** Bandwidth in bytes per second: `10Mbps`, `1GBps`, `125000` (Bps). */
  bandwidth: type('bandwidth (e.g. 10Mbps)', (text) => {
    const m = /^\s*((?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z/]*)\s*$/.exec(text);
    if (!m) throw new Error(`'${text}' is not a bandwidth`);
    const unit = m[2] || 'Bps';
    const scale = BANDWIDTH_UNITS[unit];
    if (scale === undefined) throw new Error(`unknown bandwidth unit '${unit}' (use bps, Kbps, Mbps, Gbps, Bps, KBps, MBps, GBps)`);
    return Number(m[1]) * scale;
  }),
  ip: type('IP address', (text) => parseIPv4(unquote(text))),
  /** Prefix: `10.0.0.0/8` or `10.0.0.0 255.0.0.0`; a bare address is /32. */
  ipPrefix: type('IP prefix (ADDR/LEN)', (text) => parseIPPrefix(unquote(text), true)),
  ether: type('Ethernet address', (text) => parseEther(unquote(text))),
  /** A string with one level of quoting removed. */
  string: type('string', (text) => unquote(text)),
  /** A single word (no spaces after unquoting is not required; Click's WordArg). */
  word: type('word', (text) => {
    const words = splitWords(text);
    if (words.length !== 1) throw new Error(`'${text}' is not a single word`);
    return unquote(words[0]!.text);
  }),
  /** Raw bytes: quoted strings with C escapes and `\<hex>` byte strings. */
  bytes: type('data string', (text) => {
    const bad = checkHexStrings(text);
    if (bad) throw new Error(bad);
    return stringToBytes(unquote(text));
  }),
  /** The name of another element in the router. */
  element: type('element name', (text, ctx) => {
    const name = unquote(text.trim());
    if (ctx.lookupElement(name) === undefined) throw new Error(`no element named '${name}'`);
    return name;
  }),
  /** The configuration text as written, unparsed. */
  raw: type('argument', (text) => text),
};

// Click's textual forms for IPv4 addresses, prefixes and routes, as the
// routing-table elements (IPRouteTable and its subclasses) read and print
// them. Addresses are host-order numbers (a.b.c.d = a<<24 | b<<16 | c<<8 | d).
//
// Click accepts a prefix address with fewer than four parts when a mask
// follows ("18.26.4/24", "0/0"), as long as the mask covers only the parts
// written; a bare address means /32 where allowed.

import { splitWords, unquote } from '../../config-lang/args/split.js';

/** Read up to four dotted decimal parts; returns the parts and how many characters were used. */
function dottedParts(text: string): { parts: number[]; used: number } {
  const parts: number[] = [];
  let i = 0;
  while (parts.length < 4 && i < text.length && (parts.length === 0 || text[i] === '.')) {
    let j = parts.length === 0 ? i : i + 1;
    if (j >= text.length || !/[0-9]/.test(text[j]!)) break;
    let v = 0;
    while (j < text.length && /[0-9]/.test(text[j]!) && v <= 255) v = v * 10 + (text.charCodeAt(j++) - 48);
    if (v > 255) break;
    parts.push(v);
    i = j;
  }
  return { parts, used: i };
}

function fromParts(parts: number[]): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v = v * 256 + (parts[k] ?? 0);
  return v >>> 0;
}

/** A full dotted-quad address, or undefined (Click's IPAddressArg). */
export function parseClickIP(text: string): number | undefined {
  const { parts, used } = dottedParts(text);
  return parts.length === 4 && used === text.length ? fromParts(parts) : undefined;
}

export function prefixMask(len: number): number {
  return len <= 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Prefix length of a contiguous mask, or -1 (Click's mask_to_prefix_len). */
export function maskToPrefixLen(mask: number): number {
  for (let len = 0; len <= 32; len++) if (prefixMask(len) === mask >>> 0) return len;
  return -1;
}

/** `ADDR/LEN` or `ADDR/MASK`, and a bare `ADDR` (= /32) if allowBare (Click's IPPrefixArg). */
export function parseClickPrefix(text: string, allowBare: boolean): { addr: number; mask: number } | undefined {
  const slash = text.lastIndexOf('/');
  if (slash > 0 && slash + 1 < text.length) {
    const { parts, used } = dottedParts(text.slice(0, slash));
    const maskText = text.slice(slash + 1);
    let mask: number | undefined;
    if (/^[0-9]+$/.test(maskText) && Number(maskText) <= 32) mask = prefixMask(Number(maskText));
    else mask = parseClickIP(maskText);
    if (used === slash && mask !== undefined) {
      // A mask may not cover more bits than the address parts written.
      const written = prefixMask(parts.length * 8);
      if (parts.length === 4 || ((mask & written) >>> 0) === mask) return { addr: fromParts(parts), mask };
    }
  }
  if (allowBare) {
    const addr = parseClickIP(text);
    if (addr !== undefined) return { addr, mask: 0xffffffff };
  }
  return undefined;
}

export function unparseIP(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/** `ADDR/LEN`, or `ADDR/MASK` when the mask is not a prefix (Click's unparse_with_mask). */
export function unparseWithMask(addr: number, mask: number): string {
  const len = maskToPrefixLen(mask);
  return `${unparseIP(addr)}/${len >= 0 ? String(len) : unparseIP(mask)}`;
}

/** Click's IntArg for route ports and the like: optional sign, decimal/0x hex/0 octal digits. */
export function parseClickInt(text: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!;
  let v: number;
  if (/^0[xX]/.test(body)) v = parseInt(body.slice(2), 16);
  else if (body.length > 1 && body[0] === '0') v = parseInt(body, 8);
  else v = parseInt(body, 10);
  v = m[1] === '-' ? -v : v;
  return v >= -(2 ** 31) && v < 2 ** 31 ? v : undefined;
}

/** One route: destination prefix (address masked), gateway (0 = none) and output port (-1 = unspecified). */
export interface IPRoute {
  addr: number;
  mask: number;
  gw: number;
  port: number;
}

/**
 * `ADDR/MASK [GATEWAY] OUTPUT` (Click's cp_ip_route). GATEWAY may be `-`.
 * For removals the OUTPUT may be left out (port -1). Returns undefined on a
 * syntax error; the caller checks the port range.
 */
export function parseRoute(text: string, forRemoval: boolean): IPRoute | undefined {
  const words = splitWords(text).map((w) => unquote(w.text));
  const prefix = words[0] === undefined ? undefined : parseClickPrefix(words[0], true);
  if (!prefix) return undefined;
  const route: IPRoute = { addr: (prefix.addr & prefix.mask) >>> 0, mask: prefix.mask, gw: 0, port: -1 };
  let i = 1;
  const second = words[i];
  if (second === '-') i++;
  else if (second !== undefined && parseClickIP(second) !== undefined) {
    route.gw = parseClickIP(second)!;
    i++;
  }
  const portWord = words[i];
  if (portWord === undefined) {
    if (!forRemoval) return undefined;
  } else {
    const port = parseClickInt(portWord);
    if (port === undefined) return undefined;
    route.port = port;
    i++;
  }
  return i === words.length ? route : undefined;
}

/**
 * A route as Click's IPRoute::unparse prints it. With tabs (the `table`
 * handler), columns are separated by tabs, with an extra tab after short
 * prefixes (< 16 characters) and short gateways (< 8 characters).
 */
export function unparseRoute(r: IPRoute, tabs: boolean): string {
  const sep = tabs ? '\t' : ' ';
  let s = unparseWithMask(r.addr, r.mask) + sep;
  if (tabs && s.length < 17) s += '\t';
  let g = (r.gw ? unparseIP(r.gw) : '-') + sep;
  if (tabs && g.length < 9) g += '\t';
  return s + g + String(r.port);
}

// The fields of Click's IP summary dump format: how each is printed from a
// packet (ToIPSummaryDump) and how each sets up a packet when read
// (FromIPSummaryDump). A field that does not apply prints as `-`.

import { createHash } from 'node:crypto';
import { formatIPv4, parseEther, parseInteger, parseIPv4 } from '../../config-lang/args/types.js';
import { ANNO } from '../../host-engine/packet.js';
import { quote, unquote } from '../driver/script-text.js';
import { formatTimestamp, parseTimestamp, setFirstTimestampNs, setPacketTimeNs } from '../lib/click-time.js';
import { ICMP_CODE_NAMES, ICMP_TYPE_NAMES, icmpCodeValue, icmpTypeValue } from './ip-names.js';
import type { SummaryBuilder } from './ipsum-build.js';
import { MISSING_ETHERNET, MISSING_IP, SummaryDesc, TCP_OR_UDP } from './ipsum-describe.js';
import { formatIPOptions, formatTCPOptions, parseIPOptions, parseTCPOptions } from './ipsum-options.js';

/** Reading order groups (Click's field orders): annotations, link, network, transport, payload. */
const ANNO_ORDER = 100;
const LINK = 200;
const NET = 300;
const TRANSP = 400;
const PAYLOAD = 500;

export interface SummaryField {
  readonly name: string;
  /** Needs the IP/transport preparation before writing. */
  readonly ip: boolean;
  /** The text for a packet, or undefined for `-`. */
  write?(d: SummaryDesc): string | undefined;
  /** Reading: order among the line's fields, parse (undefined: bad text), and effect on the packet. */
  readonly order: number;
  parse?(text: string, b: SummaryBuilder): unknown;
  inject?(b: SummaryBuilder, value: unknown): void;
}

const num = (text: string, max = 0xffffffff): number | undefined => {
  try {
    const v = parseInteger(text);
    return v >= 0 && v <= max ? v : undefined;
  } catch {
    return undefined;
  }
};

const TCP_FLAGS = 'FSRPAUECN';
const FLAG_LETTERS: Record<string, number> = { F: 0, S: 1, R: 2, P: 3, A: 4, U: 5, E: 6, C: 7, W: 7, X: 6, Y: 7, N: 8 };

function formatTCPFlags(v: number): string {
  if (v === 0x18) return 'PA';
  if (v === 0x10) return 'A';
  if (v === 0) return '.';
  let s = '';
  for (let i = 0; i < 9; i++) if (v & (1 << i)) s += TCP_FLAGS[i];
  return s;
}

function parseTCPFlags(text: string): number | undefined {
  if (text === '.') return 0;
  if (/^\d/.test(text)) return num(text, 0xfff);
  let v = 0;
  for (const c of text) {
    const bit = FLAG_LETTERS[c];
    if (bit === undefined) return undefined;
    v |= 1 << bit;
  }
  return text ? v : undefined;
}

/** Where the payload starts and how long it is (Click's payload_info). */
function payloadInfo(d: SummaryDesc): { off: number; len: number } {
  if (d.net === undefined) return { off: 0, len: d.length };
  let len = d.u16(d.net + 2);
  let off = d.trans ?? d.net + d.ipHL;
  if (d.firstFrag) {
    const proto = d.ipProto;
    if (proto === 6) off += d.transportLength >= 13 && (d.u8(off + 12) >> 4) << 2 >= 20 ? (d.u8(off + 12) >> 4) << 2 : 20;
    else if (proto === 17 || proto === 136) off += 8;
  }
  len -= off - d.net;
  return { off, len };
}

function payloadBytes(d: SummaryDesc): Uint8Array | undefined {
  const { off, len } = payloadInfo(d);
  if (!(len === 0 || off < d.d.length)) return undefined;
  return d.d.subarray(off, Math.min(off + Math.max(len, 0), d.length));
}

const hasPorts = (proto: number) => proto === 6 || proto === 17 || proto === 33 || proto === 136;

/** The link header: at the MAC annotation, or at the data start when the IP header is later. */
function macOffset(d: SummaryDesc): number | undefined {
  const mac = d.p.macHeaderOffset;
  const network = d.p.networkHeaderOffset ?? d.d.length;
  const at = mac ?? (d.p.networkHeaderOffset === undefined || network > 0 ? 0 : undefined);
  return at !== undefined && at + 14 === network ? at : undefined;
}

function ipField(name: string, need: number, get: (d: SummaryDesc, net: number) => string, order = NET): Omit<SummaryField, 'parse' | 'inject'> {
  return {
    name,
    ip: true,
    order,
    write: (d) => (d.net === undefined || d.networkLength < need ? d.missing(MISSING_IP, need) : get(d, d.net)),
  };
}

function withReader(field: Omit<SummaryField, 'parse' | 'inject'>, parse: SummaryField['parse'], inject: SummaryField['inject']): SummaryField {
  return { ...field, parse, inject };
}

/** Readers that set an IP header field. */
function ipInject(set: (b: SummaryBuilder, net: number, v: number) => void): SummaryField['inject'] {
  return (b, v) => {
    if (b.makeIP(0)) set(b, b.net!, v as number);
  };
}

function tcpField(name: string, need: number, get: (d: SummaryDesc, t: number) => string, set?: (b: SummaryBuilder, t: number, v: number) => void, parse: (t: string) => number | undefined = (t) => num(t), order = TRANSP): SummaryField {
  return {
    name,
    ip: true,
    order,
    write: (d) => (!d.tcp || d.transportLength < need ? d.missing(6, need) : get(d, d.trans!)),
    parse: set ? (t) => parse(t) : undefined,
    inject: set
      ? (b, v) => {
          if (b.makeIP(6) && b.makeTransp() && b.u8(b.net! + 9) === 6) set(b, b.trans!, v as number);
        }
      : undefined,
  };
}

function icmpFlow(d: SummaryDesc): boolean {
  const type = d.u8(d.trans!);
  return type < 32 && ((1 << type) & ((1 << 8) | (1 << 0) | (1 << 15) | (1 << 16) | (1 << 13) | (1 << 14))) !== 0;
}

function icmpField(name: string, need: number, get: (d: SummaryDesc, t: number) => string | undefined, inject?: SummaryField['inject'], parse?: SummaryField['parse']): SummaryField {
  return {
    name,
    ip: true,
    order: TRANSP + (name.startsWith('icmp_code') ? 1 : name === 'icmp_type' || name === 'icmp_type_name' ? 0 : 2),
    write: (d) => (!d.icmp || d.transportLength < need ? d.missing(1, need) : get(d, d.trans!)),
    parse,
    inject,
  };
}

function icmpInject(b: SummaryBuilder, set: (t: number) => void, minLen: number): void {
  if (!b.makeIP(1) || !b.makeTransp()) return;
  if (b.transportLength < minLen) b.grow(minLen - b.transportLength);
  set(b.trans!);
}

const annoTime = (d: SummaryDesc, off: number) => formatTimestamp(d.p.annoU32(off), d.p.annoU32(off + 4));

/** Nanoseconds a packet time may hold (a signed 64-bit count, as the native engine's). */
const MAX_TIME_NS = 2n ** 63n - 1n;

/** A time whose nanoseconds fit MAX_TIME_NS either way; beyond, a parse error (ipb_timestamp in ipsum-build.h). */
function timeParse(text: string): bigint | undefined {
  const ns = parseTimestamp(text);
  return ns === undefined || ns > MAX_TIME_NS || ns < -MAX_TIME_NS ? undefined : ns;
}

const FIELDS: SummaryField[] = [
  // annotations
  {
    name: 'timestamp', ip: false, order: ANNO_ORDER,
    write: (d) => formatTimestamp(d.p.tsSec, d.p.tsNsec),
    parse: timeParse,
    inject: (b, v) => setPacketTimeNs(b.p, v as bigint),
  },
  { name: 'ts_sec', ip: false, order: ANNO_ORDER, write: (d) => String(d.p.tsSec), parse: (t) => num(t), inject: (b, v) => void (b.p.tsSec = v as number) },
  { name: 'ts_usec', ip: false, order: ANNO_ORDER, write: (d) => String(Math.floor(d.p.tsNsec / 1000)), parse: (t) => num(t, 999999), inject: (b, v) => void (b.p.tsNsec = (v as number) * 1000) },
  {
    name: 'ts_usec1', ip: false, order: ANNO_ORDER,
    write: (d) => String(BigInt(d.p.tsSec) * 1_000_000n + BigInt(Math.floor(d.p.tsNsec / 1000))),
    parse: (t) => (/^\d+$/.test(t) && BigInt(t) * 1000n <= MAX_TIME_NS ? BigInt(t) : undefined),
    inject: (b, v) => {
      const us = v as bigint;
      b.p.tsSec = Number(us / 1_000_000n);
      b.p.tsNsec = Number(us % 1_000_000n) * 1000;
    },
  },
  {
    name: 'first_timestamp', ip: false, order: ANNO_ORDER,
    write: (d) => annoTime(d, ANNO.FIRST_TIMESTAMP),
    parse: timeParse,
    inject: (b, v) => setFirstTimestampNs(b.p, v as bigint),
  },
  { name: 'count', ip: false, order: ANNO_ORDER, write: (d) => String(1 + d.p.annoU32(ANNO.EXTRA_PACKETS)), parse: (t) => num(t), inject: (b, v) => b.p.setAnnoU32(ANNO.EXTRA_PACKETS, Math.max(0, (v as number) - 1)) },
  { name: 'link', ip: false, order: ANNO_ORDER, write: (d) => String(d.p.paint), parse: (t) => (t === '>' ? 0 : t === '<' ? 1 : num(t, 255)), inject: (b, v) => void (b.p.paint = v as number) },
  { name: 'paint', ip: false, order: ANNO_ORDER, write: (d) => String(d.p.paint), parse: (t) => (t === '>' ? 0 : t === '<' ? 1 : num(t, 255)), inject: (b, v) => void (b.p.paint = v as number) },
  {
    name: 'direction', ip: false, order: ANNO_ORDER,
    write: (d) => (d.p.paint === 0 ? '>' : d.p.paint === 1 ? '<' : String(d.p.paint)),
    parse: (t) => (t === '>' ? 0 : t === '<' ? 1 : num(t, 255)),
    inject: (b, v) => void (b.p.paint = v as number),
  },
  { name: 'aggregate', ip: false, order: ANNO_ORDER, write: (d) => String(d.p.annoU32(ANNO.AGGREGATE)), parse: (t) => num(t), inject: (b, v) => b.p.setAnnoU32(ANNO.AGGREGATE, v as number) },
  { name: 'wire_len', ip: false, order: ANNO_ORDER, write: (d) => String(d.p.length), parse: (t) => num(t), inject: (b, v) => void (b.wantLen = v as number) },

  // link
  ...(['eth_src', 'eth_dst'] as const).map((name): SummaryField => ({
    name, ip: false, order: LINK,
    write: (d) => {
      const mac = macOffset(d);
      if (mac === undefined) return d.missing(MISSING_ETHERNET, 0);
      const at = mac + (name === 'eth_src' ? 6 : 0);
      return Array.from(d.d.subarray(at, at + 6), (x) => x.toString(16).toUpperCase().padStart(2, '0')).join('-');
    },
    parse: (t) => {
      try {
        return parseEther(t);
      } catch {
        return undefined;
      }
    },
    inject: (b, v) => {
      ensureEther(b);
      b.p.writable().set(v as Uint8Array, name === 'eth_src' ? 6 : 0);
    },
  })),
  {
    name: 'eth_type', ip: false, order: LINK,
    write: (d) => {
      const mac = macOffset(d);
      return mac === undefined ? d.missing(MISSING_ETHERNET, 0) : d.u16(mac + 12).toString(16).toUpperCase().padStart(4, '0');
    },
    parse: (t) => (/^[0-9a-fA-F]{1,4}$/.test(t) ? parseInt(t, 16) : undefined),
    inject: (b, v) => {
      ensureEther(b);
      b.set16(12, v as number);
      if (v !== 0x0800 && v !== 0x86dd) b.isIP = false;
    },
  },

  // IP header
  withReader(ipField('ip_src', 16, (d, n) => formatIPv4(d.u32(n + 12))), parseAddr, ipInject((b, n, v) => b.set32(n + 12, v))),
  withReader(ipField('ip_dst', 20, (d, n) => formatIPv4(d.u32(n + 16))), parseAddr, ipInject((b, n, v) => b.set32(n + 16, v))),
  withReader(ipField('ip_tos', 2, (d, n) => String(d.u8(n + 1))), (t) => num(t, 255), ipInject((b, n, v) => b.set8(n + 1, v))),
  withReader(ipField('ip_dscp', 2, (d, n) => String(d.u8(n + 1) >> 2)), (t) => num(t, 255), ipInject((b, n, v) => b.set8(n + 1, (b.u8(n + 1) & 3) | ((v << 2) & 0xfc)))),
  withReader(
    ipField('ip_ecn', 2, (d, n) => ['no', 'ect1', 'ect2', 'ce'][d.u8(n + 1) & 3]!),
    (t) => ({ no: 0, '-': 0, ect1: 1, 'ECT(1)': 1, ect2: 2, 'ECT(0)': 2, ce: 3, CE: 3 } as Record<string, number>)[t] ?? (/^[0-3]$/.test(t) ? Number(t) : undefined),
    ipInject((b, n, v) => b.set8(n + 1, (b.u8(n + 1) & 0xfc) | (v & 3))),
  ),
  withReader(ipField('ip_ttl', 9, (d, n) => String(d.u8(n + 8))), (t) => num(t, 255), ipInject((b, n, v) => b.set8(n + 8, v))),
  withReader(
    ipField('ip_frag', 8, (d, n) => {
      const off = d.u16(n + 6);
      if (off & 0x3fff) return off & 0x1fff ? 'f' : 'F';
      return off & 0x4000 ? '!' : '.';
    }, NET - 2),
    parseFragment,
    ipInject((b, n, v) => b.set16(n + 6, v)),
  ),
  withReader(
    ipField('ip_fragoff', 8, (d, n) => {
      const off = d.u16(n + 6);
      return `${(off & 0x1fff) << 3}${off & 0x2000 ? '+' : ''}${off & 0x4000 ? '!' : ''}`;
    }, NET - 1),
    parseFragment,
    ipInject((b, n, v) => b.set16(n + 6, v)),
  ),
  withReader(ipField('ip_id', 6, (d, n) => String(d.u16(n + 4))), (t) => num(t, 0xffff), ipInject((b, n, v) => b.set16(n + 4, v))),
  withReader(ipField('ip_sum', 12, (d, n) => String(d.u16(n + 10)), NET + 2), (t) => num(t, 0xffff), ipInject((b, n, v) => b.set16(n + 10, v))),
  withReader(
    ipField('ip_proto', 10, (d, n) => ({ 6: 'T', 17: 'U', 1: 'I' } as Record<number, string>)[d.u8(n + 9)] ?? String(d.u8(n + 9))),
    (t) => (t === 'T' ? 6 : t === 'U' ? 17 : t === 'I' ? 1 : num(t, 255)),
    ipInject((b, n, v) => b.set8(n + 9, v)),
  ),
  withReader(
    ipField('ip_hl', 1, (d) => String(d.ipHL), NET - 1),
    (t) => num(t, 60),
    (b, v) => {
      if (!b.makeIP(0)) return;
      b.haveIpHL = true;
      b.setIPHeaderLength(((v as number) + 3) & ~3);
    },
  ),
  {
    name: 'ip_len', ip: true, order: NET + 1,
    write: (d) => String((d.net !== undefined ? d.u16(d.net + 2) : d.length) + (d.forceExtraLength ? d.extra : 0)),
    parse: (t) => num(t),
    inject: (b, v) => {
      if (b.makeIP(0)) b.wantLen = b.net! + (v as number);
    },
  },
  {
    name: 'ip_capture_len', ip: true, order: PAYLOAD + 2,
    write: (d) => {
      const allow = d.net !== undefined ? d.networkLength : d.length;
      const len = d.net !== undefined ? d.u16(d.net + 2) : allow;
      return String(Math.min(len, allow));
    },
    parse: (t) => num(t),
    inject: () => {},
  },
  {
    name: 'ip_opt', ip: true, order: NET,
    write: (d) => {
      if (d.net === undefined) return d.missing(MISSING_IP, 20);
      const hl = d.ipHL;
      if (hl > 20 && d.networkLength < hl) return d.missing(MISSING_IP, hl);
      return hl <= 20 ? '.' : formatIPOptions(d.d.subarray(d.net + 20, d.net + hl));
    },
    parse: (t) => parseIPOptions(t),
    inject: (b, v) => {
      if (!b.makeIP(0)) return;
      b.haveIpHL = true;
      const opts = v as Uint8Array | null;
      if (!opts) return;
      // As Click: the header grows to hold the options, which overwrite what
      // follows the fixed header; EOL bytes after them, as many as Click writes.
      const net = b.net!;
      const hl = (20 + opts.length + 3) & ~3;
      if (b.networkLength < hl) b.grow(hl - b.networkLength);
      if (hl > (b.u8(net) & 15) << 2) {
        b.p.setNetworkHeader(net, hl);
        b.set8(net, (b.u8(net) & 0xf0) | (hl >> 2));
      }
      const w = b.p.writable();
      w.set(opts, net + 20);
      w.fill(0, net + 20 + opts.length, net + 20 + hl);
    },
  },

  // ports
  ...(['sport', 'dport'] as const).map((name): SummaryField => ({
    name, ip: true, order: TRANSP,
    write: (d) => {
      const need = name === 'dport' ? 4 : 2;
      if (d.net !== undefined && d.trans !== undefined && d.networkLength > d.ipHL && d.firstFrag && hasPorts(d.ipProto) && d.transportLength >= need) return String(d.u16(d.trans + need - 2));
      return d.missing(TCP_OR_UDP, need);
    },
    parse: (t) => num(t, 0xffff),
    inject: (b, v) => {
      if (!b.makeIP(0) || !b.makeTransp()) return;
      const proto = b.u8(b.net! + 9);
      if (proto && !hasPorts(proto)) return;
      b.set16(b.trans! + (name === 'sport' ? 0 : 2), v as number);
    },
  })),

  // TCP
  tcpField('tcp_seq', 8, (d, t) => String(d.u32(t + 4)), (b, t, v) => b.set32(t + 4, v)),
  tcpField('tcp_ack', 12, (d, t) => String(d.u32(t + 8)), (b, t, v) => b.set32(t + 8, v)),
  tcpField('tcp_off', 13, (d, t) => String((d.u8(t + 12) >> 4) << 2), (b, _t, v) => {
    b.haveTcpHL = true;
    b.setTCPHeaderLength(Math.min(60, (v + 3) & ~3));
  }, (t) => num(t, 60), TRANSP - 1),
  tcpField('tcp_flags', 14, (d, t) => formatTCPFlags(d.u8(t + 13) | ((d.u8(t + 12) & 15) << 8)), (b, t, v) => {
    b.set8(t + 13, v & 255);
    b.set8(t + 12, (b.u8(t + 12) & 0xf0) | ((v >> 8) & 15));
  }, parseTCPFlags),
  tcpField('tcp_window', 16, (d, t) => String(d.u16(t + 14)), (b, t, v) => b.set16(t + 14, v), (t) => num(t, 0xffff)),
  tcpField('tcp_urp', 20, (d, t) => String(d.u16(t + 18)), (b, t, v) => b.set16(t + 18, v), (t) => num(t, 0xffff)),
  ...([['tcp_opt', 'all', 3], ['tcp_ntopt', 'nontimestamp', 2], ['tcp_sack', 'sack', 1]] as const).map(([name, which, extraOrder]): SummaryField => ({
    name, ip: true, order: TRANSP + extraOrder,
    write: (d) => {
      const tl = d.transportLength;
      if (!d.tcp || tl < 13) return d.missing(6, tl + 1);
      const off = (d.u8(d.trans! + 12) >> 4) << 2;
      if (off <= 20) return '.';
      if (which !== 'all' && off === 32 && tl >= 24 && d.u32(d.trans! + 20) === 0x0101080a) return '.';
      if (tl < off) return d.missing(6, tl + 1);
      return formatTCPOptions(d.d.subarray(d.trans! + 20, d.trans! + off), which);
    },
    parse: (t) => parseTCPOptions(t),
    inject: (b, v) => {
      const opts = v as Uint8Array;
      if (!b.makeIP(6) || !b.makeTransp() || b.u8(b.net! + 9) !== 6) return;
      b.haveTcpHL = true;
      if (opts.length === 0) return;
      const off = (20 + opts.length + 3) & ~3;
      const t = b.trans!;
      if (b.transportLength < off) b.grow(off - b.transportLength);
      if (off > (b.u8(t + 12) >> 4) << 2) b.set8(t + 12, (b.u8(t + 12) & 15) | ((off >> 2) << 4));
      b.p.writable().set(opts, t + 20);
    },
  })),

  // UDP
  {
    name: 'udp_len', ip: true, order: TRANSP,
    write: (d) => (!d.udp || d.transportLength < 6 ? d.missing(17, 6) : String(d.u16(d.trans! + 4))),
    parse: (t) => num(t, 0xffff),
    inject: (b, v) => {
      if (!b.makeIP(0) || !b.makeTransp()) return;
      const proto = b.u8(b.net! + 9);
      if (proto && proto !== 17 && proto !== 136) return;
      if (b.transportLength < 8) b.grow(8 - b.transportLength);
      b.set16(b.trans! + 4, v as number);
    },
  },

  // ICMP
  icmpField('icmp_type', 1, (d, t) => String(d.u8(t)), (b, v) => {
    b.haveIcmpType = true;
    icmpInject(b, (t) => b.set8(t, v as number), 8);
  }, (t) => icmpTypeValue(t)),
  icmpField('icmp_type_name', 1, (d, t) => ICMP_TYPE_NAMES[d.u8(t)] ?? String(d.u8(t)), (b, v) => {
    b.haveIcmpType = true;
    icmpInject(b, (t) => b.set8(t, v as number), 8);
  }, (t) => icmpTypeValue(t)),
  icmpField('icmp_code', 2, (d, t) => String(d.u8(t + 1)), (b, v) => {
    b.haveIcmpCode = true;
    icmpInject(b, (t) => b.set8(t + 1, v as number), 8);
  }, (t, b) => icmpCodeValue(b.haveIcmpType && b.trans !== undefined ? b.u8(b.trans) : undefined, t)),
  icmpField('icmp_code_name', 2, (d, t) => ICMP_CODE_NAMES[d.u8(t)]?.[d.u8(t + 1)] ?? String(d.u8(t + 1)), (b, v) => {
    b.haveIcmpCode = true;
    icmpInject(b, (t) => b.set8(t + 1, v as number), 8);
  }, (t, b) => icmpCodeValue(b.haveIcmpType && b.trans !== undefined ? b.u8(b.trans) : undefined, t)),
  icmpField('icmp_flowid', 6, (d, t) => (icmpFlow(d) ? String(d.u16(t + 4)) : undefined), (b, v) => icmpInject(b, (t) => b.set16(t + 4, v as number), 8), (t) => num(t, 0xffff)),
  icmpField('icmp_seq', 8, (d, t) => (icmpFlow(d) ? String(d.u16(t + 6)) : undefined), (b, v) => icmpInject(b, (t) => b.set16(t + 6, v as number), 8), (t) => num(t, 0xffff)),
  icmpField('icmp_nextmtu', 8, (d, t) => (d.u8(t) === 3 && d.u8(t + 1) === 4 ? String(d.u16(t + 6)) : undefined), (b, v) => icmpInject(b, (t) => b.set16(t + 6, v as number), 8), (t) => num(t, 0xffff)),

  // payload
  {
    name: 'payload_len', ip: true, order: PAYLOAD + 1,
    write: (d) => {
      const { len } = payloadInfo(d);
      return String(len + (d.net === undefined || d.forceExtraLength ? d.extra : 0));
    },
    parse: (t) => num(t),
    inject: (b, v) => {
      if (b.makeIP(0)) b.makeTransp();
      const off = builderPayloadOffset(b);
      if (!b.isIP || (b.u16(b.net! + 2) === 0 && b.wantLen === 0)) b.wantLen = off + (v as number);
    },
  },
  {
    name: 'payload', ip: true, order: PAYLOAD,
    write: (d) => {
      const bytes = payloadBytes(d);
      return bytes === undefined ? undefined : quote(String.fromCharCode(...bytes));
    },
    parse: (t) => {
      // A quoted string, or (as Click's cp_string takes it) a bare word.
      if (/^[^\t\n\v\f\r "']+$/.test(t)) return Uint8Array.from(t, (c) => c.charCodeAt(0) & 255);
      if (!/^".*"$/s.test(t)) return undefined;
      return Uint8Array.from(unquote(t), (c) => c.charCodeAt(0) & 255);
    },
    inject: (b, v) => {
      if (b.makeIP(0)) b.makeTransp();
      const data = v as Uint8Array;
      if (data.length === 0) return;
      const off = builderPayloadOffset(b);
      if (!b.isIP || (b.u16(b.net! + 2) === 0 && b.wantLen === 0)) b.wantLen = off + data.length;
      if (b.p.length < off + data.length) b.grow(off + data.length - b.p.length);
      b.p.writable().set(data, off);
    },
  },
  {
    name: 'payload_md5_hex', ip: true, order: PAYLOAD,
    write: (d) => {
      const bytes = payloadBytes(d);
      return bytes === undefined ? undefined : createHash('md5').update(bytes).digest('hex');
    },
  },
];

function ensureEther(b: SummaryBuilder): void {
  if (b.p.macHeaderOffset !== undefined) return;
  b.p.push(14);
  b.p.setMacHeader(0);
  b.p.setNetworkHeader(14, 0);
  b.p.writable().fill(0, 0, 14);
  b.set16(12, 0x0800);
}

function builderPayloadOffset(b: SummaryBuilder): number {
  if (!b.isIP || b.net === undefined) return 0;
  let off = b.trans ?? b.net + 20;
  if (b.firstFrag) {
    const proto = b.u8(b.net + 9);
    if (proto === 6) off += b.transportLength >= 13 && (b.u8(off + 12) >> 4) >= 5 ? (b.u8(off + 12) >> 4) << 2 : 20;
    else if (proto === 17 || proto === 136) off += 8;
  }
  return off;
}

function parseAddr(t: string): number | undefined {
  try {
    return parseIPv4(t);
  } catch {
    return undefined;
  }
}

function parseFragment(t: string, b: SummaryBuilder): number | undefined {
  if (t === '.') return 0;
  if (t === '!') return 0x4000;
  if (t === 'F') return 0x2000;
  if (t === 'f') return 100;
  const m = /^(\d+)([+!]*)$/.exec(t);
  if (!m) return undefined;
  let v = Number(m[1]);
  if (b.minorVersion > 0) v >>= 3;
  for (const c of m[2]!) v |= c === '!' ? 0x4000 : 0x2000;
  return v;
}

const SYNONYMS: Record<string, string> = {
  length: 'ip_len', ip_p: 'ip_proto', utimestamp: 'timestamp', ntimestamp: 'timestamp', ts: 'timestamp', sec: 'ts_sec', usec: 'ts_usec',
  usec1: 'ts_usec1', first_utimestamp: 'first_timestamp', first_ntimestamp: 'first_timestamp', first_ts: 'first_timestamp',
  pkt_count: 'count', packet_count: 'count', agg: 'aggregate', wire_length: 'wire_len', tcp_seqno: 'tcp_seq',
  tcp_ackno: 'tcp_ack', tcp_win: 'tcp_window', payload_length: 'payload_len', ether_src: 'eth_src',
  ether_dst: 'eth_dst', ether_type: 'eth_type',
};

const BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));

/**
 * A field by any of its names: synonyms, spaces for underscores, and a
 * missing `ip_` prefix (`src` is `ip_src`), as Click looks them up.
 */
export function findField(name: string): SummaryField | undefined {
  const direct = BY_NAME.get(SYNONYMS[name] ?? name);
  if (direct) return direct;
  if (name.includes(' ')) return findField(name.replace(' ', '_'));
  if (!name.includes('_') && name) return findField(`ip_${name}`);
  return undefined;
}

/**
 * IPPrint — print a tcpdump-like line per IP packet on standard error.
 *
 * Synopsis:   IPPrint([LABEL, KEYWORDS])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: for packets with a network header annotation (CheckIPHeader or MarkIPHeader
 *             upstream), prints `[LABEL: ][TIMESTAMP: ][#AGG][.PAINT: ][id N ][ttl N ]
 *             [tos N ][length N ]SUMMARY[ (frag ID:LEN@OFF[+])][ DATA]`, where SUMMARY is
 *             `SRC.SPORT > DST.DPORT: FLAGS SEQ:END(LEN,PKTLEN,IPLEN) ack N win N` for TCP,
 *             `SRC.SPORT > DST.DPORT: udp ULEN` for UDP, `SRC > DST: icmp ...` for ICMP,
 *             `SRC > DST: ip-proto-N` otherwise, `truncated-ip` for a short header. Packets
 *             pass on unchanged; packets without a network header are not printed.
 * Keywords:
 *   CONTENTS   print the packet data: false (default), hex or ascii, 24 hex / 48 ASCII bytes per line
 *   PAYLOAD    like CONTENTS but only the data after the TCP/UDP header (excludes CONTENTS)
 *   MAXLENGTH  data bytes printed (default 1500; NBYTES is the old name)
 *   ID, TTL, TOS, LENGTH   print those IP fields (default false)
 *   TIMESTAMP  print the timestamp (default true)
 *   PAINT, AGGREGATE       print those annotations (default false)
 *   SWAP       print ICMP echo id and sequence in network byte order (default true)
 *   ACTIVE     print only while true (default true)
 *   OUTFILE    write the lines to this file instead of standard error
 *   CHANNEL    accepted; lines always go to standard error
 * Handlers:   active (r/w).
 * Malformed packets: every field is read only if the packet holds it; short headers print
 * as Click's `truncated-...` forms.
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { formatIPv4, T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import { ANNO, type Packet, type PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { formatTimestamp } from '../lib/click-time.js';
import { fileErrorText } from './file-errors.js';
import { handlerBool } from '../lib/handler-values.js';
import { ICMP_CODE_NAMES, ICMP_TYPE_NAMES, IP_PROTO_NAMES } from './ip-names.js';
import { parseContents, type Contents } from './print.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export interface IPPrintConf {
  label: string;
  contents: Contents;
  payload: boolean;
  maxLength: number;
  id: boolean;
  timestamp: boolean;
  paint: boolean;
  tos: boolean;
  ttl: boolean;
  swap: boolean;
  length: boolean;
  aggregate: boolean;
  active: boolean;
  outfile: string | undefined;
}

/** A view of the packet's IP header and what follows, all reads bounds-checked. */
class IPView {
  constructor(
    readonly d: Uint8Array,
    readonly net: number,
  ) {}
  u8(o: number): number {
    return this.d[this.net + o] ?? 0;
  }
  u16(o: number): number {
    return (this.u8(o) << 8) | this.u8(o + 1);
  }
  u32(o: number): number {
    return ((this.u8(o) << 24) | (this.u8(o + 1) << 16) | (this.u8(o + 2) << 8) | this.u8(o + 3)) >>> 0;
  }
  addr(o: number): string {
    return formatIPv4(this.u32(o));
  }
}

export class IPPrintElement extends HostElement<IPPrintConf> {
  active = this.conf.active;
  private fd = -1;

  override initialize(): void {
    if (this.conf.outfile !== undefined) {
      try {
        this.fd = openSync(this.env.resolvePath(this.conf.outfile), 'w');
      } catch (e) {
        throw new Error(`${this.conf.outfile}: ${fileErrorText(e)}`);
      }
    }
  }

  override cleanup(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The text for one packet, or undefined if it is not printed (no network header). */
  text(p: Packet): string | undefined {
    const net = p.networkHeaderOffset;
    if (net === undefined || net < 0) return undefined;
    const c = this.conf;
    let s = '';
    if (c.label) s += `${c.label}: `;
    if (c.timestamp) s += `${formatTimestamp(p.tsSec, p.tsNsec)}: `;
    if (c.aggregate) s += `#${p.annoU32(ANNO.AGGREGATE)}`;
    if (c.paint) s += `${c.aggregate ? '.' : 'paint '}${p.paint}`;
    if (c.aggregate || c.paint) s += ': ';
    const networkLength = p.length - net;
    if (networkLength < 20) return s + 'truncated-ip';

    const ip = new IPView(p.data, net);
    const ipLen = ip.u16(2);
    const hl = (ip.u8(0) & 15) << 2;
    const payloadLen = ipLen - hl;
    const trans = p.transportHeaderOffset ?? net + hl;
    let transportLength = p.length - trans;
    if (transportLength > payloadLen) transportLength = payloadLen;
    const off = ip.u16(6);
    const firstFrag = (off & 0x1fff) === 0;
    const proto = ip.u8(9);

    if (c.id) s += `id ${ip.u16(4)} `;
    if (c.ttl) s += `ttl ${ip.u8(8)} `;
    if (c.tos) s += `tos ${ip.u8(1)} `;
    if (c.length) s += `length ${ipLen} `;

    const tp = new IPView(p.data, trans);
    const pair = `${ip.addr(12)} > ${ip.addr(16)}`;
    if (proto === 6) s += this.tcp(ip, tp, pair, transportLength, firstFrag, ipLen, hl, p.length);
    else if (proto === 17) s += this.udp(ip, tp, pair, transportLength, firstFrag);
    else if (proto === 1) s += this.icmp(tp, pair, transportLength, firstFrag);
    else s += `${pair}: ip-proto-${proto}`;

    if (off & 0x3fff) s += ` (frag ${ip.u16(4)}:${payloadLen}@${(off & 0x1fff) << 3}${off & 0x2000 ? '+' : ''})`;
    if (c.contents !== 'none') s += this.data(p, trans, firstFrag, proto, tp);
    return s;
  }

  private tcp(ip: IPView, tp: IPView, pair: string, tl: number, firstFrag: boolean, ipLen: number, hl: number, pktLen: number): string {
    if (tl < 4 || !firstFrag) return `${pair}${firstFrag ? ': truncated-tcp' : ': tcp'}`;
    let s = `${ip.addr(12)}.${tp.u16(0)} > ${ip.addr(16)}.${tp.u16(2)}: `;
    if (tl < 14) return s + 'truncated-tcp';
    const flags = tp.u8(13);
    let seqlen = ipLen - hl - ((tp.u8(12) >> 4) << 2);
    if (flags & 2) (s += 'S'), seqlen++;
    if (flags & 1) (s += 'F'), seqlen++;
    if (flags & 4) s += 'R';
    if (flags & 8) s += 'P';
    if (!(flags & 15)) s += '.';
    const seq = tp.u32(4);
    s += ` ${seq}:${(seq + seqlen) >>> 0}(${seqlen},${pktLen},${ipLen})`;
    if (flags & 16) s += ` ack ${tp.u32(8)}`;
    if (tl < 16) return s + 'truncated-tcp';
    return s + ` win ${tp.u16(14)}`;
  }

  private udp(ip: IPView, tp: IPView, pair: string, tl: number, firstFrag: boolean): string {
    if (tl < 4 || !firstFrag) return `${pair}${firstFrag ? ': truncated-udp' : ': udp'}`;
    const s = `${ip.addr(12)}.${tp.u16(0)} > ${ip.addr(16)}.${tp.u16(2)}: `;
    return tl < 8 ? s + 'truncated-udp' : s + `udp ${tp.u16(4)}`;
  }

  private icmp(tp: IPView, pair: string, tl: number, firstFrag: boolean): string {
    let s = `${pair}: `;
    if (!firstFrag) return s + 'icmp';
    if (tl < 2) return s + 'truncated-icmp';
    const type = tp.u8(0);
    const code = tp.u8(1);
    const swap = (v: number) => (this.conf.swap ? v : ((v & 255) << 8) | (v >> 8));
    switch (type) {
      case 0:
      case 8:
        s += type === 0 ? 'icmp echo-reply ' : 'icmp echo ';
        if (tl < 8) return s + 'truncated-icmp';
        return s + `(${swap(tp.u16(4))}, ${swap(tp.u16(6))})`;
      case 3: {
        const codeName = ICMP_CODE_NAMES[3]![code] ?? `code ${code}`;
        const innerLen = tl - 8;
        if (innerLen < 20) return s + `icmp unreachable ${codeName} truncated-icmp`;
        const inner = new IPView(tp.d, tp.net + 8);
        const innerProto = inner.u8(9);
        const innerHl = (inner.u8(0) & 15) << 2;
        s += `icmp ${inner.addr(16)} unreachable ${codeName}`;
        if (code === 2) s += ` ${IP_PROTO_NAMES[innerProto] ?? String(innerProto)}`;
        else if (code === 3) {
          s += ` ${IP_PROTO_NAMES[innerProto] ?? `protocol ${innerProto}`}`;
          if (innerLen - innerHl < 4) return s + 'truncated-icmp';
          s += `/${inner.u16(innerHl + 2)}`;
        } else if (code === 4) {
          const mtu = tp.u16(6);
          if (mtu) s += ` (mtu ${mtu})`;
        }
        return s;
      }
      default: {
        s += `icmp ${ICMP_TYPE_NAMES[type] ?? `type ${type}`}`;
        const codeName = ICMP_CODE_NAMES[type]?.[code];
        if (codeName) s += ` ${codeName}`;
        else if (code) s += ` code ${code}`;
        return s;
      }
    }
  }

  private data(p: Packet, trans: number, firstFrag: boolean, proto: number, tp: IPView): string {
    let start = 0;
    if (this.conf.payload) {
      if (firstFrag && proto === 6) start = trans + ((tp.u8(12) >> 4) << 2);
      else if (firstFrag && proto === 17) start = trans + 8;
      else start = trans;
    }
    const d = p.data;
    let bytes = this.conf.maxLength;
    if (start >= d.length) bytes = 0;
    else if (bytes < 0 || d.length - start < bytes) bytes = d.length - start;
    let s = '';
    if (this.conf.contents === 'hex') {
      for (let i = 0; i < bytes; i++) s += (i % 24 === 0 ? '\n  ' : i % 4 === 0 ? ' ' : '') + HEX[d[start + i]!];
    } else {
      for (let i = 0; i < bytes; i++) {
        const b = d[start + i]!;
        s += (i % 48 === 0 ? '\n  ' : i % 8 === 0 ? ' ' : '') + (b < 32 || b > 126 ? '.' : String.fromCharCode(b));
      }
    }
    return s;
  }

  private print(batch: PacketBatch): void {
    if (!this.active) return;
    for (const p of batch) {
      const text = this.text(p);
      if (text === undefined) continue;
      if (this.fd >= 0) writeSync(this.fd, `${text}\n`);
      else for (const line of text.split('\n')) this.env.stderr(line);
    }
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    this.print(batch);
    out.emitBatch(0, batch);
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    this.print(batch);
    return batch;
  }
}

const args = {
  LABEL: a.p(T.string, ''),
  CONTENTS: a.kw(T.word, 'no'),
  PAYLOAD: a.kw(T.word, 'no'),
  MAXLENGTH: a.kw(T.int, 1500),
  NBYTES: a.ko(T.int),
  ID: a.kw(T.bool, false),
  TIMESTAMP: a.kw(T.bool, true),
  PAINT: a.kw(T.bool, false),
  TOS: a.kw(T.bool, false),
  TTL: a.kw(T.bool, false),
  SWAP: a.kw(T.bool, true),
  LENGTH: a.kw(T.bool, false),
  AGGREGATE: a.kw(T.bool, false),
  ACTIVE: a.kw(T.bool, true),
  OUTFILE: a.ko(T.string),
  CHANNEL: a.ko(T.word),
};

export const spec = defineElement<typeof args, IPPrintConf, IPPrintElement>({
  name: 'IPPrint',
  ports: '1/1',
  processing: 'a/a',
  writesStream: 'stderr',
  args,
  configure: (v): IPPrintConf => {
    let contents = parseContents(v.CONTENTS);
    const pw = v.PAYLOAD.toUpperCase();
    let payload: Contents;
    if (pw === 'NO' || pw === 'FALSE') payload = 'none';
    else if (pw === 'YES' || pw === 'TRUE' || pw === 'HEX') payload = 'hex';
    else if (pw === 'ASCII') payload = 'ascii';
    else throw new ConfigError(`bad payload value '${v.PAYLOAD}'; should be 'false', 'hex', or 'ascii'`);
    if (payload !== 'none' && contents !== 'none') throw new ConfigError('specify at most one of PAYLOAD and CONTENTS');
    if (payload !== 'none') contents = payload;
    return {
      label: v.LABEL,
      contents,
      payload: payload !== 'none',
      maxLength: v.NBYTES ?? v.MAXLENGTH,
      id: v.ID,
      timestamp: v.TIMESTAMP,
      paint: v.PAINT,
      tos: v.TOS,
      ttl: v.TTL,
      swap: v.SWAP,
      length: v.LENGTH,
      aggregate: v.AGGREGATE,
      active: v.ACTIVE,
      outfile: v.OUTFILE,
    };
  },
  host: (init) => new IPPrintElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ip-print.c'),
    prefix: 'ip_print',
    inPlace: true,
    hooks: { init: true, cleanup: true },
    init: (c, ctx) =>
      [
        // lines written to OUTFILE are UTF-8, as Node writes strings; on standard error they are bytes
        `.label = ${ctx.cString(c.outfile === undefined ? c.label : Buffer.from(c.label, 'utf8').toString('latin1'))}`,
        c.outfile === undefined ? '' : `.outfile = ${ctx.cString(c.outfile)}`,
        `.max_length = ${c.maxLength}, .contents = ${c.contents === 'none' ? 0 : c.contents === 'hex' ? 1 : 2}, .payload = ${+c.payload}`,
        `.id = ${+c.id}, .timestamp = ${+c.timestamp}, .paint = ${+c.paint}, .tos = ${+c.tos}, .ttl = ${+c.ttl}`,
        `.swap = ${+c.swap}, .length = ${+c.length}, .aggregate = ${+c.aggregate}, .active = ${+c.active}`,
      ].filter(Boolean).join(',\n    '),
  },
  handlers: {
    active: {
      read: (e: IPPrintElement) => String(e.active),
      write: (e: IPPrintElement, v) => void (e.active = handlerBool(v, 'expected boolean')),
    },
  },
});

/**
 * IPEncap — encapsulate packets in a fixed IP header.
 *
 * Synopsis:   IPEncap(PROTO, SRC, DST [, keywords TOS, TTL, DSCP, ECT, CE, DF])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: prepends a 20-byte IPv4 header with protocol PROTO, source SRC
 *   and destination DST, total length of the resulting packet, identifier
 *   counting up from 0 (one per packet, wrapping at 65536), and marks it as
 *   the packet's IP header. The checksum is derived incrementally from a
 *   precomputed one, exactly as Click does. The destination IP annotation is
 *   set to DST; with DST `DST_ANNO` the header's destination is taken from
 *   the annotation instead.
 * Arguments:
 *   PROTO  IP protocol number or name (tcp, udp, icmp, ipip, ...).
 *   SRC    IP address.
 *   DST    IP address, or DST_ANNO.
 *   TOS    byte; the TOS field (not with DSCP, ECT or CE).
 *   TTL    byte, default 250.
 *   DSCP   0 to 62; DSCP bits of the TOS field (Click rejects 63 too).
 *   ECT    boolean or 2: set ECN bits to ECT(0) (true) or ECT(1) (2).
 *   CE     boolean: set ECN bits to CE.
 *   DF     boolean: set the don't-fragment flag.
 * Handlers:
 *   src (read/write), dst (read/write)  the SRC and DST arguments
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T, formatIPv4, parseIPv4 } from '../../config-lang/args/types.js';
import { unquote } from '../../config-lang/args/split.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { checksum, updateChecksum } from '../lib/checksum.js';
import { parseHandlerValue } from '../lib/handler-values.js';
import { IPH, IP_DF, getU16, ipProtoArg, setU16, setU32 } from '../lib/ip-header.js';
import { HandlerError, defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool, cU32 } from '../lib/native-init.js';

export interface IPEncapConf {
  proto: number;
  src: number;
  /** Destination address; ignored when useDstAnno. */
  dst: number;
  useDstAnno: boolean;
  tos: number;
  ttl: number;
  df: boolean;
}

const ECN_ECT1 = 0x02;
const ECN_ECT2 = 0x01;
const ECN_CE = 0x03;

function parseDst(text: string): { dst: number; useDstAnno: boolean } {
  const t = unquote(text.trim());
  if (t === 'DST_ANNO') return { dst: 0, useDstAnno: true };
  return { dst: parseIPv4(t), useDstAnno: false };
}

export class IPEncapElement extends SimpleElement<IPEncapConf> {
  src = this.conf.src;
  dst = this.conf.dst;
  useDstAnno = this.conf.useDstAnno;
  private id = 0;
  /** The header every packet starts from, with length, id (and in DST_ANNO mode, destination) zero. */
  private template = new Uint8Array(IPH.MIN_LEN);

  override initialize(): void {
    this.rebuildTemplate();
  }

  rebuildTemplate(): void {
    const c = this.conf;
    const h = new Uint8Array(IPH.MIN_LEN);
    h[IPH.VHL] = 0x45;
    h[IPH.TOS] = c.tos;
    setU16(h, IPH.OFF, c.df ? IP_DF : 0);
    h[IPH.TTL] = c.ttl;
    h[IPH.PROTO] = c.proto;
    setU32(h, IPH.SRC, this.src);
    setU32(h, IPH.DST, this.useDstAnno ? 0 : this.dst);
    setU16(h, IPH.SUM, checksum(h, 0, IPH.MIN_LEN));
    this.template = h;
  }

  /** Encapsulate in place; every packet goes to output 0. */
  action(p: Packet): number {
    p.push(IPH.MIN_LEN);
    const h = p.writable();
    h.set(this.template, 0);
    // Each field that differs from the template adds its words to the checksum (old value 0).
    const addWord = (off: number) => setU16(h, IPH.SUM, updateChecksum(getU16(h, IPH.SUM), 0, getU16(h, off)));
    if (this.useDstAnno) {
      setU32(h, IPH.DST, p.dstIP);
      addWord(IPH.DST);
      addWord(IPH.DST + 2);
    } else {
      p.dstIP = this.dst;
    }
    setU16(h, IPH.LEN, p.length);
    setU16(h, IPH.ID, this.id);
    this.id = (this.id + 1) & 0xffff;
    addWord(IPH.LEN);
    addWord(IPH.ID);
    p.setNetworkHeader(0, IPH.MIN_LEN);
    return 0;
  }
}

export const spec = defineElement({
  name: 'IPEncap',
  ports: '1/1',
  processing: 'a/a',
  args: {
    PROTO: a.mp(ipProtoArg),
    SRC: a.mp(T.ip),
    DST: a.mp(T.raw),
    TOS: a.kw(T.int, -1),
    TTL: a.kw(T.byte, 250),
    DSCP: a.kw(T.int, -1),
    ECT: a.ko(T.word),
    CE: a.kw(T.bool, false),
    DF: a.kw(T.bool, false),
  },
  configure: (v): IPEncapConf => {
    if (v.PROTO < 0 || v.PROTO > 255) throw new ConfigError('bad IP protocol', 0);
    let dst: { dst: number; useDstAnno: boolean };
    try {
      dst = parseDst(v.DST);
    } catch {
      throw new ConfigError("DST argument should be IP address or 'DST_ANNO'", 2);
    }
    let ect = 0;
    if (v.ECT !== undefined) {
      const w = v.ECT.toLowerCase();
      if (['true', 'yes', '1', 't', 'y', 'on'].includes(w)) ect = 1;
      else if (['false', 'no', '0', 'f', 'n', 'off'].includes(w)) ect = 0;
      else if (w === '2') ect = 2;
      else throw new ConfigError(`bad ECT value '${v.ECT}'`);
    }
    const tos = v.TOS;
    const dscp = v.DSCP;
    if (tos >= 0 && dscp >= 0) throw new ConfigError('cannot set both TOS and DSCP');
    if (tos >= 0 && (ect || v.CE)) throw new ConfigError('cannot set both TOS and ECN bits');
    if (tos >= 256 || tos < -1) throw new ConfigError('TOS too large; max 255');
    if (dscp >= 63 || dscp < -1) throw new ConfigError('DSCP too large; max 63');
    if (ect && v.CE) throw new ConfigError('can set at most one ECN option');
    let tosByte = tos >= 0 ? tos : dscp >= 0 ? dscp << 2 : 0;
    if (ect) tosByte |= ect === 1 ? ECN_ECT1 : ECN_ECT2;
    if (v.CE) tosByte |= ECN_CE;
    return { proto: v.PROTO, src: v.SRC, dst: dst.dst, useDstAnno: dst.useDstAnno, tos: tosByte, ttl: v.TTL, df: v.DF };
  },
  host: (init: ElementInit<IPEncapConf>) => new IPEncapElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ip-encap.c'),
    prefix: 'ip_encap',
    inPlace: true,
    hooks: { init: true },
    init: (c) => `.proto = ${c.proto}, .tos = ${c.tos}, .ttl = ${c.ttl}, .df = ${cBool(c.df)}, .src = ${cU32(c.src)}, .dst = ${cU32(c.dst)}, .use_dst_anno = ${cBool(c.useDstAnno)}`,
  },
  handlers: {
    src: {
      read: (e: IPEncapElement) => formatIPv4(e.src),
      write: (e: IPEncapElement, value: string) => {
        e.src = parseHandlerValue(T.ip, value);
        e.rebuildTemplate();
      },
      doc: 'the source address',
    },
    dst: {
      read: (e: IPEncapElement) => (e.useDstAnno ? 'DST_ANNO' : formatIPv4(e.dst)),
      write: (e: IPEncapElement, value: string) => {
        try {
          const d = parseDst(value);
          e.dst = d.dst;
          e.useDstAnno = d.useDstAnno;
        } catch {
          throw new HandlerError("DST argument should be IP address or 'DST_ANNO'");
        }
        e.rebuildTemplate();
      },
      doc: "the destination address, or DST_ANNO",
    },
  },
});

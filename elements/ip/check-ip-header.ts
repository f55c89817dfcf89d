/**
 * CheckIPHeader — check IP headers for validity.
 *
 * Synopsis:   CheckIPHeader([OFFSET, keywords INTERFACES, BADSRC, GOODDST, CHECKSUM, VERBOSE, DETAILS])
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: the IP header starts OFFSET bytes into the packet (default 0).
 *   A packet is bad, for the first reason that applies, if: fewer than 20
 *   bytes follow OFFSET ("tiny packet"); the version is not 4 ("bad IP
 *   version"); the header length is below 20 ("bad IP header length"); the
 *   total length exceeds the bytes present or is below the header length
 *   ("bad IP length"); the header checksum is wrong and CHECKSUM is true
 *   ("bad IP checksum"); or the source is in BADSRC and the destination is
 *   not in GOODDST ("bad source address"). Bad packets leave on output 1, or
 *   are dropped if there is none. The first bad packet (every one, with
 *   VERBOSE) prints "NAME: IP header check failed: REASON".
 *   A good packet gets its network header annotation (at OFFSET, header
 *   length from the header) and transport header annotation, is shortened to
 *   the IP total length (removing link-level padding), gets its destination
 *   IP annotation set to the header's destination, and leaves on output 0.
 * Arguments:
 *   OFFSET      unsigned; position of the IP header (positional, or keyword).
 *   INTERFACES  space-separated IP/LEN prefixes of this router's interfaces:
 *               their broadcast addresses plus 0.0.0.0 and 255.255.255.255
 *               become BADSRC, the addresses themselves GOODDST.
 *   BADSRC      space-separated IP addresses: bad source addresses (replaces
 *               what INTERFACES implies).
 *   GOODDST     space-separated IP addresses exempt from the BADSRC check.
 *   CHECKSUM    boolean, default true: verify the header checksum.
 *   VERBOSE     boolean, default false: report every bad packet.
 *   DETAILS     boolean, default false: keep per-reason counts (drop_details).
 * Handlers:
 *   drops (read)         bad packets seen
 *   drop_details (read)  with DETAILS: one line per reason, "COUNT<TAB>REASON"
 * Differences from Click: the deprecated positional BADSRC form is not
 * accepted (Click's current argument parser does not accept it either).
 */

import { a, type ArgType } from '../../config-lang/args/args.js';
import { T, parseIPPrefix } from '../../config-lang/args/types.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { checksum } from '../lib/checksum.js';
import { IPH, getU16, getU32, ipListArg } from '../lib/ip-header.js';
import { HandlerError, defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool, cU32 } from '../lib/native-init.js';

export const REASONS = ['tiny packet', 'bad IP version', 'bad IP header length', 'bad IP length', 'bad IP checksum', 'bad source address'] as const;
const enum Reason { Tiny, Version, HeaderLength, Length, Checksum, Source }

interface Interfaces {
  badSrc: number[];
  goodDst: number[];
}

/** INTERFACES: prefixes whose broadcast addresses are bad sources and whose addresses are good destinations. */
const interfacesArg: ArgType<Interfaces> = {
  description: 'space-separated IP/LEN interface prefixes',
  parse(text) {
    const badSrc: number[] = [];
    const goodDst: number[] = [];
    for (const w of splitWords(text)) {
      const { addr, mask } = parseIPPrefix(unquote(w.text), true);
      badSrc.push((((addr & mask) | ~mask) >>> 0));
      goodDst.push(addr);
    }
    badSrc.push(0, 0xffffffff);
    return { badSrc, goodDst };
  },
};

export interface CheckIPHeaderConf {
  offset: number;
  badSrc: number[];
  goodDst: number[];
  checksum: boolean;
  verbose: boolean;
  details: boolean;
}

export class CheckIPHeaderElement extends SimpleElement<CheckIPHeaderConf> {
  drops = 0;
  readonly reasonDrops = REASONS.map(() => 0);

  action(p: Packet): number {
    const c = this.conf;
    const at = c.offset;
    const plen = p.length - at;
    if (plen < IPH.MIN_LEN) return this.bad(Reason.Tiny);
    const d = p.data;
    if (d[at]! >> 4 !== 4) return this.bad(Reason.Version);
    const hlen = (d[at]! & 0x0f) << 2;
    if (hlen < IPH.MIN_LEN) return this.bad(Reason.HeaderLength);
    const len = getU16(d, at + IPH.LEN);
    if (len > plen || len < hlen) return this.bad(Reason.Length);
    if (c.checksum && checksum(d, at, hlen) !== 0) return this.bad(Reason.Checksum);
    const src = getU32(d, at + IPH.SRC);
    const dst = getU32(d, at + IPH.DST);
    if (c.badSrc.includes(src) && !c.goodDst.includes(dst)) return this.bad(Reason.Source);

    p.setNetworkHeader(at, hlen);
    if (plen > len) p.take(plen - len);
    p.dstIP = dst;
    return 0;
  }

  /** Count a bad packet and send it to output 1 (SimpleElement drops it if there is none). */
  private bad(reason: Reason): number {
    if (this.drops === 0 || this.conf.verbose) this.env.chatter(`IP header check failed: ${REASONS[reason]}`);
    this.drops++;
    if (this.conf.details) this.reasonDrops[reason]!++;
    return 1;
  }
}

export const spec = defineElement({
  name: 'CheckIPHeader',
  ports: '1/1-2',
  processing: 'a/ah',
  args: {
    OFFSET: a.p(T.unsigned, 0),
    INTERFACES: a.ko(interfacesArg),
    BADSRC: a.ko(ipListArg),
    GOODDST: a.ko(ipListArg),
    CHECKSUM: a.kw(T.bool, true),
    VERBOSE: a.kw(T.bool, false),
    DETAILS: a.kw(T.bool, false),
  },
  configure: (v): CheckIPHeaderConf => ({
      offset: v.OFFSET,
      badSrc: v.BADSRC ?? v.INTERFACES?.badSrc ?? [],
      goodDst: v.GOODDST ?? v.INTERFACES?.goodDst ?? [],
      checksum: v.CHECKSUM,
      verbose: v.VERBOSE,
      details: v.DETAILS,
  }),
  host: (init: ElementInit<CheckIPHeaderConf>) => new CheckIPHeaderElement(init),
  native: {
    source: nativeSource(import.meta.url, 'check-ip-header.c'),
    prefix: 'check_ip_header',
    inPlace: true,
    init: (c, ctx) =>
      [
        `.offset = ${cU32(c.offset)}, .checksum = ${cBool(c.checksum)}, .verbose = ${cBool(c.verbose)}, .details = ${cBool(c.details)}`,
        `.bad_src = ${ctx.constArray('uint32_t', c.badSrc.map(cU32))}, .nbad_src = ${c.badSrc.length}`,
        `.good_dst = ${ctx.constArray('uint32_t', c.goodDst.map(cU32))}, .ngood_dst = ${c.goodDst.length}`,
      ].join(',\n    '),
    // The loop with OFFSET, CHECKSUM and "any BADSRC" as constants.
    instanceCode: (c, _ctx, inst) =>
      `static inline void ${inst}_push(struct check_ip_header *e, int port, Packet **in, unsigned n, CvmOut *out)\n`
      + `{\n    (void)port;\n    check_ip_header_loop(e, in, n, out, ${cU32(c.offset)}, ${cBool(c.checksum)}, ${cBool(c.badSrc.length > 0)});\n}\n`,
  },
  handlers: {
    drops: { read: (e: CheckIPHeaderElement) => String(e.drops), doc: 'bad packets seen' },
    drop_details: {
      read: (e: CheckIPHeaderElement) => {
        if (!e.conf.details) throw new HandlerError('drop_details needs DETAILS true');
        return REASONS.map((r, i) => `${e.reasonDrops[i]}\t${r}`).join('\n');
      },
      doc: 'bad packets per reason (with DETAILS true)',
    },
  },
});

/**
 * ICMPRewriter — rewrite ICMP errors about flows that rewriters mapped.
 *
 * Synopsis:   ICMPRewriter(MAPS [, keywords])
 * Ports:      1 input, 1 or more outputs; push.
 * Processing: MAPS is a space-separated list of rewriters (IPRewriter,
 *             UDPRewriter, TCPRewriter, IPAddrRewriter, IPAddrPairRewriter, ICMPPingRewriter),
 *             each optionally `NAME:OFFSET`. An ICMP error (unreachable,
 *             time exceeded, parameter problem, source quench, redirect)
 *             quotes the IP header and first transport bytes of a packet
 *             a rewriter changed. The first rewriter with a mapping for
 *             the quoted packet's replies (TCP/UDP/DCCP ports or an echo
 *             identifier included when present) has the quoted packet
 *             turned back into what it was before rewriting: addresses,
 *             ports or identifier, their checksums. The error's destination
 *             is rewritten too when it was the quoted source (and the
 *             destination annotation set), and every checksum the changes
 *             touch is updated incrementally. The packet then leaves on
 *             output 0, or on OFFSET plus the mapping's output for a
 *             rewriter given with an offset. Other ICMP packets and errors
 *             no rewriter knows are dropped; non-ICMP packets too.
 * Keywords:   DST_ANNO (true: set the destination annotation), REPLY_ANNO
 *             (a mapping's reply annotation set on errors about its replies).
 * Handlers:   none.
 * Differences: output offsets are checked at initialization; a packet
 *             without an IP header (Click crashes) is dropped.
 */

import { a, ConfigError, type ArgValues, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { annoArg } from '../lib/anno-arg.js';
import { parseClickInt } from '../lib/ip-route.js';
import { headerPositions, type HeaderPositions } from '../lib/packet-headers.js';
import { be16, be32, fixZeroChecksum, incrementalUpdate, isFirstFragment, setBe16, setBe32 } from '../lib/transport-checksum.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import type { FlowID } from './flow-id.js';
import { REWRITER_CLASSES } from './input-spec.js';
import { annoBits, GET_ENTRY_REPLY, type RewriterBase, type RewriterBaseConf } from './rewriter-base.js';
import type { Entry } from './rewriter-flow.js';

interface ICMPRewriterConf {
  /** Each rewriter, its output offset (-1: none) and the word that named it. */
  readonly maps: { readonly element: string; readonly offset: number; readonly word: string }[];
  readonly annos: number;
}

const args = { MAPS: a.mp(T.raw), DST_ANNO: a.kw(T.bool, true), REPLY_ANNO: a.ko(annoArg(1)) };

function configure(v: ArgValues<typeof args>, ctx: ConfigContext): ICMPRewriterConf {
  const errors: string[] = [];
  const maps: { element: string; offset: number; word: string }[] = [];
  for (const w of splitWords(v.MAPS)) {
    const word = unquote(w.text);
    if (!word) continue;
    const colon = word.indexOf(':');
    const element = colon >= 0 ? word.slice(0, colon) : word;
    const offset = colon >= 0 ? parseClickInt(word.slice(colon + 1)) : -1;
    if (offset === undefined) errors.push(`${word} not an IP rewriter`);
    else if (!REWRITER_CLASSES.has(ctx.lookupElement(element) ?? '')) errors.push(`${element} not an IP rewriter`);
    else maps.push({ element, offset, word });
  }
  if (errors.length) throw new ConfigError(errors.join('\n'));
  if (!maps.length) throw new ConfigError('no IP rewriters supplied');
  return { maps, annos: annoBits(v.DST_ANNO, v.REPLY_ANNO) };
}

/** ICMP error types whose data quotes the offending packet. */
const ERROR_TYPES = new Set([3, 4, 5, 11, 12]);
const UNMAPPED = -1;

/** 16-bit words changed by a rewrite, for the checksums over them. */
class Changes {
  readonly old: number[] = [];
  readonly new: number[] = [];
  /** Record the word at `at`, set it to `value`. */
  set16(b: Uint8Array, at: number, value: number): void {
    this.old.push(be16(b, at));
    setBe16(b, at, value);
    this.new.push(value);
  }
  /** Update the checksum field at `at` for changes [from, to). */
  apply(b: Uint8Array, at: number, from = 0, to = this.old.length): void {
    let s = be16(b, at);
    for (let i = from; i < to; i++) s = incrementalUpdate(s, this.old[i]!, this.new[i]!);
    setBe16(b, at, s);
  }
}

class ICMPRewriterElement extends HostElement<ICMPRewriterConf> {
  private maps: { rw: RewriterBase<RewriterBaseConf>; offset: number }[] = [];

  override initialize(): void {
    const errors: string[] = [];
    this.maps = this.conf.maps.map(({ element, offset, word }) => {
      const rw = this.env.lookup(element) as RewriterBase<RewriterBaseConf>;
      if (offset >= 0 && offset + rw.noutputs > this.noutputs) {
        errors.push(`${word} port offset requires more than ${this.noutputs} ${this.noutputs === 1 ? 'output' : 'outputs'}`);
      }
      return { rw, offset };
    });
    if (errors.length) throw new Error(errors.join('\n'));
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      p.writable();
      const h = headerPositions(p);
      const port = h && h.buf[h.ip + 9] === 1 ? this.handle(p, h) : UNMAPPED;
      if (port >= 0 && port < this.noutputs) out.emit(port, p);
      else this.drop(p);
    }
  }

  /** Rewrite one ICMP packet; its output, or UNMAPPED. */
  private handle(p: Packet, h: HeaderPositions): number {
    const b = h.buf;
    const icmp = h.trans;
    if (!ERROR_TYPES.has(b[icmp]!) || h.end - icmp < 28) return UNMAPPED;
    const enc = icmp + 8;
    const encTrans = enc + ((b[enc]! & 15) << 2);
    if (b[enc]! >> 4 !== 4 || encTrans < enc + 20) return UNMAPPED;
    const encP = b[enc + 9]!;
    const search: { -readonly [K in keyof FlowID]: number } = { saddr: be32(b, enc + 16), sport: 0, daddr: be32(b, enc + 12), dport: 0 };
    let useTrans = false;
    const ports = encP === 6 || encP === 17 || encP === 33;
    if (ports && encTrans + 8 <= h.end && isFirstFragment(b, enc)) {
      search.sport = be16(b, encTrans + 2);
      search.dport = be16(b, encTrans);
      useTrans = true;
    } else if (encP === 1 && encTrans + 6 <= h.end && isFirstFragment(b, enc) && b[encTrans] === 8) {
      search.sport = be16(b, encTrans + 4);
      useTrans = true;
    }
    let found: { entry: Entry; offset: number } | undefined;
    for (const m of this.maps) {
      const entry = m.rw.getEntry(encP, search, GET_ENTRY_REPLY);
      if (entry) {
        found = { entry, offset: m.offset };
        break;
      }
    }
    if (!found) return UNMAPPED;
    const { entry } = found;
    const nf = entry.flow.rewrittenFlowid(entry.direction);

    // The error itself goes to the original source if it went to the rewritten one.
    if (be32(b, h.ip + 16) === search.daddr) {
      const c = new Changes();
      c.set16(b, h.ip + 16, nf.daddr >>> 16);
      c.set16(b, h.ip + 18, nf.daddr & 0xffff);
      c.apply(b, h.ip + 10);
      if (this.conf.annos & 1) p.dstIP = nf.daddr;
    }
    if (entry.direction && this.conf.annos & 2) p.setAnnoU8(this.conf.annos >> 2, entry.flow.replyAnno);

    // Words changed inside the quote: its IP checksum, addresses, then ports or identifier and the checksum.
    const c = new Changes();
    c.old.push(be16(b, enc + 10));
    c.new.push(0);
    const src = be32(b, enc + 12);
    const dst = be32(b, enc + 16);
    c.old.push(src >>> 16, src & 0xffff, dst >>> 16, dst & 0xffff);
    setBe32(b, enc + 12, nf.daddr);
    setBe32(b, enc + 16, nf.saddr);
    c.new.push(nf.daddr >>> 16, nf.daddr & 0xffff, nf.saddr >>> 16, nf.saddr & 0xffff);
    c.apply(b, enc + 10, 1, 5);
    c.new[0] = be16(b, enc + 10);
    if (useTrans && ports) {
      c.set16(b, encTrans, nf.dport);
      c.set16(b, encTrans + 2, nf.sport);
      const sumAt = encP === 6 && encTrans + 18 <= h.end ? encTrans + 16 : encP === 17 && be16(b, encTrans + 6) !== 0 ? encTrans + 6 : -1;
      if (sumAt >= 0) {
        const before = be16(b, sumAt);
        c.apply(b, sumAt, 1, 7);
        c.old.push(before);
        c.new.push(be16(b, sumAt));
      }
    } else if (useTrans) {
      c.set16(b, encTrans + 4, nf.dport);
      const before = be16(b, encTrans + 2);
      c.apply(b, encTrans + 2, 5, 6);
      fixZeroChecksum(b, encTrans + 2, encTrans, h.end - encTrans);
      c.old.push(before);
      c.new.push(be16(b, encTrans + 2));
    }
    c.apply(b, icmp + 2);
    return found.offset >= 0 ? found.offset + entry.output : 0;
  }
}

export const spec = anySpec(defineElement<typeof args, ICMPRewriterConf, ICMPRewriterElement>({
  name: 'ICMPRewriter',
  ports: '1/1-',
  processing: 'h/h',
  args,
  configure,
  host: (init) => new ICMPRewriterElement(init),
  native: {
    source: nativeSource(import.meta.url, 'icmp-rewriter.c'),
    prefix: 'icmp_rewriter',
    inPlace: true,
    hooks: { init: true },
    init: (c, ctx) =>
      `.maps = (const RwMapUse[]){ ${c.maps.map((m) => `{ &(${ctx.elementRef(m.element)})->rw, ${m.offset}, ${ctx.cString(m.word)} }`).join(', ')} }, ` +
      `.nmaps = ${c.maps.length}, .annos = ${c.annos}u, .noutputs = ${ctx.noutputs}`,
  },
}));

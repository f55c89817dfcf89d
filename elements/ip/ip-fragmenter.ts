/**
 * IPFragmenter — fragment IP packets larger than an MTU.
 *
 * Synopsis:   IPFragmenter(MTU [, HONOR_DF, VERBOSE, keyword HEADROOM])
 * Ports:      1 input; 1 or 2 outputs; push.
 * Processing: expects packets with a marked IP header. A packet whose IP
 *   part (network header to end of data) is at most MTU bytes leaves on
 *   output 0 unchanged. A larger packet with the don't-fragment flag (and
 *   HONOR_DF true), or whose first fragment could not carry 8 data bytes, is
 *   counted as a drop and leaves on output 1 (dropped if there is none); the
 *   first five such packets (all, with VERBOSE) print
 *   "IPFragmenter(MTU) DF SRC DST len=LENGTH". Any other large packet is
 *   split, in order, into fragments of at most MTU bytes whose data lengths
 *   are multiples of 8: the first fragment is the packet itself, cut short,
 *   keeping all its options; later fragments are new packets carrying only
 *   the options marked "copy" and the annotations of the original. When
 *   HONOR_DF is false and DF is set, DF is cleared and the identifier is
 *   replaced by a pseudo-random one. Fragments after the first count as
 *   created packets.
 * Arguments:
 *   MTU       unsigned, at least 8.
 *   HONOR_DF  boolean, default true.
 *   VERBOSE   boolean, default false.
 *   HEADROOM  unsigned; headroom of the new fragments (default the engine's).
 * Handlers:
 *   drops (read)      packets sent to output 1
 *   fragments (read)  fragments emitted (including first fragments)
 * Differences from Click: a packet without an IP header annotation, or whose
 *   header or total length does not fit in the packet (Click would read past
 *   the data), is dropped and counted in the engine's drop statistics. An
 *   option whose length byte is 0 ends the option copy (Click would loop
 *   forever on it).
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T, formatIPv4 } from '../../config-lang/args/types.js';
import { HostElement, type Out, type ElementInit } from '../../host-engine/element.js';
import { DEFAULT_HEADROOM, Packet, type PacketBatch } from '../../host-engine/packet.js';
import { checksum } from '../lib/checksum.js';
import { IPH, IPOPT, IP_DF, IP_MF, getU16, getU32, ipHeader, setU16 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool, cU32 } from '../lib/native-init.js';

export interface IPFragmenterConf {
  mtu: number;
  honorDF: boolean;
  verbose: boolean;
  headroom: number;
}

/** Copy the options of `src[from, from+optsLen)` marked "copy" to `dst` (if given); returns the padded length. */
function copyOptions(src: Uint8Array, from: number, optsLen: number, dst?: Uint8Array, to = 0): number {
  let outpos = 0;
  for (let i = 0; i < optsLen; ) {
    const opt = src[from + i]!;
    let optlen = 1;
    if (opt !== IPOPT.NOP) {
      if (opt === IPOPT.EOL || i === optsLen - 1) break;
      optlen = src[from + i + 1]!;
      if (i + optlen > optsLen || optlen === 0) break;
    }
    if (opt & 0x80) {
      dst?.set(src.subarray(from + i, from + i + optlen), to + outpos);
      outpos += optlen;
    }
    i += optlen;
  }
  for (; (outpos & 3) !== 0; outpos++) if (dst) dst[to + outpos] = IPOPT.EOL;
  return outpos;
}

export class IPFragmenterElement extends HostElement<IPFragmenterConf> {
  drops = 0;
  fragments = 0;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      const rel = p.networkHeaderOffset;
      if (rel === undefined || rel < 0 || rel > p.length) this.drop(p);
      else if (p.length - rel <= this.conf.mtu) out.emit(0, p);
      else this.fragment(p, out);
    }
  }

  private fragment(p: Packet, out: Out): void {
    const { mtu } = this.conf;
    const view = ipHeader(p)!;
    const b0 = view.buf;
    const ip0 = view.at;
    const hlen = (b0[ip0]! & 0x0f) << 2;
    const totalLen = getU16(b0, ip0 + IPH.LEN);
    const firstDlen = (mtu - hlen) & ~7;
    const inDlen = totalLen - hlen;
    const payloadRel = p.transportHeaderOffset ?? p.networkHeaderOffset! + hlen;
    if (view.avail < IPH.MIN_LEN || hlen < IPH.MIN_LEN || hlen > view.avail || inDlen < 0
      || payloadRel < 0 || payloadRel + inDlen > p.length) {
      this.drop(p);
      return;
    }

    if (((getU16(b0, ip0 + IPH.OFF) & IP_DF) && this.conf.honorDF) || firstDlen < 8) {
      if (this.conf.verbose || this.drops < 5) {
        const src = formatIPv4(getU32(b0, ip0 + IPH.SRC));
        const dst = formatIPv4(getU32(b0, ip0 + IPH.DST));
        this.env.stderr(`IPFragmenter(${mtu}) DF ${src} ${dst} len=${p.length}`);
      }
      this.drops++;
      this.emitChecked(out, 1, p);
      return;
    }

    p.writable();
    const b = p.buffer;
    const ip = view.at;
    let off = getU16(b, ip + IPH.OFF);
    if (off & IP_DF) {
      // The sender's identifier cannot be trusted once DF is ignored.
      const r = this.env.random32();
      b[ip + IPH.ID] = r & 255;
      b[ip + IPH.ID + 1] = (r >>> 8) & 255;
      off &= ~IP_DF;
    }
    const hadMF = (off & IP_MF) !== 0;
    setU16(b, ip + IPH.LEN, hlen + firstDlen);
    setU16(b, ip + IPH.OFF, off | IP_MF);
    setU16(b, ip + IPH.SUM, 0);
    setU16(b, ip + IPH.SUM, checksum(b, ip, hlen));

    const optsLen = copyOptions(b, ip + IPH.MIN_LEN, hlen - IPH.MIN_LEN);
    const outHlen = IPH.MIN_LEN + optsLen;
    const payload = p.dataOffset + payloadRel;
    const rest: Packet[] = [];
    for (let o = firstDlen; o < inDlen; ) {
      let outDlen = (mtu - outHlen) & ~7;
      if (outDlen + o > inDlen) outDlen = inDlen - o;
      const q = this.created(Packet.make(outHlen + outDlen, this.conf.headroom));
      const d = q.writable();
      d.set(b.subarray(ip, ip + IPH.MIN_LEN), 0);
      copyOptions(b, ip + IPH.MIN_LEN, hlen - IPH.MIN_LEN, d, IPH.MIN_LEN);
      d.set(b.subarray(payload + o, payload + o + outDlen), outHlen);
      d[IPH.VHL] = (d[IPH.VHL]! & 0xf0) | (outHlen >> 2);
      let qoff = (getU16(b, ip + IPH.OFF) + (o >> 3)) & 0xffff;
      if (outDlen + o >= inDlen && !hadMF) qoff &= ~IP_MF;
      setU16(d, IPH.OFF, qoff);
      setU16(d, IPH.LEN, outHlen + outDlen);
      setU16(d, IPH.SUM, 0);
      setU16(d, IPH.SUM, checksum(d, 0, outHlen));
      q.setNetworkHeader(0, outHlen);
      q.anno.set(p.anno);
      q.tsSec = p.tsSec;
      q.tsNsec = p.tsNsec;
      q.packetType = p.packetType;
      rest.push(q);
      o += outDlen;
    }

    p.take(p.length - p.networkHeaderOffset! - hlen - firstDlen);
    out.emit(0, p);
    this.fragments++;
    for (const q of rest) {
      out.emit(0, q);
      this.fragments++;
    }
  }
}

export const spec = defineElement({
  name: 'IPFragmenter',
  ports: '1/1-2',
  processing: 'h/h',
  sharedState: ['random'],   // a fresh IP ID per packet whose DF it ignores
  takesSharedState: (c) => !c.honorDF,
  args: {
    MTU: a.mp(T.unsigned),
    HONOR_DF: a.p(T.bool, true),
    VERBOSE: a.p(T.bool, false),
    HEADROOM: a.kw(T.unsigned, DEFAULT_HEADROOM),
  },
  configure: (v): IPFragmenterConf => {
    if (v.MTU < 8) throw new ConfigError('MTU must be at least 8', 0);
    return { mtu: v.MTU, honorDF: v.HONOR_DF, verbose: v.VERBOSE, headroom: v.HEADROOM };
  },
  host: (init: ElementInit<IPFragmenterConf>) => new IPFragmenterElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ip-fragmenter.c'),
    prefix: 'ip_fragmenter',
    init: (c) => `.mtu = ${cU32(c.mtu)}, .headroom = ${cU32(c.headroom)}, .honor_df = ${cBool(c.honorDF)}, .verbose = ${cBool(c.verbose)}`,
  },
  handlers: {
    drops: { read: (e: IPFragmenterElement) => String(e.drops), doc: 'packets too big to fragment' },
    fragments: { read: (e: IPFragmenterElement) => String(e.fragments), doc: 'fragments emitted' },
  },
});

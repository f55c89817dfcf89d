/**
 * ICMPError — make an ICMP error packet in reply to an IP packet.
 *
 * Synopsis:   ICMPError(SRC, TYPE [, CODE, BADADDRS, keywords MTU, PMTU, SET_FIX_ANNO])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: for each input packet (IP header annotation required), emits
 *             a new IP/ICMP packet from SRC to the packet's source with the
 *             given TYPE and CODE, quoting the packet from its IP header
 *             on, the whole error no longer than MTU bytes. The IP header
 *             has TOS 0, TTL 200, no fragment bits, and an IP ID from a
 *             counter shared by all ICMPErrors of the router (Click's
 *             static counter, starting at 1). The input packet is consumed.
 *             No error is made (the packet is dropped) for ICMP errors, IP
 *             broadcast/multicast or BADADDRS destinations, link broadcasts
 *             and multicasts (packet type annotation), invalid sources
 *             (0.x, 127.x, 240.0.0.0/4, broadcast, multicast, BADADDRS), and
 *             fragments other than the first; nor a redirect for a
 *             source-routed packet. A source-route option is echoed,
 *             reversed. Parameter problem (code erroratptr) takes its
 *             pointer from the ICMP_PARAMPROB annotation; redirect takes its
 *             gateway from the destination annotation; unreachable/needfrag
 *             carries PMTU. The output's destination annotation is its IP
 *             destination, its FIX_IP_SRC annotation is set (unless
 *             SET_FIX_ANNO false), its timestamp is now.
 * Arguments:  SRC (IP address); TYPE (unreachable, sourcequench, redirect,
 *             timeexceeded, parameterproblem, or 3/4/5/11/12); CODE (name
 *             for the type, e.g. net, host, protocol, port, needfrag,
 *             transit, reassembly, erroratptr, missingopt, length; or
 *             0-255; default 0); BADADDRS (space-separated addresses).
 *             MTU (unsigned, 576), PMTU (unsigned, 0), SET_FIX_ANNO (boolean, true).
 * Handlers:   src, mtu, pmtu (read/write).
 * Difference: packets whose IP header is missing or runs past the data, and
 *             an MTU too small for the headers (Click crashes), are dropped.
 */

import { a, ConfigError, type ArgType } from '../../config-lang/args/args.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import { ANNO, Packet, PacketType, type PacketBatch } from '../../host-engine/packet.js';
import { setPacketTimeNs } from '../lib/click-time.js';
import { HandlerError, defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { checksum } from '../lib/checksum.js';
import { icmpCodeValue, icmpTypeValue } from '../lib/icmp-names.js';
import { parseClickIP, parseClickInt, unparseIP } from '../lib/ip-route.js';
import { headerPositions } from '../lib/packet-headers.js';
import { routerAttachment } from '../lib/router-attachments.js';
import { be16, be32, isFirstFragment, setBe16, setBe32 } from '../lib/transport-checksum.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

const UNREACH = 3;
const REDIRECT = 5;
const PARAMPROB = 12;
const ERROR_TYPES = new Set([UNREACH, 4, REDIRECT, 11, PARAMPROB]);

interface ICMPErrorConf {
  readonly src: number;
  readonly type: number;
  readonly code: number;
  readonly badAddrs: number[];
  readonly mtu: number;
  readonly pmtu: number;
  readonly setFixAnno: boolean;
}

const icmpTypeArg: ArgType<number> = {
  description: 'ICMP type (name or integer)',
  parse(text) {
    const v = icmpTypeValue(unquote(text.trim()));
    if (v === undefined) throw new Error(`'${text}' is not an ICMP type`);
    return v;
  },
};

const addressListArg: ArgType<number[]> = {
  description: 'space-separated IP addresses',
  parse(text) {
    return splitWords(text).map((w) => {
      const v = parseClickIP(unquote(w.text));
      if (v === undefined) throw new Error(`'${w.text}' is not an IP address`);
      return v;
    });
  },
};

class ICMPErrorElement extends HostElement<ICMPErrorConf> {
  src = this.conf.src;
  mtu = this.conf.mtu;
  pmtu = this.conf.pmtu;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      const q = this.errorFor(p);
      if (q) out.emit(0, q);
    }
  }

  override pull(_port: number, max: number): PacketBatch {
    const result: PacketBatch = [];
    for (const p of this.env.pullInput(0, max)) {
      const q = this.errorFor(p);
      if (q) result.push(q);
    }
    return result;
  }

  /** The error packet for p (p consumed), or undefined (p dropped). */
  private errorFor(p: Packet): Packet | undefined {
    const q = this.build(p);
    if (q) this.consume(p);
    else this.drop(p);
    return q;
  }

  private unicast(addr: number): boolean {
    if (addr === 0xffffffff) return false;
    if (addr >>> 28 === 0xe) return false;
    return !this.conf.badAddrs.includes(addr);
  }

  private validSource(addr: number): boolean {
    const net = addr >>> 24;
    return this.unicast(addr) && net !== 0 && net !== 127 && (net & 0xf0) !== 0xf0;
  }

  private build(p: Packet): Packet | undefined {
    const h = headerPositions(p);
    if (!h) return undefined;
    const { buf, ip } = h;
    const hlen = (buf[ip]! & 15) << 2;
    if (ip + hlen > h.end) return undefined;
    const { type, code } = this.conf;

    // RFC 1812 4.3.2.7: no errors about ICMP errors, broadcasts, bad sources, later fragments.
    if (buf[ip + 9] === 1) {
      if (hlen + 4 > p.length || h.trans >= h.end) return undefined;
      if (ERROR_TYPES.has(buf[h.trans]!)) return undefined;
    }
    if (!this.unicast(be32(buf, ip + 16))) return undefined;
    if (p.packetType === PacketType.BROADCAST || p.packetType === PacketType.MULTICAST) return undefined;
    if (!this.validSource(be32(buf, ip + 12))) return undefined;
    if (!isFirstFragment(buf, ip)) return undefined;

    let route = sourceRoute(buf, ip, hlen);
    if (route >= 0) {
      if (type === REDIRECT) return undefined;
      // 4.3.2.6: ignore the route if the parameter problem is in it.
      const at = ip + p.annoU8(ANNO.ICMP_PARAMPROB);
      if (type === PARAMPROB && code === 0 && route <= at && at < route + buf[route + 1]!) route = -1;
    }

    const olen = route >= 0 ? buf[route + 2]! - 1 : 0;
    const hl = route >= 0 ? ((20 + olen + 3) >> 2) << 2 : 20;
    let xlen = this.mtu - hl - 8;
    if (xlen < 0) return undefined;
    const q = this.created(Packet.make(this.mtu));
    const d = q.writable();
    const ids = routerAttachment(this.env, 'ICMPError.ip_id', () => ({ next: 1 }));
    d[0] = 0x40 | (hl >> 2);
    setBe16(d, 4, ids.next++ & 0xffff);
    d[8] = 200;
    d[9] = 1;
    setBe32(d, 12, this.src);
    setBe32(d, 16, be32(buf, ip + 12));
    if (route >= 0) {
      // Echo the source route reversed: the hops recorded so far, last first.
      d[20] = buf[route]!;
      d[21] = olen;
      d[22] = 4;
      d[20 + olen] = 0;
      let o = 23;
      for (let oo = route + buf[route + 2]! - 5; oo >= route + 3; oo -= 4, o += 4) d.set(buf.subarray(oo, oo + 4), o);
    }
    d[hl] = type;
    d[hl + 1] = code;
    if (type === PARAMPROB && code === 0) d[hl + 4] = p.annoU8(ANNO.ICMP_PARAMPROB);
    if (type === REDIRECT) setBe32(d, hl + 4, p.dstIP);
    if (type === UNREACH && code === 4) setBe16(d, hl + 6, this.pmtu & 0xffff);

    const networkLength = h.end - ip;
    if (xlen > networkLength) {
      q.take(xlen - networkLength);
      xlen = networkLength;
    }
    const qd = q.writable();
    qd.set(buf.subarray(ip, ip + xlen), hl + 8);
    setBe16(qd, hl + 2, checksum(qd, hl, 8 + xlen));
    setBe16(qd, 2, q.length);
    setBe16(qd, 10, checksum(qd, 0, hl));

    q.setNetworkHeader(0, hl);
    q.dstIP = be32(qd, 16);
    if (this.conf.setFixAnno) q.setAnnoU8(ANNO.FIX_IP_SRC, 1);
    setPacketTimeNs(q, this.env.now());
    return q;
  }
}

/** Offset of a usable loose/strict source-route option in the header at `ip`, or -1. */
function sourceRoute(b: Uint8Array, ip: number, hlen: number): number {
  for (let oi = 20; oi < hlen; ) {
    const type = b[ip + oi]!;
    if (type === 1) {
      oi++;
      continue;
    }
    if (type === 0 || oi + 1 >= hlen) return -1;
    const xlen = b[ip + oi + 1]!;
    if (xlen < 2 || oi + xlen > hlen) return -1;
    const ptr = b[ip + oi + 2]!;
    if ((type === 131 || type === 137) && ptr >= 4 && ptr % 4 === 0 && ptr <= xlen + 1) return ip + oi;
    oi += xlen;
  }
  return -1;
}

function parseUnsignedHandler(value: string): number {
  const v = parseClickInt(value.trim());
  if (v === undefined || v < 0) throw new HandlerError('expected unsigned integer');
  return v;
}

const icmpErrorArgs = {
  SRC: a.mp(T.ip),
  TYPE: a.mp(icmpTypeArg),
  CODE: a.p(T.word, '0'),
  BADADDRS: a.p(addressListArg, [] as number[]),
  MTU: a.kw(T.unsigned, 576),
  PMTU: a.kw(T.unsigned, 0),
  SET_FIX_ANNO: a.kw(T.bool, true),
};

export const spec = anySpec(defineElement<typeof icmpErrorArgs, ICMPErrorConf, ICMPErrorElement>({
  name: 'ICMPError',
  ports: '1/1',
  processing: 'a/a',
  // Click numbers every ICMPError's errors from one counter (`static int id`).
  sharedState: ['icmp-error-ip-id'],
  args: icmpErrorArgs,
  configure: (v): ICMPErrorConf => {
    if (v.TYPE < 0 || v.TYPE > 255) throw new ConfigError('ICMP type must be between 0 and 255', 1);
    if (!ERROR_TYPES.has(v.TYPE)) throw new ConfigError(`ICMP type ${v.TYPE} is not an error type`, 1, 'error types: unreachable, sourcequench, redirect, timeexceeded, parameterproblem');
    const code = icmpCodeValue(v.TYPE, v.CODE);
    if (code === undefined || code < 0 || code > 255) throw new ConfigError('argument 2 takes ICMP code (integer between 0 and 255)', 2);
    return { src: v.SRC, type: v.TYPE, code, badAddrs: v.BADADDRS, mtu: v.MTU, pmtu: v.PMTU, setFixAnno: v.SET_FIX_ANNO };
  },
  handlers: {
    src: {
      read: (e: ICMPErrorElement) => unparseIP(e.src),
      write: (e: ICMPErrorElement, v: string) => {
        const addr = parseClickIP(unquote(v.trim()));
        if (addr === undefined) throw new HandlerError('expected IP address');
        e.src = addr;
      },
    },
    mtu: { read: (e: ICMPErrorElement) => String(e.mtu), write: (e: ICMPErrorElement, v: string) => void (e.mtu = parseUnsignedHandler(v)) },
    pmtu: { read: (e: ICMPErrorElement) => String(e.pmtu), write: (e: ICMPErrorElement, v: string) => void (e.pmtu = parseUnsignedHandler(v)) },
  },
  host: (init) => new ICMPErrorElement(init),
  native: {
    source: nativeSource(import.meta.url, 'icmp-error.c'),
    prefix: 'icmp_error',
    inPlace: true,
    hooks: { init: true },
    init: (c, ctx) =>
      [
        `.src = ${c.src >>> 0}u, .type = ${c.type}, .code = ${c.code}, .set_fix_anno = ${+c.setFixAnno}`,
        `.bad_addrs = ${ctx.constArray('uint32_t', c.badAddrs.map((x) => `${x >>> 0}u`))}, .nbad = ${c.badAddrs.length}`,
        `.mtu = ${c.mtu}, .pmtu = ${c.pmtu}`,
      ].join(',\n    '),
  },
}));

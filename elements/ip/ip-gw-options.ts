/**
 * IPGWOptions — process the IP options every router must handle.
 *
 * Synopsis:   IPGWOptions(MYADDR [, OTHERADDRS])
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: expects packets with a marked IP header. Packets without
 *   options pass unchanged. Otherwise each option is walked: Record Route
 *   gets MYADDR stored at its pointer (and the pointer advanced by 4) while
 *   there is room; Timestamp gets the milliseconds since midnight UTC (flag
 *   0), MYADDR and the time (flag 1), or the time after a prespecified
 *   address that is one of ours (flag 3), or has its overflow count raised
 *   when full. Other options, source routes included, are skipped. If any
 *   option was changed the header checksum is recomputed. A malformed option
 *   (length below 2 or past the header, a bad pointer, an unknown timestamp
 *   flag, an overflow count already at 15) stops processing: the packet's
 *   ICMP parameter-problem annotation is set to the offset of the offending
 *   byte within the IP header, the drop is counted, and the packet leaves on
 *   output 1 (dropped if there is none), keeping changes already made.
 * Arguments:
 *   MYADDR      IP address of the outgoing interface.
 *   OTHERADDRS  space-separated IP addresses of the router's other interfaces
 *               (for prespecified timestamps).
 * Handlers:
 *   drops (read)  packets with bad options
 * Differences from Click: an option byte Click would read past the end of the
 *   packet reads as 0. Timestamps use the engine clock (simulated time in
 *   --simtime runs). A packet without an IP header annotation is dropped and
 *   counted in the engine's drop statistics.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { checksum } from '../lib/checksum.js';
import { IPH, IPOPT, getU32, ipHeader, ipListArg, setU16, setU32 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cU32 } from '../lib/native-init.js';

export interface IPGWOptionsConf {
  myAddr: number;
  /** OTHERADDRS followed by MYADDR. */
  myAddrs: number[];
}

export class IPGWOptionsElement extends SimpleElement<IPGWOptionsConf> {
  drops = 0;

  action(p: Packet): number {
    const view = ipHeader(p);
    if (!view || view.avail < 1) return DROP;
    const hlen = (view.buf[view.at]! & 0x0f) << 2;
    if (hlen <= IPH.MIN_LEN) return 0;
    const bad = this.handleOptions(p, p.networkHeaderLength);
    if (bad === undefined) return 0;
    this.drops++;
    p.setAnnoU8(ANNO.ICMP_PARAMPROB, bad);
    return 1;
  }

  /** Walk the options; returns the offset of a bad byte, or undefined if all were fine. */
  private handleOptions(p: Packet, hlen: number): number | undefined {
    const rel = p.networkHeaderOffset!;
    // A byte of the header, or 0 past the end of the packet data.
    const byte = (i: number): number => (rel + i < p.length ? p.buffer[p.dataOffset + rel + i]! : 0);
    let changed = false;
    const store = (i: number, v: number) => {
      if (!changed) {
        p.writable();
        changed = true;
      }
      setU32(p.buffer, p.dataOffset + rel + i, v);
    };
    const setByte = (i: number, v: number) => {
      if (!changed) {
        p.writable();
        changed = true;
      }
      p.buffer[p.dataOffset + rel + i] = v;
    };
    // Stores that would run past the packet data are skipped; Click writes beyond it.
    const room = (i: number, n: number) => rel + i + n <= p.length;

    let oi = IPH.MIN_LEN;
    while (oi < hlen) {
      const type = byte(oi);
      if (type === IPOPT.NOP) {
        oi++;
        continue;
      }
      if (type === IPOPT.EOL) break;
      const xlen = byte(oi + 1);
      if (xlen < 2 || oi + xlen > hlen) return oi + 1;
      if (type !== IPOPT.RR && type !== IPOPT.TS) {
        oi += xlen;
        continue;
      }
      if (!changed) {
        p.writable();
        changed = true;
      }
      const ptr = byte(oi + 2) - 1;
      if (type === IPOPT.RR) {
        if (ptr >= 3 && ptr + 4 <= xlen) {
          if (room(oi + ptr, 4)) store(oi + ptr, this.conf.myAddr);
          setByte(oi + 2, (byte(oi + 2) + 4) & 255);
        } else if (ptr !== xlen) {
          return oi + 2;
        }
      } else {
        const oflw = byte(oi + 3) >> 4;
        const flg = byte(oi + 3) & 0x0f;
        let overflowed = false;
        const ms = this.millisecondsToday();
        if (ptr < 4) {
          return oi + 2;
        } else if (flg === 0) {
          if (ptr + 4 <= xlen) {
            if (room(oi + ptr, 4)) store(oi + ptr, ms);
            setByte(oi + 2, (byte(oi + 2) + 4) & 255);
          } else overflowed = true;
        } else if (flg === 1) {
          if (ptr + 8 <= xlen) {
            if (room(oi + ptr, 8)) {
              store(oi + ptr, this.conf.myAddr);
              store(oi + ptr + 4, ms);
            }
            setByte(oi + 2, (byte(oi + 2) + 8) & 255);
          } else overflowed = true;
        } else if (flg === 3 && ptr + 8 <= xlen) {
          const at = p.dataOffset + rel + oi + ptr;
          const addr = room(oi + ptr, 4) ? getU32(p.buffer, at) : 0;
          if (this.conf.myAddrs.includes(addr)) {
            if (room(oi + ptr + 4, 4)) store(oi + ptr + 4, ms);
            setByte(oi + 2, (byte(oi + 2) + 8) & 255);
          }
        } else {
          return oi + 3;
        }
        if (overflowed) {
          if (oflw < 15) setByte(oi + 3, ((oflw + 1) << 4) | flg);
          else return oi + 3;
        }
      }
      oi += xlen;
    }

    if (changed) {
      const at = p.dataOffset + rel;
      const n = Math.min(hlen, p.length - rel);
      setU16(p.buffer, at + IPH.SUM, 0);
      setU16(p.buffer, at + IPH.SUM, checksum(p.buffer, at, n));
    }
    return undefined;
  }

  /** Milliseconds since midnight UTC, as the Timestamp option wants. */
  private millisecondsToday(): number {
    const ms = this.env.now() / 1_000_000n;
    return Number(ms % 86_400_000n);
  }
}

export const spec = defineElement({
  name: 'IPGWOptions',
  ports: '1/1-2',
  processing: 'a/ah',
  args: { MYADDR: a.mp(T.ip), OTHERADDRS: a.p(ipListArg, []) },
  configure: (v): IPGWOptionsConf => ({ myAddr: v.MYADDR, myAddrs: [...v.OTHERADDRS, v.MYADDR] }),
  host: (init: ElementInit<IPGWOptionsConf>) => new IPGWOptionsElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ip-gw-options.c'),
    prefix: 'ip_gw_options',
    inPlace: true,
    init: (c, ctx) => `.my_addr = ${cU32(c.myAddr)}, .my_addrs = ${ctx.constArray('uint32_t', c.myAddrs.map(cU32))}, .nmy_addrs = ${c.myAddrs.length}`,
  },
  handlers: {
    drops: { read: (e: IPGWOptionsElement) => String(e.drops), doc: 'packets with bad options' },
  },
});

/**
 * FixIPSrc — set the IP source address when the Fix IP Source annotation asks.
 *
 * Synopsis:   FixIPSrc(IPADDR)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: if a packet's Fix IP Source annotation (set by ICMPError) is
 *   non-zero and its IP header is marked, clears the annotation, writes
 *   IPADDR into the source field and recomputes the header checksum. Other
 *   packets pass unchanged.
 * Arguments:
 *   IPADDR  IP address of the outgoing interface.
 * Differences from Click: a flagged packet too short for its IP header
 *   (Click would read past the data) is dropped and counted in the engine's
 *   drop statistics.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { checksum } from '../lib/checksum.js';
import { IPH, headerLength, ipHeader, setU16, setU32 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cU32 } from '../lib/native-init.js';

export interface FixIPSrcConf {
  addr: number;
}

class FixIPSrcElement extends SimpleElement<FixIPSrcConf> {
  action(p: Packet): number {
    if (p.annoU8(ANNO.FIX_IP_SRC) === 0 || p.networkHeaderOffset === undefined) return 0;
    const view = ipHeader(p);
    if (!view || view.avail < IPH.MIN_LEN) return DROP;
    const hlen = headerLength(view);
    if (hlen > view.avail) return DROP;
    p.writable();
    const b = p.buffer;
    p.setAnnoU8(ANNO.FIX_IP_SRC, 0);
    setU32(b, view.at + IPH.SRC, this.conf.addr);
    setU16(b, view.at + IPH.SUM, 0);
    setU16(b, view.at + IPH.SUM, checksum(b, view.at, hlen));
    return 0;
  }
}

export const spec = defineElement({
  name: 'FixIPSrc',
  ports: '1/1',
  processing: 'a/a',
  args: { IPADDR: a.mp(T.ip) },
  configure: (v): FixIPSrcConf => ({ addr: v.IPADDR }),
  host: (init: ElementInit<FixIPSrcConf>) => new FixIPSrcElement(init),
  native: {
    source: nativeSource(import.meta.url, 'fix-ip-src.c'),
    prefix: 'fix_ip_src',
    inPlace: true,
    init: (c) => `.addr = ${cU32(c.addr)}`,
  },
});

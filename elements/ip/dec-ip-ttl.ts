/**
 * DecIPTTL — decrement the IP time-to-live, diverting expired packets.
 *
 * Synopsis:   DecIPTTL([keywords ACTIVE, MULTICAST])
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: expects packets with a marked IP header. A packet whose TTL is
 *   0 or 1 has expired: it is counted and leaves on output 1 (dropped if
 *   there is none), unchanged. Otherwise the TTL is decremented, the header
 *   checksum is updated incrementally (RFC 1624, with Click's exact
 *   arithmetic), and the packet leaves on output 0.
 * Arguments:
 *   ACTIVE     boolean, default true; if false, every packet passes untouched.
 *   MULTICAST  boolean, default true; if false, multicast packets pass untouched.
 * Handlers:
 *   drops (read)          expired packets
 *   active (read/write)   the ACTIVE setting
 * Differences from Click: a packet without an IP header annotation, or too
 *   short for the header (Click asserts or reads past the data), is dropped
 *   and counted in the engine's drop statistics, not in `drops`.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { IPH, getU16, getU32, ipHeader, isMulticast, setU16 } from '../lib/ip-header.js';
import { fieldHandler } from '../lib/field-handlers.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cBool } from '../lib/native-init.js';

export interface DecIPTTLConf {
  active: boolean;
  multicast: boolean;
}

export class DecIPTTLElement extends SimpleElement<DecIPTTLConf> {
  drops = 0;
  active = this.conf.active;

  action(p: Packet): number {
    if (!this.active) return 0;
    const view = ipHeader(p);
    if (!view || view.avail < IPH.MIN_LEN) return DROP;
    if (!this.conf.multicast && isMulticast(getU32(view.buf, view.at + IPH.DST))) return 0;
    if (view.buf[view.at + IPH.TTL]! <= 1) {
      this.drops++;
      return 1;
    }
    p.writable();
    const b = p.buffer;
    const ip = view.at;
    b[ip + IPH.TTL]!--;
    // The TTL is the high byte of its 16-bit word, so the word drops by 0x0100:
    // new sum = ~(~old_sum + 0xFEFF), folded once as Click does.
    const sum = (~getU16(b, ip + IPH.SUM) & 0xffff) + 0xfeff;
    setU16(b, ip + IPH.SUM, ~(sum + (sum >>> 16)) & 0xffff);
    return 0;
  }
}

export const spec = defineElement({
  name: 'DecIPTTL',
  ports: '1/1-2',
  processing: 'a/ah',
  args: { ACTIVE: a.kw(T.bool, true), MULTICAST: a.kw(T.bool, true) },
  configure: (v): DecIPTTLConf => ({ active: v.ACTIVE, multicast: v.MULTICAST }),
  host: (init: ElementInit<DecIPTTLConf>) => new DecIPTTLElement(init),
  native: {
    source: nativeSource(import.meta.url, 'dec-ip-ttl.c'),
    prefix: 'dec_ip_ttl',
    inPlace: true,
    init: (c) => `.active = ${cBool(c.active)}, .multicast = ${cBool(c.multicast)}`,
    // The loop with MULTICAST as a constant.
    instanceCode: (c, _ctx, inst) =>
      `static inline void ${inst}_push(struct dec_ip_ttl *e, int port, Packet **in, unsigned n, CvmOut *out)\n`
      + `{\n    (void)port;\n    dec_ip_ttl_loop(e, in, n, out, ${cBool(c.multicast)});\n}\n`,
  },
  handlers: {
    drops: { read: (e: DecIPTTLElement) => String(e.drops), doc: 'expired packets' },
    active: fieldHandler<DecIPTTLElement, boolean>('active', T.bool, String, 'whether TTLs are decremented'),
  },
});

/**
 * MarkIPCE — mark ECN-capable IP packets Congestion Experienced.
 *
 * Synopsis:   MarkIPCE([FORCE])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: packets need an IP header annotation. A packet whose ECN field
 *   says ECN-capable (ECT(0), ECT(1)) gets CE in it, the header checksum
 *   updated incrementally; a CE packet passes unchanged; a Not-ECT packet is
 *   dropped, unless FORCE is true, when it is marked CE too.
 * Arguments:  FORCE (boolean, default false).
 * Handlers:   drops (read): Not-ECT packets dropped.
 * Differences: Click's drops handler stays 0 (it never counts); here it
 *   counts. A packet without an IP header annotation, or with fewer than 20
 *   header bytes, is dropped and counted in the engine's statistics (Click
 *   asserts, or reads past the data).
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { updateChecksum } from '../lib/checksum.js';
import { IPH, getU16, ipHeader, setU16 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';

export interface MarkIPCEConf {
  readonly force: boolean;
}

const ECN_MASK = 3;
const ECN_CE = 3;

export class MarkIPCEElement extends SimpleElement<MarkIPCEConf> {
  drops = 0;

  action(p: Packet): number {
    const view = ipHeader(p);
    if (!view || view.avail < IPH.MIN_LEN) return DROP;
    const ecn = p.buffer[view.at + IPH.TOS]! & ECN_MASK;
    if (ecn === 0 && !this.conf.force) {
      this.drops++;
      return DROP;
    }
    if (ecn === ECN_CE) return 0;
    p.writable();
    const b = p.buffer;
    const ip = view.at;
    const oldWord = getU16(b, ip);
    b[ip + IPH.TOS] = b[ip + IPH.TOS]! | ECN_CE;
    setU16(b, ip + IPH.SUM, updateChecksum(getU16(b, ip + IPH.SUM), oldWord, getU16(b, ip)));
    return 0;
  }
}

const args = { FORCE: a.p(T.bool, false) };

export const spec = defineElement<typeof args, MarkIPCEConf, MarkIPCEElement>({
  name: 'MarkIPCE',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (v): MarkIPCEConf => ({ force: v.FORCE }),
  host: (init) => new MarkIPCEElement(init),
  native: {
    source: nativeSource(import.meta.url, 'mark-ip-ce.c'),
    prefix: 'mark_ip_ce',
    inPlace: true,
    init: (c) => `.force = ${+c.force}`,
  },
  handlers: {
    drops: { read: (e: MarkIPCEElement) => String(e.drops), doc: 'Not-ECT packets dropped' },
  },
});

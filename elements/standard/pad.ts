/**
 * Pad — lengthen packets with zero bytes.
 *
 * Synopsis:   Pad([LENGTH, ZERO])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: with LENGTH (bytes, default 0), a packet shorter than LENGTH
 *   gets zero bytes at its end up to LENGTH; without it, a packet gets as
 *   many bytes as its extra-length annotation says (what Truncate cut and
 *   FromIPSummaryDump left out, so the original length is back). Either way
 *   the extra-length annotation becomes 0.
 * Arguments:  LENGTH (unsigned), ZERO (boolean, default true).
 * Differences: the added bytes are zero also with ZERO false (Click leaves
 *   them as the buffer had them). A pad that would make the packet longer
 *   than 16 MiB fails: the packet is dropped and counted, as Click drops a
 *   packet whose buffer cannot grow.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { defineElement } from '../spec.js';

export interface PadConf {
  readonly length: number;
  readonly zero: boolean;
}

/** The longest packet Pad makes. */
export const PAD_MAX_LENGTH = 1 << 24;

class PadElement extends SimpleElement<PadConf> {
  action(p: Packet): number {
    const want = this.conf.length;
    const nput = want ? Math.max(0, want - p.length) : p.annoU32(ANNO.EXTRA_LENGTH);
    if (nput) {
      if (p.length + nput > PAD_MAX_LENGTH) return DROP;
      p.put(nput);
    }
    p.setAnnoU32(ANNO.EXTRA_LENGTH, 0);
    return 0;
  }
}

export const spec = defineElement({
  name: 'Pad',
  ports: '1/1',
  processing: 'a/a',
  args: { LENGTH: a.p(T.unsigned, 0), ZERO: a.kw(T.bool, true) },
  configure: (v): PadConf => ({ length: v.LENGTH, zero: v.ZERO }),
  host: (init) => new PadElement(init),
  native: {
    source: nativeSource(import.meta.url, 'pad.c'),
    prefix: 'pad',
    inPlace: true,
    init: (c) => `.length = ${c.length}u`,
  },
});

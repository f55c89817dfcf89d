/**
 * Strip — remove bytes from the front of each packet.
 *
 * Synopsis:   Strip(LENGTH)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: drops the first LENGTH bytes (the data start moves; the bytes
 *             stay in the headroom, so Unstrip can restore them). A packet
 *             shorter than LENGTH becomes empty, as Click's pull clamps.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface StripConf {
  readonly length: number;
}

class StripElement extends SimpleElement<StripConf> {
  action(p: Packet): number {
    p.pull(this.conf.length);
    return 0;
  }
}

const args = { LENGTH: a.mp(T.unsigned) };

export const spec = defineElement<typeof args, StripConf, StripElement>({
  name: 'Strip',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (args) => ({ length: args.LENGTH }),
  host: (init) => new StripElement(init),
  native: { source: nativeSource(import.meta.url, 'strip.c'), prefix: 'strip', inPlace: true, init: (c) => `.length = ${c.length}u` },
});

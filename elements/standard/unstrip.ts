/**
 * Unstrip — put bytes back at the front of each packet.
 *
 * Synopsis:   Unstrip(LENGTH)
 * Ports:      1 input, 1 output; agnostic.
 * Processing: moves the data start LENGTH bytes back. Bytes removed earlier
 *             (by Strip) reappear; where there were none the packet gains
 *             headroom and the new bytes are zero.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface UnstripConf {
  readonly length: number;
}

class UnstripElement extends SimpleElement<UnstripConf> {
  action(p: Packet): number {
    p.push(this.conf.length);
    return 0;
  }
}

const args = { LENGTH: a.mp(T.unsigned) };

export const spec = defineElement<typeof args, UnstripConf, UnstripElement>({
  name: 'Unstrip',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (args) => ({ length: args.LENGTH }),
  host: (init) => new UnstripElement(init),
  native: { source: nativeSource(import.meta.url, 'unstrip.c'), prefix: 'unstrip', inPlace: true, init: (c) => `.length = ${c.length}u` },
});

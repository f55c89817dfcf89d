/**
 * Truncate — limit packet length.
 *
 * Synopsis:   Truncate(LENGTH [, EXTRA_LENGTH])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: packets longer than LENGTH lose their bytes beyond it. With
 *             EXTRA_LENGTH true (the default) the removed byte count is added
 *             to the packet's extra-length annotation (so ToDump records the
 *             original wire length).
 * Handlers:   nbytes (read/write): LENGTH.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { unsignedValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface TruncateConf {
  readonly length: number;
  readonly extraLength: boolean;
}

class TruncateElement extends SimpleElement<TruncateConf> {
  nbytes: number;

  constructor(init: ElementInit<TruncateConf>) {
    super(init);
    this.nbytes = init.conf.length;
  }

  action(p: Packet): number {
    if (p.length > this.nbytes) {
      const cut = p.length - this.nbytes;
      if (this.conf.extraLength) p.setAnnoU32(ANNO.EXTRA_LENGTH, p.annoU32(ANNO.EXTRA_LENGTH) + cut);
      p.take(cut);
    }
    return 0;
  }
}

const args = { LENGTH: a.mp(T.unsigned), EXTRA_LENGTH: a.kw(T.bool, true) };

export const spec = defineElement<typeof args, TruncateConf, TruncateElement>({
  name: 'Truncate',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (args) => ({ length: args.LENGTH, extraLength: args.EXTRA_LENGTH }),
  host: (init) => new TruncateElement(init),
  native: {
    source: nativeSource(import.meta.url, 'truncate.c'),
    prefix: 'truncate',
    inPlace: true,
    init: (c) => `.nbytes = ${c.length}u, .extra_length = ${+c.extraLength}`,
  },
  handlers: {
    nbytes: {
      read: (e: TruncateElement) => String(e.nbytes),
      write: (e: TruncateElement, v: string) => void (e.nbytes = unsignedValue(v, 'nbytes')),
    },
  },
});

/**
 * CheckLength — separate packets longer than a limit.
 *
 * Synopsis:   CheckLength(LENGTH)
 * Ports:      1 input, 1 or 2 outputs; input and output 0 agnostic, output 1 push.
 * Processing: packets of at most LENGTH bytes go out of output 0; longer ones
 *             out of output 1, or are dropped if there is no output 1.
 * Handlers:   length (read/write): LENGTH.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { unsignedValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface CheckLengthConf {
  readonly max: number;
}

class CheckLengthElement extends SimpleElement<CheckLengthConf> {
  max: number;

  constructor(init: ElementInit<CheckLengthConf>) {
    super(init);
    this.max = init.conf.max;
  }

  action(p: Packet): number {
    return p.length > this.max ? 1 : 0;
  }
}

const args = { LENGTH: a.mp(T.unsigned) };

export const spec = defineElement<typeof args, CheckLengthConf, CheckLengthElement>({
  name: 'CheckLength',
  ports: '1/1-2',
  processing: 'a/ah',
  args,
  configure: (args) => ({ max: args.LENGTH }),
  host: (init) => new CheckLengthElement(init),
  native: {
    source: nativeSource(import.meta.url, 'check-length.c'),
    prefix: 'check_length',
    inPlace: true,
    init: (c) => `.max = ${c.max}u`,
  },
  handlers: {
    length: {
      read: (e: CheckLengthElement) => String(e.max),
      write: (e: CheckLengthElement, v: string) => void (e.max = unsignedValue(v, 'length')),
    },
  },
});

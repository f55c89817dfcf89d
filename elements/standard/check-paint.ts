/**
 * CheckPaint — separate packets by paint.
 *
 * Synopsis:   CheckPaint(COLOR [, ANNO])
 * Ports:      1 input, 1 or 2 outputs; input and output 0 agnostic, output 1 push.
 * Processing: packets whose one-byte annotation ANNO (default PAINT) equals
 *             COLOR go out of output 0; the others out of output 1, or are
 *             dropped if there is no output 1.
 * Handlers:   color (read/write).
 */

import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { colorHandler, paintArgs, paintConfigure, type Colored, type PaintConf } from './paint.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class CheckPaintElement extends SimpleElement<PaintConf> implements Colored {
  color: number;

  constructor(init: ElementInit<PaintConf>) {
    super(init);
    this.color = init.conf.color;
  }

  action(p: Packet): number {
    return p.annoU8(this.conf.anno) === this.color ? 0 : 1;
  }
}

export const spec = defineElement<typeof paintArgs, PaintConf, CheckPaintElement>({
  name: 'CheckPaint',
  ports: '1/1-2',
  processing: 'a/ah',
  args: paintArgs,
  configure: paintConfigure,
  host: (init) => new CheckPaintElement(init),
  native: {
    source: nativeSource(import.meta.url, 'check-paint.c'),
    prefix: 'check_paint',
    inPlace: true,
    init: (c) => `.color = ${c.color}, .anno = ${c.anno}`,
  },
  handlers: { color: colorHandler },
});

/**
 * Paint — set each packet's paint annotation.
 *
 * Synopsis:   Paint(COLOR [, ANNO])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: sets the one-byte annotation ANNO (default PAINT, byte 16) to
 *             COLOR (0 to 255). ANNO is an annotation name or byte offset.
 * Handlers:   color (read/write).
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { annoArg } from '../lib/anno-arg.js';
import { byteValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface PaintConf {
  readonly color: number;
  /** Annotation byte offset. */
  readonly anno: number;
}

/** COLOR and ANNO, shared by Paint, PaintTee and CheckPaint. */
export const paintArgs = { COLOR: a.mp(T.byte), ANNO: a.p(annoArg(1), ANNO.PAINT) };

export const paintConfigure = (args: { COLOR: number; ANNO: number }): PaintConf => ({ color: args.COLOR, anno: args.ANNO });

/** An element with a settable color (the `color` handler). */
export interface Colored {
  color: number;
}

export const colorHandler = {
  read: (e: Colored) => String(e.color),
  write: (e: Colored, v: string) => void (e.color = byteValue(v, 'color')),
};

class PaintElement extends SimpleElement<PaintConf> implements Colored {
  color: number;

  constructor(init: ElementInit<PaintConf>) {
    super(init);
    this.color = init.conf.color;
  }

  action(p: Packet): number {
    p.setAnnoU8(this.conf.anno, this.color);
    return 0;
  }
}

export const spec = defineElement<typeof paintArgs, PaintConf, PaintElement>({
  name: 'Paint',
  ports: '1/1',
  processing: 'a/a',
  args: paintArgs,
  configure: paintConfigure,
  host: (init) => new PaintElement(init),
  native: { source: nativeSource(import.meta.url, 'paint.c'), prefix: 'paint', inPlace: true, init: (c) => `.color = ${c.color}, .anno = ${c.anno}` },
  handlers: { color: colorHandler },
});

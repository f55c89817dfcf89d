/**
 * PaintTee — copy packets of one color to a second output.
 *
 * Synopsis:   PaintTee(COLOR [, ANNO])
 * Ports:      1 input, 2 outputs; input and output 0 agnostic, output 1 push.
 * Processing: every packet goes out of output 0; when its one-byte
 *             annotation ANNO (default PAINT) equals COLOR, a clone first goes
 *             out of output 1.
 * Handlers:   color (read/write).
 */

import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { colorHandler, paintArgs, paintConfigure, type Colored, type PaintConf } from './paint.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class PaintTeeElement extends HostElement<PaintConf> implements Colored {
  color: number;

  constructor(init: ElementInit<PaintConf>) {
    super(init);
    this.color = init.conf.color;
  }

  private copy(p: Packet, out: Out): void {
    if (p.annoU8(this.conf.anno) === this.color) out.emit(1, this.clonePacket(p));
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      this.copy(p, out);
      out.emit(0, p);
    }
  }

  override pull(_port: number, max: number, out: Out): PacketBatch {
    const batch = this.env.pullInput(0, max);
    for (const p of batch) this.copy(p, out);
    return batch;
  }
}

export const spec = defineElement<typeof paintArgs, PaintConf, PaintTeeElement>({
  name: 'PaintTee',
  ports: '1/2',
  processing: 'a/ah',
  args: paintArgs,
  configure: paintConfigure,
  host: (init) => new PaintTeeElement(init),
  native: {
    source: nativeSource(import.meta.url, 'paint-tee.c'),
    prefix: 'paint_tee',
    hooks: { pull: true },
    init: (c) => `.color = ${c.color}, .anno = ${c.anno}`,
  },
  handlers: { color: colorHandler },
});

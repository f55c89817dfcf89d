/**
 * PaintSwitch — send each packet out of the output its paint names.
 *
 * Synopsis:   PaintSwitch([ANNO])
 * Ports:      1 push input, any number of push outputs (up to 255 are reachable).
 * Processing: a packet whose one-byte annotation ANNO (default PAINT) is K
 *             goes out of output K, or is dropped if there is no output K.
 *             K = 255 sends clones out of every output but the last and the
 *             packet itself out of the last.
 *
 * Difference from Click: with no outputs, Click crashes on paint 255; here
 * the packet is dropped.
 */

import { a } from '../../config-lang/args/args.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import { ANNO, type PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { annoArg } from '../lib/anno-arg.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface PaintSwitchConf {
  readonly anno: number;
}

class PaintSwitchElement extends HostElement<PaintSwitchConf> {
  override push(_port: number, batch: PacketBatch, out: Out): void {
    const n = this.noutputs;
    for (const p of batch) {
      const k = p.annoU8(this.conf.anno);
      if (k === 0xff && n > 0) {
        for (let i = 0; i < n - 1; i++) out.emit(i, this.clonePacket(p));
        out.emit(n - 1, p);
      } else if (k < n) {
        out.emit(k, p);
      } else {
        this.drop(p);
      }
    }
  }
}

const args = { ANNO: a.p(annoArg(1), ANNO.PAINT) };

export const spec = defineElement<typeof args, PaintSwitchConf, PaintSwitchElement>({
  name: 'PaintSwitch',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (args) => ({ anno: args.ANNO }),
  host: (init) => new PaintSwitchElement(init),
  native: {
    source: nativeSource(import.meta.url, 'paint-switch.c'),
    prefix: 'paint_switch',
    init: (c) => `.anno = ${c.anno}`,
  },
});

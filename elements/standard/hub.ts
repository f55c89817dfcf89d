/**
 * Hub — send each packet out of every output but the one of its input.
 *
 * Synopsis:   Hub
 * Ports:      N inputs, N outputs (N at least 1); push.
 * Processing: a packet arriving on input I goes out of every output except
 *   output I, in output order: clones first, the packet itself on the last
 *   of them. With a single port there is nowhere to send it: it is dropped
 *   (counted; Click frees it).
 * Differences: packets may flow from any input to any output in the
 *   engines' flow analysis (Click's flow code excludes output I).
 */

import { ConfigError } from '../../config-lang/args/args.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { defineElement } from '../spec.js';

class HubElement extends HostElement<Record<string, never>> {
  override push(port: number, batch: PacketBatch, out: Out): void {
    const last = port === this.noutputs - 1 ? this.noutputs - 2 : this.noutputs - 1;
    for (const p of batch) {
      if (last < 0) {
        this.drop(p);
        continue;
      }
      for (let i = 0; i < last; i++) if (i !== port) out.emit(i, this.clonePacket(p));
      out.emit(last, p);
    }
  }
}

export const spec = defineElement({
  name: 'Hub',
  ports: '1-/1-',
  processing: 'h/h',
  args: {},
  configure: (_v, ctx) => {
    if (ctx.ninputs !== ctx.noutputs) throw new ConfigError(`need as many outputs as inputs (${ctx.ninputs} input${ctx.ninputs === 1 ? '' : 's'}, ${ctx.noutputs} output${ctx.noutputs === 1 ? '' : 's'})`);
    return {};
  },
  host: (init) => new HubElement(init),
  native: { source: nativeSource(import.meta.url, 'hub.c'), prefix: 'hub' },
});

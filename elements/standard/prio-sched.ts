/**
 * PrioSched — strict priority scheduler.
 *
 * Synopsis:   PrioSched
 * Ports:      any number of pull inputs, 1 pull output.
 * Processing: each packet pulled from the output comes from the
 *             lowest-numbered input that has one.
 */

import { HostElement } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class PrioSchedElement extends HostElement<Record<string, never>> {
  override pull(_port: number, max: number): PacketBatch {
    const got: PacketBatch = [];
    // One Click pull per packet: the highest-priority input is asked again
    // before each packet, so packets arriving meanwhile jump ahead.
    while (got.length < max) {
      let p: Packet | undefined;
      for (let i = 0; i < this.ninputs && !p; i++) p = this.env.pullInput(i, 1)[0];
      if (!p) break;
      got.push(p);
    }
    return got;
  }
}

export const spec = defineElement({
  name: 'PrioSched',
  ports: '-/1',
  processing: 'l/l',
  args: {},
  host: (init) => new PrioSchedElement(init),
  native: {
    source: nativeSource(import.meta.url, 'prio-sched.c'),
    prefix: 'prio_sched',
    hooks: { pull: true },
    init: (_c, ctx) => `.ninputs = ${ctx.ninputs}`,
  },
});

/**
 * RoundRobinSched — pull from the inputs in turn.
 *
 * Synopsis:   RoundRobinSched
 * Ports:      any number of pull inputs, 1 pull output.
 * Processing: each packet pulled from the output comes from the first input,
 *             starting after the one that gave the previous packet, that has
 *             one; inputs are tried once each. Click skips inputs whose queue
 *             reports empty; pulling an empty input gives nothing, so the
 *             packets are the same.
 */

import { HostElement } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class RoundRobinSchedElement extends HostElement<Record<string, never>> {
  private next = 0;

  override pull(_port: number, max: number): PacketBatch {
    const got: PacketBatch = [];
    const n = this.ninputs;
    while (got.length < max) {
      let found = false;
      for (let tried = 0, i = this.next; tried < n; tried++) {
        const [p] = this.env.pullInput(i, 1);
        i = i + 1 >= n ? 0 : i + 1;
        if (p) {
          this.next = i;
          got.push(p);
          found = true;
          break;
        }
      }
      if (!found) break;
    }
    return got;
  }
}

export const spec = defineElement({
  name: 'RoundRobinSched',
  ports: '-/1',
  processing: 'l/l',
  args: {},
  host: (init) => new RoundRobinSchedElement(init),
  native: {
    source: nativeSource(import.meta.url, 'round-robin-sched.c'),
    prefix: 'round_robin_sched',
    hooks: { pull: true },
    init: (_c, ctx) => `.ninputs = ${ctx.ninputs}`,
  },
});

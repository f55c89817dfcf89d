/**
 * Idle — a placeholder that never sends and drops whatever it is given.
 *
 * Synopsis:   Idle
 * Ports:      any number of inputs and outputs, agnostic; flow x/y (no packet goes through).
 * Processing: never pushes to an output; a pull from it returns nothing; packets pushed
 *             to it are dropped (and counted as drops). Used to close unconnected ports.
 */

import { HostElement } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export class IdleElement extends HostElement<Record<string, never>> {
  override push(_port: number, batch: PacketBatch): void {
    for (const p of batch) this.drop(p);
  }

  override pull(): PacketBatch {
    return [];
  }
}

export const spec = defineElement({
  name: 'Idle',
  ports: '-/-',
  processing: 'a/a',
  flow: 'x/y',
  args: {},
  host: (init) => new IdleElement(init),
  native: { source: nativeSource(import.meta.url, 'idle.c'), prefix: 'idle', hooks: { pull: true } },
});

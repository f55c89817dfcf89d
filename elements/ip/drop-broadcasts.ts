/**
 * DropBroadcasts — drop packets that arrived as link-level broadcasts.
 *
 * Synopsis:   DropBroadcasts
 * Ports:      1 input; 1 or 2 outputs. Agnostic input and output 0; output 1 is push.
 * Processing: a packet whose packet type annotation is BROADCAST or
 *   MULTICAST (set by HostEtherFilter or a device) is counted and leaves on
 *   output 1, or is dropped if there is none; the first one prints
 *   "DropBroadcasts: dropped a packet". Other packets leave on output 0.
 * Handlers:
 *   drops (read)  packets diverted
 */

import { SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { PacketType, type Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export class DropBroadcastsElement extends SimpleElement<Record<string, never>> {
  drops = 0;

  action(p: Packet): number {
    if (p.packetType !== PacketType.BROADCAST && p.packetType !== PacketType.MULTICAST) return 0;
    if (this.drops === 0) this.env.stderr('DropBroadcasts: dropped a packet');
    this.drops++;
    return 1;
  }
}

export const spec = defineElement({
  name: 'DropBroadcasts',
  ports: '1/1-2',
  processing: 'a/ah',
  args: {},
  configure: (): Record<string, never> => ({}),
  host: (init: ElementInit<Record<string, never>>) => new DropBroadcastsElement(init),
  native: {
    source: nativeSource(import.meta.url, 'drop-broadcasts.c'),
    prefix: 'drop_broadcasts',
    inPlace: true,
  },
  handlers: {
    drops: { read: (e: DropBroadcastsElement) => String(e.drops), doc: 'broadcast and multicast packets diverted' },
  },
});

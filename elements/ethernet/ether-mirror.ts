/**
 * EtherMirror — swap the Ethernet source and destination addresses.
 *
 * Synopsis:   EtherMirror
 * Ports:      1 input, 1 output; agnostic.
 * Processing: exchanges the first six bytes (destination) with the next six
 *   (source) of each packet, which is expected to start with an Ethernet
 *   header.
 * Differences from Click: a packet shorter than 12 bytes (Click reads and
 *   writes past the data) is dropped and counted in the engine's drop
 *   statistics.
 */

import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { ETH } from '../lib/ether-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class EtherMirrorElement extends SimpleElement<Record<string, never>> {
  action(p: Packet): number {
    if (p.length < ETH.TYPE) return DROP;
    const d = p.writable();
    const dst = d.slice(ETH.DST, ETH.DST + 6);
    d.copyWithin(ETH.DST, ETH.SRC, ETH.SRC + 6);
    d.set(dst, ETH.SRC);
    return 0;
  }
}

export const spec = defineElement({
  name: 'EtherMirror',
  ports: '1/1',
  processing: 'a/a',
  args: {},
  configure: (): Record<string, never> => ({}),
  host: (init: ElementInit<Record<string, never>>) => new EtherMirrorElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ether-mirror.c'),
    prefix: 'ether_mirror',
    inPlace: true,
  },
});

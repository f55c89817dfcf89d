/**
 * StripToNetworkHeader — move the data start to the network header.
 *
 * Synopsis:   StripToNetworkHeader
 * Ports:      1 input, 1 output; agnostic.
 * Processing: removes everything before the packet's network header
 *             annotation (set by MarkIPHeader, CheckIPHeader...); if the
 *             header lies before the data start, the data start moves back to it.
 *
 * Difference from Click: a packet without a network header annotation makes
 * Click compute a wild offset; here it is dropped and counted.
 */

import { DROP, SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class StripToNetworkHeaderElement extends SimpleElement<Record<string, never>> {
  action(p: Packet): number {
    const off = p.networkHeaderOffset;
    if (off === undefined) return DROP;
    if (off >= 0) p.pull(off);
    else p.push(-off);
    return 0;
  }
}

export const spec = defineElement({
  name: 'StripToNetworkHeader',
  ports: '1/1',
  processing: 'a/a',
  args: {},
  host: (init) => new StripToNetworkHeaderElement(init),
  native: { source: nativeSource(import.meta.url, 'strip-to-network-header.c'), prefix: 'strip_to_network_header', inPlace: true },
});

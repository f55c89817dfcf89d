/**
 * MarkIPHeader — set the IP header annotation.
 *
 * Synopsis:   MarkIPHeader([OFFSET])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: marks the IP header as starting OFFSET bytes into the packet
 *   (default 0): sets the network header annotation there, with the header
 *   length taken from the header's length field, and the transport header
 *   annotation just after it. Checks nothing, does not shorten the packet
 *   and does not set the destination IP annotation (see CheckIPHeader).
 * Arguments:
 *   OFFSET  unsigned, default 0.
 * Differences from Click: a packet too short to hold the header-length byte
 *   at OFFSET (Click would read past the data) is dropped and counted in the
 *   engine's drop statistics.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { cU32 } from '../lib/native-init.js';

export interface MarkIPHeaderConf {
  offset: number;
}

class MarkIPHeaderElement extends SimpleElement<MarkIPHeaderConf> {
  action(p: Packet): number {
    const at = this.conf.offset;
    if (at >= p.length) return DROP;
    p.setNetworkHeader(at, (p.data[at]! & 0x0f) << 2);
    return 0;
  }
}

export const spec = defineElement({
  name: 'MarkIPHeader',
  ports: '1/1',
  processing: 'a/a',
  args: { OFFSET: a.p(T.unsigned, 0) },
  configure: (v): MarkIPHeaderConf => ({ offset: v.OFFSET }),
  host: (init: ElementInit<MarkIPHeaderConf>) => new MarkIPHeaderElement(init),
  native: {
    source: nativeSource(import.meta.url, 'mark-ip-header.c'),
    prefix: 'mark_ip_header',
    inPlace: true,
    init: (c) => `.offset = ${cU32(c.offset)}`,
  },
});

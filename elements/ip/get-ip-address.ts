/**
 * GetIPAddress — set the destination IP annotation from packet data.
 *
 * Synopsis:   GetIPAddress(OFFSET [, ANNO, keyword IP])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: copies the 4 bytes at OFFSET in the packet (usually 16, the
 *   destination of an IP header at the packet start) into the destination IP
 *   annotation. Instead of OFFSET, `IP src` or `IP dst` copies that address
 *   from the packet's marked IP header.
 * Arguments:
 *   OFFSET  integer byte offset (give exactly one of OFFSET and IP).
 *   ANNO    annotation to write instead of the destination IP annotation
 *           (an offset or name of a 4-byte annotation).
 *   IP      `src` or `dst`.
 * Differences from Click: packets too short for the 4 bytes at OFFSET, or
 *   without an IP header annotation in IP mode (Click reads past the data),
 *   are dropped and counted in the engine's drop statistics.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import { ANNO, type Packet } from '../../host-engine/packet.js';
import { annoArg } from '../lib/anno-arg.js';
import { IPH, ipHeader } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface GetIPAddressConf {
  /** Byte offset in the packet, or -1 for the IP header's source, -2 for its destination. */
  offset: number;
  anno: number;
}

const IP_SRC = -1;
const IP_DST = -2;

class GetIPAddressElement extends SimpleElement<GetIPAddressConf> {
  action(p: Packet): number {
    const { offset, anno } = this.conf;
    if (offset >= 0) {
      if (offset + 4 > p.length) return DROP;
      p.anno.set(p.data.subarray(offset, offset + 4), anno);
      return 0;
    }
    const ip = ipHeader(p);
    if (!ip || ip.avail < IPH.MIN_LEN) return DROP;
    const field = ip.at + (offset === IP_SRC ? IPH.SRC : IPH.DST);
    p.anno.set(ip.buf.subarray(field, field + 4), anno);
    return 0;
  }
}

export const spec = defineElement({
  name: 'GetIPAddress',
  ports: '1/1',
  processing: 'a/a',
  args: {
    OFFSET: a.p(T.int, -1),
    ANNO: a.p(annoArg(4), ANNO.DST_IP),
    IP: a.ko(T.word),
  },
  configure: (v): GetIPAddressConf => {
    if ((v.OFFSET >= 0) === (v.IP !== undefined)) throw new ConfigError('set one of OFFSET, IP');
    let offset = v.OFFSET;
    if (v.IP === 'src') offset = IP_SRC;
    else if (v.IP === 'dst') offset = IP_DST;
    else if (v.IP !== undefined) throw new ConfigError('bad IP', undefined, "IP must be 'src' or 'dst'");
    return { offset, anno: v.ANNO };
  },
  host: (init: ElementInit<GetIPAddressConf>) => new GetIPAddressElement(init),
  native: {
    source: nativeSource(import.meta.url, 'get-ip-address.c'),
    prefix: 'get_ip_address',
    inPlace: true,
    init: (c) => `.offset = ${c.offset}, .anno = ${c.anno}`,
  },
});

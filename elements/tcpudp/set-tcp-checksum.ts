/**
 * SetTCPChecksum — compute and store the TCP checksum.
 *
 * Synopsis:   SetTCPChecksum([FIXOFF])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: input packets should be TCP in IP with header annotations set.
 *             Sets the TCP checksum over the IP payload length (IP length
 *             minus IP header length) and the pseudo-header. Packets whose
 *             payload is shorter than a TCP header or longer than the data
 *             present are dropped, each printing `SetTCPChecksum: bad lengths`.
 * Arguments:  FIXOFF (boolean, default false): first repair the TCP header
 *             length field: raise it to 5 words if smaller, or, for a
 *             packet that is not a fragment, lower it to the payload length
 *             if larger (Click's arithmetic, kept to 4 bits).
 * Handlers:   none.
 * Difference: a packet without an IP header annotation (Click crashes) is
 *             dropped like a bad-length one.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { DROP, SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { headerPositions, transportLength } from '../lib/packet-headers.js';
import { be16, isFragment, setTransportChecksum } from '../lib/transport-checksum.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

interface SetTCPChecksumConf {
  readonly fixoff: boolean;
}

class SetTCPChecksumElement extends SimpleElement<SetTCPChecksumConf> {
  override action(p: Packet): number {
    p.writable();
    const h = headerPositions(p);
    const plen = h ? be16(h.buf, h.ip + 2) - ((h.buf[h.ip]! & 15) << 2) : -1;
    if (!h || plen < 20 || plen > transportLength(h)) {
      this.env.stderr('SetTCPChecksum: bad lengths');
      return DROP;
    }
    if (this.conf.fixoff) {
      const offAt = h.trans + 12;
      const off = (h.buf[offAt]! >> 4) << 2;
      if (off < 20) h.buf[offAt] = (h.buf[offAt]! & 0x0f) | (5 << 4);
      else if (off > plen && !isFragment(h.buf, h.ip)) h.buf[offAt] = (h.buf[offAt]! & 0x0f) | (((plen >> 2) & 15) << 4);
    }
    setTransportChecksum(h.buf, h.ip, h.trans, plen, 16);
    return 0;
  }
}

export const spec = anySpec(defineElement({
  name: 'SetTCPChecksum',
  ports: '1/1',
  processing: 'a/a',
  args: { FIXOFF: a.p(T.bool, false) },
  configure: (v): SetTCPChecksumConf => ({ fixoff: v.FIXOFF }),
  host: (init) => new SetTCPChecksumElement(init),
  native: {
    source: nativeSource(import.meta.url, 'set-tcp-checksum.c'),
    prefix: 'set_tcp_checksum',
    inPlace: true,
    init: (c) => `.fixoff = ${+c.fixoff}`,
  },
}));

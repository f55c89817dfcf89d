/**
 * SetIPChecksum — recompute IP header checksums.
 *
 * Synopsis:   SetIPChecksum()
 * Ports:      1 input, 1 output; agnostic.
 * Processing: the IP header is at the network header annotation, or at the
 *   packet start if none is set. Its checksum field is recomputed over the
 *   header length. A packet with fewer than 20 bytes from the header to the
 *   end, or a header length below 20 or beyond the packet, is dropped; the
 *   first such drop prints "SetIPChecksum: bad input packet".
 * Handlers:
 *   drops (read)  packets dropped as bad
 */

import { DROP, SimpleElement, type ElementInit } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { checksum } from '../lib/checksum.js';
import { IPH, setU16 } from '../lib/ip-header.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export class SetIPChecksumElement extends SimpleElement<Record<string, never>> {
  drops = 0;

  action(p: Packet): number {
    const rel = p.networkHeaderOffset ?? 0;
    const plen = p.length - rel;
    if (rel >= 0 && plen >= IPH.MIN_LEN) {
      const hlen = (p.data[rel]! & 0x0f) << 2;
      if (hlen >= IPH.MIN_LEN && hlen <= plen) {
        const d = p.writable();
        setU16(d, rel + IPH.SUM, 0);
        setU16(d, rel + IPH.SUM, checksum(d, rel, hlen));
        return 0;
      }
    }
    if (++this.drops === 1) this.env.stderr('SetIPChecksum: bad input packet');
    return DROP;
  }
}

export const spec = defineElement({
  name: 'SetIPChecksum',
  ports: '1/1',
  processing: 'a/a',
  args: {},
  configure: (): Record<string, never> => ({}),
  host: (init: ElementInit<Record<string, never>>) => new SetIPChecksumElement(init),
  native: {
    source: nativeSource(import.meta.url, 'set-ip-checksum.c'),
    prefix: 'set_ip_checksum',
    inPlace: true,
  },
  handlers: {
    drops: { read: (e: SetIPChecksumElement) => String(e.drops), doc: 'packets dropped as bad' },
  },
});

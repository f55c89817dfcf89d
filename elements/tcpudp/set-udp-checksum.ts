/**
 * SetUDPChecksum — compute and store the UDP checksum.
 *
 * Synopsis:   SetUDPChecksum()
 * Ports:      1 input, 1 or 2 outputs; agnostic input, output 1 push.
 * Processing: input packets must be UDP in IP with the IP header annotation
 *             set (the protocol is not checked). Sets the UDP checksum over
 *             the UDP length and the pseudo-header (taking the final
 *             destination from a source-route option, as Click does; a
 *             computed 0 is stored as 0, as Click does).
 *             IP fragments, packets whose transport part is shorter than a
 *             UDP header, and packets shorter than their UDP length go to
 *             output 1; with one output they are dropped, and the first
 *             such packet in the router prints
 *             `NAME :: SetUDPChecksum: fragment or short packet`.
 * Arguments:  none.
 * Handlers:   none.
 * Difference: a packet without an IP header annotation (Click crashes) is dropped.
 */

import { DROP, SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { headerPositions, transportLength } from '../lib/packet-headers.js';
import { routerAttachment } from '../lib/router-attachments.js';
import { be16, isFragment, setTransportChecksum } from '../lib/transport-checksum.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class SetUDPChecksumElement extends SimpleElement<Record<string, never>> {
  override action(p: Packet): number {
    p.writable();
    const h = headerPositions(p);
    if (!h) return DROP;
    const tlen = transportLength(h);
    let ulen = 0;
    if (isFragment(h.buf, h.ip) || tlen < 8 || ((ulen = be16(h.buf, h.trans + 4)), tlen < ulen)) {
      if (this.noutputs === 1) {
        // Click prints this once per router, whichever SetUDPChecksum sees it first.
        const said = routerAttachment(this.env, 'SetUDPChecksum_message', () => ({ said: false }));
        if (!said.said) {
          this.env.stderr(`${this.name} :: SetUDPChecksum: fragment or short packet`);
          said.said = true;
        }
      }
      return 1;
    }
    setTransportChecksum(h.buf, h.ip, h.trans, ulen, 6);
    return 0;
  }
}

export const spec = anySpec(defineElement({
  name: 'SetUDPChecksum',
  ports: '1/1-2',
  processing: 'a/ah',
  args: {},
  configure: (): Record<string, never> => ({}),
  host: (init) => new SetUDPChecksumElement(init),
  native: {
    source: nativeSource(import.meta.url, 'set-udp-checksum.c'),
    prefix: 'set_udp_checksum',
    inPlace: true,
    hooks: { init: true },
  },
}));

/**
 * ICMPPingResponder — answer ICMP echo requests.
 *
 * Synopsis:   ICMPPingResponder()
 * Ports:      1 input, 1 or 2 outputs; agnostic input, output 1 push.
 * Processing: input packets need their IP header annotations. An ICMP echo
 *             request (at least 8 bytes of ICMP) is turned into its reply
 *             in place and emitted on output 0: source and destination
 *             swapped, fragment field cleared, TTL 255, ICMP type 0 and
 *             code 0, both checksums updated incrementally as Click does.
 *             The reply's destination annotation is its new destination,
 *             its paint annotation is 0 and its timestamp is now; other
 *             annotations are kept. Other packets go to output 1, or are
 *             dropped if there is none.
 * Arguments:  none.
 * Handlers:   none.
 * Difference: a packet without an IP header annotation (Click crashes) is dropped.
 */

import { DROP, SimpleElement } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { setPacketTimeNs } from '../lib/click-time.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { headerPositions, transportLength } from '../lib/packet-headers.js';
import { be16, be32, fixZeroChecksum, setBe32, updateField } from '../lib/transport-checksum.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

class ICMPPingResponderElement extends SimpleElement<Record<string, never>> {
  override action(p: Packet): number {
    const seen = headerPositions(p);
    if (!seen) return DROP;
    if (transportLength(seen) < 8 || seen.buf[seen.ip + 9] !== 1 || seen.buf[seen.trans] !== 8) return 1;

    p.writable();
    const { buf, ip, trans, end } = headerPositions(p)!;
    const src = be32(buf, ip + 12);
    setBe32(buf, ip + 12, be32(buf, ip + 16));
    setBe32(buf, ip + 16, src);
    updateField(buf, ip + 10, be16(buf, ip + 6), 0);
    buf[ip + 6] = buf[ip + 7] = 0;
    const oldTTL = be16(buf, ip + 8);
    buf[ip + 8] = 255;
    updateField(buf, ip + 10, oldTTL, be16(buf, ip + 8));

    p.dstIP = be32(buf, ip + 16);
    setPacketTimeNs(p, this.env.now());
    p.paint = 0;

    const oldType = be16(buf, trans);
    buf[trans] = 0;
    buf[trans + 1] = 0;
    updateField(buf, trans + 2, oldType, 0);
    fixZeroChecksum(buf, trans + 2, trans, end - trans);
    return 0;
  }
}

export const spec = anySpec(defineElement({
  name: 'ICMPPingResponder',
  ports: '1/1-2',
  processing: 'a/ah',
  args: {},
  configure: (): Record<string, never> => ({}),
  host: (init) => new ICMPPingResponderElement(init),
  native: {
    source: nativeSource(import.meta.url, 'icmp-ping-responder.c'),
    prefix: 'icmp_ping_responder',
    inPlace: true,
  },
}));

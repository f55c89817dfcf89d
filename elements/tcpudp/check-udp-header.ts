/**
 * CheckUDPHeader — check the UDP length and checksum of UDP/IP packets.
 *
 * Synopsis:   CheckUDPHeader([VERBOSE, DETAILS])
 * Ports:      1 input, 1 or 2 outputs; agnostic input, output 1 push.
 * Processing: packets need the IP header annotation. A packet fails if it
 *             is not UDP (or has no IP header), if its UDP length is below 8
 *             or exceeds the data after the IP header, or if its checksum
 *             is non-zero and wrong. Failed packets go to output 1, or are
 *             dropped if there is none. The first failure (every one with
 *             VERBOSE) prints `UDP header check failed: REASON` (Click's
 *             text has no element name here).
 * Keywords:   VERBOSE (boolean, false), DETAILS (boolean, false: keep per-reason counts).
 * Handlers:
 *   drops (read)         packets that failed
 *   drop_details (read)  with DETAILS: `COUNT<TAB>REASON` per reason (not UDP, bad packet length, bad UDP checksum)
 * Difference: a packet too short to hold its UDP header fails with "bad
 *             packet length" (Click reads past the data).
 */

import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { headerPositions } from '../lib/packet-headers.js';
import { be16, transportChecksum } from '../lib/transport-checksum.js';
import { CheckHeaderElement, checkHeaderArgs, checkHeaderHandlers, checkHeaderNative, configureCheckHeader } from './check-header-base.js';

const NOT_UDP = 0;
const BAD_LENGTH = 1;
const BAD_CHECKSUM = 2;

class CheckUDPHeaderElement extends CheckHeaderElement {
  protected readonly reasons = ['not UDP', 'bad packet length', 'bad UDP checksum'];

  protected message(reason: string): string {
    return `UDP header check failed: ${reason}`;
  }

  override action(p: Packet): number {
    const h = headerPositions(p);
    if (!h || h.buf[h.ip + 9] !== 17) return this.fail(NOT_UDP);
    if (h.trans < 0 || h.trans + 8 > h.end) return this.fail(BAD_LENGTH);
    const iphLen = (h.buf[h.ip]! & 15) << 2;
    const len = be16(h.buf, h.trans + 4);
    const networkOffset = p.networkHeaderOffset!;
    if (len < 8 || p.length < len + iphLen + networkOffset || h.trans + len > h.end) return this.fail(BAD_LENGTH);
    if (be16(h.buf, h.trans + 6) !== 0 && transportChecksum(h.buf, h.ip, h.trans, len) !== 0) return this.fail(BAD_CHECKSUM);
    return 0;
  }
}

export const spec = anySpec(defineElement({
  name: 'CheckUDPHeader',
  ports: '1/1-2',
  processing: 'a/ah',
  args: checkHeaderArgs,
  configure: configureCheckHeader,
  handlers: checkHeaderHandlers,
  host: (init) => new CheckUDPHeaderElement(init),
  native: checkHeaderNative(import.meta.url, 'check-udp-header.c', 'check_udp_header'),
}));

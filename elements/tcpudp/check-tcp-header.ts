/**
 * CheckTCPHeader — check the TCP header length and checksum of TCP/IP packets.
 *
 * Synopsis:   CheckTCPHeader([VERBOSE, DETAILS])
 * Ports:      1 input, 1 or 2 outputs; agnostic input, output 1 push.
 * Processing: packets need the IP header annotation. A packet fails if it
 *             is not TCP (or has no IP header), if its TCP header length is
 *             below 20 or exceeds the IP payload length, if the IP payload
 *             extends past the data, or if the TCP checksum (over the IP
 *             payload and pseudo-header) is wrong. Failed packets go to
 *             output 1, or are dropped if there is none. The first failure
 *             (every one with VERBOSE) prints
 *             `NAME :: CheckTCPHeader: TCP header check failed: REASON`.
 * Keywords:   VERBOSE (boolean, false), DETAILS (boolean, false: keep per-reason counts).
 * Handlers:
 *   drops (read)         packets that failed
 *   drop_details (read)  with DETAILS: `COUNT<TAB>REASON` per reason (not TCP, bad packet length, bad TCP checksum)
 * Difference: a packet too short to hold its TCP header fails with "bad
 *             packet length" (Click reads past the data).
 */

import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { headerPositions } from '../lib/packet-headers.js';
import { be16, transportChecksum } from '../lib/transport-checksum.js';
import { CheckHeaderElement, checkHeaderArgs, checkHeaderHandlers, checkHeaderNative, configureCheckHeader } from './check-header-base.js';

const NOT_TCP = 0;
const BAD_LENGTH = 1;
const BAD_CHECKSUM = 2;

class CheckTCPHeaderElement extends CheckHeaderElement {
  protected readonly reasons = ['not TCP', 'bad packet length', 'bad TCP checksum'];

  protected message(reason: string): string {
    return `${this.name} :: CheckTCPHeader: TCP header check failed: ${reason}`;
  }

  override action(p: Packet): number {
    const h = headerPositions(p);
    if (!h || h.buf[h.ip + 9] !== 6) return this.fail(NOT_TCP);
    if (h.trans < 0 || h.trans + 20 > h.end) return this.fail(BAD_LENGTH);
    const iphLen = (h.buf[h.ip]! & 15) << 2;
    const len = be16(h.buf, h.ip + 2) - iphLen;
    const tcphLen = (h.buf[h.trans + 12]! >> 4) << 2;
    const networkOffset = p.networkHeaderOffset!;
    if (tcphLen < 20 || len < tcphLen || p.length < len + iphLen + networkOffset || h.trans + len > h.end) return this.fail(BAD_LENGTH);
    if (transportChecksum(h.buf, h.ip, h.trans, len) !== 0) return this.fail(BAD_CHECKSUM);
    return 0;
  }
}

export const spec = anySpec(defineElement({
  name: 'CheckTCPHeader',
  ports: '1/1-2',
  processing: 'a/ah',
  args: checkHeaderArgs,
  configure: configureCheckHeader,
  handlers: checkHeaderHandlers,
  host: (init) => new CheckTCPHeaderElement(init),
  native: checkHeaderNative(import.meta.url, 'check-tcp-header.c', 'check_tcp_header', (name) => `${name} :: CheckTCPHeader: `),
}));

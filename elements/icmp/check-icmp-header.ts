/**
 * CheckICMPHeader — check the length and checksum of ICMP/IP packets.
 *
 * Synopsis:   CheckICMPHeader([VERBOSE, DETAILS])
 * Ports:      1 input, 1 or 2 outputs; agnostic input, output 1 push.
 * Processing: packets need the IP header annotation. A packet fails if it
 *             is not ICMP (or has no IP header), if fewer than 8 bytes lie
 *             from the ICMP header to the end of the data, if its length
 *             does not suit its type (error messages — unreachable, source
 *             quench, redirect, time exceeded, parameter problem — need 28
 *             more bytes for the quoted IP header and 8 data bytes;
 *             timestamp request/reply must be exactly 20 bytes; information
 *             request/reply exactly 8), or if the checksum over those bytes
 *             is wrong. Failed packets go to output 1, or are dropped if
 *             there is none. The first failure (every one with VERBOSE)
 *             prints `NAME :: CheckICMPHeader: ICMP header check failed: REASON`.
 * Keywords:   VERBOSE (boolean, false), DETAILS (boolean, false: keep per-reason counts).
 * Handlers:
 *   drops (read)         packets that failed
 *   drop_details (read)  with DETAILS: `COUNT<TAB>REASON` per reason (not ICMP, bad packet length, bad ICMP checksum)
 * Difference: a packet whose IP header does not lie within its data fails
 *             with "not ICMP" (Click reads past the data).
 */

import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { checksum } from '../lib/checksum.js';
import { headerPositions } from '../lib/packet-headers.js';
import {
  CheckHeaderElement,
  checkHeaderArgs,
  checkHeaderHandlers,
  checkHeaderNative,
  configureCheckHeader,
} from '../tcpudp/check-header-base.js';

const NOT_ICMP = 0;
const BAD_LENGTH = 1;
const BAD_CHECKSUM = 2;

/** The length an ICMP message of `type` must have: [minimum, exact?]. */
function lengthOk(type: number, len: number): boolean {
  switch (type) {
    case 3: // destination unreachable
    case 4: // source quench
    case 5: // redirect
    case 11: // time exceeded
    case 12: // parameter problem
      return len >= 8 + 28;
    case 13: // timestamp
    case 14: // timestamp reply
      return len === 20;
    case 15: // information request
    case 16: // information reply
      return len === 8;
    default:
      return true;
  }
}

class CheckICMPHeaderElement extends CheckHeaderElement {
  protected readonly reasons = ['not ICMP', 'bad packet length', 'bad ICMP checksum'];

  protected message(reason: string): string {
    return `${this.name} :: CheckICMPHeader: ICMP header check failed: ${reason}`;
  }

  override action(p: Packet): number {
    const h = headerPositions(p);
    if (!h || h.buf[h.ip + 9] !== 1) return this.fail(NOT_ICMP);
    const len = h.end - h.trans;
    if (h.trans < 0 || len < 8 || !lengthOk(h.buf[h.trans]!, len)) return this.fail(BAD_LENGTH);
    if (checksum(h.buf, h.trans, len) !== 0) return this.fail(BAD_CHECKSUM);
    return 0;
  }
}

export const spec = anySpec(defineElement({
  name: 'CheckICMPHeader',
  ports: '1/1-2',
  processing: 'a/ah',
  args: checkHeaderArgs,
  configure: configureCheckHeader,
  handlers: checkHeaderHandlers,
  host: (init) => new CheckICMPHeaderElement(init),
  native: checkHeaderNative(import.meta.url, 'check-icmp-header.c', 'check_icmp_header', (name) => `${name} :: CheckICMPHeader: `),
}));

/**
 * BandwidthRatedUnqueue — pull packets at a fixed bandwidth and push them on.
 *
 * Synopsis:   BandwidthRatedUnqueue(RATE [, BURST_DURATION | BURST_BYTES])
 * Ports:      1 pull input, 1 push output.
 * Processing: as RatedUnqueue, with tokens in bytes: RATE is a bandwidth
 *             (`10Mbps`, `1MBps`; a bare number is bytes per second, with a
 *             warning). The bucket holds RATE * BURST_DURATION (default 20 ms)
 *             or BURST_BYTES bytes, plus 131072. A packet may leave once the
 *             bucket holds 131072 bytes; it then costs its length (the bucket
 *             may be emptied by a long packet, never overdrawn).
 * Handlers:   rate (read/write, as a bandwidth: `80kbps`, `8Mbps`...), active
 *             (read/write), calls (read), config (read: the rate).
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement, HandlerError } from '../spec.js';
import { bandwidthArg, parseBandwidth, unparseBandwidth } from './bandwidth-arg.js';
import { BANDWIDTH_THRESHOLD, ratedConfigure, ratedHandlers, ratedNative, RatedUnqueueElement, type RatedUnqueueConf } from './rated-unqueue.js';

class BandwidthRatedUnqueueElement extends RatedUnqueueElement {
  protected override get isBandwidth(): boolean {
    return true;
  }
  protected override get threshold(): number {
    return BANDWIDTH_THRESHOLD;
  }
  protected override cost(p: Packet): number {
    return p.length;
  }
}

/** BandwidthRatedUnqueue's arguments, BandwidthRatedSplitter's too. */
export const BANDWIDTH_RATED_ARGS = {
  RATE: a.mp(bandwidthArg),
  BURST_DURATION: a.ko(T.interval),
  BURST_BYTES: a.ko(T.unsigned),
};
const args = BANDWIDTH_RATED_ARGS;

export const spec = defineElement<typeof args, RatedUnqueueConf, RatedUnqueueElement>({
  name: 'BandwidthRatedUnqueue',
  ports: '1/1',
  processing: 'l/h',
  args,
  configure: (args) => ratedConfigure(args.RATE, args.BURST_DURATION, args.BURST_BYTES, 'BURST_BYTES'),
  host: (init) => new BandwidthRatedUnqueueElement(init),
  native: ratedNative('bandwidth-rated-unqueue.c', true),
  handlers: ratedHandlers(
    (e) => unparseBandwidth(e.bucketRate),
    (v) => {
      try {
        return parseBandwidth(v).rate;
      } catch (err) {
        throw new HandlerError(`rate: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  ),
});

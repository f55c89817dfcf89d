/**
 * BandwidthRatedSplitter — split a packet stream at a fixed bandwidth.
 *
 * Synopsis:   BandwidthRatedSplitter(RATE [, BURST_DURATION | BURST_BYTES])
 * Ports:      1 push input; push output 0 and optional push output 1.
 * Processing: as RatedSplitter, with tokens in bytes (BandwidthRatedUnqueue's
 *             bucket): RATE is a bandwidth (`10Mbps`, `1MBps`; a bare number
 *             is bytes per second, with a warning); the bucket holds RATE *
 *             BURST_DURATION (default 20 ms) or BURST_BYTES bytes, plus
 *             131072. A packet arriving while the bucket holds 131072 bytes
 *             goes out of output 0 and costs its length; the others go out of
 *             output 1, or are dropped without it.
 * Handlers:   rate (read/write, as a bandwidth), config (read: the rate).
 */

import { defineElement, HandlerError } from '../spec.js';
import { parseBandwidth, unparseBandwidth } from './bandwidth-arg.js';
import { BANDWIDTH_RATED_ARGS } from './bandwidth-rated-unqueue.js';
import { ratedConfigure, type RatedUnqueueConf } from './rated-unqueue.js';
import { RatedSplitterElement, splitterHandlers, splitterNative } from './rated-splitter.js';

const args = BANDWIDTH_RATED_ARGS;

export const spec = defineElement<typeof args, RatedUnqueueConf, RatedSplitterElement>({
  name: 'BandwidthRatedSplitter',
  ports: '1/1-2',
  processing: 'h/h',
  args,
  configure: (args) => ratedConfigure(args.RATE, args.BURST_DURATION, args.BURST_BYTES, 'BURST_BYTES'),
  host: (init) => new RatedSplitterElement(init, true),
  native: splitterNative('bandwidth-rated-splitter.c', true),
  handlers: splitterHandlers(
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

/**
 * RatedSplitter — split a packet stream at a fixed rate.
 *
 * Synopsis:   RatedSplitter(RATE [, BURST_DURATION | BURST_SIZE])
 * Ports:      1 push input; push output 0 and optional push output 1.
 * Processing: RatedUnqueue's token bucket (see rated-unqueue.ts: RATE tokens
 *             per second refilled per jiffy, a capacity of RATE *
 *             BURST_DURATION, default 20 ms, or BURST_SIZE tokens, at least
 *             one). Each arriving packet that finds a token spends it and
 *             goes out of output 0; the others go out of output 1, or are
 *             dropped without it. So at most RATE packets per second (plus
 *             the burst) leave by output 0.
 * Handlers:
 *   rate (read/write)  the rate as the bucket computes it; writing sets RATE
 *                      (the burst is recomputed from the configured keywords)
 *   config (read)      the rate, as Click's RatedSplitter reports it
 */

import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement, HandlerError, type HandlerDef } from '../spec.js';
import { jiffiesAt } from '../lib/click-time.js';
import { unsignedValue } from '../lib/handler-values.js';
import { BANDWIDTH_THRESHOLD, RATED_ARGS, bucketCapacity, ratedConfigure, type RatedUnqueueConf } from './rated-unqueue.js';
import { TokenBucket } from './token-bucket.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

export class RatedSplitterElement extends HostElement<RatedUnqueueConf> {
  private readonly bucket = new TokenBucket();
  private settings: RatedUnqueueConf;

  constructor(
    init: ElementInit<RatedUnqueueConf>,
    private readonly bandwidth: boolean,
  ) {
    super(init);
    this.settings = init.conf;
    this.bucket.assign(init.conf.rate, bucketCapacity(init.conf, bandwidth));
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      this.bucket.refill(jiffiesAt(this.env.now()));
      if (this.admit(p)) out.emit(0, p);
      else this.emitChecked(out, 1, p);
    }
  }

  /** Whether the bucket lets `p` through on output 0, spending its tokens. */
  private admit(p: Packet): boolean {
    if (this.bandwidth) {
      if (!this.bucket.contains(BANDWIDTH_THRESHOLD)) return false;
      this.bucket.remove(p.length);
      return true;
    }
    if (!this.bucket.contains(1)) return false;
    this.bucket.remove(1);
    return true;
  }

  /** A new rate: the bucket is reassigned with the configured burst, keeping its fill fraction. */
  setRate(rate: number): void {
    this.settings = { ...this.settings, rate };
    this.bucket.assign(rate, bucketCapacity(this.settings, this.bandwidth));
  }

  get bucketRate(): number {
    return this.bucket.rate;
  }
}

export function splitterHandlers(readRate: (e: RatedSplitterElement) => string, parseRate: (v: string) => number): Record<string, HandlerDef<RatedSplitterElement>> {
  return {
    rate: { read: readRate, write: (e, v) => e.setRate(parseRate(v)) },
    config: { read: readRate },
  };
}

/** The C side of both splitters (rated-splitter.h). */
export function splitterNative(file: string, bandwidth: boolean): NativeSpec<RatedUnqueueConf> {
  return {
    source: nativeSource(import.meta.url, file),
    prefix: 'rated_splitter',
    hooks: { init: true },
    init: (c) =>
      [
        `.rate = ${c.rate}u, .burst_ms = ${c.burstMs ?? 20}u`,
        c.burstTokens !== undefined ? `.burst_tokens = ${c.burstTokens}u, .has_burst_tokens = 1` : '',
        `.bandwidth = ${+bandwidth}`,
      ].filter(Boolean).join(', '),
  };
}

const args = RATED_ARGS;

export const spec = defineElement<typeof args, RatedUnqueueConf, RatedSplitterElement>({
  name: 'RatedSplitter',
  ports: '1/1-2',
  processing: 'h/h',
  args,
  configure: (args) => ratedConfigure(args.RATE, args.BURST_DURATION, args.BURST_SIZE, 'BURST_SIZE'),
  host: (init) => new RatedSplitterElement(init, false),
  native: splitterNative('rated-splitter.c', false),
  handlers: splitterHandlers(
    (e) => String(e.bucketRate),
    (v) => {
      if (v.trim() === '') throw new HandlerError('rate: missing value');
      return unsignedValue(v, 'rate');
    },
  ),
});

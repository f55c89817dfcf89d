/**
 * RandomSample — keep packets with some probability.
 *
 * Synopsis:   RandomSample([P, SAMPLE, DROP, ACTIVE])
 * Ports:      1 input, 1 or 2 outputs; input and output 0 agnostic, output 1 push.
 * Processing: each packet goes out of output 0 with probability P (a number
 *             from 0 to 1, kept with 28 fraction bits); the others are
 *             counted in `drops` and go out of output 1, or are dropped.
 *             SAMPLE P is the same as P; DROP Q means P = 1 - Q; give at most
 *             one of SAMPLE and DROP. ACTIVE false (default true) sends every
 *             packet to output 0. Randomness comes from the engine's
 *             deterministic generator.
 * Handlers:
 *   sampling_prob (read/write), drop_prob (read/write)   P and 1 - P
 *   active (read/write)   ACTIVE
 *   drops (read)          packets not sampled
 *   config (read)         "SAMPLE p, ACTIVE true|false"
 *
 * In pull mode a packet that is not sampled ends the pull (Click returns no
 * packet for that pull).
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement, HandlerError } from '../spec.js';
import { parseFixedPoint } from '../lib/click-numbers.js';
import { formatSampling, sampled, SAMPLING_ONE, SAMPLING_SHIFT, samplingArg } from '../lib/sampling.js';
import { boolValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface RandomSampleConf {
  /** Sampling probability out of 2^28. */
  readonly sampling: number;
  readonly active: boolean;
}

export class RandomSampleElement extends HostElement<RandomSampleConf> {
  sampling: number;
  active: boolean;
  drops = 0;

  constructor(init: ElementInit<RandomSampleConf>) {
    super(init);
    this.sampling = init.conf.sampling;
    this.active = init.conf.active;
  }

  private keep(): boolean {
    return !this.active || sampled(this.sampling, this.env.random32());
  }

  private reject(p: Packet, out: Out): void {
    this.drops = (this.drops + 1) >>> 0;
    this.emitChecked(out, 1, p);
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      if (this.keep()) out.emit(0, p);
      else this.reject(p, out);
    }
  }

  override pull(_port: number, max: number, out: Out): PacketBatch {
    const got: PacketBatch = [];
    while (got.length < max) {
      const [p] = this.env.pullInput(0, 1);
      if (!p) break;
      if (this.keep()) {
        got.push(p);
      } else {
        this.reject(p, out);
        break;
      }
    }
    return got;
  }

  setProbability(value: string, which: 'sample' | 'drop'): void {
    const p = parseFixedPoint(value, SAMPLING_SHIFT);
    if (p === undefined || p > SAMPLING_ONE) throw new HandlerError(`${which === 'sample' ? 'sampling_prob' : 'drop_prob'}: give a number from 0 to 1`);
    this.sampling = which === 'sample' ? p : SAMPLING_ONE - p;
  }
}

const args = {
  P: a.po(samplingArg),
  SAMPLE: a.ko(samplingArg),
  DROP: a.ko(samplingArg),
  ACTIVE: a.kw(T.bool, true),
};

export const spec = defineElement<typeof args, RandomSampleConf, RandomSampleElement>({
  name: 'RandomSample',
  ports: '1/1-2',
  processing: 'a/ah',
  sharedState: ['random'],   // one draw per packet from the router's sequence
  args,
  configure: (args) => {
    if (args.SAMPLE !== undefined && args.DROP !== undefined) throw new ConfigError('give at most one of SAMPLE and DROP');
    if (args.P === undefined && args.SAMPLE === undefined && args.DROP === undefined) throw new ConfigError('missing sampling probability: give P, SAMPLE or DROP');
    let sampling = args.SAMPLE ?? args.P ?? 0xffffffff;
    if (args.DROP !== undefined) sampling = SAMPLING_ONE - args.DROP;
    if (sampling < 0 || sampling > SAMPLING_ONE) throw new ConfigError('the sampling probability must be between 0 and 1');
    return { sampling, active: args.ACTIVE };
  },
  host: (init) => new RandomSampleElement(init),
  native: {
    source: nativeSource(import.meta.url, 'random-sample.c'),
    prefix: 'random_sample',
    inPlace: true,
    hooks: { pull: true },
    init: (c) => `.sampling = ${c.sampling}u, .active = ${+c.active}`,
  },
  handlers: {
    sampling_prob: {
      read: (e: RandomSampleElement) => formatSampling(e.sampling),
      write: (e: RandomSampleElement, v: string) => e.setProbability(v, 'sample'),
    },
    drop_prob: {
      read: (e: RandomSampleElement) => formatSampling(SAMPLING_ONE - e.sampling),
      write: (e: RandomSampleElement, v: string) => e.setProbability(v, 'drop'),
    },
    active: {
      read: (e: RandomSampleElement) => String(e.active),
      write: (e: RandomSampleElement, v: string) => void (e.active = boolValue(v, 'active')),
    },
    drops: { read: (e: RandomSampleElement) => String(e.drops) },
    config: { read: (e: RandomSampleElement) => `SAMPLE ${formatSampling(e.sampling)}, ACTIVE ${e.active}` },
  },
});

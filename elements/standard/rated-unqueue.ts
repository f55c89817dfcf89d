/**
 * RatedUnqueue — pull packets at a fixed rate and push them on.
 *
 * Synopsis:   RatedUnqueue(RATE [, BURST_DURATION | BURST_SIZE])
 * Ports:      1 pull input, 1 push output.
 * Processing: a task with Click's token bucket refilled per jiffy (1 ms).
 *             RATE (unsigned) is packets per second. The bucket holds
 *             RATE * BURST_DURATION tokens (default 20 ms worth; at least one)
 *             or BURST_SIZE tokens; giving both is an error. Each run moves
 *             at most one packet and spends a token; when the bucket lacks a
 *             token the task sleeps until a timer says one has arrived. The
 *             bucket starts empty at jiffy 0 (so, as in Click, a run at a
 *             real-time clock finds it full).
 * Handlers:
 *   rate (read/write)   the rate as the bucket computes it; writing sets a new RATE
 *                       (the burst is recomputed from the configured keywords)
 *   active (read/write) when false the task does nothing and stops; writing
 *                       true does not restart it (Click's behaviour)
 *   calls (read)        run statistics: runs, empty runs, pushes, failed pulls
 *   config (read)       the rate, as Click's RatedUnqueue reports it
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit, type Out, type Task, type Timer } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement, HandlerError, type HandlerDef } from '../spec.js';
import { jiffiesAt, jiffiesToNs } from '../lib/click-time.js';
import { boolValue, unsignedValue } from '../lib/handler-values.js';
import { TokenBucket } from './token-bucket.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

export interface RatedUnqueueConf {
  /** Tokens per second: packets, or bytes for BandwidthRatedUnqueue. */
  readonly rate: number;
  /** BURST_DURATION in milliseconds, if given. */
  readonly burstMs?: number;
  /** BURST_SIZE / BURST_BYTES, if given. */
  readonly burstTokens?: number;
}

/** BandwidthRatedUnqueue waits for this many byte tokens before sending a packet. */
export const BANDWIDTH_THRESHOLD = 131072;

/** Bucket capacity from the rate and burst settings (Click's configure_helper). */
export function bucketCapacity(conf: RatedUnqueueConf, bandwidth: boolean): number {
  let tokens: number;
  if (conf.burstTokens !== undefined) {
    tokens = conf.burstTokens;
  } else {
    const t = (BigInt(conf.rate) * BigInt(conf.burstMs ?? 20)) / 1000n;
    tokens = t > 0xffffffffn ? 0xffffffff : Number(t);
  }
  if (bandwidth) tokens = Math.min(tokens + BANDWIDTH_THRESHOLD, 0xffffffff);
  return tokens === 0 ? 1 : tokens;
}

/** Milliseconds in a BURST_DURATION, rounded as Click's SecondsArg(3). */
function intervalToMs(ns: bigint): number {
  const ms = (ns + 500_000n) / 1_000_000n;
  if (ms > 0xffffffffn) throw new ConfigError('BURST_DURATION is too long');
  return Number(ms);
}

export function ratedConfigure(rate: number, duration: bigint | undefined, size: number | undefined, sizeName: string): RatedUnqueueConf {
  if (duration !== undefined && size !== undefined) throw new ConfigError(`give at most one of BURST_DURATION and ${sizeName}`);
  const conf: { rate: number; burstMs?: number; burstTokens?: number } = { rate };
  if (duration !== undefined) conf.burstMs = intervalToMs(duration);
  if (size !== undefined) conf.burstTokens = size;
  return conf;
}

export class RatedUnqueueElement extends HostElement<RatedUnqueueConf> {
  active = true;
  runs = 0;
  pushes = 0;
  failedPulls = 0;
  emptyRuns = 0;
  protected readonly bucket = new TokenBucket();
  protected settings: RatedUnqueueConf;
  private readonly task: Task;
  private readonly timer: Timer;

  constructor(init: ElementInit<RatedUnqueueConf>) {
    super(init);
    this.settings = init.conf;
    this.bucket.assign(init.conf.rate, bucketCapacity(init.conf, this.isBandwidth));
    this.task = this.env.task();
    this.timer = this.env.timer(() => this.task.schedule());
  }

  protected get isBandwidth(): boolean {
    return false;
  }

  /** Tokens needed before a packet may go. */
  protected get threshold(): number {
    return 1;
  }

  /** Tokens a sent packet costs. */
  protected cost(_p: Packet): number {
    return 1;
  }

  override initialize(): void {
    this.task.schedule();
  }

  override runTask(out: Out): boolean {
    this.runs = (this.runs + 1) >>> 0;
    if (!this.active) {
      this.task.unschedule();
      return false;
    }
    const now = jiffiesAt(this.env.now());
    this.bucket.refill(now);
    let worked = false;
    if (this.bucket.contains(this.threshold)) {
      const [p] = this.env.pullInput(0, 1);
      if (p) {
        this.bucket.remove(this.cost(p));
        this.pushes = (this.pushes + 1) >>> 0;
        worked = true;
        out.emit(0, p);
      } else {
        this.failedPulls = (this.failedPulls + 1) >>> 0;
      }
    } else {
      this.timer.scheduleAfter(jiffiesToNs(this.bucket.timeUntilContains(this.threshold)));
      this.emptyRuns = (this.emptyRuns + 1) >>> 0;
      this.task.unschedule();
      return false;
    }
    this.task.schedule();
    if (!worked) this.emptyRuns = (this.emptyRuns + 1) >>> 0;
    return worked;
  }

  /** A new rate: recompute the bucket with the configured burst, keeping its fill fraction. */
  setRate(rate: number): void {
    this.settings = { ...this.settings, rate };
    this.bucket.assign(rate, bucketCapacity(this.settings, this.isBandwidth));
  }

  /** The rate as the bucket reports it (Click's rounding of tokens per tick). */
  get bucketRate(): number {
    return this.bucket.rate;
  }

  readCalls(): string {
    return [`${this.runs} calls to run_task()`, `${this.emptyRuns} empty runs`, `${this.pushes} pushes`, `${this.failedPulls} failed pulls`].join('\n');
  }
}

/** RatedUnqueue's arguments, RatedSplitter's too. */
export const RATED_ARGS = {
  RATE: a.mp(T.unsigned),
  BURST_DURATION: a.ko(T.interval),
  BURST_SIZE: a.ko(T.unsigned),
};
const args = RATED_ARGS;

export function ratedHandlers(readRate: (e: RatedUnqueueElement) => string, parseRate: (v: string) => number): Record<string, HandlerDef<RatedUnqueueElement>> {
  return {
    rate: { read: readRate, write: (e, v) => e.setRate(parseRate(v)) },
    config: { read: readRate },
    active: { read: (e) => String(e.active), write: (e, v) => void (e.active = boolValue(v, 'active')) },
    calls: { read: (e) => e.readCalls() },
  };
}

/** The C side of both rated unqueues (rated-unqueue.h); `file` is the class's own C file. */
export function ratedNative(file: string, bandwidth: boolean): NativeSpec<RatedUnqueueConf> {
  return {
    source: nativeSource(import.meta.url, file),
    prefix: 'rated_unqueue',
    hooks: { init: true, task: true, timer: true },
    init: (c) =>
      [
        `.rate = ${c.rate}u, .burst_ms = ${c.burstMs ?? 20}u`,
        c.burstTokens !== undefined ? `.burst_tokens = ${c.burstTokens}u, .has_burst_tokens = 1` : '',
        `.bandwidth = ${+bandwidth}`,
      ].filter(Boolean).join(', '),
  };
}

export const spec = defineElement<typeof args, RatedUnqueueConf, RatedUnqueueElement>({
  name: 'RatedUnqueue',
  ports: '1/1',
  processing: 'l/h',
  args,
  configure: (args) => ratedConfigure(args.RATE, args.BURST_DURATION, args.BURST_SIZE, 'BURST_SIZE'),
  host: (init) => new RatedUnqueueElement(init),
  native: ratedNative('rated-unqueue.c', false),
  handlers: ratedHandlers(
    (e) => String(e.bucketRate),
    (v) => {
      if (v.trim() === '') throw new HandlerError('rate: missing value');
      return unsignedValue(v, 'rate');
    },
  ),
});

/**
 * RatedSource — send copies of one packet at RATE packets per second.
 *
 * Synopsis:   RatedSource([DATA, RATE, LIMIT, ACTIVE, KEYWORDS])
 * Ports:      no inputs, 1 output; agnostic.
 * Processing: a token bucket (RATE tokens per second, room for 2 tokens, or RATE/100
 *             from 200 packets/s up; one token at start) paces the packets. In push mode
 *             the task sends one packet per run while a token is there and otherwise
 *             sleeps on a timer until the next token; in pull mode a pull returns as many
 *             packets as there are tokens. Packets are stamped with the engine time.
 * Arguments:
 *   DATA       data string (default Click's 69-byte text)
 *   RATE       packets per second, unsigned (default 10)
 *   LIMIT      total packets, -1 for no limit (default -1)
 *   ACTIVE     send only while true (default true)
 *   LENGTH     packet length: DATA cut or repeated (DATASIZE is the old name)
 *   BANDWIDTH  a rate in bytes per second instead of RATE (RATE = BANDWIDTH / packet length)
 *   STOP       ask the driver to stop once LIMIT packets are sent (default false)
 * Handlers:   count (r), reset (w), data, rate, limit, active, length, datasize (r/w).
 * Differences from Click: tokens accrue in exact nanoseconds (Click counts whole jiffies);
 * no downstream-full notification.
 */

import { a } from '../../config-lang/args/args.js';
import { stringToBytes, T } from '../../config-lang/args/types.js';
import type { Out, Task, Timer } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { handlerInt } from '../lib/handler-values.js';
import { activeHandler, PacketSourceElement, packetSourceHandlers } from './packet-source.js';
import { DEFAULT_SOURCE_DATA } from './source-data.js';
import { TokenBucket } from './token-bucket.js';

/** Click leaves room for RatedSource packets to be encapsulated: Ethernet, IP, UDP-ish. */
const RATED_SOURCE_HEADROOM = 16 + 20 + 24;

export interface RatedSourceConf {
  data: Uint8Array;
  rate: number;
  burst: number;
  limit: number;
  active: boolean;
  length: number;
  stop: boolean;
}

const burstFor = (rate: number) => (rate < 200 ? 2 : Math.floor(rate / 100));

export class RatedSourceElement extends PacketSourceElement<RatedSourceConf> {
  override length = this.conf.length;
  limit = this.conf.limit;
  readonly bucket = new TokenBucket(this.conf.rate, this.conf.burst);
  private task: Task | undefined;
  private timer: Timer | undefined;

  override initialize(): void {
    this.bucket.set(1, this.env.now());
    if (this.outputs[0] === 'push') {
      this.task = this.env.task();
      this.timer = this.env.timer(() => this.task!.schedule());
      this.task.schedule();
    }
  }

  protected override packetHeadroom(): number {
    return RATED_SOURCE_HEADROOM;
  }

  private limited(): boolean {
    if (this.limit < 0 || this.count < this.limit) return false;
    if (this.conf.stop) this.env.requestStop();
    return true;
  }

  override runTask(out: Out): boolean {
    if (!this.active || this.limited()) return false;
    this.bucket.refill(this.env.now());
    if (this.bucket.take()) {
      this.count++;
      out.emit(0, this.makePacket());
      this.task!.schedule();
      return true;
    }
    const wait = this.bucket.timeUntilToken();
    if (wait !== undefined) this.timer!.scheduleAfter(wait);
    return false;
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch: PacketBatch = [];
    if (!this.active) return batch;
    this.bucket.refill(this.env.now());
    while (batch.length < max && !this.limited() && this.bucket.take()) {
      this.count++;
      batch.push(this.makePacket());
    }
    return batch;
  }

  /** Restart after `active` or `reset`: one token now, and the task if it sleeps. */
  override wake(): void {
    if (!this.active) return;
    if (!this.task) this.bucket.set(1, this.env.now());
    else if (!this.task.scheduled) {
      this.bucket.set(1, this.env.now());
      this.timer!.unschedule();
      this.task.schedule();
    }
  }
}

type E = RatedSourceElement;

const args = {
  DATA: a.p(T.bytes, DEFAULT_SOURCE_DATA),
  RATE: a.p(T.unsigned, 10),
  LIMIT: a.p(T.int, -1),
  ACTIVE: a.p(T.bool, true),
  LENGTH: a.ko(T.int),
  DATASIZE: a.ko(T.int),
  STOP: a.kw(T.bool, false),
  BANDWIDTH: a.ko(T.bandwidth),
};

const writeLength = (e: E, v: string) => e.setData(e.data, handlerInt(v, 'syntax error'));

export const spec = defineElement<typeof args, RatedSourceConf, E>({
  name: 'RatedSource',
  ports: '0/1',
  processing: 'a/a',
  args,
  configure: (v): RatedSourceConf => {
    const length = v.DATASIZE ?? v.LENGTH ?? -1;
    let rate = v.RATE;
    let burst = burstFor(rate);
    const bandwidth = Math.floor(v.BANDWIDTH ?? 0);
    if (bandwidth > 0) {
      const size = length < 0 ? v.DATA.length : length;
      rate = size > 0 ? Math.floor(bandwidth / size) : 0;
      burst = Math.max(burstFor(rate), 2 * length);
    }
    return { data: v.DATA, rate, burst, limit: v.LIMIT, active: v.ACTIVE, length, stop: v.STOP };
  },
  host: (init) => new RatedSourceElement(init),
  native: {
    source: nativeSource(import.meta.url, 'rated-source.c'),
    prefix: 'rated_source',
    hooks: { init: true, cleanup: true, task: true, timer: true, pull: true },
    usesTask: (_c, ports) => ports.outputs[0] === 'push',
    init: (c, ctx) =>
      [
        `.init_data = ${ctx.constBytes(c.data)}, .init_data_len = ${c.data.length}`,
        `.init_rate = ${c.rate}ULL, .init_burst = ${Math.max(1, c.burst)}ULL, .limit = ${c.limit}, .length = ${c.length}`,
        `.active = ${+c.active}, .stop = ${+c.stop}, .push_mode = ${+(ctx.outputs[0] === 'push')}`,
      ].join(',\n    '),
  },
  handlers: {
    ...packetSourceHandlers,
    data: { ...packetSourceHandlers.data, write: (e: E, v) => e.setData(stringToBytes(v), -1) },
    rate: {
      read: (e: E) => String(e.bucket.rate),
      write: (e: E, v) => {
        const rate = handlerInt(v, 'syntax error', 0, 0xffffffff);
        e.bucket.assign(rate, burstFor(rate));
      },
    },
    limit: { read: (e: E) => String(e.limit < 0 ? -1 : e.limit), write: (e: E, v) => void (e.limit = handlerInt(v, 'syntax error')) },
    active: activeHandler('syntax error'),
    length: { read: (e: E) => String(e.length), write: writeLength },
    datasize: { read: (e: E) => String(e.length), write: writeLength },
  },
});

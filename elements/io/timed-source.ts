/**
 * TimedSource — send a copy of one packet every INTERVAL.
 *
 * Synopsis:   TimedSource([INTERVAL, DATA, KEYWORDS])
 * Ports:      no inputs, 1 push output.
 * Processing: a timer fires every INTERVAL (default 0.5 s) from initialization and sends
 *             one packet stamped with the engine time, until LIMIT packets are out; the
 *             timer that finds the limit reached stops the driver if STOP is true.
 *             Firings are spaced from the previous expiry, so they do not drift.
 * Arguments:
 *   INTERVAL  time between packets (default 500ms)
 *   DATA      data string (default Click's 69-byte text)
 *   LIMIT     total packets, -1 for no limit (default -1)
 *   ACTIVE    send only while true (default true)
 *   STOP      stop the driver once LIMIT packets are sent (default false)
 *   HEADROOM  bytes of headroom in each packet
 * Handlers:   count (r), reset (w), data, limit, interval, active, headroom (r/w).
 */

import { a } from '../../config-lang/args/args.js';
import { parseInterval, stringToBytes, T } from '../../config-lang/args/types.js';
import type { Out, Timer } from '../../host-engine/element.js';
import { DEFAULT_HEADROOM } from '../../host-engine/packet.js';
import { defineElement, HandlerError } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { int64Literal } from './native-literals.js';
import { formatInterval } from '../lib/click-time.js';
import { handlerInt } from '../lib/handler-values.js';
import { activeHandler, PacketSourceElement, packetSourceHandlers } from './packet-source.js';
import { DEFAULT_SOURCE_DATA } from './source-data.js';

export interface TimedSourceConf {
  interval: bigint;
  data: Uint8Array;
  limit: number;
  active: boolean;
  stop: boolean;
  headroom: number;
}

export class TimedSourceElement extends PacketSourceElement<TimedSourceConf> {
  interval = this.conf.interval;
  limit = this.conf.limit;
  headroom = this.conf.headroom;
  private timer!: Timer;

  override initialize(): void {
    this.timer = this.env.timer((out) => this.fire(out));
    if (this.active) this.timer.scheduleAfter(this.interval);
  }

  protected override packetHeadroom(): number {
    return this.headroom;
  }

  setHeadroom(headroom: number): void {
    this.headroom = headroom;
    this.setData(this.data);
  }

  private fire(out: Out): void {
    if (!this.active) return;
    if (this.limit < 0 || this.count < this.limit) {
      this.count++;
      out.emit(0, this.makePacket());
      this.timer.scheduleAt(this.timer.expiry + this.interval);
    } else if (this.conf.stop) this.env.requestStop();
  }

  /** Fire now if idle (after `active` or `reset`). */
  override wake(): void {
    if (this.active && !this.timer.scheduled) this.timer.scheduleAt(this.env.now());
  }
}

type E = TimedSourceElement;

const args = {
  INTERVAL: a.p(T.interval, 500_000_000n),
  DATA: a.p(T.bytes, DEFAULT_SOURCE_DATA),
  LIMIT: a.kw(T.int, -1),
  ACTIVE: a.kw(T.bool, true),
  STOP: a.kw(T.bool, false),
  HEADROOM: a.kw(T.unsigned, DEFAULT_HEADROOM),
};

export const spec = defineElement<typeof args, TimedSourceConf, E>({
  name: 'TimedSource',
  ports: '0/1',
  processing: 'h/h',
  args,
  configure: (v): TimedSourceConf => ({
    interval: v.INTERVAL,
    data: v.DATA,
    limit: v.LIMIT,
    active: v.ACTIVE,
    stop: v.STOP,
    headroom: v.HEADROOM,
  }),
  host: (init) => new TimedSourceElement(init),
  native: {
    source: nativeSource(import.meta.url, 'timed-source.c'),
    prefix: 'timed_source',
    hooks: { init: true, cleanup: true, timer: true },
    init: (c, ctx) =>
      [
        `.init_data = ${ctx.constBytes(c.data)}, .init_data_len = ${c.data.length}`,
        `.interval = ${int64Literal(c.interval)}, .limit = ${c.limit}, .headroom = ${c.headroom}u`,
        `.active = ${+c.active}, .stop = ${+c.stop}`,
      ].join(',\n    '),
  },
  handlers: {
    ...packetSourceHandlers,
    data: { ...packetSourceHandlers.data, write: (e: E, v) => e.setData(stringToBytes(v)) },
    limit: { read: (e: E) => String(e.limit), write: (e: E, v) => void (e.limit = handlerInt(v, 'syntax error')) },
    interval: {
      read: (e: E) => formatInterval(e.interval),
      write: (e: E, v) => {
        let ns: bigint;
        try {
          ns = parseInterval(v.trim());
        } catch {
          throw new HandlerError('bad interval');
        }
        if (ns === 0n) throw new HandlerError('bad interval');
        e.interval = ns;
      },
    },
    active: activeHandler('bad active'),
    headroom: {
      read: (e: E) => String(e.headroom),
      write: (e: E, v) => {
        const n = handlerInt(v, 'bad headroom', 0, 2 ** 31 - 1);
        e.setHeadroom(n);
      },
    },
  },
});

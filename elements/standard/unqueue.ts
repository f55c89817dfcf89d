/**
 * Unqueue — pull packets whenever they are available and push them on.
 *
 * Synopsis:   Unqueue([BURST, ACTIVE, LIMIT])
 * Ports:      1 pull input, 1 push output.
 * Processing: a task; each run pulls up to BURST packets (default 1;
 *             negative means 2147483647) and pushes each out in order.
 *             ACTIVE (bool, default true): when false the task does nothing
 *             and stops. LIMIT (int, default -1 = none): at most LIMIT
 *             packets in all, after which the task stops. BURST 0 warns
 *             that no packets will be pulled.
 * Handlers:
 *   count (read)           packets pushed so far (unsigned 32-bit)
 *   reset, reset_counts (write)  zero the count (may restart a LIMIT-ed Unqueue)
 *   active (read/write)    ACTIVE; writing true restarts the task
 *   burst (read/write)     BURST (as stored: negative becomes 2147483647)
 *   limit (read/write)     LIMIT
 *
 * Click stops the task when its input's queue reports empty and lets the
 * queue wake it; without notification, this task reschedules itself and
 * polls (the host engine ends a run after a round in which nothing moved).
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit, type Out, type Task } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { boolValue, intValue } from '../lib/handler-values.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface UnqueueConf {
  readonly burst: number;
  readonly active: boolean;
  readonly limit: number;
}

const MAX_BURST = 0x7fffffff;

export class UnqueueElement extends HostElement<UnqueueConf> {
  active: boolean;
  burst: number;
  limit: number;
  count = 0;
  private readonly task: Task;

  constructor(init: ElementInit<UnqueueConf>) {
    super(init);
    this.active = init.conf.active;
    this.burst = init.conf.burst;
    this.limit = init.conf.limit;
    this.task = this.env.task();
  }

  override initialize(): void {
    if (this.active) this.task.schedule();
  }

  override runTask(out: Out): boolean {
    if (!this.active) {
      this.task.unschedule();
      return false;
    }
    let want = this.burst;
    // Click's arithmetic: count + burst wraps as unsigned 32-bit, LIMIT - count as int.
    if (this.limit >= 0 && ((this.count + want) >>> 0) >= this.limit) {
      want = (this.limit - this.count) | 0;
      if (want <= 0) {
        this.task.unschedule();
        return false;
      }
    }
    let worked = 0;
    while (worked < want && this.active) {
      const got = this.env.pullInput(0, want - worked);
      if (got.length === 0) break;
      for (const p of got) {
        worked++;
        this.count = (this.count + 1) >>> 0;
        out.emit(0, p);
      }
    }
    // Click reschedules unless its input's queue says it is empty; with no
    // notification here, the task keeps polling (an idle round ends the run).
    this.task.schedule();
    return worked > 0;
  }

  /** After a handler write: resume if active and under the limit (Click's reschedule). */
  wake(): void {
    if (this.active && !this.task.scheduled && (this.limit < 0 || this.count < this.limit)) this.task.schedule();
  }
}

const args = {
  BURST: a.p(T.int, 1),
  ACTIVE: a.kw(T.bool, true),
  LIMIT: a.kw(T.int, -1),
};

export const spec = defineElement<typeof args, UnqueueConf, UnqueueElement>({
  name: 'Unqueue',
  ports: '1/1',
  processing: 'l/h',
  args,
  configure: (args, ctx) => {
    if (args.BURST === 0) ctx.warn('BURST size 0, no packets will be pulled');
    return { burst: args.BURST < 0 ? MAX_BURST : args.BURST, active: args.ACTIVE, limit: args.LIMIT };
  },
  host: (init) => new UnqueueElement(init),
  native: {
    source: nativeSource(import.meta.url, 'unqueue.c'),
    lockstep: 'drain',
    prefix: 'unqueue',
    hooks: { init: true, task: true },
    init: (c) => `.burst = ${c.burst}, .limit = ${c.limit}, .active = ${+c.active}`,
  },
  handlers: {
    count: { read: (e: UnqueueElement) => String(e.count) },
    reset: {
      write: (e: UnqueueElement) => {
        e.count = 0;
        e.wake();
      },
    },
    reset_counts: {
      write: (e: UnqueueElement) => {
        e.count = 0;
        e.wake();
      },
    },
    active: {
      read: (e: UnqueueElement) => String(e.active),
      write: (e: UnqueueElement, v: string) => {
        e.active = boolValue(v, 'active');
        e.wake();
      },
    },
    burst: {
      read: (e: UnqueueElement) => String(e.burst),
      write: (e: UnqueueElement, v: string) => {
        const b = intValue(v, 'burst');
        e.burst = b < 0 ? MAX_BURST : b;
        e.wake();
      },
    },
    limit: {
      read: (e: UnqueueElement) => String(e.limit),
      write: (e: UnqueueElement, v: string) => {
        e.limit = intValue(v, 'limit');
        e.wake();
      },
    },
  },
});

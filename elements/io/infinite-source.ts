/**
 * InfiniteSource — send copies of one packet as fast as it is scheduled.
 *
 * Synopsis:   InfiniteSource([DATA, LIMIT, BURST, ACTIVE, KEYWORDS])
 * Ports:      no inputs, 1 output; agnostic (push: a task sends; pull: each pull makes packets).
 * Processing: every packet is a copy of DATA (cut or repeated to LENGTH bytes) stamped
 *             with the engine time. In push mode the task sends BURST packets per run,
 *             as one batch, until LIMIT packets have been sent (LIMIT < 0: forever); when
 *             it is the router's only task that moves packets, at least 32 per run, since
 *             nothing could tell the difference.
 * Arguments:
 *   DATA      data string; default Click's 69-byte text
 *   LIMIT     total packets, -1 for no limit (default -1)
 *   BURST     packets per task run, at least 1 (default 1)
 *   ACTIVE    send only while true (default true)
 *   LENGTH    packet length: DATA cut or repeated to this many bytes (DATASIZE is the old name)
 *   TIMESTAMP stamp packets with the time (default true)
 *   STOP      ask the driver to stop once LIMIT packets are sent (default false)
 *   END_CALL  write handler to call instead once LIMIT packets are sent (excludes STOP)
 * Handlers:
 *   count (r), reset (w: count back to 0, send LIMIT more), data, limit, burst, active,
 *   length (r/w), burstsize, datasize (old names of burst and length)
 * Differences from Click: no downstream-full notification (Click's task sleeps while a
 * downstream Queue is full; here the Queue drops). In pull mode the end action runs once
 * when the limit is reached, not on every later pull.
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { stringToBytes, T } from '../../config-lang/args/types.js';
import type { Out, Task } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { callWrite, handlerCallArg, type HandlerCall } from '../driver/handler-call.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { handlerInt } from '../lib/handler-values.js';
import { activeHandler, PacketSourceElement, packetSourceHandlers } from './packet-source.js';
import { DEFAULT_SOURCE_DATA } from './source-data.js';

/** Packets per run when this source is the only task that moves packets. */
export const SOLE_TASK_BURST = 32;

export interface InfiniteSourceConf {
  data: Uint8Array;
  limit: number;
  burst: number;
  active: boolean;
  length: number;
  timestamp: boolean;
  /** What to do once LIMIT packets are sent: a handler call (STOP is the global `stop`). */
  endCall: HandlerCall | undefined;
}

export class InfiniteSourceElement extends PacketSourceElement<InfiniteSourceConf> {
  override length = this.conf.length;
  limit = this.conf.limit;
  burst = this.conf.burst;
  private task: Task | undefined;
  private ended = false;

  override initialize(): void {
    if (this.outputs[0] === 'push') {
      this.task = this.env.task();
      this.task.schedule();
    }
  }

  /** How many packets may still be sent now, at most `want`. */
  private allowance(want: number): number {
    if (this.limit < 0) return want;
    return Math.max(0, Math.min(want, this.limit - this.count));
  }

  private atEnd(): void {
    if (this.ended || this.limit < 0 || this.count < this.limit) return;
    this.ended = true;
    if (this.conf.endCall) {
      const err = callWrite(this.env, this.conf.endCall);
      if (err) this.env.chatter(`While calling '${this.conf.endCall.path}': ${err}`);
    }
  }

  override runTask(out: Out): boolean {
    if (!this.active) return false;
    // Alone among the router's tasks, a bigger burst than Click's cannot be
    // observed (env.canBatch), so send a whole batch per run.
    const n = this.allowance(this.env.canBatch?.() ? Math.max(this.burst, SOLE_TASK_BURST) : this.burst);
    if (n === 0) {
      this.atEnd();
      return false;
    }
    const batch: PacketBatch = new Array(n);
    for (let i = 0; i < n; i++) batch[i] = this.makePacket(this.conf.timestamp);
    this.count += n;
    out.emitBatch(0, batch);
    this.task!.schedule();
    return true;
  }

  override pull(_port: number, max: number): PacketBatch {
    if (!this.active) return [];
    const n = this.allowance(max);
    if (n === 0) {
      this.atEnd();
      return [];
    }
    const batch: PacketBatch = new Array(n);
    for (let i = 0; i < n; i++) batch[i] = this.makePacket(this.conf.timestamp);
    this.count += n;
    return batch;
  }

  /** After a handler changed the parameters: start again if there is more to send. */
  override wake(): void {
    if (this.limit < 0 || this.count < this.limit) this.ended = false;
    if (this.active && !this.ended) this.task?.schedule();
  }
}

type E = InfiniteSourceElement;

function writeBurst(e: E, v: string): void {
  const n = handlerInt(v, 'burstsize parameter must be integer >= 1', 1);
  e.burst = n;
  e.wake();
}

function writeLength(e: E, v: string): void {
  e.setData(e.data, handlerInt(v, 'length must be integer'));
  e.wake();
}

const args = {
  DATA: a.p(T.bytes, DEFAULT_SOURCE_DATA),
  LIMIT: a.p(T.int64, -1),
  BURST: a.p(T.int, 1),
  ACTIVE: a.p(T.bool, true),
  TIMESTAMP: a.kw(T.bool, true),
  LENGTH: a.ko(T.int),
  DATASIZE: a.ko(T.int),
  STOP: a.kw(T.bool, false),
  END_CALL: a.ko(handlerCallArg),
};

export const spec = defineElement<typeof args, InfiniteSourceConf, E>({
  name: 'InfiniteSource',
  ports: '0/1',
  processing: 'a/a',
  args,
  configure: (v): InfiniteSourceConf => {
    if (v.BURST < 1) throw new ConfigError('burst size must be >= 1');
    if (v.STOP && v.END_CALL) throw new ConfigError('END_CALL and STOP are mutually exclusive');
    return {
      data: v.DATA,
      limit: v.LIMIT,
      burst: v.BURST,
      active: v.ACTIVE,
      length: v.DATASIZE ?? v.LENGTH ?? -1,
      timestamp: v.TIMESTAMP,
      endCall: v.END_CALL ?? (v.STOP ? { path: 'stop', value: '' } : undefined),
    };
  },
  host: (init) => new InfiniteSourceElement(init),
  native: {
    source: nativeSource(import.meta.url, 'infinite-source.c'),
    prefix: 'infinite_source',
    lockstep: 'source',
    hooks: { init: true, cleanup: true, task: true, pull: true },
    usesTask: (_c, ports) => ports.outputs[0] === 'push',
    init: (c, ctx) =>
      [
        `.init_data = ${ctx.constBytes(c.data)}, .init_data_len = ${c.data.length}`,
        `.limit = ${c.limit}, .length = ${c.length}, .burst = ${c.burst}`,
        `.active = ${+c.active}, .timestamp = ${+c.timestamp}, .push_mode = ${+(ctx.outputs[0] === 'push')}`,
        `.can_batch = ${+ctx.canBatch}`,
        c.endCall ? `.end_path = ${ctx.cString(c.endCall.path)}, .end_value = ${ctx.cString(c.endCall.value)}` : '',
      ].filter(Boolean).join(',\n    '),
  },
  handlers: {
    ...packetSourceHandlers,
    data: {
      ...packetSourceHandlers.data,
      write: (e: E, v) => {
        e.setData(stringToBytes(v), e.length);
        e.wake();
      },
    },
    limit: {
      read: (e: E) => String(e.limit),
      write: (e: E, v) => {
        e.limit = handlerInt(v, 'limit parameter must be integer');
        e.wake();
      },
    },
    burst: {
      read: (e: E) => String(e.burst),
      write: writeBurst,
    },
    active: activeHandler('active parameter must be boolean'),
    length: {
      read: (e: E) => String(e.length),
      write: writeLength,
    },
    burstsize: {
      read: (e: E) => String(e.burst),
      write: writeBurst,
    },
    datasize: {
      read: (e: E) => String(e.length),
      write: writeLength,
    },
  },
});

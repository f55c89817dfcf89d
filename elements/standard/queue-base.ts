// The storage shared by SimpleQueue, Queue and FrontDropQueue: a FIFO of at
// most CAPACITY packets, pushed in on input 0, pulled out of output 0, with
// dropped packets sent out of push output 1 when it exists. Click's Queue and
// SimpleQueue differ only in notification, which the host engine does not
// need (its tasks poll), so both are this class.

import { a, type ArgDefs } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit, type Out, type Timer } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import type { HandlerDef } from '../spec.js';
import { unsignedValue } from '../lib/handler-values.js';
import { nativeSource, type NativeSpec } from '../../dataplane-native/native-spec.js';

export interface QueueConf {
  readonly capacity: number;
}

export const queueArgs = { CAPACITY: a.p(T.unsigned, 1000) } satisfies ArgDefs;

export class QueueElement extends HostElement<QueueConf> {
  capacity: number;
  drops = 0;
  highwater = 0;
  /** Packets in order; `head` indexes the oldest (compacted now and then). */
  protected items: Packet[] = [];
  protected head = 0;
  /** Packets drained by `reset` and waiting to leave on output 1 (handlers have no Out). */
  private flushing: Packet[] = [];
  private flushTimer: Timer | undefined;

  constructor(init: ElementInit<QueueConf>) {
    super(init);
    this.capacity = init.conf.capacity;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  override held(): number {
    return this.length + this.flushing.length;
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) this.enqueue(p, out);
  }

  /** Add one packet at the tail; when full, Click's SimpleQueue drops the newcomer. */
  protected enqueue(p: Packet, out: Out): void {
    if (this.length < this.capacity) {
      this.items.push(p);
      if (this.length > this.highwater) this.highwater = this.length;
    } else {
      this.overflow(p, out);
    }
  }

  /** Count a dropped packet (warning once) and send it out of output 1, or drop it. */
  protected overflow(p: Packet, out: Out): void {
    if (this.drops === 0 && this.capacity > 0) this.env.chatter('overflow');
    this.drops++;
    this.emitChecked(out, 1, p);
  }

  override pull(_port: number, max: number): PacketBatch {
    const n = Math.min(max, this.length);
    const got = this.items.slice(this.head, this.head + n);
    this.head += n;
    this.compact();
    return got;
  }

  /** Drop consumed slots from the array once they dominate it. */
  protected compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  protected takeAll(): Packet[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }

  resetCounts(): void {
    this.drops = 0;
    this.highwater = this.length;
  }

  /** Empty the queue: packets go out of output 1 (at the current time, from a timer) or are dropped. */
  resetQueue(): void {
    this.flushOut(this.takeAll());
  }

  /** Send packets out of output 1 from a timer, or drop them without one. */
  private flushOut(all: Packet[]): void {
    if (this.noutputs < 2) {
      for (const p of all) this.drop(p);
      return;
    }
    this.flushing.push(...all);
    this.flushTimer ??= this.env.timer((out) => {
      const pending = this.flushing;
      this.flushing = [];
      out.emitBatch(1, pending);
    });
    if (!this.flushTimer.scheduled) this.flushTimer.scheduleAfter(0n);
  }

  /** Change the capacity at run time; packets beyond it are dropped (SimpleQueue keeps the oldest). */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
    const all = this.takeAll();
    const keep = this.keptOnShrink(all, capacity);
    this.items = keep.kept;
    for (const p of keep.lost) this.drop(p);
  }

  /**
   * Hot reconfiguration: the old queue's packets, oldest first, become this
   * (still empty) queue's; what does not fit the new capacity is dropped at
   * the old one, as Click's SimpleQueue::take_state kills it. Packets an old
   * `reset` was about to send out of output 1 leave from here instead.
   */
  override takeState(old: HostElement): void {
    if (!(old instanceof QueueElement)) return;
    if (this.length > 0) throw new Error('already have packets enqueued, cannot take state');
    const all = old.takeAll();
    const kept = all.slice(0, this.capacity);
    this.takePackets(old, kept.length);
    this.items = kept;
    this.highwater = Math.max(this.highwater, kept.length);
    for (const p of all.slice(this.capacity)) old.drop(p);
    if (all.length > kept.length) this.env.chatter(`some packets lost (old length ${all.length}, new capacity ${this.capacity})`);
    const flushing = old.flushing;
    old.flushing = [];
    this.takePackets(old, flushing.length);
    if (flushing.length) this.flushOut(flushing);
  }

  protected keptOnShrink(all: Packet[], capacity: number): { kept: Packet[]; lost: Packet[] } {
    return { kept: all.slice(0, capacity), lost: all.slice(capacity) };
  }
}

/** The C side of every queue class (queue.h); `file` is the class's own C file. */
export function queueNative(file: string, frontDrop: boolean): NativeSpec<QueueConf> {
  return {
    source: nativeSource(import.meta.url, file),
    prefix: 'queue',
    lockstep: 'queue',
    hooks: { init: true, cleanup: true, pull: true, timer: true, held: true, takeState: true },
    init: (c, ctx) => `.capacity = ${c.capacity}u, .front_drop = ${+frontDrop}, .has_drop_output = ${+(ctx.noutputs > 1)}`,
  };
}

export const queueHandlers: Record<string, HandlerDef<QueueElement>> = {
  length: { read: (e) => String(e.length) },
  highwater_length: { read: (e) => String(e.highwater) },
  capacity: { read: (e) => String(e.capacity), write: (e, v) => e.setCapacity(unsignedValue(v, 'capacity')) },
  drops: { read: (e) => String(e.drops) },
  reset_counts: { write: (e) => e.resetCounts() },
  reset: { write: (e) => e.resetQueue() },
};

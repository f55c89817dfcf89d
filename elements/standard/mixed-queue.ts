/**
 * MixedQueue — a queue that is FIFO for one input and LIFO for the other.
 *
 * Synopsis:   MixedQueue([CAPACITY])
 * Ports:      2 push inputs; output 0 pull, optional output 1 push.
 * Processing: packets pushed on input 0 join the tail, as in a FIFO; when
 *             CAPACITY packets (default 1000) already wait, the newcomer is
 *             dropped. Packets pushed on input 1 join the head, so they are
 *             pulled next (a LIFO); when the queue is full, the packet at the
 *             tail (the one that would leave last) is dropped to make room.
 *             Dropped packets are counted in `drops` and go out of output 1
 *             if it exists; the first drop prints "overflow".
 * Handlers:   as SimpleQueue: length, highwater_length, capacity (read/write),
 *             drops, reset_counts, reset.
 *
 * Difference from Click: with CAPACITY 0, Click's input 1 hands on a slot
 * of its empty ring as the dropped packet; here the arriving packet itself
 * is the drop.
 */

import type { Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { QueueElement, queueArgs, queueHandlers, queueNative, type QueueConf } from './queue-base.js';

class MixedQueueElement extends QueueElement {
  override push(port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      if (port === 0) this.enqueue(p, out);
      else this.enqueueFront(p, out);
    }
  }

  private enqueueFront(p: Packet, out: Out): void {
    if (this.capacity === 0) {
      this.overflow(p, out);
      return;
    }
    const last = this.length >= this.capacity ? this.items.pop() : undefined;
    if (this.head > 0) this.items[--this.head] = p;
    else this.items.unshift(p);
    if (this.length > this.highwater) this.highwater = this.length;
    if (last) this.overflow(last, out);
  }
}

const base = queueNative('mixed-queue.c', false);

export const spec = defineElement<typeof queueArgs, QueueConf, MixedQueueElement>({
  name: 'MixedQueue',
  ports: '2/1-2',
  processing: 'h/lh',
  args: queueArgs,
  configure: (args) => ({ capacity: args.CAPACITY }),
  host: (init) => new MixedQueueElement(init),
  // Not a lock-step queue: it has two inputs.
  native: { source: base.source, prefix: base.prefix, hooks: base.hooks, init: (c, ctx) => `${base.init!(c, ctx)}, .mixed = 1` },
  handlers: queueHandlers,
});

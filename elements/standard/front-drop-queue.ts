/**
 * FrontDropQueue — a FIFO queue that drops its oldest packet when full.
 *
 * Synopsis:   FrontDropQueue([CAPACITY])
 * Ports:      1 push input; output 0 pull, optional output 1 push.
 * Processing: like Queue, except that a packet arriving at a full queue
 *             pushes out the head packet (counted in `drops`, sent out of
 *             output 1 if it exists) and joins the tail.
 * Handlers:   as Queue: length, highwater_length, capacity (read/write; a
 *             smaller capacity keeps the newest packets), drops,
 *             reset_counts, reset.
 *
 * Difference from Click: with CAPACITY 0 Click emits an uninitialised slot
 * and loses the packet; here the arriving packet itself is the drop.
 */

import type { Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { QueueElement, queueArgs, queueHandlers, queueNative, type QueueConf } from './queue-base.js';

class FrontDropQueueElement extends QueueElement {
  protected override enqueue(p: Packet, out: Out): void {
    if (this.capacity === 0) {
      this.overflow(p, out);
      return;
    }
    if (this.length >= this.capacity) {
      const oldest = this.items[this.head]!;
      this.head++;
      this.compact();
      this.overflow(oldest, out);
    }
    this.items.push(p);
    if (this.length > this.highwater) this.highwater = this.length;
  }

  protected override keptOnShrink(all: Packet[], capacity: number): { kept: Packet[]; lost: Packet[] } {
    const cut = Math.max(0, all.length - capacity);
    return { kept: all.slice(cut), lost: all.slice(0, cut) };
  }
}

export const spec = defineElement<typeof queueArgs, QueueConf, FrontDropQueueElement>({
  name: 'FrontDropQueue',
  ports: '1/1-2',
  processing: 'h/lh',
  args: queueArgs,
  configure: (args) => ({ capacity: args.CAPACITY }),
  host: (init) => new FrontDropQueueElement(init),
  native: queueNative('front-drop-queue.c', true),
  handlers: queueHandlers,
});

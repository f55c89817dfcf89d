/**
 * SimpleQueue — store packets in a FIFO queue.
 *
 * Synopsis:   SimpleQueue([CAPACITY])
 * Ports:      1 push input; output 0 pull, optional output 1 push.
 * Processing: pushed packets join the tail; pulls take from the head. When
 *             the queue already holds CAPACITY packets (default 1000) the
 *             arriving packet is dropped: counted in `drops`, sent out of
 *             output 1 if it exists, and the first drop prints "overflow".
 * Handlers:
 *   length (read)            packets in the queue now
 *   highwater_length (read)  the most packets held at once
 *   capacity (read/write)    the capacity; shrinking drops the newest packets
 *                            beyond it (not counted in `drops`)
 *   drops (read)             packets dropped because the queue was full
 *   reset_counts (write)     zero `drops`; highwater_length becomes the length
 *   reset (write)            empty the queue, sending the packets out of
 *                            output 1 (or dropping them)
 *
 * Difference from Click: `reset` emits the drained packets from a timer due at
 * once rather than inside the handler, since handlers have no output path.
 */

import { defineElement } from '../spec.js';
import { QueueElement, queueArgs, queueHandlers, queueNative, type QueueConf } from './queue-base.js';

export const spec = defineElement<typeof queueArgs, QueueConf, QueueElement>({
  name: 'SimpleQueue',
  ports: '1/1-2',
  processing: 'h/lh',
  args: queueArgs,
  configure: (args) => ({ capacity: args.CAPACITY }),
  host: (init) => new QueueElement(init),
  native: queueNative('simple-queue.c', false),
  handlers: queueHandlers,
});

/**
 * NotifierQueue — a FIFO queue that tells its pullers when it has packets.
 *
 * Synopsis:   NotifierQueue([CAPACITY])
 * Ports:      1 push input; output 0 pull, optional output 1 push.
 * Processing: exactly SimpleQueue's (see simple-queue.ts): pushed packets join
 *             the tail, pulls take the head; a packet arriving when CAPACITY
 *             (default 1000) packets wait is dropped, counted in `drops`,
 *             sent out of output 1 if it exists; the first drop prints
 *             "overflow".
 * Handlers:   length, highwater_length, capacity (read/write), drops,
 *             reset_counts, reset.
 *
 * In Click, NotifierQueue differs from SimpleQueue by its "empty" notifier
 * (the tasks pulling from it sleep while it is empty) and from Queue by
 * having no "full" notifier upstream. Tasks in clickvm's engines poll, so
 * the packets moved are the same as SimpleQueue's.
 */

import { defineElement } from '../spec.js';
import { QueueElement, queueArgs, queueHandlers, queueNative, type QueueConf } from './queue-base.js';

export const spec = defineElement<typeof queueArgs, QueueConf, QueueElement>({
  name: 'NotifierQueue',
  ports: '1/1-2',
  processing: 'h/lh',
  args: queueArgs,
  configure: (args) => ({ capacity: args.CAPACITY }),
  host: (init) => new QueueElement(init),
  native: queueNative('notifier-queue.c', false),
  handlers: queueHandlers,
});

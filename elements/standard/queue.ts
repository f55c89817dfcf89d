/**
 * Queue — store packets in a FIFO queue (Click's FullNoteQueue).
 *
 * Synopsis:   Queue([CAPACITY])
 * Ports:      1 push input; output 0 pull, optional output 1 push.
 * Processing and handlers: exactly SimpleQueue's (see simple-queue.ts):
 *   length, highwater_length, capacity (read/write), drops, reset_counts, reset.
 *   CAPACITY defaults to 1000; packets arriving at a full queue are dropped,
 *   counted and sent out of output 1 if it exists.
 *
 * Click's Queue also wakes and sleeps the tasks pulling from it
 * (notification); host-engine tasks poll instead, so the packets moved are
 * the same. The class is also known by its old name FullNoteQueue.
 */

import { defineElement } from '../spec.js';
import { QueueElement, queueArgs, queueHandlers, queueNative, type QueueConf } from './queue-base.js';

function queueSpec(name: string) {
  return defineElement<typeof queueArgs, QueueConf, QueueElement>({
    name,
    ports: '1/1-2',
    processing: 'h/lh',
    args: queueArgs,
    configure: (args) => ({ capacity: args.CAPACITY }),
    host: (init) => new QueueElement(init),
    native: queueNative('queue.c', false),
    handlers: queueHandlers,
  });
}

export const spec = queueSpec('Queue');
export const fullNoteQueueSpec = queueSpec('FullNoteQueue');

/**
 * Counter — count packets and bytes passing through.
 *
 * Synopsis:   Counter([KEYWORDS])
 * Ports:      1 input, 1 output; agnostic (works in push or pull paths).
 * Processing: every packet leaves unchanged on output 0 after being counted.
 * Keywords:   none yet (Click's COUNT_CALL / BYTE_COUNT_CALL are not supported).
 * Handlers:
 *   count (read)       packets counted
 *   byte_count (read)  bytes counted
 *   reset (write)      zero both counts
 */

import { HostElement, Out } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';

class CounterElement extends HostElement<Record<string, never>> {
  count = 0;
  byteCount = 0;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    this.tally(batch);
    out.emitBatch(0, batch);
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    this.tally(batch);
    return batch;
  }

  private tally(batch: PacketBatch): void {
    this.count += batch.length;
    for (const p of batch) this.byteCount += p.length;
  }
}

export const spec = defineElement({
  name: 'Counter',
  ports: '1/1',
  processing: 'a/a',
  args: {},
  host: (init) => new CounterElement(init),
  handlers: {
    count: { read: (e: CounterElement) => String(e.count) },
    byte_count: { read: (e: CounterElement) => String(e.byteCount) },
    reset: {
      write: (e: CounterElement) => {
        e.count = 0;
        e.byteCount = 0;
      },
    },
  },
});

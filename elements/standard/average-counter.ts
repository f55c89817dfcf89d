/**
 * AverageCounter — count packets and bytes and measure their average rate
 * since the first packet.
 *
 * Synopsis:   AverageCounter([IGNORE])
 * Ports:      1 input, 1 output; agnostic.
 * Processing: packets pass unchanged. The rate is a strict average over the
 *             time between the first and the most recent packet, in jiffies
 *             (milliseconds). Packets in the first IGNORE seconds after the
 *             first packet are not counted (IGNORE, unsigned, default 0).
 * Handlers:
 *   count, byte_count (read)   counted packets and bytes (unsigned 32-bit, wrapping)
 *   rate, byte_rate (read)     count * 1000 / (elapsed jiffies - ignored), at least
 *                              one jiffy, printed as printf("%.12g")
 *   bit_rate (read)            byte_rate * 8
 *   reset (write)              zero everything; the next packet starts a new period
 *
 * As in Click, a first packet at jiffy 0 does not start the period (0 means
 * "no first packet yet"); the next packet does.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../spec.js';
import { formatDouble } from '../lib/click-numbers.js';
import { CLICK_HZ, jiffiesAt } from '../lib/click-time.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

export interface AverageCounterConf {
  /** Ignored period in jiffies (IGNORE seconds * 1000, unsigned 32-bit as Click computes it). */
  readonly ignoreJiffies: number;
}

const args = { IGNORE: a.p(T.unsigned, 0) };

export class AverageCounterElement extends HostElement<AverageCounterConf> {
  count = 0;
  byteCount = 0;
  private first = 0;
  private last = 0;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) this.tally(p);
    out.emitBatch(0, batch);
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    for (const p of batch) this.tally(p);
    return batch;
  }

  private tally(p: Packet): void {
    const now = jiffiesAt(this.env.now());
    if (this.first === 0) this.first = now;
    if (((now - this.first) >>> 0) >= this.conf.ignoreJiffies) {
      this.count = (this.count + 1) >>> 0;
      this.byteCount = (this.byteCount + p.length) >>> 0;
    }
    this.last = now;
  }

  reset(): void {
    this.count = this.byteCount = this.first = this.last = 0;
  }

  readRate(which: 'packets' | 'bytes' | 'bits'): string {
    let elapsed = (this.last - this.first) >>> 0;
    elapsed = (elapsed - this.conf.ignoreJiffies) >>> 0;
    if (elapsed < 1) elapsed = 1;
    const n = which === 'packets' ? this.count : which === 'bytes' ? this.byteCount : this.byteCount * 8;
    return formatDouble((n * CLICK_HZ) / elapsed);
  }
}

export const spec = defineElement<typeof args, AverageCounterConf, AverageCounterElement>({
  name: 'AverageCounter',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (args) => ({ ignoreJiffies: (args.IGNORE * CLICK_HZ) % 0x1_0000_0000 }),
  host: (init) => new AverageCounterElement(init),
  native: {
    source: nativeSource(import.meta.url, 'average-counter.c'),
    prefix: 'average_counter',
    inPlace: true,
    init: (c) => `.ignore = ${c.ignoreJiffies}u`,
  },
  handlers: {
    count: { read: (e: AverageCounterElement) => String(e.count) },
    byte_count: { read: (e: AverageCounterElement) => String(e.byteCount) },
    rate: { read: (e: AverageCounterElement) => e.readRate('packets') },
    byte_rate: { read: (e: AverageCounterElement) => e.readRate('bytes') },
    bit_rate: { read: (e: AverageCounterElement) => e.readRate('bits') },
    reset: { write: (e: AverageCounterElement) => e.reset() },
  },
});

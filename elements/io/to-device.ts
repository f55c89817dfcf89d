/**
 * ToDevice — send packets out of a network device.
 *
 * Synopsis:   ToDevice(DEVNAME [, KEYWORDS])
 * Ports:      1 pull input; optional outputs 0 and 1, push.
 * Processing: a task pulls up to BURST packets per run and hands them to the transmit ring
 *             of the device DEVNAME in one batch. Packets the ring took go out of output 0
 *             if it exists (else they are consumed: the device has them); packets it could
 *             not take (a full ring) go out of output 1 if it exists, else they are dropped
 *             and counted. Packets must already carry their link-level header. The task
 *             polls (it reschedules itself), as Discard's pulling task does.
 *             Devices come from the router's device back-end, as for FromDevice.
 * Keywords:
 *   BURST   packets pulled per task run (default 1, as Click; 0 means 1)
 * Handlers:   count (r: packets sent), drops (r: packets the ring could not take),
 *             reset_counts (w).
 * Differences from Click: a full ring is not retried later (Click keeps one packet back and
 * retries it); the packet goes to output 1 or is dropped, counted either way.
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { defineElement } from '../spec.js';
import { DeviceElement } from './device-element.js';

export interface ToDeviceConf {
  readonly devname: string;
  readonly burst: number;
}

export class ToDeviceElement extends DeviceElement<ToDeviceConf> {
  count = 0;
  drops = 0;
  override runTask(out: Out): boolean {
    let left = this.conf.burst;
    let got = 0;
    while (left > 0) {
      const batch = this.env.pullInput(0, left);
      if (batch.length === 0) break;
      this.send(batch, out);
      got += batch.length;
      left -= batch.length;
    }
    this.task.schedule();
    return got > 0;
  }

  /** Hand one pulled batch to the ring: what it took goes on (or is the device's), the rest to output 1 or a drop. */
  private send(batch: readonly Packet[], out: Out): void {
    const sent = this.device!.send(batch.map((p) => p.data));
    batch.forEach((p, i) => {
      if (i < sent) {
        this.count++;
        if (this.outputs.length > 0) out.emit(0, p);
        else this.consume(p);
      } else {
        this.drops++;
        if (this.outputs.length > 1) out.emit(1, p);
        else this.drop(p);
      }
    });
  }
}

type E = ToDeviceElement;

const args = {
  DEVNAME: a.mp(T.string),
  BURST: a.kw(T.unsigned, 1),
};

export const spec = defineElement<typeof args, ToDeviceConf, E>({
  name: 'ToDevice',
  ports: '1/0-2',
  processing: 'l/h',
  args,
  configure: (v): ToDeviceConf => ({ devname: v.DEVNAME, burst: Math.max(1, v.BURST) }),
  host: (init) => new ToDeviceElement(init),
  native: {
    source: nativeSource(import.meta.url, 'to-device.c'),
    prefix: 'to_device',
    hooks: { init: true, cleanup: true, task: true },
    init: (c, ctx) => `.devname = ${ctx.cString(c.devname)}, .burst = ${c.burst}u`,
  },
  handlers: {
    count: { read: (e: E) => String(e.count) },
    drops: { read: (e: E) => String(e.drops) },
    reset_counts: {
      write: (e: E) => {
        e.count = 0;
        e.drops = 0;
      },
    },
  },
});

/**
 * ToDevice — send packets out of a network device.
 *
 * Synopsis:   ToDevice(DEVNAME [, KEYWORDS])
 * Ports:      1 pull input; optional outputs 0 and 1, push.
 * Processing: a task pulls up to BURST packets per run (at most 32 per pull) and hands
 *             each pull to the transmit ring of the device DEVNAME in one batch. Packets
 *             the ring took go out of output 0 if it exists (else they are consumed: the
 *             device has them). Packets a full ring could not take wait in the element,
 *             which tries them first at its next run and pulls nothing more until they
 *             are sent, so a full ring pushes back on the queue before it, as Click's
 *             ToDevice does; they count as held. Output 1 is Click's, for packets a device
 *             refuses with an error; no back-end here refuses one. A Linux interface that
 *             is deleted (or down) while frames wait in its ring makes the kernel refuse
 *             them: they are dropped and counted (drops), and the error is said once until
 *             a send works again; the router goes on. Packets must already
 *             carry their link-level header. The task polls (it reschedules itself), as
 *             Discard's pulling task does.
 *             Devices come from the router's device back-end, as for FromDevice.
 * Keywords:
 *   BURST   packets pulled per task run (default 1, as Click; 0 means 1)
 *   QUIET   no note when the interface is down (default false)
 *   METHOD  LINUX or PCAP (default LINUX; both the AF_PACKET transmit ring) or XDP (an AF_XDP
 *           socket in copy mode, runtime/device-afxdp.c), as for FromDevice; memory devices
 *           ignore it
 * Handlers:   count (r: packets sent), waiting (r: packets waiting for ring space),
 *             drops (r: packets the device took and then lost), reset_counts (w).
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { methodCode, type DeviceMethod, type DeviceParams } from '../../host-engine/devices.js';
import type { HostElement, Out } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { defineElement } from '../spec.js';
import { DeviceElement, methodArg } from './device-element.js';

export interface ToDeviceConf {
  readonly devname: string;
  readonly burst: number;
  readonly quiet: boolean;
  readonly method: DeviceMethod;
}

/** Packets pulled at most per pull (TO_DEVICE_PULL in to-device.c), so both engines hold back the same packets. */
export const TODEVICE_PULL = 32;

export class ToDeviceElement extends DeviceElement<ToDeviceConf> {
  count = 0;
  /** Packets a full ring did not take, oldest first. */
  waiting: Packet[] = [];

  protected deviceParams(): DeviceParams {
    return { receive: false, method: this.conf.method };
  }

  /** Packets the device took and then lost. */
  get drops(): number {
    return this.device?.sendDrops ?? 0;
  }

  override held(): number {
    return this.waiting.length;
  }

  override runTask(out: Out): boolean {
    let sent = this.waiting.length ? this.send(this.waiting.splice(0), out) : 0;
    let left = this.waiting.length ? 0 : this.conf.burst;
    while (left > 0) {
      const batch = this.env.pullInput(0, Math.min(left, TODEVICE_PULL));
      if (batch.length === 0) break;
      left -= batch.length;
      sent += this.send(batch, out);
      if (this.waiting.length) break;
    }
    this.task.schedule();
    return sent > 0;
  }

  /**
   * Hot reconfiguration: an old ToDevice on the same device hands over the
   * packets its full ring had not taken (they go first) and its count.
   */
  override takeState(old: HostElement): void {
    if (!(old instanceof ToDeviceElement) || old.conf.devname !== this.conf.devname) return;
    this.takePackets(old, old.waiting.length);
    this.waiting = [...old.waiting.splice(0), ...this.waiting];
    this.count += old.count;
  }

  /** Hand packets to the ring: what it took goes on (or is the device's), the rest waits. Returns how many it took. */
  private send(batch: readonly Packet[], out: Out): number {
    const sent = this.device!.send(batch.map((p) => p.data));
    batch.forEach((p, i) => {
      if (i >= sent) this.waiting.push(p);
      else if (this.outputs.length > 0) out.emit(0, p);
      else this.consume(p);
    });
    this.count += sent;
    // The device lost what it took (device-afpacket.c: the interface was deleted or is down): said once.
    const why = this.device!.takeError?.('send');
    if (why) this.env.chatter(`${this.conf.devname}: send: ${why} (frames dropped until sending works again)`);
    return sent;
  }
}

type E = ToDeviceElement;

const args = {
  DEVNAME: a.mp(T.string),
  BURST: a.kw(T.unsigned, 1),
  QUIET: a.kw(T.bool, false),
  METHOD: methodArg,
};

export const spec = defineElement<typeof args, ToDeviceConf, E>({
  name: 'ToDevice',
  ports: '1/0-2',
  processing: 'l/h',
  args,
  configure: (v): ToDeviceConf => ({ devname: v.DEVNAME, burst: Math.max(1, v.BURST), quiet: v.QUIET, method: v.METHOD }),
  host: (init) => new ToDeviceElement(init),
  native: {
    source: nativeSource(import.meta.url, 'to-device.c'),
    prefix: 'to_device',
    hooks: { init: true, cleanup: true, task: true, held: true, takeState: true },
    init: (c, ctx) => `.devname = ${ctx.cString(c.devname)}, .burst = ${c.burst}u, .quiet = ${+c.quiet}, .method = ${methodCode(c.method)}`,
  },
  handlers: {
    count: { read: (e: E) => String(e.count) },
    waiting: { read: (e: E) => String(e.waiting.length) },
    drops: { read: (e: E) => String(e.drops) },
    reset_counts: { write: (e: E) => void (e.count = 0) },
  },
});

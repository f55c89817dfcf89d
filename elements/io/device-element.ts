// What FromDevice and ToDevice share: a device opened by name from the
// router's back-end at initialization and told what the element needs (its
// receive or transmit side, with the element's keywords), a polling task
// started then, and the device closed at cleanup.

import { a } from '../../config-lang/args/args.js';
import { keywordOf } from '../../config-lang/args/types.js';
import type { DeviceMethod, DeviceParams, NetDevice } from '../../host-engine/devices.js';
import { HostElement, type ElementInit, type Task } from '../../host-engine/element.js';

/** Click's METHOD keyword of FromDevice/ToDevice: LINUX (the AF_PACKET ring of frame slots, the default), PCAP (the AF_PACKET ring of blocks) or XDP (an AF_XDP socket). */
export const methodArg = a.kw(keywordOf<DeviceMethod>('device method (LINUX, PCAP or XDP)', ['LINUX', 'PCAP', 'XDP']), 'LINUX');

export abstract class DeviceElement<C extends { readonly devname: string; readonly quiet: boolean }> extends HostElement<C> {
  protected device: NetDevice | undefined;
  protected readonly task: Task;

  constructor(init: ElementInit<C>) {
    super(init);
    this.task = this.env.task();
  }

  /** The side of the device this element uses, with its keywords. */
  protected abstract deviceParams(): DeviceParams;

  override initialize(): void {
    const device = this.env.openDevice(this.conf.devname);
    try {
      device.setup?.(this.deviceParams());
    } catch (e) {
      device.close?.();
      throw e;
    }
    this.device = device;
    // Click's device elements say when their interface is down, unless QUIET.
    if (!this.conf.quiet && device.down) this.env.chatter(`${this.conf.devname}: interface is down`);
    this.task.schedule();
  }

  override cleanup(): void {
    this.device?.close?.();
    this.device = undefined;
  }
}

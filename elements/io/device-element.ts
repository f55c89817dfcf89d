// What FromDevice and ToDevice share: a device opened by name from the
// router's back-end at initialization, and a polling task started then.

import type { NetDevice } from '../../host-engine/devices.js';
import { HostElement, type ElementInit, type Task } from '../../host-engine/element.js';

export abstract class DeviceElement<C extends { readonly devname: string }> extends HostElement<C> {
  protected device: NetDevice | undefined;
  protected readonly task: Task;

  constructor(init: ElementInit<C>) {
    super(init);
    this.task = this.env.task();
  }

  override initialize(): void {
    this.device = this.env.openDevice(this.conf.devname);
    this.task.schedule();
  }
}

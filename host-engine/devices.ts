// Network devices as FromDevice and ToDevice see them: a named pair of
// rings, frames received (rx) and frames to send (tx), moved a batch at a
// time. Back-ends differ only in where the frames come from and go to; the
// elements and the engines do not change with them.
//
// This module has the memory back-end: devices are made on first use and
// the embedding program (a test, the VM's control channel) puts frames into
// rx and takes them out of tx. The native runtime has the same model
// (dataplane-native/runtime/device.h), so a configuration with devices runs
// the same in both engines.

/** How a kernel interface is reached (METHOD): the AF_PACKET ring of frame slots or of blocks, or an AF_XDP socket. */
export type DeviceMethod = 'LINUX' | 'PCAP' | 'XDP';

/** The method's number in the C runtime (CVM_DEV_METHOD_* in dataplane-native/runtime/device.h). */
export function methodCode(m: DeviceMethod | undefined): number {
  return m === 'XDP' ? 1 : m === 'PCAP' ? 2 : 0;
}

/** What FromDevice (receive) or ToDevice (transmit) asks of a device after opening it. */
export interface DeviceParams {
  readonly receive: boolean;
  /** Kernel devices: the AF_PACKET ring of slots (default) or of blocks, or AF_XDP; memory devices ignore it. */
  readonly method?: DeviceMethod;
  /** Receive: longest frame kept. */
  readonly snaplen?: number;
  readonly promisc?: boolean;
  /** Receive: also the frames the host itself sends. */
  readonly outbound?: boolean;
}

/** One device of a back-end. */
export interface NetDevice {
  readonly name: string;
  /** Up to `max` received frames, oldest first (removed from the ring). */
  receive(max: number): Uint8Array[];
  /** Queue frames for sending; returns how many were taken (a full ring takes fewer). */
  send(frames: readonly Uint8Array[]): number;
  /** Frames the device dropped before they reached the router (a full receive ring). */
  readonly receiveDrops: number;
  /** Frames taken for sending that the device then lost (kernel devices: the kernel refused them for good). */
  readonly sendDrops?: number;
  /** A receive or send failure not yet reported (strerror text), forgotten once taken; kernel devices. */
  takeError?(side: 'receive' | 'send'): string | undefined;
  /** Make what an element needs (a kernel device's rings); throws an Error saying why it cannot. Memory devices need nothing. */
  setup?(params: DeviceParams): void;
  /** The interface is down (kernel devices). */
  readonly down?: boolean;
  /** The element is done with the device (called once per open). */
  close?(): void;
}

/** Where a router's devices come from. */
export interface DeviceBackend {
  /** The device called `name`; throws an Error saying why when there is none. */
  open(name: string): NetDevice;
  /** Can frames still arrive from outside (an open receiving kernel device)? Then an idle router waits instead of ending. */
  live?(): boolean;
  /** Serve the devices and wait up to `timeoutMs` for a frame to arrive; true if one may have. */
  wait?(timeoutMs: number): boolean;
}

/** A device whose rings are arrays in this process. */
export class MemoryDevice implements NetDevice {
  private rx: Uint8Array[] = [];
  private tx: Uint8Array[] = [];
  receiveDrops = 0;

  /** `capacity`: frames each ring holds at most (Infinity: no limit). */
  constructor(
    readonly name: string,
    readonly capacity = Infinity,
  ) {}

  /** Frames arriving from the wire; those that do not fit are counted as drops. Returns how many fit. */
  inject(frames: readonly Uint8Array[]): number {
    const room = Math.max(0, this.capacity - this.rx.length);
    const taken = frames.slice(0, room);
    for (const f of taken) this.rx.push(Uint8Array.from(f));
    this.receiveDrops += frames.length - taken.length;
    return taken.length;
  }

  /** Every frame sent so far, oldest first (the ring empties). */
  collect(): Uint8Array[] {
    const out = this.tx;
    this.tx = [];
    return out;
  }

  receive(max: number): Uint8Array[] {
    return this.rx.splice(0, Math.max(0, max));
  }

  send(frames: readonly Uint8Array[]): number {
    const room = Math.max(0, this.capacity - this.tx.length);
    const taken = frames.slice(0, room);
    for (const f of taken) this.tx.push(Uint8Array.from(f));
    return taken.length;
  }
}

/** The memory back-end: a device for every name, made on first use. */
export class MemoryDevices implements DeviceBackend {
  private readonly devices = new Map<string, MemoryDevice>();

  constructor(private readonly capacity = Infinity) {}

  open(name: string): MemoryDevice {
    let d = this.devices.get(name);
    if (!d) this.devices.set(name, (d = new MemoryDevice(name, this.capacity)));
    return d;
  }

  /** Put frames on `name`'s receive ring; returns how many fit. */
  inject(name: string, frames: readonly Uint8Array[]): number {
    return this.open(name).inject(frames);
  }

  /** Take every frame `name` has sent. */
  collect(name: string): Uint8Array[] {
    return this.open(name).collect();
  }
}

/** No back-end: every device is missing (the default until a real back-end exists). */
export const noDevices: DeviceBackend = {
  open(name: string): NetDevice {
    throw new Error(`${name}: no such device (no device back-end of this engine has it; in-process runs can use memory devices)`);
  },
};

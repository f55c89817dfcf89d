// Linux interfaces for the host engine: the AF_PACKET back-end of the
// native runtime (dataplane-native/runtime/device-afpacket.c), reached
// through koffi (dataplane-native/afpacket-lib.ts). Frames cross into and
// out of C a batch per call: the ring's frames are copied into one buffer
// with their lengths, and sent ones go back the same way. A side set up
// with METHOD XDP goes through the same calls to an AF_XDP socket
// (runtime/device-afxdp.c).

import { afpacketLib, type AfpacketLib } from '../dataplane-native/afpacket-lib.js';
import { methodCode, type DeviceBackend, type DeviceParams, type NetDevice } from './devices.js';

const ERR_CAP = 512;
/** Bytes and frames moved per receive call at most. */
const RX_BUFFER = 1 << 18;
const RX_MAX = 512;

function errText(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
}

/** One interface, shared by the FromDevice and ToDevice that name it. */
export class KernelDevice implements NetDevice {
  private users = 1;
  private readonly rxBuf = Buffer.alloc(RX_BUFFER);
  private readonly rxLens = new Uint32Array(RX_MAX);
  private closed = false;

  constructor(
    readonly name: string,
    private readonly lib: AfpacketLib,
    private readonly handle: unknown,
    private readonly onClose: (d: KernelDevice) => void,
  ) {}

  addUser(): this {
    this.users++;
    return this;
  }

  setup(params: DeviceParams): void {
    const err = Buffer.alloc(ERR_CAP);
    if (this.lib.setup(this.handle, params.receive ? 1 : 0, params.snaplen ?? 2046, params.promisc ? 1 : 0, params.outbound ? 1 : 0, methodCode(params.method), err, ERR_CAP) < 0) {
      throw new Error(errText(err));
    }
  }

  get down(): boolean {
    return this.lib.down(this.handle) !== 0;
  }

  get receiveDrops(): number {
    return this.closed ? 0 : Number(this.lib.drops(this.handle));
  }

  get sendDrops(): number {
    return this.closed ? 0 : Number(this.lib.txDrops(this.handle));
  }

  takeError(side: 'receive' | 'send'): string | undefined {
    const err = Buffer.alloc(ERR_CAP);
    return !this.closed && this.lib.takeError(this.handle, side === 'receive' ? 1 : 0, err, ERR_CAP) ? errText(err) : undefined;
  }

  receive(max: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    while (out.length < max) {
      const n = this.lib.rx(this.handle, this.rxBuf, BigInt(RX_BUFFER), this.rxLens, Math.min(RX_MAX, max - out.length));
      let off = 0;
      for (let i = 0; i < n; i++) {
        const len = this.rxLens[i]!;
        out.push(Uint8Array.prototype.slice.call(this.rxBuf, off, off + len));
        off += len;
      }
      if (n < RX_MAX) break;
    }
    return out;
  }

  send(frames: readonly Uint8Array[]): number {
    if (frames.length === 0) return 0;
    const lens = Uint32Array.from(frames, (f) => f.length);
    const data = Buffer.concat(frames);
    return this.lib.tx(this.handle, data, lens, frames.length);
  }

  close(): void {
    if (this.closed || --this.users > 0) return;
    this.closed = true;
    this.lib.close(this.handle);
    this.onClose(this);
  }
}

/** The kernel's interfaces, opened by name; a name it does not know is missing. */
export class KernelDevices implements DeviceBackend {
  private readonly open_ = new Map<string, KernelDevice>();
  private lib: AfpacketLib | undefined;

  open(name: string): NetDevice {
    const had = this.open_.get(name);
    if (had) return had.addUser();
    this.lib ??= afpacketLib();
    const err = Buffer.alloc(ERR_CAP);
    const h = this.lib.open(name, err, ERR_CAP);
    if (!h) {
      const why = errText(err);
      throw new Error(why || `${name}: no such device (no network interface of that name, and no other device back-end)`);
    }
    const d = new KernelDevice(name, this.lib, h, (x) => this.open_.delete(x.name));
    this.open_.set(name, d);
    return d;
  }

  live(): boolean {
    return this.lib !== undefined && this.open_.size > 0 && this.lib.live() !== 0;
  }

  wait(timeoutMs: number): boolean {
    return this.lib !== undefined && this.lib.wait(Math.max(0, Math.round(timeoutMs))) !== 0;
  }
}

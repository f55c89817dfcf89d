// A compiled configuration loaded into this process through koffi: start,
// run, handlers, accounting and captured output. Each call crosses into C
// once (about 100 ns), so nothing here is per packet.

import koffi, { type LibraryHandle } from 'koffi';

interface Lib {
  start(simtime: number, simStartNs: bigint, seed: number, capture: number, warnings: number): number;
  run(): number;
  runUntil(deadline: bigint): number;
  now(): bigint;
  finish(): void;
  error(buf: Buffer, cap: number): number;
  read(path: string, buf: Buffer, cap: number): number;
  write(path: string, value: Buffer): number;
  accounting(buf: Buffer, cap: number): number;
  outputLength(stream: number): number;
  takeOutput(stream: number, buf: Buffer, cap: number): number;
  failedElement(): number;
  readAt(e: number, name: string, param: string | null, buf: Buffer, cap: number): number;
  writeAt(e: number, name: string, value: string): number;
  stats(e: number, out: BigUint64Array): void;
  devices(enable: number, capacity: number): void;
  kernelDevices(enable: number): void;
  inject(device: string, data: Buffer, lens: Uint32Array, n: number): number;
  pendingBytes(device: string, max: number): bigint;
  collect(device: string, buf: Buffer, cap: bigint, lens: Uint32Array, max: number): number;
  receivedBytes(device: string, max: number): bigint;
  takeReceived(device: string, buf: Buffer, cap: bigint, lens: Uint32Array, max: number): number;
  element(e: number): unknown;
  hotswapOps(): unknown;
  takeState(e: number, old: unknown, oldOps: unknown): number;
  hotPredecessor(e: number, old: unknown): void;
  hotconfigEnable(on: number): void;
  hotconfigPending(buf: Buffer, cap: number): number;
  hotconfigDone(ok: number, msg: Buffer): void;
}

/** Frames moved per crossing when collecting. */
const COLLECT_BATCH = 256;

export class NativeRouterError extends Error {
  override name = 'NativeRouterError';
  /** For initialization failures: the index of the element that failed. */
  constructor(message: string, readonly element = -1) {
    super(message);
  }
}

export class NativeRouter {
  private readonly lib: Lib;
  private readonly handle: LibraryHandle;

  constructor(readonly path: string) {
    const h = koffi.load(path);
    this.handle = h;
    this.lib = {
      start: h.func('int cvm_lib_start(int, int64_t, unsigned int, int, int)'),
      run: h.func('int cvm_lib_run(void)'),
      runUntil: h.func('int cvm_lib_run_until(int64_t)'),
      now: h.func('int64_t cvm_lib_now(void)'),
      finish: h.func('void cvm_lib_finish(void)'),
      error: h.func('int cvm_lib_error(_Out_ uint8_t *buf, int cap)'),
      read: h.func('int cvm_lib_read(const char *path, _Out_ uint8_t *buf, int cap)'),
      write: h.func('int cvm_lib_write(const char *path, const uint8_t *value)'),
      accounting: h.func('int cvm_lib_accounting(_Out_ uint8_t *buf, int cap)'),
      outputLength: h.func('int cvm_lib_output_length(int)'),
      takeOutput: h.func('int cvm_lib_take_output(int, _Out_ uint8_t *buf, int cap)'),
      failedElement: h.func('int cvm_lib_failed_element(void)'),
      readAt: h.func('int cvm_lib_read_at(int, const char *, const char *, _Out_ uint8_t *buf, int cap)'),
      writeAt: h.func('int cvm_lib_write_at(int, const char *, const char *)'),
      stats: h.func('void cvm_lib_stats(int, _Out_ uint64_t *six)'),
      devices: h.func('void cvm_lib_devices(int, uint32_t)'),
      kernelDevices: h.func('void cvm_lib_kernel_devices(int)'),
      inject: h.func('int cvm_lib_inject(const char *, const uint8_t *, const uint32_t *, unsigned int)'),
      pendingBytes: h.func('uint64_t cvm_lib_pending_bytes(const char *, unsigned int)'),
      collect: h.func('unsigned int cvm_lib_collect(const char *, _Out_ uint8_t *, uint64_t, _Out_ uint32_t *, unsigned int)'),
      receivedBytes: h.func('uint64_t cvm_lib_received_bytes(const char *, unsigned int)'),
      takeReceived: h.func('unsigned int cvm_lib_take_received(const char *, _Out_ uint8_t *, uint64_t, _Out_ uint32_t *, unsigned int)'),
      element: h.func('void *cvm_lib_element(int)'),
      hotswapOps: h.func('const void *cvm_lib_hotswap_ops(void)'),
      takeState: h.func('int cvm_lib_take_state(int, void *, const void *)'),
      hotPredecessor: h.func('void cvm_lib_hot_predecessor(int, void *)'),
      hotconfigEnable: h.func('void cvm_lib_hotconfig_enable(int)'),
      hotconfigPending: h.func('int cvm_lib_hotconfig_pending(_Out_ uint8_t *buf, int cap)'),
      hotconfigDone: h.func('void cvm_lib_hotconfig_done(int, const uint8_t *)'),
    };
  }

  /**
   * Hot reconfiguration (runtime/hotswap.h): element `e` of this library
   * takes the state of element `oldIndex` of `old`, a library of the same
   * class's C struct. Returns whether the class takes state, and the
   * problems it reported (warnings).
   */
  takeStateFrom(e: number, old: NativeRouter, oldIndex: number): { took: boolean; problems: string } {
    const took = this.lib.takeState(e, old.lib.element(oldIndex), old.lib.hotswapOps()) === 1;
    return { took, problems: this.lastError() };
  }

  /** Before start(): element `e` will take the state of element `oldIndex` of `old` (hot reconfiguration); see clearPredecessors. */
  setPredecessor(e: number, old: NativeRouter, oldIndex: number): void {
    this.lib.hotPredecessor(e, old.lib.element(oldIndex));
  }

  clearPredecessors(): void {
    this.lib.hotPredecessor(-1, null);
  }

  /** Before start(): provide the global `hotconfig` write handler to ControlSocket clients. */
  enableHotconfig(on: boolean): void {
    this.lib.hotconfigEnable(on ? 1 : 0);
  }

  /** A hotconfig text written in the router and not yet taken (taking it marks the reconfiguration under way), or undefined. */
  takeHotconfig(): string | undefined {
    let cap = 4096;
    for (;;) {
      const buf = Buffer.alloc(cap);
      const n = this.lib.hotconfigPending(buf, cap);
      if (n < 0) return undefined;
      if (n < cap) return buf.subarray(0, n).toString('latin1');
      cap = n + 1;
    }
  }

  /** The reconfiguration ended: its writer, if it waits in this library, gets 200 or 520 with `error`'s lines. */
  hotconfigDone(error?: string): void {
    this.lib.hotconfigDone(error === undefined ? 1 : 0, Buffer.from((error ?? '') + '\0', 'latin1'));
  }

  /** Unload the library (after finish()); nothing of it may be called again. */
  unload(): void {
    this.handle.unload();
  }

  private lastError(): string {
    let buf = Buffer.alloc(4096);
    const n = this.lib.error(buf, buf.length);
    if (n >= buf.length) {
      // A long message (it may quote a long value): fetch it whole.
      buf = Buffer.alloc(n + 1);
      this.lib.error(buf, buf.length);
    }
    return buf.subarray(0, n).toString('latin1');
  }

  /**
   * Initialize every element (configuration order). With `capture` (the
   * default) stdout/stderr text is kept for takeOutput(); without, it is
   * written to this process's streams as the run goes. `devices` gives
   * FromDevice and ToDevice memory devices (runtime/device.h), fed with
   * inject() and drained with collect(); `capacity` is packets per ring
   * (default: no limit), as host-engine/devices.ts's MemoryDevices.
   * `kernelDevices` opens Linux interfaces by name through AF_PACKET
   * (runtime/device-afpacket.c) instead; off by default so in-process runs
   * never touch a real interface that happens to share a device's name.
   */
  start(opts: { simtime?: boolean | bigint; seed?: number; capture?: boolean; warnings?: boolean; devices?: { capacity?: number }; kernelDevices?: boolean } = {}): void {
    const sim = opts.simtime !== undefined && opts.simtime !== false;
    const startNs = typeof opts.simtime === 'bigint' ? opts.simtime : 0n;
    const capacity = opts.devices?.capacity;
    this.lib.devices(opts.devices ? 1 : 0, capacity === undefined || !Number.isFinite(capacity) ? 0 : capacity);
    this.lib.kernelDevices(opts.kernelDevices && !opts.devices ? 1 : 0);
    if (this.lib.start(sim ? 1 : 0, startNs, opts.seed ?? 0, opts.capture === false ? 0 : 1, opts.warnings === false ? 0 : 1) < 0) {
      throw new NativeRouterError(this.lastError(), this.lib.failedElement());
    }
  }

  /** Read handler `name` of element index `e` (-1: global), optionally with a parameter. */
  readAt(e: number, name: string, param?: string): string {
    let cap = 4096;
    for (;;) {
      const buf = Buffer.alloc(cap);
      const n = this.lib.readAt(e, name, param ?? null, buf, cap);
      if (n < 0) throw new NativeRouterError(this.lastError());
      if (n < cap) return buf.subarray(0, n).toString('latin1');
      cap = n + 1;
    }
  }

  writeAt(e: number, name: string, value: string): void {
    if (this.lib.writeAt(e, name, value) < 0) throw new NativeRouterError(this.lastError());
  }

  /** Packet counts of element `e`. */
  stats(e: number): { in: number; out: number; dropped: number; consumed: number; created: number; held: number } {
    const six = new BigUint64Array(6);
    this.lib.stats(e, six);
    const [i, o, d, c, cr, h] = Array.from(six, Number);
    return { in: i!, out: o!, dropped: d!, consumed: c!, created: cr!, held: h! };
  }

  /**
   * Run until stopped or idle, or (with `until`) until engine time would
   * pass `until` ns (timers due then still fire); a router that was not
   * stopped may run again. Returns whether the deadline ended the run.
   */
  run(opts: { until?: bigint } = {}): boolean {
    return this.runFor(opts) === 'deadline';
  }

  /** The same, saying why the run ended: `yield` when a hotconfig write is waiting (takeHotconfig). */
  runFor(opts: { until?: bigint } = {}): 'done' | 'deadline' | 'yield' {
    const r = opts.until === undefined ? this.lib.run() : this.lib.runUntil(opts.until);
    return r === 2 ? 'deadline' : r === 3 ? 'yield' : 'done';
  }

  /** Engine time in ns (simulated in simtime runs). */
  now(): bigint {
    return BigInt(this.lib.now());
  }

  finish(): void {
    this.lib.finish();
  }

  read(path: string): string {
    let cap = 4096;
    for (;;) {
      const buf = Buffer.alloc(cap);
      const n = this.lib.read(path, buf, cap);
      if (n < 0) throw new NativeRouterError(this.lastError());
      if (n < cap) return buf.subarray(0, n).toString('latin1');
      cap = n + 1;
    }
  }

  write(path: string, value: string): void {
    // Bytes as the host engine and reads take them (one per character, latin1), NUL-terminated; koffi would send a string as UTF-8.
    if (this.lib.write(path, Buffer.from(value + '\0', 'latin1')) < 0) throw new NativeRouterError(this.lastError());
  }

  /** Frames arriving on memory device `device`, in one crossing; returns how many fit on its ring. */
  inject(device: string, frames: readonly Uint8Array[]): number {
    const lens = Uint32Array.from(frames, (f) => f.length);
    const data = Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength)));
    const n = this.lib.inject(device, data, lens, frames.length);
    if (n < 0) throw new NativeRouterError(`${device}: out of memory`);
    return n;
  }

  /** Every frame memory device `device` has sent, oldest first (its ring empties), a batch per crossing. */
  collect(device: string): Uint8Array[] {
    return this.drain(device, this.lib.pendingBytes, this.lib.collect);
  }

  /** Frames injected on `device` that the router has not received yet, taken off its ring (hot reconfiguration). */
  takeReceived(device: string): Uint8Array[] {
    return this.drain(device, this.lib.receivedBytes, this.lib.takeReceived);
  }

  private drain(device: string, bytesOf: Lib['pendingBytes'], take: Lib['collect']): Uint8Array[] {
    const frames: Uint8Array[] = [];
    const lens = new Uint32Array(COLLECT_BATCH);
    for (;;) {
      const bytes = bytesOf(device, COLLECT_BATCH);
      const buf = Buffer.alloc(Math.max(1, Number(bytes)));
      const n = take(device, buf, bytes, lens, COLLECT_BATCH);
      if (n === 0) return frames;
      let off = 0;
      for (let i = 0; i < n; i++) {
        frames.push(new Uint8Array(buf.subarray(off, off + lens[i]!)));
        off += lens[i]!;
      }
    }
  }

  /** Elements whose packets do not balance; empty when every packet is accounted for. */
  accounting(): string[] {
    const buf = Buffer.alloc(1 << 16);
    const bad = this.lib.accounting(buf, buf.length);
    return bad ? buf.toString('latin1').replace(/\0.*$/s, '').trim().split('\n') : [];
  }

  /** Standard output and error written since the last call. */
  takeOutput(): { stdout: string; stderr: string } {
    const take = (stream: number) => {
      const n = this.lib.outputLength(stream);
      const buf = Buffer.alloc(n + 1);
      this.lib.takeOutput(stream, buf, n + 1);
      return buf.subarray(0, n).toString('latin1');
    };
    return { stdout: take(0), stderr: take(1) };
  }
}

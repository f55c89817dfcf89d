// A compiled configuration loaded into this process through koffi: start,
// run, handlers, accounting and captured output. Each call crosses into C
// once (about 100 ns), so nothing here is per packet.

import koffi from 'koffi';

interface Lib {
  start(simtime: number, simStartNs: bigint, seed: number, capture: number, warnings: number): number;
  run(): number;
  finish(): void;
  error(buf: Buffer, cap: number): number;
  read(path: string, buf: Buffer, cap: number): number;
  write(path: string, value: string): number;
  accounting(buf: Buffer, cap: number): number;
  outputLength(stream: number): number;
  takeOutput(stream: number, buf: Buffer, cap: number): number;
  failedElement(): number;
  readAt(e: number, name: string, param: string | null, buf: Buffer, cap: number): number;
  writeAt(e: number, name: string, value: string): number;
  stats(e: number, out: BigUint64Array): void;
}

export class NativeRouterError extends Error {
  override name = 'NativeRouterError';
  /** For initialization failures: the index of the element that failed. */
  constructor(message: string, readonly element = -1) {
    super(message);
  }
}

export class NativeRouter {
  private readonly lib: Lib;

  constructor(readonly path: string) {
    const h = koffi.load(path);
    this.lib = {
      start: h.func('int cvm_lib_start(int, int64_t, unsigned int, int, int)'),
      run: h.func('int cvm_lib_run(void)'),
      finish: h.func('void cvm_lib_finish(void)'),
      error: h.func('int cvm_lib_error(_Out_ uint8_t *buf, int cap)'),
      read: h.func('int cvm_lib_read(const char *path, _Out_ uint8_t *buf, int cap)'),
      write: h.func('int cvm_lib_write(const char *path, const char *value)'),
      accounting: h.func('int cvm_lib_accounting(_Out_ uint8_t *buf, int cap)'),
      outputLength: h.func('int cvm_lib_output_length(int)'),
      takeOutput: h.func('int cvm_lib_take_output(int, _Out_ uint8_t *buf, int cap)'),
      failedElement: h.func('int cvm_lib_failed_element(void)'),
      readAt: h.func('int cvm_lib_read_at(int, const char *, const char *, _Out_ uint8_t *buf, int cap)'),
      writeAt: h.func('int cvm_lib_write_at(int, const char *, const char *)'),
      stats: h.func('void cvm_lib_stats(int, _Out_ uint64_t *six)'),
    };
  }

  private lastError(): string {
    const buf = Buffer.alloc(4096);
    const n = this.lib.error(buf, buf.length);
    return buf.subarray(0, Math.min(n, buf.length - 1)).toString('latin1');
  }

  /**
   * Initialize every element (configuration order). With `capture` (the
   * default) stdout/stderr text is kept for takeOutput(); without, it is
   * written to this process's streams as the run goes.
   */
  start(opts: { simtime?: boolean | bigint; seed?: number; capture?: boolean; warnings?: boolean } = {}): void {
    const sim = opts.simtime !== undefined && opts.simtime !== false;
    const startNs = typeof opts.simtime === 'bigint' ? opts.simtime : 0n;
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

  run(): void {
    this.lib.run();
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
    if (this.lib.write(path, value) < 0) throw new NativeRouterError(this.lastError());
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

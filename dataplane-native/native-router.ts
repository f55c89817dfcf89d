// A compiled configuration loaded into this process through koffi: start,
// run, handlers, accounting and captured output. Each call crosses into C
// once (about 100 ns), so nothing here is per packet.

import koffi from 'koffi';

interface Lib {
  start(simtime: number, seed: number): number;
  run(): number;
  finish(): void;
  error(buf: Buffer, cap: number): number;
  read(path: string, buf: Buffer, cap: number): number;
  write(path: string, value: string): number;
  accounting(buf: Buffer, cap: number): number;
  outputLength(stream: number): number;
  takeOutput(stream: number, buf: Buffer, cap: number): number;
}

export class NativeRouterError extends Error {
  override name = 'NativeRouterError';
}

export class NativeRouter {
  private readonly lib: Lib;

  constructor(readonly path: string) {
    const h = koffi.load(path);
    this.lib = {
      start: h.func('int cvm_lib_start(int, unsigned int)'),
      run: h.func('int cvm_lib_run(void)'),
      finish: h.func('void cvm_lib_finish(void)'),
      error: h.func('int cvm_lib_error(_Out_ uint8_t *buf, int cap)'),
      read: h.func('int cvm_lib_read(const char *path, _Out_ uint8_t *buf, int cap)'),
      write: h.func('int cvm_lib_write(const char *path, const char *value)'),
      accounting: h.func('int cvm_lib_accounting(_Out_ uint8_t *buf, int cap)'),
      outputLength: h.func('int cvm_lib_output_length(int)'),
      takeOutput: h.func('int cvm_lib_take_output(int, _Out_ uint8_t *buf, int cap)'),
    };
  }

  private lastError(): string {
    const buf = Buffer.alloc(4096);
    const n = this.lib.error(buf, buf.length);
    return buf.subarray(0, Math.min(n, buf.length - 1)).toString('latin1');
  }

  /** Initialize every element (configuration order). */
  start(opts: { simtime?: boolean; seed?: number } = {}): void {
    if (this.lib.start(opts.simtime ? 1 : 0, opts.seed ?? 0) < 0) throw new NativeRouterError(this.lastError());
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

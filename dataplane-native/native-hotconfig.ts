// Hot reconfiguration on the native engine (`clickvm run --engine native -R`),
// the native counterpart of host-engine/hotconfig.ts. The router runs in C;
// a `hotconfig` write can arrive two ways:
//
// - Written through a ControlSocket (`WRITE hotconfig`; a Script's write is refused):
//   the C side keeps the text, parks the writer's connection (its later
//   commands wait, runtime/control.c) and makes the run loop yield
//   (runtime/hotswap.c). This driver takes the text, parses and checks it at
//   once and starts gcc beside the event loop; meanwhile the old router runs
//   on in slices of `sliceMs`, forwarding as before. When the library is
//   built, between two slices (never inside a batch), NativeDriver.hotswap
//   loads and initializes it, hands state over and replies 200 to the
//   writer; any error on the way (syntax, classes, ports, initialization,
//   compilation) is a 520 reply with the positioned errors, and the old
//   router simply goes on. One reconfiguration at a time: a second write
//   while one is under way is refused (520) by the C side.
// - Written from this process (writeHandler('hotconfig', text)): compiled and
//   swapped in the call, between runs, the errors thrown as HandlerError.
//
// With simulated time the clock stands still while gcc runs, so the compile
// is done in the yield, synchronously.

import { ClickError, formatDiagnostics } from '../config-lang/diagnostics.js';
import type { CheckedGraph } from '../graph/router-graph.js';
import { handlerError } from '../host-engine/hotconfig.js';
import type { BuildResult } from './build.js';
import { NativeDriver, type NativeDriverOptions } from './native-driver.js';

export interface NativeHotConfigSetup {
  /** Parse and check a configuration text (throws ClickError with positioned diagnostics). */
  load(text: string): CheckedGraph;
  /** Problems while handing state over (warnings; the swap happened). */
  warn?(message: string): void;
}

/** What a swap under way has got to: the new graph and its library, or the errors for the writer. */
type Prepared = { readonly graph: CheckedGraph; readonly text: string; readonly build?: BuildResult } | { readonly error: string };

export class NativeHotConfigDriver {
  /** The router that runs now (changes at each swap). */
  driver: NativeDriver;
  /** Swaps done so far. */
  swaps = 0;
  /** How long the last swap's between-slices step took (load, initialize, hand state over, unload), ms. */
  lastSwapMs = 0;

  constructor(
    private readonly setup: NativeHotConfigSetup,
    initialText: string,
    graph: CheckedGraph,
    options: NativeDriverOptions = {},
  ) {
    this.driver = new NativeDriver(graph, { ...options, configText: initialText, hotconfig: true });
  }

  initialize(): void {
    this.driver.initialize();
  }

  /** The direct `hotconfig` write: compiled and swapped in now (call between runs). */
  readonly hotconfig = (text: string): void => {
    let graph: CheckedGraph;
    try {
      graph = this.setup.load(text);
    } catch (e) {
      throw handlerError(e);
    }
    this.swap({ graph, text }, (m) => {
      throw handlerError(m);
    });
  };

  /** Write handler `path`; `hotconfig` is this driver's. */
  writeHandler(path: string, value: string): void {
    if (path === 'hotconfig' || path === '.hotconfig') this.hotconfig(value);
    else this.driver.writeHandler(path, value);
  }

  /**
   * Run until the router stops or goes idle (or `signal` aborts, after the
   * slice under way), serving hotconfig writes made in the router as the
   * header says.
   */
  async runAsync(opts: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<void> {
    while (!opts.signal?.aborted && (await this.step({ sliceMs: opts.sliceMs, bounded: false })) === 'running');
    // A write left waiting (the run ended first) is answered, not dropped.
    if (this.driver.takeHotconfig() !== undefined) this.driver.hotconfigFailed(STOPPED);
  }

  private job: Promise<Prepared> | undefined;
  private ready: Prepared | undefined;

  /**
   * One slice of the run: the router runs for `sliceMs` (default 10; with
   * `bounded: false` and no reconfiguration under way, until it stops or a
   * hotconfig write arrives), then a write that arrived is taken (its
   * compilation starts), and one whose library is ready is swapped in, or
   * its writer gets the errors. `done`: the router stopped or went idle.
   */
  async step(opts: { sliceMs?: number; bounded?: boolean } = {}): Promise<'running' | 'done'> {
    const sliceNs = BigInt(Math.round((opts.sliceMs ?? 10) * 1e6));
    const why = this.driver.runFor(this.job || opts.bounded !== false ? { until: this.driver.now() + sliceNs } : {});
    if (!this.job) {
      const text = this.driver.takeHotconfig();
      if (text !== undefined) {
        if (this.simulated()) this.ready = this.prepareNow(text);
        else this.job = this.prepare(text).then((p) => (this.ready = p));
      }
    }
    await new Promise((r) => setImmediate(r));   // the event loop's turn: gcc's exit, other I/O
    if (this.ready) {
      const p = this.ready;
      this.job = this.ready = undefined;
      if ('error' in p) this.driver.hotconfigFailed(p.error);
      else this.swap(p, (m) => this.driver.hotconfigFailed(m));
      return 'running';
    }
    if (why !== 'done') return 'running';
    if (this.job) {
      // the router stopped while a configuration was compiling: it is not swapped in
      await this.job;
      this.job = this.ready = undefined;
      this.driver.hotconfigFailed(STOPPED);
    }
    return 'done';
  }

  cleanup(): void {
    this.driver.cleanup();
  }

  private simulated(): boolean {
    const s = this.driver.successorOptions('').simtime;
    return s !== undefined && s !== false;
  }

  private async prepare(text: string): Promise<Prepared> {
    try {
      const graph = this.setup.load(text);
      const build = await NativeDriver.compile(graph, this.driver.successorOptions(text));
      return { graph, text, build };
    } catch (e) {
      return { error: errorText(e) };
    }
  }

  private prepareNow(text: string): Prepared {
    try {
      const graph = this.setup.load(text);
      return { graph, text };   // hotswap builds it, in the call
    } catch (e) {
      return { error: errorText(e) };
    }
  }

  /** Load, initialize and swap in a prepared configuration; `failed` gets the errors when it cannot be (the old router runs on). */
  private swap(p: { readonly graph: CheckedGraph; readonly text: string; readonly build?: BuildResult }, failed: (message: string) => void): void {
    const t0 = performance.now();
    let result: ReturnType<NativeDriver['hotswap']>;
    try {
      result = this.driver.hotswap(p.graph, p.text, p.build);
    } catch (e) {
      failed(errorText(e));
      return;
    }
    this.lastSwapMs = performance.now() - t0;
    this.driver = result.driver;
    this.swaps++;
    for (const m of result.warnings) this.setup.warn?.(m);
  }
}

const STOPPED = 'the router stopped before the new configuration was ready';

function errorText(e: unknown): string {
  if (e instanceof ClickError) return formatDiagnostics(e.diagnostics).trimEnd();
  return handlerError(e).message;
}

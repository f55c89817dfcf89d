// The native dataplane behind the same driver interface as the host engine's
// Router: `clickvm run --engine native` compiles the configuration into a
// shared library (cached), loads it in-process, and then initializes, runs,
// reads handlers and checks accounting exactly as it would with the host
// engine. Handler tables come from host-engine/handler-tables.ts, so names,
// listings and error texts are the host's; only class handler values come
// from C.

import { ClickError } from '../config-lang/diagnostics.js';
import type { CheckedGraph } from '../graph/router-graph.js';
import { accountCounts, type AccountingReport } from '../host-engine/accounting.js';
import { elementHandlerSet, globalHandlerSet } from '../host-engine/handler-tables.js';
import { HandlerError, type HandlerEntry, type HandlerSet } from '../host-engine/handlers.js';
import { buildNative, buildNativeAsync, type BuildOptions, type BuildResult } from './build.js';
import { generateC, type GeneratedProgram } from './codegen.js';
import { NativeRouter, NativeRouterError } from './native-router.js';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NativeDriverOptions {
  /** Simulated time: true starts at Click's default epoch; a bigint gives the start in ns. */
  readonly simtime?: boolean | bigint;
  readonly seed?: number;
  /** false: drop element warnings (`click -w`). */
  readonly warnings?: boolean;
  /** The configuration text, for the `config` handler. */
  readonly configText?: string;
  readonly classNames?: () => readonly string[];
  /** Keep stdout/stderr text for takeOutput() instead of writing it as the run goes. */
  readonly capture?: boolean;
  readonly marchNative?: boolean;
  readonly batch?: number;
  readonly cacheDir?: string;
  /** Open FromDevice/ToDevice names as Linux interfaces (AF_PACKET), as `clickvm run` does. */
  readonly kernelDevices?: boolean;
  /** Memory devices (NativeRouter.start's `devices`), fed with inject() and drained with collect(). */
  readonly devices?: { readonly capacity?: number };
  /** Provide the global `hotconfig` write handler (`clickvm run -R`; NativeHotConfigDriver serves it). */
  readonly hotconfig?: boolean;
}

/** Libraries loaded from private copies so far (a name dlopen has not seen). */
let hotCopies = 0;

export class NativeDriver {
  readonly build: BuildResult;
  private readonly lib: NativeRouter;
  /** Frames the library this one replaced had sent and no one collected yet, per device. */
  private readonly carried = new Map<string, Uint8Array[]>();
  private readonly byName: Map<string, number>;
  private readonly handlerSets: HandlerSet[];
  private readonly globals: HandlerSet;

  /**
   * `privateCopy`: load a copy of the library, so it stays apart from a
   * loaded one of the same configuration (hotswap). `build`: the library,
   * built already (NativeDriver.compile).
   */
  constructor(
    readonly graph: CheckedGraph,
    private readonly options: NativeDriverOptions = {},
    privateCopy = false,
    build?: BuildResult,
  ) {
    this.build = build ?? buildNative(NativeDriver.program(graph, options), NativeDriver.buildOptions(options));
    if (privateCopy) {
      // dlopen gives the same handle (the same statics) for a path it has loaded: load a copy under a new name.
      const dir = mkdtempSync(join(tmpdir(), 'cvm-hot-'));
      const copy = join(dir, `router-${process.pid}-${++hotCopies}.so`);
      copyFileSync(this.build.output, copy);
      try {
        this.lib = new NativeRouter(copy);
      } finally {
        rmSync(dir, { recursive: true, force: true });   // the mapping stays
      }
    } else this.lib = new NativeRouter(this.build.output);
    this.byName = new Map(graph.elements.map((e, i) => [e.name, i]));
    const fail = (e: unknown): never => {
      throw new HandlerError(e instanceof Error ? e.message : String(e));
    };
    this.handlerSets = graph.elements.map((_, i) =>
      elementHandlerSet(graph, i, (def, name) => ({
        read: def.read ? () => this.call(() => this.lib.readAt(i, name), fail) : undefined,
        readParam: def.readParam ? (param: string) => this.call(() => this.lib.readAt(i, name, param), fail) : undefined,
        write: def.write ? (v: string) => this.call(() => this.lib.writeAt(i, name, v), fail) : undefined,
      })),
    );
    this.globals = globalHandlerSet(graph, {
      configText: options.configText,
      classNames: options.classNames,
      requestStop: (n) => this.lib.writeAt(-1, 'stop', String(n)),
    });
  }

  private static program(graph: CheckedGraph, options: NativeDriverOptions): GeneratedProgram {
    return generateC(graph, { configText: options.configText, classNames: options.classNames, hotconfig: options.hotconfig });
  }

  private static buildOptions(options: NativeDriverOptions): BuildOptions {
    return { kind: 'shared', marchNative: options.marchNative, batch: options.batch, cacheDir: options.cacheDir };
  }

  /** Build the library for `graph` with the compiler beside the event loop (what hotswap's `build` takes). */
  static compile(graph: CheckedGraph, options: NativeDriverOptions): Promise<BuildResult> {
    return buildNativeAsync(NativeDriver.program(graph, options), NativeDriver.buildOptions(options));
  }

  /** This driver's options for a configuration `configText` replacing it (what NativeDriver.compile takes for hotswap). */
  successorOptions(configText: string): NativeDriverOptions {
    return { ...this.options, configText };
  }

  private call<T>(f: () => T, fail: (e: unknown) => never): T {
    try {
      return f();
    } catch (e) {
      return fail(e);
    }
  }

  /** Initialize every element; a failure is the host engine's diagnostic for it. */
  initialize(): void {
    this.lib.enableHotconfig(this.options.hotconfig ?? false);
    try {
      this.lib.start({
        simtime: this.options.simtime,
        seed: this.options.seed,
        capture: this.options.capture ?? false,
        warnings: this.options.warnings,
        kernelDevices: this.options.kernelDevices,
        devices: this.options.devices,
      });
    } catch (e) {
      if (!(e instanceof NativeRouterError)) throw e;
      const ge = this.graph.elements[e.element];
      if (!ge) throw e;
      throw new ClickError([{ severity: 'error', message: `While initializing '${ge.name} :: ${ge.className}': ${e.message}`, span: ge.span, related: ge.context }]);
    }
  }

  /** Run until stopped or idle, or (with `until`) until engine time would pass `until` ns. */
  run(opts: { until?: bigint } = {}): void {
    this.lib.run(opts);
  }

  /** Engine time in ns. */
  now(): bigint {
    return this.lib.now();
  }

  /** Frames arriving on memory device `device` (options.devices). */
  inject(device: string, frames: readonly Uint8Array[]): number {
    return this.lib.inject(device, frames);
  }

  /** Every frame memory device `device` has sent (those of a library this one replaced first). */
  collect(device: string): Uint8Array[] {
    const before = this.carried.get(device) ?? [];
    this.carried.delete(device);
    return [...before, ...this.lib.collect(device)];
  }

  /**
   * Hot reconfiguration: compile `graph` (the configuration `configText`)
   * into a second library, load it beside this one and initialize it (on
   * failure it is unloaded, this router is untouched, and the error is
   * thrown: a ClickError naming the element). Then each new element whose
   * class takes state (native `hooks.takeState`) takes it from this
   * library's element of the same name and C struct, frames this library's
   * memory devices sent and no one collected move along, and this library
   * is finished and unloaded. Call between runs. Returns the new driver and
   * the problems the transfer reported (and any imbalance left in the old
   * library's books, elements' or pool's).
   */
  hotswap(graph: CheckedGraph, configText: string, build?: BuildResult): { driver: NativeDriver; warnings: string[] } {
    const simtime = this.options.simtime === undefined || this.options.simtime === false ? false : this.lib.now();
    const next = new NativeDriver(graph, { ...this.options, configText, simtime }, true, build);
    // Pairs that hand state over (same name, same C struct), known to the new elements from initialization on.
    const pairs: [number, number][] = [];
    graph.elements.forEach((ge, i) => {
      const j = this.byName.get(ge.name);
      const prev = j === undefined ? undefined : this.graph.elements[j]!;
      if (prev && ge.spec.native?.hooks?.takeState && prev.spec.native?.prefix === ge.spec.native.prefix) pairs.push([i, j!]);
    });
    for (const [i, j] of pairs) next.lib.setPredecessor(i, this.lib, j);
    try {
      next.initialize();
    } catch (e) {
      next.lib.unload();
      throw e;
    }
    const warnings: string[] = [];
    for (const [i, j] of pairs) {
      const ge = graph.elements[i]!;
      const r = next.lib.takeStateFrom(i, this.lib, j);
      if (r.problems) warnings.push(...r.problems.trimEnd().split('\n').map((m) => `While hot-swapping state into '${ge.name} :: ${ge.className}': ${m}`));
    }
    next.lib.clearPredecessors();
    // Memory devices are the wire: what it brought and the old router did not
    // receive yet is on the new ring, what the old router sent is collected first.
    for (const ge of this.options.devices ? this.graph.elements : []) {
      const dev = (ge.conf as { devname?: unknown }).devname;
      if (typeof dev !== 'string') continue;
      if (ge.className === 'FromDevice') next.lib.inject(dev, this.lib.takeReceived(dev));
      if (ge.className === 'ToDevice') {
        const frames = this.collect(dev);
        if (frames.length) next.carried.set(dev, [...(next.carried.get(dev) ?? []), ...frames]);
      }
    }
    // Everything handed over was freed from the old pool: its books must balance still.
    warnings.push(...this.lib.accounting().map((m) => `the replaced library: ${m}`));
    // The swap is done: a writer of `hotconfig` waiting for its reply gets 200,
    // from the new library if its ControlSocket came along, else from this one before it closes.
    this.lib.hotconfigDone();
    next.lib.hotconfigDone();
    this.lib.finish();
    this.lib.unload();
    return { driver: next, warnings };
  }

  /** A hotconfig text written through a ControlSocket, waiting for the driver; taking it marks it under way. */
  takeHotconfig(): string | undefined {
    return this.lib.takeHotconfig();
  }

  /** The reconfiguration taken with takeHotconfig failed: its writer gets 520 with `error`'s lines; this router goes on. */
  hotconfigFailed(error: string): void {
    this.lib.hotconfigDone(error);
  }

  /** Run as run() does; `yield`: a hotconfig write waits for the driver (takeHotconfig), the router may run on. */
  runFor(opts: { until?: bigint } = {}): 'done' | 'deadline' | 'yield' {
    return this.lib.runFor(opts);
  }

  /** The native run cannot yield to the event loop; it returns when the run ends. */
  async runAsync(): Promise<void> {
    this.run();
  }

  cleanup(): void {
    this.lib.finish();
  }

  takeOutput(): { stdout: string; stderr: string } {
    return this.lib.takeOutput();
  }

  element(name: string): number | undefined {
    return this.byName.get(name);
  }

  handler(element: string | undefined, handler: string): HandlerEntry | undefined {
    if (element === undefined) return this.globals.get(handler);
    const i = this.byName.get(element);
    return i === undefined ? undefined : this.handlerSets[i]!.get(handler);
  }

  /** Read handler `path` (`e.h [PARAM]`, `.h` or `h`), with the host engine's error texts. */
  readHandler(path: string): string {
    try {
      return this.lib.read(path);
    } catch (e) {
      throw new HandlerError(e instanceof Error ? e.message : String(e));
    }
  }

  writeHandler(path: string, value: string): void {
    try {
      this.lib.write(path, value);
    } catch (e) {
      throw new HandlerError(e instanceof Error ? e.message : String(e));
    }
  }

  /** The library's own books (runtime/router.c): unbalanced elements and a packet pool that disagrees with what they hold; empty when all is well. */
  libraryAccounting(): string[] {
    return this.lib.accounting();
  }

  accounting(): AccountingReport {
    return accountCounts(this.graph.elements.map((ge, i) => ({ name: ge.name, className: ge.className, ...this.lib.stats(i) })));
  }
}

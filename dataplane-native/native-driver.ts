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
import { buildNative, type BuildResult } from './build.js';
import { generateC } from './codegen.js';
import { NativeRouter, NativeRouterError } from './native-router.js';

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
}

export class NativeDriver {
  readonly build: BuildResult;
  private readonly lib: NativeRouter;
  private readonly byName: Map<string, number>;
  private readonly handlerSets: HandlerSet[];
  private readonly globals: HandlerSet;

  constructor(
    readonly graph: CheckedGraph,
    private readonly options: NativeDriverOptions = {},
  ) {
    this.build = buildNative(generateC(graph, { configText: options.configText, classNames: options.classNames }), {
      kind: 'shared',
      marchNative: options.marchNative,
      batch: options.batch,
      cacheDir: options.cacheDir,
    });
    this.lib = new NativeRouter(this.build.output);
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

  private call<T>(f: () => T, fail: (e: unknown) => never): T {
    try {
      return f();
    } catch (e) {
      return fail(e);
    }
  }

  /** Initialize every element; a failure is the host engine's diagnostic for it. */
  initialize(): void {
    try {
      this.lib.start({ simtime: this.options.simtime, seed: this.options.seed, capture: this.options.capture ?? false, warnings: this.options.warnings, kernelDevices: this.options.kernelDevices });
    } catch (e) {
      if (!(e instanceof NativeRouterError)) throw e;
      const ge = this.graph.elements[e.element];
      if (!ge) throw e;
      throw new ClickError([{ severity: 'error', message: `While initializing '${ge.name} :: ${ge.className}': ${e.message}`, span: ge.span, related: ge.context }]);
    }
  }

  run(): void {
    this.lib.run();
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

  accounting(): AccountingReport {
    return accountCounts(this.graph.elements.map((ge, i) => ({ name: ge.name, className: ge.className, ...this.lib.stats(i) })));
  }
}

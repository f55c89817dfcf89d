// Hot reconfiguration on the host engine (the `click -R` driver's `hotconfig`
// handler). Writing a configuration text to `hotconfig` builds the new
// router beside the running one: parsed, checked, instantiated and
// initialized while the old router keeps forwarding. Any error on the way
// is the write's error (positioned diagnostics), and the old router simply
// goes on. Otherwise the old router's run ends after the step under way
// (Router.requestSwap: never inside a batch), each new element takes the
// state of the old element of the same name (HostElement.takeState), the
// old router is cleaned up and the new one runs on the same clock.
//
// The driver owns "the current router": programs and the CLI read handlers
// and accounting from `driver.router` after the run.

import { ClickError, formatDiagnostics } from '../config-lang/diagnostics.js';
import type { CheckedGraph } from '../graph/router-graph.js';
import { HandlerError } from './handlers.js';
import { Router, type RouterOptions, type RunResult } from './router.js';

/** The file name diagnostics of a `hotconfig` text carry. */
export const HOTCONFIG_FILE_NAME = '<hotconfig>';

/** What a new router needs from the driver: its text, the router it replaces, the shared clock, the hotconfig hook. */
export type HotRouterOptions = Required<Pick<RouterOptions, 'configText' | 'hotconfig'>> & Pick<RouterOptions, 'clock' | 'hotswapFrom'>;

export interface HotConfigSetup {
  /** Parse and check a configuration text (throws ClickError with positioned diagnostics). */
  load(text: string): CheckedGraph;
  /** Make a router for `graph`; pass `opts` on to the Router (with whatever else the caller runs routers with). */
  makeRouter(graph: CheckedGraph, opts: HotRouterOptions): Router;
  /** Problems while taking state (warnings; the swap happened). Default: ignored. */
  warn?(message: string): void;
}

export class HotConfigDriver {
  /** The router that runs now (changes at each swap). */
  router: Router;
  /** Swaps done so far. */
  swaps = 0;
  private pending: Router | undefined;

  /** `graph`: the initial text's, when the caller has checked it already. */
  constructor(
    private readonly setup: HotConfigSetup,
    initialText: string,
    graph: CheckedGraph = setup.load(initialText),
  ) {
    this.router = setup.makeRouter(graph, { configText: initialText, hotconfig: this.hotconfig });
  }

  /**
   * The `hotconfig` write handler: build and initialize the new router now;
   * the swap waits for the current step to end. A second write before the
   * swap replaces the first candidate.
   */
  readonly hotconfig = (text: string): void => {
    const current = this.router;
    let next: Router;
    try {
      next = this.setup.makeRouter(this.setup.load(text), { configText: text, hotconfig: this.hotconfig, clock: current.clock, hotswapFrom: current });
    } catch (e) {
      throw handlerError(e);
    }
    try {
      next.initialize();
    } catch (e) {
      cleanupQuietly(next);
      throw handlerError(e);
    }
    if (this.pending) cleanupQuietly(this.pending);
    this.pending = next;
    current.requestSwap();
  };

  initialize(): void {
    this.router.initialize();
  }

  /** Run (synchronously, see Router.run), swapping routers as `hotconfig` writes ask, until a run ends for another reason. */
  run(opts: { until?: bigint } = {}): RunResult {
    for (;;) {
      const r = this.router.run(opts);
      if (r.reason !== 'reconfigure') return r;
      this.swap();
    }
  }

  /** Like run(), on Router.runAsync. */
  async runAsync(opts: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<RunResult> {
    for (;;) {
      const r = await this.router.runAsync(opts);
      if (r.reason !== 'reconfigure') return r;
      this.swap();
    }
  }

  /** Between two steps of the old router: hand state over, retire the old router, make the new one current. */
  private swap(): void {
    const old = this.router;
    const next = this.pending!;
    this.pending = undefined;
    for (const m of next.takeStateFrom(old)) this.setup.warn?.(m);
    this.router = next;
    this.swaps++;
    try {
      old.cleanup();
    } catch (e) {
      this.setup.warn?.(e instanceof ClickError ? formatDiagnostics(e.diagnostics).trimEnd() : String(e));
    }
  }

  /** Clean up the current router and a candidate that never ran. */
  cleanup(): void {
    if (this.pending) cleanupQuietly(this.pending);
    this.pending = undefined;
    this.router.cleanup();
  }
}

/** A configuration's errors as the write's error: the positioned diagnostics, as `clickvm check` prints them (both engines' hotconfig). */
export function handlerError(e: unknown): HandlerError {
  if (e instanceof ClickError) return new HandlerError(formatDiagnostics(e.diagnostics).trimEnd());
  return new HandlerError(e instanceof Error ? e.message : String(e));
}

function cleanupQuietly(r: Router): void {
  try {
    r.cleanup();
  } catch {
    // a router that never ran: its cleanup errors have no one to go to
  }
}

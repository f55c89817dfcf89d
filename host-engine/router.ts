// The host engine: runs a checked router graph in TypeScript, the reference
// every other engine is compared with.
//
// Construction instantiates every element from its spec and wires push
// outputs to downstream push() calls and pull inputs to upstream pull() calls.
// initialize() calls each element's initialize() in configuration order;
// run() drives tasks (round-robin, Click's rule: a task is taken off the run
// queue before it runs and reschedules itself to run again) and timers (by
// expiry, ties in scheduling order) on real or simulated time.
//
// A run ends when a stop is requested (an element's requestStop(), the `stop`
// handler; a DriverManager may keep the driver going) or when nothing can
// happen any more: no task did any work during a whole round, no packet moved,
// and no timer is pending. That second rule is a deliberate difference from
// Click, whose driver would wait forever for input that cannot come.
//
// Emitted packets travel as graph/delivery.ts decides per element (whole
// batches, order-preserving runs, or one by one; pulls limited to one packet
// where Print lines must interleave), so a batched run keeps Click's
// packet-at-a-time order everywhere it is observable.

import { ClickError, type Diagnostic } from '../config-lang/diagnostics.js';
import { burstsVisible } from '../graph/batching.js';
import { analyzeDelivery, type Delivery, type DeliveryMode } from '../graph/delivery.js';
import type { CheckedElement, CheckedGraph, PortRef } from '../graph/router-graph.js';
import { accountFor, type AccountingReport } from './accounting.js';
import { RealClock, SimClock, SIMTIME_EPOCH_NS, type Clock } from './clock.js';
import { noDevices, type DeviceBackend } from './devices.js';
import type { ElementEnv, HandlerAccess, HostElement, IoSource } from './element.js';
import {
  HandlerError,
  HandlerSet,
  handlerErrors,
  parseHandlerPath,
  unparseHandlerName,
  type HandlerEntry,
} from './handlers.js';
import { FdLineSink, type LineWriter } from './output.js';
import { makeOut, type EngineOut } from './out.js';
import type { PacketBatch } from './packet.js';
import { DEFAULT_SEED, GlibcRandom, Xorshift32 } from './random.js';
import { TaskQueue, TimerQueue, type TaskImpl, type TimerImpl } from './scheduler.js';
import { elementHandlerSet, globalHandlerSet } from './handler-tables.js';
import { resolve } from 'node:path';

export { CLICK_VERSION } from './handler-tables.js';

export interface RouterOptions {
  /** Simulated time: true starts at Click's default epoch (10^9 s); a bigint gives the start in ns. */
  readonly simtime?: boolean | bigint;
  /** Seed of the router's xorshift32 generator (nonzero); default 0x2545F491. */
  readonly seed?: number;
  /** Directory that relative file names in the configuration are relative to (default: the working directory). */
  readonly baseDir?: string;
  /** Receives Print-style lines and chatter (default: standard error). */
  readonly stderr?: LineWriter;
  /** Receives lines elements write to standard output (default: standard output). */
  readonly stdout?: LineWriter;
  /** false: drop element warnings (chatter), as `click -w`. Print lines are kept. */
  readonly warnings?: boolean;
  /** The configuration text, for the `config` handler (default: the flat configuration). */
  readonly configText?: string;
  /** Override the delivery analysis (tests use all-`single` delivery as the per-packet reference). */
  readonly delivery?: Delivery;
  /**
   * Every class the `classes` handler lists (the CLI passes the registry's).
   * Default: the classes this router uses. Kept out of the engine's imports
   * so the engine does not load the whole element library.
   */
  readonly classNames?: () => readonly string[];
  /** Where FromDevice and ToDevice find their devices (default: none, so they fail to initialize). */
  readonly devices?: DeviceBackend;
  /** The clock to run on (a router replacing another by `hotconfig` keeps its time); default from `simtime`. */
  readonly clock?: Clock;
  /** Provide Click's write-only global `hotconfig` handler (`click -R`), which calls this with the new configuration text. */
  readonly hotconfig?: (text: string) => void;
  /** The running router this one will replace (hot reconfiguration): elements see it through env.hotswapElement. */
  readonly hotswapFrom?: Router;
}

export type StopReason = 'stopped' | 'idle' | 'deadline' | 'reconfigure';

export interface RunResult {
  /**
   * `stopped`: a stop was requested; `idle`: nothing could happen any more;
   * `deadline`: engine time reached run's `until`; `reconfigure`: a new
   * configuration waits to replace this router (requestSwap), between two steps.
   */
  readonly reason: StopReason;
  readonly taskRuns: number;
  readonly timerFirings: number;
  /** Engine time at the start and end of the run (ns). */
  readonly startNs: bigint;
  readonly endNs: bigint;
}

/** An exception that escaped an element while the router ran; names the element. */
export class ElementFailure extends Error {
  constructor(
    readonly element: string,
    readonly className: string,
    readonly during: string,
    override readonly cause: unknown,
  ) {
    super(`${element} :: ${className}: ${during} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'ElementFailure';
  }
}

/** `wait` until -1n: no timer is pending, only a live I/O source can bring work. */
type Step =
  | { readonly kind: 'continue' }
  | { readonly kind: 'done'; readonly reason: StopReason }
  | { readonly kind: 'wait'; readonly until: bigint }
  // Idle with a live device (a kernel interface): wait for a frame, or until the next timer.
  | { readonly kind: 'io'; readonly until: bigint | undefined };

/** Longest single wait for a device frame, so a real-time run still sees stop requests and signals. */
const IO_WAIT_MAX_MS = 50;
const CONTINUE: Step = { kind: 'continue' };

interface PushTarget {
  readonly element: HostElement;
  readonly index: number;
  readonly port: number;
}

export class Router {
  readonly graph: CheckedGraph;
  readonly elements: readonly HostElement[];
  readonly delivery: Delivery;
  readonly clock: Clock;

  private readonly byName = new Map<string, number>();
  private readonly pushTargets: (PushTarget | undefined)[][];
  private readonly pullSources: (PortRef | undefined)[][];
  private readonly modes: readonly DeliveryMode[];
  private readonly outs: EngineOut[];
  private readonly tasks = new TaskQueue();
  private readonly timers: TimerQueue;
  private rng: { next(): number };
  private readonly handlerSets: HandlerSet[];
  private readonly globals: HandlerSet;
  /** Elements that created a task, and the one of them that may batch (see canBatch). */
  private readonly taskOwners = new Set<number>();
  private batchable: number | undefined | null;
  /** Router-wide named storage shared by all elements (env.attachments). */
  readonly attachments = new Map<string, unknown>();
  private readonly stderrSink: FdLineSink | undefined;
  private readonly stdoutSink: FdLineSink | undefined;
  private readonly writeErr: LineWriter;
  private readonly writeOut: LineWriter;
  private readonly warnings: boolean;
  private readonly baseDir: string;

  /** Click's run count: starts at 1; each stop request takes one away; the driver stops at <= 0. */
  private runcount = 1;
  /** Packets moved by the engine (pushes and pulls); an idle round moves none. */
  private moved = 0;
  private state: 'new' | 'initialized' | 'running' | 'ran' | 'cleaned' = 'new';
  private taskRuns = 0;
  private timerFirings = 0;
  private readonly unconnectedWarned = new Set<string>();
  /** A hot reconfiguration waits: the run ends after the current step (see requestSwap). */
  private swapRequested = false;
  /** The router being replaced, until the swap (env.hotswapElement). */
  private hotswapFrom: Router | undefined;
  /** Outside inputs (env.ioSource); a live one keeps an idle runAsync waiting. */
  private readonly ioSources = new Set<IoSource>();
  /** Ends runAsync's current wait early (an I/O source woke it). */
  private wakeRun: (() => void) | undefined;

  constructor(graph: CheckedGraph, readonly options: RouterOptions = {}) {
    this.graph = graph;
    this.delivery = options.delivery ?? analyzeDelivery(graph);
    // (graph/delivery.ts already makes one-packet pullers deliver singly.)
    this.modes = this.delivery.mode;
    this.clock =
      options.clock ??
      (options.simtime === undefined || options.simtime === false
        ? new RealClock()
        : new SimClock(options.simtime === true ? SIMTIME_EPOCH_NS : options.simtime));
    this.hotswapFrom = options.hotswapFrom;
    this.timers = new TimerQueue(() => this.clock.now());
    this.rng = new Xorshift32(options.seed ?? DEFAULT_SEED);
    this.warnings = options.warnings ?? true;
    this.baseDir = options.baseDir ?? process.cwd();
    if (options.stderr) this.writeErr = options.stderr;
    else {
      this.stderrSink = new FdLineSink(2);
      this.writeErr = this.stderrSink.write;
    }
    if (options.stdout) this.writeOut = options.stdout;
    else {
      this.stdoutSink = new FdLineSink(1);
      this.writeOut = this.stdoutSink.write;
    }

    graph.elements.forEach((e, i) => this.byName.set(e.name, i));
    const { pushTargets, pullSources } = this.wire(graph);
    this.pullSources = pullSources;

    const elements: HostElement[] = [];
    for (const ge of graph.elements) {
      let el: HostElement;
      try {
        el = ge.spec.host({
          name: ge.name,
          className: ge.className,
          index: ge.index,
          conf: ge.conf,
          inputs: ge.inputs,
          outputs: ge.outputs,
          env: this.makeEnv(ge.index),
        });
      } catch (err) {
        throw elementError(ge, 'While configuring', err);
      }
      elements.push(el);
    }
    this.elements = elements;
    this.pushTargets = pushTargets.map((ports) =>
      ports.map((t) => (t ? { element: elements[t.element]!, index: t.element, port: t.port } : undefined)),
    );
    this.outs = elements.map((el, i) => makeOut(this.modes[i] ?? 'batch', i, this.deliver, el.noutputs));
    this.handlerSets = graph.elements.map((ge, i) =>
      elementHandlerSet(graph, i, (def) => ({
        read: def.read ? () => def.read!(elements[i]!) : undefined,
        readParam: def.readParam ? (param: string) => def.readParam!(elements[i]!, param) : undefined,
        write: def.write ? (v: string) => def.write!(elements[i]!, v) : undefined,
      })),
    );
    this.globals = globalHandlerSet(graph, {
      configText: options.configText,
      classNames: options.classNames,
      requestStop: (n) => this.requestStop(n),
      hotconfig: options.hotconfig,
    });
  }

  // --- construction -------------------------------------------------------

  /** Connections as per-port lookups; Click allows one connection per push output and per pull input. */
  private wire(g: CheckedGraph): { pushTargets: (PortRef | undefined)[][]; pullSources: (PortRef | undefined)[][] } {
    const pushTargets: (PortRef | undefined)[][] = g.elements.map((e) => e.outputs.map(() => undefined));
    const pullSources: (PortRef | undefined)[][] = g.elements.map((e) => e.inputs.map(() => undefined));
    const problems: Diagnostic[] = [];
    for (const c of g.connections) {
      const from = g.elements[c.from.element]!;
      const to = g.elements[c.to.element]!;
      if (from.outputs[c.from.port] === 'push') {
        if (pushTargets[c.from.element]![c.from.port]) {
          problems.push({ severity: 'error', message: `'${from.name}' push output ${c.from.port} connected more than once`, span: c.span, related: c.context });
        }
        pushTargets[c.from.element]![c.from.port] = c.to;
      } else if (to.inputs[c.to.port] === 'pull') {
        if (pullSources[c.to.element]![c.to.port]) {
          problems.push({ severity: 'error', message: `'${to.name}' pull input ${c.to.port} connected more than once`, span: c.span, related: c.context });
        }
        pullSources[c.to.element]![c.to.port] = c.from;
      }
    }
    if (problems.length) throw new ClickError(problems);
    return { pushTargets, pullSources };
  }

  private makeEnv(index: number): ElementEnv {
    const name = this.graph.elements[index]!.name;
    return {
      now: () => this.clock.now(),
      pullInput: (port, max) => this.pullInput(index, port, max),
      task: () => {
        this.taskOwners.add(index);
        this.batchable = undefined;
        return this.tasks.create(index);
      },
      timer: (fire) => this.timers.create(index, fire),
      stderr: (line) => this.writeErr(line),
      stdout: (line) => this.writeOut(line),
      chatter: (message) => {
        if (this.warnings) this.writeErr(`${name}: ${message}`);
      },
      lookup: (other) => {
        const i = this.findElement(other, name);
        return i === undefined ? undefined : this.elements[i];
      },
      requestStop: () => this.requestStop(),
      readHandler: (path) => this.readHandler(path, name),
      writeHandler: (path, value) => this.writeHandler(path, value, name),
      resolvePath: (p) => resolve(this.baseDir, p),
      openDevice: (name) => (this.options.devices ?? noDevices).open(name),
      random32: () => this.rng.next(),
      randomSeed: (seed) => {
        this.rng = seed === undefined ? new Xorshift32(this.options.seed ?? DEFAULT_SEED) : new GlibcRandom(seed);
      },
      attachments: this.attachments,
      canBatch: () => this.canBatch(index),
      ioSource: () => this.addIoSource(),
      handlerAccess: () => this.handlerAccess(),
      hotswapElement: () => this.hotswapFrom?.element(name),
    };
  }

  private addIoSource(): IoSource {
    const src: IoSource = {
      live: true,
      wake: () => this.wakeRun?.(),
      close: () => {
        this.ioSources.delete(src);
        this.wakeRun?.();
      },
    };
    this.ioSources.add(src);
    return src;
  }

  private ioLive(): boolean {
    for (const s of this.ioSources) if (s.live) return true;
    return false;
  }

  /** Every handler by element index, for control channels (ControlSocket). */
  handlerAccess(): HandlerAccess {
    return {
      elementNames: this.graph.elements.map((e) => e.name),
      handler: (element, name) => (element === undefined ? this.globals.get(name) : this.handlerSets[element]?.get(name)),
    };
  }

  /** Sleep up to `ms`, or until an I/O source wakes the run. */
  private waitForIo(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeRun === done) this.wakeRun = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeRun = done;
    });
  }

  // --- lifecycle ----------------------------------------------------------

  /** Call every element's initialize() in configuration order. Failures throw a ClickError naming the element. */
  initialize(): void {
    if (this.state !== 'new') return;
    for (let i = 0; i < this.elements.length; i++) {
      try {
        this.elements[i]!.initialize();
      } catch (err) {
        throw elementError(this.graph.elements[i]!, 'While initializing', err);
      }
    }
    this.state = 'initialized';
  }

  /**
   * Run until a stop request, until nothing can happen, or (with `until`)
   * until engine time would pass `until` (ns): timers due at `until` still
   * fire. Synchronous. A router that was not stopped may run again (a
   * program feeding memory devices runs it a round at a time).
   */
  run(opts: { until?: bigint } = {}): RunResult {
    const startNs = this.beginRun();
    for (;;) {
      if (this.swapRequested) return this.endRun('reconfigure', startNs);
      if (opts.until !== undefined && this.clock.now() > opts.until) return this.endRun('deadline', startNs);
      const s = this.step();
      if (s.kind === 'done') return this.endRun(s.reason, startNs);
      if (s.kind === 'io') {
        const limit = [s.until, opts.until].filter((x): x is bigint => x !== undefined);
        this.waitForDevices(limit.length ? limit.reduce((a, b) => (a < b ? a : b)) : undefined);
      } else if (s.kind === 'wait') {
        // Only outside input could change anything, and a synchronous run cannot receive it.
        if (s.until < 0n) return this.endRun('idle', startNs);
        if (opts.until !== undefined && s.until > opts.until) {
          this.clock.waitUntil(opts.until);
          return this.endRun('deadline', startNs);
        }
        this.clock.waitUntil(s.until);
      }
    }
  }

  /** Engine time in ns (simulated in --simtime runs). */
  now(): bigint {
    return this.clock.now();
  }

  /**
   * Like run(), but yields to the event loop between rounds (about every
   * `sliceMs` of work) and while waiting for timers in real time, so signals
   * and `signal` can stop the run. Simulated runs never wait.
   */
  async runAsync(opts: { signal?: AbortSignal; sliceMs?: number } = {}): Promise<RunResult> {
    const startNs = this.beginRun();
    // With I/O sources (a ControlSocket) the slices are short, so a client
    // waits about a millisecond for a busy router rather than 20.
    const sliceNs = BigInt(Math.round((opts.sliceMs ?? (this.ioSources.size ? 1 : 20)) * 1e6));
    const onAbort = () => this.requestStop();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      let sliceStart = process.hrtime.bigint();
      for (;;) {
        if (this.swapRequested) return this.endRun('reconfigure', startNs);
        const s = this.step();
        if (s.kind === 'done') return this.endRun(s.reason, startNs);
        if (s.kind === 'io') {
          this.waitForDevices(s.until);
          await new Promise((r) => setImmediate(r));
          sliceStart = process.hrtime.bigint();
        } else if (s.kind === 'wait') {
          if (s.until < 0n) await this.waitForIo(1000);   // no timer: only outside input can come
          else if (this.clock.simulated) this.clock.waitUntil(s.until);
          else {
            const ms = Math.max(0, Math.min(1000, Number(s.until - this.clock.now()) / 1e6));
            await (this.ioSources.size ? this.waitForIo(Math.ceil(ms)) : new Promise((r) => setTimeout(r, Math.ceil(ms))));
          }
          sliceStart = process.hrtime.bigint();
        } else if (process.hrtime.bigint() - sliceStart > sliceNs) {
          await new Promise((r) => setImmediate(r));
          sliceStart = process.hrtime.bigint();
        }
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  private beginRun(): bigint {
    if (this.state === 'new') this.initialize();
    if (this.state !== 'initialized' && this.state !== 'ran') throw new Error('a router that was cleaned up cannot run');
    this.state = 'running';
    return this.clock.now();
  }

  private endRun(reason: StopReason, startNs: bigint): RunResult {
    this.state = 'ran';
    this.flushOutput();
    return { reason, taskRuns: this.taskRuns, timerFirings: this.timerFirings, startNs, endNs: this.clock.now() };
  }

  /** Call every element's cleanup() (closing files, flushing dumps), then flush output. */
  cleanup(): void {
    if (this.state === 'cleaned') return;
    const failures: Diagnostic[] = [];
    for (let i = 0; i < this.elements.length; i++) {
      try {
        this.elements[i]!.cleanup();
      } catch (err) {
        failures.push(...elementError(this.graph.elements[i]!, 'While cleaning up', err).diagnostics);
      }
    }
    this.state = 'cleaned';
    this.flushOutput();
    if (failures.length) throw new ClickError(failures);
  }

  /** Write out buffered standard output and standard error text. */
  flushOutput(): void {
    this.stderrSink?.flush();
    this.stdoutSink?.flush();
  }

  /**
   * A replacement router is ready (hot reconfiguration): the current run()
   * or runAsync() returns `reconfigure` once the step under way is over, so
   * the swap never cuts a batch, a task or a timer in half. A waiting run
   * is woken.
   */
  requestSwap(): void {
    this.swapRequested = true;
    this.wakeRun?.();
  }

  /**
   * Hot reconfiguration, on the router that replaces `old`: offer each of
   * this router's elements, in configuration order, the element of `old`
   * with the same name (takeState decides whether its class is compatible).
   * Returns the problems, each naming the element, for the caller to warn
   * about; the swap stands whatever they are, as in Click.
   */
  takeStateFrom(old: Router): string[] {
    const problems: string[] = [];
    for (let i = 0; i < this.elements.length; i++) {
      const el = this.elements[i]!;
      const prev = old.element(el.name);
      if (!prev) continue;
      try {
        el.takeState(prev);
      } catch (err) {
        problems.push(`While hot-swapping state into '${el.name} :: ${el.className}': ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.hotswapFrom = undefined;
    return problems;
  }

  /** Click's please_stop_driver: one stop request. */
  requestStop(count = 1): void {
    this.runcount -= count;
  }

  get stopRequested(): boolean {
    return this.runcount <= 0;
  }

  /** Every element's packet counts and whether each balances. */
  accounting(): AccountingReport {
    return accountFor(this.elements);
  }

  /**
   * env.canBatch: a task may send bigger bursts than Click's only when no
   * other task can interleave with it, i.e. it is the only element with ports
   * that runs a task. (Timers cannot interleave observably: in simulated time
   * they fire only when tasks are idle, and in real time their interleaving
   * is not reproducible in Click either.) Tasks of port-less elements move no
   * packets, but they can look (graph/batching.ts).
   */
  private canBatch(index: number): boolean {
    if (this.state === 'new') return false;
    if (this.batchable === undefined) {
      const withPorts = [...this.taskOwners].filter((i) => this.elements[i]!.ninputs + this.elements[i]!.noutputs > 0);
      this.batchable = withPorts.length === 1 && !burstsVisible(this.graph, this.taskOwners) ? withPorts[0]! : null;
    }
    return this.batchable === index;
  }

  // --- the driver loop ----------------------------------------------------

  /** One round: every task scheduled at its start runs once, then the timers that are due fire. */
  private step(): Step {
    if (this.runcount <= 0 && !this.reserveDriver()) return { kind: 'done', reason: 'stopped' };
    const movedBefore = this.moved;
    let worked = false;
    for (let n = this.tasks.size; n > 0; n--) {
      const t = this.tasks.shift();
      if (!t) break;
      if (this.runTask(t)) worked = true;
      if (this.runcount <= 0) return CONTINUE;
    }
    let fired = false;
    if (this.timers.size > 0) {
      const now = this.clock.now();
      const mark = this.timers.seqMark;
      for (let t = this.timers.popDue(now, mark); t; t = this.timers.popDue(now, mark)) {
        this.fireTimer(t);
        fired = true;
        if (this.runcount <= 0) return CONTINUE;
      }
    }
    if (worked || fired || this.moved !== movedBefore) return CONTINUE;
    // An idle round: nothing runnable did anything. Only a timer can change that.
    const next = this.timers.peekExpiry();
    // Simulated time cannot wait for the outside, as in the native run loop.
    if (!this.clock.simulated && this.options.devices?.live?.()) return { kind: 'io', until: next };
    if (next === undefined) return this.ioLive() ? { kind: 'wait', until: -1n } : { kind: 'done', reason: 'idle' };
    return { kind: 'wait', until: next };
  }

  /** Wait (at most IO_WAIT_MAX_MS, and not past `until`) for a frame on a live device. */
  private waitForDevices(until: bigint | undefined): void {
    const ms = until === undefined ? IO_WAIT_MAX_MS : Math.min(IO_WAIT_MAX_MS, Math.max(0, Math.ceil(Number(until - this.clock.now()) / 1e6)));
    this.options.devices?.wait?.(ms);
  }

  /** Offer each pending stop to elements that manage the driver (DriverManager); true if the run goes on. */
  private reserveDriver(): boolean {
    while (this.runcount <= 0) {
      let reserved = false;
      for (const el of this.elements) {
        if (el.handleStoppedDriver()) {
          reserved = true;
          break;
        }
      }
      if (!reserved) return false;
      this.runcount++;
    }
    return true;
  }

  private runTask(t: TaskImpl): boolean {
    const i = t.owner;
    const el = this.elements[i]!;
    const out = this.acquireOut(i);
    let worked: boolean;
    try {
      worked = el.runTask(out);
      out.finish();
    } catch (err) {
      throw blame(el, 'task', err);
    } finally {
      out.busy = false;
    }
    this.taskRuns++;
    return worked;
  }

  private fireTimer(t: TimerImpl): void {
    const i = t.owner;
    const el = this.elements[i]!;
    const out = this.acquireOut(i);
    try {
      t.fire(out);
      out.finish();
    } catch (err) {
      throw blame(el, 'timer', err);
    } finally {
      out.busy = false;
    }
    this.timerFirings++;
  }

  private acquireOut(i: number): EngineOut {
    let out = this.outs[i]!;
    // A re-entrant call (a push loop back into the element) gets its own Out
    // so it cannot deliver the outer call's pending packets early.
    if (out.busy) out = makeOut(this.modes[i] ?? 'batch', i, this.deliver, this.elements[i]!.noutputs);
    out.busy = true;
    return out;
  }

  /** Hand `batch` from element `from`'s push output `port` to the connected element. */
  private readonly deliver = (from: number, port: number, batch: PacketBatch): void => {
    const n = batch.length;
    if (n === 0) return;
    const src = this.elements[from]!;
    const target = this.pushTargets[from]![port];
    if (!target) {
      this.dropUnconnected(src, port, batch);
      return;
    }
    src.stats.out += n;
    this.moved += n;
    const dst = target.element;
    dst.stats.in += n;
    // An element whose packets must travel one by one (it writes a stream
    // that something downstream also writes) also takes them one by one, so
    // its per-packet effect (a Print line) interleaves with the downstream
    // ones however it loops over a batch.
    if (n > 1 && this.modes[target.index] === 'single') {
      for (const p of batch) this.pushInto(dst, target.index, target.port, [p]);
    } else this.pushInto(dst, target.index, target.port, batch);
  };

  private pushInto(dst: HostElement, index: number, port: number, batch: PacketBatch): void {
    const out = this.acquireOut(index);
    try {
      dst.push(port, batch, out);
      out.finish();
    } catch (err) {
      throw blame(dst, 'push', err);
    } finally {
      out.busy = false;
    }
  }

  /** env.pullInput for element `index`: pull from whatever feeds its input `port`. */
  private pullInput(index: number, port: number, max: number): PacketBatch {
    const limit = Math.min(max, this.delivery.pullLimit[index] ?? Infinity);
    const src = this.pullSources[index]?.[port];
    if (!src || !(limit > 0)) return [];
    const up = this.elements[src.element]!;
    const out = this.acquireOut(src.element);
    let got: PacketBatch;
    try {
      got = up.pull(src.port, limit, out);
      out.finish();
    } catch (err) {
      throw blame(up, 'pull', err);
    } finally {
      out.busy = false;
    }
    const n = got.length;
    if (n > 0) {
      up.stats.out += n;
      this.elements[index]!.stats.in += n;
      this.moved += n;
    }
    return got;
  }

  /**
   * A packet sent to a push output with no connection (the checker normally
   * rejects such graphs): dropped and counted at the sender, with one warning.
   */
  private dropUnconnected(src: HostElement, port: number, batch: PacketBatch): void {
    for (const p of batch) p.release();
    src.stats.dropped += batch.length;
    const key = `${src.index}:${port}`;
    if (!this.unconnectedWarned.has(key)) {
      this.unconnectedWarned.add(key);
      this.writeErr(`${src.name}: packets sent to unconnected output ${port} are dropped`);
    }
  }

  // --- elements and handlers ----------------------------------------------

  /** Index of element `name`, looked up as Click does from `context`'s compound scope (a/b/x: a/b/name, a/name, name). */
  findElement(name: string, context?: string): number | undefined {
    if (context !== undefined) {
      let scope = context;
      for (;;) {
        const slash = scope.lastIndexOf('/');
        if (slash < 0) break;
        scope = scope.slice(0, slash);
        const hit = this.byName.get(`${scope}/${name}`);
        if (hit !== undefined) return hit;
      }
    }
    return this.byName.get(name);
  }

  element(name: string): HostElement | undefined {
    const i = this.byName.get(name);
    return i === undefined ? undefined : this.elements[i];
  }

  /** Element `name`'s handler `handler` (undefined element: a global handler). */
  handler(element: string | undefined, handler: string): HandlerEntry | undefined {
    if (element === undefined) return this.globals.get(handler);
    const i = this.byName.get(element);
    return i === undefined ? undefined : this.handlerSets[i]!.get(handler);
  }

  /** Handlers of an element (or the global ones), in Click's order. */
  handlers(element: string | undefined): HandlerEntry[] {
    if (element === undefined) return this.globals.entries();
    const i = this.byName.get(element);
    return i === undefined ? [] : this.handlerSets[i]!.entries();
  }

  /**
   * Read handler `path` (`e.h`, `.h` or `h`), optionally followed by a space
   * and a parameter for handlers that take one (`rt.lookup 10.0.0.1`);
   * throws HandlerError with Click's message if there is no such handler.
   */
  readHandler(path: string, context?: string): string {
    const m = /^(\S*)\s+([\s\S]*)$/.exec(path.trim());
    const h = this.resolveHandler(m ? m[1]! : path.trim(), context);
    const e = h.entry;
    if (!e || (!e.read && !e.readParam)) throw new HandlerError(handlerErrors.noReadHandler(h.full));
    if (m) {
      if (!e.readParam) throw new HandlerError(handlerErrors.noParams(h.full));
      return e.readParam(m[2]!);
    }
    return e.read ? e.read() : e.readParam!('');
  }

  /**
   * Write handler `path`; throws HandlerError with Click's message if there
   * is none or the value is bad. A value ends at its first NUL byte, as the
   * native dataplane's C strings do, so both engines see the same value.
   */
  writeHandler(path: string, value: string, context?: string): void {
    const h = this.resolveHandler(path, context);
    if (!h.entry?.write) throw new HandlerError(handlerErrors.noWriteHandler(h.full));
    const nul = value.indexOf('\0');
    h.entry.write(nul < 0 ? value : value.slice(0, nul));
  }

  private resolveHandler(path: string, context?: string): { entry: HandlerEntry | undefined; full: string } {
    const p = parseHandlerPath(path);
    if (p.element === undefined) return { entry: this.globals.get(p.handler), full: p.handler };
    const i = this.findElement(p.element, context);
    if (i === undefined) throw new HandlerError(handlerErrors.noElement(p.element));
    const name = this.graph.elements[i]!.name;
    return { entry: this.handlerSets[i]!.get(p.handler), full: unparseHandlerName(name, p.handler) };
  }
}

function elementError(ge: CheckedElement, during: string, err: unknown): ClickError {
  if (err instanceof ClickError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ClickError([
    { severity: 'error', message: `${during} '${ge.name} :: ${ge.className}': ${message}`, span: ge.span, related: ge.context },
  ]);
}

/** Attribute an exception to the innermost element it escaped from. */
function blame(el: HostElement, during: string, err: unknown): unknown {
  if (err instanceof ElementFailure || err instanceof ClickError) return err;
  return new ElementFailure(el.name, el.className, during, err);
}

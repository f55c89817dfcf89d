// Run one element on its own: build it from its spec and a configuration
// string, push packets in, and see what comes out of each port. For element
// unit tests that do not need a whole router; tasks and timers are driven by
// hand through the returned harness.

import { ConfigError, parseArgs, type ConfigContext } from '../../config-lang/args/args.js';
import type { AnyElementSpec } from '../../elements/spec.js';
import type { ElementEnv, HostElement, Out, PortMode, Task, Timer } from '../../host-engine/element.js';
import { noDevices, type DeviceBackend } from '../../host-engine/devices.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';

export interface HarnessOptions {
  /** Port modes; defaults: every input push, every output push, counts from the spec's minimum. */
  inputs?: PortMode[];
  outputs?: PortMode[];
  name?: string;
  /** Starting engine time in ns. */
  now?: bigint;
  /** Other elements the configuration may name (name → class). */
  others?: Record<string, string>;
  /** Elements `env.lookup` finds by name (e.g. other harnesses' elements). */
  elements?: Record<string, HostElement>;
  /** The router-wide attachments map; share one between harnesses to model one router. Default: a fresh map. */
  attachments?: Map<string, unknown>;
  /** What env.readHandler / env.writeHandler do (Script, DriverManager, END_CALL); default: throw. */
  handlers?: { read?(path: string): string; write?(path: string, value: string): void };
  /** env.resolvePath; default: the path unchanged. */
  resolvePath?: (path: string) => string;
  /** The device back-end FromDevice/ToDevice open (default: none). */
  devices?: DeviceBackend;
  /** Where env.pullInput gets packets (e.g. another harness's pull); default: the `pullable` arrays. */
  pullFrom?: (port: number, max: number) => PacketBatch;
  /** Give env.pullInput at most this many packets per call, as the engine may (default: no limit). */
  pullLimit?: number;
  /** What env.canBatch() answers (the engine says true when the element's task is the only one moving packets); default: no canBatch. */
  canBatch?: boolean;
}

export interface Harness<E extends HostElement> {
  readonly element: E;
  /** Packets emitted so far, per output port. */
  readonly outputs: Packet[][];
  /** Lines written to stderr/stdout and chatter. */
  readonly stderr: string[];
  readonly stdout: string[];
  /** Packets waiting to be pulled from each input (for pull inputs). */
  readonly pullable: Packet[][];
  push(port: number, ...packets: Packet[]): void;
  pull(port: number, max?: number): PacketBatch;
  /** Run the element's task once (if it has one). */
  runTask(): boolean;
  /** Advance time to `ns`, firing due timers in order. */
  advanceTo(ns: bigint): void;
  now: bigint;
  readonly stopped: boolean;
  /** How many times the element called env.requestStop(). */
  readonly stopCount: number;
  /** Whether the element's task is scheduled. */
  readonly taskScheduled: boolean;
  /**
   * Run the task as the engine does: only if scheduled, taking it off the
   * run queue first (the element reschedules itself to run again). Returns
   * false if it was not scheduled.
   */
  runTaskLikeEngine(): boolean;
  /** Call the element's cleanup() (end of run: files are closed and flushed). */
  cleanup(): void;
  /** Read a handler; with `param`, call its read-with-parameter form. */
  read(handler: string, param?: string): string;
  write(handler: string, value: string): void;
}

/** Parse a configuration for a spec, as the checker would. Throws ConfigError. */
export function configure(spec: AnyElementSpec, config: string, ninputs: number, noutputs: number, others: Record<string, string> = {}): unknown {
  return configureWithWarnings(spec, config, ninputs, noutputs, others).conf;
}

/** Like configure, also returning the warnings the configuration drew (ConfigContext.warn). */
export function configureWithWarnings(
  spec: AnyElementSpec,
  config: string,
  ninputs: number,
  noutputs: number,
  others: Record<string, string> = {},
): { conf: unknown; warnings: string[] } {
  const warnings: string[] = [];
  const ctx: ConfigContext = {
    elementName: 'e',
    className: spec.name,
    ninputs,
    noutputs,
    lookupElement: (n) => others[n],
    warn: (m) => warnings.push(m),
  };
  const { values } = parseArgs(spec.args, config, ctx);
  return { conf: spec.configure ? spec.configure(values, ctx) : values, warnings };
}

export function harness<E extends HostElement = HostElement>(spec: AnyElementSpec, config = '', opts: HarnessOptions = {}): Harness<E> {
  const [inSpec, outSpec] = spec.ports.split('/');
  const minPorts = (s: string | undefined) => {
    const m = /^(\d+)/.exec(s ?? '0');
    return m ? Number(m[1]) : 1;
  };
  const inputs = opts.inputs ?? Array.from({ length: minPorts(inSpec) }, () => 'push' as PortMode);
  const outputs = opts.outputs ?? Array.from({ length: minPorts(outSpec) }, () => 'push' as PortMode);
  const conf = configure(spec, config, inputs.length, outputs.length, opts.others);

  const emitted: Packet[][] = outputs.map(() => []);
  const stderr: string[] = [];
  const stdout: string[] = [];
  const pullable: Packet[][] = inputs.map(() => []);
  const timers: { t: TimerImpl }[] = [];
  let taskRef: TaskImpl | undefined;
  let stopped = false;
  let stopCount = 0;
  const state = { now: opts.now ?? 0n };
  let element!: E;

  const out: Out = {
    emit(port, p) {
      element.stats.out++;
      emitted[port]!.push(p);
    },
    emitBatch(port, batch) {
      element.stats.out += batch.length;
      emitted[port]!.push(...batch);
    },
  };

  class TimerImpl implements Timer {
    scheduled = false;
    expiry = 0n;
    constructor(readonly fire: (out: Out) => void) {}
    scheduleAt(ns: bigint) {
      this.expiry = ns;
      this.scheduled = true;
    }
    scheduleAfter(ns: bigint) {
      this.scheduleAt(state.now + ns);
    }
    unschedule() {
      this.scheduled = false;
    }
  }
  class TaskImpl implements Task {
    scheduled = false;
    schedule() {
      this.scheduled = true;
    }
    unschedule() {
      this.scheduled = false;
    }
  }

  let rng = 0x12345678;
  const env: ElementEnv = {
    now: () => state.now,
    pullInput(port, max) {
      const n = Math.min(max, opts.pullLimit ?? max);
      const got = opts.pullFrom ? opts.pullFrom(port, n) : pullable[port]!.splice(0, n);
      element.stats.in += got.length;
      return got;
    },
    task() {
      taskRef = new TaskImpl();
      return taskRef;
    },
    timer(fire) {
      const t = new TimerImpl(fire);
      timers.push({ t });
      return t;
    },
    stderr: (l) => stderr.push(l),
    stdout: (l) => stdout.push(l),
    chatter: (m) => stderr.push(`${opts.name ?? 'e'}: ${m}`),
    lookup: (n) => opts.elements?.[n],
    requestStop: () => {
      stopped = true;
      stopCount++;
    },
    readHandler: (path) => {
      if (!opts.handlers?.read) throw new Error('no router in the element harness');
      return opts.handlers.read(path);
    },
    writeHandler: (path, value) => {
      if (!opts.handlers?.write) throw new Error('no router in the element harness');
      opts.handlers.write(path, value);
    },
    resolvePath: (p) => (opts.resolvePath ? opts.resolvePath(p) : p),
    openDevice: (name) => (opts.devices ?? noDevices).open(name),
    random32() {
      rng ^= rng << 13;
      rng ^= rng >>> 17;
      rng ^= rng << 5;
      return rng >>> 0;
    },
    attachments: opts.attachments ?? new Map<string, unknown>(),
    ...(opts.canBatch === undefined ? {} : { canBatch: () => opts.canBatch! }),
  };

  element = spec.host({ name: opts.name ?? 'e', className: spec.name, index: 0, conf, inputs, outputs, env }) as E;
  element.initialize();

  const handler = (name: string) => {
    const h = spec.handlers?.[name] ?? spec.instanceHandlers?.(conf, { ninputs: inputs.length, noutputs: outputs.length })[name];
    if (!h) throw new Error(`no handler ${name}`);
    return h;
  };

  return {
    element,
    outputs: emitted,
    stderr,
    stdout,
    pullable,
    push(port, ...packets) {
      element.stats.in += packets.length;
      element.push(port, packets, out);
    },
    pull(port, max = 1) {
      const got = element.pull(port, max, out);
      element.stats.out += got.length;
      return got;
    },
    runTask() {
      return taskRef ? element.runTask(out) : false;
    },
    advanceTo(ns) {
      for (;;) {
        const due = timers.filter(({ t }) => t.scheduled && t.expiry <= ns).sort((x, y) => (x.t.expiry < y.t.expiry ? -1 : 1))[0];
        if (!due) break;
        state.now = due.t.expiry;
        due.t.scheduled = false;
        due.t.fire(out);
      }
      state.now = ns;
    },
    get now() {
      return state.now;
    },
    set now(v: bigint) {
      state.now = v;
    },
    get stopped() {
      return stopped;
    },
    get stopCount() {
      return stopCount;
    },
    get taskScheduled() {
      return taskRef?.scheduled ?? false;
    },
    runTaskLikeEngine() {
      if (!taskRef?.scheduled) return false;
      taskRef.unschedule();
      return element.runTask(out);
    },
    cleanup() {
      element.cleanup();
    },
    read: (name, param) => {
      const h = handler(name);
      if (param !== undefined) {
        if (!h.readParam) throw new Error(`${name} takes no parameter`);
        return h.readParam(element, param);
      }
      if (!h.read) throw new Error(`${name} is not readable`);
      return h.read(element);
    },
    write: (name, value) => {
      const h = handler(name);
      if (!h.write) throw new Error(`${name} is not writable`);
      h.write(element, value);
    },
  };
}

/** Assert-friendly: the message of a configuration error, or undefined if it configures. */
export function configError(spec: AnyElementSpec, config: string, ninputs = 1, noutputs = 1): string | undefined {
  try {
    configure(spec, config, ninputs, noutputs);
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
}

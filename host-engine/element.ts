// The host-engine element API. Every element class implements HostElement;
// the engine calls push/pull/runTask and hands each call an Out through which
// the element emits packets. The engine, not the element, decides how emitted
// packets are delivered (whole batches, order-preserving runs, one at a time),
// so elements stay simple loops over a batch.
//
// Accounting: every packet an element receives is emitted, dropped, consumed
// (by a sink) or held (in a queue); every packet it makes is counted as
// created. The engine checks in + created = out + dropped + consumed + held
// for every element at the end of a run. The engine counts `in` and `out`
// itself (pushes, pulls, and Out emits); elements count the rest through
// drop/consume/clonePacket/created.

import type { NetDevice } from './devices.js';
import type { HandlerEntry } from './handlers.js';
import type { Packet, PacketBatch } from './packet.js';

export type PortMode = 'push' | 'pull';

/** How an element's emitted packets travel on; see graph/delivery.ts. */
export interface Out {
  /** Send p out of output `port`. */
  emit(port: number, p: Packet): void;
  /** Send a whole batch out of one port, in order. */
  emitBatch(port: number, batch: PacketBatch): void;
}

/** A timer owned by an element; callbacks run with an Out for emitting. */
export interface Timer {
  /** Fire at an absolute engine time (ns). */
  scheduleAt(ns: bigint): void;
  /** Fire `ns` after now. */
  scheduleAfter(ns: bigint): void;
  unschedule(): void;
  readonly scheduled: boolean;
  /** Absolute expiry time, if scheduled. */
  readonly expiry: bigint;
}

/**
 * A task: run by the round-robin scheduler while scheduled. As in Click, the
 * engine takes a task off the run queue just before calling runTask, so a
 * task that wants to run again calls schedule() from runTask (sources do so
 * while they have packets to send; a task with nothing to do stays
 * unscheduled until something, e.g. an upstream push, schedules it).
 * Schedule it once from initialize() to start it.
 */
export interface Task {
  schedule(): void;
  unschedule(): void;
  readonly scheduled: boolean;
}

/**
 * Input from outside the router graph (a ControlSocket's listener and
 * clients). While a source is live, an idle runAsync() waits for input
 * instead of ending; the source calls wake() when something arrived, so a
 * run waiting for a timer looks at its tasks again at once. A synchronous
 * run() cannot wait for the outside and ends when idle as before.
 */
export interface IoSource {
  live: boolean;
  wake(): void;
  close(): void;
}

/** The router's handlers by element index (undefined: the global ones), for control channels. */
export interface HandlerAccess {
  readonly elementNames: readonly string[];
  handler(element: number | undefined, name: string): HandlerEntry | undefined;
}

/** Services the engine gives an element. */
export interface ElementEnv {
  /** Engine time in nanoseconds since the epoch (simulated in --simtime runs). */
  now(): bigint;
  /** Pull up to `max` packets from input `port` (a pull input). */
  pullInput(port: number, max: number): PacketBatch;
  /** Create this element's task (call once, from the constructor or initialize). */
  task(): Task;
  /** Create a timer whose callback receives an Out. */
  timer(fire: (out: Out) => void): Timer;
  /** Lines for standard error (Print, chatter) and standard output. */
  stderr(line: string): void;
  stdout(line: string): void;
  /** A warning in Click's chatter style, prefixed with the element name. */
  chatter(message: string): void;
  /** Another element by name (Click's router lookup), relative to this element's compound scope. */
  lookup(name: string): HostElement | undefined;
  /** Ask the driver to stop (Click's please_stop_driver); see DriverManager for stop counts. */
  requestStop(): void;
  /** Call a handler `element.handler` (used by Script, DriverManager). */
  readHandler(path: string): string;
  writeHandler(path: string, value: string): void;
  /** Resolve a file name from the configuration (relative to the working directory). */
  resolvePath(path: string): string;
  /** The network device `name` from the router's device back-end; throws an Error saying why if there is none. */
  openDevice(name: string): NetDevice;
  /** Deterministic pseudo-random 32-bit unsigned integers, same sequence in every engine. */
  random32(): number;
  /**
   * RandomSeed: with a seed, random32 is Click's userlevel click_random()
   * after click_srandom(seed) from now on (glibc's random(), 31-bit values);
   * without one, the router's own generator restarts from the run's seed.
   */
  randomSeed?(seed: number | undefined): void;
  /**
   * Router-wide named storage, one Map per router shared by all its elements:
   * for state Click keeps per router (Router::force_attachment) or in statics
   * shared by every instance of a class (ICMPError's IP ID counter,
   * SetUDPChecksum's once-per-router warning, IPRewriterPatterns' named
   * patterns). Optional: elements fall back to per-element state without it.
   */
  readonly attachments?: Map<string, unknown>;
  /**
   * Whether this element's task may send more packets per run than Click
   * would (a batch instead of Click's BURST) without any observable change:
   * true when it is the only element with ports that runs a task, so no other
   * task's work (an Unqueue draining a Queue, a second source feeding the same
   * dump) can interleave with its packets. Ask from runTask (the answer is
   * known once every element is initialized; before that it is false).
   * Optional: without it, use Click's burst.
   */
  canBatch?(): boolean;
  /** Register an outside input source (see IoSource). Optional: engines without it cannot serve one. */
  ioSource?(): IoSource;
  /** Every handler of the router, for a control channel (ControlSocket). */
  handlerAccess?(): HandlerAccess;
  /**
   * During a hot reconfiguration (`hotconfig`), the running router's element
   * with this element's name, whose state takeState() will be offered (Click's
   * hotswap_element); undefined otherwise. Elements that hold something only
   * one router can hold at a time (a listening socket) look at it in
   * initialize() so as not to fight their predecessor for it.
   */
  hotswapElement?(): HostElement | undefined;
}

export interface ElementInit<C> {
  readonly name: string;
  readonly className: string;
  readonly index: number;
  readonly conf: C;
  readonly inputs: readonly PortMode[];
  readonly outputs: readonly PortMode[];
  readonly env: ElementEnv;
}

export interface ElementStats {
  in: number;
  out: number;
  dropped: number;
  consumed: number;
  created: number;
}

export abstract class HostElement<C = unknown> {
  readonly name: string;
  readonly className: string;
  readonly index: number;
  readonly conf: C;
  readonly inputs: readonly PortMode[];
  readonly outputs: readonly PortMode[];
  protected readonly env: ElementEnv;
  /** Maintained by the engine and by drop/consume/create below. */
  readonly stats: ElementStats = { in: 0, out: 0, dropped: 0, consumed: 0, created: 0 };

  constructor(init: ElementInit<C>) {
    this.name = init.name;
    this.className = init.className;
    this.index = init.index;
    this.conf = init.conf;
    this.inputs = init.inputs;
    this.outputs = init.outputs;
    this.env = init.env;
  }

  get ninputs(): number {
    return this.inputs.length;
  }
  get noutputs(): number {
    return this.outputs.length;
  }

  /** Called once every element exists, in configuration order. Throw Error to fail the router. */
  initialize(): void {}
  /** Called when the run ends (close files, flush output). */
  cleanup(): void {}

  /** A batch arrives on push input `port`. */
  push(_port: number, _batch: PacketBatch, _out: Out): void {
    throw new Error(`${this.className} has no push input`);
  }

  /** Produce up to `max` packets on pull output `port` (empty: nothing now). */
  pull(_port: number, _max: number, _out: Out): PacketBatch {
    throw new Error(`${this.className} has no pull output`);
  }

  /** The element's task body; return true if it did work. Only for elements that call env.task(). */
  runTask(_out: Out): boolean {
    return false;
  }

  /** Packets this element holds right now (queues); part of the accounting invariant. */
  held(): number {
    return 0;
  }

  /**
   * Hot reconfiguration (Click's take_state): this element of the new
   * configuration was initialized beside `old`, the running router's element
   * of the same name; take over what must survive the swap (queued packets,
   * counts, mappings, tables). Called in configuration order, after every new
   * element is initialized and before the new router runs, between two
   * scheduler steps of the old one. Classes decide compatibility themselves
   * (Click's cast): an `old` of a class this one cannot read is ignored. An
   * Error thrown is reported as a warning; the swap goes on, as in Click.
   * Packets moved across count through takePackets() so both routers stay
   * balanced.
   */
  takeState(_old: HostElement): void {}

  /**
   * Called when the run is about to end because stops were requested (one
   * call per pending stop). Return true to keep the driver running, as
   * Click's DriverManager does for `wait_stop N`; only such elements override it.
   */
  handleStoppedDriver(): boolean {
    return false;
  }

  // --- accounting helpers: use these rather than forgetting packets ---

  /** Drop a packet here (counted). Elements keep their own `drops` handler counts too. */
  protected drop(p: Packet): void {
    p.release();
    this.stats.dropped++;
  }

  /** A sink consumed the packet (Discard, ToDump). */
  protected consume(p: Packet): void {
    p.release();
    this.stats.consumed++;
  }

  /** Clone a packet (shares the buffer), counted as created here. */
  protected clonePacket(p: Packet): Packet {
    this.stats.created++;
    return p.clone();
  }

  /** Click's checked_output_push: out of `port` if this element has that output, else dropped here. */
  protected emitChecked(out: Out, port: number, p: Packet): void {
    if (port < this.noutputs) out.emit(port, p);
    else this.drop(p);
  }

  /**
   * Account for `n` packets handed over from `old` by takeState: created
   * here (this router never saw them arrive), consumed there.
   */
  protected takePackets(old: HostElement, n: number): void {
    this.stats.created += n;
    old.stats.consumed += n;
  }

  /** Count a packet this element made from nothing (sources, ICMP errors, fragments...). */
  protected created<P extends Packet>(p: P): P {
    this.stats.created++;
    return p;
  }
}

/**
 * Elements that decide per packet: `action` returns the output port, or
 * DROP to drop it here. Covers most one-in elements (Counter, Strip,
 * CheckIPHeader, DecIPTTL, Paint...). The action may modify the packet.
 */
export const DROP = -1;

export abstract class SimpleElement<C = unknown> extends HostElement<C> {
  abstract action(p: Packet): number;

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      const port = this.action(p);
      if (port === DROP || port >= this.noutputs) this.drop(p);
      else out.emit(port, p);
    }
  }

  /** In pull mode, pull from input 0, apply the action, return what goes to output `port`. */
  override pull(port: number, max: number, out: Out): PacketBatch {
    const result: PacketBatch = [];
    for (const p of this.env.pullInput(0, max)) {
      const k = this.action(p);
      if (k === DROP || k >= this.noutputs) this.drop(p);
      else if (k === port) result.push(p);
      else out.emit(k, p);
    }
    return result;
  }
}

// The engine's Out implementations: how the packets an element emits reach
// the next element, for the three delivery modes of graph/delivery.ts.
//
//   BatchOut   collects per output port and delivers when the element has
//              handled its whole input (port by port, in port order);
//   RunsOut    delivers the pending run when the output port changes, and the
//              last run at the end, so downstream sees packets in emit order;
//   SingleOut  delivers every packet at once (Click's packet-at-a-time order,
//              needed where shared streams such as Print lines interleave).
//
// An Out belongs to one element invocation: the engine calls `finish()` after
// push/pull/runTask/timer returns. A batch handed over whole with emitBatch
// is passed on without copying unless more packets join it.

import type { Out } from './element.js';
import type { Packet, PacketBatch } from './packet.js';
import type { DeliveryMode } from '../graph/delivery.js';

/** What an Out needs from the engine: hand `batch` from `element`'s output `port` to its target. */
export type DeliverFn = (element: number, port: number, batch: PacketBatch) => void;

export interface EngineOut extends Out {
  /** Set while an invocation of the element is using this Out (re-entrant calls get a fresh one). */
  busy: boolean;
  /** Deliver everything still pending. */
  finish(): void;
}

export class SingleOut implements EngineOut {
  busy = false;
  constructor(
    private readonly element: number,
    private readonly deliver: DeliverFn,
  ) {}
  emit(port: number, p: Packet): void {
    this.deliver(this.element, port, [p]);
  }
  emitBatch(port: number, batch: PacketBatch): void {
    for (const p of batch) this.deliver(this.element, port, [p]);
  }
  finish(): void {}
}

export class RunsOut implements EngineOut {
  busy = false;
  private port = -1;
  private run: PacketBatch = [];
  /** The run is an array the element handed over; copy before appending to it. */
  private borrowed = false;

  constructor(
    private readonly element: number,
    private readonly deliver: DeliverFn,
  ) {}

  emit(port: number, p: Packet): void {
    if (port !== this.port) {
      this.finish();
      this.port = port;
    }
    if (this.borrowed) this.unborrow();
    this.run.push(p);
  }

  emitBatch(port: number, batch: PacketBatch): void {
    if (batch.length === 0) return;
    if (port !== this.port) {
      this.finish();
      this.port = port;
    }
    if (this.run.length === 0) {
      this.run = batch;
      this.borrowed = true;
    } else {
      if (this.borrowed) this.unborrow();
      for (const p of batch) this.run.push(p);
    }
  }

  finish(): void {
    if (this.run.length === 0) return;
    const run = this.run;
    this.run = [];
    this.borrowed = false;
    this.deliver(this.element, this.port, run);
  }

  private unborrow(): void {
    this.run = this.run.slice();
    this.borrowed = false;
  }
}

export class BatchOut implements EngineOut {
  busy = false;
  private readonly pending: PacketBatch[] = [];
  private readonly borrowed: boolean[] = [];
  /** Lowest and highest port with pending packets (ports are few; scan between). */
  private lo = Infinity;
  private hi = -1;

  constructor(
    private readonly element: number,
    private readonly deliver: DeliverFn,
    noutputs: number,
  ) {
    for (let i = 0; i < noutputs; i++) {
      this.pending.push([]);
      this.borrowed.push(false);
    }
  }

  emit(port: number, p: Packet): void {
    const q = this.slot(port);
    if (this.borrowed[port]) {
      this.pending[port] = q.slice();
      this.borrowed[port] = false;
      this.pending[port]!.push(p);
    } else q.push(p);
  }

  emitBatch(port: number, batch: PacketBatch): void {
    if (batch.length === 0) return;
    const q = this.slot(port);
    if (q.length === 0) {
      this.pending[port] = batch;
      this.borrowed[port] = true;
    } else {
      if (this.borrowed[port]) {
        this.pending[port] = q.slice();
        this.borrowed[port] = false;
      }
      const dst = this.pending[port]!;
      for (const p of batch) dst.push(p);
    }
  }

  finish(): void {
    // Delivering may re-enter this element only through a fresh Out (the
    // engine sees `busy`), so the slots cannot change under this loop except
    // by this loop itself.
    while (this.hi >= 0) {
      const lo = this.lo;
      const hi = this.hi;
      this.lo = Infinity;
      this.hi = -1;
      for (let port = lo; port <= hi; port++) {
        const q = this.pending[port]!;
        if (q.length === 0) continue;
        this.pending[port] = [];
        this.borrowed[port] = false;
        this.deliver(this.element, port, q);
      }
    }
  }

  private slot(port: number): PacketBatch {
    while (this.pending.length <= port) {
      this.pending.push([]);
      this.borrowed.push(false);
    }
    if (port < this.lo) this.lo = port;
    if (port > this.hi) this.hi = port;
    return this.pending[port]!;
  }
}

/**
 * Batch delivery for the common one-output element: a single pending batch.
 * (Runs and batch delivery are the same thing with one port.) Emits to other
 * ports (which the engine drops and reports as unconnected) go through a
 * general BatchOut so their order is kept.
 */
export class OnePortOut implements EngineOut {
  busy = false;
  private pending: PacketBatch = [];
  private borrowed = false;
  private other: BatchOut | undefined;

  constructor(
    private readonly element: number,
    private readonly deliver: DeliverFn,
  ) {}

  emit(port: number, p: Packet): void {
    if (port !== 0) return this.others().emit(port, p);
    if (this.borrowed) {
      this.pending = this.pending.slice();
      this.borrowed = false;
    }
    this.pending.push(p);
  }

  emitBatch(port: number, batch: PacketBatch): void {
    if (port !== 0) return this.others().emitBatch(port, batch);
    if (batch.length === 0) return;
    if (this.pending.length === 0) {
      this.pending = batch;
      this.borrowed = true;
      return;
    }
    if (this.borrowed) {
      this.pending = this.pending.slice();
      this.borrowed = false;
    }
    for (const p of batch) this.pending.push(p);
  }

  finish(): void {
    if (this.pending.length > 0) {
      const q = this.pending;
      this.pending = [];
      this.borrowed = false;
      this.deliver(this.element, 0, q);
    }
    this.other?.finish();
  }

  private others(): BatchOut {
    return (this.other ??= new BatchOut(this.element, this.deliver, 0));
  }
}

export function makeOut(mode: DeliveryMode, element: number, deliver: DeliverFn, noutputs: number): EngineOut {
  switch (mode) {
    case 'single':
      return new SingleOut(element, deliver);
    case 'runs':
      return noutputs === 1 ? new OnePortOut(element, deliver) : new RunsOut(element, deliver);
    case 'batch':
      return noutputs === 1 ? new OnePortOut(element, deliver) : new BatchOut(element, deliver, noutputs);
  }
}

// What the trace readers (FromDump, FromIPSummaryDump) share: the input
// they read, ACTIVE, the count of packets emitted, one packet held back
// (waiting for its time under TIMING, or the rest of a split aggregate),
// the push-mode task with the timer that wakes it, and the handlers that
// read and switch all that.

import { HostElement, type Task, type Timer } from '../../host-engine/element.js';
import type { Packet } from '../../host-engine/packet.js';
import { handlerBool } from '../lib/handler-values.js';
import { formatSampling } from '../lib/sampling.js';
import type { HandlerDef } from '../spec.js';

/** A trace file being read. */
export interface TraceInput {
  close(): void;
  readonly size: number | undefined;
  readonly position: number;
}

export interface TraceSourceConf {
  readonly active: boolean;
  /** SAMPLE, 28-bit fixed point. */
  readonly sample: number;
}

export abstract class TraceSourceElement<C extends TraceSourceConf, R extends TraceInput> extends HostElement<C> {
  active = this.conf.active;
  count = 0;
  protected reader: R | undefined;
  protected task: Task | undefined;
  protected timer!: Timer;
  /** A packet read but not emitted yet. */
  protected pending: Packet | undefined;

  /** Create the timer that wakes the task and, in push mode, the task (scheduled if active). Call from initialize. */
  protected startTask(): void {
    this.timer = this.env.timer(() => {
      if (this.active) this.task?.schedule();
    });
    if (this.outputs[0] === 'push') {
      this.task = this.env.task();
      if (this.active) this.task.schedule();
    }
  }

  /** Drop the packet held back, if there is one. */
  protected dropPending(): void {
    if (this.pending) {
      this.drop(this.pending);
      this.pending = undefined;
    }
  }

  override cleanup(): void {
    this.reader?.close();
    this.dropPending();
  }

  override held(): number {
    return this.pending ? 1 : 0;
  }

  get fileSize(): number | undefined {
    return this.reader?.size;
  }
  get filePos(): number {
    return this.reader?.position ?? 0;
  }

  setActive(active: boolean): void {
    this.active = active;
    if (active) this.task?.schedule();
  }

  /** The `stop` handler: go inactive and ask the driver to stop. */
  stopDriver(): void {
    this.setActive(false);
    this.env.requestStop();
  }
}

type Source = TraceSourceElement<TraceSourceConf, TraceInput>;

/** The handlers both readers have (each lists them in its own order). */
export const traceSourceHandlers: Readonly<Record<'count' | 'active' | 'filesize' | 'filepos' | 'sampling_prob' | 'stop', HandlerDef<Source>>> = {
  count: { read: (e) => String(e.count) },
  active: { read: (e) => String(e.active), write: (e, v) => e.setActive(handlerBool(v, 'type mismatch')) },
  filesize: { read: (e) => (e.fileSize === undefined ? '-' : String(e.fileSize)) },
  filepos: { read: (e) => String(e.filePos) },
  sampling_prob: { read: (e) => formatSampling(e.conf.sample) },
  stop: { write: (e) => e.stopDriver() },
};

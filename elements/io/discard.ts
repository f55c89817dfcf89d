/**
 * Discard — a sink: consume every packet.
 *
 * Synopsis:   Discard([KEYWORDS])
 * Ports:      1 input, no outputs; agnostic.
 * Processing: pushed packets are consumed and counted. With a pull input, a task pulls
 *             up to BURST packets per run (BURST 0: everything available) while ACTIVE.
 * Keywords:
 *   ACTIVE  pull only while true (default true; pull inputs only)
 *   BURST   packets pulled per task run (default 1; 0: all that are there, at most 65536)
 * Handlers:   count (r), reset_counts (w), active (r/w, pull input only).
 * Differences from Click: without notifiers the pulling task reschedules itself
 * while active even when the upstream is empty (Click's behaviour with an
 * upstream that has no empty notifier).
 */

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Task } from '../../host-engine/element.js';
import type { PacketBatch } from '../../host-engine/packet.js';
import { defineElement, HandlerError } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { handlerBool } from '../lib/handler-values.js';

/** BURST 0 pulls until the input is empty, but never more than this per run (an endless source would never empty). */
const MAX_UNLIMITED_BURST = 65536;

export interface DiscardConf {
  active: boolean;
  burst: number;
}

export class DiscardElement extends HostElement<DiscardConf> {
  count = 0;
  active = this.conf.active;
  private task: Task | undefined;

  override initialize(): void {
    if (this.inputs[0] === 'pull') {
      this.task = this.env.task();
      if (this.active) this.task.schedule();
    } else if (!this.active) throw new Error('ACTIVE is meaningless in push context');
  }

  override push(_port: number, batch: PacketBatch): void {
    this.count += batch.length;
    for (const p of batch) this.consume(p);
  }

  override runTask(): boolean {
    let want = this.conf.burst === 0 ? MAX_UNLIMITED_BURST : this.conf.burst;
    let got = 0;
    while (want > 0) {
      const batch = this.env.pullInput(0, Math.min(want, 256));
      if (batch.length === 0) break;
      for (const p of batch) this.consume(p);
      got += batch.length;
      want -= batch.length;
    }
    this.count += got;
    if (this.active) this.task!.schedule();
    return got > 0;
  }

  setActive(active: boolean): void {
    if (!this.task) throw new HandlerError("'active' applies to a Discard with a pull input");
    this.active = active;
    if (active) this.task.schedule();
    else this.task.unschedule();
  }
}

type E = DiscardElement;

const args = {
  ACTIVE: a.kw(T.bool, true),
  BURST: a.kw(T.unsigned, 1),
};

export const spec = defineElement<typeof args, DiscardConf, E>({
  name: 'Discard',
  ports: '1/0',
  processing: 'a/a',
  args,
  configure: (v): DiscardConf => ({ active: v.ACTIVE, burst: v.BURST }),
  host: (init) => new DiscardElement(init),
  native: {
    source: nativeSource(import.meta.url, 'discard.c'),
    prefix: 'discard',
    hooks: { init: true, task: true },
    usesTask: (_c, ports) => ports.inputs[0] === 'pull',
    init: (c, ctx) => `.burst = ${c.burst}, .active = ${+c.active}, .pull_mode = ${+(ctx.inputs[0] === 'pull')}`,
  },
  handlers: {
    count: { read: (e: E) => String(e.count) },
    reset_counts: { write: (e: E) => void (e.count = 0) },
    active: { read: (e: E) => String(e.active), write: (e: E, v) => e.setActive(handlerBool(v, 'syntax error')) },
  },
});

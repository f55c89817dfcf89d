// Small element classes for engine tests. Packets carry a sequence number in
// their first four bytes so sinks can record the order they arrive in.

import { HostElement, SimpleElement, type Out, type Task, type Timer } from '../../host-engine/element.js';
import { Packet, type PacketBatch } from '../../host-engine/packet.js';
import { defineElement } from '../../elements/spec.js';

export function seqOf(p: Packet): number {
  return new DataView(p.data.buffer, p.data.byteOffset, 4).getUint32(0);
}

function makeSeq(seq: number, length = 16): Packet {
  const p = Packet.make(length);
  new DataView(p.writable().buffer, p.dataOffset, 4).setUint32(0, seq);
  return p;
}

// --- Source: a task that sends `count` packets, `burst` per run ----------

export interface SourceConf {
  count: number;
  burst: number;
  /** First sequence number. */
  base?: number;
  /** Request a stop after the last packet. */
  stop?: boolean;
}

export class SourceEl extends HostElement<SourceConf> {
  sent = 0;
  runs = 0;
  private task!: Task;
  override initialize(): void {
    this.task = this.env.task();
    this.task.schedule();
  }
  override runTask(out: Out): boolean {
    this.runs++;
    if (this.sent >= this.conf.count) return false;
    const n = Math.min(this.conf.burst, this.conf.count - this.sent);
    const batch: PacketBatch = [];
    for (let i = 0; i < n; i++) batch.push(this.created(makeSeq((this.conf.base ?? 0) + this.sent++)));
    out.emitBatch(0, batch);
    if (this.sent < this.conf.count) this.task.schedule();
    else if (this.conf.stop) this.env.requestStop();
    return true;
  }
}
export const Source = defineElement({
  name: 'TestSource',
  ports: '0/1',
  processing: 'h/h',
  args: {},
  host: (init) => new SourceEl(init as never),
});

// --- Sink: consumes and records the order of arrival -----------------------

export class SinkEl extends HostElement<Record<string, never>> {
  readonly seen: number[] = [];
  override push(_port: number, batch: PacketBatch): void {
    for (const p of batch) {
      this.seen.push(seqOf(p));
      this.consume(p);
    }
  }
}
export const Sink = defineElement({
  name: 'TestSink',
  ports: '-/0',
  processing: 'h/h',
  args: {},
  host: (init) => new SinkEl(init as never),
  handlers: { seen: { read: (e: SinkEl) => e.seen.join(' ') } },
});

// --- Pass: forwards batches whole (a Counter without counting) ------------

class PassEl extends HostElement<Record<string, never>> {
  override push(_port: number, batch: PacketBatch, out: Out): void {
    out.emitBatch(0, batch);
  }
  override pull(_port: number, max: number): PacketBatch {
    return this.env.pullInput(0, max);
  }
}
export const Pass = defineElement({ name: 'TestPass', ports: '1/1', processing: 'a/a', args: {}, host: (init) => new PassEl(init as never) });

// --- Switch: output = (seq div `div`) mod noutputs (a Classifier stand-in) --

class SwitchEl extends SimpleElement<{ div?: number }> {
  action(p: Packet): number {
    return Math.floor(seqOf(p) / (this.conf.div ?? 1)) % this.noutputs;
  }
}
export const Switch = defineElement({ name: 'TestSwitch', ports: '1/-', processing: 'a/ah', args: {}, host: (init) => new SwitchEl(init as never) });

// --- Dup: a copy of each packet to every output (a Tee stand-in) ----------

class DupEl extends HostElement<Record<string, never>> {
  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      for (let o = 1; o < this.noutputs; o++) out.emit(o - 1, this.clonePacket(p));
      out.emit(this.noutputs - 1, p);
    }
  }
}
export const Dup = defineElement({ name: 'TestDup', ports: '1/-', processing: 'h/h', args: {}, host: (init) => new DupEl(init as never) });

// --- Say: writes `label: seq` to stderr per packet (a Print stand-in) -----

class SayEl extends HostElement<{ label: string }> {
  private line(p: Packet): void {
    this.env.stderr(`${this.conf.label}: ${seqOf(p)}`);
  }
  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      this.line(p);
      out.emit(0, p);
    }
  }
  override pull(_port: number, max: number): PacketBatch {
    const got = this.env.pullInput(0, max);
    for (const p of got) this.line(p);
    return got;
  }
}
export const Say = defineElement({
  name: 'TestSay',
  ports: '1/1',
  processing: 'a/a',
  args: {},
  writesStream: 'stderr',
  host: (init) => new SayEl(init as never),
});

// --- Fifo: push in, pull out, holds packets (a Queue stand-in) ------------

class FifoEl extends HostElement<{ capacity: number }> {
  readonly q: Packet[] = [];
  override push(_port: number, batch: PacketBatch): void {
    for (const p of batch) {
      if (this.q.length >= this.conf.capacity) this.drop(p);
      else this.q.push(p);
    }
  }
  override pull(_port: number, max: number): PacketBatch {
    return this.q.splice(0, max);
  }
  override held(): number {
    return this.q.length;
  }
}
export const Fifo = defineElement({ name: 'TestFifo', ports: '1/1', processing: 'h/l', args: {}, host: (init) => new FifoEl(init as never) });

// --- Drain: a task that pulls up to `burst` packets and pushes them (Unqueue) --

export class DrainEl extends HostElement<{ burst: number }> {
  private task!: Task;
  override initialize(): void {
    this.task = this.env.task();
    this.task.schedule();
  }
  override runTask(out: Out): boolean {
    let n = 0;
    while (n < this.conf.burst) {
      const got = this.env.pullInput(0, this.conf.burst - n);
      if (got.length === 0) break;
      n += got.length;
      out.emitBatch(0, got);
    }
    // Busy-polls like a notifier-less Unqueue: the engine ends idle rounds.
    this.task.schedule();
    return n > 0;
  }
}
export const Drain = defineElement({ name: 'TestDrain', ports: '1/1', processing: 'l/h', args: {}, host: (init) => new DrainEl(init as never) });

// --- Ticker: a timer that sends one packet every `intervalNs`, `count` times --

export class TickerEl extends HostElement<{ intervalNs: string; count: number }> {
  readonly times: bigint[] = [];
  private timer!: Timer;
  private sent = 0;
  override initialize(): void {
    this.timer = this.env.timer((out) => this.tick(out));
    this.timer.scheduleAfter(BigInt(this.conf.intervalNs));
  }
  private tick(out: Out): void {
    this.times.push(this.env.now());
    out.emit(0, this.created(makeSeq(this.sent++)));
    if (this.sent < this.conf.count) this.timer.scheduleAfter(BigInt(this.conf.intervalNs));
  }
}
export const Ticker = defineElement({ name: 'TestTicker', ports: '0/1', processing: 'h/h', args: {}, host: (init) => new TickerEl(init as never) });

// --- Leaky: forgets every third packet (accounting must catch it) ---------

class LeakyEl extends HostElement<Record<string, never>> {
  private n = 0;
  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) if (++this.n % 3 !== 0) out.emit(0, p);
  }
}
export const Leaky = defineElement({ name: 'TestLeaky', ports: '1/1', processing: 'h/h', args: {}, host: (init) => new LeakyEl(init as never) });

// --- Value: a handler-only element with a read/write `value` ---------------

export class ValueEl extends HostElement<{ initial?: string; failInit?: string; throwOnPush?: boolean }> {
  value = this.conf.initial ?? '';
  override initialize(): void {
    if (this.conf.failInit) throw new Error(this.conf.failInit);
  }
  override push(_port: number, batch: PacketBatch): void {
    if (this.conf.throwOnPush) throw new Error('boom');
    for (const p of batch) this.consume(p);
  }
}
export const Value = defineElement({
  name: 'TestValue',
  ports: '-/0',
  processing: 'h/h',
  args: {},
  host: (init) => new ValueEl(init as never),
  handlers: {
    value: { read: (e: ValueEl) => e.value, write: (e: ValueEl, v: string) => void (e.value = v) },
    poke: { write: (e: ValueEl, v: string) => void (e.value = `poked ${v}`) },
    echo: { readParam: (e: ValueEl, param: string) => `${e.value}:${param}` },
  },
});

// --- SayAll: prints the whole batch, then sends it on (as Print does) -----

class SayAllEl extends HostElement<{ label: string }> {
  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) this.env.stderr(`${this.conf.label}: ${seqOf(p)}`);
    out.emitBatch(0, batch);
  }
}
export const SayAll = defineElement({
  name: 'TestSayAll',
  ports: '1/1',
  processing: 'h/h',
  args: {},
  writesStream: 'stderr',
  host: (init) => new SayAllEl(init as never),
});

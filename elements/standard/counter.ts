/**
 * Counter — count packets and bytes passing through, and measure their rate.
 *
 * Synopsis:   Counter([COUNT_CALL, BYTE_COUNT_CALL])
 * Ports:      1 input, 1 output; agnostic (push or pull).
 * Processing: every packet leaves unchanged on output 0 after being counted.
 * Keywords:
 *   COUNT_CALL "N HANDLER [VALUE]"       when the packet count reaches N, write
 *                                        VALUE to HANDLER before the packet moves on.
 *   BYTE_COUNT_CALL "N HANDLER [VALUE]"  the same once the byte count reaches or passes N.
 *   A HANDLER without an element name is this Counter's own handler if it has
 *   one (e.g. `reset`), otherwise a global handler (e.g. `stop`). Each call
 *   fires once, until the counts are reset or the call is rewritten.
 * Handlers:
 *   count, byte_count (read)   packets and bytes since the last reset
 *   rate, byte_rate (read)     recent packets/bytes per second, EWMA over 1 ms
 *                              epochs (alpha 1/16; Click's fixed-point rounding)
 *   bit_rate (read)            byte_rate * 8
 *   reset, reset_counts (write) zero the counts and re-arm the calls
 *   count_call (read/write)    the COUNT_CALL count (empty without a call); write
 *                              "N [HANDLER [VALUE]]" to set a new one
 *   byte_count_call (write)    the same for BYTE_COUNT_CALL
 *
 * As in Click, resetting zeroes the counts but not the rate estimates.
 * Writing count_call with only a count keeps the handler already configured
 * (Click's documentation allows omitting it; its code then fails).
 */

import { a, type ArgType } from '../../config-lang/args/args.js';
import { splitWords } from '../../config-lang/args/split.js';
import { HostElement, type ElementInit, type Out } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { defineElement, HandlerError } from '../spec.js';
import { jiffiesAt } from '../lib/click-time.js';
import { RateEwma } from './rate-ewma.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

/** A parsed COUNT_CALL / BYTE_COUNT_CALL: the threshold and the handler to write. */
export interface CountCall {
  readonly count: number;
  /** Handler name as written, `element.handler` or `handler`. */
  readonly handler: string;
  readonly value: string;
}

export interface CounterConf {
  readonly countCall?: CountCall;
  readonly byteCountCall?: CountCall;
}

/** Never reached: Click's (counter_t) -1 for "no trigger". */
const NO_TRIGGER = Number.MAX_SAFE_INTEGER;

/** Split "N [HANDLER [VALUE]]"; the count saturates as Click's parse_saturating does. */
function parseCall(text: string, what: string): { count: number; handler?: string; value: string } {
  const words = splitWords(text.trim());
  const first = words[0]?.text ?? '';
  if (!/^\+?\d+$/.test(first)) throw new Error(`${what} should start with an unsigned count, not '${first}'`);
  const count = Math.min(Number(first.replace(/^\+/, '')), NO_TRIGGER);
  const second = words[1];
  if (!second) return { count, value: '' };
  const third = words[2];
  const value = third ? text.trim().slice(third.offset - words[0]!.offset).trim() : '';
  return { count, handler: second.text, value };
}

function callArg(what: string): ArgType<CountCall> {
  return {
    description: 'count and handler (N HANDLER [VALUE])',
    parse(text) {
      const c = parseCall(text, what);
      if (c.handler === undefined) throw new Error(`${what} needs a handler after the count`);
      return { count: c.count, handler: c.handler, value: c.value };
    },
  };
}

const RATE_PARAMS = { bits: 64, stability: 4, scale: 10 } as const;
/** Fewer fraction bits for bytes, to avoid overflow (as Click's byte_rate_t). */
const BYTE_RATE_PARAMS = { bits: 64, stability: 4, scale: 4 } as const;

/** Counter's own write handlers, which calls without an element name reach first. */
const OWN_WRITE_HANDLERS = new Set(['reset', 'reset_counts', 'count_call', 'byte_count_call']);

export class CounterElement extends HostElement<CounterConf> {
  count = 0;
  byteCount = 0;
  countTrigger: number;
  byteTrigger: number;
  countCall: CountCall | undefined;
  byteCountCall: CountCall | undefined;
  private countTriggered = false;
  private byteTriggered = false;
  private readonly packetRate: RateEwma;
  private readonly byteRate: RateEwma;

  constructor(init: ElementInit<CounterConf>) {
    super(init);
    this.countCall = init.conf.countCall;
    this.byteCountCall = init.conf.byteCountCall;
    this.countTrigger = this.countCall?.count ?? NO_TRIGGER;
    this.byteTrigger = this.byteCountCall?.count ?? NO_TRIGGER;
    const now = jiffiesAt(this.env.now());
    this.packetRate = new RateEwma(RATE_PARAMS, now);
    this.byteRate = new RateEwma(BYTE_RATE_PARAMS, now);
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    if (!this.countCall && !this.byteCountCall) {
      for (const p of batch) this.tally(p);
      out.emitBatch(0, batch);
      return;
    }
    // A call may change what happens downstream, so each packet moves on
    // right after its own call, as in Click.
    for (const p of batch) {
      this.tally(p);
      this.fireCalls();
      out.emit(0, p);
    }
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    for (const p of batch) {
      this.tally(p);
      this.fireCalls();
    }
    return batch;
  }

  private tally(p: Packet): void {
    this.count++;
    this.byteCount += p.length;
    const now = jiffiesAt(this.env.now());
    this.packetRate.update(1, now);
    this.byteRate.update(p.length, now);
  }

  /**
   * Hot reconfiguration: the counts go on from the old Counter's (a
   * deliberate addition: Click's Counter starts again from zero). Calls
   * already made stay made. The rate estimates start afresh.
   */
  override takeState(old: HostElement): void {
    if (!(old instanceof CounterElement)) return;
    this.count = old.count;
    this.byteCount = old.byteCount;
    this.countTriggered = this.count >= this.countTrigger;
    this.byteTriggered = this.byteCount >= this.byteTrigger;
  }

  private fireCalls(): void {
    if (this.count === this.countTrigger && !this.countTriggered) {
      this.countTriggered = true;
      if (this.countCall) this.callHandler(this.countCall);
    }
    if (this.byteCount >= this.byteTrigger && !this.byteTriggered) {
      this.byteTriggered = true;
      if (this.byteCountCall) this.callHandler(this.byteCountCall);
    }
  }

  private callHandler(call: CountCall): void {
    try {
      if (!call.handler.includes('.') && OWN_WRITE_HANDLERS.has(call.handler)) {
        this.writeOwnHandler(call.handler, call.value);
      } else {
        this.env.writeHandler(call.handler, call.value);
      }
    } catch (e) {
      this.env.chatter(`${call.handler}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private writeOwnHandler(name: string, value: string): void {
    if (name === 'count_call') this.writeCall('count', value);
    else if (name === 'byte_count_call') this.writeCall('bytes', value);
    else this.reset();
  }

  reset(): void {
    this.count = 0;
    this.byteCount = 0;
    this.countTriggered = false;
    this.byteTriggered = false;
  }

  /** Rate handlers first account for epochs that passed without packets. */
  readRate(which: 'packets' | 'bytes' | 'bits'): string {
    const now = jiffiesAt(this.env.now());
    if (which === 'packets') {
      this.packetRate.update(0, now);
      return this.packetRate.unparseRate();
    }
    this.byteRate.update(0, now);
    if (which === 'bytes') return this.byteRate.unparseRate();
    // Bits: drop three fraction bits instead of multiplying by 8 when possible (as Click does, against overflow).
    const scale = this.byteRate.scale;
    return scale >= 3 ? this.byteRate.unparseScaled(scale - 3, 1n) : this.byteRate.unparseScaled(scale, 8n);
  }

  writeCall(which: 'count' | 'bytes', text: string): void {
    let c: ReturnType<typeof parseCall>;
    try {
      c = parseCall(text, which === 'count' ? 'count_call' : 'byte_count_call');
    } catch (e) {
      throw new HandlerError(e instanceof Error ? e.message : String(e));
    }
    const previous = which === 'count' ? this.countCall : this.byteCountCall;
    const handler = c.handler ?? previous?.handler;
    if (handler === undefined) throw new HandlerError('no handler to call: write "N HANDLER [VALUE]"');
    const call: CountCall = { count: c.count, handler, value: c.handler === undefined ? (previous?.value ?? '') : c.value };
    if (which === 'count') {
      this.countCall = call;
      this.countTrigger = call.count;
      this.countTriggered = false;
    } else {
      this.byteCountCall = call;
      this.byteTrigger = call.count;
      this.byteTriggered = false;
    }
  }
}

const args = {
  COUNT_CALL: a.ko(callArg('COUNT_CALL')),
  BYTE_COUNT_CALL: a.ko(callArg('BYTE_COUNT_CALL')),
};

export const spec = defineElement<typeof args, CounterConf, CounterElement>({
  name: 'Counter',
  ports: '1/1',
  processing: 'a/a',
  args,
  configure: (args) => {
    const conf: { countCall?: CountCall; byteCountCall?: CountCall } = {};
    if (args.COUNT_CALL) conf.countCall = args.COUNT_CALL;
    if (args.BYTE_COUNT_CALL) conf.byteCountCall = args.BYTE_COUNT_CALL;
    return conf;
  },
  host: (init) => new CounterElement(init),
  // A configured call changes other elements mid-stream, so Click's order
  // needs each packet delivered before the next is counted. (A call added
  // later by writing count_call takes effect at batch granularity.)
  perPacketEffects: (c) => c.countCall !== undefined || c.byteCountCall !== undefined,
  native: {
    source: nativeSource(import.meta.url, 'counter.c'),
    prefix: 'counter',
    inPlace: true,
    hooks: { init: true, cleanup: true, takeState: true },
    init: (c, ctx) => {
      const call = (k: number, cc: CountCall | undefined) =>
        cc ? `[${k}] = { .trigger = ${cc.count}ULL, .handler = ${ctx.cString(cc.handler)}, .value = ${ctx.cString(cc.value)} }` : '';
      const calls = [call(0, c.countCall), call(1, c.byteCountCall)].filter(Boolean);
      return calls.length ? `.calls = { ${calls.join(', ')} }` : '';
    },
  },
  handlers: {
    count: { read: (e: CounterElement) => String(e.count) },
    byte_count: { read: (e: CounterElement) => String(e.byteCount) },
    rate: { read: (e: CounterElement) => e.readRate('packets') },
    byte_rate: { read: (e: CounterElement) => e.readRate('bytes') },
    bit_rate: { read: (e: CounterElement) => e.readRate('bits') },
    reset: { write: (e: CounterElement) => e.reset() },
    reset_counts: { write: (e: CounterElement) => e.reset() },
    count_call: {
      read: (e: CounterElement) => (e.countCall ? String(e.countTrigger) : ''),
      write: (e: CounterElement, v: string) => e.writeCall('count', v),
    },
    byte_count_call: { write: (e: CounterElement, v: string) => e.writeCall('bytes', v) },
  },
});

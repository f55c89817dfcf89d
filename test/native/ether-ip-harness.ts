// Support for the Ethernet/IP native tests (test/native/ether-ip*.test.ts).
//
// Two test-only element classes, each with a host and a native
// implementation, are added to the registry so that configurations can use
// them in both engines:
//   EIPFrames("DATA DATA...", INTERVAL, BURST, STOP)  sends the frames, BURST
//       per timer firing, INTERVAL apart in simulated time, then (STOP true)
//       asks the driver to stop; without STOP the run ends when idle;
//   EIPLog  consumes packets and records one line per packet with all that
//       an element can observe (data, annotations, header offsets, packet
//       type, timestamp): its `log` handler compared across engines shows
//       packet contents that Discard would hide.
// `handlerRun` compares handler writes (success or the exact error message)
// and reads between the engines, which `differential` does not cover.

import type { Test } from 'tap';
import { a, type ArgType } from '../../config-lang/args/args.js';
import { splitWords } from '../../config-lang/args/split.js';
import { T } from '../../config-lang/args/types.js';
import { loadConfig } from '../../config-lang/load.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { registerClass } from '../../elements/registry.js';
import { defineElement } from '../../elements/spec.js';
import { HostElement, type Out, type Timer } from '../../host-engine/element.js';
import { Packet, type PacketBatch } from '../../host-engine/packet.js';
import { toHex } from '../util/packets.js';
import { reads, runSession, writes, type Engine, type StepOutcome } from './engines.js';
import { sameEnding } from './differential.js';

// --- EIPFrames ------------------------------------------------------------

interface FramesConf {
  frames: Uint8Array[];
  interval: bigint;
  burst: number;
  stop: boolean;
}

class EIPFramesElement extends HostElement<FramesConf> {
  next = 0;
  private timer: Timer | undefined;

  override initialize(): void {
    this.timer = this.env.timer((out) => this.fire(out));
    this.timer.scheduleAfter(0n);
  }

  private fire(out: Out): void {
    const { frames, burst, interval, stop } = this.conf;
    if (this.next >= frames.length) {
      if (stop) this.env.requestStop();
      return;
    }
    const now = this.env.now();
    const batch: PacketBatch = [];
    for (let k = 0; k < burst && this.next < frames.length; k++) {
      const p = this.created(Packet.make(frames[this.next++]!));
      p.tsSec = Number(now / 1_000_000_000n);
      p.tsNsec = Number(now % 1_000_000_000n);
      batch.push(p);
    }
    out.emitBatch(0, batch);
    this.timer!.scheduleAfter(interval);
  }
}

/** Space-separated data strings (`\<hex> \<hex>`). */
const framesArg: ArgType<Uint8Array[]> = {
  description: 'space-separated data strings',
  parse: (text, ctx) => splitWords(text).map((w) => T.bytes.parse(w.text, ctx)),
};

const framesArgs = {
  FRAMES: a.p(framesArg, []),
  INTERVAL: a.kw(T.interval, 0n),
  BURST: a.kw(T.unsigned, 1),
  STOP: a.kw(T.bool, false),
};

const framesSpec = defineElement<typeof framesArgs, FramesConf, EIPFramesElement>({
  name: 'EIPFrames',
  ports: '0/1',
  processing: '/h',
  args: framesArgs,
  configure: (v): FramesConf => ({ frames: v.FRAMES, interval: v.INTERVAL, burst: Math.max(1, v.BURST), stop: v.STOP }),
  host: (init) => new EIPFramesElement(init),
  native: {
    source: nativeSource(import.meta.url, 'fixtures/eip-frames.c'),
    prefix: 'eip_frames',
    hooks: { init: true, timer: true },
    init: (c, ctx) => {
      const offsets: number[] = [];
      let at = 0;
      for (const f of c.frames) {
        offsets.push(at);
        at += f.length;
      }
      const all = new Uint8Array(at);
      c.frames.forEach((f, i) => all.set(f, offsets[i]!));
      return [
        `.data = ${ctx.constBytes(all)}, .offsets = ${ctx.constArray('uint32_t', offsets)}`,
        `.lens = ${ctx.constArray('uint32_t', c.frames.map((f) => f.length))}, .nframes = ${c.frames.length}`,
        `.burst = ${c.burst}, .interval = ${c.interval}LL, .stop = ${+c.stop}`,
      ].join(', ');
    },
  },
  handlers: { count: { read: (e: EIPFramesElement) => String(e.next) } },
});

// --- EIPLog ---------------------------------------------------------------

function offset(name: string, off: number | undefined): string {
  return ` ${name}=${off === undefined ? '-' : off}`;
}

/** The line EIPLog records for a packet (the C side writes the same). */
export function describePacket(p: Packet): string {
  return `len=${p.length} ${toHex(p.data)} anno=${toHex(p.anno)}${offset('mac', p.macHeaderOffset)}${offset('net', p.networkHeaderOffset)}`
    + `${offset('trans', p.transportHeaderOffset)} type=${p.packetType} ts=${p.tsSec}.${p.tsNsec}`;
}

class EIPLogElement extends HostElement<Record<string, never>> {
  readonly lines: string[] = [];

  override push(_port: number, batch: PacketBatch): void {
    for (const p of batch) {
      this.lines.push(describePacket(p));
      this.consume(p);
    }
  }
}

const logSpec = defineElement<Record<string, never>, Record<string, never>, EIPLogElement>({
  name: 'EIPLog',
  ports: '1/0',
  processing: 'h/',
  args: {},
  configure: () => ({}),
  host: (init) => new EIPLogElement(init),
  native: { source: nativeSource(import.meta.url, 'fixtures/eip-log.c'), prefix: 'eip_log', hooks: { cleanup: true } },
  handlers: {
    log: { read: (e: EIPLogElement) => e.lines.join('\n') },
    count: { read: (e: EIPLogElement) => String(e.lines.length) },
  },
});

registerClass(framesSpec);
registerClass(logSpec);

/** `\<hex>` for a frame, for EIPFrames and InfiniteSource arguments. */
export function dataArg(bytes: Uint8Array): string {
  return `\\<${toHex(bytes)}>`;
}

/** EIPFrames sending `frames` (options such as `INTERVAL 1s, BURST 4`). */
export function framesSource(frames: readonly Uint8Array[], options = ''): string {
  return `EIPFrames(${[frames.map(dataArg).join(' '), options].filter(Boolean).join(', ')})`;
}

/** Whether every class a configuration uses has a native implementation yet. */
export function allNative(config: string): { ok: boolean; missing: string[] } {
  const graph = loadConfig(config, 'config.click');
  const missing = [...new Set(graph.elements.filter((e) => !e.spec.native).map((e) => e.className))];
  return { ok: missing.length === 0, missing };
}

// --- handler writes ---------------------------------------------------------

export interface HandlerRunSpec {
  readonly config: string;
  /** Written after initialization, before the run, in order. */
  readonly writes?: readonly (readonly [string, string])[];
  /** Read after the run. */
  readonly reads?: readonly string[];
  /** Run the router between the writes and the reads (default true). */
  readonly run?: boolean;
  /** Written after the run, before the reads (state the run left behind). */
  readonly writesAfter?: readonly (readonly [string, string])[];
}

export interface HandlerRunResult {
  readonly writes: readonly string[];
  readonly reads: readonly string[];
  readonly stderr: string;
  /** Elements whose packets do not balance (empty when all do). */
  readonly accounting: readonly string[];
}

/** `ok`, `ok "VALUE"` or `error "MESSAGE"`. */
function outcomeText(o: StepOutcome): string {
  if (!o.ok) return `error ${JSON.stringify(o.message)}`;
  return `ok${o.value === undefined ? '' : ' ' + JSON.stringify(o.value)}`;
}

function handlerRunOn(engine: Engine, spec: HandlerRunSpec): HandlerRunResult {
  const r = runSession(engine, { config: spec.config, run: spec.run, before: writes(spec.writes), after: [...writes(spec.writesAfter), ...reads(spec.reads)] });
  const nAfter = spec.writesAfter?.length ?? 0;
  return {
    writes: [...r.before, ...r.after.slice(0, nAfter)].map(outcomeText),
    reads: r.after.slice(nAfter).map(outcomeText),
    stderr: r.stderr,
    accounting: r.accounting,
  };
}

export const handlerRunHost = (spec: HandlerRunSpec): HandlerRunResult => handlerRunOn('host', spec);
export const handlerRunNative = (spec: HandlerRunSpec): HandlerRunResult => handlerRunOn('native', spec);

/** Both engines: the same write outcomes (messages included), reads and stderr. */
export function handlerRun(t: Test, spec: HandlerRunSpec): HandlerRunResult {
  const host = handlerRunHost(spec);
  const native = handlerRunNative(spec);
  t.same(native.writes, host.writes, 'handler writes: same outcomes and messages');
  t.same(native.reads, host.reads, 'handler reads after the writes identical');
  sameEnding(t, native, host);
  return host;
}

/**
 * FromDump — read packets from a tcpdump (pcap or pcapng) capture file.
 *
 * Synopsis:   FromDump(FILENAME [, TIMING, KEYWORDS])
 * Ports:      no inputs; output 0 agnostic, optional output 1 push (non-IP packets under FORCE_IP).
 * Processing: reads records in file order and emits each as a packet (copied, with
 *             headroom) carrying the capture timestamp, the MAC header annotation at its
 *             start and the extra-length annotation set to the bytes not captured. In push
 *             mode the task emits one packet per run, as Click does, or a batch of up to 32
 *             when the engine says no other task can interleave (env.canBatch); with TIMING
 *             it emits each packet when engine time reaches its capture time, the first at once.
 *             Reads classic pcap (micro- or nanosecond, either byte order, the modified
 *             Linux format, version 2.3 and older), pcapng (any interface time resolution),
 *             gzip-compressed files, and standard input (`-`). Files are read in chunks,
 *             so large traces stream.
 * Keywords:
 *   TIMING       replay at capture pace on engine time (also positional; default false)
 *   STOP         ask the driver to stop at the end of the file, or at END (default false)
 *   ACTIVE       emit only while true (default true)
 *   SAMPLE       keep each packet with this probability (28-bit fixed point; default 1)
 *   FORCE_IP     emit only IP packets, with network header and destination annotations set;
 *                others go to output 1, or are dropped (default false; implied for raw-IP files)
 *   START        absolute time: skip packets before it
 *   START_AFTER  skip the first T of the trace
 *   END          absolute time: stop at the first packet at or after it
 *   END_AFTER    stop at the first packet T or more after the trace's first packet
 *   INTERVAL     stop at the first packet T or more after the start (START, START_AFTER or first)
 *   END_CALL     write handler to call at the end (default: STOP's `stop`, or with an end
 *                time `NAME.active false`); excludes STOP
 *   FILEPOS      start reading at this file offset (a packet boundary)
 *   MMAP         accepted and ignored
 * Handlers:   count (r), reset_counts (w), active (r/w), encap (r), filename (r), filesize (r),
 *             filepos (r/w), packet_filepos (r), sampling_prob (r), stop (w), extend_interval (w),
 *             reset_timing (w).
 * Malformed input: a file that is not a capture is an error at initialization; a record cut
 * short or with a nonsense length ends the input with a chatter message (Click stops silently).
 * Differences from Click: up to 32 packets per task run when nothing can tell; the end action runs once
 * per end reached (Click's task repeats it if rescheduled); packets have the engine's
 * default headroom (Click's share the file buffer).
 */

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { a, ConfigError, type ArgType } from '../../config-lang/args/args.js';
import { parseInterval, T } from '../../config-lang/args/types.js';
import type { HostElement, Out } from '../../host-engine/element.js';
import { ANNO, Packet, type PacketBatch } from '../../host-engine/packet.js';
import { CaptureReader, memorySource, PcapError, type RecordResult } from '../../host-engine/pcap.js';
import { callWrite, handlerCallArg, type HandlerCall } from '../driver/handler-call.js';
import { defineElement, HandlerError } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { int64Literal } from './native-literals.js';
import { packetTimeNs, parseTimestamp } from '../lib/click-time.js';
import { fileErrorText } from './file-errors.js';
import { configureSample, sampled, SAMPLING_ONE, samplingArg } from '../lib/sampling.js';
import { handlerInt } from '../lib/handler-values.js';
import { TraceSourceElement, traceSourceHandlers } from './trace-source.js';
import { canForceIP, canonicalLinkType, DLT, encapName, forceIP } from './link-types.js';

/** Packets emitted per task run when not replaying with TIMING and the engine allows batches. */
export const FROMDUMP_BURST = 32;
/** Records examined per task run at most (skipped ones included), so a run stays short. */
const RECORDS_PER_RUN = FROMDUMP_BURST * 16;

/** Whether a file starts with the gzip magic number (FromDump reads compressed traces whole). */
function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

const timestampArg: ArgType<bigint> = {
  description: 'time in seconds since the epoch',
  parse(text) {
    const ns = parseTimestamp(text);
    if (ns === undefined) throw new Error(`'${text}' is not a timestamp`);
    return ns;
  },
};

export interface FromDumpConf {
  filename: string;
  timing: boolean;
  active: boolean;
  sample: number;
  forceIP: boolean;
  /** Absolute start time, or a start offset when startRelative. */
  start: bigint | undefined;
  startRelative: boolean;
  /** End time: absolute, relative to the first packet, or relative to the start. */
  end: bigint | undefined;
  endMode: 'absolute' | 'after-first' | 'after-start';
  /** `stop`: set inactive and stop the driver; `deactivate`: set inactive; or a handler call. */
  endAction: 'stop' | 'deactivate' | HandlerCall | undefined;
  filepos: number;
}

type Read = Packet | 'skip' | 'end' | 'paused';

export class FromDumpElement extends TraceSourceElement<FromDumpConf, CaptureReader> {
  packetFilepos = 0;
  linkType = -1;
  private forcing = this.conf.forceIP;
  private endReached = false;
  /** The file is damaged at the read position: it stays at its end (until a seek). */
  private damaged = false;
  // the time window, as Click keeps it: made absolute at the first packet
  private firstTime = this.conf.start ?? 0n;
  private haveFirstTime = this.conf.start !== undefined;
  private firstRelative = this.conf.start === undefined || this.conf.startRelative;
  lastTime = this.conf.end ?? 0n;
  haveLastTime = this.conf.end !== undefined;
  private lastRelative = this.conf.endMode === 'after-first';
  private lastInterval = this.conf.endMode === 'after-start';
  private haveAnyTimes = false;
  private timingOffset = 0n;

  override initialize(): void {
    const name = this.conf.filename;
    try {
      this.reader = this.open();
    } catch (e) {
      throw new Error(`${name === '-' ? '<stdin>' : name}: ${e instanceof PcapError ? e.message : fileErrorText(e)}`);
    }
    this.linkType = canonicalLinkType(this.reader.linkType);
    if (this.conf.forceIP && !canForceIP(this.linkType)) throw new Error(`${name}: unknown linktype ${this.linkType}; can't force IP packets`);
    if (this.linkType === DLT.RAW) this.forcing = true;
    if (this.conf.filepos) this.seek(this.conf.filepos);
    this.startTask();
  }

  /**
   * Hot reconfiguration, as Click's FromDump: an old FromDump of the same
   * file hands over the open file at its position, the packet it read and
   * had not sent yet, its count, where it stands in the time window and,
   * with TIMING, how file time maps to engine time, so the replay goes on
   * where it was instead of starting again.
   */
  override takeState(old: HostElement): void {
    if (!(old instanceof FromDumpElement) || old.conf.filename !== this.conf.filename || !old.reader) return;
    this.reader?.close();
    this.reader = old.reader;
    old.reader = undefined;
    if (old.pending) {
      this.takePackets(old, 1);
      this.pending = old.pending;
      old.pending = undefined;
    }
    this.count = old.count;
    this.packetFilepos = old.packetFilepos;
    this.endReached = old.endReached;
    this.damaged = old.damaged;
    this.firstTime = old.firstTime;
    this.haveFirstTime = old.haveFirstTime;
    this.lastTime = old.lastTime;
    this.haveLastTime = old.haveLastTime;
    this.haveAnyTimes = old.haveAnyTimes;
    this.timingOffset = old.timingOffset;
  }

  private open(): CaptureReader {
    const name = this.conf.filename;
    if (name === '-') return new CaptureReader(memorySource(new Uint8Array(readFileSync(0))));
    const path = this.env.resolvePath(name);
    if (isGzip(path)) return new CaptureReader(memorySource(new Uint8Array(gunzipSync(readFileSync(path)))));
    return CaptureReader.open(path);
  }

  get filename(): string {
    return this.conf.filename === '-' ? '<stdin>' : this.conf.filename;
  }
  override get fileSize(): number | undefined {
    return this.conf.filename === '-' ? undefined : super.fileSize;
  }

  seek(pos: number): void {
    if (!this.reader) return;
    const size = this.reader.size;
    if (size !== undefined && pos > size) throw new HandlerError('FILEPOS out of range');
    this.reader.seek(pos);
    this.damaged = false;
    this.dropPending();
    this.endReached = false;
  }

  private prepareTimes(ts: bigint): void {
    if (this.firstRelative) this.firstTime += ts;
    if (this.lastRelative) this.lastTime += ts;
    else if (this.lastInterval) this.lastTime += this.firstTime;
    if (this.conf.timing) this.timingOffset = this.env.now() - ts;
    this.haveAnyTimes = true;
  }

  /** Read the next record and turn it into a packet, applying the time window and sampling. */
  private read(): Read {
    if (this.damaged) return 'end';
    const r: RecordResult = this.reader!.next();
    if (r.kind === 'end') return 'end';
    if (r.kind === 'damaged') {
      this.env.chatter(`${this.filename}: ${r.message}`);
      this.damaged = true;
      return 'end';
    }
    const rec = r.record;
    this.packetFilepos = rec.filePos;
    const ts = BigInt(rec.tsSec) * 1_000_000_000n + BigInt(rec.tsNsec);
    if (!this.haveAnyTimes) this.prepareTimes(ts);
    if (this.haveFirstTime) {
      if (ts < this.firstTime) return 'skip';
      this.haveFirstTime = false;
    }
    if (this.haveLastTime && ts >= this.lastTime) {
      this.haveLastTime = false;
      this.runEndAction();
      if (!this.active) return 'paused';
      if (this.haveLastTime && ts >= this.lastTime) return 'skip';
    }
    if (this.conf.sample < SAMPLING_ONE && !sampled(this.conf.sample, this.env.random32())) return 'skip';
    const p = this.created(Packet.make(rec.data));
    p.tsSec = rec.tsSec;
    p.tsNsec = rec.tsNsec;
    if (rec.origLen > rec.data.length) p.setAnnoU32(ANNO.EXTRA_LENGTH, rec.origLen - rec.data.length);
    p.setMacHeader(0);
    return p;
  }

  private runEndAction(): void {
    const action = this.conf.endAction;
    if (action === undefined) return;
    if (action === 'stop') this.stopDriver();
    else if (action === 'deactivate') this.setActive(false);
    else {
      const err = callWrite(this.env, action);
      if (err) this.env.chatter(`While calling '${action.path}': ${err}`);
    }
  }

  private atEnd(): void {
    if (this.endReached) return;
    this.endReached = true;
    this.runEndAction();
  }

  /** Whether the packet's time has come under TIMING; if not, wake up then. */
  private due(p: Packet): boolean {
    const at = packetTimeNs(p) + this.timingOffset;
    if (this.env.now() >= at) return true;
    this.timer.scheduleAt(at);
    return false;
  }

  /**
   * Emit up to `max` packets: to `out` port 0 (push mode) or into the returned
   * batch (pull mode). Returns the port-0 packets not yet emitted (pull mode)
   * and whether to run again soon.
   */
  private produce(max: number, out: Out, pushMode: boolean): { batch: PacketBatch; more: boolean } {
    let batch: PacketBatch = [];
    const flush = () => {
      if (pushMode && batch.length) {
        out.emitBatch(0, batch);
        batch = [];
      }
    };
    let emitted = 0;
    for (let records = 0; emitted < max; records++) {
      if (records >= RECORDS_PER_RUN) {
        flush();
        return { batch, more: true };
      }
      if (!this.pending) {
        const r = this.read();
        if (r === 'skip') continue;
        if (r === 'paused') break;
        if (r === 'end') {
          flush();
          this.atEnd();
          return { batch, more: false };
        }
        this.pending = r;
      }
      const p = this.pending;
      if (this.conf.timing && !this.due(p)) {
        flush();
        return { batch, more: false };
      }
      this.pending = undefined;
      if (this.forcing && !forceIP(p, this.linkType)) {
        flush();
        this.emitChecked(out, 1, p);
        continue;
      }
      this.count++;
      emitted++;
      batch.push(p);
    }
    flush();
    return { batch, more: this.active };
  }

  override runTask(out: Out): boolean {
    if (!this.active || !this.reader) return false;
    const before = this.stats.out;
    const burst = this.conf.timing ? Infinity : this.env.canBatch?.() ? FROMDUMP_BURST : 1;
    const { more } = this.produce(burst, out, true);
    if (more) this.task!.schedule();
    return this.stats.out > before || more;
  }

  override pull(_port: number, max: number, out: Out): PacketBatch {
    if (!this.active || !this.reader) return [];
    return this.produce(max, out, false).batch;
  }

  override setActive(active: boolean): void {
    if (active) this.endReached = false;
    super.setActive(active);
  }

  extendInterval(ns: bigint): void {
    this.lastTime += ns;
    if (this.conf.endAction !== undefined) {
      this.haveLastTime = true;
      this.setActive(true);
    }
  }

  resetTiming(): void {
    this.firstRelative = false;
    this.lastRelative = this.lastInterval = false;
    this.haveAnyTimes = false;
  }
}

type E = FromDumpElement;

const args = {
  FILENAME: a.mp(T.string),
  TIMING: a.p(T.bool, false),
  STOP: a.kw(T.bool, false),
  ACTIVE: a.kw(T.bool, true),
  SAMPLE: a.kw(samplingArg, SAMPLING_ONE),
  FORCE_IP: a.kw(T.bool, false),
  START: a.ko(timestampArg),
  START_AFTER: a.ko(T.interval),
  END: a.ko(timestampArg),
  END_AFTER: a.ko(T.interval),
  INTERVAL: a.ko(T.interval),
  END_CALL: a.ko(handlerCallArg),
  FILEPOS: a.kw(T.unsigned64, 0),
  MMAP: a.ko(T.bool),
};

export const spec = defineElement<typeof args, FromDumpConf, E>({
  name: 'FromDump',
  ports: '0/1-2',
  processing: 'a/ah',
  args,
  configure: (v, ctx): FromDumpConf => {
    const sample = configureSample(v.SAMPLE, ctx);
    if (v.START !== undefined && v.START_AFTER !== undefined) throw new ConfigError('START and START_AFTER are mutually exclusive');
    const ends = [v.END, v.END_AFTER, v.INTERVAL].filter((x) => x !== undefined).length;
    if (ends > 1) throw new ConfigError('END, END_AFTER, and INTERVAL are mutually exclusive');
    if (v.STOP && v.END_CALL) throw new ConfigError('END_CALL and STOP are mutually exclusive');
    const end = v.END ?? v.END_AFTER ?? v.INTERVAL;
    return {
      filename: v.FILENAME,
      timing: v.TIMING,
      active: v.ACTIVE,
      sample,
      forceIP: v.FORCE_IP,
      start: v.START ?? v.START_AFTER,
      startRelative: v.START_AFTER !== undefined,
      end,
      endMode: v.END !== undefined ? 'absolute' : v.END_AFTER !== undefined ? 'after-first' : 'after-start',
      endAction: v.END_CALL ?? (v.STOP ? 'stop' : end !== undefined ? 'deactivate' : undefined),
      filepos: v.FILEPOS,
    };
  },
  host: (init) => new FromDumpElement(init),
  native: {
    source: nativeSource(import.meta.url, 'from-dump.c'),
    prefix: 'from_dump',
    hooks: { init: true, cleanup: true, task: true, timer: true, pull: true, held: true, takeState: true },
    usesTask: (_c, ports) => ports.outputs[0] === 'push',
    init: (c, ctx) => {
      const action = c.endAction;
      const actionCode = action === undefined ? 0 : action === 'stop' ? 1 : action === 'deactivate' ? 2 : 3;
      return [
        `.filename = ${ctx.cString(c.filename)}, .display_name = ${ctx.cString(c.filename === '-' ? '<stdin>' : c.filename)}`,
        `.start = ${int64Literal(c.start ?? 0n)}, .has_start = ${+(c.start !== undefined)}, .start_relative = ${+c.startRelative}`,
        `.end = ${int64Literal(c.end ?? 0n)}, .has_end = ${+(c.end !== undefined)}`,
        `.end_mode = ${c.endMode === 'absolute' ? 0 : c.endMode === 'after-first' ? 1 : 2}, .end_action = ${actionCode}`,
        typeof action === 'object' ? `.end_path = ${ctx.cString(action.path)}, .end_value = ${ctx.cString(action.value)}` : '',
        `.filepos_init = ${c.filepos}ULL, .sample = ${c.sample}u`,
        `.timing = ${+c.timing}, .force_ip = ${+c.forceIP}, .active = ${+c.active}, .link_type = -1`,
        `.push_mode = ${+(ctx.outputs[0] === 'push')}, .two_outputs = ${+(ctx.noutputs > 1)}, .can_batch = ${+ctx.canBatch}`,
      ].filter(Boolean).join(',\n    ');
    },
  },
  handlers: {
    count: traceSourceHandlers.count,
    reset_counts: { write: (e: E) => void (e.count = 0) },
    active: traceSourceHandlers.active,
    encap: { read: (e: E) => encapName(e.linkType) },
    filename: { read: (e: E) => e.filename },
    filesize: traceSourceHandlers.filesize,
    filepos: {
      ...traceSourceHandlers.filepos,
      write: (e: E, v) => {
        const pos = handlerInt(v, 'argument must be file offset', 0, Number.MAX_SAFE_INTEGER);
        e.seek(pos);
      },
    },
    packet_filepos: { read: (e: E) => String(e.packetFilepos) },
    sampling_prob: traceSourceHandlers.sampling_prob,
    stop: traceSourceHandlers.stop,
    extend_interval: {
      write: (e: E, v) => {
        let ns: bigint;
        try {
          ns = parseInterval(v.trim());
        } catch {
          throw new HandlerError("'extend_interval' takes a time interval");
        }
        e.extendInterval(ns);
      },
    },
    reset_timing: { write: (e: E) => e.resetTiming() },
  },
});


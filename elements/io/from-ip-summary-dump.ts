/**
 * FromIPSummaryDump — make packets from an IP summary dump (Click's text trace format).
 *
 * Synopsis:   FromIPSummaryDump(FILENAME [, KEYWORDS])
 * Ports:      no inputs, 1 output; agnostic.
 * Processing: reads `!data FIELDS` (or `!contents`), `!flowid SRC SPORT DST DPORT [PROTO]`,
 *             `!proto P` and `!aggregate N` lines and builds one IPv4 packet per data line:
 *             version 4, TTL 100, protocol PROTO (default TCP) unless given, addresses and
 *             ports from the line or the flow ID, other bytes zero. Packets are short: the
 *             extra-length annotation stands for bytes not in the line (or CHECKSUM fills
 *             them). Lines with `-` leave a field unset. Push mode: a task emits one packet per
 *             run (up to 32 when env.canBatch allows); TIMING replays at the trace's pace.
 * Keywords:
 *   STOP         stop the driver at the end of the file (default false)
 *   TIMING       replay at the trace's pace (default false)
 *   ACTIVE       emit only while true (default true)
 *   ZERO         unset bytes are zero (default true; false is accepted and still gives zeros)
 *   CHECKSUM     set IP, TCP, UDP and ICMP checksums and make the packet as long as its IP length
 *   PROTO        IP protocol when the dump gives none (default 6)
 *   MULTIPACKET  emit `count` packets per line, lengths split and times spread (default false)
 *   SAMPLE       keep each packet with this probability (default 1)
 *   FIELDS       the fields when the file has no `!data` line (CONTENTS, DEFAULT_FIELDS,
 *                DEFAULT_CONTENTS are other names)
 *   FLOWID       default `SRC SPORT DST DPORT [PROTO]` (DEFAULT_FLOWID is another name)
 *   ALLOW_NONEXISTENT  a missing or empty file is an empty trace (default false)
 *   DATA         the dump text itself, instead of FILENAME
 * Handlers:   active (r/w), encap (r: IP), filesize (r), filepos (r), sampling_prob (r),
 *             stop (w), count (r).
 * Malformed input: a line none of whose fields parse is reported once (`packet parse error`)
 * and skipped; bad `!` lines are reported.
 * IP options (`ip_opt`) are read as Click reads them: route, timestamp, numbered options,
 * `nop`, `eol`; they overwrite the bytes after the fixed IP header, as in Click.
 * Not supported: binary dumps (`!binary` ends the input with a message); payload_md5 is not
 * read back (a message says the field is ignored).
 */

import { readFileSync } from 'node:fs';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import type { Out } from '../../host-engine/element.js';
import { ANNO, type Packet, type PacketBatch } from '../../host-engine/packet.js';
import { checksum, pseudoHeaderSum } from '../lib/checksum.js';
import { defineElement } from '../spec.js';
import { firstTimestampNs, packetTimeNs, setPacketTimeNs } from '../lib/click-time.js';
import { fileErrorText } from './file-errors.js';
import { configureSample, sampled, SAMPLING_ONE, samplingArg } from '../lib/sampling.js';
import { TraceSourceElement, traceSourceHandlers } from './trace-source.js';
import { SummaryBuilder, type FlowID } from './ipsum-build.js';
import { findField, type SummaryField } from './ipsum-fields.js';
import { LineReader } from './line-reader.js';
import { parseFieldList } from './to-ip-summary-dump.js';
import { IP_PROTO_NAMES } from './ip-names.js';
import { parseIPv4 } from '../../config-lang/args/types.js';
import { shiftWord } from '../driver/script-text.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { nativeFieldId } from './ipsum-native.js';

const BURST = 32;
const PROTO_BY_NAME = new Map(Object.entries(IP_PROTO_NAMES).map(([k, v]) => [v, Number(k)]));

export interface FromIPSummaryDumpConf {
  filename: string | undefined;
  data: string | undefined;
  stop: boolean;
  active: boolean;
  timing: boolean;
  checksum: boolean;
  proto: number;
  multipacket: boolean;
  sample: number;
  fields: string[] | undefined;
  flowid: string | undefined;
  allowNonexistent: boolean;
}

function parseProto(word: string): number | undefined {
  if (word === 'T') return 6;
  if (word === 'U') return 17;
  if (word === 'I') return 1;
  const named = PROTO_BY_NAME.get(word);
  if (named !== undefined) return named;
  return /^\d+$/.test(word) && Number(word) < 256 ? Number(word) : undefined;
}

export class FromIPSummaryDumpElement extends TraceSourceElement<FromIPSummaryDumpConf, LineReader> {
  private fields: (SummaryField | undefined)[] = [];
  private order: number[] = [];
  private defaultProto = this.conf.proto;
  private flowid: FlowID | undefined;
  private aggregate: number | undefined;
  private minorVersion = 3;
  private complained = false;
  private timingOffset: bigint | undefined;
  // `pending`: a packet read but not emitted yet (TIMING), or the rest of a MULTIPACKET line.
  private multi: { length: number; delta: bigint; end: bigint } | undefined;
  private stopped = false;

  get displayName(): string {
    return this.conf.filename === '-' ? '<stdin>' : (this.conf.filename ?? '<data>');
  }

  override initialize(): void {
    if (this.conf.fields) this.setFields(this.conf.fields.map((n) => findField(n)));
    if (this.conf.flowid) this.bangFlowid(`!flowid ${this.conf.flowid}`);
    this.startTask();
    try {
      this.reader = this.open();
    } catch (e) {
      const code = e && typeof e === 'object' && 'code' in e ? e.code : undefined;
      if (this.conf.allowNonexistent && code === 'ENOENT') return;
      throw new Error(`${this.displayName}: ${fileErrorText(e)}`);
    }
    const first = this.reader.peek();
    if (first === undefined) {
      if (this.conf.allowNonexistent) return;
      throw new Error(`${this.displayName}: empty file`);
    }
    if (first.startsWith('!IPSummaryDump')) {
      const m = /^!IPSummaryDump\s+(\d+)\.(\d+)/.exec(first);
      if (m) {
        this.minorVersion = Number(m[2]);
        if (m[1] !== '1' || this.minorVersion > 3) {
          this.warn(`unexpected IPSummaryDump version ${m[1]}.${m[2]}`, 1);
          this.minorVersion = 3;
        }
      }
      this.reader.next();
    } else if (!/^!(creator|data|contents|proto|flowid)/.test(first) && this.fields.length === 0) {
      this.warn('missing banner line; is this an IP summary dump?', 1);
    }
  }

  private open(): LineReader {
    if (this.conf.data !== undefined) return LineReader.fromText(this.conf.data);
    if (this.conf.filename === '-') return LineReader.fromText(readFileSync(0, 'latin1'));
    return LineReader.open(this.env.resolvePath(this.conf.filename!));
  }

  private warn(message: string, line = this.reader?.lineNumber ?? 0): void {
    this.env.chatter(`${this.displayName}:${line}: ${message}`);
  }

  private setFields(fields: (SummaryField | undefined)[]): void {
    this.fields = fields;
    this.order = fields.map((_, i) => i).sort((x, y) => (fields[x]?.order ?? 0) - (fields[y]?.order ?? 0) || x - y);
  }

  private bangData(line: string): void {
    const names = line.trim().split(/\s+/).slice(1);
    const fields = names.map((name) => {
      const f = findField(name.replace(/^"(.*)"$/, '$1'));
      if (!f) this.warn(`unknown content type '${name}'`);
      else if (!f.inject) this.warn(`content type '${name}' ignored on input`);
      return f?.inject ? f : undefined;
    });
    if (fields.length === 0) this.warn('no contents specified');
    this.setFields(fields);
  }

  private bangFlowid(line: string): void {
    const w = line.trim().split(/\s+/);
    const addr = (s: string | undefined) => {
      if (s === '-') return 0;
      try {
        return parseIPv4(s ?? '');
      } catch {
        return undefined;
      }
    };
    const port = (s: string | undefined) => (s === '-' ? 0 : /^\d+$/.test(s ?? '') && Number(s) <= 65535 ? Number(s) : undefined);
    const src = addr(w[1]);
    const sport = port(w[2]);
    const dst = addr(w[3]);
    const dport = port(w[4]);
    if (w.length < 5 || src === undefined || sport === undefined || dst === undefined || dport === undefined) {
      this.warn('bad !flowid specification');
      this.flowid = undefined;
      return;
    }
    this.flowid = { src, sport, dst, dport };
    if (w.length >= 6) this.bangProto(`!proto ${w[5]}`, '!flowid');
  }

  private bangProto(line: string, what = '!proto'): void {
    const w = line.trim().split(/\s+/);
    const p = w.length === 2 ? parseProto(w[1]!) : undefined;
    if (w.length !== 2) this.warn(`bad ${what}`);
    else if (p === undefined) this.warn(`bad protocol in ${what}`);
    else this.defaultProto = p;
  }

  /** The next packet from the file, or undefined at its end. */
  private readPacket(): Packet | undefined {
    for (;;) {
      const line = this.reader?.next();
      if (line === undefined) return undefined;
      if (line === '' || line.startsWith('#')) continue;
      if (line.startsWith('!')) {
        const word = line.split(/\s/, 1)[0]!;
        if (word === '!data' || word === '!contents') this.bangData(line);
        else if (word === '!flowid') this.bangFlowid(line);
        else if (word === '!proto') this.bangProto(line);
        else if (word === '!aggregate') {
          const w = line.trim().split(/\s+/);
          if (w.length === 2 && /^\d+$/.test(w[1]!)) this.aggregate = Number(w[1]);
          else {
            this.warn('bad !aggregate specification');
            this.aggregate = undefined;
          }
        } else if (word === '!binary') {
          this.warn('binary IP summary dumps are not supported');
          this.reader!.close();
          this.reader = undefined;
          return undefined;
        }
        continue;
      }
      const p = this.build(line);
      if (p) return p;
    }
  }

  private build(line: string): Packet | undefined {
    const b = new SummaryBuilder(this.defaultProto, this.flowid, this.minorVersion);
    // split into as many words as there are fields; double-quoted words keep their spaces
    const words: string[] = [];
    let rest = line.trimStart();
    while (words.length < this.fields.length && rest) {
      const [w, r] = shiftWord(rest);
      words.push(w);
      rest = r;
    }
    let nfields = 0;
    for (const i of this.order) {
      const f = this.fields[i];
      const text = words[i];
      if (!f || !text || text === '-' || !f.parse || !f.inject) continue;
      const v = f.parse(text, b);
      if (v === undefined) continue;
      f.inject(b, v);
      nfields++;
    }
    if (nfields === 0) {
      if (!this.complained && line.trim()) {
        this.warn(this.fields.length === 0 ? "no '!data' provided" : 'packet parse error');
        this.complained = true;
      }
      return undefined;
    }
    if (this.flowid) b.makeIP(0);
    if (b.isIP && b.net !== undefined) {
      b.makeTransp();
      const net = b.net;
      let ipLen = b.u16(net + 2);
      if (!ipLen) {
        ipLen = b.wantLen;
        if (ipLen >= net) ipLen -= net;
        if (ipLen > 0xffff) ipLen = 0xffff;
        else if (ipLen === 0) ipLen = b.networkLength;
        b.set16(net + 2, ipLen);
      }
      const hl = (b.u8(net) & 15) << 2;
      if (b.u8(net + 9) === 17 && b.firstFrag && b.trans !== undefined && b.transportLength >= 6 && !b.u16(b.trans + 4)) b.set16(b.trans + 4, ipLen - hl);
      b.p.dstIP = ((b.u16(net + 16) << 16) | b.u16(net + 18)) >>> 0;
      if (this.conf.checksum) {
        if (ipLen > b.networkLength) b.grow(ipLen - b.networkLength);
        setChecksums(b, net, hl);
      }
    }
    if (b.wantLen > b.p.length) b.p.setAnnoU32(ANNO.EXTRA_LENGTH, b.wantLen - b.p.length);
    if (this.aggregate !== undefined) b.p.setAnnoU32(ANNO.AGGREGATE, this.aggregate);
    return this.created(b.p);
  }

  /** Split a MULTIPACKET packet: returns the next one to emit and keeps the rest pending. */
  private nextOfMany(p: Packet): Packet {
    const extra = p.annoU32(ANNO.EXTRA_PACKETS);
    if (!this.multi) {
      const n = 1 + extra;
      let length = Math.floor((p.length + p.annoU32(ANNO.EXTRA_LENGTH)) / n);
      if (length < p.length) length = p.length;
      const end = packetTimeNs(p);
      const firstSec = p.annoU32(ANNO.FIRST_TIMESTAMP);
      const first = firstTimestampNs(p);
      const delta = firstSec ? (end - first) / BigInt(n - 1) : 0n;
      if (firstSec) setPacketTimeNs(p, first);
      this.multi = { length, delta, end };
      setIPLength(p, length);
    }
    const m = this.multi;
    const one = this.clonePacket(p);
    one.setAnnoU32(ANNO.EXTRA_PACKETS, 0);
    one.setAnnoU32(ANNO.EXTRA_LENGTH, Math.max(0, m.length - one.length));
    if (extra <= 1) {
      p.setAnnoU32(ANNO.EXTRA_PACKETS, 0);
      setPacketTimeNs(p, m.end);
      p.setAnnoU32(ANNO.EXTRA_LENGTH, Math.max(0, p.annoU32(ANNO.EXTRA_LENGTH) - m.length));
      setIPLength(p, p.length + p.annoU32(ANNO.EXTRA_LENGTH));
      this.multi = undefined;
    } else {
      p.setAnnoU32(ANNO.EXTRA_PACKETS, extra - 1);
      p.setAnnoU32(ANNO.EXTRA_LENGTH, Math.max(0, p.annoU32(ANNO.EXTRA_LENGTH) - m.length));
      setPacketTimeNs(p, packetTimeNs(p) + m.delta);
    }
    return one;
  }

  /** Up to `max` packets, in file order; undefined at the end of the input. */
  private produce(max: number): { batch: PacketBatch; more: boolean } {
    const batch: PacketBatch = [];
    while (batch.length < max) {
      let p = this.pending;
      this.pending = undefined;
      if (!p) p = this.readPacket();
      if (!p) {
        this.atEnd();
        return { batch, more: false };
      }
      if (this.conf.timing) {
        const t = packetTimeNs(p);
        if (this.timingOffset === undefined) this.timingOffset = this.env.now() - t;
        if (this.env.now() < t + this.timingOffset) {
          this.pending = p;
          this.timer.scheduleAt(t + this.timingOffset);
          return { batch, more: false };
        }
      }
      if (this.conf.multipacket && p.annoU32(ANNO.EXTRA_PACKETS) > 0) {
        // emit one piece now; the rest (the last piece, once its count is down to 1) waits
        const one = this.nextOfMany(p);
        this.pending = p;
        p = one;
      }
      if (!sampled(this.conf.sample, this.conf.sample < SAMPLING_ONE ? this.env.random32() : 0)) {
        this.drop(p);
        continue;
      }
      this.count++;
      batch.push(p);
    }
    return { batch, more: true };
  }

  private atEnd(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.conf.stop) this.env.requestStop();
  }

  override runTask(out: Out): boolean {
    if (!this.active) return false;
    const { batch, more } = this.produce(this.conf.timing ? Infinity : this.env.canBatch?.() ? BURST : 1);
    if (batch.length) out.emitBatch(0, batch);
    if (more) this.task!.schedule();
    return batch.length > 0;
  }

  override pull(_port: number, max: number): PacketBatch {
    if (!this.active) return [];
    return this.produce(max).batch;
  }

}

function setIPLength(p: Packet, length: number): void {
  const net = p.networkHeaderOffset;
  if (net === undefined) return;
  const w = p.writable();
  const ipLen = Math.min(0xffff, length - net);
  w[net + 2] = ipLen >> 8;
  w[net + 3] = ipLen & 255;
  if (w[net + 9] === 17 && p.transportHeaderOffset !== undefined && p.transportHeaderOffset + 6 <= w.length) {
    const ulen = ipLen - ((w[net]! & 15) << 2);
    w[p.transportHeaderOffset + 4] = ulen >> 8;
    w[p.transportHeaderOffset + 5] = ulen & 255;
  }
}

function setChecksums(b: SummaryBuilder, net: number, hl: number): void {
  const w = b.p.writable();
  w[net + 10] = w[net + 11] = 0;
  const ipSum = checksum(w, net, hl);
  w[net + 10] = ipSum >> 8;
  w[net + 11] = ipSum & 255;
  if ((b.u16(net + 6) & 0x3fff) !== 0 || b.trans === undefined) return;
  const t = b.trans;
  const tl = b.p.length - t;
  const src = ((w[net + 12]! << 24) | (w[net + 13]! << 16) | (w[net + 14]! << 8) | w[net + 15]!) >>> 0;
  const dst = ((w[net + 16]! << 24) | (w[net + 17]! << 16) | (w[net + 18]! << 8) | w[net + 19]!) >>> 0;
  const proto = w[net + 9]!;
  const at = proto === 6 ? 16 : proto === 17 ? 6 : proto === 1 ? 2 : -1;
  if (at < 0 || t + at + 2 > w.length) return;
  w[t + at] = w[t + at + 1] = 0;
  const sum = proto === 1 ? checksum(w, t, tl) : checksum(w, t, tl, pseudoHeaderSum(src, dst, proto, tl));
  w[t + at] = sum >> 8;
  w[t + at + 1] = sum & 255;
}

type E = FromIPSummaryDumpElement;

const args = {
  FILENAME: a.po(T.string),
  STOP: a.kw(T.bool, false),
  ACTIVE: a.kw(T.bool, true),
  ZERO: a.kw(T.bool, true),
  TIMING: a.kw(T.bool, false),
  CHECKSUM: a.kw(T.bool, false),
  SAMPLE: a.kw(samplingArg, SAMPLING_ONE),
  PROTO: a.kw(T.byte, 6),
  MULTIPACKET: a.kw(T.bool, false),
  DEFAULT_CONTENTS: a.ko(T.raw),
  DEFAULT_FIELDS: a.ko(T.raw),
  DEFAULT_FLOWID: a.ko(T.string),
  CONTENTS: a.ko(T.raw),
  FIELDS: a.ko(T.raw),
  FLOWID: a.ko(T.string),
  ALLOW_NONEXISTENT: a.kw(T.bool, false),
  DATA: a.ko(T.string),
};

export const spec = defineElement<typeof args, FromIPSummaryDumpConf, E>({
  name: 'FromIPSummaryDump',
  ports: '0/1',
  processing: 'a/a',
  args,
  configure: (v, ctx): FromIPSummaryDumpConf => {
    const sample = configureSample(v.SAMPLE, ctx);
    if (v.DATA !== undefined && v.FILENAME !== undefined) throw new ConfigError('FILENAME and DATA conflict');
    if (v.DATA === undefined && v.FILENAME === undefined) throw new ConfigError('FILENAME: required argument missing');
    const fieldText = v.FIELDS ?? v.CONTENTS ?? v.DEFAULT_FIELDS ?? v.DEFAULT_CONTENTS;
    const flowid = v.FLOWID ?? v.DEFAULT_FLOWID;
    return {
      filename: v.FILENAME,
      data: v.DATA,
      stop: v.STOP,
      active: v.ACTIVE,
      timing: v.TIMING,
      checksum: v.CHECKSUM,
      proto: v.PROTO,
      multipacket: v.MULTIPACKET,
      sample,
      fields: fieldText === undefined ? undefined : parseFieldList(fieldText),
      flowid,
      allowNonexistent: v.ALLOW_NONEXISTENT,
    };
  },
  host: (init) => new FromIPSummaryDumpElement(init),
  native: {
    source: nativeSource(import.meta.url, 'from-ip-summary-dump.c'),
    prefix: 'from_ip_summary_dump',
    hooks: { init: true, cleanup: true, task: true, timer: true, pull: true, held: true },
    usesTask: (_c, ports) => ports.outputs[0] === 'push',
    init: (c, ctx) => {
      const display = c.filename === '-' ? '<stdin>' : (c.filename ?? '<data>');
      return [
        c.filename !== undefined ? `.filename = ${ctx.cString(c.filename)}` : '',
        c.data !== undefined ? `.data = ${ctx.cString(c.data)}, .data_len = ${c.data.length}` : '',
        `.display_name = ${ctx.cString(display)}`,
        c.fields ? `.conf_fields = ${ctx.constArray('int16_t', c.fields.map(nativeFieldId))}, .nconf_fields = ${c.fields.length}` : '.nconf_fields = -1',
        c.flowid !== undefined ? `.flowid_text = ${ctx.cString(c.flowid)}` : '',
        `.sample = ${c.sample}u, .init_proto = ${c.proto}, .stop = ${+c.stop}, .timing = ${+c.timing}, .checksum = ${+c.checksum}`,
        `.multipacket = ${+c.multipacket}, .allow_nonexistent = ${+c.allowNonexistent}, .active = ${+c.active}`,
        `.push_mode = ${+(ctx.outputs[0] === 'push')}, .can_batch = ${+ctx.canBatch}`,
      ].filter(Boolean).join(',\n    ');
    },
  },
  handlers: {
    active: traceSourceHandlers.active,
    encap: { read: () => 'IP' },
    filesize: traceSourceHandlers.filesize,
    filepos: traceSourceHandlers.filepos,
    sampling_prob: traceSourceHandlers.sampling_prob,
    stop: traceSourceHandlers.stop,
    count: traceSourceHandlers.count,
  },
});


/**
 * ToIPSummaryDump — write one text line of chosen fields per packet.
 *
 * Synopsis:   ToIPSummaryDump(FILENAME [, KEYWORDS])
 * Ports:      1 input, 0 or 1 outputs; input agnostic, output push.
 * Processing: writes the fields named by FIELDS, separated by spaces, one line per packet
 *             (`-` where a field does not apply), after the header lines `!IPSummaryDump 1.3`,
 *             `!creator "BANNER"` and `!data FIELDS`; passes packets on if there is an output.
 *             FILENAME `-` writes to standard output. A pull input is pulled by a task.
 * Fields:     timestamp (ts), ntimestamp, ts_sec, ts_usec, ts_usec1, first_timestamp, count,
 *             link, paint, direction, aggregate, wire_len, eth_src, eth_dst, eth_type,
 *             ip_src (src), ip_dst (dst), ip_tos, ip_dscp, ip_ecn, ip_ttl, ip_frag,
 *             ip_fragoff, ip_id, ip_sum, ip_proto (proto), ip_hl, ip_len (len), ip_capture_len,
 *             ip_opt, sport, dport, tcp_seq, tcp_ack, tcp_off, tcp_flags, tcp_window, tcp_urp,
 *             tcp_opt, tcp_ntopt, tcp_sack, udp_len, icmp_type, icmp_code, icmp_type_name,
 *             icmp_code_name, icmp_flowid, icmp_seq, icmp_nextmtu, payload, payload_len,
 *             payload_md5_hex — with Click's synonyms and `ip_` shorthand.
 * Keywords:
 *   FIELDS         space-separated field names (CONTENTS and DATA are other names; default `timestamp ip_src`)
 *   HEADER         write the `!` header lines (default true)
 *   VERBOSE        also `!host` and `!runtime` lines (default false)
 *   BANNER         a `!creator` line
 *   BAD_PACKETS    write a `!bad REASON` line before packets with bad headers (default false)
 *   CAREFUL_TRUNC  count IP packets shorter than their length as bad (default true)
 *   EXTRA_LENGTH   lengths include the extra-length annotation (default true)
 *   MULTIPACKET    write `count` lines for packets standing for several (default false)
 * Handlers:   flush (w), count (r: lines written).
 * Not supported: BINARY output, payload_md5 (its 22-character encoding); payload_md5_hex is.
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out, type Task } from '../../host-engine/element.js';
import { ANNO, type Packet, type PacketBatch } from '../../host-engine/packet.js';
import { quote } from '../driver/script-text.js';
import { defineElement } from '../spec.js';
import { firstTimestampNs, formatTimestampNs, packetTimeNs, setPacketTimeNs } from '../lib/click-time.js';
import { fileErrorText } from './file-errors.js';
import { SummaryDesc } from './ipsum-describe.js';
import { findField } from './ipsum-fields.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { nativeFieldId } from './ipsum-native.js';

const FLUSH_AT = 1 << 16;

export interface ToIPSummaryDumpConf {
  filename: string;
  fields: string[];
  header: boolean;
  verbose: boolean;
  banner: string | undefined;
  badPackets: boolean;
  carefulTrunc: boolean;
  extraLength: boolean;
  multipacket: boolean;
}

export class ToIPSummaryDumpElement extends HostElement<ToIPSummaryDumpConf> {
  count = 0;
  private readonly fields = this.conf.fields.map((n) => findField(n)!);
  private readonly needsIP = this.fields.some((f) => f.ip);
  private fd = -1;
  private pending = '';
  private task: Task | undefined;

  override initialize(): void {
    if (this.conf.filename !== '-') {
      try {
        this.fd = openSync(this.env.resolvePath(this.conf.filename), 'w');
      } catch (e) {
        throw new Error(`${this.conf.filename}: ${fileErrorText(e)}`);
      }
    }
    if (this.conf.header) {
      let h = '!IPSummaryDump 1.3\n';
      if (this.conf.banner !== undefined) h += `!creator ${quote(this.conf.banner)}\n`;
      if (this.conf.verbose) {
        const now = this.env.now();
        h += `!host ${hostname()}\n!runtime ${formatTimestampNs(now)} (${new Date(Number(now / 1_000_000n)).toString()})\n`;
      }
      h += `!data ${this.fields.map((f) => f.name).join(' ')}\n`;
      this.out(h);
    }
    if (this.inputs[0] === 'pull') {
      this.task = this.env.task();
      this.task.schedule();
    }
  }

  override cleanup(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private out(text: string): void {
    this.pending += text;
    if (this.fd < 0 || this.pending.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (!this.pending) return;
    if (this.fd >= 0) {
      try {
        writeSync(this.fd, this.pending, null, 'latin1');
      } catch (e) {
        this.env.chatter(`${this.conf.filename}: ${fileErrorText(e)}`);
      }
      this.pending = '';
    } else {
      // standard output: whole lines through the engine's stdout
      const lines = this.pending.split('\n');
      this.pending = lines.pop()!;
      for (const line of lines) this.env.stdout(line);
    }
  }

  /** The line (and any `!bad` line before it) for one packet. */
  summarize(p: Packet): string {
    const d = new SummaryDesc(p, this.conf.badPackets, this.conf.carefulTrunc, this.conf.extraLength);
    if (this.needsIP) d.prepare();
    const line = this.fields.map((f) => f.write?.(d) ?? '-').join(' ');
    return d.bad ? `${d.bad}\n${line}\n` : `${line}\n`;
  }

  private write(p: Packet): void {
    const extraPackets = p.annoU32(ANNO.EXTRA_PACKETS);
    if (!this.conf.multipacket || extraPackets === 0) {
      this.out(this.summarize(p));
      this.count++;
      return;
    }
    // One line per packet the aggregate stands for: lengths split evenly, times stepped.
    const n = 1 + extraPackets;
    const len = p.length;
    let total = len + (this.conf.extraLength ? p.annoU32(ANNO.EXTRA_LENGTH) : 0);
    if (total < n * len) total = n * len;
    const saved = { extra: p.annoU32(ANNO.EXTRA_LENGTH), sec: p.tsSec, nsec: p.tsNsec };
    const end = packetTimeNs(p);
    const firstSec = p.annoU32(ANNO.FIRST_TIMESTAMP);
    const first = firstTimestampNs(p);
    const delta = firstSec ? (end - first) / BigInt(n - 1) : 0n;
    if (firstSec) setPacketTimeNs(p, first);
    p.setAnnoU32(ANNO.EXTRA_PACKETS, 0);
    for (let i = n; i > 0; i--) {
      const l = Math.floor(total / i);
      p.setAnnoU32(ANNO.EXTRA_LENGTH, l - len);
      total -= l;
      this.out(this.summarize(p));
      this.count++;
      if (i === 1) setPacketTimeNs(p, end);
      else setPacketTimeNs(p, packetTimeNs(p) + delta);
    }
    p.setAnnoU32(ANNO.EXTRA_PACKETS, extraPackets);
    p.setAnnoU32(ANNO.EXTRA_LENGTH, saved.extra);
    p.tsSec = saved.sec;
    p.tsNsec = saved.nsec;
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) this.write(p);
    if (this.noutputs > 0) out.emitBatch(0, batch);
    else for (const p of batch) this.consume(p);
  }

  override runTask(out: Out): boolean {
    const batch = this.env.pullInput(0, 32);
    if (batch.length) this.push(0, batch, out);
    this.task!.schedule();
    return batch.length > 0;
  }
}

type E = ToIPSummaryDumpElement;

const args = {
  FILENAME: a.mp(T.string),
  FIELDS: a.ko(T.raw),
  CONTENTS: a.ko(T.raw),
  DATA: a.ko(T.raw),
  VERBOSE: a.kw(T.bool, false),
  HEADER: a.kw(T.bool, true),
  BANNER: a.ko(T.string),
  MULTIPACKET: a.kw(T.bool, false),
  BAD_PACKETS: a.kw(T.bool, false),
  CAREFUL_TRUNC: a.kw(T.bool, true),
  EXTRA_LENGTH: a.kw(T.bool, true),
  BINARY: a.kw(T.bool, false),
};

/** Field names from a FIELDS-style argument; unknown names are reported all at once. */
export function parseFieldList(text: string): string[] {
  const names = splitWords(text).map((w) => unquote(w.text));
  const unknown = names.filter((n) => !findField(n));
  if (unknown.length) throw new ConfigError(unknown.map((n) => `unknown content type '${n}'`).join('; '));
  return names.map((n) => findField(n)!.name);
}

export const spec = defineElement<typeof args, ToIPSummaryDumpConf, E>({
  name: 'ToIPSummaryDump',
  ports: '1/0-1',
  processing: 'a/h',
  writesStream: 'stdout',
  args,
  configure: (v): ToIPSummaryDumpConf => {
    if (v.BINARY) throw new ConfigError('BINARY output is not supported', undefined, 'write the text format');
    const fields = parseFieldList(v.DATA ?? v.CONTENTS ?? v.FIELDS ?? 'timestamp ip_src');
    if (fields.length === 0) throw new ConfigError('no contents specified');
    return {
      filename: v.FILENAME,
      fields,
      header: v.HEADER,
      verbose: v.VERBOSE,
      banner: v.BANNER,
      badPackets: v.BAD_PACKETS,
      carefulTrunc: v.CAREFUL_TRUNC,
      extraLength: v.EXTRA_LENGTH,
      multipacket: v.MULTIPACKET && !fields.includes('count'),
    };
  },
  host: (init) => new ToIPSummaryDumpElement(init),
  native: {
    source: nativeSource(import.meta.url, 'to-ip-summary-dump.c'),
    prefix: 'to_ip_summary_dump',
    inPlace: true,
    hooks: { init: true, cleanup: true, task: true },
    usesTask: (_c, ports) => ports.inputs[0] === 'pull',
    init: (c, ctx) =>
      [
        `.filename = ${ctx.cString(c.filename)}`,
        `.fields = ${ctx.constArray('int16_t', c.fields.map(nativeFieldId))}, .nfields = ${c.fields.length}`,
        c.banner !== undefined ? `.banner = ${ctx.cString(c.banner)}, .banner_len = ${c.banner.length}` : '',
        `.header = ${+c.header}, .verbose = ${+c.verbose}, .bad_packets = ${+c.badPackets}, .careful = ${+c.carefulTrunc}`,
        `.extra_length = ${+c.extraLength}, .multipacket = ${+c.multipacket}, .needs_ip = ${+c.fields.some((n) => findField(n)!.ip)}`,
        `.pull_task = ${+(ctx.inputs[0] === 'pull')}, .has_output = ${+(ctx.noutputs > 0)}`,
      ].filter(Boolean).join(',\n    '),
  },
  handlers: {
    flush: { write: (e: E) => e.flush() },
    count: { read: (e: E) => String(e.count) },
  },
});

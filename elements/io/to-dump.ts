/**
 * ToDump — write packets to a tcpdump (classic pcap) file.
 *
 * Synopsis:   ToDump(FILENAME [, SNAPLEN, ENCAP, KEYWORDS])
 * Ports:      1 input, 0 or 1 outputs; agnostic.
 * Processing: writes each packet (its first SNAPLEN bytes) with its timestamp (the engine
 *             time if it has none) and its length plus the extra-length annotation; then
 *             passes it on if there is an output, else consumes it. With a pull input and no
 *             output, a task pulls packets. FILENAME `-` is standard output. Writes are
 *             buffered and the file is flushed at cleanup (and every 1 MiB).
 * Arguments:
 *   SNAPLEN         bytes kept per packet, 0 for all (default 2000)
 *   ENCAP           link type for the file header: ETHER (default), IP, SLL, ... or #N
 *   USE_ENCAP_FROM  element names whose `encap` handlers give the link type (excludes ENCAP)
 *   EXTRA_LENGTH    add the extra-length annotation to the recorded length (default true)
 *   NANO            nanosecond timestamps (default true, as the reference Click was built)
 *   UNBUFFERED      write each packet at once (default false)
 * Handlers:   count (r: packets written), filename (r), reset_counts (w).
 * Differences from Click: a pull-mode task keeps polling while its input is empty (no
 * empty notifier), pulling up to 32 packets per run.
 */

import { closeSync, openSync, writeSync } from 'node:fs';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { splitWords } from '../../config-lang/args/split.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type Out, type Task } from '../../host-engine/element.js';
import { ANNO, type Packet, type PacketBatch } from '../../host-engine/packet.js';
import { pcapFileHeader, writeRecordHeader } from '../../host-engine/pcap.js';
import { defineElement } from '../spec.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { fileErrorText } from './file-errors.js';
import { parseEncap } from './link-types.js';

const FLUSH_AT = 1 << 20;
const PULL_BURST = 32;

export interface ToDumpConf {
  filename: string;
  /** Bytes kept per packet; 0xffffffff for all. */
  snaplen: number;
  /** Link type, or -1 to take it from useEncapFrom at initialization. */
  linkType: number;
  useEncapFrom: string[];
  extraLength: boolean;
  nano: boolean;
  unbuffered: boolean;
}

export class ToDumpElement extends HostElement<ToDumpConf> {
  count = 0;
  linkType = this.conf.linkType;
  private fd = -1;
  private active = false;
  /** Records not yet written; flushed when full, at cleanup, and after each packet if UNBUFFERED. */
  private buf = new Uint8Array(FLUSH_AT);
  private buffered = 0;
  private task: Task | undefined;

  get filename(): string {
    return this.conf.filename === '-' ? '<stdout>' : this.conf.filename;
  }

  override initialize(): void {
    if (this.conf.useEncapFrom.length) this.linkType = this.encapFromSources();
    // Hot reconfiguration: the old ToDump's file goes on (takeState); opening it again would truncate it.
    const taking = this.continues(this.env.hotswapElement?.());
    if (taking) this.active = true;
    else if (this.conf.filename === '-') this.fd = 1;
    else {
      try {
        this.fd = openSync(this.env.resolvePath(this.conf.filename), 'w');
      } catch (e) {
        throw new Error(`${this.conf.filename}: ${fileErrorText(e)}`);
      }
    }
    if (!taking) {
      this.active = true;
      this.append(pcapFileHeader({ linkType: this.linkType, snaplen: this.conf.snaplen, nanosecond: this.conf.nano }));
    }
    if (this.inputs[0] === 'pull' && this.noutputs === 0) {
      this.task = this.env.task();
      this.task.schedule();
    }
  }

  /** Can this ToDump go on writing `old`'s file: a ToDump of the same file, format and link type, still open? */
  private continues(old: unknown): old is ToDumpElement {
    return (
      old instanceof ToDumpElement &&
      old.fd >= 0 &&
      old.conf.filename === this.conf.filename &&
      old.linkType === this.linkType &&
      old.conf.snaplen === this.conf.snaplen &&
      old.conf.nano === this.conf.nano
    );
  }

  /** Hot reconfiguration, as Click's ToDump: the open file (with what is buffered for it) and the count go on here. */
  override takeState(old: HostElement): void {
    if (this.fd !== -1 || !this.continues(old)) return;
    this.fd = old.fd;
    this.buf = old.buf;
    this.buffered = old.buffered;
    this.active = old.active;
    this.count = old.count;
    old.fd = -1;
    old.buffered = 0;
  }

  private encapFromSources(): number {
    const types = this.conf.useEncapFrom.map((name) => {
      let text: string;
      try {
        text = this.env.readHandler(`${name}.encap`).trim();
      } catch {
        throw new Error(`'${name}' has no 'encap' read handler`);
      }
      const dlt = parseEncap(text);
      if (dlt < 0) throw new Error(`'${name}.encap' did not return a valid encapsulation type`);
      return { name, text, dlt };
    });
    if (types.some((t) => t.dlt !== types[0]!.dlt)) {
      throw new Error(`source encapsulation types disagree: ${types.map((t) => `${t.name} has ${t.text}`).join(', ')}`);
    }
    return types[0]!.dlt;
  }

  override cleanup(): void {
    this.flush();
    if (this.fd > 2) closeSync(this.fd);
    this.fd = -1;
  }

  /** Room for `n` more bytes in the buffer (flushing, or growing it for a huge record). */
  private reserve(n: number): void {
    if (this.buffered + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  private append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.buffered);
    this.buffered += bytes.length;
    if (this.conf.unbuffered) this.flush();
  }

  private flush(): void {
    if (this.fd < 0 || this.buffered === 0) return;
    const n = this.buffered;
    this.buffered = 0;
    try {
      let off = 0;
      while (off < n) off += writeSync(this.fd, this.buf, off, n - off);
    } catch (e) {
      this.active = false;
      this.env.chatter(`ToDump(${this.filename}): ${fileErrorText(e)}`);
    }
  }

  write(p: Packet): void {
    if (!this.active) return;
    let sec = p.tsSec;
    let nsec = p.tsNsec;
    if (sec === 0 && nsec === 0) {
      const now = this.env.now();
      sec = Number(now / 1_000_000_000n);
      nsec = Number(now % 1_000_000_000n);
    }
    const len = p.length;
    const caplen = Math.min(len, this.conf.snaplen);
    const x = p.anno;
    const e = ANNO.EXTRA_LENGTH;
    // the extra-length annotation, read in place (little-endian, as Packet.annoU32 does)
    const extra = this.conf.extraLength ? (x[e]! | (x[e + 1]! << 8) | (x[e + 2]! << 16) | (x[e + 3]! << 24)) >>> 0 : 0;
    const wire = len + extra;
    this.reserve(16 + caplen);
    const at = this.buffered;
    writeRecordHeader(this.buf, at, sec, this.conf.nano ? nsec : Math.floor(nsec / 1000), caplen, wire);
    this.buf.set(caplen === len ? p.data : p.data.subarray(0, caplen), at + 16);
    this.buffered = at + 16 + caplen;
    this.count++;
    if (this.conf.unbuffered) this.flush();
  }

  override push(_port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) this.write(p);
    if (this.noutputs > 0) out.emitBatch(0, batch);
    else for (const p of batch) this.consume(p);
  }

  override pull(_port: number, max: number): PacketBatch {
    const batch = this.env.pullInput(0, max);
    for (const p of batch) this.write(p);
    return batch;
  }

  override runTask(): boolean {
    if (!this.active) return false;
    const batch = this.env.pullInput(0, PULL_BURST);
    for (const p of batch) {
      this.write(p);
      this.consume(p);
    }
    this.task!.schedule();
    return batch.length > 0;
  }
}

type E = ToDumpElement;

const args = {
  FILENAME: a.mp(T.string),
  SNAPLEN: a.p(T.unsigned, 2000),
  ENCAP: a.po(T.word),
  USE_ENCAP_FROM: a.ko(T.raw),
  EXTRA_LENGTH: a.kw(T.bool, true),
  UNBUFFERED: a.kw(T.bool, false),
  NANO: a.kw(T.bool, true),
};

export const spec = defineElement<typeof args, ToDumpConf, E>({
  name: 'ToDump',
  ports: '1/0-1',
  processing: 'a/a',
  args,
  configure: (v, ctx): ToDumpConf => {
    let linkType = 1;
    let useEncapFrom: string[] = [];
    if (v.USE_ENCAP_FROM !== undefined && v.ENCAP !== undefined) throw new ConfigError("specify at most one of 'ENCAP' and 'USE_ENCAP_FROM'");
    if (v.USE_ENCAP_FROM !== undefined) {
      useEncapFrom = splitWords(v.USE_ENCAP_FROM).map((w) => w.text);
      if (useEncapFrom.length === 0) throw new ConfigError("element names missing after 'USE_ENCAP_FROM'");
      for (const name of useEncapFrom) if (ctx.lookupElement(name) === undefined) throw new ConfigError(`USE_ENCAP_FROM: no element named '${name}'`);
      linkType = -1;
    } else if (v.ENCAP !== undefined) {
      linkType = parseEncap(v.ENCAP);
      if (linkType < 0) throw new ConfigError('bad encapsulation type', undefined, `expected ETHER, IP, SLL, 802_11, ... or #N, got '${v.ENCAP}'`);
    }
    return {
      filename: v.FILENAME,
      snaplen: v.SNAPLEN === 0 ? 0xffffffff : v.SNAPLEN,
      linkType,
      useEncapFrom,
      extraLength: v.EXTRA_LENGTH,
      nano: v.NANO,
      unbuffered: v.UNBUFFERED,
    };
  },
  host: (init) => new ToDumpElement(init),
  native: {
    source: nativeSource(import.meta.url, 'to-dump.c'),
    prefix: 'to_dump',
    inPlace: true,
    hooks: { init: true, cleanup: true, task: true, pull: true, takeState: true },
    usesTask: (_c, ports) => ports.inputs[0] === 'pull' && ports.outputs.length === 0,
    init: (c, ctx) =>
      [
        `.filename = ${ctx.cString(c.filename)}, .display_name = ${ctx.cString(c.filename === '-' ? '<stdout>' : c.filename)}`,
        `.snaplen = ${c.snaplen >>> 0}u, .link_type = ${c.linkType}`,
        c.useEncapFrom.length ? `.encap_from = ${ctx.constArray('char *', c.useEncapFrom.map((n) => ctx.cString(n)))}, .nencap_from = ${c.useEncapFrom.length}` : '',
        `.extra_length = ${+c.extraLength}, .nano = ${+c.nano}, .unbuffered = ${+c.unbuffered}`,
        `.pull_task = ${+(ctx.inputs[0] === 'pull' && ctx.noutputs === 0)}, .has_output = ${+(ctx.noutputs > 0)}`,
      ].filter(Boolean).join(',\n    '),
  },
  handlers: {
    count: { read: (e: E) => String(e.count) },
    filename: { read: (e: E) => e.filename },
    reset_counts: { write: (e: E) => void (e.count = 0) },
  },
});

// Packet capture files: classic pcap (microsecond or nanosecond timestamps,
// either byte order) and pcapng for reading; classic pcap for writing.
// readCapture/writeCapture handle whole files in memory; CaptureReader reads
// record by record from a file in chunks (FromDump), and pcapFileHeader /
// writeRecordHeader write incrementally (ToDump).

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export const LINKTYPE_ETHERNET = 1;

export interface CapturedPacket {
  readonly tsSec: number;
  /** Nanoseconds within the second. */
  readonly tsNsec: number;
  /** Length on the wire (may exceed data.length when the capture was truncated). */
  readonly origLen: number;
  readonly data: Uint8Array;
}

export interface Capture {
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  readonly packets: CapturedPacket[];
}

export class PcapError extends Error {
  override name = 'PcapError';
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;

/** Parse a whole capture file held in memory. */
export function readCapture(bytes: Uint8Array): Capture {
  if (bytes.length < 4) throw new PcapError('file too short for a capture header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLE = view.getUint32(0, true);
  if (magicLE === PCAPNG_SHB) return readPcapng(bytes, view);
  return readClassic(bytes, view);
}

function readClassic(bytes: Uint8Array, view: DataView): Capture {
  if (bytes.length < 24) throw new PcapError('file too short for a pcap header');
  let le: boolean;
  let nanosecond: boolean;
  const m = view.getUint32(0, true);
  if (m === MAGIC_US || m === MAGIC_NS) le = true;
  else if (view.getUint32(0, false) === MAGIC_US || view.getUint32(0, false) === MAGIC_NS) le = false;
  else throw new PcapError('not a pcap or pcapng file (bad magic number)');
  nanosecond = view.getUint32(0, le) === MAGIC_NS;
  const snaplen = view.getUint32(16, le);
  const linkType = view.getUint32(20, le) & 0x0fffffff;
  const packets: CapturedPacket[] = [];
  let off = 24;
  while (off + 16 <= bytes.length) {
    const sec = view.getUint32(off, le);
    const frac = view.getUint32(off + 4, le);
    const caplen = view.getUint32(off + 8, le);
    const origLen = view.getUint32(off + 12, le);
    off += 16;
    if (off + caplen > bytes.length) throw new PcapError(`packet ${packets.length + 1} is truncated (file ends inside it)`);
    packets.push({ tsSec: sec, tsNsec: nanosecond ? frac : frac * 1000, origLen, data: bytes.subarray(off, off + caplen) });
    off += caplen;
  }
  if (off !== bytes.length) throw new PcapError('file ends inside a packet header');
  return { linkType, snaplen, nanosecond, packets };
}

interface Interface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per second. */
  tsPerSec: bigint;
}

function readPcapng(bytes: Uint8Array, view: DataView): Capture {
  let le = true;
  let off = 0;
  let ifaces: Interface[] = [];
  const packets: CapturedPacket[] = [];
  while (off + 12 <= bytes.length) {
    let type = view.getUint32(off, le);
    if (type === PCAPNG_SHB) {
      const bom = view.getUint32(off + 8, true);
      if (bom === 0x1a2b3c4d) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else throw new PcapError('pcapng section header has a bad byte-order mark');
      type = PCAPNG_SHB;
      ifaces = [];
    }
    const len = view.getUint32(off + 4, le);
    if (len < 12 || len % 4 !== 0 || off + len > bytes.length) throw new PcapError(`pcapng block at offset ${off} has a bad length`);
    const body = off + 8;
    if (type === 1) {
      // Interface Description Block
      const iface: Interface = { linkType: view.getUint16(body, le), snaplen: view.getUint32(body + 4, le), tsPerSec: 1_000_000n };
      let o = body + 8;
      while (o + 4 <= off + len - 4) {
        const code = view.getUint16(o, le);
        const olen = view.getUint16(o + 2, le);
        if (code === 0) break;
        if (code === 9 && olen >= 1) {
          const v = bytes[o + 4]!;
          iface.tsPerSec = v & 0x80 ? 2n ** BigInt(v & 0x7f) : 10n ** BigInt(v);
        }
        o += 4 + ((olen + 3) & ~3);
      }
      ifaces.push(iface);
    } else if (type === 6 || type === 3) {
      // Enhanced Packet Block / Simple Packet Block
      let ifIndex = 0;
      let ts = 0n;
      let caplen: number;
      let origLen: number;
      let dataOff: number;
      if (type === 6) {
        ifIndex = view.getUint32(body, le);
        ts = (BigInt(view.getUint32(body + 4, le)) << 32n) | BigInt(view.getUint32(body + 8, le));
        caplen = view.getUint32(body + 12, le);
        origLen = view.getUint32(body + 16, le);
        dataOff = body + 20;
      } else {
        origLen = view.getUint32(body, le);
        caplen = Math.min(origLen, len - 16);
        dataOff = body + 4;
      }
      const iface = ifaces[ifIndex];
      if (!iface) throw new PcapError(`pcapng packet refers to undeclared interface ${ifIndex}`);
      if (dataOff + caplen > off + len) throw new PcapError('pcapng packet block is shorter than its captured length');
      const ns = (ts * 1_000_000_000n) / iface.tsPerSec;
      packets.push({ tsSec: Number(ns / 1_000_000_000n), tsNsec: Number(ns % 1_000_000_000n), origLen, data: bytes.subarray(dataOff, dataOff + caplen) });
    }
    off += len;
  }
  const first = ifaces[0];
  return { linkType: first?.linkType ?? LINKTYPE_ETHERNET, snaplen: first?.snaplen ?? 65535, nanosecond: true, packets };
}

/** Serialise packets as a classic little-endian pcap file. */
export function writeCapture(packets: readonly CapturedPacket[], opts: { linkType?: number; snaplen?: number; nanosecond?: boolean } = {}): Uint8Array {
  const ns = opts.nanosecond ?? false;
  let size = 24;
  for (const p of packets) size += 16 + p.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, ns ? MAGIC_NS : MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, opts.snaplen ?? 65535, true);
  view.setUint32(20, opts.linkType ?? LINKTYPE_ETHERNET, true);
  let off = 24;
  for (const p of packets) {
    view.setUint32(off, p.tsSec, true);
    view.setUint32(off + 4, ns ? p.tsNsec : Math.floor(p.tsNsec / 1000), true);
    view.setUint32(off + 8, p.data.length, true);
    view.setUint32(off + 12, p.origLen, true);
    out.set(p.data, off + 16);
    off += 16 + p.data.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Streaming reading, record by record, for FromDump: large files are read in
// chunks, every record carries its file offset, and damage is reported as a
// result (so the caller can say so and stop) instead of an exception.

/** Classic pcap written by Alexey Kuznetsov's patched libpcap: 8 more bytes per record header. */
const MAGIC_MODIFIED = 0xa1b2cd34;
/** Records claiming more than this and more than the file's snaplen are garbage. */
const MAX_SANE_CAPLEN = 262144;
const CHUNK = 1 << 20;

/** Where a CaptureReader gets its bytes: a file read in chunks, or memory. */
export interface ByteSource {
  /** Up to `length` bytes at `pos` (fewer only at end of file). Valid until the next call. */
  read(pos: number, length: number): Uint8Array;
  /** Total size in bytes, if known. */
  readonly size: number | undefined;
  close(): void;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    read: (pos, length) => bytes.subarray(Math.min(pos, bytes.length), Math.min(pos + length, bytes.length)),
    size: bytes.length,
    close: () => {},
  };
}

/** A file read through a sliding window of at least 1 MiB, so files larger than memory stream. */
export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let buf = new Uint8Array(CHUNK);
  let start = 0;
  let len = 0;
  let open = true;
  return {
    read(pos, asked) {
      // Never more than the file holds: a damaged length field must read short, not allocate gigabytes.
      const length = Math.max(0, Math.min(asked, size - pos));
      if (pos >= start && pos + length <= start + len) return buf.subarray(pos - start, pos - start + length);
      if (buf.length < length) buf = new Uint8Array(length);
      start = pos;
      len = 0;
      while (len < buf.length) {
        const got = readSync(fd, buf, len, buf.length - len, start + len);
        if (got <= 0) break;
        len += got;
      }
      return buf.subarray(0, Math.min(length, len));
    },
    size,
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

export interface CaptureRecord extends CapturedPacket {
  /** File offset of the record (its header), for FromDump's packet_filepos. */
  readonly filePos: number;
}

export type RecordResult =
  | { readonly kind: 'packet'; readonly record: CaptureRecord }
  | { readonly kind: 'end' }
  /** The file is damaged here (cut short, or a nonsense header); nothing more can be read. */
  | { readonly kind: 'damaged'; readonly message: string };

/**
 * Reads a classic pcap (micro- or nanosecond, either byte order, Kuznetsov's
 * modified format, version 2.3's swapped length fields) or pcapng capture one
 * record at a time. The constructor checks the file header and throws
 * PcapError if it is not a capture; `next()` never throws.
 */
export class CaptureReader {
  readonly format: 'pcap' | 'pcapng';
  readonly linkType: number;
  readonly snaplen: number;
  readonly nanosecond: boolean;
  /** Offset of the next record. */
  position: number;
  private readonly le: boolean;
  private readonly extraHeader: number;
  private readonly minorVersion: number;
  // pcapng state: byte order and interfaces of the current section
  private ngLE = true;
  private ifaces: Interface[] = [];
  private readonly firstBlock: number;

  constructor(private readonly src: ByteSource) {
    const head = src.read(0, 24);
    if (head.length === 0) throw new PcapError('empty file');
    if (head.length < 4) throw new PcapError('not a tcpdump file (too short)');
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (view.getUint32(0, true) === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.le = true;
      this.extraHeader = 0;
      this.minorVersion = 0;
      this.nanosecond = true;
      this.firstBlock = 0;
      this.position = 0;
      if (head.length < 12) throw new PcapError('not a pcapng file (too short)');
      const bom = view.getUint32(8, true);
      if (bom !== 0x1a2b3c4d && bom !== 0x4d3c2b1a) throw new PcapError('pcapng section header has a bad byte-order mark');
      const first = this.scanFirstInterface();
      this.linkType = first?.linkType ?? LINKTYPE_ETHERNET;
      this.snaplen = first?.snaplen ?? 65535;
      return;
    }
    this.format = 'pcap';
    if (head.length < 24) throw new PcapError('not a tcpdump file (too short)');
    const magics = [MAGIC_US, MAGIC_NS, MAGIC_MODIFIED];
    let le: boolean;
    if (magics.includes(view.getUint32(0, true))) le = true;
    else if (magics.includes(view.getUint32(0, false))) le = false;
    else throw new PcapError('not a tcpdump file (bad magic number)');
    this.le = le;
    const magic = view.getUint32(0, le);
    this.nanosecond = magic === MAGIC_NS;
    this.extraHeader = magic === MAGIC_MODIFIED ? 8 : 0;
    const major = view.getUint16(4, le);
    if (major !== 2) throw new PcapError(`unknown major version ${major}`);
    this.minorVersion = view.getUint16(6, le);
    this.snaplen = view.getUint32(16, le);
    this.linkType = view.getUint32(20, le) & 0x0fffffff;
    this.firstBlock = 24;
    this.position = 24;
  }

  static open(path: string): CaptureReader {
    const src = fileSource(path);
    try {
      return new CaptureReader(src);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  get size(): number | undefined {
    return this.src.size;
  }

  close(): void {
    this.src.close();
  }

  /** Move to a file offset (a record boundary, e.g. an earlier packet_filepos); before the first record means the first. */
  seek(pos: number): void {
    this.position = Math.max(pos, this.firstBlock);
    if (this.format === 'pcapng' && pos <= this.firstBlock) this.ifaces = [];
  }

  next(): RecordResult {
    return this.format === 'pcap' ? this.nextClassic() : this.nextPcapng();
  }

  private nextClassic(): RecordResult {
    const hlen = 16 + this.extraHeader;
    const at = this.position;
    const h = this.src.read(at, hlen);
    if (h.length === 0) return { kind: 'end' };
    if (h.length < hlen) return { kind: 'damaged', message: `file ends inside the header of the packet at offset ${at}` };
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const sec = v.getUint32(0, this.le);
    const frac = v.getUint32(4, this.le);
    let caplen = v.getUint32(8, this.le);
    let origLen = v.getUint32(12, this.le);
    // Before version 2.3 the two length fields were the other way round.
    if (!(this.minorVersion > 3 || (this.minorVersion === 3 && caplen <= origLen))) [caplen, origLen] = [origLen, caplen];
    if (caplen > MAX_SANE_CAPLEN && caplen > this.snaplen) return { kind: 'damaged', message: `bad packet header at offset ${at}; giving up` };
    // Some tools store a captured length larger than the wire length: keep the wire length's worth.
    const keep = Math.min(caplen, origLen);
    const data = this.src.read(at + hlen, caplen);
    if (data.length < caplen) return { kind: 'damaged', message: `packet at offset ${at} is cut short (${data.length} of ${caplen} bytes present)` };
    this.position = at + hlen + caplen;
    const ns = this.nanosecond ? frac : frac * 1000;
    const record: CaptureRecord = {
      tsSec: sec + Math.floor(ns / 1e9),
      tsNsec: ns % 1e9,
      origLen,
      data: data.subarray(0, keep),
      filePos: at,
    };
    return { kind: 'packet', record };
  }

  private scanFirstInterface(): Interface | undefined {
    let pos = 0;
    let le = true;
    for (let i = 0; i < 64; i++) {
      const h = this.src.read(pos, 12);
      if (h.length < 12) return undefined;
      const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
      if (v.getUint32(0, true) === PCAPNG_SHB) le = v.getUint32(8, true) === 0x1a2b3c4d;
      const type = v.getUint32(0, le);
      const len = v.getUint32(4, le);
      if (len < 12 || len % 4 !== 0) return undefined;
      if (type === 1) {
        const b = this.src.read(pos + 8, 8);
        if (b.length < 8) return undefined;
        const bv = new DataView(b.buffer, b.byteOffset, b.byteLength);
        return { linkType: bv.getUint16(0, le), snaplen: bv.getUint32(4, le), tsPerSec: 1_000_000n };
      }
      pos += len;
    }
    return undefined;
  }

  private nextPcapng(): RecordResult {
    for (;;) {
      const at = this.position;
      const h = this.src.read(at, 12);
      if (h.length === 0) return { kind: 'end' };
      if (h.length < 12) return { kind: 'damaged', message: `file ends inside the block at offset ${at}` };
      const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
      if (hv.getUint32(0, true) === PCAPNG_SHB) {
        const bom = hv.getUint32(8, true);
        if (bom === 0x1a2b3c4d) this.ngLE = true;
        else if (bom === 0x4d3c2b1a) this.ngLE = false;
        else return { kind: 'damaged', message: `pcapng section header at offset ${at} has a bad byte-order mark` };
        this.ifaces = [];
      }
      const le = this.ngLE;
      const type = hv.getUint32(0, le);
      const len = hv.getUint32(4, le);
      if (len < 12 || len % 4 !== 0) return { kind: 'damaged', message: `pcapng block at offset ${at} has a bad length` };
      const block = this.src.read(at, len);
      if (block.length < len) return { kind: 'damaged', message: `file ends inside the pcapng block at offset ${at}` };
      this.position = at + len;
      const v = new DataView(block.buffer, block.byteOffset, block.byteLength);
      if (type === 1) {
        if (len < 20) return { kind: 'damaged', message: `pcapng interface block at offset ${at} is too short` };
        this.ifaces.push(readInterface(block, v, le));
        continue;
      }
      if (type !== 6 && type !== 3 && type !== 2) continue;
      let ifIndex = 0;
      let ts = 0n;
      let caplen: number;
      let origLen: number;
      let dataOff: number;
      if (type === 6 || type === 2) {
        if (len < 32) return { kind: 'damaged', message: `pcapng packet block at offset ${at} is too short` };
        // Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id, 16-bit drop count).
        ifIndex = type === 6 ? v.getUint32(8, le) : v.getUint16(8, le);
        ts = (BigInt(v.getUint32(12, le)) << 32n) | BigInt(v.getUint32(16, le));
        caplen = v.getUint32(20, le);
        origLen = v.getUint32(24, le);
        dataOff = 28;
      } else {
        if (len < 16) return { kind: 'damaged', message: `pcapng packet block at offset ${at} is too short` };
        origLen = v.getUint32(8, le);
        caplen = Math.min(origLen, len - 16, this.ifaces[0]?.snaplen || origLen);
        dataOff = 12;
      }
      const iface = this.ifaces[ifIndex];
      if (!iface) return { kind: 'damaged', message: `pcapng packet at offset ${at} refers to undeclared interface ${ifIndex}` };
      if (dataOff + caplen > len - 4) return { kind: 'damaged', message: `pcapng packet block at offset ${at} is shorter than its captured length` };
      const ns = (ts * 1_000_000_000n) / iface.tsPerSec;
      const record: CaptureRecord = {
        tsSec: Number(ns / 1_000_000_000n),
        tsNsec: Number(ns % 1_000_000_000n),
        origLen,
        data: block.subarray(dataOff, dataOff + Math.min(caplen, origLen || caplen)),
        filePos: at,
      };
      return { kind: 'packet', record };
    }
  }
}

function readInterface(block: Uint8Array, v: DataView, le: boolean): Interface {
  const iface: Interface = { linkType: v.getUint16(8, le), snaplen: v.getUint32(12, le), tsPerSec: 1_000_000n };
  let o = 16;
  const end = block.length - 4;
  while (o + 4 <= end) {
    const code = v.getUint16(o, le);
    const olen = v.getUint16(o + 2, le);
    if (code === 0) break;
    if (code === 9 && olen >= 1 && o + 4 < end) {
      const r = block[o + 4]!;
      iface.tsPerSec = r & 0x80 ? 2n ** BigInt(r & 0x7f) : 10n ** BigInt(r);
    }
    o += 4 + ((olen + 3) & ~3);
  }
  return iface;
}

// ---------------------------------------------------------------------------
// Streaming writing, for ToDump: the file header once, then one record per packet.

export interface PcapHeaderOptions {
  linkType: number;
  snaplen: number;
  nanosecond: boolean;
}

/** The 24-byte classic pcap file header (little-endian, version 2.4). */
export function pcapFileHeader(o: PcapHeaderOptions): Uint8Array {
  const out = new Uint8Array(24);
  const view = new DataView(out.buffer);
  view.setUint32(0, o.nanosecond ? MAGIC_NS : MAGIC_US, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, o.snaplen >>> 0, true);
  view.setUint32(20, o.linkType >>> 0, true);
  return out;
}

/** Write one 16-byte record header into `out` at `off`. `frac` is microseconds or nanoseconds to match the file. */
export function writeRecordHeader(out: Uint8Array, off: number, sec: number, frac: number, caplen: number, origLen: number): void {
  // byte by byte: no DataView per record on the hot path
  putLE32(out, off, sec);
  putLE32(out, off + 4, frac);
  putLE32(out, off + 8, caplen);
  putLE32(out, off + 12, origLen);
}

function putLE32(out: Uint8Array, o: number, v: number): void {
  out[o] = v & 255;
  out[o + 1] = (v >>> 8) & 255;
  out[o + 2] = (v >>> 16) & 255;
  out[o + 3] = (v >>> 24) & 255;
}

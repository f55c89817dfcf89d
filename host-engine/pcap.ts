// Packet capture files: classic pcap (microsecond or nanosecond timestamps,
// either byte order) and pcapng for reading; classic pcap for writing.

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

// Frame sizes for the benchmark matrix and the configurations rewritten to
// send them. A "64-byte frame" is 64 bytes on the wire including the 4-byte
// FCS, so the packet in memory is 60 bytes; 10GbE line rate adds 20 bytes of
// preamble and inter-frame gap per frame.

export const FRAME_SIZES = [64, 128, 256, 512, 1024, 1500] as const;

const FCS = 4;
const WIRE_OVERHEAD = 20;
export const LINE_RATE_BPS = 10e9;

/** Frames per second at 10GbE line rate for frames of `size` bytes (FCS included). */
export function lineRatePps(size: number): number {
  return LINE_RATE_BPS / ((size + WIRE_OVERHEAD) * 8);
}

/** Gbit/s of frame bits (FCS included, preamble and gap not) at `pps` frames per second. */
export function gbps(pps: number, size: number): number {
  return (pps * size * 8) / 1e9;
}

/** Bytes of packet data in memory for a frame of `size` bytes on the wire. */
export function packetLength(size: number): number {
  return size - FCS;
}

function checksum(b: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const put16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = v >> 8;
  b[at + 1] = v & 0xff;
};

/**
 * `frame` (Ethernet) grown or cut to `length` bytes, zero-padded. An IPv4
 * frame gets its total length and header checksum fixed, and a UDP one its
 * length and checksum, so header checks pass at every size.
 */
export function resizeFrame(frame: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(frame.subarray(0, Math.min(frame.length, length)));
  if (length < 34 || out[12] !== 0x08 || out[13] !== 0x00) return out;
  const ihl = (out[14]! & 0x0f) * 4;
  put16(out, 16, length - 14);
  put16(out, 24, 0);
  put16(out, 24, checksum(out, 14, 14 + ihl));
  const l4 = 14 + ihl;
  if (out[23] === 17 && length >= l4 + 8) {
    const udpLength = length - l4;
    put16(out, l4 + 4, udpLength);
    put16(out, l4 + 6, 0);
    // Pseudo-header: source, destination, protocol, UDP length.
    let pseudo = 17 + udpLength;
    for (let i = 26; i < 34; i += 2) pseudo += (out[i]! << 8) | out[i + 1]!;
    const c = checksum(out, l4, length, pseudo);
    put16(out, l4 + 6, c === 0 ? 0xffff : c);
  }
  return out;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/**
 * A benchmark configuration rewritten so its measured source (the
 * InfiniteSource with `LIMIT $N`) sends frames of `size` bytes: its
 * `LENGTH` or its `DATA` is replaced. Other sources (e.g. a one-off ARP
 * seed) stay as they are.
 */
export function sizedConfig(text: string, size: number): string {
  const len = packetLength(size);
  let changed = 0;
  const out = text.replace(/InfiniteSource\(([^;]*?LIMIT \$N[^;]*?)\)/g, (whole, args: string) => {
    let a = args;
    const data = /DATA \\<([0-9a-fA-F\s]+)>/.exec(a);
    if (data) {
      const bytes = Uint8Array.from(data[1]!.replace(/\s+/g, '').match(/../g)!.map((h) => parseInt(h, 16)));
      a = a.replace(data[0], () => `DATA \\<${hex(resizeFrame(bytes, len))}>`);
      changed++;
    } else if (/LENGTH \d+/.test(a)) {
      a = a.replace(/LENGTH \d+/, `LENGTH ${len}`);
      changed++;
    }
    return whole.replace(args, () => a);
  });
  if (!changed) throw new Error('no InfiniteSource with LIMIT $N and LENGTH or DATA to resize');
  return out;
}

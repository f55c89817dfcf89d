// Capture files for the I/O element tests: pcapng written by hand (the
// engine only writes classic pcap), odd classic variants, temporary files.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture, type CapturedPacket } from '../../../host-engine/pcap.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'clickvm-io-'));
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

export interface NgPacket {
  ts: bigint; // in interface units
  data: Uint8Array;
  origLen?: number;
  iface?: number;
}

export interface NgOptions {
  bigEndian?: boolean;
  linkType?: number;
  /** if_tsresol option value (6 = microseconds, the default; 9 = nanoseconds). */
  tsresol?: number;
  /** Write the first packet as a Simple Packet Block. */
  simpleFirst?: boolean;
}

/** A pcapng file: section header, one interface, enhanced packet blocks. */
export function pcapng(packets: NgPacket[], o: NgOptions = {}): Uint8Array {
  const le = !o.bigEndian;
  const blocks: Uint8Array[] = [];
  const block = (type: number, body: Uint8Array) => {
    const len = 12 + ((body.length + 3) & ~3);
    const b = new Uint8Array(len);
    const v = new DataView(b.buffer);
    v.setUint32(0, type, le);
    v.setUint32(4, len, le);
    b.set(body, 8);
    v.setUint32(len - 4, len, le);
    blocks.push(b);
  };
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setUint16(6, 0, le);
  sv.setBigInt64(8, -1n, le);
  block(0x0a0d0d0a, shb);
  const idb = new Uint8Array(o.tsresol === undefined ? 8 : 8 + 8 + 4);
  const iv = new DataView(idb.buffer);
  iv.setUint16(0, o.linkType ?? 1, le);
  iv.setUint32(4, 65535, le);
  if (o.tsresol !== undefined) {
    iv.setUint16(8, 9, le);
    iv.setUint16(10, 1, le);
    idb[12] = o.tsresol;
    // end-of-options: code 0, length 0
  }
  block(1, idb);
  packets.forEach((p, i) => {
    if (i === 0 && o.simpleFirst) {
      const body = new Uint8Array(4 + p.data.length);
      new DataView(body.buffer).setUint32(0, p.origLen ?? p.data.length, le);
      body.set(p.data, 4);
      block(3, body);
      return;
    }
    const body = new Uint8Array(20 + p.data.length);
    const v = new DataView(body.buffer);
    v.setUint32(0, p.iface ?? 0, le);
    v.setUint32(4, Number(p.ts >> 32n), le);
    v.setUint32(8, Number(p.ts & 0xffffffffn), le);
    v.setUint32(12, p.data.length, le);
    v.setUint32(16, p.origLen ?? p.data.length, le);
    body.set(p.data, 20);
    block(6, body);
  });
  const total = blocks.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

/** A classic pcap file written big-endian (as by a SPARC or PowerPC tcpdump). */
export function bigEndianPcap(packets: CapturedPacket[], linkType = 1): Uint8Array {
  const le = writeCapture(packets, { linkType });
  const out = le.slice();
  const v = new DataView(out.buffer);
  const swap32 = (o: number) => v.setUint32(o, new DataView(le.buffer).getUint32(o, true), false);
  const swap16 = (o: number) => v.setUint16(o, new DataView(le.buffer).getUint16(o, true), false);
  swap32(0);
  swap16(4);
  swap16(6);
  swap32(8);
  swap32(12);
  swap32(16);
  swap32(20);
  let off = 24;
  for (const p of packets) {
    for (let k = 0; k < 16; k += 4) swap32(off + k);
    off += 16 + p.data.length;
  }
  return out;
}

export const bytes = (...xs: number[]) => Uint8Array.from(xs);
export const seq = (n: number, start = 0) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 255);

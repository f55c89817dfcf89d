// Helpers for checking the classification elements against Click's recorded
// conformance cases without the rest of the router: read a case's input and
// expected captures, and apply the preprocessing the case configurations do
// before the classifier (Classifier(12/0800) -> Strip(14) -> CheckIPHeader),
// emulating just what Click's CheckIPHeader does to a packet it passes.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../host-engine/pcap.js';
import { Packet } from '../../../host-engine/packet.js';

const here = dirname(fileURLToPath(import.meta.url));
export const conformanceDir = join(here, '..', '..', 'fixtures', 'conformance');

/** Frames of a case's in.pcap. */
export function inputFrames(caseName: string): Uint8Array[] {
  return readCapture(readFileSync(join(conformanceDir, caseName, 'in.pcap'))).packets.map((p) => p.data);
}

/** Frames of one expected output capture. */
export function expectedFrames(caseName: string, file: string): Uint8Array[] {
  return readCapture(readFileSync(join(conformanceDir, caseName, 'expected', file))).packets.map((p) => p.data);
}

/** The value of a handler line in a case's expected stdout (single-handler cases print the bare value). */
export function expectedStdout(caseName: string): string {
  return readFileSync(join(conformanceDir, caseName, 'expected', 'stdout.txt'), 'utf8');
}

function ipChecksumOk(b: Uint8Array, hlen: number): boolean {
  let sum = 0;
  for (let i = 0; i < hlen; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

/** A frame after Classifier(12/0800) -> Strip(14) -> CheckIPHeader, with the frame it came from. */
export interface Prepared {
  readonly frame: Uint8Array;
  readonly packet: Packet;
}

/**
 * Click's CheckIPHeader on a frame stripped of its 14-byte Ethernet header:
 * the packet it would pass on (IP header annotations set, trimmed to the IP
 * length), or undefined if it would drop it.
 */
export function checkIPHeader(frame: Uint8Array): Packet | undefined {
  if (frame.length < 14 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  const ip = frame.subarray(14);
  if (ip.length < 20) return undefined;
  if (ip[0]! >> 4 !== 4) return undefined;
  const hlen = (ip[0]! & 15) * 4;
  if (hlen < 20) return undefined;
  const len = (ip[2]! << 8) | ip[3]!;
  if (len > ip.length || len < hlen) return undefined;
  if (!ipChecksumOk(ip, hlen)) return undefined;
  const src = ((ip[12]! << 24) | (ip[13]! << 16) | (ip[14]! << 8) | ip[15]!) >>> 0;
  if (src === 0 || src === 0xffffffff) return undefined;
  const p = Packet.make(frame);
  p.setMacHeader(0);
  p.pull(14);
  p.setNetworkHeader(0, hlen);
  p.take(p.length - len);
  return p;
}

/** Every input frame of a case that reaches the classifier, in order. */
export function preparedInputs(caseName: string): Prepared[] {
  const out: Prepared[] = [];
  for (const frame of inputFrames(caseName)) {
    const packet = checkIPHeader(frame);
    if (packet) out.push({ frame, packet });
  }
  return out;
}

/** The bytes an Unstrip(14) after the classifier would write: the frame's Ethernet header and the (trimmed) IP packet. */
export function unstripped(p: Packet): Uint8Array {
  const hdr = p.buffer.subarray(p.dataOffset - 14, p.dataOffset);
  return Uint8Array.from([...hdr, ...p.data]);
}

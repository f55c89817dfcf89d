// Shared by the routing, ICMP, TCP/UDP and NAT conformance tests: read a
// conformance case's captures and stand in for the simple upstream elements
// those tests do not own (Classifier(12/0800), Strip(14), CheckIPHeader,
// DecIPTTL's TTL test, Unstrip(14)), following Click's code for each.

import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCapture } from '../../../host-engine/pcap.js';
import { Packet } from '../../../host-engine/packet.js';
import { checksum } from '../../../elements/lib/checksum.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/conformance');

/** The frames of a case's `in.pcap`, or of `expected/NAME.pcap` with `expected`. */
export function caseFrames(caseDir: string, file: string): Uint8Array[] {
  const path = join(casesDir, caseDir, file);
  return readCapture(new Uint8Array(readFileSync(path))).packets.map((p) => p.data);
}

export function caseExists(caseDir: string): boolean {
  return existsSync(join(casesDir, caseDir));
}

export function caseText(caseDir: string, file: string): string {
  return readFileSync(join(casesDir, caseDir, file), 'utf8');
}

/** Classifier(12/0800): an Ethernet frame carrying IPv4. */
export function isIPv4Frame(frame: Uint8Array): boolean {
  return frame.length >= 14 && frame[12] === 0x08 && frame[13] === 0x00;
}

/**
 * Strip(14) then CheckIPHeader with default arguments: returns the packet
 * with its IP header annotation, trimmed to the IP length, destination
 * annotation set; or the failure reason.
 */
export function stripAndCheckIP(frame: Uint8Array): Packet | string {
  const p = Packet.make(frame);
  p.pull(14);
  const d = p.data;
  const plen = d.length;
  if (plen < 20) return 'tiny packet';
  if (d[0]! >> 4 !== 4) return 'bad IP version';
  const hlen = (d[0]! & 15) << 2;
  if (hlen < 20) return 'bad IP header length';
  const len = (d[2]! << 8) | d[3]!;
  if (len > plen || len < hlen) return 'bad IP length';
  if (checksum(d, 0, hlen) !== 0) return 'bad IP checksum';
  p.setNetworkHeader(0, hlen);
  if (plen > len) p.take(plen - len);
  p.dstIP = ((d[16]! << 24) | (d[17]! << 16) | (d[18]! << 8) | d[19]!) >>> 0;
  return p;
}

/** The common front end: frames that reach the element under test after Classifier, Strip and CheckIPHeader. */
export function checkedIPPackets(frames: Uint8Array[]): Packet[] {
  const out: Packet[] = [];
  for (const f of frames) {
    if (!isIPv4Frame(f)) continue;
    const p = stripAndCheckIP(f);
    if (typeof p !== 'string') out.push(p);
  }
  return out;
}

/** Unstrip(14): the whole frame again (the Ethernet header is still in the headroom). */
export function unstrip(p: Packet): Uint8Array {
  p.push(14);
  return p.data.slice();
}

/** DecIPTTL: true if the TTL has expired (packet goes to output 1); otherwise decrements with Click's checksum update. */
export function decIPTTL(p: Packet): boolean {
  const at = p.networkHeaderOffset!;
  const d = p.writable();
  if (d[at + 8]! <= 1) return true;
  d[at + 8]!--;
  const sum = ((~((d[at + 10]! << 8) | d[at + 11]!)) & 0xffff) + 0xfeff;
  const v = ~(sum + (sum >>> 16)) & 0xffff;
  d[at + 10] = v >> 8;
  d[at + 11] = v & 255;
  return false;
}

export function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

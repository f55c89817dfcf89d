// Stand-ins for the simple upstream elements of Click's conformance
// configurations that a test does not exercise (Classifier(12/TYPE),
// Strip(14), CheckIPHeader, DecIPTTL, Unstrip(14)), each following Click's
// code, and stepping packets through harnesses one at a time so that packet
// order is Click's.

import type { HostElement } from '../../host-engine/element.js';
import { Packet } from '../../host-engine/packet.js';
import { checksum } from '../../elements/lib/checksum.js';
import type { Harness } from './element-harness.js';

/** Classifier(12/TYPE): frame long enough and with that Ethernet type. */
export function hasEtherType(frame: Uint8Array, type: number): boolean {
  return frame.length >= 14 && ((frame[12]! << 8) | frame[13]!) === type;
}

/** Classifier(12/0800): an Ethernet frame carrying IPv4. */
export function isIPv4Frame(frame: Uint8Array): boolean {
  return hasEtherType(frame, 0x0800);
}

/** A packet holding `frame`, with Strip(14) applied if `strip`. */
export function packet(frame: Uint8Array, strip = false): Packet {
  const p = Packet.make(frame);
  if (strip) p.pull(14);
  return p;
}

/**
 * Strip(14) then CheckIPHeader with default arguments: returns the packet
 * with its IP header annotation, trimmed to the IP length, destination
 * annotation set; or the failure reason.
 */
export function stripAndCheckIP(frame: Uint8Array): Packet | string {
  const p = packet(frame, true);
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

/** Unstrip(14): the whole frame again (the Ethernet header is still in the headroom), copied out. */
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

/** SetIPChecksum: the IP header checksum of the header at the start of `d`, recomputed. */
export function setIPChecksum(d: Uint8Array): void {
  const hl = (d[0]! & 15) << 2;
  d[10] = d[11] = 0;
  const sum = checksum(d, 0, hl);
  d[10] = sum >> 8;
  d[11] = sum & 255;
}

/** Push one packet into a harness and return what it emitted on each output. */
export function step<E extends HostElement>(h: Harness<E>, p: Packet, port = 0): Packet[][] {
  const before = h.outputs.map((o) => o.length);
  h.push(port, p);
  return h.outputs.map((o, i) => o.slice(before[i]));
}

/** Push packets through harnesses in series along output 0; returns what left the last one on output 0. */
export function chain(stages: Harness<HostElement>[], p: Packet): Packet[] {
  let current = [p];
  for (const h of stages) current = current.flatMap((q) => step(h, q)[0]!);
  return current;
}

// Helpers for running conformance-case captures through chains of element
// harnesses: read a case's captures, emulate the Classifier and Strip/Unstrip
// steps the test does not exercise, and push one packet at a time so packet
// order is Click's.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostElement } from '../../../host-engine/element.js';
import { Packet } from '../../../host-engine/packet.js';
import { readCapture } from '../../../host-engine/pcap.js';
import type { Harness } from '../../util/element-harness.js';

const casesDir = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/conformance');

/** Frames of `in.pcap` or of `expected/NAME.pcap`. */
export function frames(caseName: string, file: string): Uint8Array[] {
  return readCapture(new Uint8Array(readFileSync(join(casesDir, caseName, file)))).packets.map((p) => p.data);
}

export function caseText(caseName: string, file: string): string {
  return readFileSync(join(casesDir, caseName, file), 'utf8');
}

/** The value printed for a handler in a case's expected stdout (one or several handlers). */
export function expectedHandler(caseName: string, handler: string): string {
  const text = caseText(caseName, 'expected/stdout.txt');
  const m = new RegExp(`^${handler.replace('.', '\\.')}:\\n([^\\n]*)`, 'm').exec(text);
  return m ? m[1]! : text.trim();
}

/** Classifier(12/TYPE): frame long enough and with that Ethernet type. */
export function hasEtherType(frame: Uint8Array, type: number): boolean {
  return frame.length >= 14 && ((frame[12]! << 8) | frame[13]!) === type;
}

/** A packet holding `frame`, with Strip(14) applied if `strip`. */
export function packet(frame: Uint8Array, strip = false): Packet {
  const p = Packet.make(frame);
  if (strip) p.pull(14);
  return p;
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

/** Unstrip(14) and copy the bytes out. */
export function unstrip(p: Packet): Uint8Array {
  p.push(14);
  return p.data.slice();
}

export function hexOf(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

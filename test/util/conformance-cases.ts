// Click's recorded conformance cases (test/fixtures/conformance/NAME/): the
// input capture, the expected captures and the handler values Click printed,
// for element tests that run single elements on the original's traffic.

import { readFileSync } from 'node:fs';
import { readCapture } from '../../host-engine/pcap.js';
import { Packet } from '../../host-engine/packet.js';
import { toHex } from './packets.js';

const casesDir = new URL('../fixtures/conformance/', import.meta.url);

function casePath(name: string, file: string): URL {
  return new URL(`${name}/${file}`, casesDir);
}

/** The frames of a capture in a case folder: `in.pcap`, or e.g. `expected/s0.pcap`. */
export function caseFrames(name: string, file = 'in.pcap'): Uint8Array[] {
  return readCapture(new Uint8Array(readFileSync(casePath(name, file)))).packets.map((p) => p.data);
}

/** The case input as fresh host packets, timestamps set from the capture. */
export function casePackets(name: string): Packet[] {
  return readCapture(new Uint8Array(readFileSync(casePath(name, 'in.pcap')))).packets.map((c) => {
    const p = Packet.make(c.data);
    p.tsSec = c.tsSec;
    p.tsNsec = c.tsNsec;
    return p;
  });
}

export function caseText(name: string, file: string): string {
  return readFileSync(casePath(name, file), 'utf8');
}

/** Handler values Click printed (`name:` then the value, blank-line separated). */
export function expectedHandlers(name: string): Record<string, string> {
  const text = caseText(name, 'expected/stdout.txt');
  const out: Record<string, string> = {};
  const re = /^(\S+):\n([\s\S]*?)\n\n/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[2]!;
  return out;
}

/** The first line printed for one handler, or the whole (trimmed) output when it does not name the handler. */
export function expectedHandler(name: string, handler: string): string {
  const text = caseText(name, 'expected/stdout.txt');
  const m = new RegExp(`^${handler.replace('.', '\\.')}:\\n([^\\n]*)`, 'm').exec(text);
  return m ? m[1]! : text.trim();
}

/** Packet data as hex strings, for readable comparisons. */
export function hexAll(list: readonly { data: Uint8Array }[] | readonly Uint8Array[]): string[] {
  return list.map((x) => toHex(x instanceof Uint8Array ? x : x.data));
}

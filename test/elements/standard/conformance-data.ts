// Frames of Click's conformance cases, for running standard elements on the
// same traffic as the original and comparing with its outputs.

import { readFileSync } from 'node:fs';
import { readCapture } from '../../../host-engine/pcap.js';
import { Packet } from '../../../host-engine/packet.js';

const dir = new URL('../../fixtures/conformance/', import.meta.url);

function caseDir(id: string): URL {
  return new URL(`${id}/`, dir);
}

/** The frames of a capture in a case folder, e.g. frames('17-load-balance', 'expected/s0.pcap'). */
export function frames(caseId: string, file = 'in.pcap'): Uint8Array[] {
  return readCapture(new Uint8Array(readFileSync(new URL(file, caseDir(caseId))))).packets.map((p) => p.data);
}

/** The case input as fresh host packets, timestamps set from the capture. */
export function inputPackets(caseId: string): Packet[] {
  const cap = readCapture(new Uint8Array(readFileSync(new URL('in.pcap', caseDir(caseId)))));
  return cap.packets.map((c) => {
    const p = Packet.make(c.data);
    p.tsSec = c.tsSec;
    p.tsNsec = c.tsNsec;
    return p;
  });
}

/** Handler values Click printed (`name:` then value, blank-line separated). */
export function expectedHandlers(caseId: string): Record<string, string> {
  const text = readFileSync(new URL('expected/stdout.txt', caseDir(caseId)), 'utf8');
  const out: Record<string, string> = {};
  const re = /^(\S+):\n([\s\S]*?)\n\n/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]!] = m[2]!;
  return out;
}

/** Packet data as hex strings, for readable comparisons. */
export function hexAll(list: readonly { data: Uint8Array }[] | readonly Uint8Array[]): string[] {
  return list.map((x) => Buffer.from(x instanceof Uint8Array ? x : x.data).toString('hex'));
}

// Comparing a run's outputs with Click's recorded ones, per the conformance
// README: pcaps packet by packet and byte for byte (timestamps and file
// headers aside, minus the documented exemptions), handler output exactly,
// and the `Print` lines of standard error.

import { readFileSync } from 'node:fs';
import { readCapture } from '../../host-engine/pcap.js';

export interface Exemption {
  readonly case: string;
  readonly file: string;
  readonly packet: number;
  readonly bytes: readonly [number, number];
  readonly reason: string;
}

export function loadExemptions(path: string): Exemption[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { exemptions: Exemption[] }).exemptions;
}

const hex = (b: Uint8Array, from = 0, to = b.length) => Buffer.from(b.subarray(from, to)).toString('hex');

/**
 * Differences between two captures, described for a human: a count
 * mismatch, then up to `limit` packets whose lengths or bytes differ (first
 * differing offset and the bytes around it). Empty when they match.
 */
export function comparePcaps(expectedBytes: Uint8Array, actualBytes: Uint8Array, exempt: readonly Exemption[] = [], limit = 5): string[] {
  const exp = readCapture(expectedBytes).packets;
  const act = readCapture(actualBytes).packets;
  const problems: string[] = [];
  if (exp.length !== act.length) problems.push(`expected ${exp.length} packets, got ${act.length}`);
  let shown = 0;
  let more = 0;
  for (let i = 0; i < Math.min(exp.length, act.length); i++) {
    const e = exp[i]!.data;
    const a = act[i]!.data;
    const skip = exempt.filter((x) => x.packet === i);
    const exempted = (off: number) => skip.some((x) => off >= x.bytes[0] && off < x.bytes[1]);
    let diff = -1;
    if (e.length !== a.length) diff = -2;
    else for (let k = 0; k < e.length; k++) if (e[k] !== a[k] && !exempted(k)) { diff = k; break; }
    if (diff === -1) continue;
    if (shown >= limit) {
      more++;
      continue;
    }
    shown++;
    if (diff === -2) problems.push(`packet ${i}: expected ${e.length} bytes, got ${a.length}\n  expected ${hex(e, 0, 64)}\n  got      ${hex(a, 0, 64)}`);
    else {
      const from = Math.max(0, diff - 8);
      const to = Math.min(e.length, diff + 24);
      problems.push(`packet ${i} (${e.length} bytes): first difference at byte ${diff}\n  expected [${from}..${to}) ${hex(e, from, to)}\n  got      [${from}..${to}) ${hex(a, from, to)}`);
    }
  }
  if (more) problems.push(`... and ${more} more differing packets`);
  return problems;
}

/**
 * Lines Click's `Print` writes: `LABEL: LEN | HEX...` (the label may be absent
 * or carry a timestamp); the hex groups have an even number of digits, which
 * keeps source excerpts of diagnostics (` 8 | text`) out.
 */
export const PRINT_LINE = /^(?:.*: )?\s*\d+ \|(?: (?:[0-9a-f]{2})+)*$/;

export function printLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => PRINT_LINE.test(l));
}

/** The first line where two line lists differ, for a short report. */
export function firstLineDifference(expected: readonly string[], actual: readonly string[]): string | undefined {
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    if (expected[i] !== actual[i]) {
      return `line ${i + 1} of ${expected.length} expected / ${actual.length} produced:\n  expected ${JSON.stringify(expected[i] ?? '<none>')}\n  got      ${JSON.stringify(actual[i] ?? '<none>')}`;
    }
  }
  return undefined;
}

// Click's time as the elements see it, on engine time in nanoseconds.
//
// Text: timestamps print as seconds with 6 fractional digits when they fall
// on a whole microsecond and 9 otherwise (Click built with nanosecond
// timestamps, as the reference outputs were), intervals as `500ms`, `20us`,
// `1.500000s`. Packets carry their time as seconds and nanoseconds.
//
// Jiffies: Click's user-level clock for rate elements counts milliseconds
// (CLICK_HZ = 1000) in an unsigned 32-bit counter, taken from the engine
// clock so that simulated-time runs are reproducible.

import { ANNO, type Packet } from '../../host-engine/packet.js';

const NS_PER_SEC = 1_000_000_000n;

/** Click's Timestamp text for a time given as seconds and nanoseconds. */
export function formatTimestamp(sec: number, nsec: number): string {
  let s = sec;
  let n = nsec;
  let sign = '';
  if (s < 0) {
    sign = '-';
    if (n === 0) s = -s;
    else {
      s = -s - 1;
      n = 1e9 - n;
    }
  }
  const frac = n % 1000 === 0 ? String(n / 1000).padStart(6, '0') : String(n).padStart(9, '0');
  return `${sign}${s}.${frac}`;
}

/** Click's Timestamp text for a time in nanoseconds. */
export function formatTimestampNs(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  let sec = Number(abs / NS_PER_SEC);
  let nsec = Number(abs % NS_PER_SEC);
  if (neg) {
    // Negative times are whole seconds below zero plus a positive fraction.
    if (nsec === 0) sec = -sec;
    else {
      sec = -sec - 1;
      nsec = 1e9 - nsec;
    }
  }
  return formatTimestamp(sec, nsec);
}

/** Click's interval text: `0s`-less forms below one second (`500ms`, `20us`, `7ns`), else `1.500000s`. */
export function formatInterval(ns: bigint): string {
  if (ns >= 0n && ns < NS_PER_SEC) {
    if (ns % 1_000_000n === 0n) return `${ns / 1_000_000n}ms`;
    if (ns % 1000n === 0n) return `${ns / 1000n}us`;
    return `${ns}ns`;
  }
  return `${formatTimestampNs(ns)}s`;
}

/** A packet's timestamp in nanoseconds. */
export function packetTimeNs(p: Packet): bigint {
  return BigInt(p.tsSec) * NS_PER_SEC + BigInt(p.tsNsec);
}

/** Stamp a packet with a time in nanoseconds (sources stamp with `env.now()`). */
export function setPacketTimeNs(p: Packet, ns: bigint): void {
  p.tsSec = Number(ns / NS_PER_SEC);
  p.tsNsec = Number(ns % NS_PER_SEC);
}

/** The FIRST_TIMESTAMP annotation (seconds, then nanoseconds) in nanoseconds. */
export function firstTimestampNs(p: Packet): bigint {
  return BigInt(p.annoU32(ANNO.FIRST_TIMESTAMP)) * NS_PER_SEC + BigInt(p.annoU32(ANNO.FIRST_TIMESTAMP + 4));
}

export function setFirstTimestampNs(p: Packet, ns: bigint): void {
  p.setAnnoU32(ANNO.FIRST_TIMESTAMP, Number(ns / NS_PER_SEC));
  p.setAnnoU32(ANNO.FIRST_TIMESTAMP + 4, Number(ns % NS_PER_SEC));
}

/**
 * An absolute time written as seconds since the epoch, `1234.5` (Click's
 * cp_time), to nanoseconds. Returns undefined for malformed text.
 */
export function parseTimestamp(text: string): bigint | undefined {
  const m = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const whole = BigInt(m[2] || '0');
  const frac = (m[3] ?? '').slice(0, 9).padEnd(9, '0');
  const ns = whole * NS_PER_SEC + BigInt(frac);
  return m[1] === '-' ? -ns : ns;
}

/** Jiffies per second at user level. */
export const CLICK_HZ = 1000;

const NS_PER_JIFFY = 1_000_000n;

/** The jiffy counter (unsigned 32-bit, wrapping) at engine time `nowNs`. */
export function jiffiesAt(nowNs: bigint): number {
  return Number((nowNs / NS_PER_JIFFY) & 0xffffffffn);
}

/** Nanoseconds in `ticks` jiffies (Timestamp::make_jiffies). */
export function jiffiesToNs(ticks: number): bigint {
  return BigInt(ticks >>> 0) * NS_PER_JIFFY;
}

// Building blocks of the example captures: a seeded random generator and a
// capture (a list of timestamped Ethernet frames written as classic pcap).
//
// Captures start at 10^9 seconds (2001-09-09 01:46:40 UTC), the instant at
// which `clickvm run --simtime` starts its clock. A configuration that replays
// a capture with FromDump(..., TIMING true) under --simtime therefore sees each
// packet at exactly its capture time, and packets the router makes itself (ARP
// queries, ICMP errors) carry timestamps on the same scale.

import { writeCapture, type CapturedPacket } from '../../host-engine/pcap.js';
import { Xorshift32 } from '../../host-engine/random.js';

/** Seconds since the Unix epoch at which every capture starts (the --simtime epoch). */
export const EPOCH_SEC = 1_000_000_000;

/** Deterministic random choices (xorshift32, the engine's generator, with an example's own seed). */
export class Rng {
  private readonly gen: Xorshift32;
  constructor(seed: number) {
    this.gen = new Xorshift32(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.gen.next() / 0x1_0000_0000;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** An exponentially distributed wait with the given mean (Poisson arrivals), rounded to whole units. */
  exp(mean: number): number {
    return Math.max(1, Math.round(-Math.log(1 - this.float()) * mean));
  }

  /** n bytes of noise (encrypted payloads, file contents). */
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.gen.next();
      for (let k = 0; k < 4 && i + k < n; k++) b[i + k] = (v >>> (8 * k)) & 255;
    }
    return b;
  }
}

interface Stamped {
  readonly us: number;
  readonly order: number;
  readonly data: Uint8Array;
}

/** One capture file: frames at microsecond offsets from EPOCH_SEC, written in time order. */
export class Capture {
  private readonly frames: Stamped[] = [];

  constructor(readonly path: string) {}

  /** Add a frame seen `us` microseconds after the start. Frames at the same instant keep insertion order. */
  add(us: number, data: Uint8Array): void {
    if (!Number.isInteger(us) || us < 0) throw new RangeError(`bad capture time ${us}`);
    this.frames.push({ us, order: this.frames.length, data });
  }

  get size(): number {
    return this.frames.length;
  }

  /** The frames in time order. */
  sorted(): readonly Stamped[] {
    return [...this.frames].sort((a, b) => a.us - b.us || a.order - b.order);
  }

  /** The classic little-endian microsecond pcap file, link type Ethernet. */
  bytes(): Uint8Array {
    const packets: CapturedPacket[] = this.sorted().map((f) => ({
      tsSec: EPOCH_SEC + Math.floor(f.us / 1_000_000),
      tsNsec: (f.us % 1_000_000) * 1000,
      origLen: f.data.length,
      data: f.data,
    }));
    return writeCapture(packets);
  }
}

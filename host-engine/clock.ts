// Engine time. Real time follows the wall clock. Simulated time (`--simtime`)
// starts at a fixed epoch, stands still while tasks run, and jumps to the next
// timer's expiry when nothing else can run, so time- and rate-based elements
// produce the same result on every run and every machine.

/** Click's default simulated start: 1000000000 seconds after the Unix epoch. */
export const SIMTIME_EPOCH_NS = 1_000_000_000n * 1_000_000_000n;

export interface Clock {
  readonly simulated: boolean;
  /** Nanoseconds since the Unix epoch. */
  now(): bigint;
  /**
   * Nothing can run before `ns`: simulated time jumps there; real time
   * sleeps until then (synchronously).
   */
  waitUntil(ns: bigint): void;
}

export class SimClock implements Clock {
  readonly simulated = true;
  private t: bigint;

  constructor(startNs: bigint = SIMTIME_EPOCH_NS) {
    this.t = startNs;
  }
  now(): bigint {
    return this.t;
  }
  waitUntil(ns: bigint): void {
    // Time never goes backwards, even for a timer scheduled in the past.
    if (ns > this.t) this.t = ns;
  }
}

export class RealClock implements Clock {
  readonly simulated = false;
  private readonly wallAtStart = BigInt(Date.now()) * 1_000_000n;
  private readonly hrAtStart = process.hrtime.bigint();
  private sleeper: Int32Array | undefined;

  now(): bigint {
    return this.wallAtStart + (process.hrtime.bigint() - this.hrAtStart);
  }

  waitUntil(ns: bigint): void {
    const ms = Number(ns - this.now()) / 1e6;
    if (ms <= 0) return;
    // Atomics.wait blocks this thread without spinning; the run is synchronous.
    this.sleeper ??= new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(this.sleeper, 0, 0, Math.ceil(ms));
  }
}

// The IP-to-Ethernet table behind ARPQuerier (Click's ARPTable): entries in
// age order, each with the packets waiting for its answer, expiry after a
// timeout, capacity limits on entries and waiting packets, and the rate
// limit on queries. Times are in milliseconds (Click's jiffies at
// CLICK_HZ = 1000).

import type { Packet } from '../../host-engine/packet.js';

export const HZ = 1000;

export interface ARPCacheLimits {
  /** Most packets waiting in the whole table; 0 = unlimited. */
  capacity: number;
  /** Most entries; 0 = unlimited. */
  entryCapacity: number;
  /** Most packets waiting for one entry; 0 = unlimited. */
  entryPacketCapacity: number;
  /** When over capacity, waiting packets are cut to capacity - capacity/slimFactor. */
  slimFactor: number;
  /** Entry lifetime in ms; 0 = forever. */
  timeoutMs: number;
}

export interface ARPCacheEntry {
  readonly ip: number;
  eth: Uint8Array;
  known: boolean;
  polls: number;
  liveAt: number;
  polledAt: number;
  queue: Packet[];
}

export const EAGAIN = -11;
export const ENOMEM = -12;

function isBroadcast(e: Uint8Array): boolean {
  return e.every((b) => b === 255);
}

export class ARPCache {
  private readonly byIP = new Map<number, ARPCacheEntry>();
  /** Entries, oldest first. */
  private age: ARPCacheEntry[] = [];
  packetCount = 0;
  drops = 0;

  /** `kill` disposes of packets the table drops (expiry, capacity). */
  constructor(readonly limits: ARPCacheLimits, private readonly kill: (p: Packet) => void) {}

  get entryCount(): number {
    return this.byIP.size;
  }

  /** Packets waiting in the table right now. */
  get waiting(): number {
    let n = 0;
    for (const e of this.age) n += e.queue.length;
    return n;
  }

  expired(e: ARPCacheEntry, now: number): boolean {
    return this.limits.timeoutMs !== 0 && e.liveAt + this.limits.timeoutMs < now;
  }

  isKnown(e: ARPCacheEntry, now: number): boolean {
    return e.known && !this.expired(e, now);
  }

  private static allowPoll(e: ARPCacheEntry, now: number): boolean {
    return now >= e.polledAt + (e.polls >= 10 ? HZ * 2 : HZ / 10);
  }

  private static markPoll(e: ARPCacheEntry, now: number): void {
    e.polledAt = now;
    if (e.polls < 255) e.polls++;
  }

  /**
   * The Ethernet address of a known, unexpired entry, with `poll` true when
   * the entry is old enough (pollTimeoutMs, 0 = never) that a renewal query
   * should be sent now.
   */
  lookup(ip: number, now: number, pollTimeoutMs: number): { eth: Uint8Array; poll: boolean } | undefined {
    const e = this.byIP.get(ip);
    if (!e || !this.isKnown(e, now)) return undefined;
    if (pollTimeoutMs && now >= e.liveAt + pollTimeoutMs && ARPCache.allowPoll(e, now)) {
      ARPCache.markPoll(e, now);
      return { eth: e.eth, poll: true };
    }
    return { eth: e.eth, poll: false };
  }

  private ensure(ip: number, now: number): ARPCacheEntry {
    let e = this.byIP.get(ip);
    if (!e) {
      // Click counts the new entry before making room for it.
      if (this.limits.entryCapacity && this.byIP.size + 1 > this.limits.entryCapacity) this.slim(now, 1);
      e = { ip, eth: Uint8Array.of(255, 255, 255, 255, 255, 255), known: false, polls: 0, liveAt: now, polledAt: now - HZ, queue: [] };
      this.byIP.set(ip, e);
      this.age.push(e);
    }
    return e;
  }

  /**
   * Record ip → eth (a broadcast eth makes the entry unknown). With
   * takeWaiting, returns the packets that were waiting and empties the
   * queue; otherwise they stay queued (Click's insert handler).
   */
  insert(ip: number, eth: Uint8Array, now: number, takeWaiting = true): Packet[] {
    const e = this.ensure(ip, now);
    e.eth = eth;
    e.known = !isBroadcast(eth);
    e.liveAt = now;
    e.polls = 0;
    e.polledAt = now - HZ;
    const i = this.age.indexOf(e);
    if (i !== this.age.length - 1) {
      this.age.splice(i, 1);
      this.age.push(e);
    }
    if (!takeWaiting) return [];
    const waiting = e.queue;
    e.queue = [];
    this.packetCount -= waiting.length;
    return waiting;
  }

  /**
   * Queue p until ip is answered. Returns EAGAIN if ip is known after all,
   * ENOMEM if p could not be queued (the caller disposes of it), 1 if a query
   * should be sent now, 0 if one was sent recently.
   */
  appendQuery(ip: number, p: Packet, now: number): number {
    const e = this.ensure(ip, now);
    if (this.isKnown(e, now)) return EAGAIN;

    // Keep an entry we are still asking about just short of expiring, so the
    // slimming below cannot delete it; move it to its place in age order.
    if (this.limits.timeoutMs) {
      const liveMin = now - this.limits.timeoutMs;
      if (e.liveAt < liveMin) {
        e.liveAt = liveMin;
        const i = this.age.indexOf(e);
        let j = i + 1;
        while (j < this.age.length && this.age[j]!.liveAt < e.liveAt) j++;
        if (j !== i + 1) {
          this.age.splice(j, 0, e);
          this.age.splice(i, 1);
        }
      }
    }

    if (this.limits.entryPacketCapacity && e.queue.length >= this.limits.entryPacketCapacity) {
      this.drops++;
      return ENOMEM;
    }
    this.packetCount++;
    if (this.limits.capacity && this.packetCount > this.limits.capacity) this.slim(now, 0);
    if (this.byIP.get(ip) !== e) {
      this.packetCount--;
      return ENOMEM;
    }
    e.queue.push(p);
    if (ARPCache.allowPoll(e, now)) {
      ARPCache.markPoll(e, now);
      return 1;
    }
    return 0;
  }

  /**
   * Remove expired entries (and, over the entry capacity, the oldest ones)
   * with their waiting packets, then drop the oldest waiting packets while
   * over the packet capacity. `pendingEntries` counts an entry about to be added.
   */
  slim(now: number, pendingEntries = 0): void {
    const { entryCapacity, capacity, slimFactor } = this.limits;
    for (;;) {
      const e = this.age[0];
      if (!e || !(this.expired(e, now) || (entryCapacity && this.byIP.size + pendingEntries > entryCapacity))) break;
      this.age.shift();
      this.byIP.delete(e.ip);
      this.dropQueue(e, e.queue.length);
    }
    if (capacity && this.packetCount > capacity) {
      let slimCapacity = capacity - Math.floor(capacity / slimFactor);
      if (slimCapacity === 0) slimCapacity = 1;
      for (let i = 0; i < this.age.length && this.packetCount > slimCapacity; i++) {
        this.dropQueue(this.age[i]!, this.packetCount - slimCapacity);
      }
    }
  }

  private dropQueue(e: ARPCacheEntry, n: number): void {
    const victims = e.queue.splice(0, Math.min(n, e.queue.length));
    for (const p of victims) {
      this.kill(p);
      this.packetCount--;
      this.drops++;
    }
  }

  /** Remove every entry, dropping the waiting packets. */
  clear(): void {
    for (const e of this.age) this.dropQueue(e, e.queue.length);
    this.age = [];
    this.byIP.clear();
    this.packetCount = 0;
  }

  /**
   * Hot reconfiguration: move every entry of `other` (in age order, with the
   * packets waiting on it) and its counts into this empty table; `other` is
   * left empty. Returns how many waiting packets came along.
   */
  takeFrom(other: ARPCache): number {
    if (this.byIP.size > 0) throw new Error('late take_state: the ARP table has entries');
    for (const e of other.age) this.byIP.set(e.ip, e);
    this.age = other.age;
    this.packetCount = other.packetCount;
    this.drops = other.drops;
    other.age = [];
    other.byIP.clear();
    other.packetCount = 0;
    let moved = 0;
    for (const e of this.age) moved += e.queue.length;
    return moved;
  }

  /** Entries oldest first. */
  entries(): readonly ARPCacheEntry[] {
    return this.age;
  }
}

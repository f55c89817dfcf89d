// Tasks and timers of the host engine.
//
// Tasks run round-robin, as in Click: the scheduler takes the task at the
// front of the run queue off the queue and runs it; a task that wants to run
// again schedules itself, which puts it at the back. Scheduling a task that
// is already queued keeps its place.
//
// Timers fire in order of expiry; timers with the same expiry fire in the
// order they were scheduled. Rescheduling a timer gives it a new place.

import type { Out, Task, Timer } from './element.js';

export class TaskImpl implements Task {
  scheduled = false;
  /** Run-queue links (intrusive doubly linked list). */
  prev: TaskImpl | undefined;
  next: TaskImpl | undefined;

  constructor(
    private readonly queue: TaskQueue,
    /** Index of the owning element. */
    readonly owner: number,
  ) {}

  schedule(): void {
    if (!this.scheduled) this.queue.append(this);
  }
  unschedule(): void {
    if (this.scheduled) this.queue.remove(this);
  }
}

export class TaskQueue {
  private head: TaskImpl | undefined;
  private tail: TaskImpl | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  create(owner: number): TaskImpl {
    return new TaskImpl(this, owner);
  }

  append(t: TaskImpl): void {
    t.scheduled = true;
    t.prev = this.tail;
    t.next = undefined;
    if (this.tail) this.tail.next = t;
    else this.head = t;
    this.tail = t;
    this.count++;
  }

  remove(t: TaskImpl): void {
    if (t.prev) t.prev.next = t.next;
    else this.head = t.next;
    if (t.next) t.next.prev = t.prev;
    else this.tail = t.prev;
    t.prev = t.next = undefined;
    t.scheduled = false;
    this.count--;
  }

  /** Take the front task off the queue (it is then unscheduled), or undefined if none is scheduled. */
  shift(): TaskImpl | undefined {
    const t = this.head;
    if (t) this.remove(t);
    return t;
  }
}

export class TimerImpl implements Timer {
  scheduled = false;
  expiry = 0n;
  /** Scheduling sequence number of the live heap entry; older entries are stale. */
  seq = 0;

  constructor(
    private readonly queue: TimerQueue,
    /** Index of the owning element. */
    readonly owner: number,
    readonly fire: (out: Out) => void,
  ) {}

  scheduleAt(ns: bigint): void {
    this.queue.schedule(this, ns);
  }
  scheduleAfter(ns: bigint): void {
    this.queue.schedule(this, this.queue.now() + ns);
  }
  unschedule(): void {
    // The heap entry stays behind and is skipped when it reaches the top.
    if (this.scheduled) this.queue.noteUnscheduled();
    this.scheduled = false;
  }
}

interface HeapEntry {
  readonly expiry: bigint;
  readonly seq: number;
  readonly timer: TimerImpl;
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.expiry < b.expiry || (a.expiry === b.expiry && a.seq < b.seq);
}

export class TimerQueue {
  private heap: HeapEntry[] = [];
  private nextSeq = 1;
  private live = 0;

  constructor(readonly now: () => bigint) {}

  create(owner: number, fire: (out: Out) => void): TimerImpl {
    return new TimerImpl(this, owner, fire);
  }

  /** Number of scheduled timers. */
  get size(): number {
    return this.live;
  }

  /** The sequence number the next scheduling will get; timers scheduled from now on have seq >= it. */
  get seqMark(): number {
    return this.nextSeq;
  }

  schedule(t: TimerImpl, expiry: bigint): void {
    if (!t.scheduled) this.live++;
    t.scheduled = true;
    t.expiry = expiry;
    t.seq = this.nextSeq++;
    this.push({ expiry, seq: t.seq, timer: t });
  }

  noteUnscheduled(): void {
    this.live--;
  }

  /** Expiry of the earliest scheduled timer, or undefined. */
  peekExpiry(): bigint | undefined {
    this.dropStale();
    return this.heap[0]?.expiry;
  }

  /**
   * Take the earliest timer off the queue if it expires at or before `now`
   * and was scheduled before `seqLimit` (so a timer that reschedules itself
   * for "now" waits for the next pass instead of starving the tasks).
   */
  popDue(now: bigint, seqLimit: number): TimerImpl | undefined {
    this.dropStale();
    const top = this.heap[0];
    if (!top || top.expiry > now || top.seq >= seqLimit) return undefined;
    this.pop();
    top.timer.scheduled = false;
    this.live--;
    return top.timer;
  }

  private dropStale(): void {
    for (;;) {
      const top = this.heap[0];
      if (!top || (top.timer.scheduled && top.timer.seq === top.seq)) return;
      this.pop();
    }
  }

  private push(e: HeapEntry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

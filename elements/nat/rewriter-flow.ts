// Mappings of the rewriters (Click's IPRewriterFlow and IPRewriterEntry)
// and the expiry heaps they live in (Click's IPRewriterHeap).
//
// A flow holds two entries: the forward one, keyed by the original flow ID,
// and the reply one, keyed by the reverse of the rewritten flow ID. Each
// entry knows its output port. The flow also holds checksum deltas, so
// rewriting a packet updates its checksums incrementally exactly as Click
// does, and an expiry time in jiffies (milliseconds).
//
// Flows sit in one of two binary heaps ordered by expiry: guaranteed flows
// (still within their guarantee after the last packet) and best-effort
// ones. Reaping and capacity eviction take the earliest expiry first, with
// Click's heap algorithms so ties break the same way.

import { incrementalUpdate } from '../lib/transport-checksum.js';
import { flowKey, flowWords, reverseFlow, type FlowID } from './flow-id.js';
import { SeqDeltas } from './tcp-seq-delta.js';

export interface Entry {
  readonly flowid: FlowID;
  readonly key: string;
  readonly output: number;
  /** false: forward (original) direction; true: reply direction. */
  readonly direction: boolean;
  readonly flow: Flow;
}

/** What a flow needs from the input spec that made it (Click's IPRewriterInput). */
export interface FlowOwner {
  /** The rewriter that owns the flow's maps. */
  readonly rewriter: FlowHost;
  readonly inputNumber: number;
  count: number;
  failures: number;
}

/** The rewriter side of a flow: how to forget it and when it expires when its guarantee ends. */
export interface FlowHost {
  destroyFlow(flow: Flow): void;
  bestEffortExpiry(flow: Flow): number;
}

export class Flow {
  readonly e: [Entry, Entry];
  readonly ipCsumDelta: number;
  readonly udpCsumDelta: number;
  expiry: number;
  guaranteed: boolean;
  /** Position in its heap. */
  place = 0;
  /** Connection state bits (TCP done/data flags, UDP packet counts). */
  tflags = 0;
  replyAnno = 0;
  /** TCP sequence-number deltas, once an element (FTPPortMapper) sets one. */
  dt?: SeqDeltas;

  constructor(
    readonly owner: FlowOwner,
    flowid: FlowID,
    rewritten: FlowID,
    foutput: number,
    routput: number,
    /** IP protocol for TCP/UDP/ICMP echo flows, 0 for address-only flows. */
    readonly ipP: number,
    guaranteed: boolean,
    expiry: number,
  ) {
    const reply = reverseFlow(rewritten);
    this.e = [
      { flowid, key: flowKey(flowid), output: foutput, direction: false, flow: this },
      { flowid: reply, key: flowKey(reply), output: routput, direction: true, flow: this },
    ];
    this.guaranteed = guaranteed;
    this.expiry = expiry;
    // Click folds the word changes into a checksum-like delta, addresses first, then ports.
    const from = flowWords(flowid);
    const to = flowWords(rewritten);
    let ip = 0;
    for (let i = 0; i < 4; i++) ip = incrementalUpdate(ip, from[i]!, to[i]!);
    let udp = ip;
    for (let i = 4; i < 6; i++) udp = incrementalUpdate(udp, from[i]!, to[i]!);
    this.ipCsumDelta = ip;
    // An ICMP echo's checksum covers only its identifier (the source port), no pseudo-header.
    this.udpCsumDelta = ipP === 1 ? incrementalUpdate(0, flowid.sport, rewritten.sport) : udp;
  }

  /** The flow ID packets of `direction` are rewritten to. */
  rewrittenFlowid(direction: boolean): FlowID {
    return reverseFlow(this.e[direction ? 0 : 1].flowid);
  }

  /**
   * From sequence number `trigger` on, this direction's stream is `delta`
   * bytes longer (Click's update_seqno_delta). False if the trigger lies
   * before the latest one.
   */
  updateSeqnoDelta(direction: boolean, trigger: number, delta: number): boolean {
    this.dt ??= new SeqDeltas();
    return this.dt.update(direction ? 1 : 0, trigger, delta);
  }

  expired(now: number): boolean {
    return !(now < this.expiry);
  }
}

/** Apply a flow's checksum delta to the 16-bit field value `sum` (Click's update_csum). */
export function applyDelta(sum: number, direction: boolean, delta: number): number {
  if (!delta) return sum;
  return incrementalUpdate(sum, 0, direction ? delta : ~delta & 0xffff);
}

/** The two expiry heaps and the capacity, possibly shared by several rewriters. */
export class FlowHeap {
  /** [best effort, guaranteed]. */
  readonly heaps: [Flow[], Flow[]] = [[], []];
  capacity = 0x7fffffff;

  get size(): number {
    return this.heaps[0].length + this.heaps[1].length;
  }

  insert(flow: Flow): void {
    const h = this.heaps[flow.guaranteed ? 1 : 0];
    h.push(flow);
    siftUp(h, h.length - 1);
  }

  /** Take a flow out of its heap (Click's remove_heap + pop_back). */
  remove(flow: Flow): void {
    const h = this.heaps[flow.guaranteed ? 1 : 0];
    const i = flow.place;
    const last = h.length - 1;
    if (i !== last) {
      h[i] = h[last]!;
      h[i]!.place = i;
      h.pop();
      reposition(h, i);
    } else h.pop();
  }

  /** Set a flow's expiry, moving it between the heaps if its guarantee changes (Click's change_expiry). */
  changeExpiry(flow: Flow, guaranteed: boolean, expiry: number): void {
    flow.expiry = expiry;
    if (flow.guaranteed !== guaranteed) {
      this.remove(flow);
      flow.guaranteed = guaranteed;
      this.insert(flow);
    } else reposition(this.heaps[guaranteed ? 1 : 0], flow.place);
  }
}

function less(a: Flow, b: Flow): boolean {
  return a.expiry < b.expiry;
}

function siftUp(h: Flow[], i: number): number {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(h[i]!, h[parent]!)) break;
    [h[i], h[parent]] = [h[parent]!, h[i]!];
    h[i]!.place = i;
    i = parent;
  }
  h[i]!.place = i;
  return i;
}

/** Click's change_heap: move element i up or down to its place. */
function reposition(h: Flow[], i: number): void {
  i = siftUp(h, i);
  for (;;) {
    let smallest = i;
    const trial = i * 2 + 1;
    if (trial < h.length && less(h[trial]!, h[smallest]!)) smallest = trial;
    if (trial + 1 < h.length && less(h[trial + 1]!, h[smallest]!)) smallest = trial + 1;
    if (smallest === i) break;
    [h[i], h[smallest]] = [h[smallest]!, h[i]!];
    h[i]!.place = i;
    i = smallest;
  }
  h[i]!.place = i;
}

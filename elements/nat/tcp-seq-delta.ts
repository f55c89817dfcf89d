// Sequence-number deltas of a TCP flow (Click's TCPFlow delta transitions).
//
// An element that changes a TCP stream's length (FTPPortMapper rewriting a
// PORT command) records, per direction, "from sequence number TRIGGER on,
// add DELTA". Packets of that direction get their sequence numbers moved,
// packets of the other direction their acknowledgements (and SACK blocks)
// moved back. The transitions form a list, newest first; each node holds a
// delta for both directions and says, per direction, whether it has a
// trigger. Old transitions (2^30 behind) are dropped. The list manipulation
// follows Click's exactly, since which delta a sequence number gets depends
// on it.

import type { HeaderPositions } from '../lib/packet-headers.js';
import { be16, be32, incrementalUpdate, setBe16, setBe32 } from '../lib/transport-checksum.js';

interface Transition {
  readonly delta: [number, number];
  readonly trigger: [number, number];
  /** Bit d set: this node has a trigger for direction d. */
  bits: number;
  next: Transition | undefined;
}

const GIG = 1 << 30;

/** Click's SEQ_GEQ: a is at or after b in sequence space. */
function seqGeq(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

function has(t: Transition, d: number): boolean {
  return (t.bits & (1 << d)) !== 0;
}

/** Clear direction d's trigger of `t`; if it has none left, forget every later node. */
function dropTrigger(t: Transition, d: number): void {
  t.bits &= ~(1 << d);
  if (!(t.bits & 3)) t.next = undefined;
}

export class SeqDeltas {
  private head: Transition | undefined;

  /** The delta shown in the flow table for a direction (0 when none). */
  shownDelta(d: number): number {
    return this.head?.delta[d] ?? 0;
  }

  /**
   * From sequence number `trigger` on, packets of direction d shift by `delta`
   * more than before. False if the trigger lies before the newest one.
   */
  update(d: number, trigger: number, delta: number): boolean {
    const o = 1 - d;
    let dt = this.head;
    if (dt && has(dt, d) && !seqGeq(trigger, dt.trigger[d])) return false;
    if (!dt || (has(dt, d) ? trigger !== dt.trigger[d] : dt.delta[d] !== 0)) {
      let n: Transition = { delta: [0, 0], trigger: [0, 0], bits: 0, next: dt };
      this.head = n;
      // The other direction's transitions move up one node along the list.
      for (let x = n.next; x; x = n.next) {
        n.delta[o] = x.delta[o];
        n.trigger[o] = x.trigger[o];
        if (has(x, o)) {
          n.bits |= 1 << o;
          n = x;
        } else {
          n.bits &= ~(1 << o);
          break;
        }
      }
      dt = this.head;
    }
    dt.trigger[d] = trigger >>> 0;
    let n = dt.next;
    dt.delta[d] = ((n ? n.delta[d] : 0) + delta) | 0;
    dt.bits |= 1 << d;
    while (n && has(n, d) && !seqGeq(trigger, (n.trigger[d] + GIG) >>> 0)) n = n.next;
    if (n && has(n, d)) dropTrigger(n, d);
    return true;
  }

  newSeq(d: number, seq: number): number {
    let t = this.head;
    while (t && has(t, d) && !seqGeq(seq, t.trigger[d])) t = t.next;
    return t ? (seq + t.delta[d]) >>> 0 : seq;
  }

  newAck(d: number, ack: number): number {
    const o = 1 - d;
    let t = this.head;
    while (t && has(t, o) && !seqGeq((ack - t.delta[o]) >>> 0, t.trigger[o])) t = t.next;
    return t ? (ack - t.delta[o]) >>> 0 : ack;
  }

  /**
   * Move a TCP packet's sequence and acknowledgement numbers (and SACK
   * blocks) of direction d, updating its checksum. The packet holds its
   * whole TCP header.
   */
  apply(h: HeaderPositions, d: number): void {
    const dt = this.head!;
    const b = h.buf;
    const t = h.trans;
    const o = 1 - d;
    if (has(dt, d) && seqGeq(be32(b, t + 4), (dt.trigger[d] + GIG) >>> 0)) dropTrigger(dt, d);
    if (dt.delta[d] || has(dt, d)) replaceWord32(h, t + 4, this.newSeq(d, be32(b, t + 4)));
    if (dt.delta[o] || has(dt, o)) {
      replaceWord32(h, t + 8, this.newAck(d, be32(b, t + 8)));
      const off = b[t + 12]! >> 4;
      // Only a timestamp option (NOP NOP TS) in a 32-byte header cannot hold SACK blocks.
      if (off > 8 || (off === 8 && be32(b, t + 20) !== 0x0101080a)) this.applySack(h, d);
    }
  }

  /** Acknowledged SACK block edges, with Click's checksum arithmetic on little-endian words. */
  private applySack(h: HeaderPositions, d: number): void {
    const b = h.buf;
    const t = h.trans;
    const end = t + Math.min((b[t + 12]! >> 4) << 2, h.end - t);
    const begin = t + 20;
    const le = (i: number) => (i < h.end ? b[i]! : 0) | ((i + 1 < h.end ? b[i + 1]! : 0) << 8);
    let delta = 0;
    let opt = begin;
    scan: while (opt < end) {
      switch (b[opt]) {
        case 0:
          break scan;
        case 1:
          opt++;
          break;
        case 5: {
          const len = b[opt + 1]!;
          if (opt + len > end || len % 8 !== 2) break scan;
          const sackEnd = opt + len;
          const first = begin + ((opt + 2 - begin) & ~1);
          for (let w = first; w < sackEnd; w += 2) delta += ~le(w) & 0xffff;
          for (opt += 2; opt < sackEnd; opt += 8) {
            setBe32(b, opt, this.newAck(d, be32(b, opt)));
            setBe32(b, opt + 4, this.newAck(d, be32(b, opt + 4)));
          }
          for (let w = first; w < sackEnd; w += 2) delta += le(w);
          break;
        }
        default:
          if (b[opt + 1]! < 2) break scan;
          opt += b[opt + 1]!;
      }
    }
    if (!delta) return;
    const sumAt = t + 16;
    let s = (~(b[sumAt]! | (b[sumAt + 1]! << 8)) & 0xffff) + delta;
    s = (s & 0xffff) + Math.floor(s / 0x10000);
    const r = ~(s + Math.floor(s / 0x10000)) & 0xffff;
    b[sumAt] = r & 0xff;
    b[sumAt + 1] = r >> 8;
  }
}

/** Replace a 32-bit field, updating the TCP checksum for both its halves. */
function replaceWord32(h: HeaderPositions, at: number, value: number): void {
  const b = h.buf;
  const sumAt = h.trans + 16;
  let sum = be16(b, sumAt);
  sum = incrementalUpdate(sum, be16(b, at), value >>> 16);
  sum = incrementalUpdate(sum, be16(b, at + 2), value & 0xffff);
  setBe16(b, sumAt, sum);
  setBe32(b, at, value);
}

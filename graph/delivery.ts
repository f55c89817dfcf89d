// How each element's emitted packets must be delivered so that a batched run
// is observably the same as Click's packet-at-a-time run.
//
// Click pushes one packet at a time, depth first: a packet travels as far as
// it can before the next one starts. Moving whole batches instead changes the
// order in which packets reach an element only where paths that split
// reconverge (two outputs of a Classifier that meet again at a ToDump, an
// IPRewriter's two inputs, a Tee whose copies meet) and the order of lines on
// a shared stream (two Print elements one after the other) or a shared
// sequence (two ICMPErrors numbering their errors from one counter). So:
//
//   batch   Emitted packets are delivered per port once the element has handled
//           its whole input batch. Safe when the element's output ports lead
//           to disjoint parts of the graph.
//   runs    Consecutive packets for the same port travel together; switching
//           port first delivers what is pending. Arrival order everywhere
//           downstream is then Click's. Used where outputs reconverge.
//   single  Every packet is delivered as soon as it is emitted. Used where the
//           element writes a shared stream that something downstream also
//           writes, so lines interleave per packet as in Click, and where the
//           element acts on other elements per packet (handler calls).
//
// `pullLimit` is 1 for elements that pull from an upstream that writes a
// stream their own downstream also writes: they must take packets one by one
// (env.pullInput may return fewer packets than asked; elements loop), and
// their delivery mode is then `single`.
//
// Both engines read this analysis: the host engine's Out and the native
// compiler's generated emit code implement the three modes.

import { inputSources, outputTargets, type CheckedGraph } from './router-graph.js';

export type DeliveryMode = 'batch' | 'runs' | 'single';

export interface Delivery {
  /** Mode for each element's push outputs. */
  readonly mode: readonly DeliveryMode[];
  /** Maximum packets per pull for each element's pull inputs (Infinity: no limit). */
  readonly pullLimit: readonly number[];
}

/** A set of element indexes plus the streams written, reached by push from a starting port. */
interface Reach {
  elements: Set<number>;
  streams: Set<string>;
}

export function analyzeDelivery(g: CheckedGraph): Delivery {
  const targets = outputTargets(g);
  const n = g.elements.length;

  // Push-reachability from each element (the element itself included), memoised.
  const memo = new Map<number, Reach>();
  const reachFrom = (start: number): Reach => {
    const hit = memo.get(start);
    if (hit) return hit;
    const r: Reach = { elements: new Set(), streams: new Set() };
    const stack = [start];
    while (stack.length) {
      const e = stack.pop()!;
      if (r.elements.has(e)) continue;
      r.elements.add(e);
      const el = g.elements[e]!;
      for (const x of sharedSequences(el)) r.streams.add(x);
      el.outputs.forEach((mode, port) => {
        if (mode !== 'push') return;
        for (const t of targets[e]?.[port] ?? []) stack.push(t.element);
      });
    }
    memo.set(start, r);
    return r;
  };

  // What each output port of an element reaches.
  const portReach = (e: number, port: number): Reach => {
    const r: Reach = { elements: new Set(), streams: new Set() };
    for (const t of targets[e]?.[port] ?? []) {
      const sub = reachFrom(t.element);
      sub.elements.forEach((x) => r.elements.add(x));
      sub.streams.forEach((s) => r.streams.add(s));
    }
    return r;
  };

  const mode: DeliveryMode[] = [];
  for (let e = 0; e < n; e++) {
    const el = g.elements[e]!;
    const pushPorts = el.outputs.map((m, p) => (m === 'push' ? p : -1)).filter((p) => p >= 0);
    const reaches = pushPorts.map((p) => portReach(e, p));
    const own = sharedSequences(el);
    if (own.some((x) => reaches.some((r) => r.streams.has(x))) || el.spec.perPacketEffects?.(el.conf)) {
      mode.push('single');
      continue;
    }
    let overlap = false;
    for (let i = 0; i < reaches.length && !overlap; i++) {
      for (let j = i + 1; j < reaches.length && !overlap; j++) {
        overlap = intersects(reaches[i]!.elements, reaches[j]!.elements) || intersects(reaches[i]!.streams, reaches[j]!.streams);
      }
    }
    mode.push(overlap ? 'runs' : 'batch');
  }

  // Pull side: streams written upstream of each element along pull connections.
  const sources = inputSources(g);
  const pullStreams = (e: number): Set<string> => {
    const seen = new Set<number>();
    const streams = new Set<string>();
    const pullUpstream = (x: number) =>
      g.elements[x]!.inputs.flatMap((m, port) => (m === 'pull' ? (sources[x]?.[port] ?? []).map((s) => s.element) : []));
    const stack = pullUpstream(e);
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      for (const w of sharedSequences(g.elements[x]!)) streams.add(w);
      stack.push(...pullUpstream(x));
    }
    return streams;
  };
  const pullLimit: number[] = [];
  for (let e = 0; e < n; e++) {
    const el = g.elements[e]!;
    if (!el.inputs.includes('pull')) {
      pullLimit.push(Infinity);
      continue;
    }
    const up = pullStreams(e);
    const down = reachFrom(e).streams;
    const one = [...up].some((s) => down.has(s));
    pullLimit.push(one ? 1 : Infinity);
    // Taking packets one by one is pointless unless each also goes on alone,
    // or the lines below the pull would still come after all lines above it.
    if (one) mode[e] = 'single';
  }
  return { mode, pullLimit };
}

/**
 * What an element appends to or takes from per packet that other elements
 * share: its output stream, and named shared state (ICMP error IDs, the
 * random sequence). Order on each must be Click's.
 */
function sharedSequences(el: CheckedGraph['elements'][number]): string[] {
  const spec = el.spec;
  const state = spec.sharedState && (spec.takesSharedState?.(el.conf) ?? true) ? spec.sharedState : [];
  return [...(spec.writesStream ? [spec.writesStream] : []), ...state.map((x) => `state:${x}`)];
}

function intersects<T>(a: Set<T>, b: Set<T>): boolean {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}

// When an engine may move packets in bigger bursts than Click's. Both
// engines batch a task's packets (a sole source sending 32 per run, a
// lock-step pair in dataplane-native/lockstep.ts) only where nothing can
// tell: a batch runs to its end before anything else looks, so anything that
// acts on the router between one packet and the next would see it.

import type { CheckedGraph } from './router-graph.js';

/**
 * Whether bursts bigger than Click's would be visible in this graph, given
 * the elements that run tasks: an element that acts on the router while it
 * handles a packet (Counter's COUNT_CALL, which may stop the router or change
 * a burst), one that acts on it from its own timers (an active Script reads
 * counts between rounds), or a task without ports, which may do the same.
 */
export function burstsVisible(graph: CheckedGraph, taskOwners: Iterable<number>): boolean {
  for (const i of taskOwners) {
    const el = graph.elements[i]!;
    if (el.inputs.length + el.outputs.length === 0) return true;
  }
  return graph.elements.some((el) => (el.spec.perPacketEffects?.(el.conf) ?? false) || (el.spec.actsOnRouter?.(el.conf) ?? false));
}

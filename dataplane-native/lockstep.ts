// Lock-step pairs: batching the pull path without changing what it does.
//
// Click runs its tasks round-robin, so in
//
//     src :: InfiniteSource -> q :: Queue -> u :: Unqueue -> ...
//
// with both tasks at Click's default BURST 1, every packet costs two task
// runs: src pushes one, u pulls it. When these are the only two tasks that
// move packets, src pushes straight into q, and u pulls at least as many per
// run as src pushes (and has no LIMIT), the rounds are independent: each
// leaves q as it found it, empty. Then k rounds at once (src sends a batch, u
// pulls all of it) deliver the same packets in the same order to the same
// elements, with the same counts and drops; the only trace of the batch, q's
// high-water mark, is capped at one round's worth, its value in Click. The
// generated code re-checks the conditions before every source run (a handler
// may have changed a burst, a capacity, u's activity), so a pair drops back
// to Click's pace the moment they stop holding.

import type { CheckedGraph, PortRef } from '../graph/router-graph.js';
import type { NativeSpec } from './native-spec.js';

export interface LockstepPair {
  readonly source: number;
  readonly queue: number;
  readonly drain: number;
}

function role(graph: CheckedGraph, i: number): NativeSpec<unknown>['lockstep'] {
  return (graph.elements[i]!.spec.native as NativeSpec<unknown> | undefined)?.lockstep;
}

/**
 * The lock-step pair among `taskOwners` (the elements with ports that run
 * tasks), if the graph has one: exactly two task owners, a source whose only
 * output goes only to a queue's only input, and a drain that alone pulls the
 * queue's only output.
 */
export function findLockstep(
  graph: CheckedGraph,
  taskOwners: readonly number[],
  targets: readonly (readonly (readonly PortRef[])[])[],
  sources: readonly (readonly (readonly PortRef[])[])[],
): LockstepPair | undefined {
  if (taskOwners.length !== 2) return undefined;
  const source = taskOwners.find((i) => role(graph, i) === 'source');
  const drain = taskOwners.find((i) => role(graph, i) === 'drain');
  if (source === undefined || drain === undefined) return undefined;
  const src = graph.elements[source]!;
  const out = targets[source]?.[0] ?? [];
  if (src.outputs.length !== 1 || src.outputs[0] !== 'push' || out.length !== 1) return undefined;
  const queue = out[0]!.element;
  const q = graph.elements[queue]!;
  if (role(graph, queue) !== 'queue' || out[0]!.port !== 0 || q.inputs.length !== 1 || q.outputs.length !== 1) return undefined;
  if ((sources[queue]?.[0] ?? []).length !== 1) return undefined;
  const pulledBy = targets[queue]?.[0] ?? [];
  const u = graph.elements[drain]!;
  if (pulledBy.length !== 1 || pulledBy[0]!.element !== drain || u.inputs.length !== 1) return undefined;
  return { source, queue, drain };
}

/**
 * C lines opening the source's task wrapper: decide for this run whether the
 * pair may batch, and tell the three elements. `inst` gives an element's C
 * instance, `prefix` its class's C prefix.
 */
export function lockstepPrologue(pair: LockstepPair, inst: (i: number) => string, prefix: (i: number) => string): string[] {
  const [s, q, d] = [pair.source, pair.queue, pair.drain];
  return [
    `/* lock-step pair ${inst(s)} -> ${inst(q)} -> ${inst(d)} (dataplane-native/lockstep.ts) */`,
    `uint32_t round = ${prefix(s)}_lockstep_round(&${inst(s)});`,
    `uint32_t batch = ${prefix(s)}_lockstep_batch(&${inst(s)});`,
    // The drain must run right after this run, before any timer or I/O poll can look at the queue.
    `int lockstep = cvm_task_runs_next(&${inst(d)}.task) && round <= ${prefix(d)}_lockstep_burst(&${inst(d)});`,
    `lockstep = ${prefix(q)}_lockstep_begin(&${inst(q)}, lockstep, round, batch);`,
    `${inst(s)}.can_batch = (uint8_t)lockstep;`,
    `${inst(d)}.lockstep_pull = lockstep ? batch : 0;`,
  ];
}

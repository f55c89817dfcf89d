// Build CheckedGraphs by hand for engine tests: elements with specs, parsed
// configurations and port modes given directly, so the engine can be tested
// without the parser and checker.

import { syntheticSpan } from '../../config-lang/source.js';
import type { AnyElementSpec } from '../../elements/spec.js';
import type { PortMode } from '../../host-engine/element.js';
import type { CheckedElement, CheckedGraph, GraphConnection } from '../../graph/router-graph.js';

export interface ElementDecl {
  readonly name: string;
  readonly spec: AnyElementSpec;
  readonly conf?: unknown;
  readonly config?: string;
  readonly inputs?: PortMode[];
  readonly outputs?: PortMode[];
}

/** `[from, fromPort, to, toPort]` by element name. */
export type ConnDecl = readonly [string, number, string, number];

export function buildGraph(elements: ElementDecl[], connections: ConnDecl[], requirements: string[] = []): CheckedGraph {
  const span = syntheticSpan('<test>');
  const index = new Map(elements.map((e, i) => [e.name, i]));
  const els: CheckedElement[] = elements.map((e, i) => ({
    index: i,
    name: e.name,
    className: e.spec.name,
    config: e.config ?? '',
    span,
    context: [],
    spec: e.spec,
    conf: e.conf ?? {},
    inputs: e.inputs ?? [],
    outputs: e.outputs ?? [],
  }));
  const at = (n: string) => {
    const i = index.get(n);
    if (i === undefined) throw new Error(`no element ${n} in test graph`);
    return i;
  };
  const conns: GraphConnection[] = connections.map(([f, fp, t, tp]) => ({
    from: { element: at(f), port: fp },
    to: { element: at(t), port: tp },
    span,
    context: [],
  }));
  return { elements: els, connections: conns, requirements };
}

/** Shorthand for a chain `a -> b -> c` through ports 0. */
export function chain(...names: string[]): ConnDecl[] {
  const out: ConnDecl[] = [];
  for (let i = 0; i + 1 < names.length; i++) out.push([names[i]!, 0, names[i + 1]!, 0]);
  return out;
}

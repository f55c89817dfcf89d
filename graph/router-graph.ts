// The flat router graph: what elaboration produces from a configuration and
// what every back end consumes. Compound elements are gone (their elements
// carry `outer/inner` names), parameters are substituted, anonymous elements
// have Click's `Class@N` names. A RouterGraph is plain data; `checkGraph`
// (graph/check.ts) turns it into a CheckedGraph with each element's spec,
// parsed configuration and push/pull port modes.

import type { RelatedNote } from '../config-lang/diagnostics.js';
import type { SourceSpan } from '../config-lang/source.js';
import type { AnyElementSpec } from '../elements/spec.js';
import type { PortMode } from '../host-engine/element.js';

export interface GraphElement {
  /** Position in `RouterGraph.elements`; connections refer to elements by index. */
  readonly index: number;
  /** Flat name: `c`, `outer/inner`, `Counter@3`. */
  readonly name: string;
  readonly className: string;
  /** Configuration string after parameter substitution, verbatim otherwise. */
  readonly config: string;
  /** Where the element was declared (or, if anonymous, where it appears). */
  readonly span: SourceSpan;
  /**
   * The configuration's span in the source when `config` is exactly that
   * text (no substitution happened), so argument errors can point inside it.
   */
  readonly configSpan?: SourceSpan;
  /** For elements from compound classes: the chain of uses and definitions. */
  readonly context: readonly RelatedNote[];
}

export interface PortRef {
  readonly element: number;
  readonly port: number;
}

export interface GraphConnection {
  readonly from: PortRef;
  readonly to: PortRef;
  readonly span: SourceSpan;
  readonly context: readonly RelatedNote[];
}

export interface RouterGraph {
  readonly elements: readonly GraphElement[];
  readonly connections: readonly GraphConnection[];
  /** `require(...)` package names, in order. */
  readonly requirements: readonly string[];
}

export interface CheckedElement extends GraphElement {
  readonly spec: AnyElementSpec;
  /** The parsed, validated configuration (the spec's config type). */
  readonly conf: unknown;
  /** Push or pull, per input and output port, after resolving agnostic ports. */
  readonly inputs: readonly PortMode[];
  readonly outputs: readonly PortMode[];
}

export interface CheckedGraph {
  readonly elements: readonly CheckedElement[];
  readonly connections: readonly GraphConnection[];
  readonly requirements: readonly string[];
}

/** Connections leaving each element's output ports: out[element][port] → targets. */
export function outputTargets(g: { elements: readonly unknown[]; connections: readonly GraphConnection[] }): PortRef[][][] {
  const out: PortRef[][][] = g.elements.map(() => []);
  for (const c of g.connections) {
    const ports = out[c.from.element]!;
    while (ports.length <= c.from.port) ports.push([]);
    ports[c.from.port]!.push(c.to);
  }
  return out;
}

/** Connections entering each element's input ports: in[element][port] → sources. */
export function inputSources(g: { elements: readonly unknown[]; connections: readonly GraphConnection[] }): PortRef[][][] {
  const inp: PortRef[][][] = g.elements.map(() => []);
  for (const c of g.connections) {
    const ports = inp[c.to.element]!;
    while (ports.length <= c.to.port) ports.push([]);
    ports[c.to.port]!.push(c.from);
  }
  return inp;
}

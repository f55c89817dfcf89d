// Comparing router graphs by what matters: element names, classes and
// configurations in order, and the set of connections by element name.

import type { RouterGraph } from '../../graph/router-graph.js';

export interface GraphShape {
  readonly elements: string[];
  readonly connections: string[];
  readonly requirements: readonly string[];
}

export function shape(g: RouterGraph): GraphShape {
  const name = (i: number): string => g.elements[i]!.name;
  return {
    elements: g.elements.map((e) => `${e.name} :: ${e.className}(${e.config})`),
    connections: g.connections.map((c) => `${name(c.from.element)} [${c.from.port}] -> [${c.to.port}] ${name(c.to.element)}`).sort(),
    requirements: g.requirements,
  };
}

/** A stand-in for the element registry: Click class names start with a capital. */
export const anyCapitalized = (name: string): boolean => /^[A-Z][A-Za-z0-9_]*$/.test(name);

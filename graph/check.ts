// checkGraph: from a flat RouterGraph to a CheckedGraph every engine can run.
// Finds each element's class, checks connections against the classes' port
// counts and push/pull processing (resolving agnostic ports), and parses every
// configuration string. All errors of the graph are reported together in one
// ClickError; warnings ride along with the result (or the error).

import { closestName, ClickError, DiagnosticBag, type Diagnostic } from '../config-lang/diagnostics.js';
import { lookupClass as registryLookup, registry } from '../elements/registry.js';
import type { AnyElementSpec } from '../elements/spec.js';
import { checkArguments } from './check-args.js';
import { splitArgs } from '../config-lang/args/split.js';
import { portScopes } from '../elements/ip/port-info.js';
import { checkPorts, declaration } from './check-ports.js';
import type { CheckedElement, CheckedGraph, GraphConnection, RouterGraph } from './router-graph.js';

export interface CheckOptions {
  /** Element classes by name; default: the element library's registry. */
  readonly lookupClass?: (name: string) => AnyElementSpec | undefined;
  /** Class names offered in "did you mean" hints; default: the registry's (or none with a custom lookupClass). */
  readonly knownClasses?: Iterable<string>;
}

export interface CheckResult extends CheckedGraph {
  readonly warnings: readonly Diagnostic[];
}

/** Click ignores a connection given twice; so do we (the first one is kept). */
function uniqueConnections(connections: readonly GraphConnection[], nelements: number): GraphConnection[] {
  // Earlier connections by source element: duplicates share one, and fan-out is small.
  const bySource: (GraphConnection[] | undefined)[] = new Array(nelements);
  const out: GraphConnection[] = [];
  for (const c of connections) {
    const same = (bySource[c.from.element] ??= []);
    if (same.some((d) => d.from.port === c.from.port && d.to.element === c.to.element && d.to.port === c.to.port)) continue;
    same.push(c);
    out.push(c);
  }
  return out;
}

/**
 * Diagnostics in source order, as elaboration reports them: by file (in the
 * order files first appear), then by position; ties keep the checking order.
 */
function inSourceOrder(ds: readonly Diagnostic[]): Diagnostic[] {
  const fileRank = new Map<unknown, number>();
  for (const d of ds) if (!fileRank.has(d.span.file)) fileRank.set(d.span.file, fileRank.size);
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => fileRank.get(a.d.span.file)! - fileRank.get(b.d.span.file)! || a.d.span.start - b.d.span.start || a.i - b.i)
    .map(({ d }) => d);
}

export function checkGraph(graph: RouterGraph, opts: CheckOptions = {}): CheckResult {
  const lookup = opts.lookupClass ?? registryLookup;
  const known = opts.knownClasses ?? (opts.lookupClass ? [] : registry.keys());
  const bag = new DiagnosticBag();
  const elements = graph.elements;

  const specs = elements.map((el) => {
    const spec = lookup(el.className);
    if (!spec) {
      const guess = closestName(el.className, known);
      bag.error(el.span, `unknown element class '${el.className}' (element '${el.name}')`, guess ? `did you mean '${guess}'?` : undefined, el.context);
    }
    return spec;
  });

  const connections = uniqueConnections(graph.connections, elements.length);
  for (const c of connections) {
    if (!elements[c.from.element] || !elements[c.to.element] || c.from.port < 0 || c.to.port < 0) {
      throw new Error(`malformed router graph: connection ${c.from.element}[${c.from.port}] -> ${c.to.element}[${c.to.port}]`);
    }
  }
  const ports = checkPorts(elements, specs, connections, bag);

  const classOf = new Map<string, string>();
  for (const el of elements) classOf.set(el.name, el.className);
  // PortInfo names hold for every element, wherever the PortInfo stands (Click configures it first).
  const portNames = portScopes(elements.filter((el) => el.className === 'PortInfo').map((el) => ({ name: el.name, args: splitArgs(el.config).map((a) => a.text) })));
  const checked: CheckedElement[] = [];
  elements.forEach((el, i) => {
    const spec = specs[i];
    if (!spec) return;
    const inputs = ports.inputs[i]!;
    const outputs = ports.outputs[i]!;
    const args = checkArguments(el, spec, { ninputs: inputs.length, noutputs: outputs.length }, classOf, bag, portNames);
    if (args.ok) checked.push({ ...el, spec, conf: args.conf, inputs, outputs });
  });

  if (bag.hasErrors) throw new ClickError(inSourceOrder(bag.items));
  const warnings = bag.items.filter((d) => d.severity !== 'error');
  return { elements: checked, connections, requirements: graph.requirements, warnings };
}

export { declaration };

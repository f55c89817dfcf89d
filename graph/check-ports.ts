// Checking an element graph's connections, in Click's order: port counts
// (each connection must use a port the element can have), push/pull
// agreement (agnostic ports resolved through connections and flow codes),
// and completeness (no unused port, push outputs and pull inputs connected
// exactly once). Unlike Click, which stops at the first stage with errors,
// every stage runs on the connections that passed the earlier ones, so one
// run reports every problem.

import type { DiagnosticBag, RelatedNote } from '../config-lang/diagnostics.js';
import type { AnyElementSpec } from '../elements/spec.js';
import type { PortMode } from '../host-engine/element.js';
import { describePortCount, parsePortCount, portCounts, PortCodeError, type PortCountSpec } from './port-codes.js';
import { CodeError, COMPLETE_FLOW, flows, parseFlowCode, processingVector, type Processing } from './processing-codes.js';
import { resolvePortModes, type ElementPorts, type ModeLink } from './push-pull.js';
import type { GraphConnection, GraphElement } from './router-graph.js';

/** `'name' :: Class`, how messages name an element (Click's declaration()). */
export function declaration(el: GraphElement): string {
  return `'${el.name}' :: ${el.className}`;
}

export interface PortCheck {
  /** Port modes of each element (empty lists for elements without a spec). */
  readonly inputs: PortMode[][];
  readonly outputs: PortMode[][];
}

const declaredHere = (el: GraphElement): RelatedNote => ({ span: el.span, message: `${declaration(el)} declared here` });

/** Notes from several sources, each once (two ends of a connection often share a compound). */
function notes(...lists: (readonly RelatedNote[])[]): RelatedNote[] {
  const seen = new Set<string>();
  const out: RelatedNote[] = [];
  for (const n of lists.flat()) {
    const key = `${n.span.file.name}:${n.span.start}:${n.span.end}:${n.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(n);
    }
  }
  return out;
}

/**
 * Check the connections of `elements` (whose specs are `specs`; undefined for
 * elements already reported, whose connections are skipped). Reports into
 * `bag`; returns each element's port modes.
 */
export function checkPorts(
  elements: readonly GraphElement[],
  specs: readonly (AnyElementSpec | undefined)[],
  connections: readonly GraphConnection[],
  bag: DiagnosticBag,
): PortCheck {
  const n = elements.length;

  // 1. Port counts: 1 + highest port used, clamped into the class's range.
  const usedIn = new Array<number>(n).fill(0);
  const usedOut = new Array<number>(n).fill(0);
  for (const c of connections) {
    usedOut[c.from.element] = Math.max(usedOut[c.from.element]!, c.from.port + 1);
    usedIn[c.to.element] = Math.max(usedIn[c.to.element]!, c.to.port + 1);
  }
  const codes: (PortCountSpec | undefined)[] = specs.map((spec, i) => {
    if (!spec) return undefined;
    try {
      return parsePortCount(spec.ports);
    } catch (e) {
      if (!(e instanceof PortCodeError)) throw e;
      bag.error(elements[i]!.span, `${declaration(elements[i]!)}: class ${spec.name} has a ${e.message}`, undefined, elements[i]!.context);
      return undefined;
    }
  });
  const nin = new Array<number>(n).fill(0);
  const nout = new Array<number>(n).fill(0);
  codes.forEach((code, i) => {
    if (!code) return;
    const counts = portCounts(code, usedIn[i]!, usedOut[i]!);
    nin[i] = counts.ninputs;
    nout[i] = counts.noutputs;
  });

  const live: { c: GraphConnection; index: number }[] = [];
  connections.forEach((c, index) => {
    if (!codes[c.from.element] || !codes[c.to.element]) return;
    let ok = true;
    const ends = [
      { el: c.from.element, port: c.from.port, count: nout, kind: 'output' },
      { el: c.to.element, port: c.to.port, count: nin, kind: 'input' },
    ] as const;
    for (const end of ends) {
      if (end.port < end.count[end.el]!) continue;
      const el = elements[end.el]!;
      const code = codes[end.el]!;
      bag.error(c.span, `${declaration(el)} has no ${end.kind} ${end.port}`, `${el.className} has ${describePortCount(code)} (port count '${specs[end.el]!.ports}')`,
        notes([declaredHere(el)], c.context, el.context));
      ok = false;
    }
    if (ok) live.push({ c, index });
  });

  // 2. Push and pull.
  const ports: ElementPorts[] = specs.map((spec, i) => portsOf(elements[i]!, spec, codes[i] ? nin[i]! : 0, codes[i] ? nout[i]! : 0, bag));
  const links: ModeLink[] = live.map(({ c, index }) => ({ from: c.from, to: c.to, index }));
  const modes = resolvePortModes(ports, links);
  const deadLinks = new Set<number>();
  for (const k of modes.conflicts) {
    if (k.kind === 'connection') {
      const c = connections[k.link.index]!;
      const from = elements[c.from.element]!;
      const to = elements[c.to.element]!;
      const toMode = k.fromMode === 'push' ? 'pull' : 'push';
      const fix = k.fromMode === 'push'
        ? 'a push output must feed a push input; put a Queue between them to go from push to pull'
        : 'a pull output must feed a pull input; put an Unqueue between them to go from pull to push';
      bag.error(c.span, `'${from.name}' ${k.fromMode} output ${c.from.port} connected to '${to.name}' ${toMode} input ${c.to.port}`,
        `${declaration(from)} output ${c.from.port} is ${k.fromMode}, ${declaration(to)} input ${c.to.port} is ${toMode}; ${fix}`,
        notes(c.context, from.context, to.context));
      deadLinks.add(k.link.index);
    } else {
      const el = elements[k.element]!;
      const inMode = k.outputMode === 'push' ? 'pull' : 'push';
      const related: RelatedNote[] = [...el.context];
      for (const { c } of live) {
        if (c.to.element === k.element && c.to.port === k.input) related.push({ span: c.span, message: `input ${k.input} connected here` });
        if (c.from.element === k.element && c.from.port === k.output) related.push({ span: c.span, message: `output ${k.output} connected here` });
      }
      bag.error(el.span, `agnostic ${declaration(el)} in mixed context: ${inMode} input ${k.input}, ${k.outputMode} output ${k.output}`,
        `packets entering input ${k.input} may leave on output ${k.output}, so both must be push or both pull`, related);
    }
  }

  // 3. Completeness: every port used; push outputs and pull inputs used once.
  const firstOut = new Map<string, GraphConnection>();
  const firstIn = new Map<string, GraphConnection>();
  for (const { c, index } of live) {
    if (deadLinks.has(index)) continue;
    const fromKey = `${c.from.element}:${c.from.port}`;
    const toKey = `${c.to.element}:${c.to.port}`;
    const prevOut = firstOut.get(fromKey);
    const prevIn = firstIn.get(toKey);
    if (prevOut && modes.outputs[c.from.element]![c.from.port] === 'push') {
      const el = elements[c.from.element]!;
      bag.error(c.span, `${declaration(el)} push output ${c.from.port} connected more than once`,
        'a push output sends each packet to one place; use a Tee to copy packets to several', [
          { span: prevOut.span, message: `output ${c.from.port} first connected here` }, ...notes(c.context, el.context),
        ]);
      continue;
    }
    if (prevIn && modes.inputs[c.to.element]![c.to.port] === 'pull') {
      const el = elements[c.to.element]!;
      bag.error(c.span, `${declaration(el)} pull input ${c.to.port} connected more than once`,
        'a pull input pulls from one place; merge pull paths with a scheduler such as RoundRobinSched', [
          { span: prevIn.span, message: `input ${c.to.port} first connected here` }, ...notes(c.context, el.context),
        ]);
      continue;
    }
    if (!prevOut) firstOut.set(fromKey, c);
    if (!prevIn) firstIn.set(toKey, c);
  }
  // Ports some connection names, even one rejected above: not reported again as unused.
  const named = new Set<string>();
  for (const c of connections) {
    named.add(`o${c.from.element}:${c.from.port}`);
    named.add(`i${c.to.element}:${c.to.port}`);
  }
  elements.forEach((el, i) => {
    if (!codes[i]) return;
    const sides = [
      { kind: 'input', count: nin[i]!, used: usedIn[i]!, first: firstIn, conns: (c: GraphConnection) => c.to },
      { kind: 'output', count: nout[i]!, used: usedOut[i]!, first: firstOut, conns: (c: GraphConnection) => c.from },
    ] as const;
    for (const side of sides) {
      for (let p = 0; p < side.count; p++) {
        if (side.first.has(`${i}:${p}`) || named.has(`${side.kind[0]}${i}:${p}`)) continue;
        // Ports below one that is connected: a gap. Ports beyond: the class needs more.
        const higher = p < side.used ? live.find(({ c }) => side.conns(c).element === i && side.conns(c).port > p) : undefined;
        const hint = higher
          ? `connect ${side.kind} ${p}: ports are numbered from 0 and none may be skipped`
          : `${el.className} has ${describePortCount(codes[i]!)} (port count '${specs[i]!.ports}')`;
        const related: RelatedNote[] = higher
          ? [{ span: higher.c.span, message: `${side.kind} ${side.conns(higher.c).port} connected here` }, ...el.context]
          : [...el.context];
        bag.error(el.span, `${declaration(el)} ${side.kind} ${p} unused`, hint, related);
      }
    }
  });

  return { inputs: modes.inputs, outputs: modes.outputs };
}

function portsOf(el: GraphElement, spec: AnyElementSpec | undefined, ninputs: number, noutputs: number, bag: DiagnosticBag): ElementPorts {
  const none: ElementPorts = { inputs: [], outputs: [], flows: () => false };
  if (!spec) return none;
  let pv: { inputs: Processing[]; outputs: Processing[] };
  try {
    pv = processingVector(spec.processing, ninputs, noutputs);
  } catch (e) {
    if (!(e instanceof CodeError)) throw e;
    bag.error(el.span, `${declaration(el)}: class ${spec.name} has a ${e.message}`, undefined, el.context);
    return { inputs: new Array(ninputs).fill('agnostic'), outputs: new Array(noutputs).fill('agnostic'), flows: () => false };
  }
  const code = spec.flow ?? COMPLETE_FLOW;
  if (code === COMPLETE_FLOW) return { ...pv, flows: () => true };
  try {
    const flow = parseFlowCode(code);
    return { ...pv, flows: (i, o) => flows(flow, i, o) };
  } catch (e) {
    if (!(e instanceof CodeError)) throw e;
    bag.error(el.span, `${declaration(el)}: class ${spec.name} has a bad ${e.message}`, undefined, el.context);
    return { ...pv, flows: () => false };
  }
}

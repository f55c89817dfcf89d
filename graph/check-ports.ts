// Checking an element graph's connections, in Click's order: port counts
// (each connection must use a port the element can have), push/pull
// agreement (agnostic ports resolved through connections and flow codes),
// and completeness (no unused port, push outputs and pull inputs connected
// exactly once). Unlike Click, which stops at the first stage with errors,
// every stage runs on the connections that passed the earlier ones, so one
// run reports every problem.

import type { DiagnosticBag, RelatedNote } from '../config-lang/diagnostics.js';
import type { SourceSpan } from '../config-lang/source.js';
import type { AnyElementSpec } from '../elements/spec.js';
import type { PortMode } from '../host-engine/element.js';
import { describePortCount, parsePortCount, portCounts, PortCodeError, type PortCountSpec } from './port-codes.js';
import { CodeError, COMPLETE_FLOW, flows, parseFlowCode, processingVector } from './processing-codes.js';
import { resolvePortModes, type ElementPorts, type ModeLink } from './push-pull.js';
import type { GraphConnection, GraphElement } from './router-graph.js';

/** `'name' :: Class`, how messages name an element (Click's declaration()). */
export function declaration(el: GraphElement): string {
  return `'${el.name}' :: ${el.className}`;
}

/** Click words a reused push output or pull input this way, at the element's declaration. */
function clickReuse(el: GraphElement, kind: string, port: number): { span: SourceSpan; message: string } {
  return { span: el.span, message: `illegal reuse of ${declaration(el)} ${kind} ${port}` };
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

/** A class's codes, parsed once per class (undefined where the code is bad). */
interface ClassCodes {
  readonly ports?: PortCountSpec;
  readonly portError?: string;
  readonly processingError?: string;
  readonly flows: (input: number, output: number) => boolean;
  readonly flowError?: string;
}

const ALL_FLOW = (): boolean => true;
const NO_FLOW = (): boolean => false;

function classCodes(spec: AnyElementSpec): ClassCodes {
  let ports: PortCountSpec | undefined;
  let portError: string | undefined;
  try {
    ports = parsePortCount(spec.ports);
  } catch (e) {
    if (!(e instanceof PortCodeError)) throw e;
    portError = e.message;
  }
  let processingError: string | undefined;
  try {
    processingVector(spec.processing, 1, 1);
  } catch (e) {
    if (!(e instanceof CodeError)) throw e;
    processingError = e.message;
  }
  const code = spec.flow ?? COMPLETE_FLOW;
  if (code === COMPLETE_FLOW) return { ports, portError, processingError, flows: ALL_FLOW };
  try {
    const flow = parseFlowCode(code);
    return { ports, portError, processingError, flows: (i, o) => flows(flow, i, o) };
  } catch (e) {
    if (!(e instanceof CodeError)) throw e;
    return { ports, portError, processingError, flows: NO_FLOW, flowError: e.message };
  }
}

const NO_PORTS: ElementPorts = { inputs: [], outputs: [], flows: NO_FLOW };

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
  const cache = new Map<AnyElementSpec, ClassCodes>();
  const codes: (ClassCodes | undefined)[] = specs.map((spec, i) => {
    if (!spec) return undefined;
    let c = cache.get(spec);
    if (!c) cache.set(spec, (c = classCodes(spec)));
    const el = elements[i]!;
    for (const problem of [c.portError, c.processingError, c.flowError]) {
      if (problem) bag.error(el.span, `${declaration(el)}: class ${spec.name} has a ${problem}`, undefined, el.context);
    }
    return c.ports && !c.processingError ? c : undefined;
  });

  // 1. Port counts: 1 + highest port used, clamped into the class's range.
  const usedIn = new Int32Array(n);
  const usedOut = new Int32Array(n);
  for (const c of connections) {
    if (c.from.port >= usedOut[c.from.element]!) usedOut[c.from.element] = c.from.port + 1;
    if (c.to.port >= usedIn[c.to.element]!) usedIn[c.to.element] = c.to.port + 1;
  }
  const nin = new Int32Array(n);
  const nout = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const ports = codes[i]?.ports;
    if (!ports) continue;
    const counts = portCounts(ports, usedIn[i]!, usedOut[i]!);
    nin[i] = counts.ninputs;
    nout[i] = counts.noutputs;
  }

  const noPort = (c: GraphConnection, e: number, port: number, kind: 'input' | 'output'): void => {
    const el = elements[e]!;
    bag.error(c.span, `${declaration(el)} has no ${kind} ${port}`,
      `${el.className} has ${describePortCount(codes[e]!.ports!)} (port count '${specs[e]!.ports}')`,
      notes([declaredHere(el)], c.context, el.context));
  };
  const links: ModeLink[] = [];
  connections.forEach((c, index) => {
    if (!codes[c.from.element] || !codes[c.to.element]) return;
    const badFrom = c.from.port >= nout[c.from.element]!;
    const badTo = c.to.port >= nin[c.to.element]!;
    if (badFrom) noPort(c, c.from.element, c.from.port, 'output');
    if (badTo) noPort(c, c.to.element, c.to.port, 'input');
    if (!badFrom && !badTo) links.push({ from: c.from, to: c.to, index });
  });

  // 2. Push and pull.
  const ports: ElementPorts[] = codes.map((code, i) => {
    if (!code) return NO_PORTS;
    const pv = processingVector(specs[i]!.processing, nin[i]!, nout[i]!);
    return { inputs: pv.inputs, outputs: pv.outputs, flows: code.flows };
  });
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
      const related: RelatedNote[] = [];
      for (const { index } of links) {
        const c = connections[index]!;
        if (c.to.element === k.element && c.to.port === k.input) related.push({ span: c.span, message: `input ${k.input} connected here` });
        if (c.from.element === k.element && c.from.port === k.output) related.push({ span: c.span, message: `output ${k.output} connected here` });
      }
      bag.error(el.span, `agnostic ${declaration(el)} in mixed context: ${inMode} input ${k.input}, ${k.outputMode} output ${k.output}`,
        `packets entering input ${k.input} may leave on output ${k.output}, so both must be push or both pull`, notes(related, el.context));
    }
  }

  // 3. Completeness: every port used; push outputs and pull inputs used once.
  // Ports are numbered globally (element base + port) to keep this linear.
  const inBase = new Int32Array(n + 1);
  const outBase = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    inBase[i + 1] = inBase[i]! + nin[i]!;
    outBase[i + 1] = outBase[i]! + nout[i]!;
  }
  const firstOut = new Int32Array(outBase[n]!).fill(-1); // connection index
  const firstIn = new Int32Array(inBase[n]!).fill(-1);
  // Ports some connection names, even one rejected above: not reported again as unused.
  const namedOut = new Uint8Array(outBase[n]!);
  const namedIn = new Uint8Array(inBase[n]!);
  for (const c of connections) {
    if (c.from.port < nout[c.from.element]!) namedOut[outBase[c.from.element]! + c.from.port] = 1;
    if (c.to.port < nin[c.to.element]!) namedIn[inBase[c.to.element]! + c.to.port] = 1;
  }
  for (const { index } of links) {
    if (deadLinks.has(index)) continue;
    const c = connections[index]!;
    const go = outBase[c.from.element]! + c.from.port;
    const gi = inBase[c.to.element]! + c.to.port;
    if (firstOut[go]! >= 0 && modes.outputs[c.from.element]![c.from.port] === 'push') {
      const el = elements[c.from.element]!;
      bag.error(c.span, `${declaration(el)} push output ${c.from.port} connected more than once`,
        'a push output sends each packet to one place; use a Tee to copy packets to several', [
          { span: connections[firstOut[go]!]!.span, message: `output ${c.from.port} first connected here` }, ...notes(c.context, el.context),
        ], clickReuse(el, 'push output', c.from.port));
      continue;
    }
    if (firstIn[gi]! >= 0 && modes.inputs[c.to.element]![c.to.port] === 'pull') {
      const el = elements[c.to.element]!;
      bag.error(c.span, `${declaration(el)} pull input ${c.to.port} connected more than once`,
        'a pull input pulls from one place; merge pull paths with a scheduler such as RoundRobinSched', [
          { span: connections[firstIn[gi]!]!.span, message: `input ${c.to.port} first connected here` }, ...notes(c.context, el.context),
        ], clickReuse(el, 'pull input', c.to.port));
      continue;
    }
    if (firstOut[go]! < 0) firstOut[go] = index;
    if (firstIn[gi]! < 0) firstIn[gi] = index;
  }
  for (let i = 0; i < n; i++) {
    if (!codes[i]) continue;
    for (let p = 0; p < nin[i]!; p++) {
      const g = inBase[i]! + p;
      if (firstIn[g]! < 0 && !namedIn[g]) unusedPort(i, p, 'input');
    }
    for (let p = 0; p < nout[i]!; p++) {
      const g = outBase[i]! + p;
      if (firstOut[g]! < 0 && !namedOut[g]) unusedPort(i, p, 'output');
    }
  }

  function unusedPort(i: number, p: number, kind: 'input' | 'output'): void {
    const el = elements[i]!;
    // A port below one that is connected is a gap; otherwise the class needs more ports.
    const end = (c: GraphConnection) => (kind === 'input' ? c.to : c.from);
    const higher = links.map((l) => connections[l.index]!).find((c) => end(c).element === i && end(c).port > p);
    const hint = higher
      ? `connect ${kind} ${p}: ports are numbered from 0 and none may be skipped`
      : `${el.className} has ${describePortCount(codes[i]!.ports!)} (port count '${specs[i]!.ports}')`;
    const related = higher ? [{ span: higher.span, message: `${kind} ${end(higher).port} connected here` }, ...el.context] : [...el.context];
    bag.error(el.span, `${declaration(el)} ${kind} ${p} unused`, hint, related);
  }

  return { inputs: modes.inputs, outputs: modes.outputs };
}

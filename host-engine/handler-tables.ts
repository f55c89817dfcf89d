// The handler tables of a router, shared by every engine: each element's
// standard handlers (`name`, `class`, `config`, `ports`, `handlers`) then its
// class's own, and the router's global handlers. Everything but the class
// handlers' values is a function of the checked graph, so the host engine,
// the native driver and the native code generator all take their texts from
// here and cannot disagree.

import { flatten } from '../config-lang/flatten.js';
import type { HandlerDef } from '../elements/spec.js';
import type { CheckedGraph } from '../graph/router-graph.js';
import type { HostElement } from './element.js';
import { HandlerSet, type HandlerEntry } from './handlers.js';

/** The Click language version this clickvm implements (the `version` handler). */
export const CLICK_VERSION = '2.1';

/** How an engine gives a class handler its behaviour. */
export type BindHandler = (def: HandlerDef<HostElement>, name: string) => Pick<HandlerEntry, 'read' | 'readParam' | 'write'>;

/** The class handlers of an element, configuration-dependent ones included, in Click's order. */
export function classHandlerDefs(graph: CheckedGraph, index: number): [string, HandlerDef<HostElement>][] {
  const ge = graph.elements[index]!;
  const perInstance = ge.spec.instanceHandlers?.(ge.conf, { ninputs: ge.inputs.length, noutputs: ge.outputs.length });
  return Object.entries({ ...ge.spec.handlers, ...perInstance }) as [string, HandlerDef<HostElement>][];
}

export function elementHandlerSet(graph: CheckedGraph, index: number, bind: BindHandler): HandlerSet {
  const ge = graph.elements[index]!;
  const set = new HandlerSet();
  set.add({ name: 'name', read: () => ge.name, calm: true });
  set.add({ name: 'class', read: () => ge.className, calm: true });
  set.add({ name: 'config', read: () => ge.config, calm: true });
  set.add({ name: 'ports', read: () => portsText(graph, index), calm: true });
  set.add({ name: 'handlers', read: () => set.listing(), calm: true });
  for (const [name, def] of classHandlerDefs(graph, index)) set.add({ name, ...bind(def, name) });
  return set;
}

/** Click's `ports` handler text: counts, then per port its mode (`~` if agnostic), `-`, and its connections. */
export function portsText(graph: CheckedGraph, index: number): string {
  const ge = graph.elements[index]!;
  const [inCodes = '', outCodes = ''] = ge.spec.processing.split('/');
  const agnostic = (codes: string, port: number) => (codes[Math.min(port, codes.length - 1)] ?? '') === 'a';
  const name = (i: number) => graph.elements[i]!.name;
  let s = `${ge.inputs.length} ${ge.inputs.length === 1 ? 'input' : 'inputs'}\n`;
  ge.inputs.forEach((mode, port) => {
    const from = graph.connections.filter((c) => c.to.element === index && c.to.port === port);
    s += `${mode}${agnostic(inCodes, port) ? '~' : ''}\t-\t${from.map((c) => `${name(c.from.element)} [${c.from.port}]`).join(', ')}\n`;
  });
  s += `${ge.outputs.length} ${ge.outputs.length === 1 ? 'output' : 'outputs'}\n`;
  ge.outputs.forEach((mode, port) => {
    const to = graph.connections.filter((c) => c.from.element === index && c.from.port === port);
    s += `${mode}${agnostic(outCodes, port) ? '~' : ''}\t-\t${to.map((c) => `[${c.to.port}] ${name(c.to.element)}`).join(', ')}\n`;
  });
  return s;
}

export interface GlobalHandlerOptions {
  /** The configuration as given (the `config` handler); default the flat configuration. */
  readonly configText?: string;
  /** Every class the `classes` handler lists; default the classes the router uses. */
  readonly classNames?: () => readonly string[];
  /** Click's please_stop_driver, `n` times. */
  readonly requestStop: (n: number) => void;
  /** With it, the write-only `hotconfig` handler (Click's `-R`): installs a new configuration. */
  readonly hotconfig?: (text: string) => void;
}

export function globalHandlerSet(graph: CheckedGraph, opts: GlobalHandlerOptions): HandlerSet {
  const g = new HandlerSet();
  const flat = () => flatten(graph);
  g.add({ name: 'version', read: () => CLICK_VERSION });
  g.add({ name: 'driver', read: () => 'userlevel' });
  g.add({ name: 'config', read: () => opts.configText ?? flat() });
  g.add({ name: 'flatconfig', read: flat });
  g.add({ name: 'requirements', read: () => graph.requirements.map((r) => `${r}\n`).join('') });
  g.add({ name: 'handlers', read: () => g.listing() });
  g.add({ name: 'list', read: () => `${graph.elements.length}\n${graph.elements.map((e) => `${e.name}\n`).join('')}` });
  const classes = () => opts.classNames?.() ?? [...new Set(graph.elements.map((e) => e.className))];
  g.add({ name: 'classes', read: () => [...classes()].sort().map((c) => `${c}\n`).join('') });
  g.add({
    name: 'stop',
    write: (v: string) => {
      // Click: an optional count of stop requests, 1 if absent or not a number.
      const t = v.trim();
      opts.requestStop(/^[+-]?\d+$/.test(t) ? Number(t) : 1);
    },
  });
  const hotconfig = opts.hotconfig;
  if (hotconfig) g.add({ name: 'hotconfig', write: (v: string) => hotconfig(v) });
  return g;
}

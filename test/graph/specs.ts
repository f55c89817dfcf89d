// Synthetic element classes for checker tests: every port-count, processing
// and flow shape the checker must handle, independent of the real library.

import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { defineElement, type AnyElementSpec } from '../../elements/spec.js';
import { HostElement, type ElementInit } from '../../host-engine/element.js';

class Inert<C> extends HostElement<C> {}
const host = <C>(init: ElementInit<C>): HostElement<C> => new Inert(init);

const shapes: AnyElementSpec[] = [
  // Sources and sinks.
  { name: 'PushSource', ports: '0/1', processing: 'h/h', args: { LIMIT: a.p(T.int, -1), STOP: a.kw(T.bool, false) }, host },
  { name: 'PullSource', ports: '0/1', processing: 'l/l', args: {}, host },
  { name: 'Sink', ports: '1/0', processing: 'h/h', args: {}, host },
  { name: 'PullSink', ports: '1/0', processing: 'l/l', args: {}, host },
  { name: 'AnySink', ports: '1/0', processing: 'a/a', args: {}, host },
  // Pass-through shapes.
  { name: 'Null', ports: '1/1', processing: 'a/a', args: {}, host },
  { name: 'PushNull', ports: '1/1', processing: 'h/h', args: {}, host },
  { name: 'Queue', ports: '1/1', processing: 'h/l', args: { CAPACITY: a.p(T.unsigned, 1000) }, host },
  { name: 'Unqueue', ports: '1/1', processing: 'l/h', args: {}, host },
  { name: 'Tee', ports: '1/-', processing: 'h/h', args: { N: a.po(T.unsigned) }, host },
  { name: 'Switch', ports: '1/-', processing: 'a/a', args: {}, host },
  { name: 'Checker', ports: '1/1-2', processing: 'a/ah', args: {}, host },
  { name: 'Sched', ports: '-/1', processing: 'l/l', args: {}, host },
  { name: 'Mux', ports: '2/1', processing: 'h/h', args: {}, host },
  { name: 'Paired', ports: '1-/=', processing: 'a/a', flow: '#/#', args: {}, host },
  { name: 'PlusOne', ports: '1-/=+', processing: 'h/h', args: {}, host },
  { name: 'Idle', ports: '-/-', processing: 'a/a', flow: 'x/y', args: {}, host },
  { name: 'Querier', ports: '2/1', processing: 'a/a', flow: 'xy/x', args: {}, host },
  // Arguments.
  { name: 'Classify', ports: '1/-', processing: 'h/h', args: { PATTERNS: a.rest(T.word) }, host },
  { name: 'Target', ports: '1/1', processing: 'a/a', args: { ELEMENT: a.mp(T.element), LIMIT: a.kw(T.unsigned, 5) }, host },
  { name: 'Addr', ports: '1/1', processing: 'a/a', args: { ADDR: a.mp(T.ip), ETH: a.m(T.ether) }, host },
];

/** Checks across arguments and warnings, as element classes do in `configure`. */
const ranged = defineElement({
  name: 'Ranged',
  ports: '1/1',
  processing: 'a/a',
  args: { MIN: a.mp(T.unsigned), MAX: a.mp(T.unsigned) },
  configure: (args, ctx) => {
    if (args.MAX < args.MIN) throw new ConfigError(`MAX ${args.MAX} is less than MIN ${args.MIN}`, 1, 'MAX must be at least MIN');
    if (args.MAX === args.MIN) ctx.warn('MIN equals MAX: the range has one value');
    return { span: args.MAX - args.MIN };
  },
  host,
});

const all = [...shapes, ranged as unknown as AnyElementSpec];
export const testClasses: ReadonlyMap<string, AnyElementSpec> = new Map(all.map((s) => [s.name, s]));
export const testLookup = (name: string): AnyElementSpec | undefined => testClasses.get(name);
export const testOptions = { lookupClass: testLookup, knownClasses: [...testClasses.keys()] };

// Batched runs must be observably identical to Click's packet-at-a-time runs
// where split paths reconverge or shared streams interleave. Each case runs
// once as the engine would (sources send 32-packet bursts, delivery from the
// analysis) and once as per-packet processing (bursts of 1, every element
// delivering each packet at once), and compares sink order and stderr lines.
// Forcing whole-batch delivery shows each case would otherwise differ.

import t, { type Test } from 'tap';
import type { Delivery } from '../../graph/delivery.js';
import { Router } from '../../host-engine/router.js';
import { buildGraph, chain, type ConnDecl, type ElementDecl } from './graph-builder.js';
import { Drain, Dup, Fifo, Pass, Say, SayAll, Sink, Source, Switch, type SinkEl } from './test-elements.js';

type Mode = 'engine' | 'per-packet' | 'all-batch';

interface Observed {
  sinks: Record<string, number[]>;
  stderr: string[];
}

function observe(t: Test, make: (burst: number) => { elements: ElementDecl[]; connections: ConnDecl[] }, mode: Mode): Observed {
  const { elements, connections } = make(mode === 'per-packet' ? 1 : 32);
  const g = buildGraph(elements, connections);
  const n = g.elements.length;
  let delivery: Delivery | undefined;
  if (mode === 'per-packet') delivery = { mode: new Array(n).fill('single'), pullLimit: new Array(n).fill(1) };
  if (mode === 'all-batch') delivery = { mode: new Array(n).fill('batch'), pullLimit: new Array(n).fill(Infinity) };
  const stderr: string[] = [];
  const r = new Router(g, { simtime: true, delivery, stderr: (l) => stderr.push(l), stdout: () => {} });
  r.run();
  t.ok(r.accounting().ok, `accounting balances (${mode})`);
  const sinks: Record<string, number[]> = {};
  for (const e of elements) if (e.spec === Sink) sinks[e.name] = (r.element(e.name) as SinkEl).seen;
  return { sinks, stderr };
}

function compare(name: string, make: (burst: number) => { elements: ElementDecl[]; connections: ConnDecl[] }) {
  t.test(name, async (t) => {
    const ref = observe(t, make, 'per-packet');
    const eng = observe(t, make, 'engine');
    const naive = observe(t, make, 'all-batch');
    t.same(eng.sinks, ref.sinks, 'sinks see packets in per-packet order');
    t.same(eng.stderr, ref.stderr, 'stderr lines in per-packet order');
    t.notSame(naive, ref, 'whole-batch delivery would change the order (the case is a real test)');
  });
}

compare('classifier outputs meeting at one sink', (burst) => ({
  elements: [
    { name: 'src', spec: Source, conf: { count: 100, burst }, outputs: ['push'] },
    { name: 'cl', spec: Switch, inputs: ['push'], outputs: ['push', 'push', 'push'] },
    { name: 'a', spec: Pass, inputs: ['push'], outputs: ['push'] },
    { name: 'b', spec: Pass, inputs: ['push'], outputs: ['push'] },
    { name: 'sink', spec: Sink, inputs: ['push'] },
  ],
  connections: [['src', 0, 'cl', 0], ['cl', 0, 'a', 0], ['cl', 1, 'b', 0], ['cl', 2, 'sink', 0], ['a', 0, 'sink', 0], ['b', 0, 'sink', 0]],
}));

compare('two Print elements in series', (burst) => ({
  elements: [
    { name: 'src', spec: Source, conf: { count: 70, burst }, outputs: ['push'] },
    { name: 'p1', spec: Say, conf: { label: 'one' }, inputs: ['push'], outputs: ['push'] },
    { name: 'p2', spec: Say, conf: { label: 'two' }, inputs: ['push'], outputs: ['push'] },
    { name: 'sink', spec: Sink, inputs: ['push'] },
  ],
  connections: chain('src', 'p1', 'p2', 'sink'),
}));

compare('a Tee whose copies meet', (burst) => ({
  elements: [
    { name: 'src', spec: Source, conf: { count: 50, burst }, outputs: ['push'] },
    { name: 'tee', spec: Dup, inputs: ['push'], outputs: ['push', 'push'] },
    { name: 'x', spec: Pass, inputs: ['push'], outputs: ['push'] },
    { name: 'sink', spec: Sink, inputs: ['push'] },
  ],
  connections: [['src', 0, 'tee', 0], ['tee', 0, 'x', 0], ['tee', 1, 'sink', 0], ['x', 0, 'sink', 0]],
}));

compare('a classifier branch with a Print meeting a plain branch at a Print', (burst) => ({
  elements: [
    { name: 'src', spec: Source, conf: { count: 40, burst }, outputs: ['push'] },
    { name: 'cl', spec: Switch, inputs: ['push'], outputs: ['push', 'push'] },
    { name: 'arp', spec: Say, conf: { label: 'arp' }, inputs: ['push'], outputs: ['push'] },
    { name: 'head', spec: Say, conf: { label: 'head' }, inputs: ['push'], outputs: ['push'] },
    { name: 'sink', spec: Sink, inputs: ['push'] },
  ],
  connections: [['src', 0, 'cl', 0], ['cl', 0, 'arp', 0], ['cl', 1, 'head', 0], ['arp', 0, 'head', 0], ['head', 0, 'sink', 0]],
}));

compare('Print above and below a pull boundary', (burst) => ({
  elements: [
    { name: 'src', spec: Source, conf: { count: 40, burst }, outputs: ['push'] },
    { name: 'q', spec: Fifo, conf: { capacity: 1000 }, inputs: ['push'], outputs: ['pull'] },
    { name: 'up', spec: Say, conf: { label: 'up' }, inputs: ['pull'], outputs: ['pull'] },
    { name: 'uq', spec: Drain, conf: { burst: 8 }, inputs: ['pull'], outputs: ['push'] },
    { name: 'down', spec: Say, conf: { label: 'down' }, inputs: ['push'], outputs: ['push'] },
    { name: 'sink', spec: Sink, inputs: ['push'] },
  ],
  connections: chain('src', 'q', 'up', 'uq', 'down', 'sink'),
}));

compare('a Print that prints its whole batch before sending it on, behind a classifier (conformance 22)', (burst) => ({
  elements: [
    { name: 'src', spec: Source, conf: { count: 60, burst }, outputs: ['push'] },
    { name: 'cl', spec: Switch, conf: { div: 2 }, inputs: ['push'], outputs: ['push', 'push', 'push'] },
    { name: 'arp', spec: SayAll, conf: { label: 'arp' }, inputs: ['push'], outputs: ['push'] },
    { name: 'head', spec: SayAll, conf: { label: 'head' }, inputs: ['push'], outputs: ['push'] },
    { name: 'sink', spec: Sink, inputs: ['push'] },
  ],
  // Packets go to outputs 0,0,1,1,2,2,...: pairs reach `arp` as one run.
  connections: [['src', 0, 'cl', 0], ['cl', 0, 'arp', 0], ['cl', 1, 'head', 0], ['cl', 2, 'sink', 0], ['arp', 0, 'head', 0], ['head', 0, 'sink', 0]],
}));

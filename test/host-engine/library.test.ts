// The engine with real library elements (built through checkGraph, without
// the parser): sources, counters, queues and rate-based elements.

import t from 'tap';
import { syntheticSpan } from '../../config-lang/source.js';
import { checkGraph } from '../../graph/check.js';
import type { CheckedGraph, GraphElement } from '../../graph/router-graph.js';
import { Router } from '../../host-engine/router.js';

/** A flat graph from `name :: Class(config)` declarations and `a[0] -> [0]b` pairs, checked. */
function graph(decls: [string, string, string][], conns: [string, number, string, number][]): CheckedGraph {
  const span = syntheticSpan('<test>');
  const elements: GraphElement[] = decls.map(([name, className, config], index) => ({ index, name, className, config, span, context: [] }));
  const at = (n: string) => elements.findIndex((e) => e.name === n);
  return checkGraph({
    elements,
    connections: conns.map(([f, fp, to, tp]) => ({ from: { element: at(f), port: fp }, to: { element: at(to), port: tp }, span, context: [] })),
    requirements: [],
  });
}

function run(g: CheckedGraph, simtime = true) {
  const err: string[] = [];
  const r = new Router(g, { simtime, stderr: (l) => err.push(l), stdout: () => {} });
  const res = r.run();
  return { r, res, err };
}

t.test('InfiniteSource -> Counter -> Discard', async (t) => {
  const g = graph(
    [['src', 'InfiniteSource', 'LENGTH 60, LIMIT 1000, BURST 32, STOP true'], ['c', 'Counter', ''], ['d', 'Discard', '']],
    [['src', 0, 'c', 0], ['c', 0, 'd', 0]],
  );
  const { r, res } = run(g);
  t.equal(res.reason, 'stopped');
  t.equal(r.readHandler('c.count'), '1000');
  t.equal(r.readHandler('c.byte_count'), '60000');
  t.ok(r.accounting().ok);
  r.cleanup();
});

t.test('a push-to-pull boundary: Queue and Unqueue', async (t) => {
  const g = graph(
    [['src', 'InfiniteSource', 'LIMIT 500, BURST 4'], ['q', 'Queue', '1000'], ['u', 'Unqueue', 'BURST 8'], ['c', 'Counter', ''], ['d', 'Discard', '']],
    [['src', 0, 'q', 0], ['q', 0, 'u', 0], ['u', 0, 'c', 0], ['c', 0, 'd', 0]],
  );
  const { r, res } = run(g);
  t.equal(res.reason, 'idle', 'ends when the source is done and the queue is empty');
  t.equal(r.readHandler('c.count'), '500');
  t.equal(r.readHandler('q.drops'), '0');
  t.ok(r.accounting().ok);
});

t.test('rate-based elements are reproducible in simulated time', async (t) => {
  const make = () =>
    graph(
      [['src', 'RatedSource', 'RATE 1000, LIMIT 50, STOP true'], ['c', 'Counter', ''], ['d', 'Discard', '']],
      [['src', 0, 'c', 0], ['c', 0, 'd', 0]],
    );
  const a = run(make());
  const b = run(make());
  t.equal(a.r.readHandler('c.count'), '50');
  t.equal(a.res.endNs, b.res.endNs, 'same simulated end time on every run');
  const ms = Number(a.res.endNs - a.res.startNs) / 1e6;
  t.ok(ms >= 45 && ms <= 55, `50 packets at 1000/s take ~50 ms of simulated time (${ms} ms)`);
});

// The delivery-order property with the real library: a run as the engine does
// it must equal per-packet processing (every element delivering and taking
// one packet at a time), and whole-batch delivery must differ, or the case
// would prove nothing.
t.test('reconvergent paths with real elements keep per-packet order', async (t) => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadConfig } = await import('../../config-lang/load.js');
  const capture = join(import.meta.dirname, '..', 'fixtures', 'conformance', '01-counter', 'in.pcap');
  const configs: Record<string, string> = {
    'Classifier outputs meeting at one ToDump': `FromDump(${capture}) -> cl :: Classifier(12/0800, 12/0806, -);
      td :: ToDump(out.pcap); cl[0] -> Paint(1) -> td; cl[1] -> td; cl[2] -> Truncate(40) -> td;`,
    'two Print elements in series': `FromDump(${capture}) -> Print(a, 16) -> Truncate(30) -> Print(b, 30) -> Discard;`,
    'a Tee whose copies meet': `FromDump(${capture}) -> tee :: Tee(2); td :: ToDump(out.pcap);
      tee[0] -> Paint(1) -> td; tee[1] -> Truncate(50) -> td;`,
  };
  for (const [name, text] of Object.entries(configs)) {
    const observe = (mode: 'engine' | 'per-packet' | 'all-batch') => {
      const dir = mkdtempSync(join(tmpdir(), 'clickvm-order-'));
      try {
        const g = loadConfig(text, '<test>');
        const n = g.elements.length;
        const delivery =
          mode === 'per-packet' ? { mode: new Array(n).fill('single'), pullLimit: new Array(n).fill(1) }
          : mode === 'all-batch' ? { mode: new Array(n).fill('batch'), pullLimit: new Array(n).fill(Infinity) }
          : undefined;
        const err: string[] = [];
        const r = new Router(g, { simtime: true, baseDir: dir, delivery, stderr: (l) => err.push(l), stdout: () => {} });
        r.run();
        t.ok(r.accounting().ok, `${name}: accounting (${mode})`);
        r.cleanup();
        let dump = '';
        try {
          dump = readFileSync(join(dir, 'out.pcap')).toString('hex');
        } catch {
          // Print-only configuration.
        }
        return { dump, err };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const ref = observe('per-packet');
    t.ok(ref.dump.length > 0 || ref.err.length > 0, `${name}: the run produced output`);
    t.same(observe('engine'), ref, `${name}: same output as per-packet processing`);
    t.notSame(observe('all-batch'), ref, `${name}: whole batches would differ`);
  }
});

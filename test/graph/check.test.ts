// The checker on hand-built graphs (test/graph/mini-graph.ts) and synthetic
// classes (test/graph/specs.ts): every rule, with message and line:col.

import t from 'tap';
import { ClickError, formatDiagnostics, type Diagnostic } from '../../config-lang/diagnostics.js';
import { checkGraph, type CheckResult } from '../../graph/check.js';
import { lookupInScope } from '../../graph/check-args.js';
import type { RouterGraph } from '../../graph/router-graph.js';
import { lineCol, miniGraph } from './mini-graph.js';
import { testOptions } from './specs.js';

function check(text: string): CheckResult {
  return checkGraph(miniGraph(text), testOptions);
}

function diagnosticsOf(graph: RouterGraph): readonly Diagnostic[] {
  try {
    checkGraph(graph, testOptions);
  } catch (e) {
    if (e instanceof ClickError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected check errors');
}

/** Each error as `line:col message`. */
function errors(text: string): string[] {
  return diagnosticsOf(miniGraph(text)).filter((d) => d.severity === 'error').map((d) => `${lineCol(d.span)} ${d.message}`);
}

const modes = (g: CheckResult, name: string) => {
  const e = g.elements.find((x) => x.name === name)!;
  return `${e.inputs.join(',')}/${e.outputs.join(',')}`;
};

t.test('a valid push chain gets push ports, specs and parsed configurations', async (t) => {
  const g = check('src :: PushSource(5, STOP true) -> n :: Null -> s :: Sink;');
  t.equal(g.elements.length, 3);
  t.equal(modes(g, 'n'), 'push/push');
  t.same(g.elements[0]!.conf, { LIMIT: 5, STOP: true });
  t.equal(g.elements[1]!.spec.name, 'Null');
  t.same(g.warnings, []);
});

t.test('agnostic ports take the mode of their neighbours, through flow codes', async (t) => {
  const g = check('PushSource -> q :: Queue -> a :: Null -> b :: Null -> PullSink;');
  t.equal(modes(g, 'a'), 'pull/pull');
  t.equal(modes(g, 'b'), 'pull/pull');
  const ah = check('PushSource -> c :: Checker -> Queue -> PullSink; c[1] -> Sink;');
  t.equal(modes(ah, 'c'), 'push/push,push', 'a/ah: second output always push');
  const ah2 = check('PullSource -> c :: Checker -> PullSink; c[1] -> Sink;');
  t.equal(modes(ah2, 'c'), 'pull/pull,push', 'a/ah in a pull path: input and output 0 pull, output 1 push');
});

t.test('flow codes decouple ports: x/y, #/#, xy/x', async (t) => {
  const idle = check('PushSource -> i :: Idle -> PullSink;');
  t.equal(modes(idle, 'i'), 'push/pull', 'x/y: no flow, so no conflict');
  const paired = check('PushSource -> [0]p :: Paired [0] -> Sink; PullSource -> [1]p [1] -> PullSink;');
  t.equal(modes(paired, 'p'), 'push,pull/push,pull', '#/#: port K only to port K');
  const q = check('PushSource -> [0]q :: Querier -> Queue -> PullSink; PullSource -> [1]q;');
  t.equal(modes(q, 'q'), 'push,pull/push', 'xy/x: input 1 does not flow to the output');
  t.same(errors('PullSource -> [0]q :: Querier -> Sink; PushSource -> [1]q;'), ['1:18 agnostic \'q\' :: Querier in mixed context: pull input 0, push output 0']);
});

t.test('unconstrained agnostic ports default to push', async (t) => {
  const g = check('a :: Switch -> b :: Null -> a; a[1] -> AnySink;');
  t.equal(modes(g, 'a'), 'push/push,push');
  t.equal(modes(g, 'b'), 'push/push');
});

t.test('port counts: too many ports', async (t) => {
  t.same(errors('PushSource -> n :: Null;\nn[1] -> Sink;\nn -> Sink;'), ["2:1 'n' :: Null has no output 1"]);
  const d = diagnosticsOf(miniGraph('PushSource -> n :: Null;\nn[1] -> Sink;\nn -> Sink;'))[0]!;
  t.equal(d.hint, "Null has 1 input and 1 output (port count '1/1')");
  t.same(d.related!.map((r) => `${lineCol(r.span)} ${r.message}`), ["1:15 'n' :: Null declared here"]);
  t.same(errors('PushSource -> [2]m :: Mux -> Sink;'), ["1:1 'm' :: Mux has no input 2", "1:18 'm' :: Mux input 0 unused", "1:18 'm' :: Mux input 1 unused"]);
  t.same(errors('PushSource -> [1]p :: PlusOne [3] -> Sink; PushSource -> p; p -> Sink; p[1] -> Sink; p[2] -> Sink;'), ["1:15 'p' :: PlusOne has no output 3"]);
  t.same(errors('x :: PushSource -> [1]Sink;'), ["1:1 'Sink@2' :: Sink has no input 1", "1:23 'Sink@2' :: Sink input 0 unused"]);
});

t.test('port counts: unused ports in the middle and below the minimum', async (t) => {
  t.same(errors('t :: Tee;\nPushSource -> t;\nt[1] -> Sink;'), ["1:1 't' :: Tee output 0 unused"]);
  const d = diagnosticsOf(miniGraph('t :: Tee;\nPushSource -> t;\nt[1] -> Sink;'))[0]!;
  t.match(d.hint, /ports are numbered from 0/);
  t.same(d.related!.map((r) => lineCol(r.span)), ['3:1'], 'points at the connection of the higher port');
  t.same(errors('PushSource -> [0]m :: Mux -> Sink;'), ["1:18 'm' :: Mux input 1 unused"]);
  t.match(diagnosticsOf(miniGraph('PushSource -> [0]m :: Mux -> Sink;'))[0]!.hint, /Mux has 2 inputs and 1 output/);
  t.same(errors('n :: Null;'), ["1:1 'n' :: Null input 0 unused", "1:1 'n' :: Null output 0 unused"]);
});

t.test('push and pull mismatches name both ends', async (t) => {
  t.same(errors('a :: PushSource -> b :: PullSink;'), ["1:1 'a' push output 0 connected to 'b' pull input 0"]);
  const d = diagnosticsOf(miniGraph('a :: PushSource -> b :: PullSink;'))[0]!;
  t.match(d.hint, /'a' :: PushSource output 0 is push, 'b' :: PullSink input 0 is pull; .*Queue/);
  t.same(errors('a :: PullSource -> b :: Sink;'), ["1:1 'a' pull output 0 connected to 'b' push input 0"]);
  t.same(errors('PushSource -> q :: Queue -> u :: Unqueue -> Queue -> x :: PushNull -> Sink;'), ["1:45 'Queue@4' pull output 0 connected to 'x' push input 0"]);
});

t.test('agnostic elements in a mixed context', async (t) => {
  const text = 'PushSource -> n :: Null -> PullSink;';
  t.same(errors(text), ["1:15 agnostic 'n' :: Null in mixed context: push input 0, pull output 0"]);
  const d = diagnosticsOf(miniGraph(text))[0]!;
  t.same(d.related!.map((r) => `${lineCol(r.span)} ${r.message}`), ['1:1 input 0 connected here', '1:15 output 0 connected here']);
});

t.test('push outputs and pull inputs connect exactly once', async (t) => {
  t.same(errors('s :: PushSource;\ns -> Sink;\ns -> Sink;'), ["3:1 's' :: PushSource push output 0 connected more than once"]);
  const d = diagnosticsOf(miniGraph('s :: PushSource;\ns -> Sink;\ns -> Sink;'))[0]!;
  t.same(d.related!.map((r) => `${lineCol(r.span)} ${r.message}`), ['2:1 output 0 first connected here']);
  t.match(d.hint, /Tee/);
  t.same(errors('k :: PullSink;\nPullSource -> k;\nPullSource -> k;'), ["3:1 'k' :: PullSink pull input 0 connected more than once"]);
  // Push inputs and pull outputs may be shared.
  const g = check('a :: PushSource -> s :: Sink; b :: PushSource -> s; q :: Queue; PushSource -> q; q -> Sched -> PullSink;');
  t.equal(modes(g, 's'), 'push/');
  // A connection written twice is one connection, as in Click.
  t.equal(check('s :: PushSource -> k :: Sink; s -> k;').connections.length, 1);
});

t.test('arguments: errors point inside the configuration string', async (t) => {
  t.same(errors('PushSource(12, STOP maybe) -> Sink;'), ["1:21 'PushSource@1' :: PushSource: STOP: 'maybe' is not a boolean (true/false)"]);
  t.same(errors('PushSource(lots) -> Sink;'), ["1:12 'PushSource@1' :: PushSource: LIMIT: 'lots' is not an integer"]);
  t.same(errors('s :: PushSource(1, 2, 3) -> Sink;'), ["1:20 's' :: PushSource: too many arguments"]);
  t.same(errors('s :: PushSource(1, COLOR red) -> Sink;'), ["1:20 's' :: PushSource: unknown argument 'COLOR'"]);
  t.same(errors('PushSource -> a :: Addr(10.0.0.1) -> Sink;'), ["1:25 'a' :: Addr: missing mandatory argument ETH"]);
  t.same(errors('PushSource -> a :: Addr -> Sink;'), ["1:15 'a' :: Addr: missing mandatory argument ADDR"], 'no configuration: the element');
  const d = diagnosticsOf(miniGraph('PushSource -> a :: Addr(10.0.0.1, ETH 00:11) -> Sink;'))[0]!;
  t.equal(`${lineCol(d.span)} ${d.message}`, "1:39 'a' :: Addr: ETH: '00:11' is not an Ethernet address");
  t.equal(d.span.end - d.span.start, 5, 'the caret covers the value');
  t.equal(d.hint, "expected Ethernet address, got '00:11'");
  const text = formatDiagnostics([d]);
  t.match(text, /^test\.click:1:39: error: .*\n   \|\n 1 \| PushSource -> a :: Addr\(10\.0\.0\.1, ETH 00:11\) -> Sink;\n   \| {39}\^~~~~\n/);
});

t.test('arguments: errors from configure point at the argument they name', async (t) => {
  t.same(errors('PushSource -> r :: Ranged(10, 5) -> Sink;'), ["1:31 'r' :: Ranged: MAX 5 is less than MIN 10"]);
  t.same(errors('PushSource -> r :: Ranged(10, MAX 5) -> Sink;'), ["1:35 'r' :: Ranged: MAX 5 is less than MIN 10"]);
  const g = check('PushSource -> r :: Ranged(3, 3) -> Sink;');
  t.same(g.elements[1]!.conf, { span: 0 });
  t.same(g.warnings.map((w) => `${lineCol(w.span)} ${w.severity} ${w.message}`), ["1:15 warning 'r' :: Ranged: MIN equals MAX: the range has one value"]);
});

t.test('arguments: element names resolve from the compound scope outwards', async (t) => {
  const classOf = new Map([['a/b/x', 'X'], ['a/q', 'Q1'], ['q', 'Q2'], ['a/b/q', 'Q3'], ['r', 'R']]);
  t.equal(lookupInScope(classOf, 'a/b/x', 'q'), 'Q3');
  t.equal(lookupInScope(classOf, 'a/c/x', 'q'), 'Q1');
  t.equal(lookupInScope(classOf, 'z/x', 'q'), 'Q2');
  t.equal(lookupInScope(classOf, 'a/b/x', 'r'), 'R');
  t.equal(lookupInScope(classOf, 'a/b/x', 'b/x'), 'X', 'a relative path');
  t.equal(lookupInScope(classOf, 'x', 'nothing'), undefined);
  t.ok(check('q :: Idle; PushSource -> t :: Target(q) -> Sink;'));
  t.same(errors('q :: Idle; PushSource -> t :: Target(qq) -> Sink;'), ["1:38 't' :: Target: ELEMENT: no element named 'qq'"]);
  t.same(errors('other/x :: Idle; PushSource -> in/t :: Target(x) -> Sink;'), ["1:47 'in/t' :: Target: ELEMENT: no element named 'x'"], 'elements inside another compound are out of scope');
  t.ok(check('PushSource -> in/t :: Target(in/t) -> Sink;'));
  t.ok(check('in/q :: Idle; PushSource -> in/t :: Target(q) -> Sink;'), 'a sibling inside the same compound');
});

t.test('unknown classes get a did-you-mean hint and do not cascade', async (t) => {
  const ds = diagnosticsOf(miniGraph('PushSource -> Queu -> PullSink;'));
  t.same(ds.map((d) => `${lineCol(d.span)} ${d.message}`), ["1:15 unknown element class 'Queu' (element 'Queu@2')"]);
  t.equal(ds[0]!.hint, "did you mean 'Queue'?");
  t.equal(diagnosticsOf(miniGraph('PushSource -> Frobnicator -> Sink;'))[0]!.hint, undefined);
});

t.test('every error of the graph is reported at once, with compound context notes', async (t) => {
  const g = miniGraph('a :: PushSource(x) -> b :: PullSink;\nc :: Null;\nd :: Nul;');
  const ctx = { span: g.elements[2]!.span, message: "in compound element 'C' used here" };
  const graph: RouterGraph = { ...g, elements: g.elements.map((e, i) => (i === 2 ? { ...e, context: [ctx] } : e)) };
  const ds = diagnosticsOf(graph);
  t.same(ds.map((d) => `${lineCol(d.span)} ${d.message}`), [
    "1:1 'a' push output 0 connected to 'b' pull input 0",
    "1:17 'a' :: PushSource: LIMIT: 'x' is not an integer",
    "2:1 'c' :: Null input 0 unused",
    "2:1 'c' :: Null output 0 unused",
    "3:1 unknown element class 'Nul' (element 'd')",
  ], 'in source order');
  t.same(ds[2]!.related, [ctx]);
  const text = formatDiagnostics(ds);
  t.match(text, /test\.click:2:1: error: 'c' :: Null input 0 unused\n(.*\n){4}test\.click:2:1: note: in compound element 'C' used here/);
});

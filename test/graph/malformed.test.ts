// Malformed configurations through the real front end (parseConfigText, then
// checkGraph) with the synthetic classes of specs.ts: each case lists every
// error as `line:col message`, in the order they are reported (source order).

import t from 'tap';
import { ClickError, formatDiagnostics, type Diagnostic } from '../../config-lang/diagnostics.js';
import { parseConfigText } from '../../config-lang/elaborate.js';
import { checkGraph } from '../../graph/check.js';
import { lineCol } from './mini-graph.js';
import { testClasses, testOptions } from './specs.js';

function diagnostics(text: string): readonly Diagnostic[] {
  try {
    const graph = parseConfigText(text, 'bad.click', { isPrimitiveClass: (n) => testClasses.has(n), knownClasses: [...testClasses.keys()] });
    checkGraph(graph, testOptions);
  } catch (e) {
    if (e instanceof ClickError) return e.diagnostics;
    throw e;
  }
  return [];
}

const cases: [title: string, text: string, errors: string[]][] = [
  // Port counts.
  ['output beyond the class maximum', 's :: PushSource -> n :: Null;\nn[1] -> Sink;', ["1:20 'n' :: Null output 0 unused", "2:1 'n' :: Null has no output 1"]],
  ['input beyond the class maximum', 'PushSource -> [1]n :: Null -> Sink;', ["1:1 'n' :: Null has no input 1", "1:18 'n' :: Null input 0 unused"]],
  ['a sink has no outputs', 'PushSource -> k :: Sink;\nk -> Sink;', ["2:1 'k' :: Sink has no output 0"]],
  ['a source has no inputs', 'Sink -> PushSource;', ["1:1 'Sink@1' :: Sink has no output 0", "1:1 'PushSource@2' :: PushSource has no input 0", "1:1 'Sink@1' :: Sink input 0 unused", "1:9 'PushSource@2' :: PushSource output 0 unused"]],
  ['unused output in the middle', 't :: Tee;\nPushSource -> t;\nt[1] -> Sink;\nt[2] -> Sink;', ["1:1 't' :: Tee output 0 unused"]],
  ['too few inputs for the class', 'PushSource -> m :: Mux -> Sink;', ["1:15 'm' :: Mux input 1 unused"]],
  ['an element connected to nothing', 'PushSource -> Sink;\nn :: Null;', ["2:1 'n' :: Null input 0 unused", "2:1 'n' :: Null output 0 unused"]],
  ['an unconnected source', 'x :: PushSource;\nPushSource -> Sink;', ["1:1 'x' :: PushSource output 0 unused"]],
  ["'=' port counts follow the inputs", 'p :: Paired;\nPushSource -> p;\np[1] -> Sink;', ["1:1 'p' :: Paired output 0 unused", "3:1 'p' :: Paired has no output 1"]],
  // Push and pull.
  ['push output into a pull input', 'PushSource -> PullSink;', ["1:1 'PushSource@1' push output 0 connected to 'PullSink@2' pull input 0"]],
  ['pull output into a push input', 'src :: PullSource;\nsrc -> Sink;', ["2:1 'src' pull output 0 connected to 'Sink@2' push input 0"]],
  ['agnostic element between push and pull', 'PushSource -> n :: Null -> PullSink;', ["1:15 agnostic 'n' :: Null in mixed context: push input 0, pull output 0"]],
  ['agnostic chain resolved past a queue', 'PushSource -> Null -> Queue -> x :: Null -> Null -> Sink;', ["1:32 'x' pull output 0 connected to 'Null@5' push input 0"]],
  ['queue into queue', 'PushSource -> Queue -> q2 :: Queue -> PullSink;', ["1:15 'Queue@2' pull output 0 connected to 'q2' push input 0"]],
  ['a/ah: the second output stays push', 'PullSource -> c :: Checker -> PullSink;\nc[1] -> PullSink;', ["2:1 'c' push output 1 connected to 'PullSink@4' pull input 0"]],
  ['push output used twice', 's :: PushSource;\ns -> Sink;\ns -> Sink;', ["3:1 's' :: PushSource push output 0 connected more than once"]],
  ['pull input used twice', 'k :: PullSink;\nPullSource -> k;\nPullSource -> k;', ["3:1 'k' :: PullSink pull input 0 connected more than once"]],
  ['mismatch inside a compound', 'elementclass P { input -> Queue -> output }\nPushSource -> p :: P -> Sink;', ["2:15 'p/Queue@1' pull output 0 connected to 'Sink@3' push input 0"]],
  // Arguments.
  ['not an integer', 'PushSource(many) -> Sink;', ["1:12 'PushSource@1' :: PushSource: LIMIT: 'many' is not an integer"]],
  ['bad keyword value', 'PushSource(5, STOP perhaps) -> Sink;', ["1:20 'PushSource@1' :: PushSource: STOP: 'perhaps' is not a boolean (true/false)"]],
  ['unknown keyword', 'PushSource(5, COLOR red) -> Sink;', ["1:15 'PushSource@1' :: PushSource: unknown argument 'COLOR'"]],
  ['too many arguments', 'PushSource(1, 2, 3) -> Sink;', ["1:15 'PushSource@1' :: PushSource: too many arguments"]],
  ['missing mandatory argument', 'PushSource -> a :: Addr(10.0.0.1) -> Sink;', ["1:25 'a' :: Addr: missing mandatory argument ETH"]],
  ['a mandatory positional takes a keyword-looking argument', 'PushSource -> a :: Addr(ETH 00:11:22:33:44:55) -> Sink;', ["1:25 'a' :: Addr: ADDR: 'ETH 00:11:22:33:44:55' is not an IP address"]],
  ['bad address on a later line', 'PushSource\n  -> a :: Addr(10.0.0.1,\n               ETH 00:11:22:33:44) -> Sink;', ["3:20 'a' :: Addr: ETH: '00:11:22:33:44' is not an Ethernet address"]],
  ['argument error after substitution points at the element', 'define($L lots);\nPushSource($L) -> Sink;', ["2:1 'PushSource@1' :: PushSource: LIMIT: 'lots' is not an integer"]],
  ['cross-argument error from configure', 'PushSource -> Ranged(9, 2) -> Sink;', ["1:25 'Ranged@2' :: Ranged: MAX 2 is less than MIN 9"]],
  ['unknown element name in an argument', 'PushSource -> Target(nothere) -> Sink;', ["1:22 'Target@2' :: Target: ELEMENT: no element named 'nothere'"]],
  ['element names are scoped by compound', 'elementclass C { input -> t :: Target(x) -> output }\nelementclass D { x :: Idle }\nd :: D;\nPushSource -> C -> Sink;', ["1:39 'C@3/t' :: Target: ELEMENT: no element named 'x'"]],
  ['argument count checked against the class', 'PushSource -> Target(Target@2, LIMIT -1) -> Sink;', ["1:38 'Target@2' :: Target: LIMIT: -1 is out of range (0 to 4294967295)"]],
  // Several problems at once.
  ['every error reported together', 'a :: PushSource(x) -> b :: PullSink;\nc :: Null;\nd :: Tee(two);\nPushSource -> d -> Sink;',
    ["1:1 'a' push output 0 connected to 'b' pull input 0", "1:17 'a' :: PushSource: LIMIT: 'x' is not an integer",
      "2:1 'c' :: Null input 0 unused", "2:1 'c' :: Null output 0 unused", "3:10 'd' :: Tee: N: 'two' is not an integer"]],
];

t.test(`${cases.length} malformed configurations`, async (t) => {
  t.ok(cases.length >= 25);
  for (const [title, text, expected] of cases) {
    const ds = diagnostics(text).filter((d) => d.severity === 'error');
    t.same(ds.map((d) => `${lineCol(d.span)} ${d.message}`), expected, title);
  }
});

t.test('errors from inside a compound carry notes about its use', async (t) => {
  const ds = diagnostics('elementclass P { input -> Queue -> output }\nPushSource -> p :: P -> Sink;');
  const text = formatDiagnostics(ds);
  t.match(text, /^bad\.click:2:15: error: 'p\/Queue@1' pull output 0 connected to 'Sink@3' push input 0\n/);
  t.ok(ds[0]!.related!.length > 0, 'the compound context is attached');
  t.match(text, /note: /);
});

t.test('unknown classes stop at elaboration with a hint', async (t) => {
  const ds = diagnostics('PushSource -> Sinc;');
  t.same(ds.map((d) => `${lineCol(d.span)} ${d.message}`), ["1:15 unknown element class 'Sinc'"]);
  t.match(ds[0]!.hint, /Sink/);
});

t.test('a correct configuration with compounds, scoped references and every port kind', async (t) => {
  const text = `
elementclass C { input -> t :: Target(q) -> output; q :: Idle }
src :: PushSource(10, STOP true) -> c :: Checker -> C -> q :: Queue(50) -> s :: Sched -> PullSink;
c[1] -> Sink;
PullSource -> [1]s;
`;
  t.same(diagnostics(text), []);
  const g = checkGraph(parseConfigText(text, 'ok.click', { isPrimitiveClass: (n) => testClasses.has(n) }), testOptions);
  const byName = new Map(g.elements.map((e) => [e.name, e]));
  t.same(byName.get('C@3/t')!.conf, { ELEMENT: 'q', LIMIT: 5 });
  t.same(byName.get('s')!.inputs, ['pull', 'pull']);
  t.same(byName.get('c')!.outputs, ['push', 'push']);
});

// Elaboration: compound expansion with Click's names, parameters and
// defines, overloads, groups and many-to-many connections, lexical scoping,
// requirements and libraries. Expected outputs come from Click's manual and
// its test suite (test/compound, test/tools/lexer-05, lexer-06).

import t from 'tap';
import { parseConfigText, type ElaborateOptions } from '../../config-lang/elaborate.js';
import { flatten } from '../../config-lang/flatten.js';
import type { RouterGraph } from '../../graph/router-graph.js';
import { anyCapitalized, shape } from './graph-compare.js';
import { errorLines } from '../util/diagnostics.js';

const opts: ElaborateOptions = { isPrimitiveClass: anyCapitalized };

function graph(text: string, extra: ElaborateOptions = {}): RouterGraph {
  return parseConfigText(text, 'test.click', { ...opts, ...extra });
}

function flat(text: string, extra: ElaborateOptions = {}): string {
  return flatten(graph(text, extra));
}

function errors(text: string, extra: ElaborateOptions = {}): string[] {
  return errorLines(() => graph(text, extra));
}

/** Connections as sorted `from [p] -> [q] to` lines. */
function connections(text: string, extra: ElaborateOptions = {}): string[] {
  return shape(graph(text, extra)).connections;
}

t.test('overloads are chosen by arguments and ports; `...` extends (Click test/compound/compact-01)', async (t) => {
  const text = `
elementclass Foo {
   $a, $b | input -> Print(1) -> output
|| $a, __REST__ $b | input -> Print(2) -> output
|| $a, TWO $b, __REST__ $c | input -> Print(3) -> output
}
InfiniteSource(DATA "", LIMIT 1, STOP true)
  -> Foo(A)
  -> f::Foo(A, TWO B)
elementclass Foo {
   $a, $b | input -> Print(4) -> output
|| ...
}
f -> Foo(A, B) -> Foo(A, B, C) -> Discard
`;
  t.equal(
    flat(text),
    `InfiniteSource@1 :: InfiniteSource(DATA "", LIMIT 1, STOP true);
Discard@6 :: Discard;
Foo@2/Print@1 :: Print(2);
f/Print@1 :: Print(1);
Foo@4/Print@1 :: Print(4);
Foo@5/Print@1 :: Print(2);

InfiniteSource@1 -> Foo@2/Print@1
    -> f/Print@1
    -> Foo@4/Print@1
    -> Foo@5/Print@1
    -> Discard@6;
`,
  );
});

t.test('keyword and __REST__ parameters', async (t) => {
  const g = graph(`
elementclass K { $a, COUNT $c, __REST__ $rest | input -> Print($a, $c, [$rest]) -> output }
Idle -> K(1, 2, COUNT 3, FOO 4) -> K(x, COUNT y) -> Discard;`);
  t.same(g.elements.filter((e) => e.className === 'Print').map((e) => e.config), ['1, 3, [2, FOO 4]', 'x, y, []']);
});

t.test('indexed variables and variables in variable names (Click test/compound/variables-01)', async (t) => {
  const g = graph(`
elementclass Foo {
   $a | input -> Print("$a") -> Print("\${a[0]}") -> Print("\${a[2]}") -> Print("\${a[3]}") -> output
}
elementclass Bar {
   $a, $n | input -> Print("\${a[$n]}") -> output
}
elementclass Baz {
   $a | input -> Bar(\${a[1]} \${a[0]}, \${a[2]}) -> output
}
InfiniteSource(DATA "", LIMIT 1, STOP true)
  -> Foo(A B C)
  -> Bar(D E F, 2)
  -> Baz(G H 1)
  -> Baz(I J 0)
  -> Discard
`);
  t.same(
    g.elements.filter((e) => e.className === 'Print').map((e) => e.config),
    ['"A B C"', '"A"', '"C"', '""', '"F"', '"G"', '"J"'],
  );
});

t.test('defines: any order, command-line overrides, quoting, undefined variables stay literal', async (t) => {
  const text = `define($B [$A], $A 1, $Q 'a"b');
Idle -> Print($A, $B, "$Q", '$A', $NOPE, \${NOPE-dflt}, \${A}x) -> Discard;`;
  const config = (extra: ElaborateOptions = {}): string => graph(text, extra).elements[1]!.config;
  t.equal(config(), `1, [1], "'a\\"b'", '$A', $NOPE, dflt, 1x`);
  t.equal(config({ defines: { A: '2' } }), `2, [2], "'a\\"b'", '$A', $NOPE, dflt, 2x`);
  t.equal(config({ defines: { $NOPE: 'yes' } }), `1, [1], "'a\\"b'", '$A', yes, yes, 1x`);
  t.same(errors(text, { defines: { 'A-B': '1' } }), ["1:1: bad definition 'A-B=1': 'A-B' is not a variable name"]);
});

t.test('a compound sees its parameters, its own defines and file defines, not its caller', async (t) => {
  const g = graph(`define($G global);
elementclass In { input -> Print($p, $G, $d) -> output }
elementclass Out { $p | define($d $p-local); input -> Print($p, $d) -> In -> output }
Idle -> Out(v) -> Discard;`);
  t.same(g.elements.map((e) => `${e.name}(${e.config})`), [
    'Idle@1()', 'Discard@3()', 'Out@2/Print@1(v, v-local)', 'Out@2/In@2/Print@1($p, global, $d)',
  ]);
});

t.test('nested definitions see the enclosing parameters (lexical scope)', async (t) => {
  const g = graph(`elementclass Outer { $x |
  elementclass Inner { input -> Print($x) -> output }
  input -> i :: Inner -> output }
Idle -> Outer(1) -> Outer(2) -> Discard;`);
  t.same(g.elements.filter((e) => e.className === 'Print').map((e) => `${e.name}(${e.config})`), [
    'Outer@2/i/Print@1(1)', 'Outer@3/i/Print@1(2)',
  ]);
});

t.test('classes are lexically scoped; a class named like a primitive shadows it after its definition', async (t) => {
  const g = graph(`elementclass A { input -> B -> output }
elementclass B { input -> C -> output }
elementclass Queue { input -> Queue(5) -> Paint(1) -> output }
Idle -> A -> B -> Queue -> Discard;`);
  t.same(g.elements.map((e) => `${e.name} :: ${e.className}`), [
    'Idle@1 :: Idle', 'Discard@5 :: Discard', 'A@2/B@1 :: B', 'B@3/C@1 :: C', 'Queue@4/Queue@1 :: Queue', 'Queue@4/Paint@2 :: Paint',
  ]);
  t.same(errors('Idle -> Later -> Discard; elementclass Later { input -> output }', { isPrimitiveClass: (n) => n === 'Idle' || n === 'Discard' }), [
    "1:9: unknown element class 'Later'",
  ]);
});

t.test('synonyms and extension to a primitive class', async (t) => {
  const g = graph(`elementclass MyQ Queue;
elementclass Queue { $cap, $rate | input -> Queue($cap) -> Shaper($rate) -> output || ... }
Idle -> MyQ(5) -> Queue(10) -> Queue(10, 20) -> Discard;`);
  t.same(g.elements.map((e) => `${e.name} :: ${e.className}(${e.config})`), [
    'Idle@1 :: Idle()', 'MyQ@2 :: Queue(5)', 'Queue@3 :: Queue(10)', 'Discard@5 :: Discard()',
    'Queue@4/Queue@1 :: Queue(10)', 'Queue@4/Shaper@2 :: Shaper(20)',
  ]);
});

t.test('compound ports follow Click manual examples', async (t) => {
  t.same(connections('a :: Idle; b :: Discard; a -> { input -> X -> output } -> b;'), [
    '@3/X@1 [0] -> [0] b', 'a [0] -> [0] @3/X@1',
  ]);
  t.same(
    connections(`a, c :: Idle; b, d :: Discard;
compound :: { input -> X -> output; input [1] -> Y -> [1] output };
a -> compound -> b; c -> [1] compound [1] -> d;`),
    ['a [0] -> [0] compound/X@1', 'c [0] -> [0] compound/Y@2', 'compound/X@1 [0] -> [0] b', 'compound/Y@2 [0] -> [0] d'],
  );
  t.same(connections('a :: Idle; b :: Discard; a -> { input -> output } -> { input -> output } -> b;'), ['a [0] -> [0] b']);
});

t.test('element groups and many-to-many connections (Click test/tools/lexer-05)', async (t) => {
  const expected = ['a [0] -> [0] c', 'a [1] -> [0] b', 'a [2] -> [0] d'];
  t.same(connections('a, b, c, d :: Idle;\na [0,1,2] => c, b, d;'), expected);
  t.same(connections('a, b, c, d :: Idle;\na [0,1,2] => ( -> c ), ( -> b ), d;'), expected);
  t.same(connections('a, d :: Idle;\na => (-> c :: Idle), (-> b :: Idle), d;'), expected);
  const b = graph(`analyzer, x1, x2 :: Idle;
x1 -> analyzer -> x2;
c :: Idle =>
         [1] analyzer [1],
         (-> c2 :: Idle => (->), Paint(1) ->)
-> post_classification :: Idle;`);
  const paint = b.elements.find((e) => e.className === 'Paint')!.name;
  t.match(paint, /^Paint@\d+$/);
  t.same(shape(b).connections, [
    'analyzer [0] -> [0] x2', 'analyzer [1] -> [0] post_classification', 'c [0] -> [1] analyzer', 'c [1] -> [0] c2',
    'c2 [0] -> [0] post_classification', `c2 [1] -> [0] ${paint}`, `${paint} [0] -> [0] post_classification`, 'x1 [0] -> [0] analyzer',
  ].sort());
});

t.test('groups inside compounds (Click test/tools/lexer-06)', async (t) => {
  const g = graph(`elementclass Foo {
    a, d :: Idle;
    a => (-> c :: Idle), (-> b :: Idle), d;
}
foo::Foo;`);
  t.same(shape(g).connections, ['foo/a [0] -> [0] foo/c', 'foo/a [1] -> [0] foo/b', 'foo/a [2] -> [0] foo/d']);
  const b = graph(`analyzer, x1, x2 :: Idle;
x1 -> analyzer -> x2;
c :: Idle =>
         [1] analyzer [1],
         foo :: { -> c2 :: Idle => (->), Paint(1) -> }
-> post_classification :: Idle;`);
  t.ok(b.elements.some((e) => /^foo\/Paint@\d+$/.test(e.name) && e.className === 'Paint'));
  t.ok(shape(b).connections.includes('c [1] -> [0] foo/c2'));
});

t.test('expandable port lists, implicit ports and repeated connections', async (t) => {
  t.same(connections('t :: Tee(3); r :: RoundRobinSched; t [] => [0, 1, 2] r;'), ['t [0] -> [0] r', 't [1] -> [1] r', 't [2] -> [2] r']);
  t.same(connections('t :: Tee(3); r :: RoundRobinSched; t [0, 1, 2] => [1,] r;'), ['t [0] -> [1] r', 't [1] -> [2] r', 't [2] -> [3] r']);
  t.same(connections('x :: Idle; y :: Discard; x -> ( [0]->[0]; [1]->[1] ) => ( [0]->[0]; [1]->[1] ) -> y;'), ['x [0] -> [0] y']);
  t.same(connections('x :: Idle; y :: Discard; x -> (->) -> y; x -> y;'), ['x [0] -> [0] y']);
  t.same(connections('a, b :: Idle; c :: Discard; a, b -> c;'), ['a [0] -> [0] c', 'b [0] -> [0] c']);
});

t.test('anonymous names skip names the user declared, as Click does', async (t) => {
  t.same(graph('Counter@2 :: Counter; Idle -> Counter -> Counter@2;').elements.map((e) => e.name), ['Counter@2', 'Idle@2', 'Counter@3']);
});

t.test('spans, configuration spans and compound context notes', async (t) => {
  const text = `define($N 10.0.0.0/8);
elementclass In { $net | input -> f :: IPFilter(allow src net $net) -> c :: Counter(  ) -> output }
elementclass Out { input -> in :: In($N) -> output }
Idle -> o :: Out -> Discard;`;
  const g = graph(text);
  const f = g.elements.find((e) => e.name === 'o/in/f')!;
  t.equal(f.config, 'allow src net 10.0.0.0/8');
  t.equal(f.configSpan, undefined, 'a substituted configuration has no source span');
  const c = g.elements.find((e) => e.name === 'o/in/c')!;
  t.equal(c.configSpan && text.slice(c.configSpan.start, c.configSpan.end), '  ', 'verbatim configuration keeps its span');
  t.equal(text.slice(c.span.start, c.span.end), 'c');
  t.same(
    f.context.map((n) => `${n.span.file.position(n.span.start).line}: ${n.message}`),
    ["3: in compound 'In' used here", "2: compound 'In' defined here", "4: in compound 'Out' used here", "3: compound 'Out' defined here"],
  );
  const conn = g.connections.find((x) => g.elements[x.from.element]!.name === 'o/in/f')!;
  t.equal(conn.context.length, 4, 'connections inside compounds carry the same notes');
  t.same(g.elements.find((e) => e.name === 'Idle@1')!.context, []);
});

t.test('requirements, provide and libraries', async (t) => {
  t.same(graph('require(ip, package "tcpudp", compact_config); Idle -> Discard;').requirements, ['ip', 'tcpudp']);
  t.same(graph('provide(mine); require(mine); Idle -> Discard;').requirements, ['mine']);
  const files: Record<string, string> = {
    '/lib/dir/lib.click': 'elementclass Shared { input -> Paint(7) -> output } require(library more.click)',
    '/lib/dir/more.click': 'define($M 3)',
  };
  const readLibrary = (p: string): string | undefined => files[p];
  const g = parseConfigText('require(library lib.click, library lib.click)\nIdle -> Shared -> Print($M) -> Discard;', '/lib/dir/main.click', {
    ...opts,
    readLibrary,
  });
  t.same(g.elements.map((e) => `${e.name}(${e.config})`), ['Idle@1()', 'Print@3(3)', 'Discard@4()', 'Shared@2/Paint@1(7)']);
  t.same(errors('require(library missing.click)', { readLibrary }), ["1:9: library 'missing.click' not found"]);
  t.same(errors('require(library lib.click)', { readLibrary: (p) => (p.endsWith('lib.click') ? 'a -> ;' : undefined) }), [
    "1:6: expected an element after '->', found ';'",
  ]);
});

t.test('flattening prints requirements and chains like click -qo-', async (t) => {
  t.equal(
    flat('provide(mine); require(ip, mine); s :: Idle; s -> a :: Counter -> [1] b :: Tee [1] -> Discard; a [1] -> Discard;'),
    `provide(mine);
require(ip, mine);

s :: Idle;
a :: Counter;
b :: Tee;
Discard@4 :: Discard;
Discard@5 :: Discard;

s -> a
    -> [1] b;
b [1] -> Discard@4;
a [1] -> Discard@5;
`,
  );
  t.equal(flat('a :: Idle; b :: Counter; a -> b -> a;'), 'a :: Idle;\nb :: Counter;\n\na -> b\n    -> a;\n', 'cycles are printed too');
});

t.test('connectiontunnel is rejected clearly', async (t) => {
  t.same(errors('connectiontunnel a -> b;'), ["1:1: 'connectiontunnel' is not supported"]);
});

// Lexer and parser details: tokens, configuration strings, ports, implicit
// pseudo-elements, error recovery, and front-end speed on a large file.

import t from 'tap';
import type { ConnectionStmt, ElementclassStmt, NamedRef, Statement } from '../../config-lang/ast.js';
import { DiagnosticBag } from '../../config-lang/diagnostics.js';
import { elaborate } from '../../config-lang/elaborate.js';
import { Lexer } from '../../config-lang/lexer.js';
import { parse } from '../../config-lang/parser.js';
import { SourceFile } from '../../config-lang/source.js';
import { anyCapitalized } from './graph-compare.js';
import { errorLines } from '../util/diagnostics.js';

function tokens(text: string): string[] {
  const lx = new Lexer(new SourceFile('t.click', text), new DiagnosticBag());
  const out: string[] = [];
  for (let tok = lx.next(); tok.kind !== 'eof'; tok = lx.next()) out.push(`${tok.kind}:${tok.text}`);
  return out;
}

function statements(text: string): readonly Statement[] {
  return parse(new SourceFile('t.click', text)).statements;
}

function chain(text: string): ConnectionStmt {
  return statements(text)[0] as ConnectionStmt;
}

function syntaxErrors(text: string): string[] {
  return errorLines(() => parse(new SourceFile('t.click', text)));
}

t.test('tokens', async (t) => {
  t.same(tokens('an/identifier/with/slashes//too/many\nx@1 $var ...'), ['ident:an/identifier/with/slashes', 'ident:x@1', 'variable:var', '...:...']);
  t.same(tokens('a->b=>c::d||e|f'), ['ident:a', '->:->', 'ident:b', '=>:=>', 'ident:c', ':::::', 'ident:d', '||:||', 'ident:e', '|:|', 'ident:f']);
  t.same(tokens('elementclass require provide define defined'), [
    'elementclass:elementclass', 'require:require', 'provide:provide', 'define:define', 'ident:defined',
  ]);
  t.same(tokens('a /* x\n y */ b // c\n#line 7 "f.click"\n# 8\nd $ e/'), ['ident:a', 'ident:b', 'ident:d', 'other:$', 'ident:e', 'other:/']);
});

t.test('configuration strings are raw text up to the balancing parenthesis', async (t) => {
  const config = (text: string): string | undefined => ((statements(text)[0] as ConnectionStmt).sections[0]![0]!.ref as NamedRef).config?.raw;
  t.equal(config('C1(simple string)'), 'simple string');
  t.equal(config('C2(string with (balanced parens))'), 'string with (balanced parens)');
  t.equal(config('C3(string with ")quoted" paren)'), 'string with ")quoted" paren');
  t.equal(config("C3b('it)s' here)"), "'it)s' here");
  t.equal(config('C4(// end-of-line comment)\n   still going!)'), '// end-of-line comment)\n   still going!');
  t.equal(config('C5(/* slash-star comment) */ and backslash \\)'), '/* slash-star comment) */ and backslash \\');
  t.equal(config('C6("escaped \\" quote )", \\<28 29>)'), '"escaped \\" quote )", \\<28 29>');
  t.equal(config('C7()'), '');
  const s = statements('M(\n# 100 "foobar.click"\n"test")')[0] as ConnectionStmt;
  const c = (s.sections[0]![0]!.ref as NamedRef).config!;
  t.equal(c.text, '\n\n"test"', 'a line directive inside a configuration string is removed');
  t.equal(c.raw, '\n# 100 "foobar.click"\n"test"');
});

t.test('port lists', async (t) => {
  const s = chain('a [0x10] -> [010] b [] -> [2,] c [1, 3] -> d;');
  const [a, b, c] = s.sections.map((x) => x[0]!);
  t.same(a!.outPorts?.ports, [16]);
  t.same(b!.inPorts?.ports, [8]);
  t.same([b!.outPorts?.ports, b!.outPorts?.expandable], [[], true]);
  t.same([c!.inPorts?.ports, c!.inPorts?.expandable], [[2], true]);
  t.same([c!.outPorts?.ports, c!.outPorts?.expandable], [[1, 3], false]);
});

t.test('ports without names inside compounds and groups are input and output', async (t) => {
  const cls = statements('elementclass A { [1] -> x :: X -> [2]; -> y :: Y ->; }')[0] as ElementclassStmt;
  if (cls.body.kind !== 'compound') throw new Error('compound expected');
  const [first, second] = cls.body.overloads[0]!.statements as ConnectionStmt[];
  const input = first!.sections[0]![0]!;
  t.same([input.ref.kind === 'implicit' && input.ref.pseudo, input.outPorts?.ports, input.inPorts], ['input', [1], undefined]);
  const output = first!.sections[2]![0]!;
  t.same([output.ref.kind === 'implicit' && output.ref.pseudo, output.inPorts?.ports], ['output', [2]]);
  t.same(second!.sections.map((set) => set[0]!.ref.kind), ['implicit', 'named', 'implicit']);
  const group = (chain('a :: Idle; x :: Idle; x -> (->) -> a;'), statements('x -> (->) -> a;')[0] as ConnectionStmt);
  t.equal(group.sections[1]![0]!.ref.kind, 'group');
  t.same(syntaxErrors('x -> [0];'), ['1:6: port [0] is not attached to an element']);
});

t.test('declarations: several names, classes and compound classes', async (t) => {
  const s = chain('a, b :: Queue(5);');
  t.same(s.sections[0]!.map((e) => (e.ref as NamedRef).name.name), ['a', 'b']);
  const last = s.sections[0]![1]!.ref as NamedRef;
  t.same([last.declClass?.kind, last.config?.raw], ['name', '5']);
  const c = chain('x :: { $a, KEY $b, __REST__ $c | input -> output || ... };').sections[0]![0]!.ref as NamedRef;
  if (c.declClass?.kind !== 'compound') throw new Error('compound expected');
  t.same(c.declClass.overloads[0]!.formals.map((f) => [f.keyword, f.name]), [[undefined, 'a'], ['KEY', 'b'], ['__REST__', 'c']]);
  t.ok(c.declClass.extendsSpan);
});

t.test('statements need no semicolons; every syntax error is reported in one run', async (t) => {
  t.equal(statements('a :: Idle b :: Idle a -> b elementclass C D define($x 1) require(ip)').length, 6);
  t.same(syntaxErrors('Idle -> ;\nIdle -> Discard;\na :: ;\nb [ -> c;\nelementclass { }\n'), [
    "1:9: expected an element after '->', found ';'",
    "3:6: missing element class after '::', found ';'",
    "4:5: expected a port number, found '->'",
    "5:14: expected element class name after 'elementclass', found '{'",
  ]);
  t.same(syntaxErrors('elementclass A {\n  input -> ;\n  x :: :: y;\n  z :: ;\n}\nIdle -> ;'), [
    "3:8: missing element class after '::', found '::'",
    "4:8: missing element class after '::', found ';'",
    "6:9: expected an element after '->', found ';'",
  ], 'recovery stays inside the compound (a bare arrow at the end is the implicit output there)');
  const deep = 'x -> '.concat('('.repeat(150), ')'.repeat(150), ';');
  t.same(syntaxErrors(deep), ['1:106: compound elements and groups are nested more than 100 levels deep', "1:305: syntax error near ')'"]);
});

t.test('a 10,000-element configuration parses and elaborates in well under a second', async (t) => {
  const blocks: string[] = ['define($LIMIT 1000);\nelementclass In { $net | input -> Strip(14) -> c :: CheckIPHeader -> IPFilter(allow src net $net, deny all) -> output; c [1] -> Discard }\n'];
  for (let i = 0; blocks.length < 1000; i++) {
    blocks.push(`s${i} :: InfiniteSource(LIMIT $LIMIT) -> c${i} :: Classifier(12/0800, -) -> In(10.${i % 256}.0.0/16) -> q${i} :: Queue -> Unqueue -> Counter -> Discard;
c${i} [1] -> Paint(${i % 256}) -> Discard;\n`);
  }
  const text = blocks.join('');
  let best = Infinity;
  let count = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    count = elaborate(parse(new SourceFile('big.click', text)), { isPrimitiveClass: anyCapitalized }).elements.length;
    best = Math.min(best, performance.now() - start);
  }
  t.ok(count >= 10_000, `${count} elements`);
  t.ok(best < 1000, `parse + elaborate took ${best.toFixed(0)} ms`);
});

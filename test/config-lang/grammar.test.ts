// The grammar file is normative: every corpus configuration must parse with
// the parser the `ebnf` package generates from config-lang/click.ebnf, and
// give the same statements, names, classes, configurations, ports and
// connections as the production parser.

import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Grammars } from 'ebnf';
import { parse } from '../../config-lang/parser.js';
import { SourceFile } from '../../config-lang/source.js';
import { summarizeAst, summarizeTree } from './ast-summary.js';
import { REPO_ROOT, corpus } from './corpus.js';

const grammar = readFileSync(join(REPO_ROOT, 'config-lang', 'click.ebnf'), 'utf8');
const generated = new Grammars.W3C.Parser(grammar);

function treeOf(text: string) {
  const tree = generated.getAST(text);
  if (!tree) throw new Error('the grammar does not match');
  if (tree.errors.length) throw new Error(tree.errors.map((e) => e.message).join('\n'));
  return tree;
}

const files = corpus();

t.test('the corpus is not empty', async (t) => {
  t.ok(files.length >= 30, `${files.length} configurations`);
});

for (const f of files) {
  t.test(`grammar and parser agree on ${f.name}`, async (t) => {
    const ast = parse(new SourceFile(f.name, f.text));
    t.same(summarizeTree(treeOf(f.text)), summarizeAst(ast.statements));
  });
}

// The grammar is context-free: it admits bare ports and arrows anywhere,
// where the parser allows them only inside compounds and groups.
t.test('the grammar rejects what the parser rejects', async (t) => {
  for (const bad of ['a :: ;', 'Foo(', 'a [x -> b', 'a,, b', 'x :: { a -> b', 'a -> b )', 'a -> b /* open', 'a [0 1] -> b']) {
    const tree = generated.getAST(bad);
    t.ok(!tree || tree.errors.length > 0, `grammar rejects ${JSON.stringify(bad)}`);
    t.throws(() => parse(new SourceFile('bad.click', bad)), `parser rejects ${JSON.stringify(bad)}`);
  }
});

t.test('the grammar keeps configuration strings verbatim', async (t) => {
  const text = 'x :: Foo(a (b) "c)" \'d)\' \\<29> // )\n e);';
  const s = summarizeTree(treeOf(text));
  t.same(s, summarizeAst(parse(new SourceFile('x.click', text)).statements));
  t.match(JSON.stringify(s), /a \(b\) \\"c\)\\" 'd\)' \\\\<29> \/\/ \)\\n e/);
});

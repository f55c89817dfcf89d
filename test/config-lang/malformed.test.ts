// Malformed configurations: each file under malformed/ starts with
// `// expect: LINE:COL: message` lines, the exact errors (in order) that one
// run of parse + elaborate must report. Every diagnostic must also render
// with its source line and a caret, without a stack trace.

import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClickError, formatDiagnostic, type Diagnostic } from '../../config-lang/diagnostics.js';
import { parseConfigText } from '../../config-lang/elaborate.js';
import { diagnosticLine } from '../util/diagnostics.js';

const DIR = join(import.meta.dirname, 'malformed');

/** A fixed class library, so hints do not change as the element registry grows. */
const CLASSES = new Set([
  'Counter', 'Discard', 'Idle', 'Queue', 'Unqueue', 'Print', 'Tee', 'Paint', 'Classifier', 'StoreData', 'InfiniteSource',
]);
const opts = { isPrimitiveClass: (n: string) => CLASSES.has(n), knownClasses: CLASSES };

function errorsOf(text: string, name: string): Diagnostic[] {
  try {
    parseConfigText(text, name, opts);
  } catch (e) {
    if (e instanceof ClickError) return [...e.diagnostics];
    throw e;
  }
  return [];
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.click')).sort();

t.test('there are at least 40 malformed configurations', async (t) => {
  t.ok(files.length >= 40, `${files.length} files`);
});

for (const file of files) {
  t.test(file, async (t) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const expected = [...text.matchAll(/^\/\/ expect: (.*)$/gm)].map((m) => m[1]!);
    t.ok(expected.length > 0, 'the file states its expected errors');
    const errors = errorsOf(text, file).filter((d) => d.severity === 'error');
    const got = errors.map(diagnosticLine);
    t.same(got, expected);
    for (const d of errors) {
      const rendered = formatDiagnostic(d);
      t.match(rendered, new RegExp(`^${file.replace(/\./g, '\\.')}:\\d+:\\d+: error: `), 'file:line:col: error: message');
      t.match(rendered, /\| +\^/, 'a caret under the span');
      t.notMatch(rendered, /\n\s+at /, 'no stack trace');
    }
  });
}

t.test('hints and related notes', async (t) => {
  const hint = (name: string): string | undefined => errorsOf(readFileSync(join(DIR, name), 'utf8'), name)[0]?.hint;
  t.equal(hint('25-unknown-class-hint.click'), "did you mean 'Counter'?");
  t.equal(hint('26-unknown-class-declaration.click'), "did you mean 'Tee'?");
  t.equal(hint('24-undeclared-element.click'), "did you mean 'count'?");
  const dup = errorsOf(readFileSync(join(DIR, '27-duplicate-declaration.click'), 'utf8'), 'dup.click')[0]!;
  t.same(dup.related?.map((r) => [r.span.file.position(r.span.start).line, r.message]), [[2, "'c' previously declared here"]]);
  const over = errorsOf(readFileSync(join(DIR, '37-overload-mismatch.click'), 'utf8'), 'over.click')[0]!;
  t.same(over.related?.map((r) => r.message), ['candidate: A($a) [1 input, 1 output]', 'candidate: A($a, $b) [1 input, 1 output]']);
  const arg = errorsOf(readFileSync(join(DIR, '35-compound-argument-count.click'), 'utf8'), 'arg.click')[0]!;
  t.same(arg.related?.map((r) => r.message), ["compound 'A' defined here"]);
});

// In-process pieces of the command: failure reporting and input resolution.

import t from 'tap';
import { ClickError } from '../../config-lang/diagnostics.js';
import { SourceFile } from '../../config-lang/source.js';
import { readInput } from '../../cli/input.js';
import { ExitStatus, io, reportFailure, UsageError } from '../../cli/report.js';

function captured(f: () => number): { code: number; err: string } {
  let err = '';
  const saved = io.err;
  io.err = (s) => (err += s);
  try {
    return { code: f(), err };
  } finally {
    io.err = saved;
  }
}

t.test('failures map to exit statuses, never a stack trace', async (t) => {
  const file = new SourceFile('x.click', 'a -> b;\n');
  const click = captured(() => reportFailure(new ClickError([{ severity: 'error', message: 'bad thing', span: file.span(0, 1) }])));
  t.same(click, { code: 1, err: 'x.click:1:1: error: bad thing\n   |\n 1 | a -> b;\n   | ^\n' });
  const usage = captured(() => reportFailure(new UsageError('no configuration')));
  t.same(usage, { code: 1, err: "clickvm: no configuration\nTry 'clickvm --help' for more information.\n" });
  const bug = new TypeError("Cannot read properties of undefined (reading 'x')\nmore detail");
  const internal = captured(() => reportFailure(bug));
  t.same(internal, { code: 2, err: "clickvm: internal error: Cannot read properties of undefined (reading 'x')\n" });
  t.same(captured(() => reportFailure('thrown string')), { code: 2, err: 'clickvm: internal error: thrown string\n' });
  t.same(captured(() => reportFailure(new ExitStatus(3))), { code: 3, err: '' });
});

t.test('input: -e, settings and their mistakes', async (t) => {
  t.same(readInput({ expression: 'Idle', params: ['A=1', '$B=two words'], define: ['C=', 'A=3'] }), {
    text: 'Idle',
    fileName: '<expr>',
    defines: { A: '1', C: '', B: 'two words' },
  });
  t.throws(() => readInput({}), new UsageError('no configuration: give a FILE, or -e EXPR'));
  t.throws(() => readInput({ define: ['1X=2'] }), /bad setting '1X=2' \(write NAME=VALUE\)/);
  t.throws(() => readInput({ expression: 'Idle', file: 'x.click' }), /unexpected argument 'x.click' after -e/);
  t.throws(() => readInput({ file: 'a.click', params: ['b.click'] }), /unexpected argument 'b.click' \(one configuration FILE at a time\)/);
  t.throws(() => readInput({ file: '/nonexistent/x.click' }), ClickError);
});

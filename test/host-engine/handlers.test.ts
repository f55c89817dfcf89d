import t from 'tap';
import { HandlerError } from '../../elements/spec.js';
import { Router } from '../../host-engine/router.js';
import { exitStatusFromHandler, printReadHandlers } from '../../host-engine/driver-handlers.js';
import { globToRegExp, parseHandlerPath } from '../../host-engine/handlers.js';
import { buildGraph, chain } from './graph-builder.js';
import { Fifo, Pass, Sink, Source, Value } from './test-elements.js';

function router() {
  const g = buildGraph(
    [
      { name: 'src', spec: Source, conf: { count: 3, burst: 3 }, outputs: ['push'], config: 'COUNT 3' },
      { name: 'c/p', spec: Pass, inputs: ['push'], outputs: ['push'] },
      { name: 'c/v', spec: Value, conf: { initial: 'inner' } },
      { name: 'v', spec: Value, conf: { initial: '42' } },
      { name: 'w', spec: Value, conf: { initial: 'false' } },
      { name: 'q', spec: Fifo, conf: { capacity: 10 }, inputs: ['push'], outputs: ['pull'] },
      { name: 'sink', spec: Sink, inputs: ['pull'] },
    ],
    [...chain('src', 'c/p', 'q', 'sink')],
    ['ip', 'userlevel'],
  );
  return new Router(g, { simtime: true, stderr: () => {}, stdout: () => {}, configText: 'the text' });
}

t.test('element handlers: name, class, config, ports, handlers, then the class handlers', async (t) => {
  const r = router();
  t.equal(r.readHandler('src.name'), 'src');
  t.equal(r.readHandler('src.class'), 'TestSource');
  t.equal(r.readHandler('src.config'), 'COUNT 3');
  t.equal(r.readHandler('c/p.ports'), '1 input\npush~\t-\tsrc [0]\n1 output\npush~\t-\t[0] q\n');
  t.equal(r.readHandler('q.ports'), '1 input\npush\t-\tc/p [0]\n1 output\npull\t-\t[0] sink\n');
  t.equal(r.readHandler('v.handlers'), 'name\tr.\nclass\tr.\nconfig\tr.\nports\tr.\nhandlers\tr.\nvalue\trw\npoke\tw\necho\tr+\n');
  t.equal(r.readHandler('v.value'), '42');
  r.writeHandler('v.value', 'seven');
  t.equal(r.readHandler('v.value'), 'seven');
  r.writeHandler('v.poke', 'x');
  t.equal(r.readHandler('v.value'), 'poked x');
});

t.test('global handlers, as `h` or `.h`', async (t) => {
  const r = router();
  t.equal(r.readHandler('version'), '2.1');
  t.equal(r.readHandler('.driver'), 'userlevel');
  t.equal(r.readHandler('list'), '7\nsrc\nc/p\nc/v\nv\nw\nq\nsink\n');
  t.equal(r.readHandler('requirements'), 'ip\nuserlevel\n');
  t.equal(r.readHandler('config'), 'the text');
  t.equal(r.readHandler('classes'), 'TestFifo\nTestPass\nTestSink\nTestSource\nTestValue\n');
  t.match(r.readHandler('handlers'), /^version\tr\n.*stop\tw\n$/s);
  t.equal(
    r.readHandler('flatconfig'),
    'require(ip, userlevel);\n\n' +
      'src :: TestSource(COUNT 3);\nc/p :: TestPass;\nc/v :: TestValue;\nv :: TestValue;\nw :: TestValue;\nq :: TestFifo;\nsink :: TestSink;\n\n' +
      'src -> c/p\n    -> q\n    -> sink;\n',
  );
  t.notOk(r.stopRequested);
  r.writeHandler('.stop', '');
  t.ok(r.stopRequested);
});

t.test("Click's error texts", async (t) => {
  const r = router();
  t.throws(() => r.readHandler('nope.count'), new HandlerError("no element named 'nope'"));
  t.throws(() => r.readHandler('v.nope'), new HandlerError("no 'v.nope' read handler"));
  t.throws(() => r.readHandler('v.poke'), new HandlerError("no 'v.poke' read handler"));
  t.throws(() => r.writeHandler('v.name', 'x'), new HandlerError("no 'v.name' write handler"));
  t.throws(() => r.readHandler('stop'), new HandlerError("no 'stop' read handler"));
  t.throws(() => r.writeHandler('version', '1'), new HandlerError("no 'version' write handler"));
});

t.test('elements look names up from their compound scope outwards', async (t) => {
  const r = router();
  t.equal(r.findElement('v', 'c/p'), 2, 'c/v from inside c');
  t.equal(r.findElement('v', 'src'), 3, 'v from the top level');
  t.equal(r.findElement('v'), 3);
  t.equal(r.findElement('p', 'c/x/y'), 1);
  t.equal(r.findElement('zz', 'c/p'), undefined);
  t.equal(r.readHandler('v.value', 'c/p'), 'inner');
});

t.test('handler paths split at the first dot', async (t) => {
  t.same(parseHandlerPath('a/b.c.d'), { element: 'a/b', handler: 'c.d' });
  t.same(parseHandlerPath('.stop'), { element: undefined, handler: 'stop' });
  t.same(parseHandlerPath('list'), { element: undefined, handler: 'list' });
});

t.test('-h printing in the driver format', async (t) => {
  const r = router();
  t.same(printReadHandlers(r, ['v.value']), { stdout: '42\n', errors: [] }, 'one handler: only its value');
  t.same(printReadHandlers(r, ['v.value', 'w.value']), { stdout: 'v.value:\n42\n\nw.value:\nfalse\n\n', errors: [] });
  t.same(printReadHandlers(r, ['list']).stdout, '7\nsrc\nc/p\nc/v\nv\nw\nq\nsink\n', 'a value ending in a newline gets none added');
  t.same(printReadHandlers(r, ['c/*.value']), { stdout: 'c/v.value:\ninner\n\n', errors: [] }, 'a pattern prints names');
  t.same(printReadHandlers(r, ['TestValue.value']).stdout, 'c/v.value:\ninner\n\nv.value:\n42\n\nw.value:\nfalse\n\n', 'a class name');
  t.same(printReadHandlers(r, ['v.nope', 'v.poke', 'x.value', 'x*.value', 'v.value']), {
    stdout: 'v.value:\n42\n\n',
    errors: ["no 'v.nope' handler", "'v.poke' is a write handler", "no element 'x'", "no element matching 'x*'"],
  });
});

t.test('-x exit status from a handler', async (t) => {
  const r = router();
  t.same(exitStatusFromHandler(r, 'v.value'), { status: 42 });
  t.same(exitStatusFromHandler(r, 'w.value'), { status: 1 });
  r.writeHandler('w.value', ' true // comment');
  t.same(exitStatusFromHandler(r, 'w.value'), { status: 0 });
  r.writeHandler('w.value', '-1');
  t.same(exitStatusFromHandler(r, 'w.value'), { status: 255 });
  r.writeHandler('w.value', 'maybe');
  t.same(exitStatusFromHandler(r, 'w.value'), { error: 'exit handler value should be integer' });
  t.same(exitStatusFromHandler(r, 'zz.value'), { error: "no element named 'zz'" });
});

t.test('glob patterns', async (t) => {
  t.ok(globToRegExp('c/*').test('c/v'));
  t.ok(globToRegExp('a?c').test('abc'));
  t.notOk(globToRegExp('a?c').test('ac'));
  t.ok(globToRegExp('[ab]x').test('bx'));
  t.notOk(globToRegExp('[!ab]x').test('bx'));
  t.ok(globToRegExp('a.b').test('a.b'));
  t.notOk(globToRegExp('a.b').test('axb'));
});

t.test('read handlers with a parameter', async (t) => {
  const r = router();
  t.equal(r.readHandler('v.echo 10.0.0.1'), '42:10.0.0.1');
  t.equal(r.readHandler('v.echo   a b '), '42:a b', 'the parameter is the rest after the first spaces');
  t.equal(r.readHandler('v.echo'), '42:', 'no parameter: empty');
  t.throws(() => r.readHandler('v.value x'), new HandlerError("read handler 'v.value' does not take parameters"));
  t.same(printReadHandlers(r, ['v.echo']), { stdout: '42:\n', errors: [] });
});

import t from 'tap';
import { readFileSync } from 'node:fs';
import { spec, type ScriptElement } from '../../../elements/driver/script.js';
import { configError, harness, type HarnessOptions } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MS = 1_000_000n;

/** A router stand-in: read handlers give fixed values, writes are recorded. */
function router(reads: Record<string, string> = {}) {
  const writes: string[] = [];
  const handlers = {
    read: (path: string) => {
      if (path in reads) return reads[path]!;
      throw new Error(`no '${path}' read handler`);
    },
    write: (path: string, value: string) => {
      if (path === 'bad.h') throw new Error("no 'bad.h' write handler");
      writes.push(`${path}=${value}`);
    },
  };
  return { handlers, writes };
}

function script(config: string, opts: HarnessOptions = {}) {
  return harness<ScriptElement>(spec, config, { inputs: [], outputs: [], name: 's', ...opts });
}

t.test("Click's loop example runs at start and stops the driver", async (t) => {
  const h = script('set x 0, label begin_loop, print $x, set x $(add $x 1), goto begin_loop $(lt $x 5), stop');
  t.same(h.stdout, [], 'nothing before the driver runs');
  h.advanceTo(0n);
  t.same(h.stdout, ['0', '1', '2', '3', '4']);
  t.equal(h.stopCount, 1);
  t.notOk(h.element.handleStoppedDriver(), 'an ACTIVE script leaves the stop to the engine');
});

t.test('quoting: set, setq, print of text and of handlers', async (t) => {
  const r = router({ 'c.count': '0' });
  const h = script(
    [
      'set x $(c.count)', 'print $x',
      'set x "$(c.count)"', 'print $x',
      'setq x "$(c.count)"', 'print $x',
      'print c.count', 'print "c.count"', `print '"c.count"'`,
      'set x c.count', 'print $x', 'print $($x)',
      'print "two words"', 'print ${x}',
    ].join(', '),
    { handlers: r.handlers },
  );
  h.advanceTo(0n);
  t.same(h.stdout, ['0', '"0"', '0', '0', 'c.count', '"c.count"', 'c.count', '0', 'two words', 'c.count']);
});

t.test('read prints name and value on stderr; write calls handlers and sets $?', async (t) => {
  const r = router({ 'c.count': '17' });
  const h = script('read c.count, write c.reset, print $?, write bad.h 1, print $?, writeq c.data "a b", write c.data "a b", write stop', { handlers: r.handlers });
  h.advanceTo(0n);
  t.same(h.stderr, ['c.count:', '17', "s: While calling 'bad.h': no 'bad.h' write handler"]);
  t.same(h.stdout, ['0', '-22']);
  t.same(r.writes, ['c.reset=', 'c.data=a b', 'c.data="a b"']);
  t.equal(h.stopCount, 1, 'the global stop handler');
});

t.test('wait TIME and pause block; step and goto handlers move on', async (t) => {
  const h = script('print "a", wait 1s, print "b", pause, print "c", label again, print "d", pause 2, print "e"');
  h.advanceTo(0n);
  t.same(h.stdout, ['a']);
  h.advanceTo(999n * MS);
  t.same(h.stdout, ['a']);
  h.advanceTo(1000n * MS);
  t.same(h.stdout, ['a', 'b']);
  h.write('step', '');
  t.same(h.stdout, ['a', 'b', 'c', 'd']);
  h.write('step', '1');
  t.same(h.stdout, ['a', 'b', 'c', 'd'], 'pause 2 needs two steps');
  h.write('step', '');
  t.same(h.stdout, ['a', 'b', 'c', 'd', 'e']);
  h.write('goto', 'again');
  t.same(h.stdout.slice(5), ['d']);
  t.throws(() => h.write('goto', 'nowhere'), { message: 'jump to nonexistent label' });
  t.throws(() => h.write('step', 'lots'), { message: 'syntax error' });
});

t.test('a step cuts a wait short', async (t) => {
  const h = script('wait 10s, print "early"');
  h.write('step', '');
  t.same(h.stdout, ['early']);
  h.advanceTo(20_000n * MS);
  t.same(h.stdout, ['early'], 'the timer was cancelled');
});

t.test('PASSIVE scripts run from the run handler and return values', async (t) => {
  const h = script('TYPE PASSIVE, return $(add $1 $2)');
  h.advanceTo(0n);
  t.equal(h.read('run', '3 4'), '7');
  const args = script('TYPE PASSIVE, return "$# [$args] $0"');
  t.equal(args.read('run', 'a b c'), '"3 [a b c] run"');
  const q = script('TYPE PASSIVE, returnq "$1"');
  t.equal(q.read('run', 'x'), 'x');
  const branch = script('TYPE PASSIVE, goto big $(gt $1 10), return small, label big, return big');
  t.equal(branch.read('run', '5'), 'small');
  t.equal(branch.read('run', '50'), 'big');
  const vars = script('TYPE PASSIVE, init n 5, set n $(add $n 1), return $n');
  t.equal(vars.read('run'), '6');
  t.equal(vars.read('run'), '7', 'variables persist; init happens once');
  vars.write('set', 'n 100');
  t.equal(vars.read('get', 'n'), '100');
  vars.write('set', 'list a b c');
  t.equal(vars.read('shift', 'list'), 'a');
  t.equal(vars.read('get', 'list'), 'b c');
  t.throws(() => vars.read('get', 'nope'), { message: "undefined variable 'nope'" });
});

t.test('end, exit, error and goto to them; too many jumps', async (t) => {
  const h = script('print 1, goto end, print 2');
  h.advanceTo(0n);
  t.same(h.stdout, ['1']);
  const e = script('print 1, errorq "it broke", print 2');
  e.advanceTo(0n);
  t.same(e.stdout, ['1']);
  t.same(e.stderr, ['s: it broke']);
  const loop = script('label l, goto l');
  loop.advanceTo(0n);
  t.same(loop.stderr, ['s :: Script: too many jumps, giving up'], 'named NAME :: CLASS, as Click does');
  const st = script('goto stop $(eq 1 1), print "no"');
  st.advanceTo(0n);
  t.equal(st.stopCount, 1);
  t.same(st.stdout, []);
  const bad = script('goto end maybe, print "yes", print a');
  bad.advanceTo(0n);
  t.same(bad.stderr, ["s: bad condition 'maybe'", "s: While calling 'a': no router in the element harness"], 'print of a word reads a handler');
  t.same(bad.stdout, ['yes']);
});

t.test('print to files, save and append, printn', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-script-'));
  const r = router({ 'c.count': '3' });
  const h = script(`print >${dir}/a.txt "hello", print >>${dir}/a.txt c.count, save c.count ${dir}/b.txt, append c.count ${dir}/b.txt, printn "x", printn "y", print "z", printn "w"`, { handlers: r.handlers });
  h.advanceTo(0n);
  t.equal(readFileSync(`${dir}/a.txt`, 'utf8'), 'hello\n3\n');
  t.equal(readFileSync(`${dir}/b.txt`, 'utf8'), '3\n3\n');
  t.same(h.stdout, ['xyz']);
  h.cleanup();
  t.same(h.stdout, ['xyz', 'w'], 'a partial line is flushed at the end');
});

t.test('arithmetic, comparison and string helpers', async (t) => {
  const h = script('TYPE PASSIVE');
  const r = (name: string, p: string) => h.read(name, p);
  t.equal(r('add', '10 5 2'), '17');
  t.equal(r('sub', '10 5 2'), '3');
  t.equal(r('mul', '2 3 4'), '24');
  t.equal(r('div', '7 2'), '3.5');
  t.equal(r('idiv', '7 2'), '3');
  t.equal(r('add', '0.1 0.2'), '0.3', "doubles print as %.12g");
  t.equal(r('add', '108367089.0625 0'), '108367089.062', '%.12g rounds the exact value, ties to even');
  t.equal(r('abs', '-0.5000000000005'), '0.500000000001', 'above the tie rounds up');
  t.equal(r('min', '4 2 9'), '2');
  t.equal(r('max', '4 2 9'), '9');
  t.equal(r('mod', '7 3'), '1');
  t.equal(r('rem', '7.5 2'), '1.5');
  t.equal(r('neg', '4'), '-4');
  t.equal(r('abs', '-2.5'), '2.5');
  t.equal(r('eq', '10 0xA'), 'true');
  t.equal(r('le', '9 8'), 'false');
  t.equal(r('eq', '10x 10x'), 'true');
  t.equal(r('lt', 'abc abd'), 'true');
  t.equal(r('ne', '1 1.0'), 'false');
  t.equal(r('not', 'true'), 'false');
  t.equal(r('and', 'true false'), 'false');
  t.equal(r('or', 'false yes'), 'true');
  t.equal(r('nor', 'false false'), 'true');
  t.equal(r('if', 'false a b'), 'b');
  t.equal(r('in', 'b a b c'), 'true');
  t.equal(r('first', 'x y'), 'x');
  t.equal(r('length', 'hello'), '5');
  t.equal(r('unquote', '"a b"'), 'a b');
  t.equal(r('sprintf', '"%05x" 127'), '0007f');
  t.equal(r('sprintf', '"%d-%s-%-3d|%%" -4 "hi there" 7'), '-4-hi there-7  |%');
  t.equal(r('htons', '1'), '256');
  t.equal(r('ntohl', '1'), '16777216');
  const n = Number(r('random', '5 6'));
  t.ok(n === 5 || n === 6);
  t.match(r('now', ''), /^\d+\.\d{6}$/);
  t.throws(() => r('add', '1 x'), { message: 'expected list of numbers' });
  t.throws(() => r('eq', '1'), { message: 'expected two numbers' });
  t.throws(() => r('sprintf', '"%d" x'), { message: 'syntax error' });
  t.throws(() => r('random', '0'), { message: 'bad N' });
});

t.test("a script calls another Script's helpers and run without the router", async (t) => {
  const calc = script('TYPE PASSIVE, return $(mul $1 2)', { name: 'calc' });
  const h = script('print $(calc.run 21), print $(calc.add 1 2)', { elements: { calc: calc.element } });
  h.advanceTo(0n);
  t.same(h.stdout, ['42', '3']);
});

t.test('PACKET scripts route packets by their return value', async (t) => {
  const h = harness<ScriptElement>(spec, 'TYPE PACKET, goto other $(eq $input 1), return 1, label other, return 0', { inputs: ['push', 'push'], outputs: ['push', 'push'] });
  h.push(0, pkt(Uint8Array.of(1)));
  h.push(1, pkt(Uint8Array.of(2)), pkt(Uint8Array.of(3)));
  t.equal(h.outputs[1]!.length, 1);
  t.equal(h.outputs[0]!.length, 2);
  const drop = harness<ScriptElement>(spec, 'TYPE PACKET, return 7', { inputs: ['push'], outputs: ['push'] });
  drop.push(0, pkt(Uint8Array.of(1)));
  t.equal(drop.element.stats.dropped, 1, 'no such output: dropped');
  const end = harness<ScriptElement>(spec, 'TYPE PACKET, set x 1', { inputs: ['push'], outputs: ['push'] });
  end.push(0, pkt(Uint8Array.of(1)));
  t.equal(end.outputs[0]!.length, 1, 'a script that just ends sends to output 0');
});

t.test('configuration errors', async (t) => {
  t.equal(configError(spec, 'frobnicate now', 0, 0), "syntax error at 'frobnicate'");
  t.equal(configError(spec, 'goto nowhere', 0, 0), "no such label 'nowhere'");
  t.equal(configError(spec, 'TYPE SOMETIMES', 0, 0), 'bad TYPE');
  t.equal(configError(spec, 'TYPE SIGNAL INT', 0, 0), 'TYPE SIGNAL is not supported');
  t.equal(configError(spec, 'print x', 1, 1), 'ports allowed only on PACKET scripts');
  t.equal(configError(spec, 'TYPE PACKET', 0, 1), 'PACKET script must have inputs');
  t.equal(configError(spec, 'set x', 0, 0), "syntax error at 'set'");
  t.equal(configError(spec, 'label a b', 0, 0), "syntax error at 'label'");
  t.equal(configError(spec, 'pause many', 0, 0), "syntax error at 'pause'");
  t.equal(configError(spec, 'stop now', 0, 0), "syntax error at 'stop'");
  t.equal(configError(spec, '', 0, 0), undefined, 'an empty script is fine');
});

import t from 'tap';
import { spec, type InfiniteSourceElement } from '../../../elements/io/infinite-source.js';
import { configError, harness } from '../../util/element-harness.js';

const DEFAULT = 'Random bullshit in a packet, at least 64 bytes long. Well, now it is.';
const text = (b: Uint8Array) => String.fromCharCode(...b);

t.test('sends BURST copies of the default data per task run, up to LIMIT, then stops once', async (t) => {
  const h = harness<InfiniteSourceElement>(spec, 'LIMIT 5, BURST 2, STOP true', { now: 3_000_000_500n });
  t.ok(h.taskScheduled, 'scheduled at initialize');
  t.ok(h.runTaskLikeEngine());
  t.equal(h.outputs[0]!.length, 2);
  t.equal(text(h.outputs[0]![0]!.data), DEFAULT);
  t.equal(h.outputs[0]![0]!.tsSec, 3);
  t.equal(h.outputs[0]![0]!.tsNsec, 500);
  t.ok(h.runTaskLikeEngine());
  t.ok(h.runTaskLikeEngine());
  t.equal(h.outputs[0]!.length, 5, 'the last run sends only what LIMIT allows');
  t.notOk(h.stopped, 'the stop comes on the run after the last packet, as in Click');
  t.notOk(h.runTaskLikeEngine());
  t.equal(h.stopCount, 1);
  t.notOk(h.taskScheduled, 'the task sleeps once done');
  t.equal(h.read('count'), '5');
  t.equal(h.element.stats.created, 5, 'every packet is accounted as created');
});

t.test('LENGTH cuts or repeats DATA; DATA takes hex strings', async (t) => {
  const short = harness(spec, 'LENGTH 10');
  short.runTaskLikeEngine();
  t.equal(text(short.outputs[0]![0]!.data), 'Random bul');
  const long = harness(spec, 'DATA "abc", LENGTH 8');
  long.runTaskLikeEngine();
  t.equal(text(long.outputs[0]![0]!.data), 'abcabcab');
  const hex = harness(spec, 'DATA \\<00 11 22>, DATASIZE 2');
  hex.runTaskLikeEngine();
  t.same(Array.from(hex.outputs[0]![0]!.data), [0, 0x11]);
  t.equal(hex.read('length'), '2');
  t.equal(hex.read('datasize'), '2');
});

t.test('positional DATA, LIMIT, BURST, ACTIVE', async (t) => {
  const h = harness(spec, '\\<0800>, 3, 4, false');
  t.notOk(h.runTaskLikeEngine(), 'inactive: sends nothing');
  t.equal(h.outputs[0]!.length, 0);
  t.equal(h.read('active'), 'false');
  h.write('active', 'true');
  t.ok(h.taskScheduled, 'writing active reschedules the task');
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 3);
  t.same(Array.from(h.outputs[0]![0]!.data), [8, 0]);
  t.equal(h.read('limit'), '3');
  t.equal(h.read('burst'), '4');
});

t.test('reset starts another LIMIT; handlers change the parameters', async (t) => {
  const h = harness(spec, 'LIMIT 1');
  h.runTaskLikeEngine();
  h.runTaskLikeEngine();
  t.notOk(h.taskScheduled);
  h.write('reset', '');
  t.equal(h.read('count'), '0');
  t.ok(h.taskScheduled);
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 2);
  h.write('limit', '3');
  h.write('burst', '2');
  h.write('data', 'xy');
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 4, 'limit 3 counts the packet sent since the reset');
  t.equal(text(h.outputs[0]![3]!.data), 'xy');
  t.equal(h.read('count'), '3');
  t.equal(h.read('data'), 'xy');
  h.write('length', '5');
  t.equal(h.read('length'), '5');
  t.throws(() => h.write('burst', '0'), { message: 'burstsize parameter must be integer >= 1' });
  t.throws(() => h.write('limit', 'many'), { message: 'limit parameter must be integer' });
  t.throws(() => h.write('active', 'perhaps'), { message: 'active parameter must be boolean' });
  t.throws(() => h.write('length', 'x'), { message: 'length must be integer' });
});

t.test('END_CALL writes a handler once LIMIT packets are out', async (t) => {
  const calls: string[] = [];
  const h = harness(spec, 'LIMIT 1, END_CALL "c.reset 1"', { handlers: { write: (p, v) => void calls.push(`${p}=${v}`) } });
  h.runTaskLikeEngine();
  h.runTaskLikeEngine();
  t.same(calls, ['c.reset=1']);
  t.notOk(h.stopped);
  const failing = harness(spec, 'LIMIT 0, END_CALL x.y', { handlers: { write: () => { throw new Error("no 'x.y' write handler"); } } });
  failing.runTaskLikeEngine();
  t.same(failing.stderr, ["e: While calling 'x.y': no 'x.y' write handler"]);
});

t.test('pull mode makes packets on demand', async (t) => {
  const h = harness(spec, 'LIMIT 3, STOP true', { outputs: ['pull'] });
  t.notOk(h.taskScheduled, 'no task in pull mode');
  t.equal(h.pull(0, 2).length, 2);
  t.equal(h.pull(0, 2).length, 1);
  t.equal(h.pull(0, 2).length, 0);
  t.equal(h.pull(0, 2).length, 0);
  t.equal(h.stopCount, 1);
});

t.test('TIMESTAMP false leaves packets unstamped', async (t) => {
  const h = harness(spec, 'TIMESTAMP false', { now: 9_000_000_000n });
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]![0]!.tsSec, 0);
});

t.test('configuration errors', async (t) => {
  t.equal(configError(spec, 'BURST 0', 0, 1), 'burst size must be >= 1');
  t.equal(configError(spec, 'STOP true, END_CALL x.y', 0, 1), 'END_CALL and STOP are mutually exclusive');
  t.match(configError(spec, 'LIMIT lots', 0, 1), /^LIMIT: /);
  t.match(configError(spec, 'FOO 1', 0, 1), /unknown argument 'FOO'/);
});

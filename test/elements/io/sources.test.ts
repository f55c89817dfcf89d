// RatedSource and TimedSource: pacing on engine time.
import t from 'tap';
import { spec as rated, type RatedSourceElement } from '../../../elements/io/rated-source.js';
import { spec as timed } from '../../../elements/io/timed-source.js';
import { configError, harness } from '../../util/element-harness.js';

const MS = 1_000_000n;

t.test('RatedSource paces packets with a token bucket on engine time', async (t) => {
  const h = harness<RatedSourceElement>(rated, 'RATE 10, LIMIT 3, STOP true');
  t.ok(h.runTaskLikeEngine(), 'one token at start');
  t.notOk(h.runTaskLikeEngine(), 'then none');
  t.notOk(h.taskScheduled, 'the task sleeps on a timer');
  h.advanceTo(99n * MS);
  t.notOk(h.taskScheduled);
  h.advanceTo(100n * MS);
  t.ok(h.taskScheduled, 'the timer wakes the task when the next token is due');
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 2);
  t.equal(h.outputs[0]![1]!.tsNsec, 100_000_000);
  h.runTaskLikeEngine();
  h.advanceTo(200n * MS);
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 3);
  t.notOk(h.stopped);
  h.runTaskLikeEngine();
  t.ok(h.stopped, 'STOP once LIMIT packets are out');
  t.equal(h.read('count'), '3');
  t.equal(h.read('rate'), '10');
  t.equal(h.outputs[0]![0]!.headroom, 60, 'room for encapsulation, as Click leaves');
});

t.test('RatedSource BANDWIDTH, pull mode, handlers', async (t) => {
  const bw = harness(rated, 'BANDWIDTH 6900Bps');
  t.equal(bw.read('rate'), '100', '7000 B/s of 69-byte packets');
  const h = harness(rated, 'RATE 5, LENGTH 20', { outputs: ['pull'] });
  t.equal(h.pull(0, 10).length, 1);
  h.now = 10_000n * MS;
  t.equal(h.pull(0, 10).length, 2, 'the bucket holds at most 2 tokens');
  t.equal(h.pull(0, 1)[0]?.length, undefined);
  h.write('active', 'false');
  h.now = 20_000n * MS;
  t.equal(h.pull(0, 10).length, 0);
  h.write('active', 'true');
  h.write('reset', '');
  t.equal(h.read('count'), '0');
  t.equal(h.pull(0, 10)[0]!.length, 20);
  h.write('rate', '1000');
  t.equal(h.read('rate'), '1000');
  t.throws(() => h.write('rate', 'fast'), { message: 'syntax error' });
  h.write('limit', '-5');
  t.equal(h.read('limit'), '-1');
});

t.test('TimedSource sends one packet per INTERVAL, then stops', async (t) => {
  const h = harness(timed, '100ms, \\<01 02>, LIMIT 2, STOP true');
  h.advanceTo(99n * MS);
  t.equal(h.outputs[0]!.length, 0);
  h.advanceTo(250n * MS);
  t.equal(h.outputs[0]!.length, 2);
  t.same(Array.from(h.outputs[0]![1]!.data), [1, 2]);
  t.equal(h.outputs[0]![1]!.tsNsec, 200_000_000, 'no drift: every INTERVAL from the start');
  t.notOk(h.stopped);
  h.advanceTo(300n * MS);
  t.ok(h.stopped);
  t.equal(h.read('count'), '2');
  t.equal(h.read('interval'), '100ms');
  h.write('interval', '2');
  t.equal(h.read('interval'), '2.000000s');
  t.throws(() => h.write('interval', '0'), { message: 'bad interval' });
  t.throws(() => h.write('interval', 'soon'), { message: 'bad interval' });
});

t.test('TimedSource ACTIVE and reset', async (t) => {
  const h = harness(timed, 'INTERVAL 1, ACTIVE false, LIMIT 1');
  h.advanceTo(5_000n * MS);
  t.equal(h.outputs[0]!.length, 0);
  h.write('active', 'true');
  h.advanceTo(5_000n * MS);
  t.equal(h.outputs[0]!.length, 1, 'activating fires at once');
  h.advanceTo(9_000n * MS);
  t.equal(h.outputs[0]!.length, 1);
  h.write('reset', '');
  h.advanceTo(9_000n * MS);
  t.equal(h.outputs[0]!.length, 2);
  t.equal(h.read('data').length, 69);
  h.write('headroom', '8');
  h.write('data', 'zz');
  h.write('reset', '');
  h.advanceTo(20_000n * MS);
  t.equal(h.outputs[0]![2]!.headroom, 8);
  t.equal(String.fromCharCode(...h.outputs[0]![2]!.data), 'zz');
});

t.test('source configuration errors', async (t) => {
  t.match(configError(rated, 'RATE -1', 0, 1), /^RATE: /);
  t.match(configError(rated, 'BANDWIDTH 10 parsecs', 0, 1), /^BANDWIDTH: /);
  t.match(configError(timed, 'INTERVAL soon', 0, 1), /^INTERVAL: /);
});

import t from 'tap';
import { spec as BandwidthRatedUnqueue } from '../../../elements/standard/bandwidth-rated-unqueue.js';
import { spec as RatedUnqueue } from '../../../elements/standard/rated-unqueue.js';
import { spec as Unqueue } from '../../../elements/standard/unqueue.js';
import type { Packet } from '../../../host-engine/packet.js';
import { configError, configureWithWarnings, harness, type Harness } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';
import type { HostElement } from '../../../host-engine/element.js';

const MS = 1_000_000n;
/** A wall-clock-like start, as Click's jiffies at user level: far from jiffy 0. */
const WALL = 1_700_000_000_000n * MS;
const tagged = (n: number, size = 1): Packet[] => Array.from({ length: n }, (_, i) => { const d = new Uint8Array(size); d[0] = i & 255; return pkt(d); });
const pullPorts = { inputs: ['pull' as const], outputs: ['push' as const] };

/** Run the task as the engine would (timers included) until `end`; returns the jiffy of each emitted packet. */
function runUntil(h: Harness<HostElement>, end: bigint, start: bigint): number[] {
  const times: number[] = [];
  for (let now = start; now <= end; now += MS) {
    h.advanceTo(now);
    let guard = 0;
    while (h.runTaskLikeEngine() && guard++ < 100000) {
      /* keep running while it works */
    }
    while (times.length < h.outputs[0]!.length) times.push(Number((now - start) / MS));
  }
  return times;
}

t.test('Unqueue pulls up to BURST packets per run and pushes them in order', async (t) => {
  const h = harness(Unqueue, 'BURST 3', { ...pullPorts, pullLimit: 1 });
  h.pullable[0]!.push(...tagged(7));
  t.ok(h.taskScheduled, 'scheduled at initialize');
  t.equal(h.runTaskLikeEngine(), true);
  t.same(h.outputs[0]!.map((p) => p.data[0]), [0, 1, 2], 'loops when the engine hands over one packet at a time');
  t.ok(h.taskScheduled, 'reschedules itself');
  h.runTaskLikeEngine();
  h.runTaskLikeEngine();
  t.equal(h.read('count'), '7');
  t.equal(h.runTaskLikeEngine(), false, 'nothing to do');
  t.ok(h.taskScheduled, 'keeps polling without queue notification');
  h.write('reset', '');
  t.equal(h.read('count'), '0');
});

t.test('Unqueue BURST: default 1, negative means unlimited, 0 warns', async (t) => {
  t.equal(harness(Unqueue, '', pullPorts).read('burst'), '1');
  const all = harness(Unqueue, '-1', pullPorts);
  t.equal(all.read('burst'), '2147483647');
  all.pullable[0]!.push(...tagged(50));
  all.runTaskLikeEngine();
  t.equal(all.outputs[0]!.length, 50);
  const { warnings } = configureWithWarnings(Unqueue, 'BURST 0', 1, 1);
  t.match(warnings.join('\n'), /no packets will be pulled/);
  const none = harness(Unqueue, '0', pullPorts);
  none.pullable[0]!.push(...tagged(2));
  none.runTaskLikeEngine();
  t.equal(none.outputs[0]!.length, 0);
  none.write('burst', '-5');
  t.equal(none.read('burst'), '2147483647');
  t.throws(() => none.write('burst', 'x'), /burst/);
});

t.test('Unqueue LIMIT stops the task; reset lets it pull LIMIT more', async (t) => {
  const h = harness(Unqueue, 'BURST 4, LIMIT 6', pullPorts);
  h.pullable[0]!.push(...tagged(20));
  h.runTaskLikeEngine();
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 6, 'the second run takes only what the limit allows');
  t.equal(h.runTaskLikeEngine(), false);
  t.notOk(h.taskScheduled, 'stopped at the limit');
  t.equal(h.read('limit'), '6');
  h.write('reset', '');
  t.ok(h.taskScheduled, 'reset reschedules');
  h.runTaskLikeEngine();
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 12);
  h.write('limit', '-1');
  t.ok(h.taskScheduled);
  t.throws(() => h.write('limit', '1.5'), /limit/);
});

t.test('Unqueue ACTIVE and the active handler', async (t) => {
  const h = harness(Unqueue, 'ACTIVE false', pullPorts);
  t.notOk(h.taskScheduled, 'inactive: not scheduled');
  t.equal(h.read('active'), 'false');
  h.pullable[0]!.push(...tagged(2));
  h.write('active', 'true');
  t.ok(h.taskScheduled);
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 1);
  h.write('active', 'no');
  t.equal(h.runTaskLikeEngine(), false);
  t.notOk(h.taskScheduled);
  t.throws(() => h.write('active', 'maybe'), /active/);
  t.match(configError(Unqueue, 'ACTIVE perhaps'), /ACTIVE/);
  t.match(configError(Unqueue, 'BURST 1.5'), /BURST/);
});

t.test('RatedUnqueue: one packet per token, the bucket starting empty at jiffy 0', async (t) => {
  const h = harness(RatedUnqueue, 'RATE 1000, BURST_SIZE 20', pullPorts);
  h.pullable[0]!.push(...tagged(5));
  const times = runUntil(h, 20n * MS, 0n);
  t.same(times, [1, 2, 3, 4, 5], 'one packet per millisecond from the first tick');
  t.equal(h.read('rate'), '1000');
  t.equal(h.read('config'), '1000');
  t.match(h.read('calls'), /^\d+ calls to run_task\(\)\n\d+ empty runs\n5 pushes\n\d+ failed pulls$/);
});

t.test('RatedUnqueue on a wall clock: a full bucket, then the rate', async (t) => {
  const h = harness(RatedUnqueue, 'RATE 1000, BURST_DURATION 10ms', { ...pullPorts, now: WALL });
  h.pullable[0]!.push(...tagged(30));
  const times = runUntil(h, WALL + 30n * MS, WALL);
  t.equal(times.filter((x) => x === 0).length, 10, 'a burst of 10 ms worth of tokens');
  t.same(times.slice(10, 15), [1, 2, 3, 4, 5]);
  t.equal(times.length, 30);
});

t.test('RatedUnqueue: slow rates, the rate handler, active', async (t) => {
  const h = harness(RatedUnqueue, '10', { ...pullPorts, now: WALL });
  h.pullable[0]!.push(...tagged(4));
  const times = runUntil(h, WALL + 400n * MS, WALL);
  t.same(times, [0, 101, 202, 303], 'bucket of one token (10 * 20 ms rounds to 0, raised to 1), refilled every 101 jiffies');
  h.write('rate', '500');
  t.equal(h.read('rate'), '500');
  t.throws(() => h.write('rate', 'fast'), /rate/);
  h.write('active', 'false');
  t.equal(h.read('active'), 'false');
  h.runTaskLikeEngine();
  h.write('active', 'true');
  t.notOk(h.taskScheduled, "as in Click, re-activating does not restart the task");
});

t.test('RatedUnqueue configuration', async (t) => {
  t.match(configError(RatedUnqueue, ''), /missing mandatory argument RATE/);
  t.match(configError(RatedUnqueue, '100, BURST_DURATION 1s, BURST_SIZE 4'), /at most one/);
  t.match(configError(RatedUnqueue, '-3'), /RATE/);
  t.equal(configError(RatedUnqueue, 'RATE 100, BURST_DURATION 0.5'), undefined);
});

t.test('BandwidthRatedUnqueue: byte tokens, packets leave at 131072 tokens', async (t) => {
  const h = harness(BandwidthRatedUnqueue, '1MBps', { ...pullPorts, now: WALL });
  // Click's TokenRate::rate() adds half a tick's tokens before dividing: 1000500 B/s.
  t.equal(h.read('rate'), '8.004Mbps');
  h.pullable[0]!.push(...tagged(200, 1000));
  const times = runUntil(h, WALL + 100n * MS, WALL);
  const burst = times.filter((x) => x === 0).length;
  // 20 ms of 1 MB/s (20000 bytes) above the 131072-byte threshold: 21 packets of 1000 bytes.
  t.equal(burst, 21);
  const after = times.filter((x) => x > 0 && x <= 100).length;
  t.ok(after >= 98 && after <= 101, `then about one 1000-byte packet per millisecond (${after} in 100 ms)`);
  h.write('rate', '80kbps');
  t.equal(h.read('rate'), '80.04kbps');
  const { warnings } = configureWithWarnings(BandwidthRatedUnqueue, '125000', 1, 1);
  t.match(warnings.join(''), /no units/);
  t.match(configError(BandwidthRatedUnqueue, '1MBps, BURST_BYTES 10, BURST_DURATION 1'), /at most one/);
  t.match(configError(BandwidthRatedUnqueue, '10 furlongs'), /unknown bandwidth unit/);
});

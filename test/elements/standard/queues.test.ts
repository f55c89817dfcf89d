import t from 'tap';
import { spec as Counter } from '../../../elements/standard/counter.js';
import { spec as FrontDropQueue } from '../../../elements/standard/front-drop-queue.js';
import { fullNoteQueueSpec, spec as Queue } from '../../../elements/standard/queue.js';
import { spec as SimpleQueue } from '../../../elements/standard/simple-queue.js';
import { spec as Unqueue } from '../../../elements/standard/unqueue.js';
import type { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';
import { forward } from './chain.js';
import { caseFrames, casePackets, expectedHandlers, hexAll } from '../../util/conformance-cases.js';

const tagged = (n: number): Packet[] => Array.from({ length: n }, (_, i) => pkt(Uint8Array.of(i)));
const tags = (list: readonly Packet[]) => list.map((p) => p.data[0]);
const queuePorts = (withDrops: boolean) => ({ inputs: ['push' as const], outputs: withDrops ? (['pull', 'push'] as const).slice() : ['pull' as const] });

t.test('conformance 19: Queue(2000) -> Unqueue(BURST 8) -> Counter', async (t) => {
  const q = harness(Queue, '2000', queuePorts(false));
  const u = harness(Unqueue, 'BURST 8', { inputs: ['pull'], pullFrom: (_port, max) => q.pull(0, max) });
  const c = harness(Counter);
  q.push(0, ...casePackets('19-queue-pull'));
  while (u.runTaskLikeEngine()) forward(u, 0, c);
  forward(u, 0, c);
  const expected = expectedHandlers('19-queue-pull');
  t.equal(c.read('count'), expected['c.count']);
  t.equal(q.read('drops'), expected['q.drops']);
  t.same(hexAll(c.outputs[0]!), hexAll(caseFrames('19-queue-pull', 'expected/out.pcap')));
  t.equal(q.read('highwater_length'), '300');
  t.equal(q.read('length'), '0');
});

for (const spec of [Queue, SimpleQueue, fullNoteQueueSpec]) {
  t.test(`${spec.name}: FIFO, capacity, drops and their handlers`, async (t) => {
    t.equal(harness(spec, '', queuePorts(false)).read('capacity'), '1000', 'default capacity');
    const q = harness(spec, '3', queuePorts(true));
    q.push(0, ...tagged(5));
    t.equal(q.read('length'), '3');
    t.equal(q.read('drops'), '2');
    t.equal(q.element.held(), 3, 'held packets are part of the accounting');
    t.same(tags(q.outputs[1]!), [3, 4], 'the newcomers are dropped, out of output 1');
    t.same(q.stderr, ['e: overflow'], 'the first drop warns, once');
    t.same(tags(q.pull(0, 2)), [0, 1]);
    t.equal(q.read('highwater_length'), '3');
    q.write('reset_counts', '');
    t.equal(q.read('drops'), '0');
    t.equal(q.read('highwater_length'), '1', 'highwater restarts from the current length');
    t.same(tags(q.pull(0, 5)), [2]);
    t.same(q.pull(0, 5), [], 'an empty queue gives nothing');
  });
}

t.test('drops without output 1 are counted and dropped', async (t) => {
  const q = harness(Queue, 'CAPACITY 1', queuePorts(false));
  q.push(0, ...tagged(4));
  t.equal(q.read('drops'), '3');
  t.equal(q.element.stats.dropped, 3);
  const zero = harness(Queue, '0', queuePorts(false));
  zero.push(0, ...tagged(2));
  t.equal(zero.read('drops'), '2');
  t.same(zero.stderr, [], 'a zero-capacity queue does not warn (as Click)');
});

t.test('capacity write: shrinking keeps the oldest; reset empties', async (t) => {
  const q = harness(SimpleQueue, '10', queuePorts(true));
  q.push(0, ...tagged(6));
  q.write('capacity', '4');
  t.equal(q.read('capacity'), '4');
  t.equal(q.read('length'), '4');
  t.equal(q.read('drops'), '0', 'lost to a smaller capacity, not counted as drops');
  t.equal(q.element.stats.dropped, 2);
  t.same(tags(q.pull(0, 1)), [0]);
  t.throws(() => q.write('capacity', 'lots'), /capacity/);
  t.throws(() => q.write('capacity', '-1'), /out of range/);
  q.write('reset', '');
  t.equal(q.read('length'), '0');
  t.equal(q.element.held(), 3, 'drained packets wait for the timer');
  q.advanceTo(0n);
  t.same(tags(q.outputs[1]!), [1, 2, 3], 'reset sends the packets out of output 1');
  t.equal(q.element.held(), 0);
  const plain = harness(SimpleQueue, '10', queuePorts(false));
  plain.push(0, ...tagged(2));
  plain.write('reset', '');
  t.equal(plain.element.stats.dropped, 2, 'without output 1, reset drops');
});

t.test('FrontDropQueue drops from the front', async (t) => {
  const q = harness(FrontDropQueue, '3', queuePorts(true));
  q.push(0, ...tagged(5));
  t.same(tags(q.outputs[1]!), [0, 1], 'the oldest packets go');
  t.equal(q.read('drops'), '2');
  t.same(q.stderr, ['e: overflow']);
  t.same(tags(q.pull(0, 10)), [2, 3, 4]);
  q.push(0, ...tagged(3));
  q.write('capacity', '1');
  t.same(tags(q.pull(0, 10)), [2], 'shrinking keeps the newest');
  const zero = harness(FrontDropQueue, '0', queuePorts(false));
  zero.push(0, ...tagged(2));
  t.equal(zero.read('drops'), '2');
  t.equal(zero.read('length'), '0');
  t.equal(zero.element.stats.dropped, 2, 'capacity 0: the arriving packet is the drop');
});

t.test('a long queue stays FIFO across internal compaction', async (t) => {
  const q = harness(Queue, '5000', queuePorts(false));
  const got: number[] = [];
  for (let round = 0; round < 10; round++) {
    q.push(0, ...Array.from({ length: 700 }, (_, i) => pkt(Uint8Array.of((round * 700 + i) & 255, ((round * 700 + i) >> 8) & 255))));
    for (const p of q.pull(0, 650)) got.push(p.data[0]! | (p.data[1]! << 8));
  }
  for (const p of q.pull(0, 10000)) got.push(p.data[0]! | (p.data[1]! << 8));
  t.same(got, Array.from({ length: 7000 }, (_, i) => i));
});

t.test('configuration errors', async (t) => {
  t.match(configError(Queue, '-5', 1, 1), /CAPACITY/);
  t.match(configError(Queue, 'big', 1, 1), /CAPACITY/);
  t.match(configError(FrontDropQueue, '1, 2', 1, 1), /too many arguments/);
  t.equal(configError(SimpleQueue, 'CAPACITY 7', 1, 2), undefined);
});

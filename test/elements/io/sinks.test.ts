// Discard and Idle.
import t from 'tap';
import { spec as discard } from '../../../elements/io/discard.js';
import { spec as idle } from '../../../elements/io/idle.js';
import { harness } from '../../util/element-harness.js';
import { frames, pkt } from '../../util/packets.js';

t.test('Discard consumes pushed packets and counts them', async (t) => {
  const h = harness(discard);
  h.push(0, pkt(frames.udp()), pkt(frames.tcp()));
  t.equal(h.read('count'), '2');
  t.equal(h.element.stats.consumed, 2);
  h.write('reset_counts', '');
  t.equal(h.read('count'), '0');
  t.throws(() => h.write('active', 'false'), /pull input/);
});

t.test('Discard pulls BURST packets per task run while active', async (t) => {
  const h = harness(discard, 'BURST 2', { inputs: ['pull'] });
  for (let i = 0; i < 5; i++) h.pullable[0]!.push(pkt(frames.udp()));
  t.ok(h.runTaskLikeEngine());
  t.equal(h.read('count'), '2');
  h.runTaskLikeEngine();
  h.runTaskLikeEngine();
  t.equal(h.read('count'), '5');
  t.notOk(h.runTaskLikeEngine(), 'nothing left');
  t.ok(h.taskScheduled, 'still polling: there is no empty notifier to wake it');
  h.write('active', 'false');
  t.notOk(h.taskScheduled);
  t.equal(h.read('active'), 'false');
  t.equal(h.element.stats.consumed, 5);

  const all = harness(discard, 'BURST 0', { inputs: ['pull'] });
  for (let i = 0; i < 300; i++) all.pullable[0]!.push(pkt(frames.udp()));
  all.runTaskLikeEngine();
  t.equal(all.read('count'), '300');

  const off = harness(discard, 'ACTIVE false', { inputs: ['pull'] });
  t.notOk(off.taskScheduled);
});

t.test('Discard ACTIVE false needs a pull input', async (t) => {
  t.throws(() => harness(discard, 'ACTIVE false'), { message: 'ACTIVE is meaningless in push context' });
});

t.test('Idle drops what it is given and gives nothing', async (t) => {
  const h = harness(idle, '', { inputs: ['push', 'push'], outputs: ['pull'] });
  h.push(1, pkt(frames.udp()));
  t.equal(h.element.stats.dropped, 1);
  t.same(h.pull(0, 5), []);
});

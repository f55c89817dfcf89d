import t from 'tap';
import { spec } from '../../elements/standard/counter.js';
import { harness } from '../util/element-harness.js';
import { frames, pkt } from '../util/packets.js';

t.test('counts packets and bytes and passes them on unchanged', async (t) => {
  const h = harness(spec);
  const a = frames.udp();
  h.push(0, pkt(a), pkt(frames.tcp()));
  t.equal(h.read('count'), '2');
  t.equal(h.read('byte_count'), String(a.length + frames.tcp().length));
  t.equal(h.outputs[0]!.length, 2);
  t.same(h.outputs[0]![0]!.data, a);
  h.write('reset', '');
  t.equal(h.read('count'), '0');
});

t.test('counts in pull mode', async (t) => {
  const h = harness(spec, '', { inputs: ['pull'], outputs: ['pull'] });
  h.pullable[0]!.push(pkt(frames.udp()), pkt(frames.udp()), pkt(frames.udp()));
  t.equal(h.pull(0, 2).length, 2);
  t.equal(h.read('count'), '2');
});

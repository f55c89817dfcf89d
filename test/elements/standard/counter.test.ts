import t from 'tap';
import { spec, type CounterElement } from '../../../elements/standard/counter.js';
import { configError, harness } from '../../util/element-harness.js';
import { frames, pkt } from '../../util/packets.js';
import { casePackets, expectedHandlers, hexAll } from '../../util/conformance-cases.js';

const MS = 1_000_000n;

t.test('conformance 01: counts every frame and passes it through unchanged', async (t) => {
  const h = harness(spec);
  const input = casePackets('01-counter');
  const want = hexAll(input);
  h.push(0, ...input);
  const expected = expectedHandlers('01-counter');
  t.equal(h.read('count'), expected['c.count']);
  t.equal(h.read('byte_count'), expected['c.byte_count']);
  t.same(hexAll(h.outputs[0]!), want);
});

t.test('counts packets and bytes, resets, and works in pull mode', async (t) => {
  const h = harness(spec);
  const a = frames.udp();
  h.push(0, pkt(a), pkt(frames.tcp()));
  t.equal(h.read('count'), '2');
  t.equal(h.read('byte_count'), String(a.length + frames.tcp().length));
  t.same(h.outputs[0]![0]!.data, a);
  h.write('reset', '');
  t.equal(h.read('count'), '0');
  t.equal(h.read('byte_count'), '0');
  h.push(0, pkt(a));
  h.write('reset_counts', '');
  t.equal(h.read('count'), '0');

  const p = harness(spec, '', { inputs: ['pull'], outputs: ['pull'], pullLimit: 1 });
  p.pullable[0]!.push(pkt(frames.udp()), pkt(frames.udp()), pkt(frames.udp()));
  t.equal(p.pull(0, 2).length, 1, 'the engine may hand over fewer packets than asked');
  t.equal(p.pull(0, 5).length, 1);
  t.equal(p.read('count'), '2');
});

t.test('rates: EWMA over 1 ms epochs, decaying when idle', async (t) => {
  const h = harness(spec, '', { now: 1_000n * MS });
  t.equal(h.read('rate'), '0');
  // 2 packets of 100 bytes per millisecond for 200 ms.
  for (let ms = 0n; ms < 200n; ms++) {
    h.now = (1_000n + ms) * MS;
    h.push(0, pkt(new Uint8Array(100)), pkt(new Uint8Array(100)));
  }
  h.now = 1_200n * MS;
  // Click's arithmetic settles slightly below the true 2000/s and 200000 B/s:
  // packets (10 fraction bits): (2 << 10) + 8 - 15 = 2041 per epoch -> 2041 * 1000 / 1024;
  // bytes (4 fraction bits): (200 << 4) + 8 - 15 = 3193 -> 3193 * 1000 / 16, bits * 8.
  t.equal(h.read('rate'), '1993.164');
  t.equal(h.read('byte_rate'), '199562.5');
  t.equal(h.read('bit_rate'), '1596500');
  h.write('reset', '');
  t.equal(h.read('rate'), '1993.164', 'reset zeroes counts, not rates (as Click)');
  h.now = 1_400n * MS;
  t.equal(h.read('rate'), '0', 'over 100 idle epochs reset the estimate');
});

t.test('COUNT_CALL and BYTE_COUNT_CALL fire once, before the packet moves on', async (t) => {
  const calls: string[] = [];
  let h!: ReturnType<typeof harness<CounterElement>>;
  h = harness<CounterElement>(spec, 'COUNT_CALL 2 sw.switch 1, BYTE_COUNT_CALL 150 stop', {
    handlers: { write: (path, value) => calls.push(`${path}=${value} after ${h.outputs[0]!.length} out`) },
  });
  h.push(0, pkt(new Uint8Array(60)), pkt(new Uint8Array(60)), pkt(new Uint8Array(60)), pkt(new Uint8Array(60)));
  t.same(calls, ['sw.switch=1 after 1 out', 'stop= after 2 out']);
  t.equal(h.read('count_call'), '2');
  h.write('reset', '');
  h.push(0, pkt(new Uint8Array(60)), pkt(new Uint8Array(60)));
  t.equal(calls.length, 3, 'reset re-arms the count call');
});

t.test("a call without an element name reaches the Counter's own handler first", async (t) => {
  const h = harness<CounterElement>(spec, 'COUNT_CALL 3 reset');
  h.push(0, pkt(new Uint8Array(10)), pkt(new Uint8Array(10)), pkt(new Uint8Array(10)), pkt(new Uint8Array(10)));
  t.equal(h.read('count'), '1', 'the third packet reset the count');
});

t.test('count_call and byte_count_call write handlers', async (t) => {
  const calls: string[] = [];
  const h = harness(spec, '', { handlers: { write: (path, value) => calls.push(`${path} ${value}`) } });
  t.equal(h.read('count_call'), '', 'empty without a call');
  h.write('count_call', '1 x.active false');
  t.equal(h.read('count_call'), '1');
  h.write('count_call', '2');
  t.equal(h.read('count_call'), '2', 'the count alone keeps the handler');
  h.write('byte_count_call', '10 y.reset');
  h.push(0, pkt(new Uint8Array(20)), pkt(new Uint8Array(20)));
  t.same(calls, ['y.reset ', 'x.active false']);
  t.throws(() => h.write('count_call', 'many x.y'), /unsigned count/);
  t.throws(() => harness(spec).write('byte_count_call', '5'), /no handler/);
});

t.test('a failing handler call is reported, not thrown', async (t) => {
  const h = harness(spec, 'COUNT_CALL 1 nowhere.nothing', { handlers: { write: () => { throw new Error('no such handler'); } } });
  h.push(0, pkt(new Uint8Array(1)));
  t.equal(h.outputs[0]!.length, 1);
  t.match(h.stderr.join('\n'), /no such handler/);
});

t.test('configuration errors', async (t) => {
  t.match(configError(spec, 'COUNT_CALL x reset'), /COUNT_CALL/);
  t.match(configError(spec, 'COUNT_CALL 5'), /needs a handler/);
  t.match(configError(spec, 'FOO 1'), /unknown argument/);
  t.match(configError(spec, '5'), /too many arguments/);
  t.equal(configError(spec, 'COUNT_CALL 5 stop, BYTE_COUNT_CALL 100 c.reset'), undefined);
});

t.test('empty packets count as packets of no bytes', async (t) => {
  const h = harness(spec);
  h.push(0, pkt(new Uint8Array(0)));
  t.equal(h.read('count'), '1');
  t.equal(h.read('byte_count'), '0');
});

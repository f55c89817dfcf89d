import t from 'tap';
import { spec as HashSwitch } from '../../../elements/standard/hash-switch.js';
import { spec as Hub } from '../../../elements/standard/hub.js';
import { pullNullSpec, pushNullSpec, spec as Null } from '../../../elements/standard/null.js';
import { spec as PrioSched } from '../../../elements/standard/prio-sched.js';
import { spec as PullTee } from '../../../elements/standard/pull-tee.js';
import { spec as RandomSample } from '../../../elements/standard/random-sample.js';
import { spec as RoundRobinSched } from '../../../elements/standard/round-robin-sched.js';
import { spec as RoundRobinSwitch } from '../../../elements/standard/round-robin-switch.js';
import { spec as StaticSwitch } from '../../../elements/standard/static-switch.js';
import { spec as Switch } from '../../../elements/standard/switch.js';
import { spec as Tee } from '../../../elements/standard/tee.js';
import type { Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';

const push = (n: number) => Array.from({ length: n }, () => 'push' as const);
const tagged = (n: number, from = 0): Packet[] => Array.from({ length: n }, (_, i) => pkt(Uint8Array.of(from + i)));
const tags = (list: readonly Packet[]) => list.map((p) => p.data[0]);

t.test('Tee: clones to every output but the last, the original to the last', async (t) => {
  const h = harness(Tee, '', { outputs: push(3) });
  const [a, b] = tagged(2);
  h.push(0, a!, b!);
  t.same(h.outputs.map(tags), [[0, 1], [0, 1], [0, 1]]);
  t.equal(h.outputs[2]![0], a, 'the last output gets the packet itself');
  t.not(h.outputs[0]![0], a);
  t.equal(h.element.stats.created, 4);
  h.outputs[0]![0]!.writable()[0] = 99;
  t.equal(a!.data[0], 0, 'writing a clone leaves the others alone');
  t.equal(configError(Tee, '3', 1, 3), undefined);
  t.match(configError(Tee, '2', 1, 3), /N is 2/);
  t.match(configError(Tee, 'two', 1, 2), /N/);
});

t.test('PullTee: pulled packets are copied out of the push outputs', async (t) => {
  const h = harness(PullTee, '3', { inputs: ['pull'], outputs: ['pull', 'push', 'push'], pullLimit: 2 });
  h.pullable[0]!.push(...tagged(3));
  t.same(tags(h.pull(0, 3)), [0, 1]);
  t.same(h.outputs.slice(1).map(tags), [[0, 1], [0, 1]]);
  t.match(configError(PullTee, '1', 1, 2), /N is 1/);
});

t.test('Switch: one settable output; negative or out-of-range drops', async (t) => {
  const h = harness(Switch, '1', { outputs: push(3) });
  h.push(0, ...tagged(1));
  h.write('switch', '2');
  h.push(0, ...tagged(1, 1));
  t.equal(h.read('switch'), '2');
  t.equal(h.read('config'), '2');
  h.write('switch', '7');
  t.equal(h.read('switch'), '-1', 'beyond the outputs means drop');
  h.push(0, ...tagged(1, 2));
  h.write('switch', '-3');
  h.push(0, ...tagged(1, 3));
  t.same(h.outputs.map(tags), [[], [0], [1]]);
  t.equal(h.element.stats.dropped, 2);
  t.throws(() => h.write('switch', 'left'), /switch/);
  t.equal(harness(Switch, '', { outputs: push(2) }).read('switch'), '0');
  t.match(configError(Switch, '3', 1, 3), /less than 3/);
  t.equal(configError(Switch, '-1', 1, 2), undefined);
});

t.test('StaticSwitch: fixed output; negative or missing output drops', async (t) => {
  const h = harness(StaticSwitch, '1', { outputs: push(2) });
  h.push(0, ...tagged(2));
  t.same(h.outputs.map(tags), [[], [0, 1]]);
  const off = harness(StaticSwitch, '5', { outputs: push(2) });
  off.push(0, ...tagged(1));
  t.equal(off.element.stats.dropped, 1);
  t.match(configError(StaticSwitch, '', 1, 2), /missing mandatory argument OUTPUT/);
});

t.test('RoundRobinSwitch: outputs in turn', async (t) => {
  const h = harness(RoundRobinSwitch, '', { outputs: push(3) });
  h.push(0, ...tagged(7));
  t.same(h.outputs.map(tags), [[0, 3, 6], [1, 4], [2, 5]]);
});

t.test("HashSwitch: Click's byte-sum hash", async (t) => {
  const h3 = harness(HashSwitch, '0, 2', { outputs: push(3) });
  h3.push(0, pkt(Uint8Array.of(1, 1)), pkt(Uint8Array.of(200, 100)), pkt(Uint8Array.of(4)));
  // sums 2 -> 2 % 3 = 2, 300 -> 0; the 1-byte packet is too short -> output 0
  t.same(h3.outputs.map((o) => o.map((p) => p.length)), [[2, 1], [], [2]]);
  const h4 = harness(HashSwitch, '1, 1', { outputs: push(4) });
  h4.push(0, pkt(Uint8Array.of(0, 0x35)));
  // d = 0x35: (0x35 ^ 0x3) & 3 = 2
  t.equal(h4.outputs[2]!.length, 1);
  const neg = harness(HashSwitch, '-2, 4', { outputs: push(2) });
  neg.push(0, pkt(new Uint8Array(10)));
  t.equal(neg.element.stats.dropped, 1, 'a negative offset would read before the data: dropped');
  t.match(configError(HashSwitch, '10, 0', 1, 2), /LENGTH must be greater than 0/);
  t.match(configError(HashSwitch, '10', 1, 2), /missing mandatory argument LENGTH/);
});

t.test('RandomSample: samples with probability P from the engine generator', async (t) => {
  const h = harness(RandomSample, '0.25', { outputs: push(2) });
  h.push(0, ...Array.from({ length: 4000 }, () => pkt(new Uint8Array(1))));
  const kept = h.outputs[0]!.length;
  t.ok(kept > 850 && kept < 1150, `about a quarter kept (${kept})`);
  t.equal(h.outputs[1]!.length, 4000 - kept, 'the rest leave by output 1');
  t.equal(h.read('drops'), String(4000 - kept));
  t.equal(h.read('sampling_prob'), '0.25');
  t.equal(h.read('drop_prob'), '0.75');
  t.equal(h.read('config'), 'SAMPLE 0.25, ACTIVE true');
  const again = harness(RandomSample, '0.25', { outputs: push(2) });
  again.push(0, ...Array.from({ length: 4000 }, () => pkt(new Uint8Array(1))));
  t.equal(again.outputs[0]!.length, kept, 'deterministic');
  h.write('drop_prob', '1');
  t.equal(h.read('sampling_prob'), '0');
  h.write('active', 'false');
  h.push(0, pkt(new Uint8Array(1)));
  t.equal(h.outputs[0]!.length, kept + 1, 'inactive: everything to output 0');
  t.throws(() => h.write('sampling_prob', '1.5'), /from 0 to 1/);
  const one = harness(RandomSample, 'DROP 0.5');
  t.equal(one.read('sampling_prob'), '0.5');
  one.push(0, ...Array.from({ length: 100 }, () => pkt(new Uint8Array(1))));
  t.equal(one.element.stats.dropped, 100 - one.outputs[0]!.length, 'with one output the rest are dropped');
});

t.test('RandomSample in pull mode stops the pull at a rejected packet', async (t) => {
  const h = harness(RandomSample, 'SAMPLE 0', { inputs: ['pull'], outputs: ['pull', 'push'] });
  h.pullable[0]!.push(...tagged(3));
  t.same(h.pull(0, 3), []);
  t.equal(h.outputs[1]!.length, 1);
  const all = harness(RandomSample, 'SAMPLE 1', { inputs: ['pull'], outputs: ['pull'] });
  all.pullable[0]!.push(...tagged(3));
  t.same(tags(all.pull(0, 3)), [0, 1, 2]);
});

t.test('RandomSample configuration errors', async (t) => {
  t.match(configError(RandomSample, '', 1, 1), /give P, SAMPLE or DROP/);
  t.match(configError(RandomSample, 'SAMPLE 0.1, DROP 0.2', 1, 1), /at most one/);
  t.match(configError(RandomSample, '2', 1, 1), /between 0 and 1/);
  t.match(configError(RandomSample, 'often', 1, 1), /P/);
});

t.test('RoundRobinSched takes one packet from each input in turn', async (t) => {
  const h = harness(RoundRobinSched, '', { inputs: ['pull', 'pull', 'pull'], outputs: ['pull'] });
  h.pullable[0]!.push(...tagged(3, 0));
  h.pullable[1]!.push(...tagged(1, 10));
  h.pullable[2]!.push(...tagged(2, 20));
  t.same(tags(h.pull(0, 4)), [0, 10, 20, 1]);
  t.same(tags(h.pull(0, 10)), [21, 2], 'resumes after the input that gave the last packet');
  t.same(h.pull(0, 1), []);
});

t.test('PrioSched always prefers the lowest input', async (t) => {
  const h = harness(PrioSched, '', { inputs: ['pull', 'pull'], outputs: ['pull'] });
  h.pullable[0]!.push(...tagged(2, 0));
  h.pullable[1]!.push(...tagged(2, 10));
  t.same(tags(h.pull(0, 3)), [0, 1, 10]);
  h.pullable[0]!.push(...tagged(1, 5));
  t.same(tags(h.pull(0, 3)), [5, 11]);
});

t.test('Null, PushNull and PullNull pass packets unchanged', async (t) => {
  for (const spec of [Null, pushNullSpec]) {
    const h = harness(spec);
    h.push(0, ...tagged(2));
    t.same(tags(h.outputs[0]!), [0, 1], spec.name);
  }
  for (const spec of [Null, pullNullSpec]) {
    const h = harness(spec, '', { inputs: ['pull'], outputs: ['pull'] });
    h.pullable[0]!.push(...tagged(2));
    t.same(tags(h.pull(0, 5)), [0, 1], spec.name);
  }
});

t.test('Hub: a packet from input I goes to every other output, the packet itself last', async (t) => {
  const h = harness(Hub, '', { inputs: ['push', 'push', 'push'], outputs: ['push', 'push', 'push'] });
  const a = pkt(Uint8Array.of(1));
  const b = pkt(Uint8Array.of(2));
  h.push(1, a);
  h.push(2, b);
  t.same(h.outputs.map((o) => o.map((p) => p.data[0])), [[1, 2], [2], [1]]);
  t.equal(h.outputs[2]![0], a, 'input 1: the packet itself on output 2');
  t.equal(h.outputs[1]![0], b, 'input 2: the packet itself on output 1');
  const one = harness(Hub, '');
  one.push(0, pkt(Uint8Array.of(3)));
  t.equal(one.element.stats.dropped, 1, 'no other output: dropped');
  t.equal(configError(Hub, '', 2, 3), 'need as many outputs as inputs (2 inputs, 3 outputs)');
});

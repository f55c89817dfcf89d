import t from 'tap';
import { spec, type ARPResponderElement } from '../../../elements/ethernet/arp-responder.js';
import { ANNO, Packet } from '../../../host-engine/packet.js';
import { configError, configureWithWarnings, harness } from '../../util/element-harness.js';
import { arp, ether, frames, toHex } from '../../util/packets.js';

const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };
const request = (tpa: string) => Packet.make(frames.arpRequest({ tpa, spa: '10.0.0.2', sha: '00:00:c0:aa:00:01' }));

t.test('answers requests for configured prefixes with a 42-byte reply', async (t) => {
  const h = harness<ARPResponderElement>(spec, '10.0.0.1 00:00:c0:11:22:33, 192.0.2.0/24 18.26.7.1 00-00-C0-11-22-44', two);
  const q = request('192.0.2.200');
  q.anno[ANNO.VLAN_TCI] = 0x12;
  q.anno[ANNO.VLAN_TCI + 1] = 0x34;
  h.push(0, request('10.0.0.1'), q, request('10.0.0.9'));
  const [a, b] = h.outputs[0]!;
  t.equal(toHex(a!.data), toHex(ether(arp({ op: 2, sha: '00:00:c0:11:22:33', spa: '10.0.0.1', tha: '00:00:c0:aa:00:01', tpa: '10.0.0.2' }),
    { dst: '00:00:c0:aa:00:01', src: '00:00:c0:11:22:33', type: 0x0806 })));
  t.equal(toHex(b!.data.subarray(6, 12)), '0000c0112244');
  t.same([b!.anno[ANNO.VLAN_TCI], b!.anno[ANNO.VLAN_TCI + 1]], [0x12, 0x34], 'VLAN TCI annotation copied');
  t.equal(b!.macHeaderOffset, 0);
  t.equal(b!.networkHeaderOffset, 14, 'Click marks the Ethernet header with set_ether_header');
  t.equal(h.outputs[1]!.length, 1, 'unknown address to output 1');
  const s = h.element.stats;
  t.same([s.in, s.created, s.out, s.consumed], [3, 2, 3, 2]);
});

t.test('non-requests and runts go to output 1 or are dropped', async (t) => {
  const h = harness(spec, '10.0.0.1 00:00:c0:11:22:33', two);
  const reply = Packet.make(ether(arp({ op: 2, tpa: '10.0.0.1' }), { type: 0x0806 }));
  const notArp = Packet.make(ether(arp({ tpa: '10.0.0.1' }), { type: 0x0800 }));
  const runt = Packet.make(frames.arpRequest({ tpa: '10.0.0.1' }).subarray(0, 41));
  h.push(0, reply, notArp, runt);
  t.equal(h.outputs[1]!.length, 3);
  const one = harness(spec, '10.0.0.1 00:00:c0:11:22:33');
  one.push(0, Packet.make(new Uint8Array(3)));
  t.equal(one.element.stats.dropped, 1);
});

t.test('most specific prefix first; later duplicate wins with a warning', async (t) => {
  const { conf, warnings } = configureWithWarnings(spec, '10.0.0.0/8 1:1:1:1:1:1, 10.1.0.0/16 2:2:2:2:2:2, 10.0.0.0/8 3:3:3:3:3:3', 1, 1);
  t.same(warnings, ['multiple entries for 10.0.0.0/8']);
  const h = harness(spec, '10.0.0.0/8 1:1:1:1:1:1, 10.1.0.0/16 2:2:2:2:2:2, 10.0.0.0/8 3:3:3:3:3:3');
  t.equal(h.read('table'), '10.1.0.0/16 02-02-02-02-02-02\n10.0.0.0/8 03-03-03-03-03-03');
  t.equal(h.read('lookup', '10.1.2.3'), '02-02-02-02-02-02');
  t.equal(h.read('lookup', '10.2.2.3'), '03-03-03-03-03-03');
  t.equal(h.read('lookup', '11.0.0.1'), '');
  t.ok(conf);
});

t.test('add and remove handlers', async (t) => {
  const h = harness(spec, '10.0.0.1 00:00:c0:11:22:33');
  h.write('add', '192.0.2.1 192.0.2.2 00:00:c0:00:00:09');
  t.equal(h.read('lookup', '192.0.2.2'), '00-00-C0-00-00-09');
  h.write('remove', '192.0.2.1/32');
  t.equal(h.read('lookup', '192.0.2.1'), '');
  t.throws(() => h.write('remove', '192.0.2.1'), /not found/);
  t.throws(() => h.write('add', '192.0.2.1'), /missing ETH/);
});

t.test('configuration errors in Click words', async (t) => {
  t.equal(configError(spec, '10.0.0.1 1:1:1:1:1:1 2:2:2:2:2:2'), 'argument 0: more than one ETH');
  t.equal(configError(spec, '10.0.0.1 1:1:1:1:1:1, 1:1:1:1:1:1'), 'argument 1: missing IP/MASK');
  t.equal(configError(spec, '10.0.0.1'), 'argument 0: missing ETH');
  t.equal(configError(spec, '10.0.0.1 banana'), 'argument 0: expected IP/MASK ETH');
});

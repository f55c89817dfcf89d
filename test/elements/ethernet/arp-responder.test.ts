import t from 'tap';
import { spec, type ARPResponderElement } from '../../../elements/ethernet/arp-responder.js';
import { spec as printSpec } from '../../../elements/ethernet/arp-print.js';
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

t.test('0/0 and other short-address prefixes, as Click\'s IPPrefixArg reads them', async (t) => {
  const h = harness<ARPResponderElement>(spec, '0/0 00:00:c0:11:22:33, 10/8 00:00:c0:11:22:44', two);
  h.push(0, request('10.1.2.3'), request('192.0.2.7'));
  t.same(h.outputs[0]!.map((p) => toHex(p.data.subarray(22, 28))), ['0000c0112244', '0000c0112233']);
  t.equal(configError(spec, '10/16 00:00:c0:11:22:33'), 'argument 0: expected IP/MASK ETH', 'a mask longer than the address written');
  h.write('remove', '10/8');
  t.throws(() => h.write('remove', '10/8'), /not found/);
});

t.test('ARPPrint: Click\'s text for each ARP operation', async (t) => {
  const line = (config: string, bytes: Uint8Array, mac = true) => {
    const h = harness(printSpec, config);
    const p = Packet.make(ether(bytes, { type: 0x0806, src: '00:00:c0:00:00:0a', dst: 'ff:ff:ff:ff:ff:ff' }));
    if (mac) p.setMacHeader(0);
    p.setNetworkHeader(14, 8);
    p.tsSec = 2;
    h.push(0, p);
    t.equal(h.outputs[0]!.length, 1, 'the packet passes on');
    return h.stderr;
  };
  const req = arp({ op: 1, spa: '10.0.0.2', tpa: '10.0.0.1' });
  t.same(line('x', req), ['x: 2.000000: arp who-has 10.0.0.1 tell 10.0.0.2']);
  t.same(line('x, ETHER true, TIMESTAMP false', req), ['x: 00-00-C0-00-00-0A > FF-FF-FF-FF-FF-FF: arp who-has 10.0.0.1 tell 10.0.0.2']);
  t.same(line('TIMESTAMP false', arp({ op: 1, tha: '00:00:c0:00:00:0b' })), ['arp who-has 10.0.0.1 (00-00-C0-00-00-0B) tell 10.0.0.2']);
  t.same(line('TIMESTAMP false', arp({ op: 2, sha: '00:00:c0:00:00:05', spa: '10.0.0.5' })), ['arp reply 10.0.0.5 is-at 00-00-C0-00-00-05']);
  t.same(line('TIMESTAMP false', arp({ op: 3 })), ['rarp who-is 00-00-00-00-00-00 tell 00-00-C0-AA-00-01']);
  t.same(line('TIMESTAMP false', arp({ op: 9 })), ['invarp reply 00-00-00-00-00-00 at 10.0.0.1']);
  t.same(line('TIMESTAMP false', arp({ op: 77 })), ['arp-#77']);
  const trailer = arp({ op: 2 });
  trailer[2] = 0x10;
  trailer[3] = 0;
  trailer[1] = 6;
  t.same(line('TIMESTAMP false', trailer), ['trailer-arp reply 10.0.0.2 is-at 00-00-C0-AA-00-01hardware #6']);
  const v6 = arp({ op: 1 });
  v6[2] = 0x86;
  t.same(line('', v6), [], 'other protocols print nothing');
  t.same(line('TIMESTAMP false', req.slice(0, 5)), ['truncated-arp (5)']);
  t.same(line('TIMESTAMP false, ETHER true', req, false), ['00-00-C0-00-00-0A > FF-FF-FF-FF-FF-FF: arp who-has 10.0.0.1 tell 10.0.0.2'], 'no MAC header: the data start');
  const h = harness(printSpec, 'ACTIVE false');
  h.push(0, Packet.make(req));
  t.same(h.stderr, [], 'no network header, or inactive: nothing');
  t.equal(h.read('active'), 'false');
  h.write('active', 'true');
  h.push(0, Packet.make(req));
  t.same(h.stderr, []);
});

import t from 'tap';
import { spec, type ARPQuerierElement } from '../../../elements/ethernet/arp-querier.js';
import { ANNO, Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { arp, ether, toHex } from '../../util/packets.js';

const ME = 'IP 10.0.0.1/24, ETH 00:00:c0:00:00:01';
const opts = { inputs: ['push', 'push'] as ('push' | 'pull')[], outputs: ['push', 'push'] as ('push' | 'pull')[] };
const MS = 1_000_000n;

function ipTo(dst: number, tag = 0): Packet {
  const p = Packet.make(Uint8Array.of(0x45, tag));
  p.dstIP = dst;
  return p;
}
const reply = (spa: string, sha: string) =>
  Packet.make(ether(arp({ op: 2, spa, sha, tpa: '10.0.0.1', tha: '00:00:c0:00:00:01' }), { type: 0x0806, dst: '00:00:c0:00:00:01', src: sha }));

function setup(config = ME) {
  return harness<ARPQuerierElement>(spec, config, { ...opts, now: 1000n * MS });
}

t.test('unknown destinations wait for a reply; the query is a broadcast ARP request', async (t) => {
  const h = setup();
  const p = ipTo(0x0a000005, 1);
  p.anno[ANNO.VLAN_TCI + 1] = 9;
  h.push(0, p, ipTo(0x0a000005, 2));
  t.equal(h.outputs[0]!.length, 0);
  t.equal(h.outputs[1]!.length, 1, 'one query: the second is within 100 ms');
  const q = h.outputs[1]![0]!;
  t.equal(toHex(q.data), toHex(ether(arp({ op: 1, sha: '00:00:c0:00:00:01', spa: '10.0.0.1', tha: '00:00:00:00:00:00', tpa: '10.0.0.5' }),
    { dst: 'ff:ff:ff:ff:ff:ff', src: '00:00:c0:00:00:01', type: 0x0806 })));
  t.equal(q.anno[ANNO.VLAN_TCI + 1], 9);
  t.equal(h.read('length'), '2');
  t.equal(h.element.held(), 2);

  h.push(1, reply('10.0.0.5', '00:00:c0:00:00:05'));
  const out = h.outputs[0]!;
  t.same(out.map((x) => toHex(x.data)), ['0000c00000050000c0000001080045' + '01', '0000c00000050000c0000001080045' + '02'], 'sent in arrival order');
  t.equal(h.read('responses'), '1');
  t.equal(h.read('length'), '0');
  t.equal(h.read('table'), '10.0.0.5 1 00-00-C0-00-00-05 0.000000');
  h.advanceTo(1250n * MS);
  t.equal(h.read('table'), '10.0.0.5 1 00-00-C0-00-00-05 0.250000');

  h.push(0, ipTo(0x0a000005, 3));
  t.equal(h.outputs[0]!.length, 3, 'known: sent at once');
  const s = h.element.stats;
  t.equal(s.in + s.created, s.out + s.dropped + s.consumed + h.element.held(), 'accounting balances');
});

t.test('queries are rate limited per address', async (t) => {
  const h = setup();
  h.push(0, ipTo(0x0a000007));
  h.now = 1050n * MS;
  h.push(0, ipTo(0x0a000007));
  h.now = 1100n * MS;
  h.push(0, ipTo(0x0a000007));
  t.equal(h.read('queries'), '2');
  // After ten unanswered queries, one every two seconds.
  for (let i = 1; i <= 9; i++) {
    h.now = (1100n + BigInt(i) * 100n) * MS;
    h.push(0, ipTo(0x0a000007));
  }
  t.equal(h.read('queries'), '10');
  h.now = 3000n * MS;
  h.push(0, ipTo(0x0a000007));
  t.equal(h.read('queries'), '10');
  h.now = 3900n * MS;
  h.push(0, ipTo(0x0a000007));
  t.equal(h.read('queries'), '11');
});

t.test('broadcast, multicast and 0.0.0.0 destinations', async (t) => {
  const h = setup();
  h.push(0, ipTo(0xffffffff), ipTo(0x0a0000ff), ipTo(0xe0010203), ipTo(0), ipTo(0));
  const out = h.outputs[0]!;
  t.same(out.map((p) => toHex(p.data.subarray(0, 6))), ['ffffffffffff', 'ffffffffffff', '01005e010203']);
  t.equal(h.read('drops'), '2');
  t.same(h.stderr, ['e :: ARPQuerier: would query for 0.0.0.0; missing dest IP addr annotation?']);
  t.equal(h.read('broadcast'), '10.0.0.255');
  const slash32 = setup('10.0.0.1, 00:00:c0:00:00:01');
  t.equal(slash32.read('broadcast'), '255.255.255.255');
  const b = setup(`${ME}, BROADCAST 10.255.255.255`);
  b.push(0, ipTo(0x0affffff));
  t.equal(toHex(b.outputs[0]![0]!.data.subarray(0, 6)), 'ffffffffffff');
});

t.test('an IP address of 0.0.0.0 drops everything', async (t) => {
  const h = setup('0.0.0.0, 00:00:c0:00:00:01');
  h.push(0, ipTo(0x0a000005));
  t.equal(h.read('drops'), '1');
  t.equal(h.element.stats.dropped, 1);
  h.write('ipaddr', '10.0.0.1');
  t.equal(h.read('ipaddr'), '10.0.0.1');
});

t.test('renewal polls after POLL_TIMEOUT go unicast (or broadcast with BROADCAST_POLL)', async (t) => {
  for (const [extra, dst] of [['', '0000c0000005'], [', BROADCAST_POLL true', 'ffffffffffff']] as const) {
    const h = setup(`${ME}, POLL_TIMEOUT 2s${extra}`);
    h.write('insert', '10.0.0.5 00:00:c0:00:00:05');
    h.push(0, ipTo(0x0a000005));
    t.equal(h.outputs[1]!.length, 0);
    h.now = 3000n * MS;
    h.push(0, ipTo(0x0a000005));
    t.equal(h.outputs[0]!.length, 2, 'packets still sent');
    t.equal(toHex(h.outputs[1]![0]!.data.subarray(0, 6)), dst);
  }
});

t.test('entries expire after TIMEOUT; the timer drops their waiting packets', async (t) => {
  const h = setup(`${ME}, TIMEOUT 10s`);
  h.push(1, reply('10.0.0.5', '00:00:c0:00:00:05'));
  h.push(0, ipTo(0x0a000009));
  t.equal(h.read('count'), '2');
  h.advanceTo(12000n * MS);
  t.equal(h.read('count'), '2', 'first check after 10 s finds nothing expired yet');
  h.advanceTo(22000n * MS); // the next check, TIMEOUT + 1 s later
  t.equal(h.read('count'), '0');
  t.equal(h.read('stats'), '1 packets killed\n1 ARP queries sent');
  t.equal(h.element.stats.dropped, 1);
  h.push(0, ipTo(0x0a000005));
  t.equal(h.outputs[1]!.length, 2, 'expired entry queried again');
});

t.test('capacities drop the oldest waiting packets', async (t) => {
  const per = setup(`${ME}, ENTRY_PACKET_CAPACITY 2`);
  per.push(0, ipTo(0x0a000005), ipTo(0x0a000005), ipTo(0x0a000005));
  t.equal(per.read('length'), '2');
  t.equal(per.element.stats.dropped, 1);
  const total = setup(`${ME}, CAPACITY 4`);
  for (let i = 0; i < 5; i++) total.push(0, ipTo(0x0a000010 + i, i));
  t.equal(total.read('length'), '2', 'slimmed to CAPACITY - CAPACITY/2');
  total.push(1, reply('10.0.0.20', '00:00:c0:00:00:20'));
  t.same(total.outputs[0]!.map((p) => p.data[15]), [4], 'the newest packet survived');
  const entries = setup(`${ME}, ENTRY_CAPACITY 2`);
  for (let i = 0; i < 3; i++) entries.push(0, ipTo(0x0a000010 + i));
  t.equal(entries.read('count'), '2');
  t.match(entries.read('table'), /^10\.0\.0\.17 0 FF-FF-FF-FF-FF-FF 0\.000000\n10\.0\.0\.18 /);
});

t.test('replies that are not usable are ignored', async (t) => {
  const h = setup();
  h.push(0, ipTo(0x0a000005));
  h.push(1, Packet.make(new Uint8Array(20)));
  h.push(1, Packet.make(ether(arp({ op: 1, spa: '10.0.0.5' }), { type: 0x0806 })));
  h.push(1, reply('10.0.0.5', '01:00:c0:00:00:05'));
  t.equal(h.outputs[0]!.length, 0);
  t.equal(h.read('responses'), '2', 'runts are not counted as responses');
  t.equal(h.element.stats.dropped, 1);
  t.equal(h.element.stats.consumed, 2);
});

t.test('insert, delete and clear handlers; one output carries queries too', async (t) => {
  const h = harness<ARPQuerierElement>(spec, ME, { inputs: ['push', 'push'] });
  h.push(0, ipTo(0x0a000005));
  t.equal(h.outputs[0]!.length, 1, 'the query on output 0');
  h.write('insert', '10.0.0.5 00:00:c0:00:00:05');
  t.equal(h.read('length'), '1', 'insert leaves waiting packets queued, as Click');
  h.push(0, ipTo(0x0a000005));
  t.equal(h.outputs[0]!.length, 2);
  h.write('delete', '10.0.0.5');
  t.match(h.read('table'), /10\.0\.0\.5 0 FF-FF-FF-FF-FF-FF/);
  h.write('clear', '');
  t.equal(h.read('count'), '0');
  t.equal(h.read('queries'), '0');
  t.equal(h.element.stats.dropped, 1, 'cleared packets dropped');
  t.throws(() => h.write('insert', '10.0.0.5'), /IP ETH/);
  t.throws(() => h.write('insert', '10.0.0.5 zz'));
});

t.test('configuration errors', async (t) => {
  t.match(configError(spec, '10.0.0.1', 2, 2), /ETH/);
  t.match(configError(spec, `${ME}, TABLE x`, 2, 2), /unknown argument 'TABLE'/);
  t.equal(configError(spec, `${ME}, CAPACITY_SLIM_FACTOR 0`, 2, 2), 'CAPACITY_SLIM_FACTOR cannot be zero');
  t.match(configError(spec, `${ME}, TIMEOUT soon`, 2, 2), /TIMEOUT/);
});

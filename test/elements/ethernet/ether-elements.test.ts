// EtherEncap, EtherRewrite, EtherMirror, StoreEtherAddress, HostEtherFilter.
import t from 'tap';
import { spec as EtherEncap } from '../../../elements/ethernet/ether-encap.js';
import { spec as EtherMirror } from '../../../elements/ethernet/ether-mirror.js';
import { spec as EtherRewrite } from '../../../elements/ethernet/ether-rewrite.js';
import { spec as HostEtherFilter } from '../../../elements/ethernet/host-ether-filter.js';
import { spec as StoreEtherAddress } from '../../../elements/ethernet/store-ether-address.js';
import { Packet, PacketType } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ether, hex, toHex } from '../../util/packets.js';

const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };

t.test('EtherEncap prepends the header and marks it; handlers', async (t) => {
  const h = harness(EtherEncap, '0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2');
  h.push(0, Packet.make(Uint8Array.of(0x45)));
  const p = h.outputs[0]![0]!;
  t.equal(toHex(p.data), '020202020202010101010101080045');
  t.equal(p.macHeaderOffset, 0);
  t.equal(p.networkHeaderOffset, 14);
  t.equal(h.read('src'), '01-01-01-01-01-01');
  t.equal(h.read('ethertype'), '2048');
  h.write('dst', '00:11:22:33:44:55');
  h.write('ethertype', '0x86dd');
  t.equal(h.read('etht'), '34525');
  h.push(0, Packet.make(new Uint8Array(0), 0));
  t.equal(toHex(h.outputs[0]![1]!.data), '00112233445501010101010186dd', 'no headroom: reallocated');
  t.throws(() => h.write('src', 'zz'));
  const pull = harness(EtherEncap, '0x0806, 1:1:1:1:1:1, 2:2:2:2:2:2', { inputs: ['pull'], outputs: ['pull'] });
  pull.pullable[0]!.push(Packet.make(new Uint8Array(2)));
  t.equal(pull.pull(0)[0]!.length, 16);
  t.match(configError(EtherEncap, '0x0800, 1:1:1:1:1:1'), /DST/);
  t.match(configError(EtherEncap, '0x10000, 1:1:1:1:1:1, 2:2:2:2:2:2'), /ETHERTYPE/);
});

t.test('EtherRewrite rewrites the addresses at the MAC header', async (t) => {
  const h = harness(EtherRewrite, '1:1:1:1:1:1, 2:2:2:2:2:2');
  const p = Packet.make(ether(Uint8Array.of(7)));
  p.setMacHeader(0);
  h.push(0, p);
  t.equal(toHex(h.outputs[0]![0]!.data), '02020202020201010101010108000' + '7');
  h.push(0, Packet.make(ether(Uint8Array.of(7))));
  t.equal(h.element.stats.dropped, 1, 'no MAC header: dropped');
  t.equal(h.read('dst'), '02-02-02-02-02-02');
});

t.test('EtherMirror swaps the addresses', async (t) => {
  const h = harness(EtherMirror);
  h.push(0, Packet.make(hex('aaaaaaaaaaaa bbbbbbbbbbbb 0800')), Packet.make(new Uint8Array(11)));
  t.equal(toHex(h.outputs[0]![0]!.data), 'bbbbbbbbbbbbaaaaaaaaaaaa0800');
  t.equal(h.element.stats.dropped, 1, 'runt dropped');
});

t.test('StoreEtherAddress stores an address or an annotation', async (t) => {
  const h = harness(StoreEtherAddress, '00:11:22:33:44:55, src', two);
  h.push(0, Packet.make(new Uint8Array(14)), Packet.make(new Uint8Array(11)));
  t.equal(toHex(h.outputs[0]![0]!.data), '000000000000001122334455' + '0000');
  t.equal(h.outputs[1]!.length, 1, 'too short: output 1');
  t.equal(h.read('addr'), '00-11-22-33-44-55');
  h.write('addr', '66:66:66:66:66:66');
  const a = harness(StoreEtherAddress, 'OFFSET dst, ANNO 24');
  const p = Packet.make(new Uint8Array(6));
  p.anno.set([1, 2, 3, 4, 5, 6], 24);
  a.push(0, p);
  t.equal(toHex(a.outputs[0]![0]!.data), '010203040506');
  t.equal(configError(StoreEtherAddress, '00:11:22:33:44:55, 0, ANNO 24'), 'must specify exactly one of ADDR/ANNO');
  t.equal(configError(StoreEtherAddress, 'OFFSET 0'), 'must specify exactly one of ADDR/ANNO');
  t.match(configError(StoreEtherAddress, 'dst, ANNO 24'), /ADDR/, 'a positional first argument is ADDR, as in Click');
  t.equal(configError(StoreEtherAddress, '00:11:22:33:44:55, middle'), 'type mismatch: bad OFFSET');
});

t.test('HostEtherFilter classifies and filters like a host interface', async (t) => {
  const me = '00:00:c0:11:22:33';
  const h = harness(HostEtherFilter, `${me}, DROP_OWN true`, two);
  const frames = [
    ether(new Uint8Array(2), { dst: me }),
    ether(new Uint8Array(2), { dst: 'ff:ff:ff:ff:ff:ff' }),
    ether(new Uint8Array(2), { dst: '01:00:5e:00:00:01' }),
    ether(new Uint8Array(2), { dst: '00:00:c0:99:99:99' }),
    ether(new Uint8Array(2), { dst: me, src: me }),
  ];
  for (const f of frames) h.push(0, Packet.make(f));
  t.same(h.outputs[0]!.map((p) => p.packetType), [PacketType.HOST, PacketType.BROADCAST, PacketType.MULTICAST]);
  t.equal(h.outputs[1]!.length, 2, 'other host and own source filtered');
  t.equal(h.outputs[1]![0]!.packetType, PacketType.OTHERHOST);
  const keep = harness(HostEtherFilter, `${me}, false, false, OFFSET 2`);
  keep.push(0, Packet.make(Uint8Array.from([0, 0, ...frames[3]!])), Packet.make(new Uint8Array(7)), Packet.make(Uint8Array.from([0, 0, 1, 0, 0x5e, 0, 0, 1])));
  t.same(keep.outputs[0]!.map((p) => p.packetType), [PacketType.OTHERHOST, PacketType.MULTICAST], 'a destination alone is enough without DROP_OWN, as in Click');
  t.equal(keep.element.stats.dropped, 1, 'too short for the destination: dropped');
  const own = harness(HostEtherFilter, `${me}, DROP_OWN true`);
  own.push(0, Packet.make(Uint8Array.from([1, 0, 0x5e, 0, 0, 1, 0, 0, 0, 0, 0])));
  t.equal(own.element.stats.dropped, 1, 'DROP_OWN reads the source too: 11 bytes are too short');
  t.equal(keep.read('ether'), '00-00-C0-11-22-33');
  t.match(configError(HostEtherFilter, ''), /ETHER/);
});

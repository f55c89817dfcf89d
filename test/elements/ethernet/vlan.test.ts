import t from 'tap';
import { spec as VLANDecap } from '../../../elements/ethernet/vlan-decap.js';
import { spec as VLANEncap } from '../../../elements/ethernet/vlan-encap.js';
import { spec as SetVLANAnno } from '../../../elements/ethernet/set-vlan-anno.js';
import { ANNO, Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { hex, toHex } from '../../util/packets.js';

const plain = hex('aaaaaaaaaaaa bbbbbbbbbbbb 0800 4500');
const tagged = hex('aaaaaaaaaaaa bbbbbbbbbbbb 8100 6007 0800 4500');

t.test('VLANEncap inserts the tag; Click marks the MAC header with length 8', async (t) => {
  const h = harness(VLANEncap, 'VLAN_ID 7, VLAN_PCP 3');
  h.push(0, Packet.make(plain), Packet.make(plain, 0));
  const [a, b] = h.outputs[0]!;
  t.equal(toHex(a!.data), toHex(tagged));
  t.equal(toHex(b!.data), toHex(tagged), 'no headroom: reallocated');
  t.equal(a!.macHeaderOffset, 0);
  t.equal(a!.networkHeaderOffset, 8);
  t.equal(h.read('vlan_tci'), String(0x6007));
  t.equal(h.read('config'), 'VLAN_ID 7, VLAN_PCP 3');
});

t.test('VLAN_TCI, ANNO mode, native VLAN and ETHERTYPE', async (t) => {
  const tci = harness(VLANEncap, '0x2005, ETHERTYPE 0x88a8');
  tci.push(0, Packet.make(plain));
  t.equal(toHex(tci.outputs[0]![0]!.data.subarray(12, 16)), '88a82005');
  const anno = harness(VLANEncap, 'ANNO, NATIVE_VLAN 5');
  const p = Packet.make(plain);
  p.anno[ANNO.VLAN_TCI] = 0x00;
  p.anno[ANNO.VLAN_TCI + 1] = 0x09;
  const native = Packet.make(plain);
  native.anno[ANNO.VLAN_TCI + 1] = 0x05;
  anno.push(0, p, native);
  t.equal(toHex(anno.outputs[0]![0]!.data.subarray(12, 16)), '81000009');
  t.equal(toHex(anno.outputs[0]![1]!.data), toHex(plain), 'native VLAN left untagged');
  t.equal(anno.outputs[0]![1]!.networkHeaderOffset, 14);
  t.equal(anno.read('config'), 'ANNO, NATIVE_VLAN 5');
  const dflt = harness(VLANEncap, 'VLAN_PCP 3');
  dflt.push(0, Packet.make(plain));
  t.equal(toHex(dflt.outputs[0]![0]!.data), toHex(plain), 'VLAN 0 is the default native VLAN');
  dflt.write('native_vlan', '-1');
  dflt.push(0, Packet.make(plain));
  t.equal(toHex(dflt.outputs[0]![1]!.data.subarray(12, 16)), '81006000');
  dflt.write('vlan_id', '100');
  t.equal(dflt.read('vlan_tci'), String(0x6064));
  dflt.write('vlan_tci', 'ANNO');
  t.equal(dflt.read('vlan_tci'), 'ANNO');
  t.throws(() => dflt.write('vlan_pcp', '8'));
  const runt = harness(VLANEncap, 'VLAN_ID 2');
  runt.push(0, Packet.make(new Uint8Array(11)));
  t.equal(runt.element.stats.dropped, 1);
});

t.test('VLANEncap configuration errors', async (t) => {
  t.match(configError(VLANEncap, 'VLAN_ID 4096'), /VLAN_ID/);
  t.match(configError(VLANEncap, '7, 8'), /VLAN_PCP/);
  t.match(configError(VLANEncap, '0x10000'), /VLAN_TCI/);
  t.match(configError(VLANEncap, 'NATIVE_VLAN -2'), /NATIVE_VLAN/);
});

t.test('VLANDecap strips tags and sets the TCI annotation', async (t) => {
  const h = harness(VLANDecap);
  h.push(0, Packet.make(tagged), Packet.make(plain));
  const [a, b] = h.outputs[0]!;
  t.equal(toHex(a!.data), toHex(plain));
  t.same([a!.anno[ANNO.VLAN_TCI], a!.anno[ANNO.VLAN_TCI + 1]], [0x60, 0x07], 'network byte order');
  t.equal(a!.networkHeaderOffset, 14);
  t.same([b!.anno[ANNO.VLAN_TCI], b!.anno[ANNO.VLAN_TCI + 1]], [0, 0]);
  const keep = harness(VLANDecap, 'false, ETHERTYPE 0x88a8');
  const p = Packet.make(tagged);
  p.anno[ANNO.VLAN_TCI] = 0x77;
  keep.push(0, p);
  t.equal(toHex(keep.outputs[0]![0]!.data), toHex(tagged), 'other tag type untouched');
  t.equal(keep.outputs[0]![0]!.anno[ANNO.VLAN_TCI], 0x77, 'ANNO false keeps the annotation');
  h.push(0, Packet.make(new Uint8Array(13)), Packet.make(tagged.subarray(0, 15)));
  t.equal(h.element.stats.dropped, 2, 'runts dropped');
  t.match(configError(VLANDecap, 'ETHERTYPE x'), /ETHERTYPE/);
});

t.test('SetVLANAnno sets the TCI annotation: VLAN_TCI or VLAN_ID, VLAN_PCP on top; handlers; ranges', async (t) => {
  const tci = (config: string) => {
    const h = harness(SetVLANAnno, config);
    const p = Packet.make(plain);
    h.push(0, p);
    return (p.anno[ANNO.VLAN_TCI]! << 8) | p.anno[ANNO.VLAN_TCI + 1]!;
  };
  t.equal(tci('2, 1'), 0x2002, 'Click\'s VLANEncap-01: SetVLANAnno(2, 1)');
  t.equal(tci('VLAN_ID 9, VLAN_PCP 7'), 0xe009);
  t.equal(tci(''), 0);
  t.equal(tci('0xffff, 7'), 0xffff);
  const h = harness(SetVLANAnno, 'VLAN_ID 9');
  t.equal(h.read('config'), 'VLAN_ID 9, VLAN_PCP 0');
  h.write('vlan_pcp', '2');
  t.equal(h.read('vlan_tci'), String(0x4009));
  h.write('vlan_tci', '0x1234');
  t.equal(h.read('config'), 'VLAN_ID 564, VLAN_PCP 2', 'VLAN_TCI wins over VLAN_ID; the PCP bits are added');
  t.throws(() => h.write('vlan_id', '4096'), /out of range/);
  t.equal(configError(SetVLANAnno, 'VLAN_ID 4096'), 'VLAN_ID: 4096 is out of range (0 to 4095)');
  t.equal(configError(SetVLANAnno, '1, 8'), 'VLAN_PCP: 8 is out of range (0 to 7)');
  t.equal(configError(SetVLANAnno, '65536'), 'VLAN_TCI: 65536 is out of range (0 to 65535)');
});

// The Ethernet elements in both engines: every packet out (EIPLog lines:
// data, annotations, header offsets), drops, handler values, writes and
// their error messages. ARPQuerier has its own file.
import t from 'tap';
import { differential } from './differential.js';
import { dataArg, framesSource, handlerRun } from './ether-ip-harness.js';
import { arp, ether, frames, hex, ipv4, udp } from '../util/packets.js';

const udpFrame = frames.udp();
const short = (n: number) => udpFrame.slice(0, n);
const tagged = (tci: string, type = '8100') => hex(`0000c0112233 0000c0aa0001 ${type} ${tci} 0800 4500`);

t.test('EtherEncap: headers on every packet, runts and empty packets too, in push and pull paths', async (t) => {
  differential(t, {
    config: `src :: ${framesSource([udpFrame, short(1), new Uint8Array(0), short(40)], 'BURST 3')}
      -> e :: EtherEncap(0x86dd, 00:11:22:33:44:55, ff:ff:ff:ff:ff:ff) -> l :: EIPLog;`,
    handlers: ['l.log', 'e.src', 'e.dst', 'e.ethertype', 'e.etht'],
  });
  differential(t, {
    config: `s :: InfiniteSource(${dataArg(short(30))}, LIMIT 9, BURST 4, STOP true) -> e :: EtherEncap(2048, 1:2:3:4:5:6, 6:5:4:3:2:1) -> d :: Discard(BURST 2);`,
    handlers: ['d.count', 'e.ethertype'],
  });
});

t.test('EtherEncap: headroom runs out after several encapsulations (the buffer grows)', async (t) => {
  differential(t, {
    config: `${framesSource([udpFrame, short(3)])} -> EtherEncap(1, 1:1:1:1:1:1, 2:2:2:2:2:2) -> EtherEncap(2, 1:1:1:1:1:1, 2:2:2:2:2:2)
      -> EtherEncap(3, 1:1:1:1:1:1, 2:2:2:2:2:2) -> EtherEncap(4, 1:1:1:1:1:1, 2:2:2:2:2:2) -> EtherEncap(5, 1:1:1:1:1:1, 2:2:2:2:2:2)
      -> EtherEncap(6, 1:1:1:1:1:1, 2:2:2:2:2:2) -> l :: EIPLog;`,
    handlers: ['l.log'],
  });
});

t.test('EtherEncap handlers: writes, their errors, and the header they change', async (t) => {
  handlerRun(t, {
    config: `${framesSource([udpFrame])} -> e :: EtherEncap(0x0800, 1:2:3:4:5:6, a:b:c:d:e:f) -> l :: EIPLog;`,
    writes: [
      ['e.src', '1:2:3:4:5'], ['e.src', '0a1b2c3d4e5f'], ['e.dst', ' "01-02-03-04-05-07" '], ['e.dst', '1:2:3:4:5:6:7'], ['e.dst', '1:2:3:4:5:666'],
      ['e.ethertype', '70000'], ['e.ethertype', '-1'], ['e.etht', 'x'], ['e.etht', ' 0x88cc '], ['e.ethertype', '0777'], ['e.ethertype', '099'],
      ['e.src', ''], ['e.dst', "'aa:bb:cc:dd:ee:ff'"],
    ],
    reads: ['e.src', 'e.dst', 'e.ethertype', 'e.etht', 'l.log'],
  });
});

t.test('EtherMirror swaps addresses; runts are dropped', async (t) => {
  differential(t, {
    config: `${framesSource([udpFrame, short(11), short(12), new Uint8Array(0)], 'BURST 4')} -> EtherMirror -> l :: EIPLog;`,
    handlers: ['l.log', 'l.count'],
  });
});

t.test('EtherRewrite writes at the MAC header; without one, or too short from it, packets are dropped', async (t) => {
  differential(t, {
    config: `src :: ${framesSource([udpFrame, short(13), tagged('0007')], 'BURST 3')} -> r1 :: EtherRewrite(00:00:00:00:00:01, 00:00:00:00:00:02) -> l1 :: EIPLog;
      ${framesSource([udpFrame, tagged('0007'), short(14)], 'INTERVAL 1s')} -> VLANDecap -> r :: EtherRewrite(00:00:00:00:00:01, 00:00:00:00:00:02) -> l2 :: EIPLog;`,
    handlers: ['l1.count', 'l2.log', 'r.src', 'r.dst'],
  });
  handlerRun(t, {
    config: `${framesSource([udpFrame])} -> EtherEncap(0x0800, 1:2:3:4:5:6, a:b:c:d:e:f) -> r :: EtherRewrite(1:1:1:1:1:1, 2:2:2:2:2:2) -> l :: EIPLog;`,
    writes: [['r.src', 'zz:1:2:3:4:5'], ['r.src', '9:8:7:6:5:4'], ['r.dst', '"090807060504"'], ['r.dst', '']],
    reads: ['r.src', 'r.dst', 'l.log'],
  });
});

t.test('HostEtherFilter: packet types, own and other frames, one or two outputs, OFFSET', async (t) => {
  const me = '00:00:c0:11:22:33';
  const fs = [
    ether(new Uint8Array(4), { dst: me }),
    ether(new Uint8Array(4), { dst: 'ff:ff:ff:ff:ff:ff' }),
    ether(new Uint8Array(4), { dst: '01:00:5e:00:00:01' }),
    ether(new Uint8Array(4), { dst: '00:00:c0:99:99:99' }),
    ether(new Uint8Array(4), { dst: 'ff:ff:ff:ff:ff:ff', src: me }),
    short(11),
    short(12),
    // a destination alone: Click reads nothing more without DROP_OWN, so it passes h1 (and is a runt to h2, h3)
    Uint8Array.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]),
    Uint8Array.from([0x01, 0x00, 0x5e, 0x00, 0x00]),
  ];
  const shifted = fs.map((f) => Uint8Array.from([9, 9, 9, ...f]));
  differential(t, {
    config: `${framesSource(fs, 'BURST 3')} -> h1 :: HostEtherFilter(${me}) -> a0 :: EIPLog;
      ${framesSource(fs, 'BURST 7')} -> h2 :: HostEtherFilter(${me}, true, false) -> b0 :: EIPLog; h2[1] -> b1 :: EIPLog;
      ${framesSource(shifted)} -> h3 :: HostEtherFilter(${me}, DROP_OWN true, OFFSET 3) -> c0 :: EIPLog; h3[1] -> c1 :: EIPLog;`,
    handlers: ['a0.log', 'b0.log', 'b1.log', 'c0.log', 'c1.log', 'h1.ether'],
  });
  handlerRun(t, {
    config: `${framesSource(fs)} -> h :: HostEtherFilter(${me}) -> l :: EIPLog;`,
    writes: [['h.ether', 'ff:ff:ff:ff:ff'], ['h.ether', '00:00:c0:99:99:99']],
    reads: ['h.ether', 'l.log'],
  });
});

t.test('StoreEtherAddress: ADDR and ANNO forms, src/dst/number offsets, short packets to output 1 or dropped', async (t) => {
  const fs = [udpFrame, short(5), short(6), short(11), short(12)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 5')} -> s1 :: StoreEtherAddress(01:02:03:04:05:06, src) -> a :: EIPLog;
      ${framesSource(fs)} -> s2 :: StoreEtherAddress(0a:0b:0c:0d:0e:0f, dst) -> b0 :: EIPLog; s2[1] -> b1 :: EIPLog;
      ${framesSource(fs)} -> GetIPAddress(26, ANNO 8) -> GetIPAddress(30, ANNO 12) -> s3 :: StoreEtherAddress(OFFSET 5, ANNO 10) -> c0 :: EIPLog; s3[1] -> c1 :: EIPLog;
      ${framesSource(fs)} -> s4 :: StoreEtherAddress(ANNO 0, OFFSET "0") -> d0 :: EIPLog;`,
    handlers: ['a.log', 'b0.log', 'b1.log', 'c0.log', 'c1.log', 'd0.log', 's1.addr', 's3.addr'],
  });
  handlerRun(t, {
    config: `${framesSource([udpFrame])} -> s :: StoreEtherAddress(1:2:3:4:5:6, 0) -> l :: EIPLog;`,
    writes: [['s.addr', 'nope'], ['s.addr', '77-66-55-44-33-22']],
    reads: ['s.addr', 'l.log'],
  });
});

t.test('VLANDecap: tagged and untagged frames, ANNO, ETHERTYPE, runts', async (t) => {
  const fs = [tagged('6007'), tagged('0fff', '88a8'), udpFrame, tagged('e001').slice(0, 15), tagged('e001').slice(0, 16), short(13), short(14)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 7')} -> VLANDecap -> a :: EIPLog;
      ${framesSource(fs)} -> VLANDecap(false) -> b :: EIPLog;
      ${framesSource(fs, 'BURST 2')} -> VLANDecap(ETHERTYPE 0x88a8) -> c :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.log'],
  });
});

t.test('VLANEncap: TCI forms, PCP, NATIVE_VLAN, ANNO from VLANDecap, runts, ETHERTYPE', async (t) => {
  const fs = [udpFrame, tagged('6007'), tagged('0000'), short(11), short(12), new Uint8Array(0)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 6')} -> v1 :: VLANEncap(VLAN_ID 7, VLAN_PCP 3) -> a :: EIPLog;
      ${framesSource(fs)} -> v2 :: VLANEncap(0x2005, NATIVE_VLAN 5) -> b :: EIPLog;
      ${framesSource(fs)} -> VLANDecap -> v3 :: VLANEncap(ANNO, ETHERTYPE 0x88a8) -> c :: EIPLog;
      ${framesSource(fs)} -> VLANDecap -> v4 :: VLANEncap(ANNO, NATIVE_VLAN 7) -> d :: EIPLog;
      ${framesSource(fs)} -> v5 :: VLANEncap(VLAN_TCI 0xffff, VLAN_PCP 7, NATIVE_VLAN -1) -> e :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'c.log', 'd.log', 'e.log', 'v1.config', 'v2.config', 'v3.config', 'v4.config', 'v5.config',
      'v1.vlan_tci', 'v3.vlan_tci', 'v2.vlan_id', 'v1.vlan_pcp', 'v2.native_vlan', 'v3.ethertype'],
  });
  handlerRun(t, {
    config: `${framesSource([udpFrame, tagged('0009')])} -> v :: VLANEncap(VLAN_ID 7) -> l :: EIPLog;`,
    writes: [
      ['v.vlan_id', '4096'], ['v.vlan_id', 'x'], ['v.vlan_id', ' 9 '], ['v.vlan_pcp', '8'], ['v.vlan_pcp', '-1'], ['v.vlan_pcp', '5'],
      ['v.native_vlan', '-2'], ['v.native_vlan', '9'], ['v.ethertype', '65536'], ['v.ethertype', '0x9100'],
      ['v.vlan_tci', 'abc'], ['v.vlan_tci', '65536'], ['v.vlan_tci', '99999999999999999999'], ['v.vlan_tci', '0x1234'],
    ],
    reads: ['v.config', 'v.vlan_tci', 'v.vlan_id', 'v.vlan_pcp', 'v.native_vlan', 'v.ethertype', 'l.log'],
  });
  handlerRun(t, {
    config: `${framesSource([tagged('a00b')])} -> VLANDecap -> v :: VLANEncap(VLAN_ID 7) -> l :: EIPLog;`,
    writes: [['v.vlan_tci', ' ANNOTATION '], ['v.native_vlan', '11']],
    reads: ['v.config', 'v.vlan_tci', 'l.log'],
  });
});

t.test('ARPResponder: answers, non-answers, malformed requests, VLAN annotation, most specific entry', async (t) => {
  const req = (tpa: string, o: { hrd?: boolean; pro?: boolean } = {}) => {
    const f = frames.arpRequest({ tpa, spa: '10.0.0.9', sha: '00:00:c0:aa:00:09' });
    if (o.hrd) f[15] = 6;
    if (o.pro) f[17] = 1;
    return f;
  };
  const reply = ether(arp({ op: 2, tpa: '10.0.0.1' }), { type: 0x0806 });
  const fs = [req('10.0.0.1'), req('10.0.0.2'), req('10.1.2.3'), req('192.0.2.77'), req('10.0.0.1', { hrd: true }), req('10.0.0.1', { pro: true }),
    reply, req('10.0.0.1').slice(0, 41), udpFrame, req('172.16.0.1')];
  const tags = fs.map((f) => Uint8Array.from([...f.subarray(0, 12), 0x81, 0, 0x20, 0x05, ...f.subarray(12)]));
  const entries = '10.0.0.1 00:00:c0:11:22:33, 10.0.0.0/8 10.0.0.0/255.255.255.0 00:00:c0:11:22:44, 192.0.2.0/24 00:00:c0:55:55:55, 10.0.0.1/32 00:00:c0:11:22:99';
  differential(t, {
    config: `${framesSource(fs, 'BURST 4')} -> a :: ARPResponder(${entries}) -> a0 :: EIPLog; a[1] -> a1 :: EIPLog;
      ${framesSource(tags)} -> VLANDecap -> b :: ARPResponder(172.16.0.0/12 10.0.0.0/31 02:00:00:00:00:01) -> b0 :: EIPLog;`,
    handlers: ['a0.log', 'a1.log', 'b0.log', 'a.table', 'b.table'],
  });
});

t.test('ARPResponder table handlers: add (ordering of nested and disjoint prefixes), remove, errors', async (t) => {
  handlerRun(t, {
    config: `${framesSource([frames.arpRequest({ tpa: '192.168.1.1' }), frames.arpRequest({ tpa: '10.9.9.9' })])}
      -> a :: ARPResponder(10.0.0.0/8 00:00:00:00:00:01, 192.168.0.0/16 00:00:00:00:00:02) -> l :: EIPLog; a[1] -> l2 :: EIPLog;`,
    writes: [
      ['a.add', '10.1.0.0/16 00:00:00:00:00:03'], ['a.add', '172.16.0.0/12 192.168.1.0/24 10.1.2.0/255.255.0.255 00:00:00:00:00:04'],
      ['a.add', '10.0.0.0/8 00:00:00:00:00:05'], ['a.add', '1.2.3.4'], ['a.add', '00:00:00:00:00:06'], ['a.add', '1.2.3.4 1:2:3:4:5:6 6:5:4:3:2:1'],
      ['a.add', '1.2.3.4 bogus 1:2:3:4:5:6'], ['a.add', '"9.9.9.9" /* comment */ \'1:2:3:4:5:7\''], ['a.add', ''],
      ['a.remove', '172.16.0.0/12'], ['a.remove', '172.16.0.0/12'], ['a.remove', '10.1.2.3/255.255.0.255'], ['a.remove', 'x'],
      ['a.remove', '9.9.9.9'], ['a.remove', '10.0.0.0 255.0.0.0'],
      ['a.add', '0/0 10/8 00:00:00:00:00:07'], ['a.remove', '10/8'], ['a.remove', '10/7'], ['a.remove', '10/16'],
    ],
    reads: ['a.table', 'l.log', 'l2.count', 'a.lookup 10.1.2.3', 'a.lookup 192.168.1.1', 'a.lookup 8.8.8.8', 'a.lookup x', 'a.lookup'],
  });
});

t.test('ARPResponder in a pull path answers what it pulls', async (t) => {
  differential(t, {
    config: `s :: InfiniteSource(${dataArg(frames.arpRequest({ tpa: '10.0.0.1' }))}, LIMIT 6, BURST 4, STOP true)
      -> a :: ARPResponder(10.0.0.1 1:2:3:4:5:6) -> d :: Discard(BURST 3); a[1] -> l :: EIPLog;`,
    handlers: ['d.count', 'l.count'],
  });
});

t.test('IP frames through a whole Ethernet path', async (t) => {
  const p = ether(ipv4(udp(new Uint8Array(3))));
  differential(t, {
    config: `${framesSource([p, p, p])} -> HostEtherFilter(00:00:c0:11:22:33) -> VLANEncap(VLAN_ID 12) -> VLANDecap -> EtherMirror
      -> EtherRewrite(02:00:00:00:00:01, 02:00:00:00:00:02) -> StoreEtherAddress(02:00:00:00:00:03, 6) -> l :: EIPLog;`,
    handlers: ['l.log'],
  });
});

t.test('SetVLANAnno: TCI or ID with PCP into the annotation, read by VLANEncap(ANNO); handlers', async (t) => {
  handlerRun(t, {
    config: `${framesSource([udpFrame, udpFrame])} -> s1 :: SetVLANAnno(2, 1) -> VLANEncap(ANNO, NATIVE_VLAN 1) -> a :: EIPLog;
      ${framesSource([udpFrame])} -> s2 :: SetVLANAnno(VLAN_ID 9, VLAN_PCP 7) -> VLANEncap(ANNO) -> b :: EIPLog;
      ${framesSource([udpFrame])} -> s3 :: SetVLANAnno -> VLANEncap(ANNO, NATIVE_VLAN -1) -> c :: EIPLog;`,
    writes: [
      ['s2.vlan_id', '4096'], ['s2.vlan_id', 'x'], ['s2.vlan_id', ' 10 '], ['s2.vlan_pcp', '8'], ['s2.vlan_pcp', '3'],
      ['s1.vlan_tci', '65536'], ['s1.vlan_tci', '0x1234'], ['s1.vlan_id', '5'],
    ],
    reads: ['a.log', 'b.log', 'c.log', 's1.config', 's1.vlan_tci', 's1.vlan_id', 's1.vlan_pcp', 's2.config', 's2.vlan_tci', 's3.config', 's3.vlan_tci'],
  });
});

// Ethernet/IP elements in the sanitizer build (-fsanitize=address,undefined):
// the paths that grow buffers, make packets, walk options or keep packets
// waiting, with malformed input, must run clean and print what the host
// engine prints.
import t from 'tap';
import { sanitizerRun } from './differential.js';
import { framesSource } from './ether-ip-harness.js';
import { arp, ether, frames, ipv4, udp } from '../util/packets.js';

const payload = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + 1) & 255);

t.test('fragmenter: big packets with options, more fragments than a batch, no headroom, DF, unreadable headers', async (t) => {
  const opts = [131, 7, 4, 1, 2, 3, 4, 7, 7, 4, 0, 0, 0, 0, 1, 0];
  const fs = [ipv4(udp(payload(9000)), { options: opts }), ipv4(udp(payload(1200)), { frag: 0x4000 }), ipv4(udp(payload(700)), { options: [0x83, 0, 0, 0] }),
    ipv4(udp(payload(700)), { totalLength: 3000 }), ipv4(udp(payload(700)), { hl: 15 }).slice(0, 30), ipv4(udp(payload(3000)), { frag: 0x2000 })];
  sanitizerRun(t, {
    config: `${framesSource(fs, 'BURST 3')} -> MarkIPHeader -> f :: IPFragmenter(68, HEADROOM 0) -> EtherEncap(0x0800, 1:2:3:4:5:6, 6:5:4:3:2:1) -> l :: EIPLog; f[1] -> l1 :: EIPLog;
      ${framesSource(fs)} -> MarkIPHeader -> f2 :: IPFragmenter(576, false) -> SetIPChecksum -> l2 :: EIPLog;`,
    handlers: ['l.log', 'l1.log', 'l2.log', 'f.fragments', 'f.drops', 'f2.fragments'],
  });
});

t.test('encapsulations that need more headroom than the buffer has', async (t) => {
  const fs = [new Uint8Array(0), payload(1), payload(1500), payload(2040)];
  sanitizerRun(t, {
    config: `${framesSource(fs, 'BURST 4')} -> UDPIPEncap(10.0.0.1, 1, 10.0.0.2, 2, true) -> IPEncap(4, 10.0.0.3, 10.0.0.4, DF true)
      -> EtherEncap(0x0800, 1:2:3:4:5:6, 6:5:4:3:2:1) -> VLANEncap(VLAN_ID 5) -> VLANEncap(VLAN_ID 6, ETHERTYPE 0x88a8)
      -> EtherEncap(0x88e7, 1:2:3:4:5:6, 6:5:4:3:2:1) -> EtherEncap(0x88e7, 1:2:3:4:5:6, 6:5:4:3:2:1) -> l :: EIPLog;`,
    handlers: ['l.log'],
  });
});

t.test('IP options: gateway options past the data, checks of malformed headers', async (t) => {
  const RR = [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const TS1 = [68, 12, 5, 0x01, 0, 0, 0, 0, 0, 0, 0, 0];
  const cut = (options: number[], keep: number) => ipv4(new Uint8Array(0), { options }).slice(0, keep);
  const fs = [cut(RR, 23), cut(TS1, 26), cut([...RR, ...TS1, ...RR, ...TS1], 60), ipv4(udp(payload(3)), { options: [...TS1, ...RR] }),
    ipv4(udp(payload(3)), { hl: 15 }), new Uint8Array(1)];
  sanitizerRun(t, {
    config: `${framesSource(fs, 'INTERVAL 10s, BURST 2')} -> MarkIPHeader -> g :: IPGWOptions(192.0.2.1) -> l :: EIPLog; g[1] -> l1 :: EIPLog;
      ${framesSource(fs)} -> c :: CheckIPHeader(VERBOSE true, DETAILS true) -> MarkIPHeader -> FixIPSrc(1.2.3.4) -> DecIPTTL -> l2 :: EIPLog; c[1] -> l3 :: EIPLog;`,
    handlers: ['l.log', 'l1.log', 'l2.log', 'l3.count', 'g.drops', 'c.drop_details'],
  });
});

t.test('ARP: replies made, packets waiting, expiring and slimmed, table growth past its first size', async (t) => {
  const ME = '00:00:c0:00:00:01';
  const ips = Array.from({ length: 300 }, (_, i) => ipv4(udp(Uint8Array.of(i & 255)), { dst: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
  const reply = (spa: string) => ether(arp({ op: 2, spa, sha: '00:00:c0:00:00:05', tpa: '10.0.0.1', tha: ME }), { type: 0x0806, dst: ME });
  sanitizerRun(t, {
    config: `${framesSource(ips, 'INTERVAL 20ms, BURST 7')} -> GetIPAddress(16) -> q :: ARPQuerier(10.0.0.1/16, ${ME}, TIMEOUT 1s, CAPACITY 100) -> l :: EIPLog;
      ${framesSource([reply('10.0.0.5'), reply('10.0.1.7'), reply('10.0.0.9')], 'INTERVAL 400ms')} -> [1]q; q[1] -> qs :: EIPLog;
      ${framesSource([frames.arpRequest({ tpa: '10.0.0.1' }), frames.arpRequest({ tpa: '10.0.0.1' }).slice(0, 41)], 'INTERVAL 1s, STOP true')}
      -> a :: ARPResponder(10.0.0.0/8 1:2:3:4:5:6) -> l2 :: EIPLog; a[1] -> l3 :: EIPLog;`,
    handlers: ['l.log', 'qs.count', 'q.table', 'q.stats', 'q.length', 'l2.log', 'l3.count'],
  });
});

t.test('every other Ethernet/IP element on runts and malformed headers', async (t) => {
  const good = frames.udp();
  const fs = [good, good.slice(0, 1), good.slice(0, 13), good.slice(0, 15), good.slice(0, 33), new Uint8Array(0), frames.tcp(), frames.arpRequest(),
    ether(ipv4(udp(payload(2)), { hl: 15 })), ether(ipv4(udp(payload(2)), { totalLength: 9 }))];
  sanitizerRun(t, {
    config: `${framesSource(fs, 'BURST 10')} -> h :: HostEtherFilter(00:00:c0:11:22:33, DROP_OTHER false) -> DropBroadcasts -> EtherMirror
      -> StoreEtherAddress(1:2:3:4:5:6, 6) -> VLANEncap(VLAN_ID 3) -> VLANDecap -> EtherRewrite(1:1:1:1:1:1, 2:2:2:2:2:2)
      -> MarkIPHeader(14) -> GetIPAddress(IP dst) -> GetIPAddress(30, ANNO 40) -> StoreIPAddress(dst) -> SetIPAddress(10.9.9.9)
      -> StoreIPAddress(20) -> SetIPDSCP(5) -> SetIPChecksum -> l :: EIPLog; h[1] -> l1 :: EIPLog;`,
    handlers: ['l.log', 'l1.count', 'h.ether'],
  });
});

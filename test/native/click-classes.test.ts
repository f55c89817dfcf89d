// Classes added for Click's regression tests (issue 12), in both engines:
// every packet out (EIPLog lines: data, annotations, header offsets),
// drops, handler values.
import t from 'tap';
import { differential } from './differential.js';
import { framesSource } from './ether-ip-harness.js';
import { frames, hex } from '../util/packets.js';

const udpFrame = frames.udp();
const tagged = (tci: string) => hex(`0000c0112233 0000c0aa0001 8100 ${tci} 0800 4500`);

t.test('EtherVLANEncap and StripEtherVLANHeader: TCI, ANNO, NATIVE_VLAN, output 1, runts', async (t) => {
  const fs = [udpFrame, tagged('2005'), tagged('0001'), udpFrame.slice(0, 13), tagged('0003').slice(0, 17), new Uint8Array(0)];
  differential(t, {
    config: `${framesSource(fs, 'BURST 6')} -> s1 :: StripEtherVLANHeader -> a :: EIPLog;
      ${framesSource(fs)} -> s2 :: StripEtherVLANHeader(-1) -> b :: EIPLog; s2[1] -> b1 :: EIPLog;
      ${framesSource(fs)} -> StripEtherVLANHeader(5) -> v1 :: EtherVLANEncap(0x0800, 1:1:1:1:1:1, 2:2:2:2:2:2, ANNO, NATIVE_VLAN 5) -> c :: EIPLog;
      ${framesSource(fs)} -> v2 :: EtherVLANEncap(0x86dd, 1:2:3:4:5:6, 6:5:4:3:2:1, 7, 3) -> d :: EIPLog;
      ${framesSource(fs)} -> v3 :: EtherVLANEncap(2048, 1:2:3:4:5:6, 6:5:4:3:2:1, VLAN_ID 0, NATIVE_VLAN -1) -> e :: EIPLog;`,
    handlers: ['a.log', 'b.log', 'b1.log', 'c.log', 'd.log', 'e.log', 'v1.config', 'v2.config', 'v3.config', 'v2.vlan_tci', 'v1.vlan_tci', 'v3.native_vlan', 'v2.src', 'v2.ethertype'],
  });
});

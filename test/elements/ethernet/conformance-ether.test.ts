// Conformance cases that exercise the Ethernet elements (07, 08, 15) and the
// IP router of case 18, fed frame by frame through element harnesses and
// compared byte for byte with what Click wrote.
import t from 'tap';
import { spec as ARPResponder } from '../../../elements/ethernet/arp-responder.js';
import { spec as EtherEncap } from '../../../elements/ethernet/ether-encap.js';
import { spec as VLANDecap } from '../../../elements/ethernet/vlan-decap.js';
import { spec as VLANEncap } from '../../../elements/ethernet/vlan-encap.js';
import { spec as CheckIPHeader } from '../../../elements/ip/check-ip-header.js';
import { spec as DecIPTTL } from '../../../elements/ip/dec-ip-ttl.js';
import { spec as DropBroadcasts } from '../../../elements/ip/drop-broadcasts.js';
import { spec as FixIPSrc } from '../../../elements/ip/fix-ip-src.js';
import { spec as GetIPAddress } from '../../../elements/ip/get-ip-address.js';
import { spec as IPFragmenter } from '../../../elements/ip/ip-fragmenter.js';
import { spec as IPGWOptions } from '../../../elements/ip/ip-gw-options.js';
import { spec as StaticIPLookup } from '../../../elements/routing/static-ip-lookup.js';
import type { HostElement } from '../../../host-engine/element.js';
import type { Packet } from '../../../host-engine/packet.js';
import { harness, type Harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { caseFrames, expectedHandler } from '../../util/conformance-cases.js';
import { chain, hasEtherType, packet, step } from '../../util/upstream-elements.js';

t.test('07: EtherEncap replaces the Ethernet header of IPv4 frames', async (t) => {
  const C = '07-ether-encap';
  const encap = harness(EtherEncap, '0x0800, 02:00:00:00:00:01, 02:00:00:00:00:02');
  const out = caseFrames(C, 'in.pcap').filter((f) => hasEtherType(f, 0x0800)).flatMap((f) => chain([encap], packet(f, true)));
  t.same(out.map((p) => toHex(p.data)), caseFrames(C, 'expected/out.pcap').map(toHex));
});

t.test('08: ARPResponder answers requests for its two addresses', async (t) => {
  const C = '08-arp-responder';
  const arp = harness(ARPResponder, '10.0.0.1 00:00:c0:11:22:33, 192.0.2.1/32 00:00:c0:11:22:44');
  const out: string[] = [];
  let rest = 0;
  for (const f of caseFrames(C, 'in.pcap')) {
    // Classifier(12/0806 20/0001, -)
    if (f.length >= 22 && hasEtherType(f, 0x0806) && f[20] === 0 && f[21] === 1) {
      for (const p of step(arp, packet(f))[0]!) out.push(toHex(p.data));
    } else rest++;
  }
  t.equal(String(rest), expectedHandler(C, 'rest.count'));
  t.same(out, caseFrames(C, 'expected/out.pcap').map(toHex));
  const s = arp.element.stats;
  t.equal(s.in + s.created, s.out + s.dropped + s.consumed, 'requests consumed or dropped, replies created');
});

t.test('15: VLANDecap strips tags and VLANEncap adds VLAN 7 priority 3', async (t) => {
  const C = '15-vlan';
  const decap = harness(VLANDecap);
  const encap = harness(VLANEncap, 'VLAN_ID 7, VLAN_PCP 3');
  const untagged: string[] = [];
  const tagged: string[] = [];
  for (const f of caseFrames(C, 'in.pcap')) {
    if (hasEtherType(f, 0x8100)) chain([decap], packet(f)).forEach((p) => untagged.push(toHex(p.data)));
    else if (hasEtherType(f, 0x0800)) chain([encap], packet(f)).forEach((p) => tagged.push(toHex(p.data)));
  }
  t.equal(String(untagged.length), expectedHandler(C, 'tagged.count'));
  t.same(untagged, caseFrames(C, 'expected/untagged.pcap').map(toHex));
  t.same(tagged, caseFrames(C, 'expected/tagged.pcap').map(toHex));
});

t.test('18: the IP router path (DropBroadcasts, IPGWOptions, FixIPSrc, DecIPTTL, IPFragmenter, EtherEncap)', async (t) => {
  const C = '18-ip-router';
  const front = [harness(CheckIPHeader, '', { name: 'CheckIPHeader@4' }), harness(GetIPAddress, '16')];
  const rt = harness(StaticIPLookup, '10.0.0.0/24 0, 192.0.2.0/24 1, 0.0.0.0/0 192.0.2.254 1', { outputs: ['push', 'push'] });
  const two = ['push', 'push'] as const;
  const path = (addr: string, mtu: number, src: string, dst: string) => ({
    drop: harness(DropBroadcasts),
    gw: harness(IPGWOptions, addr, { outputs: [...two] }),
    fix: harness(FixIPSrc, addr),
    ttl: harness(DecIPTTL, '', { outputs: [...two] }),
    frag: harness(IPFragmenter, String(mtu), { outputs: [...two] }),
    encap: harness(EtherEncap, `0x0800, ${src}, ${dst}`),
  });
  const paths = [path('10.0.0.1', 1500, '00:00:c0:11:22:33', '00:00:c0:aa:00:01'), path('192.0.2.1', 576, '00:00:c0:11:22:44', '00:00:c0:bb:00:02')];
  const outs: string[][] = [[], []];
  for (const f of caseFrames(C, 'in.pcap')) {
    if (!hasEtherType(f, 0x0800)) continue;
    for (const p of chain(front, packet(f, true))) {
      step(rt, p).forEach((ps, port) => {
        const x = paths[port]!;
        const stages = [x.drop, x.gw, x.fix, x.ttl, x.frag, x.encap] as Harness<HostElement>[];
        ps.forEach((q: Packet) => chain(stages, q).forEach((r) => outs[port]!.push(toHex(r.data))));
      });
    }
  }
  t.same(outs[0], caseFrames(C, 'expected/if0.pcap').map(toHex), 'if0');
  t.same(outs[1], caseFrames(C, 'expected/if1.pcap').map(toHex), 'if1');
  const expired = paths.reduce((n, x) => n + x.ttl.outputs[1]!.length, 0);
  // ICMPError (not exercised here) answers some of the expired packets.
  t.ok(expired >= caseFrames(C, 'expected/icmp.pcap').length, 'every ICMP error has an expired packet behind it');
});

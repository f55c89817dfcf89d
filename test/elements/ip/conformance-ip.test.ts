// Conformance cases that exercise the IP header elements, fed frame by frame
// through element harnesses and compared byte for byte with what Click wrote.
import t from 'tap';
import { spec as CheckIPHeader, type CheckIPHeaderElement } from '../../../elements/ip/check-ip-header.js';
import { spec as DecIPTTL, type DecIPTTLElement } from '../../../elements/ip/dec-ip-ttl.js';
import { spec as GetIPAddress } from '../../../elements/ip/get-ip-address.js';
import { spec as IPFragmenter } from '../../../elements/ip/ip-fragmenter.js';
import { spec as SetIPAddress } from '../../../elements/ip/set-ip-address.js';
import { spec as SetIPChecksum } from '../../../elements/ip/set-ip-checksum.js';
import { spec as SetIPDSCP } from '../../../elements/ip/set-ip-dscp.js';
import { spec as StoreIPAddress } from '../../../elements/ip/store-ip-address.js';
import { spec as UDPIPEncap } from '../../../elements/ip/udp-ip-encap.js';
import { spec as EtherEncap } from '../../../elements/ethernet/ether-encap.js';
import { spec as SetUDPChecksum } from '../../../elements/tcpudp/set-udp-checksum.js';
import { spec as RadixIPLookup } from '../../../elements/routing/radix-ip-lookup.js';
import { harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { caseFrames, caseText, expectedHandler } from '../../util/conformance-cases.js';
import { chain, hasEtherType, packet, step, unstrip } from '../../util/upstream-elements.js';

t.test('02: CheckIPHeader splits good and bad packets exactly as Click', async (t) => {
  const C = '02-check-ip-header';
  const chk = harness<CheckIPHeaderElement>(CheckIPHeader, '', { name: 'chk', outputs: ['push', 'push'] });
  const good: Uint8Array[] = [];
  const bad: { bytes: Uint8Array; unknown: number }[] = [];
  for (const f of caseFrames(C, 'in.pcap')) {
    const [ok, ko] = step(chk, packet(f, true));
    for (const p of ok!) good.push(unstrip(p));
    // Unstrip of a frame shorter than 14 bytes exposes bytes Click never initialised.
    for (const p of ko!) bad.push({ bytes: unstrip(p), unknown: 14 - Math.min(14, f.length) });
  }
  t.equal(String(good.length), expectedHandler(C, 'good.count'));
  t.equal(String(bad.length), expectedHandler(C, 'bad.count'));
  t.equal(chk.read('drops'), expectedHandler(C, 'chk.drops'));
  t.same(good.map(toHex), caseFrames(C, 'expected/out.pcap').map(toHex), 'good packets');
  const expectedBad = caseFrames(C, 'expected/bad.pcap');
  t.equal(bad.length, expectedBad.length);
  bad.forEach((b, i) => {
    t.equal(b.bytes.length, expectedBad[i]!.length, `bad packet ${i} length`);
    t.equal(toHex(b.bytes.subarray(b.unknown)), toHex(expectedBad[i]!.subarray(b.unknown)), `bad packet ${i}`);
  });
  t.same(chk.stderr, ['chk: IP header check failed: bad IP version'], 'one message, for the first bad packet');
});

t.test('06: DecIPTTL decrements with incremental checksums and diverts 52 expired packets', async (t) => {
  const C = '06-ttl-icmp-error';
  const chk = harness(CheckIPHeader, '', { name: 'CheckIPHeader@4' });
  const ttl = harness<DecIPTTLElement>(DecIPTTL, '', { name: 'ttl', outputs: ['push', 'push'] });
  const out: string[] = [];
  let expired = 0;
  for (const f of caseFrames(C, 'in.pcap')) {
    if (!hasEtherType(f, 0x0800)) continue;
    for (const p of chain([chk], packet(f, true))) {
      const [live, dead] = step(ttl, p);
      for (const q of live!) out.push(toHex(unstrip(q)));
      expired += dead!.length;
    }
  }
  t.equal(String(expired), expectedHandler(C, 'expired.count'));
  t.equal(ttl.read('drops'), String(expired));
  t.same(out, caseFrames(C, 'expected/out.pcap').map(toHex));
  t.same(chk.stderr, ['CheckIPHeader@4: IP header check failed: bad IP checksum']);
});

t.test('09: GetIPAddress(16) feeds the route lookup the destination address', async (t) => {
  const C = '09-route-lookup';
  const chk = harness(CheckIPHeader);
  const get = harness(GetIPAddress, '16');
  const rt = harness(RadixIPLookup, '10.0.0.0/24 0, 10.0.0.8/29 1, 192.0.2.0/24 10.0.0.254 2, 0.0.0.0/0 192.0.2.254 3', {
    outputs: ['push', 'push', 'push', 'push'],
  });
  const outs: string[][] = [[], [], [], []];
  for (const f of caseFrames(C, 'in.pcap')) {
    if (!hasEtherType(f, 0x0800)) continue;
    for (const p of chain([chk, get], packet(f, true))) {
      step(rt, p).forEach((ps, port) => ps.forEach((q) => outs[port]!.push(toHex(unstrip(q)))));
    }
  }
  ['if0', 'if1', 'if2', 'default'].forEach((name, port) => {
    t.same(outs[port], caseFrames(C, `expected/${name}.pcap`).map(toHex), name);
  });
});

t.test('13: IPFragmenter(576) fragments byte-exactly and reports DF packets as Click', async (t) => {
  const C = '13-ip-fragmenter';
  const chk = harness(CheckIPHeader, '', { name: 'CheckIPHeader@4' });
  const frag = harness(IPFragmenter, '576', { name: 'frag', outputs: ['push', 'push'] });
  const out: string[] = [];
  let toobig = 0;
  for (const f of caseFrames(C, 'in.pcap')) {
    if (!hasEtherType(f, 0x0800)) continue;
    for (const p of chain([chk], packet(f, true))) {
      const [ok, big] = step(frag, p);
      for (const q of ok!) out.push(toHex(unstrip(q)));
      toobig += big!.length;
    }
  }
  t.equal(String(toobig), expectedHandler(C, 'toobig.count'));
  t.equal(frag.read('fragments'), expectedHandler(C, 'frag.fragments'));
  t.equal(frag.read('drops'), String(toobig));
  t.same(out, caseFrames(C, 'expected/out.pcap').map(toHex));
  const dfLines = caseText(C, 'expected/stderr.txt').split('\n').filter((l) => l.startsWith('IPFragmenter'));
  t.same(frag.stderr, dfLines, 'the first five DF packets are reported');
  const s = frag.element.stats;
  t.equal(s.in + s.created, s.out + s.dropped, 'every fragment accounted for');
});

t.test('14: SetIPDSCP, SetIPAddress, StoreIPAddress and SetIPChecksum on UDP packets', async (t) => {
  const C = '14-dscp-checksum';
  const chk = harness(CheckIPHeader, '', { name: 'CheckIPHeader@4' });
  const udpChain = [
    harness(SetIPDSCP, '46'),
    harness(SetIPAddress, '198.51.100.77'),
    harness(StoreIPAddress, '16'),
    harness(SetUDPChecksum, '', { name: 'SetUDPChecksum@12' }),
    harness(SetIPChecksum),
  ];
  const out: string[] = [];
  for (const f of caseFrames(C, 'in.pcap')) {
    if (!hasEtherType(f, 0x0800)) continue;
    for (const p of chain([chk], packet(f, true))) {
      // IPClassifier(udp, -)
      const isUDP = p.data[9] === 17;
      for (const q of isUDP ? chain(udpChain, p) : [p]) out.push(toHex(unstrip(q)));
    }
  }
  t.same(out, caseFrames(C, 'expected/out.pcap').map(toHex));
  t.same(chk.stderr, ['CheckIPHeader@4: IP header check failed: tiny packet']);
});

t.test('21: UDPIPEncap and EtherEncap tunnel IPv4 packets byte-exactly', async (t) => {
  const C = '21-udp-ip-encap';
  const stages = [
    harness(CheckIPHeader),
    harness(UDPIPEncap, '198.51.100.1, 4789, 198.51.100.2, 4789'),
    harness(EtherEncap, '0x0800, 02:00:00:00:00:01, 02:00:00:00:00:02'),
  ];
  const out: string[] = [];
  for (const f of caseFrames(C, 'in.pcap')) {
    if (!hasEtherType(f, 0x0800)) continue;
    for (const p of chain(stages, packet(f, true))) out.push(toHex(p.data));
  }
  t.same(out, caseFrames(C, 'expected/out.pcap').map(toHex));
});

// Conformance cases 06 (DecIPTTL + ICMPError), 16 (ICMPPingResponder) and
// 18 (StaticIPLookup + ICMPError in an IP router), run through the elements
// under test with the simple upstream elements emulated.
import t from 'tap';
import { spec as icmpError } from '../../../elements/icmp/icmp-error.js';
import { spec as pingResponder } from '../../../elements/icmp/icmp-ping-responder.js';
import { spec as staticLookup } from '../../../elements/routing/static-ip-lookup.js';
import type { Packet } from '../../../host-engine/packet.js';
import { harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { caseFrames, caseText } from '../../util/conformance-cases.js';
import { checkedIPPackets, decIPTTL, setIPChecksum, unstrip } from '../../util/upstream-elements.js';

/** EtherEncap(0x0800, 00:00:c0:11:22:33, 00:00:c0:aa:00:01) as the cases configure it. */
function etherEncap(p: Packet, src = [0, 0, 0xc0, 0x11, 0x22, 0x33], dst = [0, 0, 0xc0, 0xaa, 0, 1]): string {
  p.push(14);
  const d = p.writable();
  d.set([...dst, ...src, 0x08, 0x00], 0);
  return toHex(d);
}

t.test('case 06: out.pcap, icmp.pcap and expired.count match Click', async (t) => {
  const CASE = '06-ttl-icmp-error';
  const err = harness(icmpError, '192.0.2.254, timeexceeded');
  const out: string[] = [];
  let expired = 0;
  for (const p of checkedIPPackets(caseFrames(CASE, 'in.pcap'))) {
    if (decIPTTL(p)) {
      expired++;
      err.push(0, p);
    } else out.push(toHex(unstrip(p)));
  }
  t.same(out, caseFrames(CASE, 'expected/out.pcap').map(toHex), 'out.pcap');
  const icmp = err.outputs[0]!.map((q) => etherEncap(q));
  const expected = caseFrames(CASE, 'expected/icmp.pcap').map(toHex);
  t.equal(icmp.length, expected.length, 'icmp.pcap packet count');
  t.same(icmp, expected, 'icmp.pcap bytes');
  t.equal(String(expired), caseText(CASE, 'expected/stdout.txt').trim(), 'expired.count');
});

t.test('case 16: echo replies and rest.count match Click', async (t) => {
  const CASE = '16-ping-responder';
  const h = harness(pingResponder);
  let rest = 0;
  for (const p of checkedIPPackets(caseFrames(CASE, 'in.pcap'))) {
    // IPClassifier(icmp type echo, -): ICMP, first fragment, type byte present and 8.
    const d = p.data;
    const hl = (d[0]! & 15) << 2;
    const firstFrag = (((d[6]! << 8) | d[7]!) & 0x1fff) === 0;
    if (d[9] === 1 && firstFrag && d.length > hl && d[hl] === 8) h.push(0, p);
    else rest++;
  }
  const expected = caseFrames(CASE, 'expected/out.pcap').map(toHex);
  const got = h.outputs[0]!.map((q) => etherEncap(q));
  t.equal(got.length, expected.length, 'packet count');
  t.same(got, expected, 'bytes');
  t.equal(String(rest), caseText(CASE, 'expected/stdout.txt').trim(), 'rest.count');
});

/** IPGWOptions for Record Route options, the only options in case 18 (other options are left alone). */
function recordRoute(p: Packet, addr: number[]): void {
  const d = p.writable();
  const hlen = (d[0]! & 15) << 2;
  let changed = false;
  for (let oi = 20; oi < hlen; ) {
    const type = d[oi]!;
    if (type === 1) {
      oi++;
      continue;
    }
    if (type === 0) break;
    const xlen = d[oi + 1]!;
    if (type === 7) {
      const ptr = d[oi + 2]! - 1;
      if (ptr >= 3 && ptr + 4 <= xlen) {
        d.set(addr, oi + ptr);
        d[oi + 2]! += 4;
        changed = true;
      }
    }
    oi += xlen;
  }
  if (changed) setIPChecksum(d);
}

t.test('case 18: routes per output and icmp.pcap match Click', async (t) => {
  const CASE = '18-ip-router';
  const rt = harness(staticLookup, '10.0.0.0/24 0, 192.0.2.0/24 1, 0.0.0.0/0 192.0.2.254 1', { outputs: ['push', 'push'] });
  const err = harness(icmpError, '10.0.0.1, timeexceeded');
  rt.push(0, ...checkedIPPackets(caseFrames(CASE, 'in.pcap')));
  t.equal(rt.outputs[1]!.filter((p) => p.dstIP === 0xc000_02fe).length > 0, true, 'default route sets the gateway annotation');

  const key = (d: Uint8Array) => toHex(d.subarray(12, 20)) + toHex(d.subarray(4, 6));
  const forwarded: string[][] = [[], []];
  // Both interfaces' DecIPTTL feed one ICMPError; the router handles packets in input order.
  const all = [0, 1].flatMap((port) => rt.outputs[port]!.map((p) => ({ p, port })));
  const order = checkedIPPackets(caseFrames(CASE, 'in.pcap')).map((p) => key(p.data));
  all.sort((x, y) => order.indexOf(key(x.p.data)) - order.indexOf(key(y.p.data)));
  for (const { p, port } of all) {
    recordRoute(p, port === 0 ? [10, 0, 0, 1] : [192, 0, 2, 1]);
    if (decIPTTL(p)) err.push(0, p);
    else forwarded[port]!.push(key(p.data));
  }
  ['if0', 'if1'].forEach((name, port) => {
    // Compare flows by addresses and IP ID; IPFragmenter may split a packet into several frames.
    const seen: string[] = [];
    for (const f of caseFrames(CASE, `expected/${name}.pcap`)) {
      const k = key(f.subarray(14));
      if (seen[seen.length - 1] !== k) seen.push(k);
    }
    t.same(forwarded[port], seen, `${name}: the packets routed there, in order`);
  });
  const expected = caseFrames(CASE, 'expected/icmp.pcap').map(toHex);
  const icmp = err.outputs[0]!.map((q) => etherEncap(q));
  t.equal(icmp.length, expected.length, 'icmp.pcap packet count');
  t.same(icmp, expected, 'icmp.pcap bytes');
});

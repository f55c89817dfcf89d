// The classification elements on the traffic of Click's conformance cases:
// every output must receive exactly the packets Click's did (byte for byte),
// and the counts Click printed must come out. Cases whose classifier feeds
// other elements (NAT, DSCP marking, ping answers) are checked through what
// those elements leave recognisable.

import t, { type Test } from 'tap';
import { spec as Classifier } from '../../../elements/classification/classifier.js';
import { spec as IPClassifier } from '../../../elements/classification/ip-classifier.js';
import { spec as IPFilter } from '../../../elements/classification/ip-filter.js';
import type { AnyElementSpec } from '../../../elements/spec.js';
import type { Packet } from '../../../host-engine/packet.js';
import { harness } from '../../util/element-harness.js';
import { toHex } from '../../util/packets.js';
import { expectedFrames, expectedStdout, inputFrames, preparedInputs, unstripped } from './conformance-util.js';
import { Packet as HostPacket } from '../../../host-engine/packet.js';

function run(spec: AnyElementSpec, config: string, noutputs: number, packets: Packet[]) {
  const h = harness(spec, config, { outputs: Array.from({ length: noutputs }, () => 'push' as const) });
  for (const p of packets) h.push(0, p);
  return h;
}

function sameFrames(t: Test, got: Uint8Array[], want: Uint8Array[], what: string) {
  t.equal(got.length, want.length, `${what}: packet count`);
  const n = Math.min(got.length, want.length);
  for (let i = 0; i < n; i++) {
    if (toHex(got[i]!) !== toHex(want[i]!)) {
      t.fail(`${what}: packet ${i} differs`, { got: toHex(got[i]!), want: toHex(want[i]!) });
      return;
    }
  }
  t.pass(`${what}: every packet identical`);
}

const be16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const be32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

t.test('03: Classifier by Ethernet type and ARP opcode', async (t) => {
  const c = '03-classifier-ethertype';
  const frames = inputFrames(c);
  const h = run(Classifier, '12/0806 20/0001, 12/0806 20/0002, 12/0800, 12/86dd, 12/8100, -', 6, frames.map((f) => HostPacket.make(f)));
  const files = ['arp-req.pcap', 'arp-reply.pcap', 'ipv4.pcap', 'ipv6.pcap', 'vlan.pcap', 'other.pcap'];
  files.forEach((f, i) => sameFrames(t, h.outputs[i]!.map((p) => p.data), expectedFrames(c, f), f));
  t.equal(expectedStdout(c), 'ip.count:\n240\n\nother.count:\n5\n\n');
  t.equal(h.outputs[2]!.length, 240);
  t.equal(h.outputs[5]!.length, 5);
  t.equal(h.element.stats.dropped, 0, 'the last pattern catches everything');
});

t.test('04: IPClassifier by protocol and port', async (t) => {
  const c = '04-ip-classifier';
  const inputs = preparedInputs(c);
  const h = run(IPClassifier, 'tcp syn && not ack, tcp dst port 80 or tcp dst port 443, udp dst port 53, icmp type echo, udp, -', 6, inputs.map((x) => x.packet));
  const files = ['syn.pcap', 'web.pcap', 'dns.pcap', 'ping.pcap', 'udp.pcap', 'rest.pcap'];
  files.forEach((f, i) => sameFrames(t, h.outputs[i]!.map(unstripped), expectedFrames(c, f), f));
  t.equal(String(h.outputs[5]!.length), expectedStdout(c).trim(), 'rest.count');
});

t.test('05: IPFilter firewall', async (t) => {
  const c = '05-ip-filter-firewall';
  const inputs = preparedInputs(c);
  const config = `deny src net 10.0.0.0/8 && dst host 203.0.113.9,
       allow udp && dst port 53,
       allow tcp && (dst port 80 || dst port 443) && tcp opt syn,
       allow icmp type echo,
       allow dst net 10.0.0.0/24 && tcp && not tcp opt syn,
       deny all`;
  const h = run(IPFilter, config, 1, inputs.map((x) => x.packet));
  sameFrames(t, h.outputs[0]!.map(unstripped), expectedFrames(c, 'out.pcap'), 'out.pcap');
  t.equal(String(h.outputs[0]!.length), expectedStdout(c).trim(), 'passed.count');
  t.equal(h.element.stats.dropped, inputs.length - h.outputs[0]!.length, 'every other packet dropped and counted');
});

t.test('10: IPClassifier splitting NAT directions', async (t) => {
  const c = '10-nat-rewriter';
  const inputs = preparedInputs(c);
  const h = run(IPClassifier, 'src net 10.0.0.0/24 && (tcp || udp), dst host 192.0.2.1 && (tcp || udp), -', 3, inputs.map((x) => x.packet));
  // Outbound packets all leave rewritten: same IP ID, destination and payload, source now 192.0.2.1.
  const out = expectedFrames(c, 'out.pcap');
  const outbound = h.outputs[0]!.map(unstripped);
  t.equal(outbound.length, out.length, 'every outbound packet is rewritten once');
  let ok = true;
  outbound.forEach((f, i) => {
    const g = out[i]!;
    if (f.length !== g.length || be16(f, 18) !== be16(g, 18) || be32(f, 30) !== be32(g, 30) || be32(g, 26) !== 0xc0000201) ok = false;
  });
  t.ok(ok, 'out.pcap matches output 0 packet for packet');
  // Replies Click mapped back are a subsequence of output 1 (source and IP ID unchanged).
  const back = expectedFrames(c, 'back.pcap');
  const inbound = h.outputs[1]!.map(unstripped);
  let j = 0;
  for (const f of inbound) if (j < back.length && f.length === back[j]!.length && be16(f, 18) === be16(back[j]!, 18) && be32(f, 26) === be32(back[j]!, 26)) j++;
  t.equal(j, back.length, 'back.pcap is drawn from output 1 in order');
  t.ok(inbound.every((f) => be32(f, 30) === 0xc0000201), 'output 1 holds packets to 192.0.2.1');
});

t.test('14: IPClassifier(udp, -) in front of DSCP marking', async (t) => {
  const c = '14-dscp-checksum';
  const inputs = preparedInputs(c);
  const h = harness(IPClassifier, 'udp, -', { outputs: ['push', 'push'] });
  const out = expectedFrames(c, 'out.pcap');
  // Feed one packet at a time to follow the merge of both branches into out.pcap.
  let j = 0;
  let marked = 0;
  let failures = 0;
  let notUdp = 0;
  for (const x of inputs) {
    const before = [h.outputs[0]!.length, h.outputs[1]!.length];
    h.push(0, x.packet);
    const frame = unstripped(x.packet);
    if (h.outputs[1]!.length > before[1]!) {
      if (toHex(out[j] ?? new Uint8Array()) !== toHex(frame)) failures++;
      j++;
    } else if (h.outputs[0]!.length > before[0]!) {
      if (frame[23] !== 17) notUdp++;
      const g = out[j];
      // SetUDPChecksum drops fragments and short packets; the rest come out marked.
      if (g && g.length === frame.length && be16(g, 18) === be16(frame, 18) && g[15]! >> 2 === 46 && be32(g, 30) === 0xc633644d) {
        marked++;
        j++;
      }
    }
  }
  t.equal(notUdp, 0, 'output 0 holds UDP packets only');
  t.equal(failures, 0, 'unmarked packets are byte-identical and in place');
  t.equal(j, out.length, 'out.pcap is exactly both branches merged');
  t.ok(marked > 0, 'some UDP packets were marked');
});

t.test('16: IPClassifier(icmp type echo, -) in front of a ping responder', async (t) => {
  const c = '16-ping-responder';
  const inputs = preparedInputs(c);
  const h = run(IPClassifier, 'icmp type echo, -', 2, inputs.map((x) => x.packet));
  t.equal(String(h.outputs[1]!.length), expectedStdout(c).trim(), 'rest.count');
  const replies = expectedFrames(c, 'out.pcap');
  const requests = h.outputs[0]!.map(unstripped);
  let j = 0;
  for (const q of requests) {
    const r = replies[j];
    // A reply swaps the addresses and keeps the ICMP identifier and sequence number.
    const hl = (q[14]! & 15) * 4;
    if (r && be32(r, 26) === be32(q, 30) && be32(r, 30) === be32(q, 26) && be32(r, 14 + hl + 4) === be32(q, 14 + hl + 4)) j++;
  }
  t.equal(j, replies.length, 'every reply answers an echo request of output 0, in order');
  t.ok(requests.every((q) => q[23] === 1 && q[14 + (q[14]! & 15) * 4] === 8), 'output 0 holds ICMP echo requests');
});

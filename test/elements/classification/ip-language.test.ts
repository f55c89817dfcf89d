// The IPClassifier/IPFilter pattern language, feature by feature, on packets
// prepared as CheckIPHeader would pass them.

import t from 'tap';
import { spec as IPClassifier } from '../../../elements/classification/ip-classifier.js';
import { splitArgs } from '../../../config-lang/args/split.js';
import { harness } from '../../util/element-harness.js';
import { ether, frames, icmp, ipv4, tcp, udp } from '../../util/packets.js';
import { checkIPHeader } from './conformance-util.js';

/** Output of IPClassifier(patterns) for a frame (-1: dropped). */
function classify(patterns: string, frame: Uint8Array): number {
  const n = splitArgs(patterns).length;
  const h = harness(IPClassifier, patterns, { outputs: Array.from({ length: n }, () => 'push' as const) });
  const p = checkIPHeader(frame);
  if (!p) throw new Error('test frame fails CheckIPHeader');
  h.push(0, p);
  return h.outputs.findIndex((o) => o.length > 0);
}

function matches(pattern: string, frame: Uint8Array): boolean {
  return classify(`${pattern}, -`, frame) === 0;
}

const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;
const RST = 0x04;
const PSH = 0x08;
const URG = 0x20;

const web = frames.tcp({ src: '10.0.0.5', dst: '192.0.2.80', sport: 40000, dport: 80, flags: SYN, ttl: 64, tos: 0xb8, id: 0x1234 });
const webAck = frames.tcp({ src: '192.0.2.80', dst: '10.0.0.5', sport: 80, dport: 40000, flags: ACK | PSH, ttl: 5 });
const dns = frames.udp({ src: '10.0.0.7', dst: '198.51.100.53', sport: 5353, dport: 53, ttl: 1, tos: 0x03 });
const ping = frames.icmpEcho({ src: '10.0.0.9', dst: '10.0.0.1' });
const unreach = ether(ipv4(icmp(3, 1, new Uint8Array(4), new Uint8Array(28)), { proto: 1, src: '192.0.2.1', dst: '10.0.0.9' }));
const gre = ether(ipv4(new Uint8Array(8), { proto: 47, src: '10.1.2.3', dst: '10.4.5.6' }));

t.test('protocols', async (t) => {
  const cases: [string, Uint8Array, boolean][] = [
    ['tcp', web, true], ['tcp', dns, false], ['udp', dns, true], ['icmp', ping, true], ['icmp', web, false],
    ['ip proto tcp', web, true], ['ip proto 6', web, true], ['ip proto 17', web, false], ['ip proto 47', gre, true],
    ['ip proto != 6', web, false], ['ip proto != 6', dns, true], ['proto udp', dns, true], ['gre', gre, true],
    ['tcpudp', dns, true], ['tcpudp', ping, false], ['ip proto > 10', dns, true], ['ip proto > 10', web, false],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
});

t.test('hosts and nets', async (t) => {
  const cases: [string, Uint8Array, boolean][] = [
    ['host 10.0.0.5', web, true], ['host 10.0.0.5', webAck, true], ['src host 10.0.0.5', web, true],
    ['src host 10.0.0.5', webAck, false], ['dst host 10.0.0.5', webAck, true], ['src or dst host 10.0.0.5', webAck, true],
    ['src and dst host 10.0.0.5', web, false], ['src and dst host 10.0.0.9', ping, false],
    ['host != 10.0.0.5', web, false], ['host != 10.0.0.6', web, true], ['src host == 10.0.0.5', web, true],
    ['net 10.0.0.0/8', web, true], ['dst net 192.0.2.0/24', web, true], ['dst net 192.0.2.0/25', web, true],
    ['dst net 192.0.2.128/25', web, false], ['src net 10.0.0.0 mask 255.255.255.0', web, true],
    ['10.0.0.0/24', dns, true], ['src 10.0.0.0/24', gre, false], ['dst net 198.51.100.53', dns, true],
    ['src and dst net 10.0.0.0/8', gre, true], ['src and dst net 10.0.0.0/8', web, false],
    ['host & 255.255.255.0 10.0.0.5', ping, true], ['src net & 255.0.0.0 10.1.1.1', ping, true], ['10.0.0.9', ping, true], ['src host 10.0.0.1 or 10.0.0.9', ping, true],
    ['src host 10.0.0.1 or 10.0.0.8', ping, false],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
});

t.test('ports: names, numbers, relations, inheritance', async (t) => {
  const cases: [string, Uint8Array, boolean][] = [
    ['port 80', web, true], ['port 80', webAck, true], ['dst port 80', webAck, false], ['src port 80', webAck, true],
    ['dst port www', web, true], ['tcp dst port www', web, true], ['udp dst port www', web, false],
    ['dst port domain', dns, true], ['udp port dns', dns, true], ['dst port 53', web, false],
    ['dst port > 1023', webAck, true], ['dst port > 1023', web, false], ['src port >= 40000', web, true],
    ['src port < 40000', web, false], ['src port <= 40000', web, true], ['dst port != 80', web, false],
    ['dst port != 81', web, true], ['dst port != 81', ping, false], ['not dst port 81', ping, true],
    ['src port 80 or 81', webAck, true], ['src port 81 or 80', webAck, true], ['dst port 53 or 80', web, true],
    ['tcp port https or 80', web, true], ['src port & 0xff00 == 0x9c00', web, true],
    ['src and dst port 80', web, false], ['port 53', ping, false], ['www', web, true], ['ssh', web, false],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
});

t.test('TCP flags, ICMP types, TCP window', async (t) => {
  const flagged = (flags: number) => frames.tcp({ flags });
  const cases: [string, Uint8Array, boolean][] = [
    ['tcp opt syn', web, true], ['tcp opt ack', web, false], ['syn', web, true], ['tcp syn', web, true],
    ['syn && not ack', web, true], ['syn ack', flagged(SYN | ACK), true], ['tcp opt fin', flagged(FIN), true],
    ['rst', flagged(RST | ACK), true], ['psh', webAck, true], ['urg', flagged(URG), true], ['urg', webAck, false],
    ['syn', dns, false], ['not syn', dns, true],
    ['icmp type echo', ping, true], ['icmp type 8', ping, true], ['icmp type echo-reply', ping, false],
    ['icmp type unreachable', unreach, true], ['icmp echo', ping, true], ['icmp type > 5', ping, true],
    ['icmp type != 8', ping, false], ['icmp type != 8', web, false], ['not icmp type 8', web, true],
    ['tcp win 8192', web, true], ['tcp win > 9000', web, false],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
});

t.test('IP header fields', async (t) => {
  const cases: [string, Uint8Array, boolean][] = [
    ['ip tos 0xb8', web, true], ['ip tos 0', web, false], ['ip dscp 46', web, true], ['ip dscp 0', dns, true],
    ['ip ect', dns, true], ['ip ect', web, false], ['ip ce', dns, true], ['ip ttl 64', web, true],
    ['ip ttl < 5', webAck, false], ['ip ttl <= 5', webAck, true], ['ip ttl > 1', dns, false], ['ip ttl 5 or 64', web, true],
    ['ip len 40', web, true], ['ip len > 40', web, false], ['ip vers 4', web, true], ['ip hl 5', web, true],
    ['ip hl > 5', web, false], ['ip id 0x1234', web, true], ['ip id != 0x1234', web, false],
    ['ip tos & 0xfc == 0xb8', web, true], ['ip ttl & 0xc0 == 0x40', web, true], ['ip frag', web, false],
    ['ip unfrag', web, true], ['unfrag', web, true],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
});

t.test('byte tests: ip[...], transp[...], tcp[...]', async (t) => {
  const cases: [string, Uint8Array, boolean][] = [
    ['ip[9] == 6', web, true], ['ip[9] 17', dns, true], ['ip[8:2] == 0x4006', web, true], ['ip[8,9] == 0x4006', web, true],
    ['ip[12:4] == 0x0a000005', web, true], ['ip[1] & 0xfc == 0xb8', web, true], ['ip[0] & 0x0f > 4', web, true],
    ['transp[2:2] == 80', web, true], ['transp[2:2] > 1000', dns, false], ['tcp[13] & 2 != 0', web, true],
    ['tcp[13] & 2 != 0', dns, false], ['udp[2:2] == 53', dns, true], ['icmp[0] == 8', ping, true],
    ['transp[0] == 0x9c', web, true], ['tcp[13] & 0x12 == 0x12', web, false],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
});

t.test('connectives, constants and implicit combinations', async (t) => {
  const cases: [string, Uint8Array, boolean][] = [
    ['true', web, true], ['false', web, false], ['not false', web, true], ['! true', web, false],
    ['tcp and dst port 80', web, true], ['tcp && dst port 81', web, false], ['udp or icmp', ping, true],
    ['udp || tcp', web, true], ['not tcp', web, false], ['!tcp', dns, true], ['!(tcp or udp)', ping, true],
    ['(udp or tcp) and (dst port 80 or dst port 53)', dns, true], ['tcp dst port 80', web, true],
    ['src host 10.0.0.5 and port 80', web, true], ['src host 10.0.0.5 port 80', web, true],
    ['tcp ? dst port 80 : udp', web, true], ['tcp ? dst port 81 : udp', web, false], ['tcp ? dst port 81 : udp', dns, true],
    ['icmp ? false : tcp ? syn : true', dns, true], ['icmp ? false : tcp ? syn : true', webAck, false],
    ['not not tcp', web, true], ['not (not tcp)', web, true],
  ];
  for (const [p, f, want] of cases) t.equal(matches(p, f), want, p);
  t.equal(classify('all', dns), 0);
  t.equal(classify('any', dns), 0);
  t.equal(classify('-', dns), 0);
  t.equal(classify('tcp, , -', dns), 1, 'an empty IPClassifier pattern matches everything');
});

t.test('transport tests only hold for first fragments with a long enough header', async (t) => {
  const firstFrag = frames.udp({ dport: 53, frag: 0x2000 });
  const laterFrag = frames.udp({ dport: 53, frag: 0x0003 });
  t.ok(matches('udp dst port 53', firstFrag), 'first fragment (MF set, offset 0)');
  t.notOk(matches('udp dst port 53', laterFrag), 'later fragment');
  t.ok(matches('udp', laterFrag), 'the protocol itself is known on every fragment');
  t.notOk(matches('udp dst port != 53', laterFrag), '!= does not match fragments either');
  t.ok(matches('not udp dst port 53', laterFrag));
  t.ok(matches('ip frag', firstFrag));
  t.ok(matches('ip frag', laterFrag));
  t.notOk(matches('ip unfrag', laterFrag));
  t.notOk(matches('ip frag', frames.udp({ frag: 0x4000 })), 'DF alone is not a fragment');
  t.notOk(matches('transp[0] == 0x04', laterFrag));
  t.notOk(matches('icmp type echo', ether(ipv4(icmp(8, 0), { proto: 1, frag: 0x0001 }))));

  // Transport headers cut short by the IP length.
  const tcpBytes = tcp(new Uint8Array(0), { dport: 80, flags: SYN });
  const shortTcp = (n: number) => ether(ipv4(tcpBytes.subarray(0, n), { proto: 6 }));
  t.ok(matches('dst port 80', shortTcp(4)), '4 bytes hold both ports');
  t.notOk(matches('dst port 80', shortTcp(3)), 'the destination port is cut');
  t.ok(matches('src port 1234', shortTcp(2)), 'the source port is there');
  t.notOk(matches('syn', shortTcp(13)), 'the flags byte is cut');
  t.ok(matches('syn', shortTcp(14)));
  t.notOk(matches('dst port != 81', shortTcp(3)), '!= fails on a short header');
  t.ok(matches('not dst port 81', shortTcp(3)), 'not of a failed test holds');
  t.notOk(matches('dst port > 10', shortTcp(0)));
  t.notOk(matches('dst port <= 10', shortTcp(0)));
  t.ok(matches('tcp', shortTcp(0)));
  t.notOk(matches('tcp win 8192', shortTcp(15)));
  const shortUdp = ether(ipv4(udp(new Uint8Array(0)).subarray(0, 2), { proto: 17 }));
  t.notOk(matches('udp dst port 5678', shortUdp));
});

t.test('IP options move the transport header', async (t) => {
  const withOptions = ether(ipv4(tcp(new Uint8Array(0), { dport: 443, flags: SYN }), { proto: 6, options: [1, 1, 1, 0] }));
  t.ok(matches('dst port 443', withOptions));
  t.ok(matches('ip hl 6', withOptions));
  t.ok(matches('syn', withOptions));
  t.ok(matches('ip[20] == 1', withOptions), 'ip[...] reads the options');
});

t.test('a packet without an IP header annotation is dropped', async (t) => {
  const h = harness(IPClassifier, '-', { outputs: ['push'] });
  const h2 = harness(IPClassifier, 'tcp, -', { outputs: ['push', 'push'] });
  const { pkt } = await import('../../util/packets.js');
  h.push(0, pkt(web));
  h2.push(0, pkt(web));
  t.equal(h.outputs[0]!.length, 1, 'a program that tests nothing needs no header');
  t.equal(h2.element.stats.dropped, 1);
  t.equal(h2.outputs[0]!.length + h2.outputs[1]!.length, 0);
});

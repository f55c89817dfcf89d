import t from 'tap';
import { spec } from '../../../elements/icmp/check-icmp-header.js';
import { spec as encapSpec, type ICMPIPEncapElement } from '../../../elements/icmp/icmp-ip-encap.js';
import { configError, harness } from '../../util/element-harness.js';
import { ether, frames, icmp, ipPacket, ipv4, pkt } from '../../util/packets.js';

const icmpPacket = (type: number, code: number, restAndPayloadLen: number) =>
  ipPacket(ether(ipv4(icmp(type, code, new Uint8Array(4), new Uint8Array(restAndPayloadLen).fill(7)), { proto: 1 })));

t.test('CheckICMPHeader: passes good packets, classifies failures', async (t) => {
  const badSum = frames.icmpEcho();
  badSum[14 + 20 + 9] ^= 1;
  const cut = frames.icmpEcho().slice(0, 14 + 20 + 7);
  const h = harness(spec, 'DETAILS true', { name: 'ci', outputs: ['push', 'push'] });
  h.push(
    0,
    ipPacket(frames.icmpEcho()), // good
    ipPacket(badSum), // bad checksum
    ipPacket(frames.udp()), // not ICMP
    pkt(frames.icmpEcho()), // no IP header annotation: not ICMP
    ipPacket(cut), // under 8 ICMP bytes
  );
  t.equal(h.outputs[0]!.length, 1);
  t.equal(h.outputs[1]!.length, 4);
  t.equal(h.read('drops'), '4');
  t.equal(h.read('drop_details'), '2\tnot ICMP\n1\tbad packet length\n1\tbad ICMP checksum\n');
  t.same(h.stderr, ['ci :: CheckICMPHeader: ICMP header check failed: bad ICMP checksum'], 'first failure only');
});

t.test('CheckICMPHeader: length rules by type', async (t) => {
  const cases: [string, number, number, number, boolean][] = [
    ['unreachable with quote', 3, 1, 28, true],
    ['unreachable, quote too short', 3, 1, 27, false],
    ['source quench, short', 4, 0, 0, false],
    ['redirect with quote', 5, 1, 40, true],
    ['time exceeded, short', 11, 0, 20, false],
    ['parameter problem with quote', 12, 0, 28, true],
    ['timestamp, exactly 20', 13, 0, 12, true],
    ['timestamp reply, 21 bytes', 14, 0, 13, false],
    ['information request, exactly 8', 15, 0, 0, true],
    ['information reply, 9 bytes', 16, 0, 1, false],
    ['echo, any length', 8, 0, 1, true],
    ['unknown type, any length', 42, 0, 3, true],
  ];
  for (const [what, type, code, extra, ok] of cases) {
    const h = harness(spec, 'DETAILS true', { outputs: ['push', 'push'] });
    h.push(0, icmpPacket(type, code, extra));
    t.equal(h.outputs[ok ? 0 : 1]!.length, 1, what);
    t.equal(h.read('drops'), ok ? '0' : '1', `${what}: drops`);
    if (!ok) t.match(h.read('drop_details'), /^0\tnot ICMP\n1\tbad packet length\n/, `${what}: reason`);
  }
});

t.test('CheckICMPHeader: VERBOSE, drops without output 1, configuration errors', async (t) => {
  const v = harness(spec, 'VERBOSE true', { name: 'v' });
  v.push(0, ipPacket(frames.udp()), ipPacket(frames.tcp()), ipPacket(frames.icmpEcho()));
  t.same(v.stderr, [
    'v :: CheckICMPHeader: ICMP header check failed: not ICMP',
    'v :: CheckICMPHeader: ICMP header check failed: not ICMP',
  ]);
  t.equal(v.element.stats.dropped, 2, 'dropped without output 1');
  t.equal(v.outputs[0]!.length, 1);
  t.throws(() => v.read('drop_details'), /no 'drop_details' read handler/);
  t.equal(configError(spec, 'VERBOSE 3'), "VERBOSE: '3' is not a boolean (true/false)");
  t.equal(configError(spec, 'FOO 1'), "unknown argument 'FOO'");
});

t.test('ICMPIPEncap: headers by type, identifier and sequence, checksums, annotations, handlers, errors', async (t) => {
  const check = harness(spec, '', { outputs: ['push', 'push'] });
  const echo = harness(encapSpec, '1.0.0.1, 2.0.0.2, echo, IDENTIFIER 0x1234');
  echo.push(0, pkt(Uint8Array.of(1, 2, 3)), pkt(new Uint8Array(0)));
  const [a, b] = echo.outputs[0]!;
  t.equal(a!.length, 20 + 8 + 3);
  t.same([...a!.data.subarray(0, 12)], [0x45, 0, 0, 31, 0, 1, 0, 0, 255, 1, a!.data[10], a!.data[11]], 'IP header, ID 1, TTL 255');
  t.same([...a!.data.subarray(20, 28)].filter((_, i) => i !== 2 && i !== 3), [8, 0, 0x12, 0x34, 0, 1], 'type, code, identifier, sequence = IP ID');
  t.equal(b!.data[5], 2, 'the IP ID counts');
  t.equal(b!.data[27], 2, 'and so does the sequence');
  t.equal(a!.dstIP, 0x02000002);
  t.equal(a!.networkHeaderLength, 20, 'IP header marked');
  check.push(0, a!, b!);
  t.equal(check.outputs[0]!.length, 2, 'valid IP and ICMP checksums (over the payload too)');

  const ts = harness(encapSpec, '1.0.0.1, 2.0.0.2, timestamp');
  const un = harness(encapSpec, '1.0.0.1, 2.0.0.2, unreachable, port');
  ts.push(0, pkt(new Uint8Array(0)));
  un.push(0, pkt(new Uint8Array(28).fill(9)));
  t.equal(ts.outputs[0]![0]!.length, 20 + 20, 'timestamp headers are 20 bytes');
  const u = un.outputs[0]![0]!;
  t.same([...u.data.subarray(20, 22)], [3, 3]);
  t.same([...u.data.subarray(24, 28)], [0, 0, 0, 0], 'no identifier or sequence in an unreachable');
  check.push(0, ts.outputs[0]![0]!, u);
  t.equal(check.outputs[0]!.length, 4);

  // The ID skips 0 when it wraps.
  const wrap = harness<ICMPIPEncapElement>(encapSpec, '1.0.0.1, 2.0.0.2, 8');
  for (let i = 0; i < 0xffff; i++) wrap.push(0, pkt(new Uint8Array(0)));
  wrap.push(0, pkt(new Uint8Array(0)));
  const last = wrap.outputs[0]!.slice(-2).map((p) => (p.data[4]! << 8) | p.data[5]!);
  t.same(last, [0xffff, 1]);

  echo.write('src', '9.9.9.9');
  t.equal(echo.read('src'), '9.9.9.9');
  t.equal(echo.read('dst'), '2.0.0.2');
  t.throws(() => echo.write('dst', 'nope'));
  t.equal(configError(encapSpec, '1.0.0.1, 2.0.0.2, 256'), 'invalid TYPE');
  t.equal(configError(encapSpec, '1.0.0.1, 2.0.0.2, unreachable, bogus'), 'invalid CODE');
  t.equal(configError(encapSpec, '1.0.0.1, 2.0.0.2, echo, CODE 300'), 'invalid CODE');
  t.equal(configError(encapSpec, '1.0.0.1, 2.0.0.2, echo, redirect'), 'invalid CODE', 'names of another type are not codes');
  t.equal(configError(encapSpec, '1.0.0.1, 2.0.0.2, redirect, host'), undefined);
});

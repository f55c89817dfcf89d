import t from 'tap';
import { spec } from '../../../elements/icmp/check-icmp-header.js';
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

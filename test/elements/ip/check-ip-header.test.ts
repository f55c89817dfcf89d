import t from 'tap';
import { spec, type CheckIPHeaderElement } from '../../../elements/ip/check-ip-header.js';
import { ANNO } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ipv4, pkt, udp } from '../../util/packets.js';

const good = () => ipv4(udp(new Uint8Array(10)), { src: '10.0.0.1', dst: '192.0.2.9' });
const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };

t.test('good packets get header annotations, trimming and the destination annotation', async (t) => {
  const h = harness(spec);
  const padded = Uint8Array.from([...good(), 0, 0, 0, 0]);
  const p = pkt(padded);
  h.push(0, p);
  const q = h.outputs[0]![0]!;
  t.equal(q.length, good().length, 'Ethernet padding removed');
  t.equal(q.networkHeaderOffset, 0);
  t.equal(q.transportHeaderOffset, 20);
  t.equal(q.dstIP, 0xc0000209);
  t.same([...q.anno.subarray(ANNO.DST_IP, ANNO.DST_IP + 4)], [192, 0, 2, 9], 'annotation in network byte order');
});

t.test('OFFSET finds the header further in', async (t) => {
  const h = harness(spec, '14');
  const frame = Uint8Array.from([...new Uint8Array(14), ...good()]);
  h.push(0, pkt(frame));
  t.equal(h.outputs[0]![0]!.networkHeaderOffset, 14);
  const k = harness(spec, 'OFFSET 14');
  k.push(0, pkt(frame));
  t.equal(k.outputs[0]!.length, 1);
});

t.test('each bad reason, in order, to output 1 with one message', async (t) => {
  const h = harness<CheckIPHeaderElement>(spec, 'DETAILS true', { ...two, name: 'chk' });
  const cases: [string, Uint8Array][] = [
    ['tiny packet', good().subarray(0, 19)],
    ['bad IP version', ipv4(new Uint8Array(4), { version: 6 })],
    ['bad IP header length', ipv4(new Uint8Array(4), { hl: 4 })],
    ['bad IP length', ipv4(new Uint8Array(4), { totalLength: 100 })],
    ['bad IP length', ipv4(new Uint8Array(40), { totalLength: 19 })],
    ['bad IP checksum', ipv4(new Uint8Array(4), { checksum: 0x1234 })],
  ];
  for (const [, b] of cases) h.push(0, pkt(b));
  t.equal(h.outputs[0]!.length, 0);
  t.equal(h.outputs[1]!.length, cases.length);
  t.equal(h.read('drops'), String(cases.length));
  t.same(h.stderr, ['chk: IP header check failed: tiny packet']);
  t.equal(h.read('drop_details'), ['1\ttiny packet', '1\tbad IP version', '1\tbad IP header length', '2\tbad IP length', '1\tbad IP checksum', '0\tbad source address'].join('\n'));
});

t.test('VERBOSE reports every bad packet; without output 1 they are dropped', async (t) => {
  const h = harness(spec, 'VERBOSE true', { name: 'c' });
  h.push(0, pkt(new Uint8Array(3)), pkt(new Uint8Array(0)));
  t.same(h.stderr, ['c: IP header check failed: tiny packet', 'c: IP header check failed: tiny packet']);
  t.equal(h.element.stats.dropped, 2);
  t.throws(() => h.read('drop_details'), 'drop_details needs DETAILS');
});

t.test('OFFSET beyond the packet is a tiny packet, not an exception', async (t) => {
  const h = harness(spec, '100', two);
  h.push(0, pkt(good()));
  t.equal(h.outputs[1]!.length, 1);
});

t.test('CHECKSUM false skips the checksum test', async (t) => {
  const h = harness(spec, 'CHECKSUM false');
  h.push(0, pkt(ipv4(new Uint8Array(4), { checksum: 0x1234 })));
  t.equal(h.outputs[0]!.length, 1);
});

t.test('BADSRC, GOODDST and INTERFACES', async (t) => {
  const fromBcast = ipv4(new Uint8Array(4), { src: '18.26.4.255', dst: '1.2.3.4' });
  const toUs = ipv4(new Uint8Array(4), { src: '18.26.4.255', dst: '18.26.4.9' });
  const zero = ipv4(new Uint8Array(4), { src: '0.0.0.0', dst: '1.2.3.4' });
  const h = harness(spec, 'INTERFACES 18.26.4.9/24 18.32.9.44/28', two);
  h.push(0, pkt(fromBcast), pkt(toUs), pkt(zero));
  t.equal(h.outputs[0]!.length, 1, 'broadcast source allowed only to our own address');
  t.equal(h.outputs[1]!.length, 2);
  const b = harness(spec, 'BADSRC 18.26.4.255, GOODDST 18.26.4.9', two);
  b.push(0, pkt(fromBcast), pkt(toUs), pkt(zero));
  t.equal(b.outputs[1]!.length, 1, 'BADSRC alone does not include 0.0.0.0');
  const none = harness(spec, '', two);
  none.push(0, pkt(zero));
  t.equal(none.outputs[0]!.length, 1, 'no source check by default');
});

t.test('pull mode', async (t) => {
  const h = harness(spec, '', { inputs: ['pull'], outputs: ['pull', 'push'] });
  h.pullable[0]!.push(pkt(new Uint8Array(5)), pkt(good()));
  const got = h.pull(0, 2);
  t.equal(got.length, 1);
  t.equal(h.outputs[1]!.length, 1, 'bad packet pushed to output 1');
});

t.test('configuration errors', async (t) => {
  t.match(configError(spec, 'BADSRC 1.2.3'), /BADSRC/);
  t.match(configError(spec, 'INTERFACES 1.2.3.4/40'), /INTERFACES/);
  t.match(configError(spec, '1.2.3.4, 14'), /OFFSET|too many/);
  t.match(configError(spec, 'VERBOSE maybe'), /VERBOSE/);
  t.equal(configError(spec, '14, VERBOSE true'), undefined);
});

import t from 'tap';
import { spec, type IPGWOptionsElement } from '../../../elements/ip/ip-gw-options.js';
import { checksum } from '../../../elements/lib/checksum.js';
import { ANNO, Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { ipv4 } from '../../util/packets.js';

const two = { outputs: ['push', 'push'] as ('push' | 'pull')[] };

function withOptions(options: number[]): Packet {
  const p = Packet.make(ipv4(new Uint8Array(8), { options }));
  p.setNetworkHeader(0, 20 + options.length);
  return p;
}

const opts = (p: Packet) => [...p.data.subarray(20, (p.data[0]! & 15) * 4)];

t.test('packets without options pass untouched', async (t) => {
  const h = harness(spec, '10.0.0.1');
  const p = Packet.make(ipv4(new Uint8Array(8)));
  p.setNetworkHeader(0, 20);
  h.push(0, p);
  t.equal(h.outputs[0]![0], p);
});

t.test('record route stores MYADDR and advances the pointer', async (t) => {
  const h = harness(spec, '10.0.0.1', two);
  h.push(0, withOptions([7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  const q = h.outputs[0]![0]!;
  t.same(opts(q), [7, 11, 8, 10, 0, 0, 1, 0, 0, 0, 0, 0]);
  t.equal(checksum(q.data, 0, 32), 0, 'checksum recomputed');
  // A full record route passes unchanged.
  h.push(0, withOptions([7, 7, 8, 1, 2, 3, 4, 0]));
  t.same(opts(h.outputs[0]![1]!), [7, 7, 8, 1, 2, 3, 4, 0]);
});

t.test('timestamps: flags 0, 1, 3 and overflow', async (t) => {
  const h = harness(spec, '10.0.0.1, 10.0.0.2', { ...two, now: (86_400_000n + 1234n) * 1_000_000n });
  h.push(0, withOptions([68, 8, 5, 0, 0, 0, 0, 0]));
  t.same(opts(h.outputs[0]![0]!), [68, 8, 9, 0, 0, 0, 4, 210], 'ms since midnight');
  h.push(0, withOptions([68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0]));
  t.same(opts(h.outputs[0]![1]!), [68, 12, 13, 1, 10, 0, 0, 1, 0, 0, 4, 210]);
  h.push(0, withOptions([68, 12, 5, 3, 10, 0, 0, 2, 0, 0, 0, 0]));
  t.same(opts(h.outputs[0]![2]!), [68, 12, 13, 3, 10, 0, 0, 2, 0, 0, 4, 210], 'prespecified address of ours');
  h.push(0, withOptions([68, 12, 5, 3, 9, 9, 9, 9, 0, 0, 0, 0]));
  t.same(opts(h.outputs[0]![3]!), [68, 12, 5, 3, 9, 9, 9, 9, 0, 0, 0, 0], 'not ours: untouched');
  h.push(0, withOptions([68, 4, 5, 0x20]));
  t.same(opts(h.outputs[0]![4]!), [68, 4, 5, 0x30], 'full: overflow count raised');
  h.push(0, withOptions([68, 4, 5, 0xf0]));
  t.equal(h.outputs[1]!.length, 1, 'overflow count at 15 is an error');
  t.equal(h.outputs[1]![0]!.annoU8(ANNO.ICMP_PARAMPROB), 23);
});

t.test('malformed options: parameter-problem pointer and output 1', async (t) => {
  const h = harness<IPGWOptionsElement>(spec, '10.0.0.1', two);
  const cases: [number[], number][] = [
    [[7, 1, 0, 0], 21], // length below 2
    [[1, 1, 130, 9, 0, 0, 0, 0], 23], // length past the header
    [[7, 7, 2, 0, 0, 0, 0, 0], 22], // RR pointer too small
    [[68, 8, 3, 0, 0, 0, 0, 0], 22], // TS pointer too small
    [[68, 8, 5, 2, 0, 0, 0, 0], 23], // unknown TS flag
    [[1, 1, 1, 7], 24], // option type in the header's last byte: its length lies past it
  ];
  for (const [o] of cases) h.push(0, withOptions(o));
  t.same(h.outputs[1]!.map((p) => p.annoU8(ANNO.ICMP_PARAMPROB)), cases.map(([, at]) => at));
  t.equal(h.read('drops'), String(cases.length));
  const one = harness(spec, '10.0.0.1');
  one.push(0, withOptions([7, 1, 0, 0]));
  t.equal(one.element.stats.dropped, 1, 'dropped without output 1');
});

t.test('other options (source routes included) are skipped; EOL ends the list', async (t) => {
  const h = harness(spec, '10.0.0.1');
  const lsrr = [131, 7, 4, 1, 2, 3, 4, 0];
  h.push(0, withOptions(lsrr), withOptions([0, 7, 1, 0]));
  t.same(opts(h.outputs[0]![0]!), lsrr);
  t.same(opts(h.outputs[0]![1]!), [0, 7, 1, 0]);
});

t.test('packets without an IP header are dropped', async (t) => {
  const h = harness(spec, '10.0.0.1');
  h.push(0, Packet.make(new Uint8Array(30)));
  t.equal(h.element.stats.dropped, 1);
});

t.test('configuration errors', async (t) => {
  t.match(configError(spec, ''), /MYADDR/);
  t.match(configError(spec, '10.0.0.1, 1.2.3'), /OTHERADDRS/);
});

import t from 'tap';
import { annoArg } from '../../../elements/lib/anno-arg.js';
import { spec as CheckPaint } from '../../../elements/standard/check-paint.js';
import { spec as Paint } from '../../../elements/standard/paint.js';
import { spec as PaintSwitch } from '../../../elements/standard/paint-switch.js';
import { spec as PaintTee } from '../../../elements/standard/paint-tee.js';
import type { ConfigContext } from '../../../config-lang/args/args.js';
import { ANNO, type Packet } from '../../../host-engine/packet.js';
import { configError, harness } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';

const push = (n: number) => Array.from({ length: n }, () => 'push' as const);
const painted = (color: number, anno: number = ANNO.PAINT): Packet => {
  const p = pkt(new Uint8Array(20));
  p.setAnnoU8(anno, color);
  return p;
};
const ctx = {} as ConfigContext;

t.test('Paint sets the paint annotation, or another one-byte annotation', async (t) => {
  const h = harness(Paint, '7');
  h.push(0, pkt(new Uint8Array(4)));
  t.equal(h.outputs[0]![0]!.paint, 7);
  const other = harness(Paint, '9, 17');
  other.push(0, pkt(new Uint8Array(4)));
  t.equal(other.outputs[0]![0]!.annoU8(17), 9);
  t.equal(other.outputs[0]![0]!.paint, 0);
  const named = harness(Paint, 'COLOR 3, ANNO FIX_IP_SRC');
  named.push(0, pkt(new Uint8Array(4)));
  t.equal(named.outputs[0]![0]!.annoU8(ANNO.FIX_IP_SRC), 3);
  t.equal(h.read('color'), '7');
  h.write('color', '200');
  h.push(0, pkt(new Uint8Array(4)));
  t.equal(h.outputs[0]![1]!.paint, 200);
  t.throws(() => h.write('color', '256'), /out of range/);
  const pulled = harness(Paint, '4', { inputs: ['pull'], outputs: ['pull'] });
  pulled.pullable[0]!.push(pkt(new Uint8Array(1)));
  t.equal(pulled.pull(0, 1)[0]!.paint, 4);
});

t.test('Paint configuration errors', async (t) => {
  t.match(configError(Paint, ''), /missing mandatory argument COLOR/);
  t.match(configError(Paint, '256'), /COLOR/);
  t.match(configError(Paint, '1, DST_IP'), /4 bytes, not 1/);
  t.match(configError(Paint, '1, 48'), /out of range/);
  t.match(configError(Paint, '1, NOSUCH'), /not an annotation/);
});

t.test('AnnoArg: names, offsets and sizes as Click checks them', async (t) => {
  t.equal(annoArg(1).parse('PAINT', ctx), 16);
  t.equal(annoArg(4).parse('DST_IP', ctx), 0);
  t.equal(annoArg(4).parse('44', ctx), 44);
  t.equal(annoArg(2).parse('VLAN_TCI', ctx), 20);
  t.throws(() => annoArg(4).parse('45', ctx), /out of range/);
  t.throws(() => annoArg(1).parse('-1', ctx), /out of range/);
  t.throws(() => annoArg(1).parse('paint', ctx), /not an annotation/, 'names are case-sensitive, as in Click');
});

t.test('PaintTee copies packets of its color to output 1, first', async (t) => {
  const h = harness(PaintTee, '2', { outputs: push(2) });
  const a = painted(2);
  const b = painted(3);
  h.push(0, a, b);
  t.same(h.outputs[0], [a, b]);
  t.equal(h.outputs[1]!.length, 1);
  t.not(h.outputs[1]![0], a, 'output 1 gets a clone');
  t.equal(h.outputs[1]![0]!.paint, 2);
  h.write('color', '3');
  t.equal(h.read('color'), '3');
  const pulled = harness(PaintTee, '5, 20', { inputs: ['pull'], outputs: ['pull', 'push'] });
  pulled.pullable[0]!.push(painted(5, 20), painted(1, 20));
  t.equal(pulled.pull(0, 5).length, 2);
  t.equal(pulled.outputs[1]!.length, 1);
});

t.test('PaintSwitch routes by paint; 255 goes everywhere; missing outputs drop', async (t) => {
  const h = harness(PaintSwitch, '', { outputs: push(3) });
  h.push(0, painted(1), painted(0), painted(2), painted(7), painted(255));
  t.same(h.outputs.map((o) => o.map((p) => p.paint)), [[0, 255], [1, 255], [2, 255]]);
  t.equal(h.element.stats.dropped, 1, 'paint 7 has no output');
  t.equal(h.element.stats.created, 2);
  const none = harness(PaintSwitch, '', { outputs: [] });
  none.push(0, painted(255), painted(0));
  t.equal(none.element.stats.dropped, 2, 'with no outputs, even paint 255 is dropped');
  const byAnno = harness(PaintSwitch, 'ANNO 30', { outputs: push(2) });
  byAnno.push(0, painted(1, 30));
  t.equal(byAnno.outputs[1]!.length, 1);
});

t.test('CheckPaint separates packets by color', async (t) => {
  const h = harness(CheckPaint, '4', { outputs: push(2) });
  h.push(0, painted(4), painted(5));
  t.same(h.outputs.map((o) => o.map((p) => p.paint)), [[4], [5]]);
  const one = harness(CheckPaint, '4');
  one.push(0, painted(4), painted(5));
  t.equal(one.outputs[0]!.length, 1);
  t.equal(one.element.stats.dropped, 1, 'without output 1 the others are dropped');
  one.write('color', '5');
  one.push(0, painted(5));
  t.equal(one.outputs[0]!.length, 2);
  const pulled = harness(CheckPaint, '4', { inputs: ['pull'], outputs: ['pull', 'push'] });
  pulled.pullable[0]!.push(painted(4), painted(6), painted(4));
  t.equal(pulled.pull(0, 3).length, 2);
  t.equal(pulled.outputs[1]!.length, 1);
});

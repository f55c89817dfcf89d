import t from 'tap';
import { spec } from '../../../elements/classification/classifier.js';
import { configure, configError, harness } from '../../util/element-harness.js';
import { arp, ether, frames, hex, pkt } from '../../util/packets.js';
import type { ProgramElement } from '../../../elements/classification/program-element.js';
import type { ProgramConf } from '../../../elements/classification/program-element.js';

function outputsOf(config: string, n: number) {
  return harness<ProgramElement>(spec, config, { outputs: Array.from({ length: n }, () => 'push' as const) });
}

/** Output port of one frame (-1: dropped). */
function classify(config: string, n: number, bytes: Uint8Array): number {
  const h = outputsOf(config, n);
  h.push(0, pkt(bytes));
  return h.outputs.findIndex((o) => o.length > 0);
}

t.test('patterns select outputs in order; the first match wins', async (t) => {
  const cfg = '12/0806 20/0001, 12/0806 20/0002, 12/0800, -';
  t.equal(classify(cfg, 4, frames.arpRequest()), 0);
  t.equal(classify(cfg, 4, ether(arp({ op: 2 }), { type: 0x0806 })), 1);
  t.equal(classify(cfg, 4, frames.udp()), 2);
  t.equal(classify(cfg, 4, ether(new Uint8Array(30), { type: 0x86dd })), 3);
  t.equal(classify('12/08, 12/0800', 2, frames.udp()), 0, 'an earlier, more general pattern wins');
});

t.test('packets matching no pattern are dropped and counted', async (t) => {
  const h = outputsOf('12/0800', 1);
  h.push(0, pkt(frames.arpRequest()), pkt(frames.udp()), pkt(frames.arpRequest()));
  t.equal(h.outputs[0]!.length, 1);
  t.equal(h.element.stats.dropped, 2);
  t.equal(h.element.drops, 2);
});

t.test('masks, ? nibbles, negation, several terms', async (t) => {
  const b = hex('0011223344556677');
  t.equal(classify('2/20%f0', 1, b), 0, 'mask keeps the high nibble');
  t.equal(classify('2/21%f0', 1, b), 0, 'value bits outside the mask do not matter');
  t.equal(classify('2/32%f0', 1, b), -1);
  t.equal(classify('2/2?', 1, b), 0, '? is any nibble');
  t.equal(classify('2/?2 3/3?', 1, b), 0, 'terms are and-ed');
  t.equal(classify('2/?2 3/4?', 1, b), -1);
  t.equal(classify('!2/23', 1, b), 0, '! negates a term');
  t.equal(classify('! 2/22', 1, b), -1, 'space after ! is allowed');
  t.equal(classify('1/1122334455', 1, b), 0, 'values span words');
  t.equal(classify('1/1122334456', 1, b), -1);
  t.equal(classify('0/????%ffff 4/44', 1, b), 0, 'all-? terms always hold');
  t.equal(classify('2/22%0f', 1, b), 0);
  t.equal(classify('2/22%?f', 1, b), 0, '? in the mask ignores the nibble');
  t.equal(classify('2/ff%00', 1, b), 0, 'a zero mask tests nothing');
  t.equal(classify('6/66 7/77', 1, b), 0);
  t.equal(classify('6/66 8/00', 1, b), -1, 'a term past the end fails');
});

t.test('- and empty patterns match everything, even empty packets', async (t) => {
  t.equal(classify('-', 1, new Uint8Array(0)), 0);
  t.equal(classify('12/0800, , -', 3, frames.arpRequest()), 1);
});

t.test('short packets: a term reading past the end fails, its negation holds', async (t) => {
  const runt = hex('ffffffffffff0000c0aa0001 08'); // 13 bytes: type field cut
  t.equal(classify('12/0800, -', 2, runt), 1);
  t.equal(classify('!12/0800, -', 2, runt), 0, 'Click: a negated term matches a runt');
  t.equal(classify('12/08, -', 2, runt), 0, 'only the bytes tested must be there');
  t.equal(classify('12/08%ff 13/00%00, -', 2, runt), 0, 'a masked-out byte past the end is not needed');
  t.equal(classify('12/0800 !0/00', 1, new Uint8Array(0)), -1);
  t.equal(classify('!12/0800 !14/45', 1, new Uint8Array(0)), 0);
});

t.test('program handler and sharing of common tests', async (t) => {
  const h = outputsOf('12/0806 20/0001, 12/0806 20/0002, 12/0800, -', 4);
  const text = h.read('program');
  t.match(text, /^ 0 +12\/08060000%ffff0000 {2}yes->step 1 {2}no->step \d/m);
  t.equal((text.match(/12\/08060000/g) ?? []).length, 1, 'the ARP test is made once for both ARP patterns');
  t.match(text, /safe length link 22$/);
  t.equal(outputsOf('-', 1).read('program'), 'all->[0]\nsafe length 0');
  t.equal(outputsOf('12/0800', 1).read('program').split('\n')[0], ' 0  12/08000000%ffff0000  yes->[0]  no->[X]');
});

t.test('configuration is plain data with a valid program', async (t) => {
  const conf = configure(spec, '12/0800, -', 1, 2) as ProgramConf;
  t.same(conf.patterns, ['12/0800', '-']);
  t.same(JSON.parse(JSON.stringify(conf)), conf, 'survives JSON');
  t.equal(conf.program.insns.length, 1);
});

t.test('configuration errors point at the pattern', async (t) => {
  t.equal(configError(spec, '12/0800, -', 1, 3), 'need 3 arguments, one per output port');
  t.equal(configError(spec, '12/0800', 1, 2), 'need 2 arguments, one per output port');
  t.equal(configError(spec, '12/0800, x/0800', 1, 2), "pattern 1: expected a digit, got 'x'");
  t.equal(configError(spec, '12:0800', 1, 1), "pattern 0: expected '/' after offset 12");
  t.equal(configError(spec, '12/080', 1, 1), "pattern 0: value has odd number of hex digits in '12/080'");
  t.equal(configError(spec, '12/8', 1, 1), "pattern 0: value has less than 2 hex digits in '12/8'");
  t.equal(configError(spec, '12/', 1, 1), "pattern 0: value has less than 2 hex digits in '12/'");
  t.equal(configError(spec, '12/0800%ff', 1, 1), "pattern 0: mask has too few hex digits in '12/0800%ff'");
  t.equal(configError(spec, '12/08%fff0', 1, 1), "pattern 0: mask has too many hex digits in '12/08%fff0'");
  t.equal(configError(spec, '12/0800 !', 1, 1), 'pattern 0: expected a digit at the end');
  t.equal(configError(spec, '12/08zz', 1, 1), "pattern 0: expected a digit, got 'z'");
  t.equal(configError(spec, '99999/00', 1, 1), 'pattern 0: offset 99999 is too large');
  try {
    configure(spec, '12/0800, 12/08x', 1, 2);
    t.fail('should throw');
  } catch (e) {
    t.equal((e as { argIndex?: number }).argIndex, 1, 'the error names the argument');
  }
});

t.test('warns about outputs no packet can reach', async (t) => {
  const warnings: string[] = [];
  const ctx = { elementName: 'c', className: 'Classifier', ninputs: 1, noutputs: 3, lookupElement: () => undefined, warn: (m: string) => warnings.push(m) };
  spec.configure!({ PATTERN: ['12/08', '12/0800', '-'] }, ctx);
  t.same(warnings, ['output 1 matches no packets']);
});

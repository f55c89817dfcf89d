import t from 'tap';
import { parsePatternWords, RewriterPattern, RW_ADDMAP, RW_DROP, unparsePattern, type PatternConf } from '../../../elements/nat/rewriter-pattern.js';
import { flowKey } from '../../../elements/nat/flow-id.js';

const parse = (s: string) => parsePatternWords(s.split(' ')) as PatternConf;

t.test('pattern words as Click reads them', async (t) => {
  t.same(parse('1.0.0.1 1024-65535 - -'), { saddr: 0x01000001, sport: 1024, daddr: 0, dport: 0, isNapt: true, sequential: false, sameFirst: true, variationTop: 64511 });
  t.match(parse('1.0.0.1 10-20# 2.0.0.2 80'), { sequential: true, sameFirst: false, daddr: 0x02000002, dport: 80 });
  t.match(parse('1.0.0.1 10-20? - -'), { sequential: false, sameFirst: false });
  t.match(parse('10.0.0.0/24 -'), { saddr: 0x0a000001, variationTop: 253, isNapt: false });
  t.match(parse('10.0.0.0/31 -'), { saddr: 0x0a000000, variationTop: 1 });
  t.match(parse('10.0.0.5/32 -'), { saddr: 0x0a000005, variationTop: 0 });
  t.match(parse('1.0.0.1 2.0.0.2 99'), { sport: 99, daddr: 0x02000002, isNapt: true }, 'three words: SADDR DADDR SPORT');
  t.same(parsePatternWords(['web']), { name: 'web' });
  t.throws(() => parsePatternWords([]), /syntax error/);
  t.throws(() => parse('0.0.0.0/8 -'), /bad source address/, 'a zero base address is refused');
  t.throws(() => parse('1.0.0.1 0 - -'), /bad source port/);
  t.throws(() => parse('1.0.0.1 - - 0'), /bad destination port/);
});

t.test('unparse as the patterns handler shows it', async (t) => {
  t.equal(unparsePattern(parse('1.0.0.1 1024-65535 - -')), '1.0.0.1 1024-65535 - -');
  t.equal(unparsePattern(parse('10.0.0.0/24 -')), '10.0.0.1-10.0.0.254 -');
  t.equal(unparsePattern(parse('- - 2.0.0.2 80')), '- - 2.0.0.2 80');
  t.equal(unparsePattern(parse('1.0.0.1 5 - -')), '1.0.0.1 5 - -');
});

t.test('choosing ports: own port first, else the next free one after a random start (Click\'s click_random)', async (t) => {
  const p = new RewriterPattern(parse('9.9.9.9 100-103 - -'));
  const taken = new Set<string>();
  const use = (sport: number, rnd: number) => {
    const r = p.rewrite({ saddr: 1, sport, daddr: 2, dport: 80 }, (k) => taken.has(k), () => rnd);
    if (r.result === RW_ADDMAP) taken.add(flowKey({ saddr: 2, sport: 80, daddr: r.flowid.saddr, dport: r.flowid.sport }));
    return r.result === RW_ADDMAP ? r.flowid.sport : r.result;
  };
  // Click's click_random(0, 3): the 31-bit value divided into four equal buckets.
  const bucket = 2 ** 31 / 4;
  t.equal(use(101, 0), 101, 'own port inside the range');
  t.equal(use(101, bucket), 102, 'own port taken: random start 1 -> 101 taken -> 102');
  t.equal(use(5000, 3 * bucket + 7), 103, 'outside the range: start 3');
  t.equal(use(5000, 0), 100);
  t.equal(use(5000, 0), RW_DROP, 'all four taken');
});

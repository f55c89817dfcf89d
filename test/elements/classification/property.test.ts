// Property test: for random patterns and random packets, the compiled decision
// program (optimised, and the straightforward fallback) sends every packet
// where direct evaluation of the parsed expressions says it belongs. Seeded,
// so a failure names a reproducible pattern and packet.

import t, { type Test } from 'tap';
import { parseClassifierPattern } from '../../../elements/classification/classifier-pattern.js';
import { compileRules } from '../../../elements/classification/compile.js';
import { type Rule, classifyDirect, exprText } from '../../../elements/classification/expr.js';
import { filterRules } from '../../../elements/classification/ip-filter.js';
import { type DecisionProgram, type PacketView, runProgram, validateProgram } from '../../../elements/classification/program.js';
import { ConfigError } from '../../../config-lang/args/args.js';
import { classifierPattern, expression, ipBytes, randomLinkBytes, rng, type Rng } from '../../util/classification-generators.js';

/** A random IP packet: fields from small pools so patterns match, options, fragments, cut anywhere now and then. */
function ipPacket(r: Rng): PacketView {
  const { ip, hlen } = ipBytes(r);
  // Cut the packet anywhere now and then, even inside the IP header.
  const len = r.chance(0.15) ? r.int(ip.length + 1) : ip.length;
  return { bytes: ip, link: 0, network: 0, transport: hlen, end: len };
}

function randomBytesPacket(r: Rng): PacketView {
  const b = randomLinkBytes(r);
  return { bytes: b, link: 0, network: -1, transport: -1, end: b.length };
}

function check(t: Test, rules: Rule[], packets: PacketView[], label: string): boolean {
  const programs: [string, DecisionProgram][] = [
    ['optimised', compileRules(rules)],
    ['straight', compileRules(rules, { optimize: false })],
    ['split', compileRules(rules, { work: 40 })],
  ];
  for (const [name, prog] of programs) {
    validateProgram(prog);
    for (const v of packets) {
      const want = classifyDirect(rules, v);
      const got = runProgram(prog, v);
      if (got !== want) {
        t.fail(`${name} program disagrees`, { label, rules: rules.map((r) => `${r.output}: ${exprText(r.expr)}`), packet: Buffer.from(v.bytes.subarray(0, v.end)).toString('hex'), full: Buffer.from(v.bytes).toString('hex'), want, got });
        return false;
      }
    }
  }
  return true;
}

t.test('IPClassifier patterns: compiled programs agree with direct evaluation', async (t) => {
  let configs = 0;
  let rejected = 0;
  let packetsChecked = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    const n = 1 + r.int(5);
    const patterns = Array.from({ length: n }, () => (r.chance(0.1) ? '-' : expression(r, 3)));
    let rules: Rule[];
    try {
      rules = filterRules(patterns.map((p, i) => `${i} ${p}`), n, () => {});
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      rejected++;
      continue;
    }
    configs++;
    const packets = Array.from({ length: 150 }, () => ipPacket(r));
    packetsChecked += packets.length;
    if (!check(t, rules, packets, `seed ${seed}: ${patterns.join(' , ')}`)) return;
  }
  t.ok(configs > 300, `${configs} configurations compiled (${rejected} rejected as Click would)`);
  t.pass(`${packetsChecked} packets agree`);
});

t.test('IPFilter actions with drops: compiled programs agree with direct evaluation', async (t) => {
  for (let seed = 1000; seed < 1200; seed++) {
    const r = rng(seed);
    const n = 2 + r.int(6);
    const texts = Array.from({ length: n }, () => `${r.pick(['allow', 'drop', 'deny', '1', '2'])} ${r.chance(0.1) ? 'all' : expression(r, 2)}`);
    let rules: Rule[];
    try {
      rules = filterRules(texts, 3, () => {});
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      continue;
    }
    if (!check(t, rules, Array.from({ length: 150 }, () => ipPacket(r)), `seed ${seed}: ${texts.join(' , ')}`)) return;
  }
  t.pass('all agree');
});

t.test('Classifier patterns: compiled programs agree with direct evaluation', async (t) => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const n = 1 + r.int(6);
    const rules = Array.from({ length: n }, (_, i) => ({ expr: parseClassifierPattern(classifierPattern(r), i), output: i }));
    if (!check(t, rules, Array.from({ length: 200 }, () => randomBytesPacket(r)), `seed ${seed}`)) return;
  }
  t.pass('all agree');
});

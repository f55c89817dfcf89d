// The decision-program compiler and format: sharing and removal of tests,
// merging of tests on one word, the network-length guard, the split fallback,
// program structure and text, and packets with broken header annotations.

import t from 'tap';
import { compileRules } from '../../../elements/classification/compile.js';
import { parseClassifierPattern } from '../../../elements/classification/classifier-pattern.js';
import { compileIPClassifier } from '../../../elements/classification/ip-classifier.js';
import { filterRules } from '../../../elements/classification/ip-filter.js';
import { classifyDirect, type Rule } from '../../../elements/classification/expr.js';
import {
  type DecisionProgram, type PacketView, DROP_JUMP, DROPPED, leafPort, outputJump, reachableOutputs, requiredBytes, runProgram,
  testWord, unparseProgram, validateProgram, viewOf,
} from '../../../elements/classification/program.js';
import { spec as IPClassifier } from '../../../elements/classification/ip-classifier.js';
import { harness } from '../../util/element-harness.js';
import { frames, pkt } from '../../util/packets.js';
import { preparedInputs } from './conformance-util.js';

const ipc = (patterns: string[]) => compileIPClassifier(patterns, () => {});

/** Most times an instruction matching `pred` can run on one path through the program. */
function maxOnPath(prog: DecisionProgram, pred: (i: number) => boolean): number {
  const memo = new Map<number, number>();
  const visit = (j: number): number => {
    if (j < 0) return 0;
    const hit = memo.get(j);
    if (hit !== undefined) return hit;
    const in_ = prog.insns[j]!;
    const r = (pred(j) ? 1 : 0) + Math.max(visit(in_.yes), visit(in_.no), visit(in_.short));
    memo.set(j, r);
    return r;
  };
  return visit(prog.entry);
}

/** Steps a packet takes through the program. */
function steps(prog: DecisionProgram, v: PacketView): number {
  let j = prog.entry;
  let n = 0;
  while (j >= 0) {
    const in_ = prog.insns[j]!;
    const r = testWord(v, in_.base, in_.offset, in_.mask, in_.value);
    j = r === 'short' ? in_.short : r ? in_.yes : in_.no;
    n++;
  }
  return n;
}

const isProto = (prog: DecisionProgram) => (j: number) => prog.insns[j]!.base === 'network' && prog.insns[j]!.offset === 8 && prog.insns[j]!.yes !== prog.insns[j]!.no;

t.test('leaf encoding and required bytes', async (t) => {
  t.equal(leafPort(outputJump(0)), 0);
  t.equal(leafPort(outputJump(7)), 7);
  t.equal(leafPort(DROP_JUMP), DROPPED);
  t.same([0xff000000, 0x00ff0000, 0x0000ff00, 0x000000ff, 0x0f0f0000, 0x80000001].map(requiredBytes), [1, 2, 3, 4, 2, 4]);
});

t.test('a test common to several patterns is made once per path', async (t) => {
  const prog = ipc(['tcp dst port 80 or tcp dst port 443', 'tcp src port 22', 'tcp', '-']);
  validateProgram(prog);
  t.equal(maxOnPath(prog, isProto(prog)), 1, 'the TCP test runs at most once');
  const isFrag = (j: number) => prog.insns[j]!.base === 'network' && prog.insns[j]!.offset === 4;
  t.equal(maxOnPath(prog, isFrag), 1, 'the first-fragment test runs at most once');
  const straight = compileRules(filterRules(['0 tcp dst port 80 or tcp dst port 443', '1 tcp src port 22', '2 tcp', '3 -'], 4, () => {}), { optimize: false });
  t.ok(maxOnPath(straight, isProto(straight)) >= 4, 'the straightforward program repeats it');
});

t.test('redundant and contradictory tests are removed', async (t) => {
  const dup = ipc(['tcp and tcp and ip proto 6']);
  t.equal(dup.insns.filter((i) => i.offset === 8).length, 1, 'one protocol test');
  const never = ipc(['tcp and udp', '-']);
  t.notOk(reachableOutputs(never).has(0), 'a contradiction matches nothing');
  t.same(unparseProgram(ipc(['tcp or not tcp'])), 'all->[0]\nsafe length 0', 'a tautology needs no test');
  const shadow = ipc(['ip ttl > 10', 'ip ttl > 20', '-']);
  t.notOk(reachableOutputs(shadow).has(1), 'a pattern implied by an earlier one never matches');
});

t.test('tests of one word that must both hold become one test', async (t) => {
  const rules: Rule[] = [{ expr: parseClassifierPattern('12/08 13/00', 0), output: 0 }];
  const prog = compileRules(rules);
  t.same(prog.insns, [{ base: 'link', offset: 12, mask: 0xffff0000, value: 0x08000000, yes: outputJump(0), no: DROP_JUMP, short: DROP_JUMP }]);
  const ttl = ipc(['ip ttl 64 and tcp']);
  t.ok(ttl.insns.some((i) => i.offset === 8 && i.mask === 0xffff0000 && i.value === 0x40060000), 'ttl and protocol in one test');
});

t.test('the network header length is tested once, up front', async (t) => {
  const prog = ipc(['src net 10.0.0.0/8 and udp', 'dst host 192.0.2.1', '-']);
  const guard = prog.insns[0]!;
  t.equal(guard.base, 'network');
  t.equal(guard.yes, guard.no, 'only its length matters');
  t.equal(guard.offset + requiredBytes(guard.mask), 20, 'as far as the farthest network test');
  // Below the guard's long branch, network tests never take a short branch.
  const long = new Set<number>();
  const walk = (j: number) => {
    if (j < 0 || long.has(j)) return;
    long.add(j);
    const i = prog.insns[j]!;
    walk(i.yes);
    walk(i.no);
    if (i.short !== i.no) walk(i.short);
  };
  walk(guard.yes);
  t.ok([...long].every((j) => prog.insns[j]!.base !== 'network' || prog.insns[j]!.short === prog.insns[j]!.no), 'no network short branches on the common path');
});

t.test('the optimised program never takes more steps than plain short-circuit evaluation (plus the guard)', async (t) => {
  const texts = ['drop src net 10.0.0.0/8 && dst host 203.0.113.9', 'allow udp && dst port 53', 'allow tcp && (dst port 80 || dst port 443) && tcp opt syn', 'allow icmp type echo', 'allow dst net 10.0.0.0/24 && tcp && not tcp opt syn', 'drop all'];
  const rules = filterRules(texts, 1, () => {});
  const opt = compileRules(rules);
  const plain = compileRules(rules, { optimize: false });
  let saved = 0;
  let worse = 0;
  const packets = preparedInputs('05-ip-filter-firewall');
  for (const { packet } of packets) {
    const v = viewOf(packet);
    t.equal(runProgram(opt, v), runProgram(plain, v));
    const a = steps(opt, v);
    const b = steps(plain, v);
    if (a > b + 1) worse++;
    saved += b - a;
  }
  t.equal(worse, 0);
  t.ok(saved > packets.length, `saves ${(saved / packets.length).toFixed(1)} steps per packet on case 05`);
});

t.test('large configurations compile within the work budget by splitting', async (t) => {
  const texts: string[] = [];
  for (let i = 0; i < 300; i++) texts.push(i % 3 === 0 ? `allow src net 10.${i % 250}.0.0/16 && tcp && dst port ${1000 + i}` : i % 3 === 1 ? `drop ip ttl < ${(i % 200) + 1} && src port > ${i}` : `1 udp dst port ${i} or ${i + 1}`);
  texts.push('allow all');
  const rules = filterRules(texts, 2, () => {});
  const start = Date.now();
  const prog = compileRules(rules, { work: 20000 });
  t.ok(Date.now() - start < 20000, 'finishes');
  validateProgram(prog);
  const small = compileRules(rules, { work: 1 });
  validateProgram(small);
  for (const { packet } of preparedInputs('05-ip-filter-firewall')) {
    const v = viewOf(packet);
    const want = classifyDirect(rules, v);
    if (runProgram(prog, v) !== want || runProgram(small, v) !== want) {
      t.fail('split programs disagree with direct evaluation');
      return;
    }
  }
  t.pass('split programs agree with direct evaluation');
});

t.test('program text', async (t) => {
  const prog = ipc(['udp and dst port 53', '-']);
  const lines = unparseProgram(prog).split('\n');
  t.same(lines, [
    ' 0 ip+8/00110000%00ff0000  yes->step 1  no->[1]',
    ' 1 ip+4/00000000%00001fff  yes->step 2  no->[1]',
    ' 2 transp+0/00000035%0000ffff  yes->[0]  no->[1]',
    'safe length network 10, transport 4',
  ]);
  const guarded = unparseProgram(ipc(['ip ttl 64 or dst host 192.0.2.1', '-'])).split('\n');
  t.equal(guarded[0], ' 0 ip+16/00000000%000000ff  yes->step 1  no->step 1  short->step 3', 'a length guard when the first test needs less');
});

t.test('broken header annotations never throw', async (t) => {
  const patterns = ['tcp dst port 80', 'not tcp', 'ip ttl 64', '-'];
  const prog = ipc(patterns);
  const rules = filterRules(patterns.map((p, i) => `${i} ${p}`), 4, () => {});
  const frame = frames.tcp({ dport: 80 }).subarray(14);
  const cases: [string, (p: ReturnType<typeof pkt>) => void, number][] = [
    ['header length beyond the packet', (p) => p.setNetworkHeader(0, 60), 2],
    ['network header at the very end', (p) => p.setNetworkHeader(p.length, 20), 1],
    ['truncated IP header', (p) => {
      p.take(p.length - 8);
      p.setNetworkHeader(0, 20);
    }, 1],
    ['transport header annotation at the end', (p) => {
      p.setNetworkHeader(0, 20);
      p.setTransportHeader(p.length);
    }, 2],
  ];
  for (const [what, annotate, want] of cases) {
    const p = pkt(frame);
    annotate(p);
    const v = viewOf(p);
    t.equal(runProgram(prog, v), want, what);
    t.equal(classifyDirect(rules, v), want, `${what} (direct)`);
  }
  const h = harness(IPClassifier, patterns.join(', '), { outputs: ['push', 'push', 'push', 'push'] });
  const p = pkt(frame);
  p.setNetworkHeader(0, 60);
  h.push(0, p);
  t.equal(h.outputs[2]!.length, 1, 'through the element too');
});

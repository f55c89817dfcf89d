// Classifier, IPClassifier and IPFilter in the native dataplane: the
// differential harness with real sources and sinks, handlers (including the
// documented difference: pattern writes cannot recompile native code), the
// shape of the generated C, the conformance cases, and sanitizer builds on
// large programs.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildNative, runtimeDir } from '../../dataplane-native/build.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { compileIPClassifier } from '../../elements/classification/ip-classifier.js';
import { filterRules } from '../../elements/classification/ip-filter.js';
import { compileRules } from '../../elements/classification/compile.js';
import { conditionC, programToC } from '../../elements/classification/program-c.js';
import { DROP_JUMP } from '../../elements/classification/program.js';
import { lookupClass } from '../../elements/registry.js';
import { readCapture } from '../../host-engine/pcap.js';
import { Router } from '../../host-engine/router.js';
import { compareBoth, packetsArg, sanitizedAgainstHost, testGraph, type TestPacket } from './classification-fixtures.js';
import { differential, haveCompiler, sanitizerRun } from './differential.js';
import { NATIVE_CACHE_DIR } from './engines.js';
import { rng } from '../util/classification-generators.js';
import { ipTestPacket, linkTestPacket } from './classification-packets.js';

const noGcc = !haveCompiler() && 'gcc missing';
const conformance = join(import.meta.dirname, '..', 'fixtures', 'conformance');

/** Classes of a configuration that have no native implementation yet (their tests wait for them). */
function missingNative(classes: readonly string[]): string | false {
  const missing = classes.filter((c) => !lookupClass(c)?.native);
  return missing.length ? `no native ${missing.join(', ')} yet` : false;
}

const hexData = (s: string) => `\\<${s.replace(/\s+/g, '')}>`;
const ARP_REQ = hexData('ffffffffffff 001122334455 0806 0001 0800 06 04 0001 001122334455 0a000001 000000000000 0a000002');
const ARP_REPLY = hexData('001122334455 66778899aabb 0806 0001 0800 06 04 0002 66778899aabb 0a000002 001122334455 0a000001');
const IPV4 = hexData('001122334455 66778899aabb 0800 4500002e 00000000 4011 66bd 0a000001 0a000002 04d2162e001ad0b7');
const IPV6 = hexData('001122334455 66778899aabb 86dd 6000000000000000');
const VLAN = hexData('001122334455 66778899aabb 8100 0005 0800');
const SHORT = hexData('0011223344556677 88');

t.test('Classifier: Ethernet types and ARP opcodes, several sources, both engines', { skip: noGcc }, async (t) => {
  const sources = [ARP_REQ, ARP_REPLY, IPV4, IPV6, VLAN, SHORT, hexData('')]
    .map((d, i) => `InfiniteSource(DATA ${d}, LIMIT ${3 + 5 * i}, BURST ${1 + i}) -> c;`)
    .join('\n');
  differential(t, {
    config: `c :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, 12/86dd, 12/8100, -);
      ${sources}
      c[0] -> d0 :: Discard; c[1] -> d1 :: Discard; c[2] -> d2 :: Discard;
      c[3] -> d3 :: Discard; c[4] -> d4 :: Discard; c[5] -> d5 :: Discard;`,
    handlers: ['d0.count', 'd1.count', 'd2.count', 'd3.count', 'd4.count', 'd5.count', 'c.program', 'c.config', 'c.handlers'],
  });
});

t.test('Classifier: a short packet takes the short branch, so a negated test holds', { skip: noGcc }, async (t) => {
  differential(t, {
    config: `InfiniteSource(DATA ${SHORT}, LIMIT 4) -> c :: Classifier(!12/0800, -) => a :: Discard, b :: Discard;
      InfiniteSource(DATA ${IPV4}, LIMIT 6) -> c;`,
    handlers: ['a.count', 'b.count'],
  });
});

t.test('IPClassifier and IPFilter drop packets without an IP header annotation, except match-all programs', { skip: noGcc }, async (t) => {
  differential(t, {
    config: `InfiniteSource(DATA ${IPV4}, LIMIT 20, BURST 4) -> ipc :: IPClassifier(udp, -) => u :: Discard, r :: Discard;
      InfiniteSource(DATA ${IPV4}, LIMIT 7) -> f :: IPFilter(allow udp, deny all) -> fd :: Discard;
      InfiniteSource(DATA ${IPV4}, LIMIT 9) -> all :: IPFilter(allow all) -> ad :: Discard;
      InfiniteSource(DATA ${IPV4}, LIMIT 5) -> any :: IPClassifier(-) -> yd :: Discard;`,
    handlers: ['u.count', 'r.count', 'fd.count', 'ad.count', 'yd.count', 'ipc.program', 'f.program', 'all.program', 'ipc.pattern0', 'ipc.pattern1', 'ipc.handlers', 'f.handlers'],
  });
});

t.test('IPClassifier and IPFilter behind the real IP elements', { skip: noGcc || missingNative(['CheckIPHeader', 'MarkIPHeader', 'Strip']) }, async (t) => {
  differential(t, {
    config: `InfiniteSource(DATA ${IPV4}, LIMIT 30, BURST 8) -> c :: Classifier(12/0800, -);
      c[1] -> Discard;
      c[0] -> CheckIPHeader(14) -> ipc :: IPClassifier(tcp dst port 80, udp dst port 53, icmp, udp dst port 5678, -)
        => d0 :: Discard, d1 :: Discard, d2 :: Discard, d3 :: Discard, d4 :: Discard;
      InfiniteSource(DATA ${IPV4}, LIMIT 11) -> Strip(14) -> MarkIPHeader
        -> f :: IPFilter(deny src net 192.168.0.0/16, drop tcp && dst port 23, allow udp && dst port 5678 && src host 10.0.0.1, deny all)
        -> fd :: Discard;`,
    handlers: ['d0.count', 'd1.count', 'd2.count', 'd3.count', 'd4.count', 'fd.count', 'ipc.program', 'f.program'],
  });
});

t.test('IPClassifier pattern handlers: reads as on the host; writes cannot recompile native code', { skip: noGcc }, async (t) => {
  const config = 'InfiniteSource(LIMIT 1) -> c :: IPClassifier(tcp dst port 80,  udp) => Discard, Discard;';
  const graph = testGraph(config);
  const host = new Router(graph, { simtime: true, stderr: () => {}, stdout: () => {} });
  host.initialize();
  const lib = new NativeRouter(buildNative(generateC(graph), { kind: 'shared', cacheDir: NATIVE_CACHE_DIR }).output);
  lib.start({ simtime: true });
  for (const h of ['c.pattern0', 'c.pattern1', 'c.program']) t.equal(lib.read(h), host.readHandler(h), `${h} reads the same`);
  // Writing the pattern it has (trimmed, as the host trims) changes nothing: both engines accept it.
  host.writeHandler('c.pattern1', '  udp \n');
  lib.write('c.pattern1', '  udp \n');
  t.equal(lib.read('c.pattern1'), host.readHandler('c.pattern1'), 'same pattern after a no-op write');
  // A different pattern recompiles on the host; the native engine says why it cannot.
  host.writeHandler('c.pattern0', 'icmp');
  t.equal(host.readHandler('c.pattern0'), 'icmp', 'the host engine recompiles');
  t.throws(() => lib.write('c.pattern0', 'icmp'), /pattern 0 cannot change in the native dataplane: the patterns are compiled into its code/, 'the native engine refuses, saying why');
  t.equal(lib.read('c.pattern0'), 'tcp dst port 80', 'the native pattern is unchanged');
  t.match(lib.read('c.handlers'), /program\tr\npattern0\trw\npattern1\trw/, 'per-instance handlers are listed, readable and writable');
  lib.finish();
  host.cleanup();
});

/** The generated push function of the (first) element of a class in a configuration. */
function pushFunction(config: string, inst: string): string {
  const src = generateC(testGraph(config)).source;
  const start = src.indexOf(`static inline void ${inst}_push(`);
  const end = src.indexOf('\n}\n', start);
  return src.slice(src.lastIndexOf('/*', start), end + 3);
}

t.test('generated C: a test the rules share is made once per copy, a guard once, leaves once', async (t) => {
  const code = pushFunction(
    'InfiniteSource(LIMIT 1) -> f :: IPFilter(allow tcp dst port 80, allow tcp dst port 443, drop tcp, allow udp) -> Discard;',
    'e1',
  );
  t.comment(code);
  const copies = code.includes('unchecked copy') ? 2 : 1;
  const count = (s: string) => code.split(s).length - 1;
  t.equal(count('(head + net)[9] == 0x06'), copies, 'ip proto tcp: one test per copy, shared by three rules');
  t.equal(count('(head + net)[9] == 0x11'), copies, 'ip proto udp: one test per copy');
  t.equal(count('cls_ld16(head + net + 6) & CLS_BE16(0x1fff)'), copies, 'the fragment test shared by both port rules: once per copy');
  t.equal(count('cls_ld16(head + trans + 2) == CLS_BE16(0x0050)'), copies, 'dst port 80 once per copy');
  t.equal(count('cls_ld16(head + trans + 2) == CLS_BE16(0x01bb)'), copies, 'dst port 443 once per copy');
  t.equal(count('cvm_emit(out, 0, p);'), 1, 'one leaf per output');
  t.equal(count('cvm_drop(out, p);'), 1, 'one drop leaf');
  t.notMatch(code, /bswap|cvm_be16|cvm_be32/, 'no byte swaps on the packet path');
  t.equal(count('avail_trans < 4'), 1, 'the transport length is tested once, where the port tests start');
});

/** The unchecked copy of a generated function: from the up-front test to the checked copy. */
const fast = (code: string) => code.slice(code.indexOf('if (!(avail_'), code.indexOf('s0:'));

t.test('generated C: the unchecked copy sits behind one length test per base', async (t) => {
  // Classifier terms at increasing offsets: the checked copy tests lengths
  // again and again on one path, so the up-front test pays.
  const prog = compileRules([{ expr: { kind: 'const', value: true }, output: 0 }]);
  t.equal(programToC(prog, 'x_push', { noutputs: 1 }).fastPath, false, 'a match-all program has no tests at all');
  const one = { base: 'link' as const, offset: 12, mask: 0xffff0000, value: 0x08000000, yes: -1, no: DROP_JUMP, short: DROP_JUMP };
  t.doesNotThrow(() => programToC({ insns: [one], entry: 0, safeLength: { link: 14, network: 0, transport: 0 } }, 'x_push', { noutputs: 1 }));
  t.throws(() => programToC({ insns: [one], entry: 0, safeLength: { link: 13, network: 0, transport: 0 } }, 'x_push', { noutputs: 1 }), /safe length link is 13, its steps need 14/, 'a safe length the steps contradict is refused (the unchecked copy relies on it)');
  const config = 'InfiniteSource(LIMIT 1) -> c :: Classifier(12/0800 14/45 23/06 36/0050, -) => Discard, Discard;';
  const code = pushFunction(config, 'e1');
  t.match(code, /if \(!\(avail_link >= 38\)\) goto s0;/, 'one up-front test of the safe length, else the checked copy');
  t.match(code, /unchecked copy of 3 blocks/, 'three tests in the unchecked copy (12/0800 14/45 merged into one word)');
  t.match(fast(code), /cls_ld32\(data \+ 12\) & CLS_BE32\(0xffffff00\)/, 'where the packet is known to hold the word, three bytes load as one word');
  t.notMatch(fast(code), /avail_link </, 'no length test inside the unchecked copy');
  t.match(code.slice(code.indexOf('s0:')), /cls_ld24\(data \+ 12\)/, 'the checked copy reads exactly three bytes there');
});

t.test('generated C: a very large program is compiled apart, without global CSE', { skip: noGcc }, async (t) => {
  // A chain of 4,500 one-byte tests on increasing offsets: each leads to an output or the next.
  const insns = Array.from({ length: 4500 }, (_, i) => ({ base: 'link' as const, offset: 4 * (i % 3000), mask: 0xff000000, value: (i & 255) << 24, yes: -1 - (i % 3), no: i + 1 < 4500 ? i + 1 : DROP_JUMP, short: DROP_JUMP }));
  const prog = { insns, entry: 0, safeLength: { link: 4 * 2999 + 1, network: 0, transport: 0 } };
  const c = programToC(prog, 'big_push', { noutputs: 3 });
  t.match(c.code, /static __attribute__\(\(noinline, optimize\("no-gcse"\)\)\) void big_push\(/, 'not inlined, no global CSE');
  t.equal(c.fastPath, false, 'no unchecked copy for so many steps');
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-cls-big-'));
  try {
    writeFileSync(join(dir, 'big.c'), `#include "elements/classification/classification.c"\n${c.code}\nvoid *big_entry = (void *)big_push;\n`);
    const r = spawnSync('gcc', ['-std=gnu11', '-O2', '-c', '-Wall', '-Wextra', '-Werror', '-Wno-unused-function', '-Wno-unused-parameter', `-I${repoRoot}`, `-I${runtimeDir}`, 'big.c', '-o', 'big.o'], { cwd: dir, encoding: 'utf8' });
    t.equal(r.status, 0, 'gcc compiles it without warnings', { stderr: r.stderr.slice(0, 2000) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t.test('conditionC loads exactly the bytes a mask covers, in memory order', async (t) => {
  t.equal(conditionC('b', 8, 0x00ff0000, 0x00110000), '(b)[9] == 0x11', 'one byte: a byte compare');
  t.equal(conditionC('b', 8, 0x00f00000, 0x00400000), '((b)[9] & 0xf0) == 0x40', 'part of a byte: masked');
  t.equal(conditionC('b', 0, 0x0000ffff, 0x00000050), 'cls_ld16(b + 2) == CLS_BE16(0x0050)', 'low half: a 16-bit load at +2');
  t.equal(conditionC('b', 4, 0x00ffff00, 0x00123400), 'cls_ld16(b + 5) == CLS_BE16(0x1234)', 'middle bytes: a 16-bit load at +1');
  t.equal(conditionC('b', 0, 0xffffff00, 0x0a000100), '(cls_ld24(b + 0) & CLS_BE32(0xffffff00)) == CLS_BE32(0x0a000100)', 'three leading bytes: a 3-byte load, never the fourth');
  t.equal(conditionC('b', 0, 0x00ffffff, 0x00000102), '(cls_ld32(b + 0) & CLS_BE32(0x00ffffff)) == CLS_BE32(0x00000102)', 'three trailing bytes: the word');
  t.equal(conditionC('b', 12, 0xffffffff, 0x0a000001), 'cls_ld32(b + 12) == CLS_BE32(0x0a000001)', 'a whole word: no mask');
  t.equal(conditionC('b', 0, 0xff0000ff, 0x45000006), '(cls_ld32(b + 0) & CLS_BE32(0xff0000ff)) == CLS_BE32(0x45000006)', 'first and last bytes: the word');
});

// --- conformance ----------------------------------------------------------

function framesOf(caseDir: string): TestPacket[] {
  return readCapture(readFileSync(join(conformance, caseDir, 'in.pcap'))).packets.map((p) => ({ bytes: p.data, pull: 0, net: -1, trans: -1 }));
}

for (const [dir, classes] of [
  ['03-classifier-ethertype', ['FromDump', 'ToDump', 'Counter']],
  ['04-ip-classifier', ['FromDump', 'ToDump', 'Counter', 'Strip', 'Unstrip', 'CheckIPHeader']],
  ['05-ip-filter-firewall', ['FromDump', 'ToDump', 'Counter', 'Strip', 'Unstrip', 'CheckIPHeader']],
] as const) {
  t.test(`conformance ${dir} in both engines`, { skip: noGcc || missingNative(classes) }, async (t) => {
    const caseDir = join(conformance, dir);
    differential(t, {
      config: readFileSync(join(caseDir, 'config.click'), 'utf8'),
      fromDir: caseDir,
      handlers: readFileSync(join(caseDir, 'handlers'), 'utf8').split(/\s+/).filter(Boolean),
    });
  });
}

// The classifier stages of cases 04 and 05 with the case's frames, packet by
// packet, through the native IP elements (no pcap elements needed).
for (const dir of ['04-ip-classifier', '05-ip-filter-firewall']) {
  t.test(`conformance ${dir}: the classifier stage, packet by packet`, { skip: noGcc || missingNative(['Strip', 'CheckIPHeader']) }, async (t) => {
    const config = readFileSync(join(conformance, dir, 'config.click'), 'utf8');
    const cls = /(\w+) :: (IPClassifier|IPFilter)\(([^;]*?)\)\s*(?:;|->)/s.exec(config);
    t.ok(cls, 'the case has a classifier');
    const [, name, cl, args] = cls!;
    const outs = cl === 'IPFilter' ? 1 : args!.split(',').length;
    const logs = Array.from({ length: outs }, (_, k) => `${name}[${k}] -> log${k} :: ClsTestLog;`).join('\n');
    const text = `ClsTestSource(${packetsArg(framesOf(dir))}) -> Classifier(12/0800) -> Strip(14) -> CheckIPHeader -> ${name} :: ${cl}(${args});\n${logs}`;
    t.ok(compareBoth(t, text, Array.from({ length: outs }, (_, k) => `log${k}.log`), dir), 'every frame lands on the same output in the same order');
  });
}

// --- sanitizer builds on large programs ------------------------------------

t.test('sanitizer: large IPFilter and IPClassifier programs on random, malformed packets', { skip: noGcc }, async (t) => {
  const r = rng(4242);
  const hosts = Array.from({ length: 60 }, (_, i) => `10.0.${i >> 3}.${i & 7}`);
  const filter = hosts.map((h, i) => `${i % 3 === 2 ? 'deny' : i % 3} src host ${h} && ${['tcp dst port', 'udp src port', 'dst port'][i % 3]} ${1000 + i}`);
  filter.push('1 icmp type echo', 'deny all');
  filterRules(filter, 2, () => {});
  const classes = ['tcp syn && not ack', 'src net 10.0.0.0/16 && dst port 53', 'ip ttl < 5', 'icmp type echo-reply', 'tcp[12:4] & 0x00120000 == 0x00120000', 'ip[1,2] < 300', 'udp', '-'];
  compileIPClassifier(classes, () => {});
  const packets = Array.from({ length: 1500 }, () => ipTestPacket(r));
  const links = Array.from({ length: 500 }, () => linkTestPacket(r));
  const classifier = Array.from({ length: 40 }, (_, i) => `${i}/${(i * 37 % 256).toString(16).padStart(2, '0')}${i % 2 ? '%f0' : ''} ${i + 3}/??0${i % 10}`);
  const config = `
    ClsTestSource(${packetsArg(packets)}, BURST 64) -> f :: IPFilter(${filter.join(', ')});
    f[0] -> a :: ClsTestLog; f[1] -> b :: ClsTestLog;
    ClsTestSource(${packetsArg(packets)}, BURST 17) -> c :: IPClassifier(${classes.join(', ')});
    l :: ClsTestLog; ${classes.map((_, k) => `c[${k}] -> [${k}]l;`).join(' ')}
    ClsTestSource(${packetsArg(links)}, BURST 33) -> k :: Classifier(${classifier.join(', ')}, -);
    m :: ClsTestLog; ${classifier.map((_, k) => `k[${k}] -> [${k}]m;`).join(' ')} k[${classifier.length}] -> [${classifier.length}]m;`;
  sanitizedAgainstHost(t, config, ['a.log', 'b.log', 'l.log', 'm.log', 'f.program']);
});

t.test('sanitizer: the differential harness, Classifier with a zero-length packet', { skip: noGcc }, async (t) => {
  sanitizerRun(t, {
    config: `InfiniteSource(DATA ${hexData('')}, LIMIT 3) -> c :: Classifier(0/00, !0/00, -) => a :: Discard, b :: Discard, d :: Discard;
      InfiniteSource(DATA ${ARP_REQ}, LIMIT 5) -> c;`,
    handlers: ['a.count', 'b.count', 'd.count', 'c.program'],
  });
});

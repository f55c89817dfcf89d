// IPFilter and IPClassifier as elements: actions, outputs, drops, warnings,
// configuration errors, and handlers.

import t from 'tap';
import { spec as IPClassifier } from '../../../elements/classification/ip-classifier.js';
import { spec as IPFilter } from '../../../elements/classification/ip-filter.js';
import type { ProgramConf, ProgramElement } from '../../../elements/classification/program-element.js';
import { validateProgram } from '../../../elements/classification/program.js';
import type { AnyElementSpec } from '../../../elements/spec.js';
import type { ConfigContext } from '../../../config-lang/args/args.js';
import { configError, configure, harness } from '../../util/element-harness.js';
import { frames } from '../../util/packets.js';
import { checkIPHeader } from './conformance-util.js';

const ip = (frame: Uint8Array) => checkIPHeader(frame)!;
const web = frames.tcp({ src: '10.0.0.5', dst: '192.0.2.80', dport: 80, flags: 0x02 });
const dns = frames.udp({ src: '10.0.0.7', dst: '198.51.100.53', dport: 53 });
const ping = frames.icmpEcho({ src: '10.0.0.9', dst: '10.0.0.1' });

function ports(n: number) {
  return { outputs: Array.from({ length: n }, () => 'push' as const) };
}

function warningsOf(spec: AnyElementSpec, config: string, noutputs: number): string[] {
  const warnings: string[] = [];
  const ctx: ConfigContext = { elementName: 'f', className: spec.name, ninputs: 1, noutputs, lookupElement: () => undefined, warn: (m) => warnings.push(m) };
  spec.configure!({ [Object.keys(spec.args)[0]!]: config.split(/,\s*/) } as never, ctx);
  return warnings;
}

t.test('IPFilter actions: allow, numbers, drop, deny; no match drops', async (t) => {
  const h = harness<ProgramElement>(IPFilter, 'allow tcp, 1 udp, drop icmp', ports(2));
  h.push(0, ip(web), ip(dns), ip(ping), ip(frames.udp({ proto: 17 })));
  t.equal(h.outputs[0]!.length, 1);
  t.equal(h.outputs[1]!.length, 2);
  t.equal(h.element.stats.dropped, 1, 'drop action counted');

  const g = harness<ProgramElement>(IPFilter, 'allow tcp, deny udp', ports(1));
  g.push(0, ip(web), ip(dns), ip(ping));
  t.equal(g.outputs[0]!.length, 1);
  t.equal(g.element.stats.dropped, 2, 'deny and no-match both drop');
  t.equal(g.element.drops, 2);

  const all = harness(IPFilter, 'drop src host 10.0.0.9, allow', ports(1));
  all.push(0, ip(web), ip(ping));
  t.equal(all.outputs[0]!.length, 1, 'a bare action matches everything');
});

t.test('IPClassifier sends pattern i to output i', async (t) => {
  const h = harness(IPClassifier, 'icmp, udp, tcp', ports(3));
  h.push(0, ip(web), ip(dns), ip(ping));
  t.same(h.outputs.map((o) => o.length), [1, 1, 1]);
  t.equal(h.outputs[2]![0]!.data[9 + 0], 6, 'the TCP packet went to output 2');
});

t.test('warnings as Click gives them', async (t) => {
  t.same(warningsOf(IPFilter, 'deny tcp, allow all', 2), ["pattern 0: meaning of 'deny' has changed (now it means 'drop')"]);
  t.same(warningsOf(IPFilter, 'deny tcp, allow all', 1), []);
  t.same(warningsOf(IPClassifier, 'ip ttl > 255, -', 2), ["pattern 0: relation '> 255' is always false (range 0-255)", 'output 0 matches no packets']);
  t.same(warningsOf(IPClassifier, 'ip ttl < 256', 1), ["pattern 0: relation '< 256' is always true (range 0-255)"]);
  t.same(warningsOf(IPClassifier, 'src ip ttl 5', 1), ["pattern 0: 'src ip ttl': 'src' or 'dst' ignored"]);
  t.same(warningsOf(IPClassifier, 'tcp, tcp and syn, -', 3), ['output 1 matches no packets']);
});

t.test('configuration errors name the pattern and what is wrong', async (t) => {
  const ipc = (c: string, n = 2) => configError(IPClassifier, c, 1, n);
  t.equal(ipc('tcp, udp, -'), 'need 2 arguments, one per output port');
  t.equal(ipc('tcp foo, -'), "pattern 0: unknown primitive 'foo'");
  t.equal(ipc('tcp, hots 10.0.0.1'), "pattern 1: unknown primitive 'hots'");
  t.equal(ipc('host 10.0.0.256, -'), "pattern 0: 'host': bad IP address '10.0.0.256'");
  t.equal(ipc('src net 10.0.0.0/33, -'), "pattern 0: 'src net': bad IP prefix '10.0.0.0/33'");
  t.equal(ipc('ip ttl, -'), "pattern 0: 'ip ttl': value missing");
  t.equal(ipc('host, -'), "pattern 0: 'host': address missing");
  t.equal(ipc('port 1.2.3.4, -'), "pattern 0: 'port': value missing");
  t.equal(ipc('echo, -'), "pattern 0: 'echo' is ambiguous; try 'port echo', 'icmp type echo'");
  t.equal(ipc('icmp type ssh, -'), "pattern 0: 'ssh' makes no sense after 'icmp type'; try 'port ssh'");
  t.equal(ipc('5, -'), "pattern 0: specify header field or 'port'");
  t.equal(ipc('tcp opt > 3, -'), "pattern 0: 'tcp opt': operator or mask not supported");
  t.equal(ipc('tcp opt 300, -'), "pattern 0: 'tcp opt': value 300 out of range");
  t.equal(ipc('ip hl 16, -'), "pattern 0: 'ip hl': value 16 out of range, bound 15");
  t.equal(ipc('ip tos & 0x100 1, -'), "pattern 0: 'ip tos': mask out of range, bound 0xFF");
  t.equal(ipc('ip ttl & 0 == 1, -'), "pattern 0: zero mask ignored in '& 0'");
  t.equal(ipc('ip frag 1, -'), "pattern 0: 'ip frag': value not supported");
  t.equal(ipc('icmp port 5, -'), "pattern 0: 'port': bad protocol 1");
  t.equal(ipc('tcp udp, -'), "pattern 0: transport protocol specified twice ('tcp' and 'udp')");
  t.equal(ipc('src dst host 1.2.3.4, -'), "pattern 0: 'src' or 'dst' specified twice");
  t.equal(ipc('host host 1.2.3.4, -'), "pattern 0: type specified twice ('host' and 'host')");
  t.equal(ipc('ip proto tcp 17, -'), "pattern 0: 'ip proto': specified twice");
  t.equal(ipc('ip ttl > foo, -'), "pattern 0: dangling operator near 'foo'");
  t.equal(ipc('tcp), -'), "pattern 0: garbage after expression at ')'");
  t.equal(ipc('(tcp', 1), "pattern 0: missing ')'");
  t.equal(ipc('tcp and, -'), 'pattern 0: missing expression');
  t.equal(ipc('tcp or, -'), 'pattern 0: missing expression');
  t.equal(ipc('not, -'), "pattern 0: missing expression after 'not'");
  t.equal(ipc('(), -'), "pattern 0: missing expression before ')'");
  t.equal(ipc('tcp ? udp, -'), "pattern 0: missing ':' in ternary expression");
  t.equal(ipc('ip[3:5] 1, -'), "pattern 0: LEN in '[POS:LEN]' out of range, should be between 1 and 4");
  t.equal(ipc('ip[3:2] 1, -'), 'pattern 0: field [3:2] does not fit in a single word');
  t.equal(ipc('ip[x] 1, -'), "pattern 0: syntax error after '[', expected '[POS]' or '[POS:LEN]'");
  t.equal(ipc('ip[2 1', 1), "pattern 0: missing ']'");
  t.equal(ipc('ether host 00:11:22:33:44:55, -'), "pattern 0: 'ether' primitives are not supported");
  const ipf = (c: string, n = 2) => configError(IPFilter, c, 1, n);
  t.equal(ipf('frob tcp'), "pattern 0: unknown slot ID 'frob'");
  t.equal(ipf('allow tcp, 3 udp'), "pattern 1: slot '3' out of range");
  t.equal(ipf('allow tcp', 0), "pattern 0: 'allow' is meaningless, element has zero outputs");
  t.equal(ipf('allow tcp, ""'), 'pattern 1: empty pattern');
  try {
    configure(IPFilter, 'allow tcp, allow udp, allow ip ttl', 1, 1);
    t.fail('should throw');
  } catch (e) {
    t.equal((e as { argIndex?: number }).argIndex, 2, 'the error names the argument');
  }
});

t.test('program handler; configuration is plain data', async (t) => {
  const h = harness(IPFilter, 'allow udp && dst port 53, deny all', ports(1));
  const text = h.read('program');
  t.match(text, /ip\+8\/00110000%00ff0000/, 'tests the protocol');
  t.match(text, /transp\+0\/00000035%0000ffff/, 'tests the destination port');
  t.match(text, /\[X\]/, 'drops the rest');
  const conf = configure(IPFilter, 'allow udp && dst port 53, deny all', 1, 1) as ProgramConf;
  validateProgram(conf.program);
  t.same(JSON.parse(JSON.stringify(conf)), conf);
  t.equal(harness(IPClassifier, 'all', ports(1)).read('program'), 'all->[0]\nsafe length 0');
});

t.test('IPClassifier patternN handlers read and replace patterns', async (t) => {
  const h = harness<ProgramElement>(IPClassifier, 'tcp, udp, -', ports(3));
  t.equal(h.read('pattern0'), 'tcp');
  t.equal(h.read('pattern2'), '-');
  t.throws(() => h.read('pattern3'), /no handler/);
  h.write('pattern0', 'icmp');
  t.equal(h.read('pattern0'), 'icmp');
  h.push(0, ip(ping), ip(web));
  t.equal(h.outputs[0]!.length, 1, 'the new pattern is in force');
  t.equal(h.outputs[2]!.length, 1);
  t.throws(() => h.write('pattern1', 'udp port'), /pattern 1: 'port': value missing/);
  t.equal(h.read('pattern1'), 'udp', 'a bad pattern leaves the old one');
  t.notOk(IPFilter.instanceHandlers, 'IPFilter has no pattern handlers (as in Click)');
});

t.test('errors carry hints for the common mistakes', async (t) => {
  const hintOf = (config: string, n = 2) => {
    try {
      configure(IPClassifier, config, 1, n);
    } catch (e) {
      return (e as { hint?: string }).hint;
    }
    return undefined;
  };
  t.match(hintOf('tcp foo, -'), /primitives: .*host ADDR/);
  t.match(hintOf('5, -'), /e\.g\. 'dst port 80'/);
  t.match(hintOf('tcp ? udp, -'), /spaces around ':'/);
});

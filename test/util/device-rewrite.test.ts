// rewriteDumpsToDevices: FromDump -> FromDevice(0), the k-th inline ToDump ->
// Queue -> ToDevice(k + 1), an optional stopping Script; every conformance
// configuration rewritten still loads, and has no capture element left.
import t from 'tap';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { rewriteDumpsToDevices, DeviceRewriteError } from './device-rewrite.js';

const fixtures = new URL('../fixtures/conformance/', import.meta.url).pathname;

t.test('a chain with two outputs', async (t) => {
  const r = rewriteDumpsToDevices(
    `// ToDump(commented.pcap) is not an output\nFromDump(in.pcap, STOP true) -> c :: Classifier(12/0800, -);\nc[0] -> ToDump(ip.pcap);\nc[1] -> ToDump("rest.pcap", SNAPLEN 60);\n`,
  );
  t.equal(r.input, 'in.pcap');
  t.same(r.outputs, ['ip.pcap', 'rest.pcap'], 'outputs in text order, comments ignored, quotes removed');
  t.equal(r.rx, 'vm_rx');
  t.same(r.tx, ['vm_tx1', 'vm_tx2']);
  t.match(r.text, /vm_rx :: FromDevice\(0\) -> c :: Classifier/);
  t.match(r.text, /c\[0\] -> Queue\(1000\) -> vm_tx1 :: ToDevice\(1\);/);
  t.match(r.text, /c\[1\] -> Queue\(1000\) -> vm_tx2 :: ToDevice\(2\);/);
  t.match(r.text, /\/\/ ToDump\(commented\.pcap\) is not an output/, 'the comment is left as it was');
  t.notMatch(r.text, /Script/, 'no Script unless asked');
  const g = loadConfig(r.text, '<test>', {});
  t.same(g.elements.filter((e) => /Device/.test(e.className)).map((e) => `${e.name}:${e.className}`).sort(), ['vm_rx:FromDevice', 'vm_tx1:ToDevice', 'vm_tx2:ToDevice']);
});

t.test('a named FromDump keeps its name; taken names are avoided; the stopping Script', async (t) => {
  const r = rewriteDumpsToDevices(`vm_tx1 :: Counter; src :: FromDump(x.pcap) -> vm_tx1 -> ToDump(o.pcap);`, { stopAfter: 42, settleMs: 50, queueCapacity: 7 });
  t.equal(r.rx, 'src');
  t.same(r.tx, ['vm_tx1_2'], 'a fresh name');
  t.match(r.text, /src :: FromDevice\(0\) -> vm_tx1 -> Queue\(7\) -> vm_tx1_2 :: ToDevice\(1\);/);
  t.match(r.text, /vm_stop :: Script\(label wait, wait 5ms, goto wait \$\(lt \$\(add \$\(src\.count\) \$\(src\.kernel_drops\)\) 42\), wait 50ms, stop\);/);
  const g = loadConfig(r.text, '<test>', {});
  t.ok(g.elements.some((e) => e.className === 'Script'), 'the Script is in the graph');
});

t.test('what cannot be rewritten is refused', async (t) => {
  t.throws(() => rewriteDumpsToDevices('Idle -> ToDump(a.pcap);'), DeviceRewriteError, 'no FromDump');
  t.throws(() => rewriteDumpsToDevices('FromDump(a) -> Discard; FromDump(b) -> Discard;'), /more than one FromDump/);
  t.throws(() => rewriteDumpsToDevices('FromDump(a) -> d :: ToDump(b);'), /declared ToDump/);
});

t.test('every conformance configuration rewrites into a loadable device configuration', async (t) => {
  for (const name of readdirSync(fixtures).filter((n) => existsSync(join(fixtures, n, 'config.click')))) {
    const text = readFileSync(join(fixtures, name, 'config.click'), 'utf8');
    const dumps = [...text.replace(/\/\/.*$/gm, '').matchAll(/\bToDump\s*\(/g)].length;
    let r;
    try {
      r = rewriteDumpsToDevices(text, { stopAfter: 300 });
    } catch (e) {
      t.fail(`${name}: ${(e as Error).message}`);
      continue;
    }
    t.equal(r.outputs.length, dumps, `${name}: ${dumps} outputs`);
    const g = loadConfig(r.text, name, {});
    t.notOk(g.elements.some((e) => e.className === 'FromDump' || e.className === 'ToDump'), `${name}: loads, no capture element left`);
    t.equal(g.elements.filter((e) => e.className === 'ToDevice').length, dumps, `${name}: one ToDevice per ToDump`);
  }
});

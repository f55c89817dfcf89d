// State Click shares between element instances and takes from per packet
// (graph/delivery.ts, ElementSpec.sharedState) keeps Click's packet order in
// both engines: two ICMPErrors on the two outputs of one IPClassifier number
// their errors from one counter in input order, as Click's packet-at-a-time
// run does, even when the whole input arrives as one batch.
import t from 'tap';
import { analyzeDelivery } from '../../graph/delivery.js';
import { loadConfig } from '../../config-lang/load.js';
import { ipv4, udp } from '../util/packets.js';
import { differential, runHost } from './differential.js';
import { framesSource } from './ether-ip-harness.js';

const packets = Array.from({ length: 6 }, (_, i) =>
  ipv4(udp(new Uint8Array(8), { src: '10.1.1.1', dst: i % 2 ? '10.0.0.2' : '10.0.0.1' }), { src: '10.1.1.1', dst: i % 2 ? '10.0.0.2' : '10.0.0.1', proto: 17 }),
);
const config = `${framesSource(packets, 'BURST 6')} -> CheckIPHeader -> c :: IPClassifier(dst host 10.0.0.1, -);
  c[0] -> a :: ICMPError(192.0.2.1, unreachable, host) -> la :: EIPLog;
  c[1] -> b :: ICMPError(192.0.2.1, unreachable, host) -> lb :: EIPLog;`;

/** The IP IDs of the errors an EIPLog saw (its lines hold the packet's bytes in hex after len=). */
function ids(log: string): number[] {
  return log.split('\n').filter(Boolean).map((l) => parseInt(/^len=\d+ ([0-9a-f]+)/.exec(l)![1]!.slice(8, 12), 16));
}

t.test('ICMPError IP IDs across two branches: input order, as in Click', async (t) => {
  const graph = loadConfig(config, 'shared.click');
  const c = graph.elements.findIndex((e) => e.name === 'c');
  t.not(analyzeDelivery(graph).mode[c], 'batch', 'the classifier does not hand each branch its whole batch');
  const host = runHost({ config, handlers: ['la.log', 'lb.log'] });
  t.same(ids(host.handlers['la.log']!), [1, 3, 5], 'errors for the first, third and fifth packets');
  t.same(ids(host.handlers['lb.log']!), [2, 4, 6]);
  differential(t, { config, handlers: ['la.log', 'lb.log'] });
});

t.test('the router-wide random sequence is shared state too: RandomSample and IPFragmenter draw in packet order', async (t) => {
  const text = `${framesSource(packets, 'BURST 6')} -> CheckIPHeader -> c :: IPClassifier(dst host 10.0.0.1, -);
    c[0] -> RandomSample(0.5) -> la :: EIPLog;
    c[1] -> IPFragmenter(576, HONOR_DF false) -> lb :: EIPLog;
    d :: IPClassifier(dst host 10.0.0.1, -); Idle -> d; d[0] -> la2 :: EIPLog; d[1] -> lb2 :: EIPLog;`;
  const g = loadConfig(text, 'random.click');
  const mode = analyzeDelivery(g).mode;
  const at = (name: string) => g.elements.findIndex((e) => e.name === name);
  t.not(mode[at('c')], 'batch', 'branches that both draw: in order');
  t.equal(mode[at('d')], 'batch', 'branches that share nothing still take whole batches');
});

t.test('IPFragmenter takes from the random sequence only with HONOR_DF false: otherwise its packets go on in batches', async (t) => {
  // Each fragmenter's error output loops back into the other's input, as in
  // the IP router example, so each reaches the other: ordered only when they draw.
  const text = (honor: string) => `${framesSource(packets, 'BURST 6')} -> CheckIPHeader -> c :: IPClassifier(dst host 10.0.0.1, -);
    c[0] -> f0 :: IPFragmenter(576${honor}) -> la :: EIPLog; f0[1] -> ICMPError(10.0.0.9, unreachable, needfrag) -> c;
    c[1] -> f1 :: IPFragmenter(576${honor}) -> lb :: EIPLog; f1[1] -> ICMPError(10.0.0.9, unreachable, needfrag) -> c;`;
  for (const [honor, want] of [['', 'runs'], [', HONOR_DF true', 'runs'], [', HONOR_DF false', 'single']] as const) {
    const g = loadConfig(text(honor), 'frag.click');
    const mode = analyzeDelivery(g).mode;
    const f0 = g.elements.findIndex((e) => e.name === 'f0');
    t.equal(mode[f0], want, `IPFragmenter(576${honor}): ${want}`);
  }
});

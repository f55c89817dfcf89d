// Every standard element accounts for every packet: in + created = out +
// dropped + consumed + held, whatever it does with them (clones, drops,
// queueing, reset flushing), with well-formed, short and empty packets.

import t from 'tap';
import { specs } from '../../../elements/standard/index.js';
import type { AnyElementSpec } from '../../../elements/spec.js';
import type { HostElement, PortMode } from '../../../host-engine/element.js';
import { Packet } from '../../../host-engine/packet.js';
import { harness } from '../../util/element-harness.js';
import { frames } from '../../util/packets.js';

/** A configuration and port layout per class, exercising drops and clones where the class has them. */
const setups: Record<string, { config: string; inputs: PortMode[]; outputs: PortMode[] }> = {
  Counter: { config: '', inputs: ['push'], outputs: ['push'] },
  AverageCounter: { config: '', inputs: ['push'], outputs: ['push'] },
  Meter: { config: '1000', inputs: ['push'], outputs: ['push', 'push'] },
  BandwidthMeter: { config: '1kBps', inputs: ['push'], outputs: ['push', 'push'] },
  Queue: { config: '3', inputs: ['push'], outputs: ['pull', 'push'] },
  FullNoteQueue: { config: '3', inputs: ['push'], outputs: ['pull'] },
  SimpleQueue: { config: '3', inputs: ['push'], outputs: ['pull'] },
  FrontDropQueue: { config: '3', inputs: ['push'], outputs: ['pull', 'push'] },
  Unqueue: { config: '2', inputs: ['pull'], outputs: ['push'] },
  RatedUnqueue: { config: '1000', inputs: ['pull'], outputs: ['push'] },
  BandwidthRatedUnqueue: { config: '1MBps', inputs: ['pull'], outputs: ['push'] },
  RoundRobinSched: { config: '', inputs: ['pull', 'pull'], outputs: ['pull'] },
  PrioSched: { config: '', inputs: ['pull', 'pull'], outputs: ['pull'] },
  Null: { config: '', inputs: ['push'], outputs: ['push'] },
  PushNull: { config: '', inputs: ['push'], outputs: ['push'] },
  PullNull: { config: '', inputs: ['pull'], outputs: ['pull'] },
  Tee: { config: '3', inputs: ['push'], outputs: ['push', 'push', 'push'] },
  PullTee: { config: '', inputs: ['pull'], outputs: ['pull', 'push'] },
  Switch: { config: '-1', inputs: ['push'], outputs: ['push'] },
  StaticSwitch: { config: '1', inputs: ['push'], outputs: ['push', 'push'] },
  RoundRobinSwitch: { config: '', inputs: ['push'], outputs: ['push', 'push'] },
  HashSwitch: { config: '12, 2', inputs: ['push'], outputs: ['push', 'push', 'push'] },
  RandomSample: { config: '0.5', inputs: ['push'], outputs: ['push'] },
  Paint: { config: '255', inputs: ['push'], outputs: ['push'] },
  PaintTee: { config: '0', inputs: ['push'], outputs: ['push', 'push'] },
  PaintSwitch: { config: '', inputs: ['push'], outputs: ['push'] },
  CheckPaint: { config: '1', inputs: ['push'], outputs: ['push'] },
  CheckLength: { config: '60', inputs: ['push'], outputs: ['push'] },
  Strip: { config: '14', inputs: ['push'], outputs: ['push'] },
  Unstrip: { config: '14', inputs: ['push'], outputs: ['push'] },
  StripToNetworkHeader: { config: '', inputs: ['push'], outputs: ['push'] },
  Truncate: { config: '20', inputs: ['push'], outputs: ['push'] },
  StoreData: { config: '6, \\<01 02 03>', inputs: ['push'], outputs: ['push'] },
  Pad: { config: '', inputs: ['push'], outputs: ['push'] },
  Hub: { config: '', inputs: ['push', 'push'], outputs: ['push', 'push'] },
  NotifierQueue: { config: '3', inputs: ['push'], outputs: ['pull', 'push'] },
  MixedQueue: { config: '3', inputs: ['push', 'push'], outputs: ['pull', 'push'] },
  PullSwitch: { config: '1', inputs: ['pull', 'pull'], outputs: ['pull'] },
  SimplePullSwitch: { config: '0', inputs: ['pull', 'pull'], outputs: ['pull'] },
  RatedSplitter: { config: '2', inputs: ['push'], outputs: ['push', 'push'] },
  BandwidthRatedSplitter: { config: '100Bps', inputs: ['push'], outputs: ['push'] },
};

function traffic(): Packet[] {
  const list = [frames.udp(), frames.tcp(), frames.icmpEcho(), frames.arpRequest(), new Uint8Array(0), Uint8Array.of(8), new Uint8Array(13)].map((d) => Packet.make(d));
  list[0]!.setNetworkHeader(14, 20);
  list[1]!.paint = 1;
  return [...list, ...list.map((p) => p.clone())];
}

function balance(e: HostElement): number {
  const s = e.stats;
  return s.in + s.created - (s.out + s.dropped + s.consumed + e.held());
}

t.test('every registered standard class has an accounting setup', async (t) => {
  t.same(specs.map((s) => s.name).filter((n) => !setups[n]), []);
});

for (const spec of specs as AnyElementSpec[]) {
  const setup = setups[spec.name];
  if (!setup) continue;
  t.test(`${spec.name} balances its packets`, async (t) => {
    const h = harness(spec, setup.config, { inputs: setup.inputs, outputs: setup.outputs, now: 1_700_000_000_000_000_000n });
    const input = traffic();
    if (setup.inputs[0] === 'push') h.push(0, ...input);
    else setup.inputs.forEach((_, port) => h.pullable[port]!.push(...input.filter((_, i) => i % setup.inputs.length === port)));
    for (let i = 0; i < 50; i++) {
      h.advanceTo(h.now + 1_000_000n);
      h.runTaskLikeEngine();
      if (setup.outputs[0] === 'pull') h.pull(0, 2);
    }
    if (h.element.held() > 0 && spec.handlers?.['reset']) {
      h.write('reset', '');
      h.advanceTo(h.now + 1_000_000n);
    }
    t.equal(balance(h.element), 0, JSON.stringify({ ...h.element.stats, held: h.element.held() }));
  });
}

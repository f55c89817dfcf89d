// The NAT example (examples/nat/nat.click) on memory devices, swapped for a
// second configuration under a steady stream of flows and their answers:
// the hot reconfiguration check both engines run (test/host-engine/ and
// test/native/hotconfig.test.ts).
import type { Test } from 'tap';
import { arp, ether, frames } from './packets.js';

/** What a swap scenario needs of an engine on memory devices (the NAT's: ring capacity 8; the rewriters' too). */
export interface NatEngine {
  inject(device: string, frames: readonly Uint8Array[]): void;
  collect(device: string): Uint8Array[];
  /** Everything that can happen now (1 ms of simulated time). */
  round(): void;
  read(handler: string): string;
  /** Install `text` now; it takes over before the next round's packets. */
  reconfigure(text: string): void;
  /** Does every element's packet accounting balance? */
  balanced(): boolean;
}

/** The NAT with memory devices: `pattern` is the port range of new flows, `extra` goes after the `out` counter. */
export const NAT = (pattern: string, extra = '') => `
define($IN_IP 10.0.0.1, $IN_MAC 00:16:3e:00:01:01,
       $PUBLIC_IP 198.51.100.2, $OUT_MAC 00:16:3e:00:01:02, $PROVIDER_MAC 00:1c:73:00:64:01);
inside :: FromDevice(in0);
outside :: FromDevice(out0);
to_inside :: Queue(1000) -> tx_in :: ToDevice(in0);
to_outside :: Queue(1000) -> tx_out :: ToDevice(out0);
rw :: IPRewriter(pattern $PUBLIC_IP ${pattern} - - 0 1, drop);
to_world :: EtherEncap(0x0800, $OUT_MAC, $PROVIDER_MAC) -> to_outside;
arpq :: ARPQuerier($IN_IP, $IN_MAC) -> to_inside;
inside -> cin :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
cin[0] -> ARPResponder($IN_IP $IN_MAC) -> to_inside;
cin[1] -> [1]arpq;
cin[3] -> Discard;
cin[2] -> Strip(14) -> CheckIPHeader
       -> from_in :: IPClassifier(icmp type echo and dst host $IN_IP, (tcp or udp) and not dst net 10.0.0.0/8, -);
from_in[0] -> ICMPPingResponder -> [0]arpq;
from_in[1] -> [0]rw;
from_in[2] -> untranslated :: Counter -> Discard;
outside -> cout :: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -);
cout[0] -> ARPResponder($PUBLIC_IP $OUT_MAC) -> to_outside;
cout[1] -> Discard;
cout[3] -> Discard;
cout[2] -> Strip(14) -> CheckIPHeader
        -> from_out :: IPClassifier(icmp type echo and dst host $PUBLIC_IP, (tcp or udp) and dst host $PUBLIC_IP, -);
from_out[0] -> ICMPPingResponder -> to_world;
from_out[1] -> for_public :: Counter -> [1]rw;
from_out[2] -> Discard;
rw[0] -> out :: Counter -> ${extra} to_world;
rw[1] -> back :: Counter -> [0]arpq;
`;

const HOSTS = 4;
const hostIP = (h: number) => `10.0.0.${10 + h}`;
const hostMAC = (h: number) => `00:00:c0:00:00:${(0x10 + h).toString(16)}`;
const SERVER = '203.0.113.5';
const u16 = (f: Uint8Array, at: number) => (f[at]! << 8) | f[at + 1]!;
const ipText = (f: Uint8Array, at: number) => `${f[at]}.${f[at + 1]}.${f[at + 2]}.${f[at + 3]}`;
const idPayload = (id: number) => Uint8Array.of(id >> 8, id & 255, 0, 0, 0, 0, 0, 0);


/** The first configuration of natSwapUnderStream. */
export const NAT_FIRST = NAT('1024-65535');

/**
 * Run NAT_FIRST (already initialized in `e`) for 16 rounds of new flows,
 * packets of established flows and the answers to them, swapping in a
 * configuration with another port range and one more counter at round 6
 * while packets wait in to_outside, then drain; check that nothing was lost
 * or doubled, that flows keep their mappings and counters go on.
 */
export function natSwapUnderStream(t: Test, e: NatEngine): void {
  // The inside hosts announce themselves, so replies need no ARP query.
  e.inject('in0', Array.from({ length: HOSTS }, (_, h) => ether(arp({ op: 2, sha: hostMAC(h), spa: hostIP(h), tha: '00:16:3e:00:01:01', tpa: '10.0.0.1' }), { dst: '00:16:3e:00:01:01', src: hostMAC(h), type: 0x0806 })));
  e.round();

  let nextId = 0;
  let nextFlow = 0;
  const flowOfId = new Map<number, number>();
  const sentOut: number[] = [];
  const outAt = new Map<number, { sport: number; swapped: boolean }>();
  const repliesIn: number[] = [];
  const repliesOut: number[] = [];
  let pendingReplies: Uint8Array[] = [];
  let swapped = false;
  let queuedAtSwap = 0;
  const mappedBefore = new Map<number, number>();

  const outbound = (flow: number) => {
    const id = nextId++;
    flowOfId.set(id, flow);
    sentOut.push(id);
    return frames.udp({ src: hostIP(flow % HOSTS), dst: SERVER, sport: 5000 + flow, dport: 53, payload: idPayload(id) });
  };
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) problems.push(what);
  };
  const collect = (skipOut = false) => {
    if (!skipOut) {
      for (const f of e.collect('out0')) {
        check(u16(f, 12) === 0x0800, 'only IP leaves outside');
        const id = u16(f, 42);
        check(ipText(f, 26) === '198.51.100.2', `packet ${id}: translated source`);
        const flow = flowOfId.get(id)!;
        const sport = u16(f, 34);
        if (!mappedBefore.has(flow)) mappedBefore.set(flow, sport);
        check(sport === mappedBefore.get(flow), `flow ${flow} keeps its mapping`);
        outAt.set(id, { sport, swapped });
        // The server answers every packet.
        const rid = 0x8000 | id;
        repliesIn.push(rid);
        pendingReplies.push(frames.udp({ src: SERVER, dst: '198.51.100.2', sport: 53, dport: sport, payload: idPayload(rid) }));
      }
    }
    for (const f of e.collect('in0')) {
      check(u16(f, 12) === 0x0800, 'no ARP query inside: the table is known');
      const rid = u16(f, 42);
      const flow = flowOfId.get(rid & 0x7fff)!;
      check(ipText(f, 30) === hostIP(flow % HOSTS), `answer ${rid}: translated back to its host`);
      check(u16(f, 36) === 5000 + flow, `answer ${rid}: and to its port`);
      repliesOut.push(rid);
    }
  };

  const ROUNDS = 16;
  for (let r = 0; r < ROUNDS; r++) {
    // Each round: two packets of flows already mapped, one of a new flow; the answers to last round's packets.
    const batch = [outbound(nextFlow++)];
    if (nextFlow > 2) batch.push(outbound(nextFlow - 2), outbound(nextFlow - 3));
    e.inject('in0', batch);
    e.inject('out0', pendingReplies.splice(0, 8));
    if (r === 6) {
      // Packets wait in to_outside (out0's ring was not emptied for four rounds) when the new configuration comes.
      queuedAtSwap = Number(e.read('to_outside.length')) + Number(e.read('tx_out.waiting'));
      e.reconfigure(NAT('40000-40999', 'out2 :: Counter ->'));
      swapped = true;
    }
    e.round();
    collect(r >= 2 && r <= 5);
  }
  // Drain: no new packets, the answers still come.
  for (let r = 0; r < 12 && (pendingReplies.length || repliesOut.length < repliesIn.length || outAt.size < sentOut.length); r++) {
    e.inject('out0', pendingReplies.splice(0, 8));
    e.round();
    collect();
  }

  t.same(problems, [], 'every frame: IP only, translated, each flow on one mapping, answers back to their host and port');
  t.ok(queuedAtSwap > 0, `packets were queued at the swap (${queuedAtSwap})`);
  t.same([...outAt.keys()], sentOut, 'every packet out once, in order');
  t.same(repliesOut, repliesIn, 'every answer delivered once, in order');
  const newFlowsAfter = [...mappedBefore.entries()].filter(([flow]) => flow >= 6);
  t.ok(newFlowsAfter.length > 0 && newFlowsAfter.every(([, sport]) => sport >= 40000 && sport <= 40999), "flows new after the swap take the new pattern's ports");
  t.ok([...mappedBefore.entries()].filter(([flow]) => flow < 6).every(([flow, sport]) => sport === 5000 + flow), 'flows from before keep theirs');
  t.equal(e.read('out.count'), String(sentOut.length), 'out counts from the first packet');
  t.equal(e.read('back.count'), String(repliesIn.length));
  t.equal(e.read('arpq.queries'), '0');
  t.ok(Number(e.read('out2.count')) < sentOut.length, 'the new counter counts only since the swap');
  t.equal(e.read('rw.nmappings'), String(nextFlow), 'one mapping per flow, old ones carried over');
  t.ok(e.balanced(), 'the new router balances');
}

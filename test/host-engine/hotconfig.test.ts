// Hot reconfiguration on the host engine (host-engine/hotconfig.ts, the
// `hotconfig` handler of `clickvm run -R`): a new configuration is built and
// initialized beside the running router, errors leave the old one running,
// and the swap hands queued packets, counts, NAT mappings and the ARP table
// over, so a stream going through the swap loses and duplicates nothing.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';
import { MemoryDevices } from '../../host-engine/devices.js';
import { HandlerError } from '../../host-engine/handlers.js';
import { HotConfigDriver, HOTCONFIG_FILE_NAME } from '../../host-engine/hotconfig.js';
import { Router } from '../../host-engine/router.js';
import { arp, ether, frames } from '../util/packets.js';

/** A driver over memory devices (ring capacity `capacity`) on simulated time. */
function hotDriver(text: string, capacity: number, lines: string[] = []) {
  const devices = new MemoryDevices(capacity);
  const driver = new HotConfigDriver(
    {
      load: (cfg) => loadConfig(cfg, HOTCONFIG_FILE_NAME),
      makeRouter: (g, opts) => new Router(g, { simtime: true, devices, stderr: (l) => lines.push(l), stdout: (l) => lines.push(l), ...opts }),
      warn: (m) => lines.push(`warning: ${m}`),
    },
    text,
  );
  driver.initialize();
  /** Run 1 ms of engine time (everything that can happen now). */
  const round = () => driver.run({ until: driver.router.now() + 1_000_000n });
  return { driver, devices, round, lines };
}

/** Numbered UDP frames: the number is the payload's first 4 bytes. */
const numbered = (from: number, n: number) => Array.from({ length: n }, (_, i) => frames.udp({ payload: Uint8Array.of(0, 0, (from + i) >> 8, (from + i) & 255, 9, 9) }));
const numberOf = (f: Uint8Array) => (f[42 + 2]! << 8) | f[42 + 3]!;

const BRIDGE = (extra = '', queue = 'Queue(100)') => `rx :: FromDevice(a) -> c :: Counter -> ${extra} q :: ${queue} -> tx :: ToDevice(b);`;

t.test('a swap keeps queued packets in order, counts going on, and happens between steps', async (t) => {
  const { driver, devices, round } = hotDriver(BRIDGE(), 4);
  devices.inject('a', numbered(0, 4));
  round(); // b's ring (4) takes them all
  devices.inject('a', numbered(4, 4));
  round(); // b's ring is full: one waits in tx, three in q
  const old = driver.router;
  t.equal(old.readHandler('q.length'), '3');
  t.equal(old.readHandler('tx.waiting'), '1');

  // SimpleQueue is Queue's Click-compatible class: it takes the packets.
  driver.router.writeHandler('hotconfig', BRIDGE('c2 :: Counter ->', 'SimpleQueue(100)'));
  t.equal(driver.router, old, 'the write only prepares the new router');
  t.equal(driver.swaps, 0);
  devices.inject('a', numbered(8, 4));
  round();
  t.not(driver.router, old, 'the next run swapped');
  t.equal(driver.swaps, 1);
  const now = driver.router;
  t.equal(now.readHandler('c.count'), '12', 'the counter goes on from 8');
  t.equal(now.readHandler('c2.count'), '4', 'a new element starts from zero');
  t.equal(now.readHandler('q.class'), 'SimpleQueue');

  const sent: number[] = [];
  for (let i = 0; i < 5; i++) {
    sent.push(...devices.collect('b').map(numberOf));
    round();
  }
  t.same(sent, Array.from({ length: 12 }, (_, i) => i), 'every packet once, in order');
  t.equal(now.readHandler('tx.count'), '12', "ToDevice's count carried over");
  t.ok(now.accounting().ok, 'the new router balances: taken packets count as created there');
  t.ok(old.accounting().ok, 'the old one too: handed packets count as consumed');
  driver.cleanup();
});

t.test('a bad configuration is refused with positioned errors and the old router keeps forwarding', async (t) => {
  const { driver, devices, round } = hotDriver(BRIDGE(), 64);
  devices.inject('a', numbered(0, 3));
  round();
  const old = driver.router;
  const refused = (text: string) => {
    try {
      old.writeHandler('hotconfig', text);
    } catch (e) {
      t.type(e, HandlerError);
      return (e as Error).message;
    }
    t.fail(`accepted: ${text}`);
    return '';
  };
  t.match(refused('rx :: FromDevice(a) -> c :: Countr -> Discard;'), /^<hotconfig>:1:29: error: unknown element class 'Countr'/);
  t.match(refused('rx :: FromDevice(a) -> q :: Queue(-3) -> tx :: ToDevice(b);'), /^<hotconfig>:1:\d+: error: .*CAPACITY/m);
  // Initialization fails (no such file): the candidate is cleaned up, nothing swapped.
  t.match(refused('FromDump(/nonexistent/x.pcap) -> Discard;'), /While initializing 'FromDump@1 :: FromDump'.*nonexistent/s);
  devices.inject('a', numbered(3, 3));
  round();
  t.equal(driver.router, old, 'still the first router');
  t.equal(driver.swaps, 0);
  t.equal(old.readHandler('c.count'), '6');
  t.same(devices.collect('b').map(numberOf), [0, 1, 2, 3, 4, 5]);
  t.ok(old.accounting().ok);
  driver.cleanup();
});

t.test('through a ControlSocket: errors come back in the reply, the connection lives through the swap', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotconfig-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'c.sock');
  const cs = `cs :: ControlSocket(UNIX, ${JSON.stringify(sock)});`;
  const { driver, devices } = hotDriver(`${cs} ${BRIDGE()}`, 64);
  const ac = new AbortController();
  const running = driver.runAsync({ signal: ac.signal });
  const client = await ControlClient.connect({ path: sock });
  // Frames put on a memory ring do not wake the run: ask until they went through.
  const readWhen = async (c: ControlClient, h: string, want: string) => {
    let v = '';
    for (let i = 0; i < 500 && v !== want; i++) v = await c.read(h).catch(() => '');
    return v;
  };
  devices.inject('a', numbered(0, 5));
  t.equal(await readWhen(client, 'c.count', '5'), '5');
  const err = await client.write('hotconfig', `${cs} rx :: FromDevice(a) -> c :: Counter(COUNT_CALL nope) -> Discard;`).catch((e: unknown) => e);
  t.type(err, ControlError);
  t.equal((err as ControlError).code, 520);
  t.match((err as ControlError).lines.join('\n'), /<hotconfig>:1:\d+: error: .*COUNT_CALL/);
  await client.write('hotconfig', `${cs} ${BRIDGE('c2 :: Counter ->')}`);
  // The same connection now reaches the new router's handlers.
  t.equal(await readWhen(client, 'c2.count', '0'), '0', 'c2 exists: swapped');
  devices.inject('a', numbered(5, 2));
  t.equal(await readWhen(client, 'c.count', '7'), '7');
  const second = await ControlClient.connect({ path: sock });
  t.equal(await second.read('c2.count'), '2', 'a new connection is served by the new router');
  await second.close();
  await client.write('stop');
  await client.close();
  ac.abort();
  await running;
  t.equal(driver.swaps, 1);
  t.same(devices.collect('b').map(numberOf), [0, 1, 2, 3, 4, 5, 6]);
  driver.cleanup();
});

// --- the NAT example (examples/nat/nat.click) on devices, swapped under a stream ---

const NAT = (pattern: string, extra = '') => `
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

t.test('the NAT swapped under a steady stream: nothing lost or doubled, flows keep their mappings, counters go on', async (t) => {
  const { driver, devices, round, lines } = hotDriver(NAT('1024-65535'), 8);
  // The inside hosts announce themselves, so replies need no ARP query.
  devices.inject('in0', Array.from({ length: HOSTS }, (_, h) => ether(arp({ op: 2, sha: hostMAC(h), spa: hostIP(h), tha: '00:16:3e:00:01:01', tpa: '10.0.0.1' }), { dst: '00:16:3e:00:01:01', src: hostMAC(h), type: 0x0806 })));
  round();

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
      for (const f of devices.collect('out0')) {
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
    for (const f of devices.collect('in0')) {
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
    devices.inject('in0', batch);
    devices.inject('out0', pendingReplies.splice(0, 8));
    if (r === 6) {
      // Packets wait in to_outside (out0's ring was not emptied for four rounds) when the new configuration comes.
      queuedAtSwap = Number(driver.router.readHandler('to_outside.length')) + Number(driver.router.readHandler('tx_out.waiting'));
      driver.router.writeHandler('hotconfig', NAT('40000-40999', 'out2 :: Counter ->'));
      swapped = true;
    }
    round();
    collect(r >= 2 && r <= 5);
  }
  // Drain: no new packets, the answers still come.
  for (let r = 0; r < 12 && (pendingReplies.length || repliesOut.length < repliesIn.length || outAt.size < sentOut.length); r++) {
    devices.inject('out0', pendingReplies.splice(0, 8));
    round();
    collect();
  }

  t.same(problems, [], 'every frame: IP only, translated, each flow on one mapping, answers back to their host and port');
  t.equal(driver.swaps, 1);
  t.ok(queuedAtSwap > 0, `packets were queued at the swap (${queuedAtSwap})`);
  t.same([...outAt.keys()], sentOut, 'every packet out once, in order');
  t.same(repliesOut, repliesIn, 'every answer delivered once, in order');
  const newFlowsAfter = [...mappedBefore.entries()].filter(([flow]) => flow >= 6);
  t.ok(newFlowsAfter.length > 0 && newFlowsAfter.every(([, sport]) => sport >= 40000 && sport <= 40999), "flows new after the swap take the new pattern's ports");
  t.ok([...mappedBefore.entries()].filter(([flow]) => flow < 6).every(([flow, sport]) => sport === 5000 + flow), 'flows from before keep theirs');
  const r = driver.router;
  t.equal(r.readHandler('out.count'), String(sentOut.length), 'out counts from the first packet');
  t.equal(r.readHandler('back.count'), String(repliesIn.length));
  t.equal(r.readHandler('arpq.queries'), '0');
  t.ok(Number(r.readHandler('out2.count')) < sentOut.length, 'the new counter counts only since the swap');
  t.equal(r.readHandler('rw.nmappings'), String(nextFlow), 'one mapping per flow, old ones carried over');
  t.ok(r.accounting().ok, 'the new router balances');
  t.same(lines.filter((l) => l.startsWith('warning')), []);
  driver.cleanup();
});

// Hot reconfiguration on the host engine (host-engine/hotconfig.ts, the
// `hotconfig` handler of `clickvm run -R`): a new configuration is built and
// initialized beside the running router, errors leave the old one running,
// and the swap hands queued packets, counts, NAT mappings and the ARP table
// over, so a stream going through the swap loses and duplicates nothing.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';
import { MemoryDevices } from '../../host-engine/devices.js';
import { HandlerError } from '../../host-engine/handlers.js';
import { HotConfigDriver, HOTCONFIG_FILE_NAME } from '../../host-engine/hotconfig.js';
import { Router } from '../../host-engine/router.js';
import { readCapture } from '../../host-engine/pcap.js';
import { frames } from '../util/packets.js';
import { NAT_FIRST, natSwapUnderStream } from '../util/hotconfig-nat.js';
import { checkDump, hostileConfigs, hostileStream, writeDumpInput } from '../util/hotconfig-hostile.js';
import { REWRITERS, rewritersAcrossSwap } from '../util/hotconfig-rewriters.js';

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

t.test('ToDump goes on writing the same file: one header, every packet once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotconfig-dump-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'out.pcap');
  const cfg = (extra: string) => `rx :: FromDevice(a) -> c :: Counter -> ${extra} d :: ToDump(${JSON.stringify(file)});`;
  const { driver, devices, round } = hotDriver(cfg(''), 64);
  devices.inject('a', numbered(0, 3));
  round();
  driver.router.writeHandler('hotconfig', cfg('c2 :: Counter ->'));
  devices.inject('a', numbered(3, 2));
  round();
  t.equal(driver.swaps, 1);
  t.equal(driver.router.readHandler('d.count'), '5');
  driver.cleanup();
  const cap = readCapture(readFileSync(file));
  t.same(cap.packets.map((p) => numberOf(p.data)), [0, 1, 2, 3, 4], 'the file holds every packet once, after one header');
});

t.test('examples/nat swapped halfway through its captures gives the bytes and lines of a run without the swap', async (t) => {
  const natDir = join(import.meta.dirname, '../../examples/nat');
  const dir = mkdtempSync(join(tmpdir(), 'hotconfig-nat-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const base = readFileSync(join(natDir, 'nat.click'), 'utf8');
  const into = (sub: string) => (text: string) => text.replace(/ToDump\((\w+-out\.pcap)\)/g, (_, f: string) => `ToDump(${JSON.stringify(join(dir, sub, f))})`);
  const run = (sub: string, swapAtNs?: bigint) => {
    mkdirSync(join(dir, sub));
    const lines: string[] = [];
    const d = new HotConfigDriver(
      {
        load: (cfg) => loadConfig(cfg, HOTCONFIG_FILE_NAME),
        makeRouter: (g, opts) => new Router(g, { simtime: true, baseDir: natDir, stderr: (l) => lines.push(l), stdout: (l) => lines.push(l), ...opts }),
      },
      into(sub)(base),
    );
    d.initialize();
    if (swapAtNs !== undefined) {
      d.run({ until: d.router.now() + swapAtNs });
      // The same middlebox with one more counter on the way out.
      d.router.writeHandler('hotconfig', into(sub)(base).replace('rw[0] -> out :: Counter ->', 'rw[0] -> out :: Counter -> out2 :: Counter ->'));
    }
    d.run();
    const r = { lines, swaps: d.swaps, out2: swapAtNs === undefined ? '' : d.router.readHandler('out2.count'), ok: d.router.accounting().ok };
    d.cleanup(); // ToDump writes its buffer out
    return { ...r, inside: readFileSync(join(dir, sub, 'inside-out.pcap')), outside: readFileSync(join(dir, sub, 'outside-out.pcap')) };
  };
  const plain = run('plain');
  // Halfway through the 3.5 s of captures: flows are open in both directions, answers are on their way.
  const swapped = run('swapped', 1_750_000_000n);
  t.equal(swapped.swaps, 1);
  t.ok(Number(swapped.out2) > 0 && Number(swapped.out2) < 410, `the new counter saw only the second half (${swapped.out2} of 410)`);
  t.same(swapped.lines, plain.lines, "DriverManager's report: the same counts, flows and ARP queries");
  t.same([readCapture(plain.inside).packets.length, readCapture(plain.outside).packets.length], [519, 414], 'the reference run wrote what examples/nat/README.md says');
  t.ok(swapped.inside.equals(plain.inside), 'inside-out.pcap byte for byte');
  t.ok(swapped.outside.equals(plain.outside), 'outside-out.pcap byte for byte');
  t.ok(swapped.ok);
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

t.test('the NAT swapped under a steady stream: nothing lost or doubled, flows keep their mappings, counters go on', async (t) => {
  const { driver, devices, round, lines } = hotDriver(NAT_FIRST, 8);
  natSwapUnderStream(t, {
    inject: (d, f) => void devices.inject(d, f),
    collect: (d) => devices.collect(d),
    round,
    read: (h) => driver.router.readHandler(h),
    reconfigure: (text) => driver.router.writeHandler('hotconfig', text),
    balanced: () => driver.router.accounting().ok,
  });
  t.equal(driver.swaps, 1);
  t.same(lines.filter((l) => l.startsWith('warning')), []);
  driver.cleanup();
});

t.test('hostile reconfigurations under a stream: each refused with its errors, the old router forwards on, then a swap', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hotconfig-hostile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sock = join(dir, 'c.sock');
  const dump = { from: join(dir, 'in.pcap'), to: join(dir, 'out.pcap') };
  writeDumpInput(dump.from);
  const { driver, devices, round } = hotDriver(hostileConfigs(sock, dump).first, 100_000);
  const { replayed } = await hostileStream(t, {
    inject: (dev, f) => devices.inject(dev, f),
    collect: (dev) => devices.collect(dev),
    step: async () => {
      round();
      await new Promise((r) => setImmediate(r));
    },
    read: (h) => driver.router.readHandler(h),
    balanced: () => driver.router.accounting().ok,
    swaps: () => driver.swaps,
  }, sock, dump);
  driver.cleanup();
  checkDump(t, dump.from, dump.to, replayed);
});

t.test('UDPRewriter and TCPRewriter keep their flows, and TCP sequence deltas, across a swap', async (t) => {
  const { driver, devices, round } = hotDriver(REWRITERS(), 64);
  rewritersAcrossSwap(t, {
    inject: (dev, f) => devices.inject(dev, f),
    collect: (dev) => devices.collect(dev),
    round,
    read: (h) => driver.router.readHandler(h),
    reconfigure: (text) => {
      driver.router.writeHandler('hotconfig', text);
      round();
    },
    balanced: () => driver.router.accounting().ok,
  });
  driver.cleanup();
});

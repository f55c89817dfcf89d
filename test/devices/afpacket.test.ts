// FromDevice and ToDevice on real Linux interfaces (the AF_PACKET back-end,
// runtime/device-afpacket.c), on both engines: the host engine through
// `clickvm run` (which reaches the back-end through koffi) and the compiled
// binary. Each test builds its own network (netns.ts: sender, middlebox and
// receiver namespaces joined by veth pairs, removed in teardown even when a
// test fails), sends frames from a raw socket in the sender's namespace,
// captures what comes out in the others, and checks the frames byte for byte
// against the host engine's output for the same input on memory devices,
// and the elements' counters. Needs root (CI runs as root); skips otherwise.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { readCapture } from '../../host-engine/pcap.js';
import { runDeviceSession } from '../native/engines.js';
import { ControlClient } from '../../host-engine/control/client.js';
import { cpuSeconds } from '../util/proc.js';
import { frames } from '../util/packets.js';
import { ENGINES, exchange, hex, mixedFrames, startMiddlebox, type Engine } from './exchange.js';
import { buildFrameTool, cannotRun, interrupt, makeNetwork, parseHandlers, readFrames, removeDir, spawnIn, waitOutput, waitPacketSockets, writeFrames, type Network } from './netns.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const reason = cannotRun();
if (reason) {
  t.plan(0, reason);
} else {
  const { tool, dir } = buildFrameTool();
  t.teardown(() => removeDir(dir));

  const network = (t: Test, tag: string, ifaces?: readonly [string, string]) => {
    const net = makeNetwork(tag, ifaces);
    t.teardown(() => net.remove());
    return net;
  };

  t.test('a bridge between two interfaces: every frame, byte for byte, in order, on both engines (and through the ring of blocks, METHOD PCAP)', async (t) => {
    const input = mixedFrames(400);
    const bridge = (method: string) => `rx :: FromDevice(m0, BURST 32, PROMISC true, METHOD ${method}) -> q :: Queue(1000) -> tx :: ToDevice(m1, BURST 32, METHOD ${method});`;
    const handlers = ['rx.count', 'rx.kernel_drops', 'tx.count', 'tx.waiting', 'q.drops'];
    const ref = runDeviceSession('host', { config: bridge('LINUX'), rounds: [{ inject: { m0: input }, collect: ['m1', 'm0'] }], handlers });
    t.equal(ref.rounds[0]!.sent['m1']!.length, input.length, 'memory devices: every frame crosses');
    const runs = [...ENGINES.map((e) => [e, 'LINUX'] as const), ['native', 'PCAP'] as const];
    for (const [engine, method] of runs) {
      const config = bridge(method);
      const net = network(t, engine === 'host' ? 'bh' : method === 'PCAP' ? 'bp' : 'bn');
      let promisc = '';
      const r = await exchange(t, net, tool, dir, {
        engine,
        config,
        handlers,
        sockets: 2,
        fromSender: input,
        expect: { s0: 0, r0: input.length },
        during: () => void (promisc = readLink(net.middle, 'm0')),
      });
      const who = `${engine} ${method}`;
      t.same(hex(r.atReceiver), ref.rounds[0]!.sent['m1'], `${who}: the frames that came out are the memory run's, byte for byte`);
      t.same(r.atSender, [], `${who}: nothing goes back toward the sender`);
      t.same(r.handlers, { 'rx.count': '400', 'rx.kernel_drops': '0', 'tx.count': '400', 'tx.waiting': '0', 'q.drops': '0' }, `${who}: counters`);
      t.match(promisc, /promiscuity 1/, `${who}: PROMISC true puts the interface in promiscuous mode while it runs`);
      t.match(readLink(net.middle, 'm0'), /promiscuity 0/, `${who}: and out of it when the router is gone`);
    }
  });

  t.test('SNAPLEN cuts frames; OUTBOUND decides whether a FromDevice sees what the host sends', async (t) => {
    const input = mixedFrames(120);
    // Frames another program of the middlebox's host sends out of m1. A
    // router's own ToDevice frames are never seen by its FromDevice on the
    // same interface, OUTBOUND or not (as in Click on Linux).
    const hostFrames = mixedFrames(30);
    const hostFile = join(dir, 'host-frames.send');
    writeFrames(hostFile, hostFrames);
    for (const engine of ENGINES) {
      for (const outbound of [false, true]) {
        const config = `FromDevice(m0, SNAPLEN 100, BURST 16) -> q :: Queue(1000) -> tx :: ToDevice(m1, BURST 16);
                        back :: FromDevice(m1, OUTBOUND ${outbound}) -> seen :: Counter -> Discard;`;
        const handlers = ['tx.count', 'seen.count', 'back.count'];
        const ref = runDeviceSession('host', { config, rounds: [{ inject: { m0: input }, collect: ['m1'] }], handlers });
        const net = network(t, `${engine === 'host' ? 'h' : 'n'}${outbound ? 'o' : 'i'}`);
        const r = await exchange(t, net, tool, dir, {
          engine,
          config,
          handlers,
          sockets: 3,
          fromSender: input,
          expect: { s0: 0, r0: input.length },
          during: async () => {
            execFileSync('ip', ['netns', 'exec', net.middle, tool, 'send', 'm1', hostFile]);
            await new Promise((r) => setTimeout(r, 300));
          },
        });
        t.same(hex(r.atReceiver), ref.rounds[0]!.sent['m1'], `${engine}: frames cut to 100 bytes as on memory devices`);
        t.ok(r.atReceiver.every((f) => f.length <= 100), `${engine}: none longer than SNAPLEN`);
        t.equal(r.handlers['tx.count'], '120', `${engine}: all sent`);
        t.equal(r.handlers['seen.count'], outbound ? String(hostFrames.length) : '0', `${engine}: OUTBOUND ${outbound}: ${outbound ? 'every' : 'no'} frame the host sends on m1 is seen`);
        t.equal(r.handlers['back.count'], r.handlers['seen.count'], `${engine}: FromDevice's count`);
      }
    }
  });

  t.test('a transmit-only router sends every packet and then ends by itself', async (t) => {
    // No FromDevice: nothing can arrive, so once the source is spent and the
    // transmit ring has taken everything the run is idle and ends. The
    // Script gives the capture time to start first.
    const config = `src :: InfiniteSource(LIMIT 5000, BURST 64, LENGTH 60, ACTIVE false) -> q :: Queue(10000) -> tx :: ToDevice(m1, BURST 256);
                    Script(wait 1.5s, write src.active true);`;
    const handlers = ['tx.count', 'tx.waiting', 'q.drops', 'q.length'];
    for (const engine of ENGINES) {
      const net = network(t, engine === 'host' ? 'th' : 'tn');
      const r = await exchange(t, net, tool, dir, { engine, config, handlers, sockets: 1, expect: { s0: 0, r0: 5000 } });
      t.equal(r.atReceiver.length, 5000, `${engine}: all 5000 arrived`);
      t.ok(r.atReceiver.every((f) => f.length === 60), `${engine}: as 60-byte frames`);
      t.same(r.handlers, { 'tx.count': '5000', 'tx.waiting': '0', 'q.drops': '0', 'q.length': '0' }, `${engine}: counters`);
    }
  });

  t.test('an interface that is down is noted (QUIET: not); a name no interface has is an initialization error', async (t) => {
    const net = network(t, 'q');
    execFileSync('ip', ['-n', net.middle, 'link', 'set', 'm0', 'down']);
    for (const engine of ENGINES) {
      for (const quiet of [false, true]) {
        const config = `rx :: FromDevice(m0, QUIET ${quiet}) -> Discard; Idle -> tx :: ToDevice(m1, QUIET ${quiet});`;
        const p = startMiddlebox(net, engine, config, [], dir, ['-q']);
        const status = await p.done;
        t.equal(status, 0, `${engine}: initializes`, { stderr: p.stderr() });
        if (quiet) t.notMatch(p.stderr(), /interface is down/, `${engine}: QUIET true says nothing`);
        else t.match(p.stderr(), /rx: m0: interface is down/, `${engine}: FromDevice notes that m0 is down`);
        t.notMatch(p.stderr(), /m1: interface is down/, `${engine}: m1 is up`);
      }
      const missing = startMiddlebox(net, engine, 'FromDevice(nosuch0) -> Discard;', [], dir, ['-q']);
      t.not(await missing.done, 0, `${engine}: a missing interface fails`);
      t.match(missing.stderr(), /nosuch0: no such device/, `${engine}: and says which`);
    }
  });

  t.test('an interface deleted mid-run: said once, its frames dropped and counted, the rest of the router goes on', async (t) => {
    // m1 (the transmit side) goes down and up, then m1 and m0 (the receive
    // side) are deleted under a running router. Frames sent to m1 after it is gone are lost
    // and counted in td.drops; the other path (a RatedSource) and the
    // ControlSocket carry on, and the process does not spin: before, the
    // frames stuck in the dead ring were retried every 0.4 ms (2,460 failed
    // sendto a second in the native binary), never counted, never said; and
    // the receive socket's ENETDOWN, never read, kept every wait returning
    // at once (0.47 s of CPU a second).
    const burst = (n: number, k: number) => Array.from({ length: n }, (_, i) => frames.udp({ payload: Uint8Array.from({ length: 40 + i }, (_, j) => (i + j + k) & 255) }));
    const handlers = ['c0.count', 'td.count', 'td.drops', 'td.waiting', 'q.drops'];
    for (const engine of ENGINES) {
      const net = network(t, engine === 'host' ? 'gh' : 'gn');
      const sock = join(dir, `gone-${engine}.sock`);
      const config = `FromDevice(m0) -> c0 :: Counter -> q :: Queue(200) -> td :: ToDevice(m1, BURST 64);
                      RatedSource(LENGTH 60, RATE 1000) -> c :: Counter -> Discard;
                      ControlSocket(unix, ${sock});`;
      const mb = startMiddlebox(net, engine, config, handlers, dir);
      let status: number | string | undefined;
      try {
        if (!(await waitPacketSockets(net.middle, 2, 120000))) throw new Error(`the middlebox did not open its devices: ${mb.stderr()}`);
        const control = await ControlClient.connectWhenUp({ path: sock }, { timeoutMs: 5000 }, 200);
        const send = async (fs: readonly Uint8Array[]) => {
          const file = join(dir, `gone-${engine}.send`);
          writeFrames(file, fs);
          const s = spawnIn(net.sender, [tool, 'send', 's0', file]);
          if ((await s.done) !== 0) throw new Error(`sending failed: ${s.stderr()}`);
        };
        const until = async (handler: string, value: number) => {
          for (let k = 0; k < 100 && Number(await control.read(handler)) < value; k++) await sleep(50);
          return Number(await control.read(handler));
        };
        // First m1 only goes down for a while: what is sent meanwhile is
        // dropped and counted; once it is up again frames go out (the ring
        // position went back to the kernel's).
        const capture = spawnIn(net.receiver, [tool, 'recv', 'r0', join(dir, `gone-${engine}.cap`), '800']);
        if (!(await waitOutput(capture, /ready/, 10000))) throw new Error('the capture did not start');
        await send(burst(20, 0));
        t.equal(await until('td.count', 20), 20, `${engine}: 20 frames forwarded while m1 is up`);
        execFileSync('ip', ['-n', net.middle, 'link', 'set', 'm1', 'down']);
        await send(burst(10, 2));
        t.equal(await until('td.drops', 10), 10, `${engine}: the 10 sent while m1 is down are dropped and counted`);
        execFileSync('ip', ['-n', net.middle, 'link', 'set', 'm1', 'up']);
        // The kernel activates the link's queueing (and says operstate up)
        // through linkwatch, up to a second later: frames sent before that
        // are dropped by the kernel, not by the router.
        for (let k = 0; k < 100 && !/^up$/m.test(execFileSync('ip', ['netns', 'exec', net.middle, 'cat', '/sys/class/net/m1/operstate'], { encoding: 'utf8' })); k++) await sleep(50);
        await sleep(200);
        const after = burst(20, 3);
        await send(after);
        t.equal(await until('td.count', 50), 50, `${engine}: 20 more taken once it is up again`);
        await capture.done;
        const got = hex(readFrames(join(dir, `gone-${engine}.cap`)));
        t.same(got, hex([...burst(20, 0), ...after]), `${engine}: r0 got the 20 before and the 20 after, none of the dropped`);
        execFileSync('ip', ['-n', net.receiver, 'link', 'del', 'r0']);   // now m1 goes for good, with its peer
        await send(burst(50, 1));
        t.equal(await until('c0.count', 100), 100, `${engine}: the 50 frames sent after arrive at m0`);
        t.equal(await until('td.drops', 60), 60, `${engine}: and all 50 are dropped and counted at td`);
        const pid = middleboxPid(net, `${engine}.click`, engine);
        const cpu = async () => {
          const before = cpuSeconds(pid);
          const count = Number(await control.read('c.count'));
          await sleep(1000);
          return { cpu: cpuSeconds(pid) - before, forwarded: Number(await control.read('c.count')) - count };
        };
        const busy = engine === 'host' ? 0.5 : 0.15;
        const afterTx = await cpu();
        t.ok(afterTx.cpu < busy, `${engine}: no busy loop with m1 gone (${afterTx.cpu.toFixed(2)} s of CPU in 1 s)`);
        t.ok(afterTx.forwarded > 200, `${engine}: the other path goes on (${afterTx.forwarded} packets in 1 s)`);
        execFileSync('ip', ['-n', net.sender, 'link', 'del', 's0']);   // and m0
        await sleep(200);
        const afterRx = await cpu();
        t.ok(afterRx.cpu < busy, `${engine}: no busy loop with m0 gone too (${afterRx.cpu.toFixed(2)} s of CPU in 1 s)`);
        t.ok(afterRx.forwarded > 200, `${engine}: the other path still goes on (${afterRx.forwarded} packets in 1 s)`);
        t.equal(await control.read('td.waiting'), '0', `${engine}: nothing left waiting for the dead ring`);
        await control.close();
      } finally {
        status = await interrupt(mb);
      }
      t.equal(status, 0, `${engine}: stops cleanly on SIGINT`, { stderr: mb.stderr() });
      const said = (what: string) => mb.stderr().split('\n').filter((l) => l.includes(what));
      t.same(said('send:'), ['td: m1: send: Network is down (frames dropped until sending works again)', 'td: m1: send: No such device or address (frames dropped until sending works again)'], `${engine}: each send failure is said once`);
      t.same(said('receive:').map((l) => l.replace(/^\S+: /, '')), ['m0: receive: Network is down'], `${engine}: the receive failure too`);
      const h = parseHandlers(mb.stdout());
      t.same(h, { 'c0.count': '100', 'td.count': '100', 'td.drops': '60', 'td.waiting': '0', 'q.drops': '0' }, `${engine}: 100 in = 40 sent + 60 dropped at td`);
    }
  });

  t.test('the IP router example between two links, on both engines, as on memory devices', async (t) => {
    const exdir = join(repoRoot, 'examples', 'router');
    const config = readFileSync(join(exdir, 'router.click'), 'utf8')
      .replace(/in(\d) :: FromDump\([^)]*\);/g, 'in$1 :: FromDevice(eth$1, BURST 8);')
      .replace(/tx(\d) :: ToDump\([^)]*\);/g, 'tx$1 :: ToDevice(eth$1, BURST 8);')
      .replace(/DriverManager\(.*?\bstop\);/s, '')
      // The uplink's Queue(200) overflows when an ARP reply releases the
      // ~490 packets waiting for the gateway; how many it drops depends on
      // how far ToDevice drained it in between, which real time decides.
      // Room for all of them keeps the comparison exact.
      .replace(/Queue\(200\)/g, 'Queue(4096)');
    t.notMatch(config, /FromDump\(|ToDump\(|DriverManager\(/, 'the captures and the driver script are gone');
    const capture = (f: string) => readCapture(new Uint8Array(readFileSync(join(exdir, f)))).packets.map((p) => p.data);
    const in0 = capture('if0-in.pcap');
    const in1 = capture('if1-in.pcap');
    const handlers = ['in0.count', 'in1.count', 'in0.kernel_drops', 'in1.kernel_drops', 'tx0.count', 'tx1.count', 'fwd0.count', 'fwd1.count', 'out0.drops', 'out1.drops'];
    const ref = runDeviceSession('host', {
      config,
      rounds: [
        { inject: { eth0: in0 }, collect: ['eth0', 'eth1'] },
        { inject: { eth1: in1 }, collect: ['eth0', 'eth1'] },
      ],
      handlers,
    });
    const refOut0 = [...ref.rounds[0]!.sent['eth0']!, ...ref.rounds[1]!.sent['eth0']!];
    const refOut1 = [...ref.rounds[0]!.sent['eth1']!, ...ref.rounds[1]!.sent['eth1']!];
    t.ok(refOut0.length > 0 && refOut1.length > 0, 'memory devices: the router sends on both links');
    for (const engine of ENGINES) {
      const net = network(t, engine === 'host' ? 'rh' : 'rn', ['eth0', 'eth1']);
      const r = await exchange(t, net, tool, dir, {
        engine,
        config,
        handlers,
        sockets: 4,
        fromSender: in0,
        fromReceiver: in1,
        expect: { s0: refOut0.length, r0: refOut1.length },
      });
      // ARPQuerier repeats a query for an unanswered address when a packet
      // for it comes 100 ms or more after the last one (ten a second): that
      // depends on how fast the engine got through the frames in real time,
      // so repeats are set aside on both sides; everything else is exact.
      const got0 = withoutRepeatedQueries(hex(r.atSender));
      const got1 = withoutRepeatedQueries(hex(r.atReceiver));
      const want0 = withoutRepeatedQueries(refOut0);
      const want1 = withoutRepeatedQueries(refOut1);
      t.same(got0.frames, want0.frames, `${engine}: what the router sent on eth0, byte for byte`);
      t.same(got1.frames, want1.frames, `${engine}: what the router sent on eth1, byte for byte`);
      const counts = { ...r.handlers };
      counts['tx0.count'] = String(Number(counts['tx0.count']) - got0.repeats);
      counts['tx1.count'] = String(Number(counts['tx1.count']) - got1.repeats);
      const wantCounts: Record<string, string> = { ...ref.handlers, 'in0.kernel_drops': '0', 'in1.kernel_drops': '0' };
      wantCounts['tx0.count'] = String(Number(wantCounts['tx0.count']) - want0.repeats);
      wantCounts['tx1.count'] = String(Number(wantCounts['tx1.count']) - want1.repeats);
      t.same(counts, wantCounts, `${engine}: counters as on memory devices (repeated ARP queries aside), no kernel drops`);
    }
  });
}

/** Frames (hex) less ARP queries identical to an earlier one, and how many those were. */
function withoutRepeatedQueries(fs: readonly string[]): { frames: string[]; repeats: number } {
  const seen = new Set<string>();
  const frames = fs.filter((f) => {
    const query = f.slice(24, 28) === '0806' && f.slice(40, 44) === '0001';
    if (!query) return true;
    if (seen.has(f)) return false;
    seen.add(f);
    return true;
  });
  return { frames, repeats: fs.length - frames.length };
}

/** The pid of the middlebox running `file` in the middle namespace (ip netns exec may fork). */
function middleboxPid(net: Network, file: string, engine: Engine): number {
  const pids = execFileSync('ip', ['netns', 'pids', net.middle], { encoding: 'utf8' }).trim().split('\n').map(Number);
  const mine = pids.filter((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      return engine === 'host' ? cmd.includes(file) : cmd.includes('router') || cmd.includes(file);
    } catch {
      return false;
    }
  });
  if (mine.length !== 1) throw new Error(`middlebox pid: ${mine.length} candidates among ${pids.join(' ')}`);
  return mine[0]!;
}

/** `ip -d link show` of an interface in a namespace ('' if it is gone). */
function readLink(ns: string, iface: string): string {
  try {
    return execFileSync('ip', ['-d', '-n', ns, 'link', 'show', iface], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

// FromDevice and ToDevice with METHOD XDP (AF_XDP sockets in copy mode,
// runtime/device-afxdp.c) on veth pairs, on both engines: frames through a
// middlebox byte for byte as on memory devices, the counters, the XDP
// program detached when the router ends (also when it is killed), a clear
// open-time error when the interface already has an XDP program, and a bad
// METHOD as a positioned configuration error. Networks as in
// afpacket.test.ts (netns.ts), removed in teardown even when a test fails.
// Needs root (CI runs as root); skips otherwise.
import t, { type Test } from 'tap';
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { runDeviceSession } from '../native/engines.js';
import { ENGINES, exchange, hex, mixedFrames, startMiddlebox } from './exchange.js';
import { frames } from '../util/packets.js';
import { buildFrameTool, cannotRun, interrupt, makeNetwork, parseHandlers, removeDir, waitXdp, writeFrames } from './netns.js';

/** Does `iface` in `ns` have an XDP program attached? */
function hasXdp(ns: string, iface: string): boolean {
  return /\bxdp/.test(execFileSync('ip', ['-n', ns, 'link', 'show', iface], { encoding: 'utf8' }));
}

function cli(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(repoRoot, 'cli', 'main.ts'), ...args], { cwd: repoRoot }, (e, _out, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

const reason = cannotRun();
if (reason) {
  t.plan(0, reason);
} else {
  const { tool, dir } = buildFrameTool();
  t.teardown(() => removeDir(dir));

  const network = (t: Test, tag: string) => {
    const net = makeNetwork(tag);
    t.teardown(() => net.remove());
    return net;
  };

  const config = `rx :: FromDevice(m0, BURST 32, METHOD XDP) -> q :: Queue(1000) -> tx :: ToDevice(m1, BURST 32, METHOD XDP);`;

  t.test('METHOD XDP: a bridge between two veths, every frame byte for byte, on both engines; the program goes with the router', async (t) => {
    const input = mixedFrames(400);
    const handlers = ['rx.count', 'rx.kernel_drops', 'tx.count', 'tx.waiting', 'q.drops'];
    const ref = runDeviceSession('host', { config, rounds: [{ inject: { m0: input }, collect: ['m1', 'm0'] }], handlers });
    t.equal(ref.rounds[0]!.sent['m1']!.length, input.length, 'memory devices: every frame crosses');
    for (const engine of ENGINES) {
      {
        const net = network(t, engine === 'host' ? 'xh' : 'xn');
        let attached = false;
        const r = await exchange(t, net, tool, dir, {
          engine,
          config,
          handlers,
          sockets: 0,
          xdp: ['m0'],
          fromSender: input,
          expect: { s0: 0, r0: input.length },
          during: () => void (attached = hasXdp(net.middle, 'm0') && !hasXdp(net.middle, 'm1')),
        });
        t.same(hex(r.atReceiver), ref.rounds[0]!.sent['m1'], `${engine}: the frames that came out are the memory run's, byte for byte`);
        t.same(r.atSender, [], `${engine}: nothing goes back toward the sender`);
        t.same(r.handlers, { 'rx.count': '400', 'rx.kernel_drops': '0', 'tx.count': '400', 'tx.waiting': '0', 'q.drops': '0' }, `${engine}: counters`);
        t.ok(attached, `${engine}: while it runs, the receiving interface (only) has the XDP program`);
        t.notOk(hasXdp(net.middle, 'm0'), `${engine}: detached when the router ends`);
      }
    }
  });

  t.test('an interface whose queue another router holds: a clear open-time error; a killed router leaves no program behind; kernel drops counted', async (t) => {
    const net = network(t, 'xb');
    const first = startMiddlebox(net, 'native', config, [], dir);
    try {
      t.ok(await waitXdp(net.middle, ['m0'], 30000), 'the first router attached its program', { stderr: first.stderr() });
      const second = startMiddlebox(net, 'native', config, [], dir, ['-q']);
      t.not(await second.done, 0, 'a second router on the same interface fails to initialize');
      t.match(second.stderr(), /m0: METHOD XDP: bind \(copy mode, queue 0\): Device or resource busy \(another AF_XDP socket, another router's, has the interface's queue 0\)/, 'and says which interface and why');
      t.ok(hasXdp(net.middle, 'm0'), "the first router's program stays");
    } finally {
      first.child.kill('SIGKILL');
      await interrupt(first);
    }
    t.notOk(hasXdp(net.middle, 'm0'), 'the kernel detaches the program of a killed router (its BPF link closes with the process)');

    // The interface is free again. Frames sent while the router is stopped
    // fill its 2048 receive chunks; the kernel drops the rest and says so.
    const handlers = ['rx.count', 'rx.kernel_drops', 'tx.count'];
    const again = startMiddlebox(net, 'native', config, handlers, dir);
    let status: number | string;
    try {
      t.ok(await waitXdp(net.middle, ['m0'], 30000), 'a new router attaches', { stderr: again.stderr() });
      again.child.kill('SIGSTOP');
      const file = join(dir, 'burst.send');
      writeFrames(file, Array.from({ length: 3000 }, (_, i) => frames.udp({ payload: Uint8Array.from({ length: 18 }, (_, k) => (i + k) & 255) })));
      execFileSync('ip', ['netns', 'exec', net.sender, tool, 'send', 's0', file]);
      again.child.kill('SIGCONT');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      again.child.kill('SIGCONT');
      status = await interrupt(again);
    }
    t.equal(status, 0, 'it stops cleanly', { stderr: again.stderr() });
    const h = parseHandlers(again.stdout());
    t.equal(h['rx.count'], '2048', 'the receive chunks were all used');
    t.equal(h['rx.kernel_drops'], '952', 'the frames that found none are kernel_drops (XDP_STATISTICS)');
    t.equal(h['tx.count'], '2048', 'and what was received went out');
  });

  t.test('a bad METHOD, or OUTBOUND with METHOD XDP, is a positioned configuration error on both engines', async (t) => {
    const bad = join(dir, 'bad-method.click');
    writeFileSync(bad, 'rx :: FromDevice(m0,\n  METHOD NETMAP) -> Discard;\n');
    const outbound = join(dir, 'outbound.click');
    writeFileSync(outbound, 'Idle -> ToDevice(m1, METHOD xdp);\nFromDevice(m0, OUTBOUND true, METHOD XDP) -> Discard;\n');
    const runs = await Promise.all([cli(['run', bad]), cli(['run', '--engine', 'native', bad]), cli(['run', outbound]), cli(['run', '--engine', 'native', outbound])]);
    for (const [i, engine] of ['host', 'native'].entries()) {
      t.not(runs[i]!.code, 0, `${engine}: METHOD NETMAP fails`);
      t.match(runs[i]!.stderr, /bad-method\.click:2:10: error: 'rx' :: FromDevice: METHOD: 'NETMAP' is not one of LINUX, PCAP, XDP/, `${engine}: at the value, naming the methods`);
      t.not(runs[2 + i]!.code, 0, `${engine}: OUTBOUND true with METHOD XDP fails`);
      t.match(runs[2 + i]!.stderr, /outbound\.click:2:12: error: 'FromDevice@3' ::[\s\S]*OUTBOUND true needs METHOD LINUX/, `${engine}: at the element`);
      t.notMatch(runs[2 + i]!.stderr, /ToDevice/, `${engine}: METHOD is case-insensitive (xdp)`);
    }
  });
}

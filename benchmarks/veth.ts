// Frames per second across veth pairs through a middlebox on real
// interfaces (the AF_PACKET back-end), for each engine, beside
// `tcpreplay --topspeed` alone on one pair. Needs root, ip(8) and tcpreplay
// (scripts/setup.sh installs them).
//
//   sender ns: s0 <-veth-> m0 [middlebox: FromDevice(m0) -> Queue -> ToDevice(m1)] m1 <-veth-> r0 :receiver ns
//
// tcpreplay --topspeed sends N 60-byte frames (64 on the wire with the FCS)
// from s0; the receiver side counts what its interface receives (its
// rx_packets counter, read every 100 us, so no socket on the receiving end
// limits the figure), from the first frame to the last. The baseline row
// counts at m0 with no middlebox. Median of --runs runs; loss is what left
// s0 and never reached the far end (the middlebox's own kernel drops among it).
//
// The sender and the middlebox share the machine's cores, so the "drain" rows
// also measure each engine on its own: the middlebox is stopped (SIGSTOP)
// while 90k frames are sent to its receive ring, then continued; the far end
// counts how fast they come out. The ring holds fewer when the sender is slow
// (the kernel hands over a block 1 ms after its first frame, part full); the
// rest are the kernel drops of those rows, and the rate is over what it held.
//
//   node --import tsx benchmarks/veth.ts [--frames 200000] [--runs 3] [--method LINUX|PCAP|XDP]

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCapture } from '../host-engine/pcap.js';
import { buildFrameTool, cannotRun, interrupt, makeNetwork, parseHandlers, removeDir, spawnIn, waitOutput, type Network } from '../test/devices/netns.js';
import type { DeviceMethod } from '../host-engine/devices.js';
import { startBridge } from './suite/veth-bridge.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const total = arg('frames', 200_000);
const runs = arg('runs', 3);

const why = cannotRun();
if (why) {
  console.error(`veth benchmark: ${why}`);
  process.exit(1);
}
try {
  execFileSync('sh', ['-c', 'command -v tcpreplay'], { stdio: 'ignore' });
} catch {
  console.error('veth benchmark: tcpreplay is not installed (scripts/setup.sh installs it)');
  process.exit(1);
}

// --method PCAP|XDP: the middlebox's devices through the ring of blocks (METHOD PCAP) or
// AF_XDP (METHOD XDP) instead of the ring of frame slots (LINUX).
const methodAt = process.argv.indexOf('--method');
const METHOD = (methodAt >= 0 ? process.argv[methodAt + 1]!.toUpperCase() : 'LINUX') as DeviceMethod;
if (!['LINUX', 'PCAP', 'XDP'].includes(METHOD)) {
  console.error(`veth benchmark: --method ${METHOD}: give LINUX, PCAP or XDP`);
  process.exit(2);
}
const HANDLERS = ['rx.count', 'rx.kernel_drops', 'tx.count', 'q.drops'];

interface Sample {
  readonly arrived: number;
  readonly seconds: number;
  readonly senderPps: number;
  readonly kernelDrops: number;
}

/** Send the capture with tcpreplay from s0 while `counter` counts at the far end. */
async function replay(net: Network, tool: string, pcap: string, countNs: string, countIf: string): Promise<{ arrived: number; seconds: number; senderPps: number }> {
  const counter = spawnIn(countNs, [tool, 'count', countIf, '500']);
  if (!(await waitOutput(counter, /ready/, 10000))) throw new Error('the counter did not start');
  const out = execFileSync('ip', ['netns', 'exec', net.sender, 'tcpreplay', '--topspeed', '-i', 's0', pcap], { encoding: 'utf8' });
  await counter.done;
  const m = /frames (\d+) seconds ([\d.]+)/.exec(counter.stdout());
  const pps = /([\d.]+) pps/.exec(out);
  if (!m) throw new Error(`no count: ${counter.stdout()} ${counter.stderr()}`);
  return { arrived: Number(m[1]), seconds: Number(m[2]), senderPps: pps ? Number(pps[1]) : NaN };
}

async function throughEngine(net: Network, tool: string, pcap: string, engine: 'host' | 'native', dir: string, drain = false): Promise<Sample> {
  const mb = await startBridge(net, engine, METHOD, dir, HANDLERS);
  try {
    let r: { arrived: number; seconds: number; senderPps: number };
    if (drain) {
      mb.child.kill('SIGSTOP');
      const counter = spawnIn(net.receiver, [tool, 'count', 'r0', '500']);
      if (!(await waitOutput(counter, /ready/, 10000))) throw new Error('the counter did not start');
      const out = execFileSync('ip', ['netns', 'exec', net.sender, 'tcpreplay', '--topspeed', '-i', 's0', pcap], { encoding: 'utf8' });
      await new Promise((res) => setTimeout(res, 200));
      mb.child.kill('SIGCONT');
      await counter.done;
      const m = /frames (\d+) seconds ([\d.]+)/.exec(counter.stdout());
      const pps = /([\d.]+) pps/.exec(out);
      r = { arrived: Number(m?.[1] ?? 0), seconds: Number(m?.[2] ?? 0), senderPps: pps ? Number(pps[1]) : NaN };
    } else {
      r = await replay(net, tool, pcap, net.receiver, 'r0');
    }
    await interrupt(mb);
    const h = parseHandlers(mb.stdout());
    return { ...r, kernelDrops: Number(h['rx.kernel_drops'] ?? NaN) };
  } finally {
    await interrupt(mb);
  }
}

function median(xs: readonly Sample[]): Sample {
  const sorted = [...xs].sort((a, b) => a.arrived / a.seconds - b.arrived / b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Frames that fit the stopped middlebox's receive ring (512 blocks of ~200 minimum-size frames). */
const DRAIN_FRAMES = 90_000;

const { tool, dir } = buildFrameTool();
const net = makeNetwork('bench');
try {
  const frame = Buffer.alloc(60);
  Buffer.from('020000000002020000000001' + '88b5', 'hex').copy(frame);
  const capture = (n: number) => writeCapture(Array.from({ length: n }, (_, i) => ({ tsSec: 1, tsNsec: i, origLen: 60, data: frame })));
  const pcap = join(dir, 'flood.pcap');
  writeFileSync(pcap, capture(total));
  const drainPcap = join(dir, 'drain.pcap');
  writeFileSync(drainPcap, capture(DRAIN_FRAMES));

  const rows: [string, Sample][] = [];
  const base: Sample[] = [];
  for (let i = 0; i < runs; i++) base.push({ ...(await replay(net, tool, pcap, net.middle, 'm0')), kernelDrops: 0 });
  rows.push(['tcpreplay --topspeed alone, s0 -> m0', median(base)]);
  for (const engine of ['native', 'host'] as const) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await throughEngine(net, tool, pcap, engine, dir));
    rows.push([`tcpreplay -> ${engine} engine bridge -> r0`, median(samples)]);
  }
  for (const engine of ['native', 'host'] as const) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push({ ...(await throughEngine(net, tool, drainPcap, engine, dir, true)), senderPps: NaN });
    rows.push([`${engine} engine draining ${DRAIN_FRAMES} queued frames -> r0`, median(samples)]);
  }

  console.log(`${total} frames of 60 bytes (64 on the wire), median of ${runs} runs\n`);
  console.log('| path | frames/s at the far end | arrived | lost | of which middlebox kernel drops | tcpreplay sent at (pps) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, s] of rows) {
    const rate = s.seconds > 0 ? Math.round(s.arrived / s.seconds) : 0;
    const sent = name.includes('draining') ? DRAIN_FRAMES : total;
    const sender = Number.isNaN(s.senderPps) ? '-' : Math.round(s.senderPps).toLocaleString('en-US');
    console.log(`| ${name} | ${rate.toLocaleString('en-US')} | ${s.arrived} | ${sent - s.arrived} | ${s.kernelDrops} | ${sender} |`);
  }
} finally {
  net.remove();
  removeDir(dir);
}

// The VM image's size, boot time and memory under QEMU (microvm):
//  - stripped image size of a trivial configuration and of the IP router;
//  - QEMU start to exit for the trivial configuration (median of --runs),
//    beside a program image whose main returns at once (kernel + musl
//    start-up only), and the guest's own boot clock (clickvm.verbose:
//    first instruction to main, TSC calibration included);
//  - with two NICs (dgram on loopback): the guest clock from the first
//    instruction to main() and to ready-to-forward (the router up, receive
//    rings posted), and QEMU start to the first frame forwarded NIC 0 ->
//    NIC 1 (a frame is offered every millisecond from QEMU's start);
//  - the smallest -m with which the IP router still runs (halving search
//    in 1 MiB steps);
//  - the IP router's packet rate inside the guest against the host binary.
//
//   node --import tsx benchmarks/vm-image.ts [--runs 5] [--accel tcg|kvm] [--packets 2000000]

import { execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';
import { repoRoot } from '../dataplane-native/native-spec.js';
import { buildImage, buildProgramImage } from '../vm-image/build.js';
import { nicQemuArgs } from '../vm-image/nic-spec.js';
import { QEMU, qemuArgs, runImage, type Accel } from '../vm-image/qemu.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const runs = Number(arg('runs', '5'));
const accel = arg('accel', 'tcg') as Accel;
const packets = Number(arg('packets', '2000000'));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const program = (text: string, defines: Record<string, string> = {}) => generateC(loadConfig(text, 'bench.click', { defines }), { configText: text });

const trivial = buildImage(program('InfiniteSource(LIMIT 1, STOP true) -> c :: Counter -> Discard;'));
const empty = buildProgramImage('int main(void) { return 0; }');
const routerText = readFileSync(join(repoRoot, 'benchmarks', 'configs', 'f_ip_router.click'), 'utf8');
const routerProgram = program(routerText, { N: String(packets) });
const router = buildImage(routerProgram);
console.log(`image size (stripped): trivial ${trivial.size} B, IP router ${router.size} B, empty program ${empty.size} B`);

async function bootTimes(image: string, append: string): Promise<{ wall: number; guest: number }> {
  const wall: number[] = [];
  const guest: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runImage(image, { append: `clickvm.verbose ${append}`, accel });
    if (r.kind !== 'exit' || r.status !== 0) throw new Error(`boot failed: ${r.kind} ${r.status}\n${r.console}${r.stderr}`);
    wall.push(r.elapsedMs);
    guest.push(Number(/clickvm: boot (\d+) us/.exec(r.console)?.[1]) / 1000);
  }
  return { wall: median(wall), guest: median(guest) };
}

const t = await bootTimes(trivial.output, '-h c.count');
const e = await bootTimes(empty.output, '');
console.log(`boot to exit (${accel}, median of ${runs}): trivial config ${t.wall.toFixed(1)} ms, empty program ${e.wall.toFixed(1)} ms; guest clock first instruction to main ${t.guest.toFixed(2)} ms`);

const bind = (): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });

/** One boot of a forwarding image with two NICs: guest milestones and QEMU start to first frame out of NIC 1. */
async function firstFrame(image: string): Promise<{ main: number; ready: number; frame: number }> {
  const host = [await bind(), await bind()];
  const guest = [await bind(), await bind()];
  const guestPorts = guest.map((g) => g.address().port);
  await Promise.all(guest.map((g) => new Promise<void>((r) => g.close(() => r()))));
  const extra = host.flatMap((h, i) => nicQemuArgs({ kind: 'dgram', localPort: guestPorts[i]!, remotePort: h.address().port, host: '127.0.0.1' }, i));
  // To NIC 0's MAC, from a locally administered one; EtherType IPv4, payload zero.
  const frame = Buffer.alloc(60);
  Buffer.from([0x52, 0x54, 0x00, 0xc1, 0x0c, 0x00, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]).copy(frame);
  const started = performance.now();
  const child = spawn(QEMU, qemuArgs({ image, append: 'clickvm.verbose', accel, extra }), { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString('latin1')));
  const offer = setInterval(() => host[0]!.send(frame, guestPorts[0]!, '127.0.0.1'), 1);
  try {
    const out = await new Promise<number>((resolve, reject) => {
      host[1]!.once('message', () => resolve(performance.now() - started));
      child.once('exit', (code) => reject(new Error(`QEMU ended (${code}) before a frame came out:\n${text}`)));
      setTimeout(() => reject(new Error(`no frame forwarded in 30 s:\n${text}`)), 30000);
    });
    // The held boot log goes out at the router's first idle moment.
    const until = Date.now() + 5000;
    while (!/ready to forward at/.test(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    const us = (re: RegExp) => Number(re.exec(text)?.[1]) / 1000;
    return { main: us(/clickvm: boot (\d+) us/), ready: us(/ready to forward at (\d+) us/), frame: out };
  } finally {
    clearInterval(offer);
    child.kill('SIGKILL');
    host.forEach((h) => h.close());
  }
}

const forwarder = buildImage(program('FromDevice(0) -> Queue -> ToDevice(1);'));
const nicBoots: { main: number; ready: number; frame: number }[] = [];
for (let i = 0; i < runs; i++) nicBoots.push(await firstFrame(forwarder.output));
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
const med = (k: 'main' | 'ready' | 'frame') => median(nicBoots.map((b) => b[k]));
console.log(
  `two NICs (${accel}, median of ${runs}): guest clock first instruction to main ${med('main').toFixed(2)} ms, to ready-to-forward ${med('ready').toFixed(2)} ms; ` +
    `QEMU start to first frame forwarded ${med('frame').toFixed(1)} ms (empty program boot to exit ${e.wall.toFixed(1)} ms: ${signed(med('frame') - e.wall)} ms)`,
);

// MiB: hi works, lo does not. The image is linked at 1 MiB, so 1M cannot hold it
// (QEMU then runs the guest into nothing: hence the timeout).
let lo = 1, hi = 16;
let lastRun = '';
const works = async (mb: number): Promise<boolean> => {
  const r = await runImage(router.output, { append: '-h cnt.count', memory: `${mb}M`, accel, timeoutMs: 120000 });
  lastRun = `${r.kind} ${r.kind === 'exit' ? r.status : ''}: ${r.console.slice(-400)}${r.stderr.slice(-400)}`;
  return r.kind === 'exit' && r.status === 0 && r.console === `${packets}\n`;
};
if (!(await works(hi))) throw new Error(`the IP router does not run in 16M (${lastRun})`);
while (hi - lo > 1) {
  const mid = Math.floor((lo + hi) / 2);
  if (await works(mid)) hi = mid;
  else lo = mid;
}
console.log(`smallest -m for the IP router: ${hi}M`);

const host = buildNative(routerProgram, { kind: 'exe' });
const hostOut = execFileSync('sh', ['-c', '"$0" -t 2>&1', host.output], { encoding: 'utf8' });
const hostNs = Number(/clickvm-run-ns (\d+)/.exec(hostOut)?.[1]);
const vm = await runImage(router.output, { append: '-t', accel, timeoutMs: 600000 });
const vmNs = Number(/clickvm-run-ns (\d+)/.exec(vm.console)?.[1]);
console.log(`IP router, ${packets} packets: host ${(packets / hostNs * 1e3).toFixed(2)} Mpps, VM (${accel}) ${(packets / vmNs * 1e3).toFixed(2)} Mpps`);

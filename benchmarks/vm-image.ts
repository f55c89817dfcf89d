// The VM image's size, boot time and memory under QEMU (microvm):
//  - stripped image size of a trivial configuration and of the IP router;
//  - QEMU start to exit for the trivial configuration (median of --runs),
//    beside a program image whose main returns at once (kernel + musl
//    start-up only), and the guest's own boot clock (clickvm.verbose:
//    first instruction to main, TSC calibration included);
//  - the smallest -m with which the IP router still runs (halving search
//    in 1 MiB steps);
//  - the IP router's packet rate inside the guest against the host binary.
//
//   node --import tsx benchmarks/vm-image.ts [--runs 5] [--accel tcg|kvm] [--packets 2000000]

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';
import { repoRoot } from '../dataplane-native/native-spec.js';
import { buildImage, buildProgramImage } from '../vm-image/build.js';
import { runImage, type Accel } from '../vm-image/qemu.js';

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

// The VM image's size, boot time and memory (benchmarks/suite/vm-boot.ts),
// and the IP router's packet rate inside the guest beside the native
// binary: the suite's VM figures on their own, printed as lines.
//
//   node --import tsx benchmarks/vm-image.ts [--runs 5] [--accel tcg|kvm] [--packets 1000000]

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../dataplane-native/native-spec.js';
import { resolveAccel, type Accel } from '../vm-image/qemu.js';
import { measureNative } from './suite/native-engine.js';
import type { Spread } from './suite/stats.js';
import { measureVmBoot } from './suite/vm-boot.js';
import { measureVm } from './suite/vm-engine.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const runs = Number(arg('runs', '5'));
const accel = resolveAccel(arg('accel', 'tcg') as Accel);
const packets = Number(arg('packets', '1000000'));
const ms = (s: Spread, d = 1): string => `${s.median.toFixed(d)} ms (${s.min.toFixed(d)}-${s.max.toFixed(d)})`;

const b = await measureVmBoot(runs, accel);
console.log(`image size (stripped): trivial ${b.imageBytes.trivial} B, IP router ${b.imageBytes.ipRouter} B, empty program ${b.imageBytes.emptyProgram} B`);
console.log(`QEMU start to exit (${accel}, median of ${runs}): trivial configuration ${ms(b.bootToExitMs.trivial)}, empty program ${ms(b.bootToExitMs.emptyProgram)}`);
console.log(`two NICs, guest clock: first instruction to main ${ms(b.guestMainMs, 2)}, to ready-to-forward ${ms(b.guestReadyMs, 2)}`);
const extra = b.firstFrameMs.median - b.bootToExitMs.emptyProgram.median;
console.log(`QEMU start to first frame forwarded ${ms(b.firstFrameMs)}: ${extra >= 0 ? '+' : ''}${extra.toFixed(1)} ms on the empty program's boot to exit`);
console.log(`smallest -m for the IP router: ${b.smallestMemoryMiB}M`);

const file = join(repoRoot, 'benchmarks', 'configs', 'f_ip_router.click');
const text = readFileSync(file, 'utf8');
const native = measureNative(text, file, dirname(file), packets, runs);
const vm = measureVm(text, file, 'cnt.count', packets, runs, accel);
console.log(`IP router, ${packets} packets: native binary ${native.mpps.median.toFixed(2)} Mpps, VM (${accel}) ${vm.mpps.median.toFixed(2)} Mpps`);

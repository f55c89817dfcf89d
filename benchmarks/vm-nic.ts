// Frames per second through a VM's virtio-net NICs: a bridge image
// (FromDevice(0) -> Queue -> ToDevice(1)) under QEMU microvm, 64-byte frames
// from this process over loopback UDP (-netdev dgram), closed loop with a
// window of frames in flight so that nothing is lost on the way. Prints the
// median of several runs, the CPU each QEMU thread used (to show where the
// time goes) and the driver's notification counts (its close line).
//
//   node --import tsx benchmarks/vm-nic.ts [--runs 5] [--frames 20000] [--window 96] [--accel tcg]

import { loadConfig } from '../config-lang/load.js';
import { generateC } from '../dataplane-native/codegen.js';
import { buildImage } from '../vm-image/build.js';
import { measureForwarding, qemuThreadCpu, TestVm } from '../test/vm-image/vm-harness.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const runs = arg('runs', 5);
const count = arg('frames', 20000);
const window = arg('window', 96);

const CONFIG = `rx :: FromDevice(0) -> c :: Classifier(12/88b5, -);
c[0] -> stopper :: Counter -> Discard;
c[1] -> Queue(1000) -> ToDevice(1);
Script(label wait, wait 5ms, goto wait $(eq $(stopper.count) 0), wait 100ms, stop);
`;

function frame(seq: number, type = 0x0800): Uint8Array {
  const f = new Uint8Array(64);
  f.set([0x52, 0x54, 0x00, 0xc1, 0x0c, 0x01, 0x02, 0, 0, 0, 0, 1, type >> 8, type & 0xff]);
  new DataView(f.buffer).setUint32(14, seq);
  return f;
}

const img = buildImage(generateC(loadConfig(CONFIG, '<vm-nic>', {}), { configText: CONFIG })).output;
const frames = Array.from({ length: 256 }, (_, i) => frame(i));
const rates: number[] = [];
for (let r = 0; r < runs; r++) {
  const vm = await TestVm.start(img, { nics: 2 });
  try {
    const before = qemuThreadCpu(vm.child.pid!);
    const run = await measureForwarding(vm, { from: 0, to: 1, frames, count, window });
    const after = qemuThreadCpu(vm.child.pid!);
    rates.push(run.framesPerSecond);
    const cpu = after
      .map((t) => ({ name: t.name, used: t.seconds - (before.find((b) => b.name === t.name)?.seconds ?? 0) }))
      .filter((t) => t.used > 0.01)
      .map((t) => `${t.name} ${((100 * t.used) / run.seconds).toFixed(0)}%`);
    await vm.send(0, [frame(0, 0x88b5)]);
    const end = await vm.ended(30000);
    const notes = end.console.split('\n').filter((l) => /notifications/.test(l)).map((l) => l.replace(/^virtio-net: /, ''));
    console.log(`run ${r + 1}: ${count} frames in ${run.seconds.toFixed(2)} s = ${Math.round(run.framesPerSecond)} frames/s; QEMU threads: ${cpu.join(', ')}`);
    for (const n of notes) console.log(`  ${n}`);
  } finally {
    await vm.close();
  }
}
rates.sort((a, b) => a - b);
console.log(`median ${Math.round(rates[Math.floor(rates.length / 2)]!)} frames/s of 64 bytes through the VM (TCG, window ${window}); min ${Math.round(rates[0]!)}, max ${Math.round(rates[rates.length - 1]!)}`);

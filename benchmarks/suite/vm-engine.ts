// The native dataplane inside its VM image (vm-image/), booted under QEMU
// with the configuration's in-memory source: the same generated C as the
// native engine, linked into the unikernel. The guest times its own run
// loop (`-t`, on the guest's TSC clock); start-up is the rest of QEMU's wall
// time (QEMU's start, the guest's boot, power-off). The accelerator is
// `auto` (KVM where the CPU has vmx/svm, TCG otherwise) and is recorded.

import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildImage } from '../../vm-image/build.js';
import { decodeExitStatus, QEMU, qemuArgs, resolveAccel } from '../../vm-image/qemu.js';
import { measurement, type Measurement } from './stats.js';

export interface VmSample {
  readonly seconds: number;
  readonly wallSeconds: number;
  readonly packets: number;
}

/** The accelerator VM figures are measured with on this machine. */
export const vmAccel = (): 'tcg' | 'kvm' => resolveAccel('auto');

export function compileVm(text: string, file: string, n: number): string {
  const graph = loadConfig(text, file, { defines: { N: String(n) } });
  return buildImage(generateC(graph, { configText: text })).output;
}

export function runVm(image: string, handler: string, accel: 'tcg' | 'kvm' = vmAccel()): VmSample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(QEMU, qemuArgs({ image, append: `-t -h ${handler}`, accel }), { encoding: 'latin1', timeout: 600_000, killSignal: 'SIGKILL', maxBuffer: 1 << 28 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // The guest's stdout and stderr share the console: the count, then the timing lines.
  const ns = /clickvm-run-ns (\d+)/.exec(r.stdout ?? '');
  const end = decodeExitStatus(r.status, r.signal, r.stderr ?? '');
  if (end.kind !== 'exit' || end.status !== 0 || !ns) throw new Error(`VM run failed (${end.kind} ${end.status}): ${(r.stdout ?? '').slice(-300)}${(r.stderr ?? '').slice(-300)}`);
  const count = /^(\d+)\r?$/m.exec(r.stdout);
  if (!count) throw new Error(`no count in the VM's console: ${r.stdout.slice(-300)}`);
  const seconds = Number(ns[1]) / 1e9;
  return { seconds, wallSeconds, packets: Number(count[1]) };
}

/** A warm-up boot, then `runs` measured ones. */
export function measureVm(text: string, file: string, handler: string, packets: number, runs: number, accel: 'tcg' | 'kvm' = vmAccel()): Measurement {
  const image = compileVm(text, file, packets);
  runVm(image, handler, accel);
  const samples = Array.from({ length: runs }, () => runVm(image, handler, accel));
  return measurement(
    samples[0]!.packets,
    samples.map((s) => s.seconds),
    samples.map((s) => s.wallSeconds - s.seconds),
  );
}

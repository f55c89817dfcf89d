// Latency a middlebox adds inside its VM: a bridge image
// (FromDevice(0) -> Queue -> ToDevice(1)) under QEMU microvm, its two NICs
// on loopback UDP (-netdev dgram, one Ethernet frame per datagram; see
// test/vm-image/vm-harness.ts). One 64-byte frame at a time goes to NIC 0
// and is timed until it comes out of NIC 1. The baseline is the same two
// loopback datagrams with a relay socket in this process where the VM
// would be, so what the VM adds is its median less the baseline's.

import type { Socket } from 'node:dgram';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildImage } from '../../vm-image/build.js';
import { bound, TestVm } from '../../test/vm-image/vm-harness.js';
import { FRAME_BYTES } from './latency-veth.js';

export interface VmNicLatency {
  readonly accel: 'tcg';
  readonly frameBytes: number;
  readonly frames: number;
  readonly baseline: { readonly medianUs: number; readonly p99Us: number; readonly maxUs: number };
  readonly vm: { readonly medianUs: number; readonly p99Us: number; readonly maxUs: number };
  readonly addedUs: number;
}

const CONFIG = 'FromDevice(0) -> Queue(1000) -> ToDevice(1);\n';

function frame(seq: number): Buffer {
  const f = Buffer.alloc(FRAME_BYTES);
  Buffer.from('020000000002020000000001' + '88b5', 'hex').copy(f);
  f.writeUInt32BE(seq, 14);
  return f;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** Send frame i to `port` from `out`; time it until `back` receives it. Warm-up frames first (a tenth, at least 10). */
async function pingPong(out: Socket, port: number, back: Socket, frames: number): Promise<VmNicLatency['vm']> {
  const warm = Math.max(10, Math.floor(frames / 10));
  const samples: number[] = [];
  for (let i = 0; i < warm + frames; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        back.off('message', onMessage);
        reject(new Error(`frame ${i} did not come back within 5 s`));
      }, 5000);
      const onMessage = (m: Buffer) => {
        if (m.length < 18 || m.readUInt32BE(14) !== i) return;
        clearTimeout(timer);
        back.off('message', onMessage);
        resolve();
      };
      back.on('message', onMessage);
      out.send(frame(i), port, '127.0.0.1', (e) => e && reject(e));
    });
    if (i >= warm) samples.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  const sorted = samples.sort((a, b) => a - b);
  return { medianUs: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99), maxUs: sorted[sorted.length - 1]! };
}

export async function measureVmNicLatency(frames: number): Promise<VmNicLatency> {
  const [src, relay, dst] = [await bound(), await bound(), await bound()];
  let baseline: VmNicLatency['baseline'];
  try {
    relay.on('message', (m) => relay.send(m, dst.address().port, '127.0.0.1'));
    baseline = await pingPong(src, relay.address().port, dst, frames);
  } finally {
    for (const s of [src, relay, dst]) s.close();
  }
  const image = buildImage(generateC(loadConfig(CONFIG, 'vm-latency.click'), { configText: CONFIG })).output;
  const vm = await TestVm.start(image, { nics: 2 });
  try {
    const r = await pingPong(vm.nics[0]!.socket, vm.nics[0]!.guestPort, vm.nics[1]!.socket, frames);
    return { accel: 'tcg', frameBytes: FRAME_BYTES + 4, frames, baseline, vm: r, addedUs: r.medianUs - baseline.medianUs };
  } finally {
    await vm.close();
  }
}

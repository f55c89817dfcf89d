// The VM image's own figures (issue: size, boot, memory), under QEMU
// microvm with the accelerator the suite uses:
//  - stripped image sizes: a trivial configuration, the IP router
//    (benchmarks/configs/f_ip_router.click), a program whose main returns;
//  - QEMU start to exit: the trivial configuration beside that empty
//    program (kernel and libc start-up only: the baseline);
//  - with two dgram NICs: the guest clock from its first instruction to
//    main() and to ready-to-forward (router up, receive rings posted;
//    printed under clickvm.verbose), and QEMU start to the first frame
//    forwarded NIC 0 -> NIC 1, a frame being offered every millisecond
//    from QEMU's start;
//  - the smallest -m (whole MiB) in which the IP router still runs.

import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { buildImage, buildProgramImage } from '../../vm-image/build.js';
import { nicQemuArgs } from '../../vm-image/nic-spec.js';
import { QEMU, qemuArgs, runImage } from '../../vm-image/qemu.js';
import { spread, type Spread } from './stats.js';

export interface VmBootResults {
  readonly accel: 'tcg' | 'kvm';
  readonly runs: number;
  readonly imageBytes: { readonly trivial: number; readonly ipRouter: number; readonly emptyProgram: number };
  /** QEMU start to exit, ms. */
  readonly bootToExitMs: { readonly trivial: Spread; readonly emptyProgram: Spread };
  /** Guest clock, ms, two NICs. */
  readonly guestMainMs: Spread;
  readonly guestReadyMs: Spread;
  /** QEMU start to the first frame out of NIC 1, ms. */
  readonly firstFrameMs: Spread;
  /** Smallest -m, MiB, in which the IP router forwards its packets. */
  readonly smallestMemoryMiB: number;
}

const program = (text: string, defines: Record<string, string> = {}) => generateC(loadConfig(text, 'bench.click', { defines }), { configText: text });

const bind = (): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });

interface NicBoot {
  readonly main: number;
  readonly ready: number;
  readonly frame: number;
}

/** One boot of a forwarding image with two NICs. */
async function firstFrame(image: string, accel: 'tcg' | 'kvm'): Promise<NicBoot> {
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
  let timer: NodeJS.Timeout | undefined;
  try {
    const out = await new Promise<number>((resolve, reject) => {
      host[1]!.once('message', () => resolve(performance.now() - started));
      child.once('exit', (code) => reject(new Error(`QEMU ended (${code}) before a frame came out:\n${text}`)));
      timer = setTimeout(() => reject(new Error(`no frame forwarded in 30 s:\n${text}`)), 30000);
    });
    // The held boot log goes out at the router's first idle moment.
    const until = Date.now() + 5000;
    while (!/ready to forward at/.test(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    const ms = (re: RegExp): number => {
      const m = re.exec(text);
      if (!m) throw new Error(`no ${re.source} on the console:\n${text}`);
      return Number(m[1]) / 1000;
    };
    return { main: ms(/clickvm: boot (\d+) us/), ready: ms(/ready to forward at (\d+) us/), frame: out };
  } finally {
    clearTimeout(timer);
    clearInterval(offer);
    child.kill('SIGKILL');
    host.forEach((h) => h.close());
  }
}

async function bootToExit(image: string, append: string, accel: 'tcg' | 'kvm', runs: number): Promise<Spread> {
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runImage(image, { append, accel });
    if (r.kind !== 'exit' || r.status !== 0) throw new Error(`boot failed: ${r.kind} ${r.status}\n${r.console}${r.stderr}`);
    wall.push(r.elapsedMs);
  }
  return spread(wall);
}

export async function measureVmBoot(runs: number, accel: 'tcg' | 'kvm'): Promise<VmBootResults> {
  const trivial = buildImage(program('InfiniteSource(LIMIT 1, STOP true) -> c :: Counter -> Discard;'));
  const empty = buildProgramImage('int main(void) { return 0; }');
  const packets = 1000;
  const routerText = readFileSync(join(repoRoot, 'benchmarks', 'configs', 'f_ip_router.click'), 'utf8');
  const router = buildImage(program(routerText, { N: String(packets) }));
  const forwarder = buildImage(program('FromDevice(0) -> Queue -> ToDevice(1);'));

  const trivialExit = await bootToExit(trivial.output, '-h c.count', accel, runs);
  const emptyExit = await bootToExit(empty.output, '', accel, runs);
  const boots: NicBoot[] = [];
  for (let i = 0; i < runs; i++) boots.push(await firstFrame(forwarder.output, accel));

  // MiB: hi works, lo does not. The image is linked at 1 MiB, so 1M cannot
  // hold it (QEMU then runs the guest into nothing: hence the timeout).
  const works = async (mb: number): Promise<boolean> => {
    const r = await runImage(router.output, { append: '-h cnt.count', memory: `${mb}M`, accel, timeoutMs: 20000 });
    return r.kind === 'exit' && r.status === 0 && r.console === `${packets}\n`;
  };
  let lo = 1;
  let hi = 16;
  if (!(await works(hi))) throw new Error('the IP router does not run in -m 16M');
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (await works(mid)) hi = mid;
    else lo = mid;
  }
  return {
    accel,
    runs,
    imageBytes: { trivial: trivial.size, ipRouter: router.size, emptyProgram: empty.size },
    bootToExitMs: { trivial: trivialExit, emptyProgram: emptyExit },
    guestMainMs: spread(boots.map((b) => b.main)),
    guestReadyMs: spread(boots.map((b) => b.ready)),
    firstFrameMs: spread(boots.map((b) => b.frame)),
    smallestMemoryMiB: hi,
  };
}

// A VM under test with NICs on loopback UDP: QEMU's `-netdev dgram` carries
// one Ethernet frame per datagram each way, and this side holds a node:dgram
// socket for each NIC. NIC n gets the launcher's MAC 52:54:00:c1:0c:0n, so
// the guest numbers the NICs as here whatever transport slots QEMU picks.
// QEMU is started with vm-image/qemu.ts's command line and killed by
// close() (call it from t.teardown), never left running.

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { QEMU, qemuArgs, decodeExitStatus, type VmExit } from '../../vm-image/qemu.js';

export interface VmNic {
  /** The port QEMU's netdev listens on (frames sent here reach the guest). */
  readonly guestPort: number;
  /** Our end. */
  readonly socket: Socket;
  /** Frames the guest sent on this NIC, in arrival order. */
  readonly received: Buffer[];
}

export interface VmEnd extends VmExit {
  readonly console: string;
  readonly stderr: string;
  readonly killed: boolean;
}

export function nicMac(n: number): string {
  return `52:54:00:c1:0c:${n.toString(16).padStart(2, '0')}`;
}

/** QEMU's netdev and device arguments for NIC n. */
export function nicArgs(n: number, guestPort: number, hostPort: number): string[] {
  return [
    '-netdev',
    `dgram,id=n${n},local.type=inet,local.host=127.0.0.1,local.port=${guestPort},remote.type=inet,remote.host=127.0.0.1,remote.port=${hostPort}`,
    '-device',
    `virtio-net-device,netdev=n${n},mac=${nicMac(n)}`,
  ];
}

/** A UDP socket bound to a free port on 127.0.0.1. */
export function bound(): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => resolve(s));
  });
}

/** A free UDP port for QEMU to bind (taken and released here: a small race, as with any port picker). */
async function freePort(): Promise<number> {
  const s = await bound();
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The /proc/net/udp fields of the socket bound to 127.0.0.1:`port`. */
function udpSocketFields(port: number): string[] | undefined {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1] === local) return f;
  }
  return undefined;
}

/** Datagrams the host's UDP socket bound to `port` dropped (its receive buffer was full). */
export function udpSocketDrops(port: number): number {
  const f = udpSocketFields(port);
  return f ? Number(f[f.length - 1]) : 0;
}

/** Bytes waiting in the receive buffer of the UDP socket bound to `port` (datagrams QEMU has not read yet). */
export function udpSocketQueued(port: number): number {
  const f = udpSocketFields(port);
  return f ? parseInt(f[4]!.split(':')[1]!, 16) : 0;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class TestVm {
  private consoleText = '';
  private stderrText = '';
  private endPromise: Promise<VmEnd>;
  private killed = false;
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly nics: readonly VmNic[],
  ) {
    child.stdout!.on('data', (b: Buffer) => (this.consoleText += b.toString('latin1')));
    child.stderr!.on('data', (b: Buffer) => (this.stderrText += b.toString()));
    this.endPromise = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        this.exited = true;
        resolve({ ...decodeExitStatus(code, signal, this.stderrText), console: this.consoleText, stderr: this.stderrText, killed: this.killed });
      });
    });
  }

  /** Boot `image` with `nics` NICs; resolves once the guest has printed its NIC lines (QEMU is reading its sockets by then). */
  /** `order`: the NICs' order on QEMU's command line (default 0, 1, ...); the guest numbers them by MAC whatever it is. */
  /** `nicLines`: how many NIC lines to wait for (default `nics`; 0 for a program that brings up no NICs). */
  static async start(image: string, opts: { nics: number; append?: string; memory?: string; bootTimeoutMs?: number; order?: readonly number[]; nicLines?: number }): Promise<TestVm> {
    const args: string[][] = [];
    const nics: VmNic[] = [];
    for (let n = 0; n < opts.nics; n++) {
      const socket = await bound();
      // Room for bursts while this process is busy (the kernel caps it at net.core.rmem_max).
      socket.setRecvBufferSize(4 << 20);
      const guestPort = await freePort();
      args.push(nicArgs(n, guestPort, socket.address().port));
      const received: Buffer[] = [];
      socket.on('message', (m) => received.push(m));
      nics.push({ guestPort, socket, received });
    }
    // Thread names (main loop, CPU 0/TCG, workers) for measurements.
    const extra = ['-name', 'clickvm-test,debug-threads=on', ...(opts.order ?? nics.map((_, n) => n)).flatMap((n) => args[n]!)];
    const child = spawn(QEMU, qemuArgs({ image, append: opts.append, memory: opts.memory, accel: 'tcg', extra }), { stdio: ['ignore', 'pipe', 'pipe'] });
    const vm = new TestVm(child, nics);
    const deadline = Date.now() + (opts.bootTimeoutMs ?? 20000);
    // The NIC lines come before main(); a router that fails to initialize may exit right after them.
    const lines = () => (vm.consoleText.match(/^virtio-net: NIC \d+ \(.*\n/gm) ?? []).length;   // whole lines
    while (lines() < (opts.nicLines ?? opts.nics)) {
      if (vm.exited || Date.now() > deadline) {
        const end = await (vm.exited ? vm.endPromise : vm.close());
        throw new Error(`the VM did not bring up ${opts.nics} NICs (${end.kind} ${end.status}):\n${end.console}\n${end.stderr}`);
      }
      await sleep(10);
    }
    return vm;
  }

  get console(): string {
    return this.consoleText;
  }

  /**
   * Send frames into NIC n, `burst` at a time with `gapMs` between bursts.
   * QEMU reads its socket only while the guest has receive buffers, and a
   * loopback UDP socket buffer holds a few hundred frames, so an unpaced
   * flood loses frames on the host before QEMU sees them: unless
   * `flood` is set, a burst waits while more than `QUEUED_MAX` bytes sit
   * unread in QEMU's socket (a loaded machine can stall the guest for a
   * while; pacing by time alone would then lose frames).
   */
  async send(n: number, frames: readonly Uint8Array[], pace: { burst: number; gapMs: number; flood?: boolean } = { burst: 16, gapMs: 2 }): Promise<void> {
    const nic = this.nics[n]!;
    const QUEUED_MAX = 48 * 1024;
    for (let i = 0; i < frames.length; i += pace.burst) {
      while (!pace.flood && !this.exited && udpSocketQueued(nic.guestPort) > QUEUED_MAX) await sleep(1);
      await Promise.all(
        frames.slice(i, i + pace.burst).map(
          (f) => new Promise<void>((resolve, reject) => nic.socket.send(f, nic.guestPort, '127.0.0.1', (e) => (e ? reject(e) : resolve()))),
        ),
      );
      if (pace.gapMs > 0) await sleep(pace.gapMs);
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Wait until NIC n has sent `count` frames or `ms` passed; true if it got there. */
  async waitFrames(n: number, count: number, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (this.nics[n]!.received.length < count) {
      if (Date.now() > deadline || this.exited) return this.nics[n]!.received.length >= count;
      await sleep(5);
    }
    return true;
  }

  /** Wait until no NIC has received anything for `quietMs` (or `ms` passed). */
  async waitQuiet(quietMs: number, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    const total = () => this.nics.reduce((s, n) => s + n.received.length, 0);
    let last = total();
    let since = Date.now();
    while (Date.now() < deadline && !this.exited) {
      await sleep(5);
      const now = total();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return;
      }
    }
  }

  /** The guest's end (its router stopped), or a kill after `ms`. */
  async ended(ms: number): Promise<VmEnd> {
    const timer = setTimeout(() => this.kill(), ms);
    try {
      return await this.endPromise;
    } finally {
      clearTimeout(timer);
    }
  }

  private kill(): void {
    if (!this.exited) {
      this.killed = true;
      this.child.kill('SIGKILL');
    }
  }

  /** Kill QEMU if it still runs, close our sockets; the VM's end. */
  async close(): Promise<VmEnd> {
    this.kill();
    const end = await this.endPromise;
    for (const nic of this.nics) {
      try {
        nic.socket.close();
      } catch {
        // already closed
      }
    }
    return end;
  }
}

/**
 * Handler values from the driver's `-h` printout: a `name:` line, the value,
 * a blank line. With one handler the driver prints the bare value, which
 * cannot be told from other console lines: ask for two or more.
 */
export function parseHandlerPrintout(text: string, names: readonly string[]): Record<string, string> {
  if (names.length < 2) throw new Error('parseHandlerPrintout needs two or more handlers (one is printed without its name)');
  const out: Record<string, string> = {};
  for (const name of names) {
    const at = text.lastIndexOf(`\n${name}:\n`);
    if (at < 0) continue;
    const rest = text.slice(at + name.length + 3);
    const end = rest.indexOf('\n\n');
    out[name] = (end < 0 ? rest : rest.slice(0, end)).replace(/\r/g, '');
  }
  return out;
}

export interface ForwardingRun {
  readonly frames: number;
  readonly seconds: number;
  readonly framesPerSecond: number;
}

/**
 * Closed-loop forwarding rate: frames go into NIC `from` while fewer than
 * `window` are on their way, and must all come back on NIC `to`. With the
 * window below both the guest's receive ring and QEMU's socket buffer,
 * nothing overflows and the rate is what the path sustains.
 */
export function measureForwarding(vm: TestVm, opts: { from: number; to: number; frames: readonly Uint8Array[]; count: number; window: number; timeoutMs?: number }): Promise<ForwardingRun> {
  const src = vm.nics[opts.from]!;
  const dst = vm.nics[opts.to]!;
  const base = dst.received.length;
  let sent = 0;
  let finished = false;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      finished = true;
      dst.socket.off('message', onMessage);
      reject(new Error(`only ${dst.received.length - base} of ${opts.count} frames came back`));
    }, opts.timeoutMs ?? 120000);
    const done = () => dst.received.length - base >= opts.count;
    const finish = () => {
      clearTimeout(deadline);
      dst.socket.off('message', onMessage);
      const seconds = (performance.now() - started) / 1000;
      resolve({ frames: opts.count, seconds, framesPerSecond: opts.count / seconds });
    };
    // The window is refilled as frames come back; a 1 ms timer backs that
    // up (a frame lost on the way shrinks the window for good, never to 0
    // unless all are lost, and then the deadline ends the run).
    const fill = () => {
      while (sent < opts.count && sent - (dst.received.length - base) < opts.window) {
        src.socket.send(opts.frames[sent % opts.frames.length]!, src.guestPort, '127.0.0.1', (e) => e && reject(e));
        sent++;
      }
    };
    const pump = () => {
      if (finished) return;
      fill();
      setTimeout(pump, 1);
    };
    const onMessage = () => {
      if (done()) {
        finished = true;
        finish();
      } else {
        fill();
      }
    };
    dst.socket.on('message', onMessage);
    pump();
  });
}

/** CPU seconds each of QEMU's threads has used so far (from the stat file of each of its tasks in /proc), by thread name. */
export function qemuThreadCpu(pid: number): { name: string; seconds: number }[] {
  const tick = 100;   // USER_HZ
  const out: { name: string; seconds: number }[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ name, seconds: (Number(f[11]) + Number(f[12])) / tick });
    } catch {
      // the thread ended
    }
  }
  return out;
}

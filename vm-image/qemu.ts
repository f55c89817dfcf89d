// Running a VM image under QEMU: the command line (microvm, the console on
// COM1, the control channel on COM2, isa-debug-exit for the exit status),
// the accelerator choice, and what QEMU's exit code says about the guest.
// Shared by the tests and by `clickvm vm`.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type Accel = 'tcg' | 'kvm' | 'auto';

export interface QemuOptions {
  /** The image (`clickvm image` output) given to -kernel. */
  readonly image: string;
  /** Guest RAM, QEMU syntax; default 16M. */
  readonly memory?: string;
  /** Default tcg. */
  readonly accel?: Accel;
  /** The kernel command line: the router's arguments (`-h c.count`), plus clickvm.* kernel options. */
  readonly append?: string;
  /** Console (COM1) into this file. */
  readonly consolePath?: string;
  /** Console (COM1) on QEMU's standard output (the default when no consolePath is given). */
  readonly consoleStdio?: boolean;
  /** COM2 as a UNIX socket QEMU listens on: the control channel. */
  readonly controlSocketPath?: string;
  /** More arguments (netdevs and their virtio-net-device), appended as they are. */
  readonly extra?: readonly string[];
  /** The QEMU binary; default qemu-system-x86_64. */
  readonly qemu?: string;
}

export const QEMU = 'qemu-system-x86_64';

/** Does this machine have hardware virtualization for KVM (not only /dev/kvm)? */
export function kvmUsable(): boolean {
  if (!existsSync('/dev/kvm')) return false;
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '';
    return /\b(vmx|svm)\b/.test(flags);
  } catch {
    return false;
  }
}

/** The accelerator `auto` stands for here: KVM with vmx/svm in the CPU flags, TCG otherwise. */
export function resolveAccel(accel: Accel = 'tcg'): 'tcg' | 'kvm' {
  if (accel === 'auto') return kvmUsable() ? 'kvm' : 'tcg';
  return accel;
}

/** QEMU's arguments for booting an image (without the binary's name). */
export function qemuArgs(opts: QemuOptions): string[] {
  const args = [
    // No ACPI tables to build; no virtio_mmio.device= words added to the command line
    // (the kernel would drop them anyway: the drivers probe the MMIO slots).
    '-M', 'microvm,acpi=off,auto-kernel-cmdline=off',
    '-accel', resolveAccel(opts.accel),
    '-nodefaults', '-no-user-config', '-nographic',
    // A triple fault (the kernel's last resort) ends QEMU instead of rebooting.
    '-no-reboot',
    '-m', opts.memory ?? '16M',
    '-kernel', opts.image,
    '-append', opts.append ?? '',
    '-global', 'virtio-mmio.force-legacy=false',
    '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
  ];
  if (opts.consolePath !== undefined) args.push('-chardev', `file,id=con,path=${opts.consolePath}`, '-serial', 'chardev:con');
  else args.push('-serial', 'stdio');
  if (opts.controlSocketPath !== undefined) {
    args.push(
      '-chardev', `socket,id=ctl,path=${opts.controlSocketPath},server=on,wait=off`,
      '-device', 'isa-serial,chardev=ctl,iobase=0x2f8,irq=3',
    );
  }
  if (opts.extra) args.push(...opts.extra);
  return args;
}

/** How a VM ended, from QEMU's exit (see the VM_EXIT_* values in vm-image/kernel/kernel.h). */
export interface VmExit {
  /**
   * exit: the program exited (status is its exit status; over 123 it is
   * only known to be over 123, the console has it). abort: abort() (status
   * 134, as a shell reports SIGABRT). crash: a CPU exception (the console
   * has the report; status 139). panic: the kernel gave up (status 125).
   * reset: the guest reset or halted without isa-debug-exit (triple
   * fault; status 125). qemu: QEMU failed or was killed (status 125).
   */
  readonly kind: 'exit' | 'abort' | 'crash' | 'panic' | 'reset' | 'qemu';
  readonly status: number;
}

/** Does QEMU's standard error say that QEMU itself failed (not a warning)? */
export function qemuFailed(stderr: string): boolean {
  return /^qemu-system[^\s:]*: (?!warning:)/m.test(stderr) || /^Could not access KVM/m.test(stderr);
}

/**
 * Decode QEMU's exit code (or the signal that killed it). QEMU's own
 * failures exit 1, which is also a guest's isa-debug-exit 0: its standard
 * error tells them apart, so pass it where there is one.
 */
export function decodeExitStatus(code: number | null, signal: NodeJS.Signals | null = null, stderr = ''): VmExit {
  if (code === null || signal !== null) return { kind: 'qemu', status: 125 };
  if (code === 1 && qemuFailed(stderr)) return { kind: 'qemu', status: 125 };
  if (code === 0) return { kind: 'reset', status: 125 };
  if ((code & 1) === 0) return { kind: 'qemu', status: 125 };   // QEMU's own failure codes
  const v = code >> 1;
  if (v <= 124) return { kind: 'exit', status: v };
  if (v === 125) return { kind: 'abort', status: 134 };
  if (v === 126) return { kind: 'crash', status: 139 };
  return { kind: 'panic', status: 125 };
}

export interface RunImageOptions {
  readonly append?: string;
  /** Kill QEMU after this long; default 60 s. */
  readonly timeoutMs?: number;
  readonly memory?: string;
  readonly accel?: Accel;
  readonly extra?: readonly string[];
  /** COM2 as a listening UNIX socket (see QemuOptions). */
  readonly controlSocketPath?: string;
  /** Kills QEMU when aborted (tests abort in t.teardown, so a failing test leaves no QEMU behind). */
  readonly signal?: AbortSignal;
}

export interface RunImageResult extends VmExit {
  /** Everything the guest wrote to its console. */
  readonly console: string;
  /** QEMU's own messages. */
  readonly stderr: string;
  readonly qemuCode: number | null;
  readonly timedOut: boolean;
  /** From spawning QEMU to its exit. */
  readonly elapsedMs: number;
  /** QEMU's process id (gone by the time the promise resolves). */
  readonly pid: number | undefined;
}

/** Boot an image to its end, console on stdout; QEMU is killed at the timeout, never left running. */
export function runImage(image: string, opts: RunImageOptions = {}): Promise<RunImageResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(QEMU, qemuArgs({ image, append: opts.append, memory: opts.memory, accel: opts.accel, extra: opts.extra, controlSocketPath: opts.controlSocketPath }), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60000);
    const abort = (): void => {
      child.kill('SIGKILL');
    };
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort);
    const done = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
    };
    child.on('error', (e) => {
      done();
      reject(e);
    });
    child.on('close', (code, signal) => {
      done();
      const stderr = Buffer.concat(err).toString();
      resolve({
        ...decodeExitStatus(code, signal, stderr),
        console: Buffer.concat(out).toString('latin1'),
        stderr,
        qemuCode: code,
        timedOut,
        elapsedMs: performance.now() - started,
        pid: child.pid,
      });
    });
  });
}

// Running middlebox VMs as the host sees them: one directory per instance in
// the runtime directory, holding what `vm start` decided (instance.json),
// QEMU's pid, the console log, the control channel's socket and, once QEMU
// has ended, its exit status. The state of an instance is read from these
// files and the process table every time, so a VM that died shows as
// crashed, never as running, whoever asks and whenever.
//
// QEMU runs under a one-line supervisor (Perl, which Debian always has: it
// tells an exit status from a signal, as sh's `$?` cannot) started in its
// own session, so it outlives the clickvm command that started it and how
// QEMU ended is kept for `vm list`.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NicSpec } from './nic-spec.js';
import { decodeExitStatus, qemuFailed, type VmExit } from './qemu.js';

export interface InstanceRecord {
  readonly name: string;
  readonly image: string;
  readonly config?: string;
  readonly nics: readonly NicSpec[];
  readonly accel: 'kvm' | 'tcg';
  readonly memory: string;
  /** ms since the epoch. */
  readonly started: number;
  /** The supervising shell's pid (the leader of the instance's process group). */
  readonly supervisor: number;
}

export type InstanceState =
  | { readonly state: 'starting' | 'running'; readonly pid: number }
  | { readonly state: 'exited'; readonly status: number }
  | { readonly state: 'crashed'; readonly reason: string };

export class InstanceError extends Error {
  override name = 'InstanceError';
}

/** Where instances live: $CLICKVM_RUNTIME_DIR, else $XDG_RUNTIME_DIR/clickvm, else a per-user folder in /tmp. */
export function runtimeDir(): string {
  const env = process.env.CLICKVM_RUNTIME_DIR;
  if (env) return env;
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, 'clickvm');
  return join(tmpdir(), `clickvm-${process.getuid?.() ?? 'user'}`);
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export function checkInstanceName(name: string): void {
  if (!NAME_RE.test(name)) throw new InstanceError(`bad VM name '${name}': letters, digits, '_', '.', '-', at most 63, starting with a letter or digit`);
}

/** The files of one instance. */
export function instancePaths(name: string) {
  const dir = join(runtimeDir(), name);
  return {
    dir,
    record: join(dir, 'instance.json'),
    pid: join(dir, 'qemu.pid'),
    exitStatus: join(dir, 'exit-status'),
    console: join(dir, 'console.log'),
    control: join(dir, 'control.sock'),
    qemuLog: join(dir, 'qemu.log'),
  };
}

export function readRecord(name: string): InstanceRecord | undefined {
  try {
    return JSON.parse(readFileSync(instancePaths(name).record, 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}

export function instanceNames(): string[] {
  const root = runtimeDir();
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'instance.json')))
    .map((d) => d.name)
    .sort();
}

/** Whether `pid` is alive and its command line mentions `marker` (guards against reused pids). */
export function processMatches(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

function readInt(path: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** QEMU's first error line in its log, as `: message`, or nothing. */
function qemuError(log: string): string {
  const lines = log.split('\n').filter((l) => qemuFailed(l));
  const line = lines.find((l) => l.startsWith('qemu-system')) ?? lines[0];
  return line ? `: ${line.trim()}` : '';
}

/**
 * How an instance ended, from what its supervisor wrote: `exit N` (QEMU's
 * exit code, which says what the guest did: vm-image/qemu.ts) or `signal S`
 * (QEMU was killed), and QEMU's log (its own failures exit 1 too). Only a
 * guest that exited counts as exited; a fault, an abort, a panic or a
 * killed QEMU is a crash.
 */
export function endedState(text: string, qemuLog = ''): InstanceState {
  const m = /^(exit|signal) (\d+)\s*$/.exec(text);
  if (!m) return { state: 'crashed', reason: 'QEMU ended and left no readable exit status' };
  if (m[1] === 'signal') return { state: 'crashed', reason: `QEMU was killed by signal ${m[2]}` };
  const end = decodeExitStatus(Number(m[2]), null, qemuLog);
  if (end.kind === 'exit') return { state: 'exited', status: end.status };
  const why: Record<Exclude<VmExit['kind'], 'exit'>, string> = {
    abort: 'the router aborted',
    crash: 'a CPU exception in the guest',
    panic: 'kernel panic',
    reset: 'the guest reset or halted',
    qemu: `QEMU failed (status ${m[2]}${qemuError(qemuLog)})`,
  };
  return { state: 'crashed', reason: `${why[end.kind]} (see vm console)` };
}

/** Block the thread for `ms` (a few milliseconds, while a supervisor writes its file). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function instanceState(name: string, record: InstanceRecord): InstanceState {
  const p = instancePaths(name);
  const ended = () => endedState(readFileSync(p.exitStatus, 'utf8'), existsSync(p.qemuLog) ? readFileSync(p.qemuLog, 'utf8') : '');
  if (existsSync(p.exitStatus)) return ended();
  const pid = readInt(p.pid);
  if (pid !== undefined && processMatches(pid, p.dir)) return { state: 'running', pid };
  if (pid !== undefined && processMatches(record.supervisor, p.dir)) {
    // QEMU ran and is gone; its supervisor is writing how it ended: wait for that
    // rather than show a VM that ended as one that starts.
    for (let i = 0; i < 200 && !existsSync(p.exitStatus) && processMatches(record.supervisor, p.dir); i++) pause(5);
    if (existsSync(p.exitStatus)) return ended();
  }
  if (processMatches(record.supervisor, p.dir)) return { state: 'starting', pid: record.supervisor };
  return { state: 'crashed', reason: 'QEMU is gone and left no exit status' };
}

/** Forget an instance whose processes are gone. */
export function removeInstance(name: string): void {
  rmSync(instancePaths(name).dir, { recursive: true, force: true });
}

export function ensureInstanceDir(name: string): ReturnType<typeof instancePaths> {
  const p = instancePaths(name);
  mkdirSync(p.dir, { recursive: true, mode: 0o700 });
  return p;
}

// Middleboxes as VMs, for orchestrators: start an image under QEMU, list the
// running ones, read and write their handlers over the control channel, stop
// them. `clickvm vm …` is a thin wrapper over these functions.
//
//   const mb = await startMiddlebox({ name: 'fw1', image: 'fw.img', nics: ['dgram:9000:9001', 'dgram:9002:9003'] });
//   await readHandler('fw1', 'c.count');        // '42'
//   await writeHandler('fw1', 'c.reset', '');
//   await stopMiddlebox('fw1');
//
// Every instance is a directory in the runtime directory (instances.ts); the
// functions here keep no state of their own, so separate processes (the CLI
// run twice, an orchestrator beside it) see the same middleboxes.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlClient } from '../host-engine/control/client.js';
import {
  checkInstanceName,
  ensureInstanceDir,
  instanceNames,
  instancePaths,
  instanceState,
  InstanceError,
  processMatches,
  readRecord,
  removeInstance,
  type InstanceRecord,
  type InstanceState,
} from './instances.js';
import { formatNicSpec, nicQemuArgs, parseNicSpec, type NicSpec } from './nic-spec.js';
import { QEMU, qemuArgs, resolveAccel, type Accel } from './qemu.js';

/**
 * Runs QEMU (the arguments after the status file) and records how it ended,
 * `exit N` or `signal S`, written whole (a rename) so a reader never sees
 * half. Its command line names the instance directory, so a reused pid is
 * never taken for it.
 */
const SUPERVISOR = [
  'my $f = shift;',
  'system { $ARGV[0] } @ARGV;',
  'my $s = $? == -1 ? "exit 255" : ($? & 127) ? "signal " . ($? & 127) : "exit " . ($? >> 8);',
  'open(my $o, ">", "$f.tmp") or die; print $o "$s\\n"; close($o); rename("$f.tmp", $f);',
].join(' ');

/** The router's arguments as a kernel command line: words, quoted where they hold blanks. */
export function kernelCommandLine(args: readonly string[]): string {
  return args
    .map((a) => {
      if (a !== '' && !/[\s"']/.test(a)) return a;
      if (a.includes('"') && a.includes("'")) throw new InstanceError(`a guest argument cannot hold both kinds of quote: ${a}`);
      return a.includes('"') ? `'${a}'` : `"${a}"`;
    })
    .join(' ');
}

export interface StartOptions {
  readonly name: string;
  /** A VM image built by `clickvm image` / buildImage. */
  readonly image: string;
  /** The configuration the image came from, for `vm list`. */
  readonly config?: string;
  /** One per NIC, in the guest's order: FromDevice(0) is the first. */
  readonly nics?: readonly (NicSpec | string)[];
  /** NICs the configuration uses; starting with fewer is an error. */
  readonly nicsNeeded?: number;
  readonly accel?: Accel;
  /** Guest memory, QEMU's syntax (16M). */
  readonly memory?: string;
  /** The router's options inside the guest (its kernel command line). */
  readonly args?: readonly string[];
  /** How long to wait for QEMU to come up (ms). */
  readonly timeoutMs?: number;
}

export interface Middlebox {
  readonly name: string;
  readonly image: string;
  readonly config?: string;
  readonly nics: readonly string[];
  readonly accel: 'tcg' | 'kvm';
  readonly memory: string;
  readonly started: Date;
  readonly state: InstanceState;
  /** ms since start while it runs. */
  readonly uptimeMs?: number;
}

function describe(record: InstanceRecord): Middlebox {
  const state = instanceState(record.name, record);
  return {
    name: record.name,
    image: record.image,
    config: record.config,
    nics: record.nics.map(formatNicSpec),
    accel: record.accel,
    memory: record.memory,
    started: new Date(record.started),
    state,
    uptimeMs: state.state === 'running' || state.state === 'starting' ? Date.now() - record.started : undefined,
  };
}

function isAlive(state: InstanceState): boolean {
  return state.state === 'running' || state.state === 'starting';
}

/** Start a middlebox VM; resolves once QEMU runs (the guest boots on its own). */
export async function startMiddlebox(opts: StartOptions): Promise<Middlebox> {
  checkInstanceName(opts.name);
  const image = resolve(opts.image);
  if (!existsSync(image)) throw new InstanceError(`no image '${opts.image}'`);
  const nics = (opts.nics ?? []).map((n) => (typeof n === 'string' ? parseNicSpec(n) : n));
  if (opts.nicsNeeded !== undefined && nics.length < opts.nicsNeeded) {
    throw new InstanceError(`the configuration uses ${opts.nicsNeeded} NIC${opts.nicsNeeded === 1 ? '' : 's'} but ${nics.length} ${nics.length === 1 ? 'was' : 'were'} given: add --nic SPEC for each`);
  }
  const old = readRecord(opts.name);
  if (old) {
    if (isAlive(instanceState(opts.name, old))) throw new InstanceError(`a VM named '${opts.name}' is already running`);
    removeInstance(opts.name);   // a dead instance's leftovers
  }
  const paths = ensureInstanceDir(opts.name);
  const accel = resolveAccel(opts.accel ?? 'tcg');
  const memory = opts.memory ?? '16M';
  const args = qemuArgs({
    image,
    memory,
    accel,
    append: kernelCommandLine(opts.args ?? []),
    consolePath: paths.console,
    controlSocketPath: paths.control,
    extra: ['-pidfile', paths.pid, ...nics.flatMap((n, i) => nicQemuArgs(n, i))],
  });
  const log = openSync(paths.qemuLog, 'a');
  const child = spawn('perl', ['-e', SUPERVISOR, paths.exitStatus, QEMU, ...args], { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  const record: InstanceRecord = {
    name: opts.name,
    image,
    config: opts.config,
    nics,
    accel,
    memory,
    started: Date.now(),
    supervisor: child.pid ?? -1,
  };
  writeFileSync(paths.record, JSON.stringify(record, null, 2) + '\n');

  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  for (;;) {
    const state = instanceState(opts.name, record);
    // QEMU writes its pid file before it creates the control socket: wait for both.
    if (state.state === 'running' && existsSync(paths.control)) return describe(record);
    if (!isAlive(state)) {
      const why = existsSync(paths.qemuLog) ? readFileSync(paths.qemuLog, 'utf8').trim() : '';
      removeInstance(opts.name);
      throw new InstanceError(`VM '${opts.name}' did not start${why ? `: ${why}` : ` (${state.state === 'crashed' ? state.reason : 'exited'})`}`);
    }
    if (Date.now() > deadline) {
      await stopMiddlebox(opts.name).catch(() => undefined);
      throw new InstanceError(`VM '${opts.name}' did not start within ${opts.timeoutMs ?? 10_000} ms`);
    }
    await sleep(10);
  }
}

/** Every middlebox in the runtime directory, running or not. */
export function listMiddleboxes(): Middlebox[] {
  const out: Middlebox[] = [];
  for (const name of instanceNames()) {
    const record = readRecord(name);
    if (record) out.push(describe(record));
  }
  return out;
}

export function getMiddlebox(name: string): Middlebox {
  const record = readRecord(name);
  if (!record) throw new InstanceError(`no VM named '${name}'`);
  return describe(record);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Stop a middlebox and forget it: QEMU gets SIGTERM, then SIGKILL (the whole
 * process group) if it has not gone within `timeoutMs`. Resolves to how it
 * ended; nothing of it is left running.
 */
export async function stopMiddlebox(name: string, opts: { timeoutMs?: number } = {}): Promise<InstanceState> {
  const record = readRecord(name);
  if (!record) throw new InstanceError(`no VM named '${name}'`);
  const paths = instancePaths(name);
  const before = instanceState(name, record);
  if (before.state === 'running') signal(before.pid, 'SIGTERM');
  const gone = () => !processMatches(record.supervisor, paths.dir) && !(before.state === 'running' && processMatches(before.pid, paths.dir));
  const deadline = Date.now() + (opts.timeoutMs ?? 3000);
  while (!gone() && Date.now() < deadline) await sleep(10);
  if (!gone()) {
    signal(-record.supervisor, 'SIGKILL');
    if (before.state === 'running') signal(before.pid, 'SIGKILL');
    while (!gone()) await sleep(10);
  }
  // A VM stopped while running ended because we asked: report how it was, not the SIGTERM.
  const after = isAlive(before) ? ({ state: 'exited', status: 0 } as const) : before;
  removeInstance(name);
  return after;
}

/** Talk to a running middlebox's control channel. */
async function withControl<T>(name: string, body: (c: ControlClient) => Promise<T>, timeoutMs: number): Promise<T> {
  const mb = getMiddlebox(name);
  if (!isAlive(mb.state)) throw new InstanceError(`VM '${name}' is not running (${mb.state.state})`);
  // A serial line: one session for the VM's life, shared by every client in turn.
  const client = await ControlClient.connect({ path: instancePaths(name).control }, { sharedSession: true, timeoutMs, replyTimeoutMs: timeoutMs });
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** The value of a read handler (`elem.handler`) of a running middlebox. */
export function readHandler(name: string, handler: string, opts: { timeoutMs?: number } = {}): Promise<string> {
  return withControl(name, (c) => c.read(handler), opts.timeoutMs ?? 10_000);
}

/** Call a write handler of a running middlebox. */
export function writeHandler(name: string, handler: string, value: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  return withControl(name, (c) => c.write(handler, value), opts.timeoutMs ?? 10_000);
}

/** What the guest has printed on its serial console so far. */
export function consoleOutput(name: string): string {
  if (!readRecord(name)) throw new InstanceError(`no VM named '${name}'`);
  const path = instancePaths(name).console;
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

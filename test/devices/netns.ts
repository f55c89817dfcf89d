// A private network for the AF_PACKET tests and the veth benchmark: three
// network namespaces (sender, middlebox, receiver) joined by two veth pairs,
//
//   <pid>s: s0  <-veth->  m0 (or eth0) :<pid>m: m1 (or eth1)  <-veth->  r0 :<pid>r
//
// with IPv6 off (no neighbour discovery or MLD chatter on the links) and no
// addresses, so the only frames on them are the test's. Removing the
// namespaces removes the veths. The far ends run frame-tool (frame-tool.c,
// compiled here) on raw sockets.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Network {
  readonly sender: string;
  readonly middle: string;
  readonly receiver: string;
  /** The middlebox's interfaces: toward the sender, toward the receiver. */
  readonly ifaces: readonly [string, string];
  remove(): void;
}

/** Why these tests cannot run here, or undefined if they can. */
export function cannotRun(): string | undefined {
  if (process.platform !== 'linux') return 'AF_PACKET is Linux only';
  if (process.getuid?.() !== 0) return 'network namespaces and raw sockets need root (CI runs as root)';
  for (const tool of ['ip', 'gcc']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (scripts/setup.sh installs it)`;
    }
  }
  return undefined;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Make the three namespaces and the two veth pairs. `ifaces` names the
 * middlebox's two interfaces. Namespace names carry the pid and `tag`, so
 * parallel test files never meet.
 */
export function makeNetwork(tag: string, ifaces: readonly [string, string] = ['m0', 'm1']): Network {
  const base = `cvm${process.pid}${tag}`;
  const net: Network = {
    sender: `${base}s`,
    middle: `${base}m`,
    receiver: `${base}r`,
    ifaces,
    remove() {
      for (const ns of [this.sender, this.middle, this.receiver]) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // not made (a failure part way), or already gone
        }
      }
    },
  };
  try {
    for (const ns of [net.sender, net.middle, net.receiver]) {
      ip('netns', 'add', ns);
      execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('-n', net.sender, 'link', 'add', 's0', 'type', 'veth', 'peer', 'name', ifaces[0], 'netns', net.middle);
    ip('-n', net.middle, 'link', 'add', ifaces[1], 'type', 'veth', 'peer', 'name', 'r0', 'netns', net.receiver);
    ip('-n', net.sender, 'link', 'set', 's0', 'up');
    ip('-n', net.middle, 'link', 'set', ifaces[0], 'up');
    ip('-n', net.middle, 'link', 'set', ifaces[1], 'up');
    ip('-n', net.receiver, 'link', 'set', 'r0', 'up');
  } catch (e) {
    net.remove();
    throw e;
  }
  return net;
}

/** frame-tool compiled into a fresh folder; `dir` is removed by the caller. */
export function buildFrameTool(): { tool: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cvm-afp-'));
  const tool = join(dir, 'frame-tool');
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', tool, new URL('./frame-tool.c', import.meta.url).pathname]);
  return { tool, dir };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Frames as frame-tool's files hold them: a 4-byte little-endian length, then the bytes. */
export function writeFrames(file: string, frames: readonly Uint8Array[]): void {
  const parts: Buffer[] = [];
  for (const f of frames) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(f.length);
    parts.push(len, Buffer.from(f));
  }
  writeFileSync(file, Buffer.concat(parts));
}

export function readFrames(file: string): Uint8Array[] {
  const b = readFileSync(file);
  const out: Uint8Array[] = [];
  for (let off = 0; off + 4 <= b.length; ) {
    const len = b.readUInt32LE(off);
    out.push(Uint8Array.prototype.slice.call(b, off + 4, off + 4 + len));
    off += 4 + len;
  }
  return out;
}

/** A process in namespace `ns`, its standard output and error collected. */
export interface NsProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (or signal name) when it ends. */
  readonly done: Promise<number | string>;
}

export function spawnIn(ns: string, argv: readonly string[], cwd?: string): NsProcess {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | string>((resolve) => child.on('close', (code, sig) => resolve(code ?? sig ?? -1)));
  return { child, stdout: () => out, stderr: () => err, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Wait until `p`'s standard output matches `re` (or it ends, or `ms` pass). */
export async function waitOutput(p: NsProcess, re: RegExp, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (re.test(p.stdout())) return true;
    if (p.child.exitCode !== null) return re.test(p.stdout());
    await sleep(20);
  }
  return false;
}

/**
 * Wait until namespace `ns` has `n` packet sockets (the middlebox has made
 * its rings and bound them): /proc/net/packet lists the namespace's own.
 */
export async function waitPacketSockets(ns: string, n: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const lines = execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/packet'], { encoding: 'utf8' }).trim().split('\n').length - 1;
    if (lines >= n) return true;
    await sleep(50);
  }
  return false;
}

/** Stop a process with SIGINT (as an operator would), then SIGKILL if it lingers. */
export async function interrupt(p: NsProcess, ms = 10000): Promise<number | string> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGINT');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  try {
    return await p.done;
  } finally {
    clearTimeout(timer);
  }
}

/** Handler values from a driver's `-h` printout (`name:\nvalue\n\n` for several). */
export function parseHandlers(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of stdout.matchAll(/^([A-Za-z0-9_@/.]+\.[A-Za-z0-9_]+):\n([^\n]*)\n/gm)) out[m[1]!] = m[2]!;
  return out;
}

/** Wait until each of `ifaces` in namespace `ns` has an XDP program attached (generic mode: `xdpgeneric`). */
export async function waitXdp(ns: string, ifaces: readonly string[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (ifaces.every((i) => /xdpgeneric/.test(execFileSync('ip', ['-n', ns, 'link', 'show', i], { encoding: 'utf8' })))) return true;
    await sleep(50);
  }
  return false;
}

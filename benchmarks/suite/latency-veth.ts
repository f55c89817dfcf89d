// Latency a middlebox adds on real interfaces. A private network of three
// namespaces joined by veth pairs (test/devices/netns.ts),
//
//   sender: s0 <-veth-> m0 [middle] m1 <-veth-> r0 :receiver
//
// and frame-tool's `ping` in the sender namespace: one 64-byte frame at a
// time out of s0, timed until it comes back on r0 (the tool holds a socket
// in each namespace, so one clock times both ends), a pause between frames
// so that every sample includes the middlebox waking up for it. The
// baseline row is the kernel forwarding m0 to m1 itself (a tc mirred
// redirect on m0's ingress, no user space); each other row is a bridge
// (veth-bridge.ts) on one engine and device method, and what it adds is its
// median less the baseline's.

import { execFileSync } from 'node:child_process';
import { buildFrameTool, cannotRun, interrupt, makeNetwork, removeDir, type Network } from '../../test/devices/netns.js';
import type { DeviceMethod } from '../../host-engine/devices.js';
import { startBridge, type BridgeEngine } from './veth-bridge.js';

export interface PathLatency {
  /** What forwarded between the two links: `kernel` (the baseline) or an engine. */
  readonly path: 'kernel' | BridgeEngine;
  readonly method?: DeviceMethod;
  readonly frames: number;
  readonly lost: number;
  readonly medianUs: number;
  readonly p99Us: number;
  readonly maxUs: number;
  /** Median over the baseline's median. */
  readonly addedUs?: number;
  readonly error?: string;
}

export interface VethLatencyResults {
  readonly frameBytes: number;
  readonly gapUs: number;
  readonly rows: readonly PathLatency[];
}

export const FRAME_BYTES = 60; // 64 on the wire with the FCS
const GAP_US = 100;

const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

function ping(net: Network, tool: string, frames: number): Omit<PathLatency, 'path'> {
  const out = execFileSync('ip', ['netns', 'exec', net.sender, tool, 'ping', 's0', net.receiver, 'r0', String(frames), String(FRAME_BYTES), String(GAP_US)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const m = /ping (\d+) lost (\d+) median_us ([\d.]+) p99_us ([\d.]+) max_us ([\d.]+)/.exec(out);
  if (!m) throw new Error(`frame-tool ping printed: ${out.trim()}`);
  return { frames: Number(m[1]), lost: Number(m[2]), medianUs: Number(m[3]), p99Us: Number(m[4]), maxUs: Number(m[5]) };
}

/** The kernel forwards everything arriving on m0 out of m1 (or stops doing so). */
function kernelRedirect(net: Network, on: boolean): void {
  const tc = (...args: string[]) => execFileSync('ip', ['netns', 'exec', net.middle, 'tc', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (on) {
    tc('qdisc', 'add', 'dev', 'm0', 'ingress');
    tc('filter', 'add', 'dev', 'm0', 'parent', 'ffff:', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', 'm1');
  } else tc('qdisc', 'del', 'dev', 'm0', 'ingress');
}

/** Why the veth rows cannot be measured here (not root, no ip or tc), or undefined. */
export function vethLatencyUnavailable(): string | undefined {
  const reason = cannotRun();
  if (reason) return reason;
  try {
    execFileSync('sh', ['-c', 'command -v tc'], { stdio: 'ignore' });
  } catch {
    return 'tc (iproute2) is not installed';
  }
  return undefined;
}

export async function measureVethLatency(frames: number, paths: readonly { engine: BridgeEngine; method: DeviceMethod }[]): Promise<VethLatencyResults> {
  const { tool, dir } = buildFrameTool();
  const net = makeNetwork('lat');
  try {
    const rows: PathLatency[] = [];
    kernelRedirect(net, true);
    const base: PathLatency = { path: 'kernel', ...ping(net, tool, frames) };
    kernelRedirect(net, false);
    rows.push(base);
    for (const { engine, method } of paths) {
      try {
        const mb = await startBridge(net, engine, method, dir);
        try {
          const r = ping(net, tool, frames);
          rows.push({ path: engine, method, ...r, addedUs: r.medianUs - base.medianUs });
        } finally {
          await interrupt(mb);
        }
      } catch (e) {
        rows.push({ path: engine, method, frames, lost: frames, medianUs: NaN, p99Us: NaN, maxUs: NaN, error: why(e) });
      }
    }
    return { frameBytes: FRAME_BYTES + 4, gapUs: GAP_US, rows };
  } finally {
    net.remove();
    removeDir(dir);
  }
}

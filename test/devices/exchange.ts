// The middlebox exchange the device tests share (afpacket.test.ts,
// afxdp.test.ts): start the middlebox in its namespace (`clickvm run` on the
// host engine, or the compiled binary), send frames from the far ends' raw
// sockets, capture what comes out, and read the handlers it prints at exit.
import type { Test } from 'tap';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { ether, frames } from '../util/packets.js';
import { interrupt, parseHandlers, readFrames, spawnIn, waitOutput, waitPacketSockets, waitXdp, writeFrames, type Network, type NsProcess } from './netns.js';

export type Engine = 'host' | 'native';
export const ENGINES: readonly Engine[] = ['host', 'native'];

export const hex = (fs: readonly Uint8Array[]) => fs.map((f) => Buffer.from(f).toString('hex'));

export interface Exchange {
  readonly engine: Engine;
  readonly config: string;
  readonly handlers: readonly string[];
  /** Packet sockets the middlebox opens (one per receiving and one per sending device). */
  readonly sockets: number;
  /** The middlebox's interfaces that receive through AF_XDP (METHOD XDP): ready once an XDP program is attached to each. */
  readonly xdp?: readonly string[];
  /** Frames sent from the sender's s0, then (once those are through) from the receiver's r0. */
  readonly fromSender?: readonly Uint8Array[];
  readonly fromReceiver?: readonly Uint8Array[];
  /** Whether frames are expected at s0 and r0 (a capture expecting none is stopped when the others are done). */
  readonly expect: { readonly s0: number; readonly r0: number };
  /** Called while the middlebox runs, after the frames went through. */
  readonly during?: () => void | Promise<void>;
}

export interface ExchangeResult {
  readonly atSender: Uint8Array[];
  readonly atReceiver: Uint8Array[];
  readonly handlers: Record<string, string>;
  readonly stderr: string;
  readonly status: number | string;
}

/** The middlebox process: `clickvm run` on the host engine, or the compiled binary. */
export function startMiddlebox(net: Network, engine: Engine, config: string, handlers: readonly string[], dir: string, extra: readonly string[] = []): NsProcess {
  const file = join(dir, `${engine}.click`);
  writeFileSync(file, config);
  const hs = [...handlers.flatMap((h) => ['-h', h]), ...extra];
  if (engine === 'host') return spawnIn(net.middle, [process.execPath, '--import', 'tsx', join(repoRoot, 'cli', 'main.ts'), 'run', file, ...hs], repoRoot);
  const build = buildNative(generateC(loadConfig(config, file), { configText: config }), { kind: 'exe' });
  return spawnIn(net.middle, [build.output, ...hs], dir);
}

export async function exchange(t: Test, net: Network, tool: string, dir: string, x: Exchange): Promise<ExchangeResult> {
  const mb = startMiddlebox(net, x.engine, x.config, x.handlers, dir);
  const receivers: NsProcess[] = [];
  let status: number | string;
  try {
    // The host engine starts through tsx and builds the back-end's library on first use.
    const ready = (await waitPacketSockets(net.middle, x.sockets, 120000)) && (await waitXdp(net.middle, x.xdp ?? [], 120000));
    if (!ready) throw new Error(`the middlebox did not open its devices: ${mb.stderr()}`);
    // A capture ends 1.5 s after its last frame, not at a count: a repeated
    // ARP query must not end it before the frames that follow.
    const cap = (ns: string, iface: string) => {
      const r = spawnIn(ns, [tool, 'recv', iface, join(dir, `${iface}.cap`), '1500']);
      receivers.push(r);
      return r;
    };
    const atS = cap(net.sender, 's0');
    const atR = cap(net.receiver, 'r0');
    for (const r of receivers) if (!(await waitOutput(r, /ready/, 10000))) throw new Error('a capture did not start');
    const send = async (ns: string, iface: string, fs: readonly Uint8Array[] | undefined) => {
      if (!fs?.length) return;
      const file = join(dir, `${iface}.send`);
      writeFrames(file, fs);
      const s = spawnIn(ns, [tool, 'send', iface, file]);
      const status = await s.done;
      if (status !== 0) throw new Error(`sending on ${iface} failed: ${s.stderr()}`);
    };
    await send(net.sender, 's0', x.fromSender);
    // Let the first link's frames (and the answers they cause) through before the second's.
    await new Promise((r) => setTimeout(r, 500));
    await send(net.receiver, 'r0', x.fromReceiver);
    // Captures expecting frames stop when idle; the others are then stopped.
    const counted = [x.expect.s0 ? atS : undefined, x.expect.r0 ? atR : undefined].filter((p): p is NsProcess => p !== undefined);
    await Promise.all(counted.map((p) => p.done));
    await new Promise((r) => setTimeout(r, 300));
    await x.during?.();
    for (const r of receivers) await interrupt(r);
  } finally {
    for (const r of receivers) await interrupt(r);
    status = await interrupt(mb);
  }
  t.equal(status, 0, `${x.engine}: the middlebox stops cleanly on SIGINT`, { stderr: mb.stderr() });
  return {
    atSender: readFrames(join(dir, 's0.cap')),
    atReceiver: readFrames(join(dir, 'r0.cap')),
    handlers: parseHandlers(mb.stdout()),
    stderr: mb.stderr(),
    status,
  };
}

/** Frames of many sizes: UDP datagrams up to a full 1514-byte frame, and non-IP frames. */
export function mixedFrames(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    if (i % 7 === 3) return ether(Uint8Array.from({ length: 46 + (i % 13) }, (_, k) => (i * 3 + k) & 255), { type: 0x88b5 });
    const size = i % 10 === 0 ? 1472 : 4 + ((i * 37) % 600);
    return frames.udp({ payload: Uint8Array.from({ length: size }, (_, k) => (i + k) & 255) });
  });
}


// The AF_PACKET back-end (runtime/device-afpacket.c) as a shared library of
// its own for the host engine: built with gcc on first use (cached by a hash
// of its sources, like compiled routers) and loaded through koffi. Frames
// cross a batch per call (host-engine/kernel-devices.ts).

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { NativeBuildError, runtimeDir } from './build.js';
import { repoRoot } from './native-spec.js';

/** The library's functions (afpacket-host.c). Handles are opaque pointers. */
export interface AfpacketLib {
  open(name: string, err: Buffer, cap: number): unknown;
  setup(h: unknown, receive: number, snaplen: number, promisc: number, outbound: number, method: number, err: Buffer, cap: number): number;
  rx(h: unknown, buf: Buffer, cap: bigint, lens: Uint32Array, max: number): number;
  tx(h: unknown, data: Buffer, lens: Uint32Array, n: number): number;
  drops(h: unknown): bigint;
  txDrops(h: unknown): bigint;
  takeError(h: unknown, receive: number, err: Buffer, cap: number): number;
  down(h: unknown): number;
  live(): number;
  wait(timeoutMs: number): number;
  close(h: unknown): void;
}

/** Every file the library is built from: afpacket-host.c and what it includes. */
const SOURCES = ['afpacket-host.c', 'device-afpacket.c', 'device-afxdp.c', 'device.c', 'device.h', 'io.c', 'io.h', 'packet.c', 'packet.h', 'str.c', 'str.h', 'output.c', 'output.h'];

let loaded: AfpacketLib | undefined;

/** The path of the built library (building it if needed). */
export function buildAfpacketLib(cacheDir = join(repoRoot, '.cache', 'native')): string {
  const flags = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-Wno-unused-function', '-shared', '-fPIC', '-Wl,-Bsymbolic'];
  const hash = createHash('sha256').update(flags.join(' '));
  for (const f of SOURCES) hash.update(f).update(readFileSync(join(runtimeDir, f)));
  const dir = join(cacheDir, `afpacket-${hash.digest('hex').slice(0, 16)}`);
  const output = join(dir, 'libcvmafpacket.so');
  if (existsSync(output)) return output;
  mkdirSync(dir, { recursive: true });
  const tmp = `${output}.tmp${process.pid}`;
  try {
    execFileSync('gcc', [...flags, `-I${runtimeDir}`, join(runtimeDir, 'afpacket-host.c'), '-o', tmp], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? String(e);
    throw new NativeBuildError(`building the AF_PACKET library failed:\n${stderr}`);
  }
  renameSync(tmp, output);
  return output;
}

/** The loaded library (one per process). */
export function afpacketLib(): AfpacketLib {
  if (loaded) return loaded;
  const h = koffi.load(buildAfpacketLib());
  const handle = koffi.pointer('CvmAfpDevice', koffi.opaque());
  loaded = {
    open: h.func('cvm_hafp_open', handle, ['const char *', koffi.out('uint8_t *'), 'int']),
    setup: h.func('cvm_hafp_setup', 'int', [handle, 'int', 'uint32_t', 'int', 'int', 'int', koffi.out('uint8_t *'), 'int']),
    rx: h.func('cvm_hafp_rx', 'unsigned int', [handle, koffi.out('uint8_t *'), 'uint64_t', koffi.out('uint32_t *'), 'unsigned int']),
    tx: h.func('cvm_hafp_tx', 'unsigned int', [handle, 'const uint8_t *', 'const uint32_t *', 'unsigned int']),
    drops: h.func('cvm_hafp_drops', 'uint64_t', [handle]),
    txDrops: h.func('cvm_hafp_tx_drops', 'uint64_t', [handle]),
    takeError: h.func('cvm_hafp_take_error', 'int', [handle, 'int', koffi.out('uint8_t *'), 'int']),
    down: h.func('cvm_hafp_down', 'int', [handle]),
    live: h.func('cvm_hafp_live', 'int', []),
    wait: h.func('cvm_hafp_wait', 'int', ['int']),
    close: h.func('cvm_hafp_close', 'void', [handle]),
  };
  return loaded;
}

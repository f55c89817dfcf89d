// Shared by the VM image tests: build a configuration both ways (host
// binary, VM image) and run each with the same arguments.

import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC, type GeneratedProgram } from '../../dataplane-native/codegen.js';
import { buildImage, type ImageResult } from '../../vm-image/build.js';
import { runImage, type RunImageOptions, type RunImageResult } from '../../vm-image/qemu.js';

export function compileConfig(config: string, defines: Record<string, string> = {}): GeneratedProgram {
  return generateC(loadConfig(config, 'test.click', { defines }), { configText: config });
}

/** The host binary's output for these arguments, stdout and stderr in one stream as the VM's console has them. */
export function runHost(program: GeneratedProgram, args: readonly string[]): { output: string; status: number | null } {
  const built = buildNative(program, { kind: 'exe' });
  const r = spawnSync('sh', ['-c', '"$0" "$@" 2>&1', built.output, ...args], { encoding: 'latin1' });
  return { output: r.stdout, status: r.status };
}

/** Boot an image; QEMU is killed if the test ends first. */
export function boot(t: Test, image: ImageResult | string, opts: RunImageOptions = {}): Promise<RunImageResult> {
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  return runImage(typeof image === 'string' ? image : image.output, { timeoutMs: 120000, ...opts, signal: ac.signal });
}

/** Is a process with this id still there? */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export { buildImage };

// Handler writes and reads after a run, in both engines: each step's result
// (the value read, or the error message of a refused write) must be the
// same, and both engines must still account for every packet afterwards.
// This reaches every write handler directly, with the exact error texts,
// where calls from a running configuration (COUNT_CALL, END_CALL) reach
// them only as chatter.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { loadFile } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { Router } from '../../host-engine/router.js';

/** `['w', path, value]` writes, `['r', path]` reads. */
export type Step = readonly ['w', string, string] | readonly ['r', string];

const cacheDir = join(tmpdir(), 'clickvm-native-test-cache');

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function hostSteps(config: string, steps: readonly Step[], seed?: number): { results: string[]; stderr: string; accounting: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-writes-host-'));
  try {
    writeFileSync(join(dir, 'config.click'), config);
    const err: string[] = [];
    const router = new Router(loadFile(join(dir, 'config.click')), { baseDir: dir, simtime: true, seed, stderr: (l) => err.push(l), stdout: () => {} });
    router.initialize();
    router.run();
    const results = steps.map((s) => {
      try {
        if (s[0] === 'r') return `read ${s[1]}: ${router.readHandler(s[1])}`;
        router.writeHandler(s[1], s[2]);
        return `write ${s[1]} ${JSON.stringify(s[2])}: ok`;
      } catch (e) {
        return `${s[0] === 'r' ? 'read' : 'write'} ${s[1]}${s[0] === 'w' ? ` ${JSON.stringify(s[2])}` : ''}: error: ${message(e)}`;
      }
    });
    const accounting = router.accounting().violations.map((v) => v.name);
    router.cleanup();
    return { results, stderr: err.map((l) => l + '\n').join(''), accounting };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function nativeSteps(config: string, steps: readonly Step[], seed?: number): { results: string[]; stderr: string; accounting: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-writes-native-'));
  try {
    writeFileSync(join(dir, 'config.click'), config);
    const graph = loadFile(join(dir, 'config.click'));
    const lib = buildNative(generateC(graph, { configText: config }), { kind: 'shared', sanitize: false, cacheDir });
    const r = new NativeRouter(lib.output);
    r.start({ simtime: true, seed });
    r.run();
    const results = steps.map((s) => {
      try {
        if (s[0] === 'r') return `read ${s[1]}: ${r.read(s[1])}`;
        r.write(s[1], s[2]);
        return `write ${s[1]} ${JSON.stringify(s[2])}: ok`;
      } catch (e) {
        return `${s[0] === 'r' ? 'read' : 'write'} ${s[1]}${s[0] === 'w' ? ` ${JSON.stringify(s[2])}` : ''}: error: ${message(e)}`;
      }
    });
    const accounting = r.accounting();
    r.finish();
    return { results, stderr: r.takeOutput().stderr, accounting };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Run `config` in both engines, then the same handler steps; compare every result. */
export function handlerSteps(t: Test, config: string, steps: readonly Step[], seed?: number): void {
  const host = hostSteps(config, steps, seed);
  const native = nativeSteps(config, steps, seed);
  t.same(native.results, host.results, 'every handler step gives the same result');
  t.equal(native.stderr, host.stderr, 'standard error identical');
  t.same(host.accounting, [], 'host engine accounts for every packet');
  t.same(native.accounting, [], 'native engine accounts for every packet');
}

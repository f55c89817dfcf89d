// Read handlers with a parameter (`rt.lookup ADDR`, `rw.tcp_lookup ...`)
// and reads that may fail, in both engines: every read's value, or its
// error message, must be the same. (`differential` compares values only.)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFile } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { Router } from '../../host-engine/router.js';

/** A handler read: its value, or the error message. */
export type ParamResult = { value: string } | { error: string };

export interface ParamRun {
  readonly host: ParamResult[];
  readonly native: ParamResult[];
}

const cacheDir = join(tmpdir(), 'clickvm-native-test-cache');

function attempt(read: () => string): ParamResult {
  try {
    return { value: read() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Run `config` in both engines (simulated time), then read every `element.handler [PARAM]` of `reads` in each. */
export function paramReads(config: string, reads: readonly string[]): ParamRun {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-params-'));
  try {
    const file = join(dir, 'config.click');
    writeFileSync(file, config);
    const graph = loadFile(file);

    const router = new Router(graph, { baseDir: dir, simtime: true, stderr: () => {}, stdout: () => {} });
    router.initialize();
    router.run();
    const host = reads.map((r) => attempt(() => router.readHandler(r)));
    router.cleanup();

    const nr = new NativeRouter(buildNative(generateC(graph, { configText: config }), { kind: 'shared', cacheDir }).output);
    const cwd = process.cwd();
    process.chdir(dir);
    let native: ParamResult[];
    try {
      nr.start({ simtime: true });
      nr.run();
      native = reads.map((r) => attempt(() => nr.read(r)));
      nr.finish();
    } finally {
      process.chdir(cwd);
    }
    return { host, native };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

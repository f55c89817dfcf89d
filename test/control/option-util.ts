// Helpers of the ControlSocket option tests.
import type { Test } from 'tap';
import { createServer, type Server } from 'node:net';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildNative } from '../../dataplane-native/build.js';
import { Router } from '../../host-engine/router.js';
import { NATIVE_CACHE_DIR } from '../native/engines.js';

/** Hold a port for the test's duration. */
export function holdPort(t: Test): Promise<number> {
  return new Promise((resolve) => {
    const s: Server = createServer().listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
    t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  });
}

export const native = (config: string) => buildNative(generateC(loadConfig(config, 'opts.click'), { configText: config }), { kind: 'exe', cacheDir: NATIVE_CACHE_DIR }).output;

export function hostRouter(config: string, lines: string[]): Router {
  return new Router(loadConfig(config, 'opts.click'), { stderr: (l) => lines.push(l) });
}


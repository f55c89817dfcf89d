// The native engine in this process: the configuration compiled as a shared
// library and driven through koffi (dataplane-native/native-router.ts), as
// an embedding program runs it. Start-up is cvm_lib_start (initialising
// the elements); steady state is one cvm_lib_run to the end of the source.

import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { countHandler } from './native-engine.js';
import { measurement, type Measurement } from './stats.js';

export function measureInProcess(text: string, file: string, packets: number, runs: number, opts: { marchNative?: boolean } = {}): Measurement {
  const handler = countHandler(text);
  const graph = loadConfig(text, file, { defines: { N: String(packets) } });
  const lib = buildNative(generateC(graph, { configText: text }), { kind: 'shared', marchNative: opts.marchNative ?? false }).output;
  const router = new NativeRouter(lib);
  const once = (): { seconds: number; startup: number; counted: number } => {
    const t0 = process.hrtime.bigint();
    router.start({ simtime: true });
    const t1 = process.hrtime.bigint();
    router.run();
    const t2 = process.hrtime.bigint();
    const counted = Number(router.read(handler).trim());
    router.finish();
    return { seconds: Number(t2 - t1) / 1e9, startup: Number(t1 - t0) / 1e9, counted };
  };
  once();
  const samples = Array.from({ length: runs }, once);
  return measurement(samples[0]!.counted, samples.map((s) => s.seconds), samples.map((s) => s.startup));
}

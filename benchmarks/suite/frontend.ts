// The front end in the suite: how long a configuration takes from text to
// a binary. The generated 10,000-element configuration of
// benchmarks/frontend.ts is timed phase by phase (parse, elaborate, check)
// plus C generation; each bundled example is timed from text to checked
// graph, to C, and through gcc (a fresh build, never the cache).

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { frontendConfig, timeFrontend, type FrontendTiming } from '../frontend.js';
import { spread, type Spread } from './stats.js';

export interface ExampleFrontend {
  readonly name: string;
  readonly elements: number;
  /** Text to checked graph (parse, elaborate, check). */
  readonly checkMs: Spread;
  readonly codegenMs: Spread;
  /** One uncached gcc build of the standalone binary (-O2). */
  readonly gccMs: number;
}

export interface FrontendResults {
  readonly generated: FrontendTiming & { readonly codegenMs?: Spread };
  readonly examples: readonly ExampleFrontend[];
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

function timed<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [r, ms(t0)];
}

export function exampleConfigs(): { name: string; file: string }[] {
  const dir = join(repoRoot, 'examples');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => f.endsWith('.click')).map((f) => ({ name: basename(f, '.click'), file: join(dir, d.name, f) })))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function timeExample(name: string, file: string, runs: number): ExampleFrontend {
  const text = readFileSync(file, 'utf8');
  const check: number[] = [];
  const codegen: number[] = [];
  let program: ReturnType<typeof generateC> | undefined;
  let elements = 0;
  for (let i = 0; i < runs; i++) {
    const [graph, c] = timed(() => loadConfig(text, file));
    const [p, g] = timed(() => generateC(graph, { configText: text }));
    check.push(c);
    codegen.push(g);
    program = p;
    elements = graph.elements.length;
  }
  const cacheDir = mkdtempSync(join(tmpdir(), 'clickvm-bench-gcc-'));
  try {
    const [, gccMs] = timed(() => buildNative(program!, { kind: 'exe', cacheDir }));
    return { name, elements, checkMs: spread(check), codegenMs: spread(codegen), gccMs };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** `elements`: size of the generated configuration; `examples`: how many bundled examples (all by default). */
export function measureFrontend(runs: number, elements = 10_000, examples = Infinity): FrontendResults {
  const text = frontendConfig(elements);
  const generated = timeFrontend(text, runs);
  let codegenMs: Spread | undefined;
  // C for the generated configuration only when every class is a real one.
  if (!generated.standIns.length) {
    const graph = loadConfig(text, 'frontend-bench.click');
    codegenMs = spread(Array.from({ length: runs }, () => timed(() => generateC(graph, { configText: text }))[1]));
  }
  return {
    generated: { ...generated, ...(codegenMs ? { codegenMs } : {}) },
    examples: exampleConfigs()
      .slice(0, examples)
      .map((e) => timeExample(e.name, e.file, runs)),
  };
}

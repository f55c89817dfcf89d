// A fuzzer for the configuration language: mutated real configurations
// (the conformance cases, the examples, the benchmarks) and streams of
// tokens put together at random, each given to the whole front end (parse,
// elaborate, check). The property: every input either checks or fails with
// a ClickError whose diagnostics are positioned inside the input and print;
// nothing else may escape, and nothing may take long. Deterministic from
// its seed, so a failure found once is found again.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ClickError, formatDiagnostics } from '../../config-lang/diagnostics.js';
import { loadConfig } from '../../config-lang/load.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { registry } from '../../elements/registry.js';

/** xorshift32: small, fast, reproducible. */
export class Rng {
  constructor(private state: number) {
    if (!this.state) this.state = 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

function clickFiles(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) clickFiles(p, out);
    else if (name.endsWith('.click')) out.push(p);
  }
}

/** The configurations mutations start from. */
export function seedConfigs(): string[] {
  const files: string[] = [];
  for (const d of ['test/fixtures/conformance', 'examples', 'benchmarks/configs']) clickFiles(join(repoRoot, d), files);
  return files.sort().map((f) => readFileSync(f, 'latin1'));
}

const PUNCTUATION = ['::', '->', '=>', '[', ']', '{', '}', '(', ')', ',', ';', '|', '..', '...', '$', '"', "'", '\\', '/*', '*/', '//', '\n', '#', '~', '@'];
const WORDS = [
  'elementclass', 'define', 'require', 'input', 'output', 'package', '$a', '$b', '$(x)', 'ELEMENT', 'LIMIT', 'BURST', 'ACTIVE', 'true', 'false',
  '0', '-1', '1', '64', '4294967295', '4294967296', '18446744073709551616', '1e999', '0x', '0xffffffff', '1.2.3.4', '1.2.3.4/33', '10.0.0.0/8',
  '00:11:22:33:44:55', '::1', '\\<00 ff>', '\\<0>', '"a\\"b"', "'x'", '-', '!', 'src', 'dst', 'tcp', 'udp', 'port', 'and', 'or', 'not', 'ip', 'host',
];

/** Split text into rough tokens (enough to mutate by token rather than only by byte). */
function tokens(text: string): string[] {
  return text.match(/\s+|[A-Za-z_$@][\w@/$.-]*|\d[\w.:/]*|::|->|=>|\.\.\.?|\/\*|\*\/|\/\/|"(?:[^"\\\n]|\\.)*"?|./gs) ?? [];
}

function randomToken(rng: Rng, classes: readonly string[]): string {
  const r = rng.below(10);
  if (r < 4) return rng.pick(PUNCTUATION);
  if (r < 7) return rng.pick(WORDS);
  if (r < 9) return rng.pick(classes);
  return String.fromCharCode(rng.below(256));
}

/** One mutated input. */
export function mutate(rng: Rng, seeds: readonly string[], classes: readonly string[]): string {
  const kind = rng.below(10);
  if (kind === 0) {
    // Tokens at random: the grammar's worst case.
    const n = 1 + rng.below(60);
    return Array.from({ length: n }, () => randomToken(rng, classes)).join(rng.below(2) ? ' ' : '');
  }
  let toks = tokens(rng.pick(seeds));
  if (kind === 1) {
    // Splice two configurations.
    const other = tokens(rng.pick(seeds));
    toks = [...toks.slice(0, rng.below(toks.length + 1)), ...other.slice(rng.below(other.length + 1))];
  }
  const edits = 1 + rng.below(kind === 2 ? 30 : 4);
  for (let e = 0; e < edits && toks.length; e++) {
    const i = rng.below(toks.length);
    switch (rng.below(6)) {
      case 0: toks.splice(i, 1); break;
      case 1: toks.splice(i, 0, toks[i]!); break;
      case 2: {
        const j = rng.below(toks.length);
        [toks[i], toks[j]] = [toks[j]!, toks[i]!];
        break;
      }
      case 3: toks.splice(i, 0, randomToken(rng, classes)); break;
      case 4: toks[i] = randomToken(rng, classes); break;
      default: {
        // A byte of the token changed.
        const t = toks[i]!;
        const k = rng.below(Math.max(1, t.length));
        toks[i] = t.slice(0, k) + String.fromCharCode(rng.below(256)) + t.slice(k + 1);
      }
    }
  }
  return toks.join('');
}

export type Outcome = 'checked' | 'errors';

/** What went wrong with one input, if anything. */
export interface Finding {
  readonly input: string;
  readonly problem: string;
}

/** Run the front end on one input; undefined if it behaved, else the problem. */
export function tryConfig(text: string, slowMs: number): { outcome?: Outcome; problem?: string; ms: number } {
  const t0 = performance.now();
  try {
    loadConfig(text, 'fuzz.click');
    const ms = performance.now() - t0;
    return ms > slowMs ? { problem: `took ${ms.toFixed(0)} ms`, ms } : { outcome: 'checked', ms };
  } catch (e) {
    const ms = performance.now() - t0;
    if (!(e instanceof ClickError)) return { problem: `uncaught ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`.slice(0, 300), ms };
    if (e.diagnostics.length === 0) return { problem: 'a ClickError with no diagnostics', ms };
    for (const d of e.diagnostics) {
      // Spans in this input must lie within it (synthetic spans of defaults have their own empty files).
      if (d.span.file.name === 'fuzz.click' && (d.span.start < 0 || d.span.end > text.length || d.span.start > d.span.end)) {
        return { problem: `diagnostic span ${d.span.start}-${d.span.end} outside the input (${text.length} chars): ${d.message}`, ms };
      }
    }
    try {
      formatDiagnostics(e.diagnostics);
    } catch (f) {
      return { problem: `diagnostics do not print: ${String(f)}`, ms };
    }
    if (ms > slowMs) return { problem: `took ${ms.toFixed(0)} ms`, ms };
    return { outcome: 'errors', ms };
  }
}

export interface CampaignResult {
  readonly tried: number;
  readonly checked: number;
  readonly errors: number;
  readonly findings: readonly Finding[];
  readonly slowestMs: number;
}

/** Mutate and try inputs until `count` are tried or `seconds` pass. */
export function campaign(opts: { seed: number; count?: number; seconds?: number; slowMs?: number }): CampaignResult {
  const rng = new Rng(opts.seed);
  const seeds = seedConfigs();
  const classes = [...registry.keys()];
  const deadline = opts.seconds !== undefined ? performance.now() + opts.seconds * 1000 : Infinity;
  const count = opts.count ?? Infinity;
  let tried = 0, checked = 0, errors = 0, slowestMs = 0;
  const findings: Finding[] = [];
  while (tried < count && performance.now() < deadline) {
    const input = mutate(rng, seeds, classes);
    const r = tryConfig(input, opts.slowMs ?? 5000);
    tried++;
    slowestMs = Math.max(slowestMs, r.ms);
    if (r.problem) findings.push({ input, problem: r.problem });
    else if (r.outcome === 'checked') checked++;
    else errors++;
  }
  return { tried, checked, errors, findings, slowestMs };
}

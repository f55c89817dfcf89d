// The examples/ middleboxes as benchmark rows, fed from memory. Each
// FromDump becomes a set of InfiniteSources replaying frames of its
// capture (up to MAX_FRAMES, taken evenly across it) into a Null of the
// same name, so the rest of the configuration is untouched; each ToDump
// becomes a Discard; the example's DriverManager gives way to one that
// stops once every source has sent its $N frames. A passive Script,
// `bench_total`, sums what the sources sent: the row's packet count. The
// rate is the load the middlebox takes in (forwarded, answered or dropped:
// the NAT drops unsolicited inbound frames), over the same frames in every
// engine and in Click.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCapture } from '../../host-engine/pcap.js';
import { repoRoot } from '../../dataplane-native/native-spec.js';

export const MAX_FRAMES = 16;
/** The element whose `run` handler counts the packets the sources sent. */
export const TOTAL_HANDLER = 'bench_total.run';

export interface ExampleBench {
  /** The rewritten configuration; `$N` is frames per source. */
  readonly text: string;
  /** How many InfiniteSources replay frames (packets per run = sources x $N). */
  readonly sources: number;
  /** Mean frame size on the wire (FCS included) of the replayed frames. */
  readonly meanFrameBytes: number;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** Where the statement whose argument list opens at `open` ends: after its closing parenthesis and `;`. */
function statementEnd(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) {
      const semi = /^\s*;/.exec(text.slice(i + 1));
      return i + 1 + (semi ? semi[0].length : 0);
    }
  }
  throw new Error('unbalanced parentheses');
}

/** Remove comments, so the rewriting never matches inside one. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

export function exampleBench(text: string, dir: string): ExampleBench {
  let out = stripComments(text);
  const sources: string[] = [];
  let bytes = 0;
  let frames = 0;
  out = out.replace(/(\w+)\s*::\s*FromDump\(\s*([^,)\s]+)[^)]*\)\s*;/g, (_all, name: string, file: string) => {
    const capture = readCapture(new Uint8Array(readFileSync(join(dir, file))));
    const pkts = capture.packets;
    if (!pkts.length) throw new Error(`${file}: an empty capture`);
    const k = Math.min(MAX_FRAMES, pkts.length);
    for (let i = 0; i < k; i++) {
      const p = pkts[Math.floor((i * pkts.length) / k)]!;
      const src = `bench_${name}_${i}`;
      sources.push(`${src} :: InfiniteSource(DATA \\<${hex(p.data)}>, LIMIT $N, BURST 32, STOP true) -> ${name};`);
      bytes += p.data.length + 4;
      frames++;
    }
    return `${name} :: Null;`;
  });
  if (!sources.length) throw new Error('no FromDump to feed from memory');
  out = out.replace(/\bToDump\([^)]*\)/g, 'Discard');
  for (let m = /(\w+\s*::\s*)?DriverManager\s*\(/.exec(out); m; m = /(\w+\s*::\s*)?DriverManager\s*\(/.exec(out)) {
    out = out.slice(0, m.index) + out.slice(statementEnd(out, m.index + m[0].length - 1));
  }
  const names = sources.map((s) => s.slice(0, s.indexOf(' ')));
  const total = `bench_total :: Script(TYPE PASSIVE, return $(add ${names.map((n) => `$(${n}.count)`).join(' ')}));`;
  const text2 = [out.trim(), '', '// Fed from memory by clickvm bench (benchmarks/suite/examples.ts).', ...sources, `DriverManager(wait_stop ${sources.length}, stop);`, total, ''].join('\n');
  return { text: text2, sources: sources.length, meanFrameBytes: Math.round(bytes / frames) };
}

export interface ExampleFile {
  /** x_<folder>, e.g. x_router. */
  readonly name: string;
  readonly file: string;
}

export const examplesDir = join(repoRoot, 'examples');

/** Each example's configuration: examples/NAME/NAME.click. */
export function exampleFiles(names: readonly string[]): ExampleFile[] {
  return names.map((n) => ({ name: `x_${n}`, file: join(examplesDir, n, `${n}.click`) }));
}

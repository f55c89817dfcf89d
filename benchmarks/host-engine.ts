// Host-engine throughput: packets per second for a minimal push path
// (InfiniteSource -> Counter -> Discard, with Click's default burst of 1 and
// with bursts of 32), the reference benchmark configurations in
// benchmarks/configs/, and the bundled router example when it exists. Each
// configuration runs 5 times (simulated time, so no timer waits); the table
// shows the median.
//
//   npx tsx benchmarks/host-engine.ts [--runs 5] [--packets 1000000] [--only NAME]
//
// "Packets" are the packets the configuration's sources made (elements with
// no inputs), so a run that reads a capture counts the capture's frames.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClickError, formatDiagnostics } from '../config-lang/diagnostics.js';
import { runHost } from './suite/host-engine.js';
import { median } from './suite/stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Bench {
  readonly name: string;
  readonly text: string;
  /** Directory the configuration's file names are relative to. */
  readonly dir: string;
  readonly defines: Record<string, string>;
}

interface Sample {
  readonly packets: number;
  readonly seconds: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

function benches(packets: number): Bench[] {
  const N = String(packets);
  const list: Bench[] = [
    {
      name: 'InfiniteSource -> Counter -> Discard',
      text: 'InfiniteSource(LENGTH 64, LIMIT $N, STOP true) -> c :: Counter -> Discard;',
      dir: root,
      defines: { N },
    },
    {
      name: 'InfiniteSource(BURST 32) -> Counter -> Discard',
      text: 'InfiniteSource(LENGTH 64, LIMIT $N, BURST 32, STOP true) -> c :: Counter -> Discard;',
      dir: root,
      defines: { N },
    },
  ];
  const configs = join(root, 'benchmarks', 'configs');
  if (existsSync(configs)) {
    for (const f of readdirSync(configs).filter((f) => f.endsWith('.click')).sort()) {
      list.push({ name: `configs/${f}`, text: readFileSync(join(configs, f), 'utf8'), dir: configs, defines: { N } });
    }
  }
  const example = join(root, 'examples', 'router', 'router.click');
  if (existsSync(example)) list.push({ name: 'examples/router/router.click', text: readFileSync(example, 'utf8'), dir: dirname(example), defines: {} });
  return list;
}

function runOnce(b: Bench): Sample {
  const r = runHost(b.text, b.name, b.dir, b.defines);
  return { packets: r.created, seconds: r.seconds };
}

function main(): void {
  const runs = Number(arg('runs', '5'));
  const packets = Number(arg('packets', '1000000'));
  const only = arg('only', '');
  const rows: string[][] = [['configuration', 'packets', 'median time (s)', 'packets/s (median)', 'min..max packets/s']];
  for (const b of benches(packets)) {
    if (only && !b.name.includes(only)) continue;
    try {
      runOnce({ ...b, defines: { ...b.defines, ...(b.defines.N ? { N: '1000' } : {}) } }); // warm up the JIT
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(runOnce(b));
      const rates = samples.map((s) => s.packets / s.seconds);
      rows.push([
        b.name,
        String(samples[0]!.packets),
        median(samples.map((s) => s.seconds)).toFixed(3),
        Math.round(median(rates)).toLocaleString('en-US'),
        `${Math.round(Math.min(...rates)).toLocaleString('en-US')}..${Math.round(Math.max(...rates)).toLocaleString('en-US')}`,
      ]);
    } catch (e) {
      const why = e instanceof ClickError ? formatDiagnostics(e.diagnostics).split('\n')[0]! : e instanceof Error ? e.message : String(e);
      rows.push([b.name, '-', '-', `failed: ${why}`, '']);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`host engine, ${runs} runs each, node ${process.version}`);
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}

main();

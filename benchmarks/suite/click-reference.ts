// The original Click userlevel driver on the same configuration, for the
// ratio column. Click times nothing itself, so each measured run is the
// whole process's wall time at the full packet count, and start-up is the
// wall time at a tiny count (TINY packets): steady state per run is
// wall(N) - median wall(TINY), over N - TINY packets.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countHandler } from './native-engine.js';
import { measurement, median, type Measurement } from './stats.js';

export const TINY = 1000;

interface ClickRun {
  readonly wallSeconds: number;
  readonly packets: number;
}

function runClick(click: string, file: string, handler: string, cwd: string, n: number): ClickRun {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(click, ['-h', handler, file, `N=${n}`], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`reference click failed on ${file}: ${r.stderr.slice(0, 500)}`);
  return { wallSeconds, packets: Number(r.stdout.trim()) };
}

/** `click --version`'s first line, or undefined when it does not run. */
export function clickVersion(click: string): string | undefined {
  const r = spawnSync(click, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]!.trim() : undefined;
}

export function measureClick(click: string, text: string, cwd: string, packets: number, runs: number): Measurement {
  const handler = countHandler(text);
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-bench-click-'));
  try {
    const file = join(dir, 'config.click');
    writeFileSync(file, text);
    runClick(click, file, handler, cwd, packets); // warm-up: page cache, CPU frequency
    const tiny: ClickRun[] = [];
    const full: ClickRun[] = [];
    for (let i = 0; i < runs; i++) {
      tiny.push(runClick(click, file, handler, cwd, TINY));
      full.push(runClick(click, file, handler, cwd, packets));
    }
    const startup = median(tiny.map((r) => r.wallSeconds));
    const counted = full[0]!.packets;
    // A run no longer than the start-up says nothing about the steady state: drop it.
    const steady = full.map((r) => r.wallSeconds - startup).filter((s) => s > 0);
    if (!steady.length) throw new Error(`${packets} packets take no longer than ${TINY} (start-up); give more packets`);
    // The steady part carries what the full run counted beyond the tiny one (an
    // example's sources send $N each); scale to whole-run seconds per `counted`.
    const scale = counted / Math.max(counted - tiny[0]!.packets, 1);
    return measurement(counted, steady.map((s) => s * scale), tiny.map((r) => r.wallSeconds));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

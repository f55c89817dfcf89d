// Overload on the native dataplane: an unlimited InfiniteSource pushing into
// a 100-packet Queue that a RatedUnqueue empties at 1,000 packets a second,
// the compiled binary running in real time with a ControlSocket on a UNIX
// socket. While it runs, the process's RSS is sampled from /proc and a
// client reads a handler through the socket (its latency recorded). At the
// end the source and the unqueue are switched off, so the books can be read
// at rest: every packet the source made was sent on by the Queue, dropped by
// it (counted in its `drops`) or is still in it; then `stop`, and the
// binary's own accounting check (pool included) must pass.
//
//   npm run bench:overload [-- --seconds 60]
//
// test/native/overload.test.ts runs it for a few seconds.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../elements/registry.js';
import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';
import { ControlClient } from '../host-engine/control/client.js';

export const OVERLOAD_CONFIG = `src :: InfiniteSource(LENGTH 64, BURST 32) -> q :: Queue(100) -> ru :: RatedUnqueue(1000) -> c :: Counter -> Discard;
ControlSocket(unix, control.sock);`;

export interface OverloadSample {
  /** Seconds since the router started. */
  readonly t: number;
  /** Resident set size, KiB. */
  readonly rssKiB: number;
  /** Time a READ q.drops took, ms (undefined if it had not answered by the next sample). */
  readonly readMs?: number;
}

export interface OverloadResult {
  readonly samples: readonly OverloadSample[];
  /** Handler values at rest, after the source and the unqueue were switched off. */
  readonly counts: { readonly sent: bigint; readonly dropped: bigint; readonly queued: bigint; readonly forwarded: bigint };
  /** The binary's exit status and standard error (accounting failures are printed there, exit 3). */
  readonly status: number | null;
  readonly stderr: string;
}

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Run the overload for `seconds`, sampling every `sampleMs`. */
export async function runOverload(opts: { seconds: number; sampleMs?: number; cacheDir?: string }): Promise<OverloadResult> {
  const bin = buildNative(generateC(loadConfig(OVERLOAD_CONFIG, 'overload.click'), { configText: OVERLOAD_CONFIG }), { kind: 'exe', cacheDir: opts.cacheDir }).output;
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-overload-'));
  const child = spawn(bin, ['--accounting'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const start = Date.now();
    const client = await ControlClient.connectWhenUp({ path: join(dir, 'control.sock') }, { timeoutMs: 5000 });
    const samples: OverloadSample[] = [];
    const sampleMs = opts.sampleMs ?? 250;
    while (Date.now() - start < opts.seconds * 1000) {
      const t0 = process.hrtime.bigint();
      const read = client.read('q.drops').then(() => Number(process.hrtime.bigint() - t0) / 1e6);
      const readMs = await Promise.race([read, new Promise<undefined>((r) => setTimeout(() => r(undefined), sampleMs))]);
      samples.push({ t: (Date.now() - start) / 1000, rssKiB: rssKiB(child.pid!), readMs });
      if (readMs === undefined) await read;   // the socket is one conversation: wait for the late answer
      else await new Promise((r) => setTimeout(r, sampleMs - readMs));
    }
    await client.write('src.active', 'false');
    await client.write('ru.active', 'false');
    const n = async (h: string) => BigInt((await client.read(h)).trim());
    const counts = { sent: await n('src.count'), dropped: await n('q.drops'), queued: await n('q.length'), forwarded: await n('c.count') };
    await client.write('stop', '');
    await client.close();
    const status = await exited;
    return { samples, counts, status, stderr };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--seconds');
  const seconds = i >= 0 ? Number(process.argv[i + 1]) : 60;
  const r = await runOverload({ seconds, sampleMs: 250 });
  const every = Math.max(1, Math.round(r.samples.length / 12));
  console.log('t (s)   RSS (KiB)   READ q.drops (ms)');
  r.samples.forEach((s, k) => {
    if (k % every === 0 || k === r.samples.length - 1) console.log(`${s.t.toFixed(1).padStart(5)}   ${String(s.rssKiB).padStart(9)}   ${s.readMs === undefined ? 'late' : s.readMs.toFixed(2)}`);
  });
  const lat = r.samples.flatMap((s) => (s.readMs === undefined ? [] : [s.readMs]));
  const rss = r.samples.map((s) => s.rssKiB);
  const { sent, dropped, queued, forwarded } = r.counts;
  console.log(`RSS: first ${rss[0]} KiB, max ${Math.max(...rss)} KiB, last ${rss.at(-1)} KiB`);
  console.log(`control READ under overload: median ${quantile(lat, 0.5).toFixed(2)} ms, p99 ${quantile(lat, 0.99).toFixed(2)} ms, max ${Math.max(...lat).toFixed(2)} ms, ${r.samples.length - lat.length} late of ${r.samples.length}`);
  console.log(`packets: sent ${sent}, dropped at q ${dropped}, queued ${queued}, forwarded ${forwarded}; sent = forwarded + dropped + queued: ${sent === forwarded + dropped + queued}`);
  console.log(`exit ${r.status}${r.stderr ? `, stderr: ${r.stderr.trim()}` : ''}`);
}

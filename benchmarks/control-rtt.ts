// Round-trip time of a ControlSocket READ on both engines: a router in a
// child process (the host engine through `clickvm run -p`, the compiled
// binary with its own -p), a client sending one `READ c.count` at a time and
// waiting for the reply; median and 99th percentile of N reads, on an idle
// router and on one forwarding as fast as it can (InfiniteSource).
//
//   node --import tsx benchmarks/control-rtt.ts [--reads 1000]

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../elements/registry.js';
import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';
import { ControlClient } from '../host-engine/control/client.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--reads');
const reads = i >= 0 ? Number(process.argv[i + 1]) : 1000;

const CONFIGS: Record<string, string> = {
  idle: 'src :: RatedSource(RATE 10) -> c :: Counter -> Discard;',
  forwarding: 'src :: InfiniteSource(LENGTH 60) -> c :: Counter -> Queue(1024) -> Unqueue -> Discard;',
};

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function measure(child: ChildProcess, port: number): Promise<{ median: number; p99: number }> {
  try {
    const c = await ControlClient.connectWhenUp({ port }, { timeoutMs: 2000 }, 200, 100);
    for (let k = 0; k < 50; k++) await c.read('c.count');   // warm up
    const us: number[] = [];
    for (let k = 0; k < reads; k++) {
      const t0 = process.hrtime.bigint();
      await c.read('c.count');
      us.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    await c.close();
    us.sort((a, b) => a - b);
    return { median: us[Math.floor(us.length / 2)]!, p99: us[Math.floor(us.length * 0.99)]! };
  } finally {
    child.kill('SIGKILL');
  }
}

for (const [name, config] of Object.entries(CONFIGS)) {
  const hostPort = await freePort();
  const host = spawn(process.execPath, ['--import', 'tsx', join(repo, 'cli', 'main.ts'), 'run', '-e', config, '-p', String(hostPort)], { stdio: 'ignore', cwd: repo });
  const h = await measure(host, hostPort);
  const bin = buildNative(generateC(loadConfig(config, 'rtt.click'), { configText: config }), { kind: 'exe' }).output;
  const nativePort = await freePort();
  const native = spawn(bin, ['-p', String(nativePort)], { stdio: 'ignore' });
  const n = await measure(native, nativePort);
  console.log(`${name.padEnd(10)} host: median ${h.median.toFixed(1)} us, p99 ${h.p99.toFixed(1)} us   native: median ${n.median.toFixed(1)} us, p99 ${n.p99.toFixed(1)} us   (${reads} reads over TCP)`);
}

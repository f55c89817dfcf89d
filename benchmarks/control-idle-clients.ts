// Forwarding rate of the compiled binary while a thousand control clients
// sit connected and silent: InfiniteSource -> Counter -> Discard with a
// UNIX ControlSocket, c.count read over 2 s with no other client, with
// 1,000 idle connections, and after they left. The run loop asks the
// kernel which connections have input (runtime/io.c, epoll) rather than
// reading each one.
//
//   node --import tsx benchmarks/control-idle-clients.ts [--clients 1000]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../elements/registry.js';
import { loadConfig } from '../config-lang/load.js';
import { buildNative } from '../dataplane-native/build.js';
import { generateC } from '../dataplane-native/codegen.js';
import { ControlClient } from '../host-engine/control/client.js';

const CONFIG = 'src :: InfiniteSource(LENGTH 64, BURST 32) -> c :: Counter -> Discard; ControlSocket(unix, control.sock);';
const i = process.argv.indexOf('--clients');
const clients = i >= 0 ? Number(process.argv[i + 1]) : 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bin = buildNative(generateC(loadConfig(CONFIG, 'idle-clients.click'), { configText: CONFIG }), { kind: 'exe' }).output;
const dir = mkdtempSync(join(tmpdir(), 'clickvm-idle-clients-'));
const child = spawn(bin, [], { cwd: dir, stdio: 'ignore' });
const path = join(dir, 'control.sock');
try {
  const c = await ControlClient.connectWhenUp({ path });
  const mpps = async () => {
    const a = Number(await c.read('c.count'));
    const t0 = Date.now();
    await sleep(2000);
    const b = Number(await c.read('c.count'));
    return ((b - a) / ((Date.now() - t0) / 1000) / 1e6).toFixed(1);
  };
  console.log(`no other client:        ${await mpps()} Mpps`);
  const held: Socket[] = [];
  for (let k = 0; k < clients; k++) {
    const s = connect(path);
    s.on('error', () => undefined);
    held.push(s);
  }
  await sleep(1000);
  console.log(`${clients} idle clients:     ${await mpps()} Mpps`);
  for (const s of held) s.destroy();
  await sleep(500);
  console.log(`after they left:        ${await mpps()} Mpps`);
  await c.close();
} finally {
  child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

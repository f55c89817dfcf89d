// The compiled binary's ControlSocket out of file descriptors (its limit
// lowered to 32 with ulimit): more clients connect than it can accept; it
// says so once instead of failing again at every poll, the client it has
// keeps being served, forwarding goes on, and once descriptors free up new
// clients are accepted. (The host engine's sockets are libuv's, which
// handles EMFILE itself.)

import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../elements/registry.js';
import { loadConfig } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { ControlClient } from '../../host-engine/control/client.js';
import { NATIVE_CACHE_DIR } from '../native/engines.js';

const CONFIG = 'src :: RatedSource(LENGTH 60, RATE 2000) -> c :: Counter -> Discard; ControlSocket(unix, control.sock);';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('more clients than descriptors', async (t) => {
  const bin = buildNative(generateC(loadConfig(CONFIG, 'fd.click'), { configText: CONFIG }), { kind: 'exe', cacheDir: NATIVE_CACHE_DIR }).output;
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-fd-limit-'));
  const child = spawn('sh', ['-c', 'ulimit -n 32 && exec "$0"', bin], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const held: Socket[] = [];
  t.teardown(() => {
    for (const s of held) s.destroy();
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const path = join(dir, 'control.sock');
  const first = await ControlClient.connectWhenUp({ path }, { timeoutMs: 5000 });
  const before = Number(await first.read('c.count'));
  for (let i = 0; i < 60; i++) {
    const s = connect(path);
    s.on('error', () => undefined);
    held.push(s);
  }
  await sleep(1500);
  const lines = stderr.split('\n').filter((l) => /accept: /.test(l));
  t.ok(lines.length >= 1 && lines.length <= 3, `running out of descriptors is said, not repeated at every poll (${lines.length} line(s): ${lines[0] ?? ''})`);
  const during = Number(await first.read('c.count'));
  t.ok(during > before, `the first client is still served and forwarding goes on (c.count ${before} -> ${during})`);
  for (const s of held.splice(0)) s.destroy();
  await sleep(300);
  const late = await ControlClient.connect({ path }, { timeoutMs: 5000 });
  t.equal(await late.read('c.name'), 'c', 'a new client is accepted once descriptors are free');
  await late.close();
  await first.write('stop', '');
  await first.close();
  t.equal(await exited, 0, 'the router stops cleanly');
});

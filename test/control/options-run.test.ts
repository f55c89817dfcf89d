// ControlSocket on both engines, continued: VERBOSE connection messages,
// the filename handler, LOCALHOST, and an idle router kept running.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../elements/registry.js';
import { ControlClient } from '../../host-engine/control/client.js';
import type { ControlSocketElement } from '../../elements/driver/control-socket.js';
import { hostRouter, native } from './option-util.js';

t.test('VERBOSE reports connections; filename handler', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cvm-cs-v-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'v.sock');
  const cfg = `src :: RatedSource(RATE 100) -> Discard; cs :: ControlSocket(UNIX, ${JSON.stringify(path)}, VERBOSE true);`;
  const child = spawn(native(cfg), [], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((r) => child.once('exit', r));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  t.teardown(() => void child.kill('SIGKILL'));
  let c: ControlClient | undefined;
  for (let k = 0; k < 100 && !c; k++) {
    c = await ControlClient.connect({ path }, { timeoutMs: 1000 }).catch(() => undefined);
    if (!c) await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(await c!.read('cs.filename'), path);
  await c!.write('stop');
  await c!.close();
  await exited;
  t.match(err, /^cs: opened connection \d+\n/m, 'native says when a connection opens');
  t.match(err, /^cs: closed connection \d+\n/m, 'and when it closes');

  const lines: string[] = [];
  const router = hostRouter(cfg, lines);
  const run = router.runAsync();
  await (router.element('cs') as ControlSocketElement).listening;
  const hc = await ControlClient.connect({ path });
  t.equal(await hc.read('cs.filename'), path);
  await hc.write('stop');
  await hc.close();
  await run;
  await new Promise((r) => setTimeout(r, 50));
  router.cleanup();
  t.match(lines.join('\n'), /cs: opened connection 1\n(?:[^]*\n)?cs: closed connection 1/, 'the host engine says the same');
});

t.test('LOCALHOST: 127.0.0.1 only by default; every address with LOCALHOST false', async (t) => {
  const { networkInterfaces } = await import('node:os');
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  if (!external) {
    t.pass('no non-loopback IPv4 address here to try');
    return;
  }
  for (const [localhost, reachable] of [['true', false], ['false', true]] as const) {
    for (const engine of ['native', 'host'] as const) {
      const cfg = `cs :: ControlSocket(TCP, 0, LOCALHOST ${localhost});`;
      let port: number;
      let stop: () => Promise<void>;
      if (engine === 'native') {
        // the element's port is only known to the binary: use -p's twin, a fixed free port
        const probe = createServer();
        port = await new Promise<number>((r) => probe.listen(0, () => r((probe.address() as { port: number }).port)));
        await new Promise<void>((r) => probe.close(() => r()));
        const child = spawn(native(cfg.replace('TCP, 0', `TCP, ${port}`)), [], { stdio: 'ignore' });
        const exited = new Promise((r) => child.once('exit', r));
        await new Promise((r) => setTimeout(r, 300));
        stop = async () => {
          child.kill('SIGTERM');
          await exited;
        };
      } else {
        const router = hostRouter(cfg, []);
        const run = router.runAsync();
        const el = router.element('cs') as ControlSocketElement;
        await el.listening;
        port = el.port;
        stop = async () => {
          router.requestStop();
          await run;
          router.cleanup();
        };
      }
      const c = await ControlClient.connect({ host: external, port }, { timeoutMs: 1000 }).catch(() => undefined);
      t.equal(!!c, reachable, `${engine}, LOCALHOST ${localhost}: ${reachable ? 'reachable' : 'not reachable'} at ${external}`);
      await c?.close();
      await stop();
    }
  }
});

t.test('a router with nothing else to do keeps running and serving while it listens', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cvm-cs-idle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'idle.sock');
  const cfg = `Idle -> c :: Counter -> Discard; cs :: ControlSocket(UNIX, ${JSON.stringify(path)});`;
  const bin = native(cfg);
  const child = spawn(bin, ['-h', 'c.count'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((r) => child.once('exit', r));
  t.teardown(() => void child.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 1500));
  t.equal(child.exitCode, null, 'native: still running');
  const c = await ControlClient.connect({ path });
  t.equal(await c.read('c.count'), '0');
  await c.write('stop');
  await c.close();
  t.equal(await exited, 0, 'native: ends when stopped');

  const router = hostRouter(cfg, []);
  let ended = false;
  const run = router.runAsync().then((r) => ((ended = true), r));
  await new Promise((r) => setTimeout(r, 1500));
  t.notOk(ended, 'host: still running');
  const h = await ControlClient.connect({ path });
  t.equal(await h.read('c.count'), '0');
  await h.write('stop');
  await h.close();
  t.equal((await run).reason, 'stopped', 'host: ends when stopped');
  router.cleanup();
  t.equal(hostRouter(cfg.replace(/cs :: .*/, ''), []).run().reason, 'idle', 'without the socket the same router ends at once');
});

// ControlSocket's keywords and failures on both engines: PORT+ (the next
// free port), a taken port (an error, or RETRIES once a second and then a
// stop), VERBOSE connection messages, the port/filename handlers, and bad
// configurations.
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../elements/registry.js';
import { ClickError } from '../../config-lang/diagnostics.js';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { buildNative } from '../../dataplane-native/build.js';
import { Router } from '../../host-engine/router.js';
import { ControlClient } from '../../host-engine/control/client.js';
import type { ControlSocketElement } from '../../elements/driver/control-socket.js';
import { NATIVE_CACHE_DIR } from '../native/engines.js';

/** Hold a port for the test's duration. */
function holdPort(t: Test): Promise<number> {
  return new Promise((resolve) => {
    const s: Server = createServer().listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
    t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  });
}

const native = (config: string) => buildNative(generateC(loadConfig(config, 'opts.click'), { configText: config }), { kind: 'exe', cacheDir: NATIVE_CACHE_DIR }).output;

function hostRouter(config: string, lines: string[]): Router {
  return new Router(loadConfig(config, 'opts.click'), { stderr: (l) => lines.push(l) });
}

t.test('PORT+ takes the next free port; the port handler says which', async (t) => {
  const taken = await holdPort(t);
  const cfg = `cs :: ControlSocket(TCP, ${taken}+);`;
  const r = spawnSync(native(cfg), ['-q', '-h', 'cs.port'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.ok(Number(r.stdout) > taken && Number(r.stdout) <= taken + 10, `native bound ${r.stdout.trim()} (${taken} taken)`);
  const lines: string[] = [];
  const router = hostRouter(cfg, lines);
  router.initialize();
  await (router.element('cs') as ControlSocketElement).listening;
  const port = Number(router.readHandler('cs.port'));
  t.ok(port > taken && port <= taken + 10, `host bound ${port}`);
  router.cleanup();
});

t.test('a taken port fails (native: at initialization; host: when the bind fails, stopping the router)', async (t) => {
  const taken = await holdPort(t);
  const cfg = `Idle -> Discard; cs :: ControlSocket(TCP, ${taken});`;
  const r = spawnSync(native(cfg), ['-q'], { encoding: 'utf8' });
  t.equal(r.status, 1);
  t.match(r.stderr, /bind: Address already in use/);
  const lines: string[] = [];
  const router = hostRouter(cfg, lines);
  const end = await router.runAsync();
  t.equal(end.reason, 'stopped');
  t.match(lines.join('\n'), /cs: bind: .*EADDRINUSE/);
  router.cleanup();
});

t.test('RETRIES: tries again once a second, then stops the router', async (t) => {
  const taken = await holdPort(t);
  const cfg = `cs :: ControlSocket(TCP, ${taken}, RETRIES 2);`;
  const bin = native(cfg);
  const t0 = Date.now();
  const r = spawnSync(bin, [], { encoding: 'utf8', timeout: 20000 });
  const ms = Date.now() - t0;
  t.equal(r.status, 0, 'the router stopped (not killed)');
  t.match(r.stderr, /cs: bind: Address already in use \(2 tries left\)\ncs: bind: Address already in use \(1 try left\)\ncs: bind: Address already in use\n/);
  t.ok(ms >= 1800 && ms < 10000, `native gave up after about two seconds (${ms} ms)`);
  const lines: string[] = [];
  const router = hostRouter(cfg, lines);
  const h0 = Date.now();
  const end = await router.runAsync();
  t.equal(end.reason, 'stopped');
  t.equal(lines.length, 3, lines.join('\n'));
  t.ok(Date.now() - h0 >= 1800, 'host gave up after about two seconds too');
  router.cleanup();
});

t.test('RETRIES: a port that frees up in time is taken', async (t) => {
  const blocker = createServer();
  const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
  const bin = native(`src :: RatedSource(RATE 100) -> c :: Counter -> Discard; cs :: ControlSocket(TCP, ${port}, RETRIES 5, RETRY_WARNINGS false);`);
  const child = spawn(bin, [], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((r) => child.once('exit', r));
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  t.teardown(() => void child.kill('SIGKILL'));
  await new Promise((r) => setTimeout(r, 1200));
  await new Promise<void>((r) => blocker.close(() => r()));
  let c: ControlClient | undefined;
  for (let k = 0; k < 60 && !c; k++) {
    c = await ControlClient.connect({ port }, { timeoutMs: 1000 }).catch(() => undefined);
    if (!c) await new Promise((r) => setTimeout(r, 100));
  }
  t.ok(c, 'the retry bound the port');
  t.equal(await c!.read('cs.port'), String(port));
  await c!.write('stop');
  await c!.close();
  const code = await exited;
  t.equal(code, 0);
  t.equal(err, '', 'RETRY_WARNINGS false: no warning before the last try');
});

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

t.test('bad configurations', async (t) => {
  const bad = (cfg: string, re: RegExp) => {
    try {
      loadConfig(cfg, 'bad.click');
      t.fail(`${cfg} was accepted`);
    } catch (e) {
      t.ok(e instanceof ClickError);
      t.match((e as ClickError).message, re, cfg);
    }
  };
  bad('ControlSocket(FOO, 1)', /unknown socket type 'FOO'/);
  bad('ControlSocket(TCP, 70000)', /PORT requires TCP port/);
  bad('ControlSocket(TCP, x)', /PORT requires TCP port/);
  bad(`ControlSocket(UNIX, ${'/tmp/' + 'x'.repeat(120)})`, /filename too long/);
  bad('ControlSocket(TCP, 1, PROXY x)', /PROXY/);
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

// ControlSocket's keywords and failures on both engines: PORT+ (the next
// free port), a taken port (an error, or RETRIES once a second and then a
// stop), the port handler, and bad configurations (options-run.test.ts has
// the rest).
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import '../../elements/registry.js';
import { ClickError } from '../../config-lang/diagnostics.js';
import { loadConfig } from '../../config-lang/load.js';
import { ControlClient } from '../../host-engine/control/client.js';
import type { ControlSocketElement } from '../../elements/driver/control-socket.js';
import { holdPort, hostRouter, native } from './option-util.js';

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


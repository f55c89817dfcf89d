// The ControlClient against servers that behave as a VM's serial channel
// may: a banner that comes late, after boot noise, or never.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlClient, ControlError } from '../../host-engine/control/client.js';
import { ControlProtocol } from '../../host-engine/control/protocol.js';
import { HandlerSet } from '../../host-engine/handlers.js';
import type { HandlerAccess } from '../../host-engine/element.js';

/** One element `e` with a read/write handler `v` and the global `version`. */
function access(): HandlerAccess {
  let v = 'start';
  const el = new HandlerSet();
  el.add({ name: 'v', read: () => v, write: (x) => void (v = x) });
  const g = new HandlerSet();
  g.add({ name: 'version', read: () => '2.1' });
  g.add({ name: 'list', read: () => '1\ne\n' });
  return { elementNames: ['e'], handler: (i, name) => (i === undefined ? g : el).get(name) };
}

/**
 * A server that writes `noise` first, then after `delayMs` starts the
 * protocol (banner included); input that came before is held and fed then,
 * as a serial line buffers what the guest has not read yet.
 */
function serve(t: Test, noise: string, delayMs: number, withBanner = true): Promise<number> {
  const server: Server = createServer((sock: Socket) => {
    sock.write(noise);
    const early: Buffer[] = [];
    const collect = (d: Buffer) => early.push(d);
    sock.on('data', collect);
    setTimeout(() => {
      sock.off('data', collect);
      const proto = new ControlProtocol(access(), (b) => {
        // no banner: drop the first write (the banner) as a server that never sends one
        if (!withBanner && b.toString().startsWith('Click::')) return;
        sock.write(b);
      });
      for (const d of early) proto.input(d);
      sock.on('data', (d: Buffer) => {
        if (!proto.input(d)) sock.end();
      });
      sock.on('end', () => sock.end());
    }, delayMs);
    sock.on('error', () => undefined);
  });
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

t.test('waits for a late banner, skipping boot noise, and sends nothing before it', async (t) => {
  const port = await serve(t, 'SeaBIOS booting...\r\n200 not a reply\r\nclickvm kernel\r\n', 300);
  const c = await ControlClient.connect({ port });
  t.equal(c.version, '1.3');
  t.equal(await c.read('version'), '2.1');
  await c.write('e.v', 'new value');
  t.equal(await c.read('e.v'), 'new value');
  await c.close();
});

t.test('waitBanner false: sends at once; the late banner is skipped', async (t) => {
  const port = await serve(t, '', 200);
  const c = await ControlClient.connect({ port }, { waitBanner: false });
  t.equal(c.version, undefined, 'no banner yet');
  t.equal(await c.read('e.v'), 'start', 'the request queued behind the boot is answered');
  t.equal(c.version, '1.3');
  await c.close();
});

t.test('no banner: connect times out with a clear error; waitBanner false still works', async (t) => {
  const port = await serve(t, 'garbage\r\n', 0, false);
  await t.rejects(ControlClient.connect({ port }, { timeoutMs: 300 }), /timed out waiting for the ControlSocket banner/);
  const c = await ControlClient.connect({ port }, { waitBanner: false });
  t.equal(await c.read('version'), '2.1');
  await c.close();
});

t.test('errors carry the reply code; closing fails requests still waiting', async (t) => {
  const port = await serve(t, '', 0);
  const c = await ControlClient.connect({ port });
  const e = await c.read('nope.x').catch((x: unknown) => x);
  t.ok(e instanceof ControlError);
  t.equal((e as ControlError).code, 510);
  t.same((e as ControlError).lines, ["No element named 'nope'"]);
  await t.rejects(c.write('e.v x', '1'), /bad handler name/, 'a handler name with a space is refused before sending');
  const pending = c.request('READDATA e.v 100', Buffer.from('abc'), true);
  const failed = t.rejects(pending, { code: 0 }, 'a request still waiting fails when the client closes');
  await new Promise((r) => setTimeout(r, 50));
  await c.close();
  await failed;
});

t.test('connects over an existing stream', async (t) => {
  const port = await serve(t, '', 0);
  const { connect } = await import('node:net');
  const sock = connect({ host: '127.0.0.1', port });
  await new Promise((r) => sock.once('connect', r));
  const c = await ControlClient.connect({ stream: sock });
  t.same(await c.list(), ['e']);
  await c.close();
});

t.test('replyTimeoutMs: a server that never answers fails the request and closes the connection', async (t) => {
  // the protocol starts after 1.5 s: the banner-less request waits for a reply that does not come in time
  const port = await serve(t, '', 1500);
  const c = await ControlClient.connect({ port }, { waitBanner: false, replyTimeoutMs: 200 });
  await t.rejects(c.read('e.v'), /timed out waiting for the reply to READ/);
  await t.rejects(c.read('version'), /no reply to READ/, 'the connection is closed: a late reply cannot be taken for this one');
  await c.close();
});

t.test('sharedSession (a serial line): late replies and a partial command left by an earlier client are skipped; no QUIT on close', async (t) => {
  const received: string[] = [];
  const server: Server = createServer((sock: Socket) => {
    // what an earlier client left: its QUIT's reply, unread, and half a command
    sock.write("200 Goodbye!\r\n500 Command 'x' unimplemented\r\n");
    const proto = new ControlProtocol(access(), (b) => {
      if (!b.toString().startsWith('Click::')) sock.write(b);   // the session's banner went out long ago
    });
    proto.input(Buffer.from('QU'));
    sock.on('data', (d: Buffer) => {
      received.push(d.toString('latin1'));
      proto.input(d);
    });
    sock.on('end', () => sock.end());
    sock.on('error', () => undefined);
  });
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  const c = await ControlClient.connect({ port }, { sharedSession: true, timeoutMs: 2000 });
  t.equal(await c.read('e.v'), 'start', 'the first reply is this client\'s own');
  await c.write('e.v', 'x');
  t.equal(await c.read('e.v'), 'x');
  await c.close();
  t.notMatch(received.join(''), /QUIT/, 'the session is left open for the next client');
});

t.test('connectWhenUp: retries while nothing listens, then connects; gives up after its tries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-when-up-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'late.sock');
  await t.rejects(ControlClient.connectWhenUp({ path }, {}, 3, 10), /connect|ENOENT/, 'nothing listens: the last error, after 3 tries');
  const server = createServer((sock: Socket) => {
    const proto = new ControlProtocol(access(), (b) => sock.write(b));
    sock.on('data', (d: Buffer) => void proto.input(d));
    sock.on('error', () => undefined);
  });
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  setTimeout(() => server.listen(path), 150);
  const c = await ControlClient.connectWhenUp({ path }, {}, 100, 20);
  t.equal(await c.read('version'), '2.1', 'connected once the server came up');
  await c.close();
});

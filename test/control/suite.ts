// The ControlSocket tests every engine passes: the shared conversations
// over TCP and UNIX, several clients at once, clients that vanish or stop
// reading while traffic flows, and a clean end with every packet accounted
// for.

import type { Test } from 'tap';
import { ControlClient } from '../../host-engine/control/client.js';
import { conversations, framingProblem } from './conversations.js';
import { converse, open, type Endpoint, type Running } from './harness.js';

const ep = (e: Endpoint) => ('port' in e ? { port: e.port } : { path: e.path });

async function readValue(e: Endpoint, h: string): Promise<string> {
  const c = await ControlClient.connect(ep(e));
  try {
    return await c.read(h);
  } finally {
    await c.close();
  }
}
const readCount = async (e: Endpoint) => Number(await readValue(e, 'c.count'));

/** Run the suite; resolves with the replies of the exact conversations, by name, for comparing engines. */
export async function controlSuite(t: Test, start: () => Promise<Running>): Promise<Map<string, string>> {
  const r = await start();
  let stopped = false;
  t.teardown(async () => {
    if (!stopped) await r.stop();
  });
  const exact = new Map<string, string>();

  await t.test('conversations over TCP', async (t) => {
    for (const c of conversations) {
      const reply = await converse(c.readOnly ? r.readOnly : r.tcp, c.send);
      const text = reply.toString('latin1');
      t.match(text, c.expect, c.name);
      t.equal(framingProblem(reply), undefined, `${c.name}: replies are framed`);
      if (c.exact) exact.set(c.name, text);
    }
  });

  await t.test('conversations over UNIX give the same replies', async (t) => {
    for (const c of conversations.filter((c) => c.exact && !c.readOnly).slice(0, 8)) {
      const reply = (await converse(r.unix, c.send)).toString('latin1');
      t.equal(reply, exact.get(c.name), c.name);
    }
  });

  await t.test('several clients at once, pipelined and interleaved', async (t) => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => ControlClient.connect(ep(r.tcp))));
    const results = await Promise.all(
      clients.map(async (c, i) => {
        const reads = await Promise.all(Array.from({ length: 100 }, (_, k) => c.read(k % 2 ? `${(i % 5) + 1}.name` : 'version')));
        return reads.every((v, k) => v === (k % 2 ? ['src', 'c', 'q', 'u', 'd'][i % 5] : '2.1'));
      }),
    );
    t.same(results, results.map(() => true), 'every client got its own replies, in order');
    await Promise.all(clients.map((c) => c.close()));
  });

  await t.test('clients that vanish: the router keeps forwarding and the next client is served', async (t) => {
    const before = await readCount(r.tcp);
    // mid-command, mid-data, and with a large reply unread
    const cut = open(r.tcp);
    cut.write('READ c.cou');
    const midData = open(r.unix);
    midData.write('WRITEDATA s.set 100\r\nabc');
    const unread = open(r.tcp);
    unread.write('READ flatconfig\r\n'.repeat(200));
    const halfClosed = open(r.tcp);
    halfClosed.end('READ c.count\r\n');   // half-closed: it reads its reply, then goes away
    await new Promise((res) => setTimeout(res, 50));
    for (const s of [cut, midData, unread]) s.destroy();
    await new Promise((res) => setTimeout(res, 100));
    const after = await readCount(r.tcp);
    t.ok(after > before, `forwarding went on (c.count ${before} -> ${after})`);
    t.equal(await readValue(r.unix, '1.name'), 'src', 'a UNIX client is served too');
    halfClosed.destroy();
  });

  await t.test('1,000 connections at once, some sending garbage or half-closed: every good one is served, forwarding goes on', async (t) => {
    const before = await readCount(r.tcp);
    const N = 1000;
    const replies = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const e = i % 2 ? r.tcp : r.unix;
        // every tenth: garbage first; every seventh: nothing but a half-close
        if (i % 7 === 0) return (await converse(e, [])).toString('latin1');
        return (await converse(e, i % 10 === 0 ? [Buffer.from([0, 255, 13, 10, 1, 2, 3, 13, 10]), 'READ 1.name\r\n'] : ['READ 1.name\r\n'])).toString('latin1');
      }),
    );
    const served = replies.filter((x, i) => (i % 7 === 0 ? x === '' : x.endsWith("200 Read handler '1.name' OK\r\nDATA 3\r\nsrc"))).length;
    t.equal(served, N, `${N} connections (UNIX and TCP), each answered as it should be`);
    const after = await readCount(r.tcp);
    t.ok(after > before, `forwarding went on (c.count ${before} -> ${after})`);
  });

  await t.test('a client that does not read its replies is dropped, nobody else waits', async (t) => {
    const slow = open(r.tcp);
    slow.pause();   // never read
    const closed = new Promise<boolean>((res) => {
      slow.on('close', () => res(true));
      slow.on('error', () => undefined);
      setTimeout(() => res(false), 20000);
    });
    // About 60 MB of replies asked for; far more than the socket buffers and the 4 MiB limit.
    const chunk = Buffer.from('READ list\r\n'.repeat(10000));
    for (let i = 0; i < 60 && !slow.destroyed; i++) {
      slow.write(chunk);
      await new Promise((res) => setTimeout(res, 5));
      if (i === 10) t.equal(await readValue(r.unix, '2.name'), 'c', 'another client is served meanwhile');
    }
    t.ok(await closed, 'the server dropped the slow client');
    slow.destroy();
    const c = await ControlClient.connect(ep(r.tcp));
    t.equal(await c.read('version'), '2.1', 'the next client is served');
    await c.close();
  });

  await t.test('the client library: read, write, check, list, errors with codes', async (t) => {
    const c = await ControlClient.connect(ep(r.tcp));
    await c.write('s.set', 'k multi\nline');
    t.equal(await c.read('s.get', 'k'), 'multi\nline');
    t.equal(await c.checkRead('c.count'), true);
    t.equal(await c.checkWrite('c.count'), false);
    t.equal(await c.checkWrite('c.reset'), true);
    t.same((await c.list()).slice(0, 3), ['src', 'c', 'q']);
    await t.rejects(c.read('zz.count'), { code: 510, message: "510 No element named 'zz'" });
    await t.rejects(c.read('c.nope'), { code: 511 });
    await t.rejects(c.write('c.count', '1'), { code: 530 });
    await t.rejects(c.write('q.capacity', 'lots'), { code: 520 });
    t.equal(await c.read('version'), '2.1', 'the connection survives errors');
    await c.close();
  });

  stopped = true;
  const end = await r.stop();
  t.ok(end.accountingOk, `every packet accounted for (${end.detail})`);
  t.ok(end.forwarded > 0, `packets were forwarded all along (${end.forwarded})`);
  return exact;
}

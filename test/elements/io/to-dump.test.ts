import t from 'tap';
import { readFileSync } from 'node:fs';
import { spec as fromDumpSpec } from '../../../elements/io/from-dump.js';
import { spec, type ToDumpElement } from '../../../elements/io/to-dump.js';
import { ANNO } from '../../../host-engine/packet.js';
import { readCapture } from '../../../host-engine/pcap.js';
import { configError, harness } from '../../util/element-harness.js';
import { frames, pkt } from '../../util/packets.js';
import { seq, tempDir } from './capture-files.js';
import { drain, parseWithPcapParser } from './run-util.js';

const dir = tempDir();
const FIXTURE = new URL('../../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;
const stamped = (bytes: Uint8Array, sec: number, nsec: number) => {
  const p = pkt(bytes);
  p.tsSec = sec;
  p.tsNsec = nsec;
  return p;
};

t.test('FromDump -> ToDump reproduces a fixture capture, packets and timestamps', async (t) => {
  const src = harness(fromDumpSpec, `${FIXTURE}, STOP true`);
  const out = `${dir}/copy.pcap`;
  const sink = harness<ToDumpElement>(spec, out);
  while (src.taskScheduled) {
    src.runTaskLikeEngine();
    const batch = src.outputs[0]!.splice(0);
    if (batch.length) sink.push(0, ...batch);
  }
  sink.cleanup();
  t.equal(sink.read('count'), '300');
  const original = readCapture(new Uint8Array(readFileSync(FIXTURE)));
  const copy = readCapture(new Uint8Array(readFileSync(out)));
  t.equal(copy.nanosecond, true, 'nanosecond timestamps by default, like the reference outputs');
  t.equal(copy.snaplen, 2000);
  t.equal(copy.linkType, 1);
  t.equal(copy.packets.length, 300);
  t.same(copy.packets.map((p) => [p.tsSec, p.tsNsec, p.origLen, Buffer.from(p.data).toString('hex')]), original.packets.map((p) => [p.tsSec, p.tsNsec, p.origLen, Buffer.from(p.data).toString('hex')]));
  t.equal(sink.element.stats.consumed, 300);
});

t.test('pcap-parser reads ToDump microsecond files', async (t) => {
  const out = `${dir}/us.pcap`;
  const h = harness(spec, `${out}, SNAPLEN 20, NANO false`);
  const udp = frames.udp();
  h.push(0, stamped(udp, 1_700_000_000, 123_456_789), stamped(seq(10), 1_700_000_001, 999));
  h.cleanup();
  const parsed = await parseWithPcapParser(out);
  t.equal(parsed.header.magicNumber, 0xa1b2c3d4);
  t.equal(parsed.header.snapshotLength, 20);
  t.equal(parsed.header.linkLayerType, 1);
  t.equal(parsed.packets.length, 2);
  t.same(parsed.packets[0]!.header, { timestampSeconds: 1_700_000_000, timestampMicroseconds: 123456, capturedLength: 20, originalLength: udp.length });
  t.same(Array.from(parsed.packets[0]!.data), Array.from(udp.subarray(0, 20)), 'SNAPLEN truncates the data, not the length');
  t.same(parsed.packets[1]!.header, { timestampSeconds: 1_700_000_001, timestampMicroseconds: 0, capturedLength: 10, originalLength: 10 });
});

t.test('lengths, encapsulation, timestamps', async (t) => {
  const out = `${dir}/enc.pcap`;
  const h = harness(spec, `${out}, 0, IP`, { now: 42_000_000_500n });
  const p = pkt(seq(3000));
  p.setAnnoU32(ANNO.EXTRA_LENGTH, 100);
  h.push(0, p, pkt(seq(1)));
  h.cleanup();
  const cap = readCapture(new Uint8Array(readFileSync(out)));
  t.equal(cap.linkType, 101);
  t.equal(cap.snaplen, 0xffffffff, 'SNAPLEN 0: everything, as Click writes it');
  t.equal(cap.packets[0]!.data.length, 3000);
  t.equal(cap.packets[0]!.origLen, 3100, 'the extra length annotation counts');
  t.same([cap.packets[1]!.tsSec, cap.packets[1]!.tsNsec], [42, 500], 'unstamped packets get the engine time');

  const noExtra = harness(spec, `${dir}/noextra.pcap, EXTRA_LENGTH false, ENCAP #147`);
  noExtra.push(0, p);
  noExtra.cleanup();
  const c2 = readCapture(new Uint8Array(readFileSync(`${dir}/noextra.pcap`)));
  t.equal(c2.packets[0]!.origLen, 3000);
  t.equal(c2.packets[0]!.data.length, 2000, 'default SNAPLEN 2000');
  t.equal(c2.linkType, 147);
});

t.test('buffered until cleanup unless UNBUFFERED; handlers', async (t) => {
  const buffered = harness(spec, `${dir}/b.pcap`);
  buffered.push(0, pkt(frames.udp()));
  t.equal(readFileSync(`${dir}/b.pcap`).length, 0, 'nothing written yet');
  buffered.cleanup();
  t.equal(readFileSync(`${dir}/b.pcap`).length, 24 + 16 + frames.udp().length);
  const direct = harness(spec, `${dir}/u.pcap, UNBUFFERED true`);
  direct.push(0, pkt(frames.udp()));
  t.equal(readFileSync(`${dir}/u.pcap`).length, 24 + 16 + frames.udp().length);
  t.equal(direct.read('filename'), `${dir}/u.pcap`);
  t.equal(direct.read('count'), '1');
  direct.write('reset_counts', '');
  t.equal(direct.read('count'), '0');
  direct.cleanup();
});

t.test('passes packets on when it has an output; pulls with a task when it has none', async (t) => {
  const through = harness(spec, `${dir}/t.pcap`, { outputs: ['push'] });
  through.push(0, pkt(frames.udp()));
  t.equal(through.outputs[0]!.length, 1);
  t.equal(through.read('count'), '1');
  const pulled = harness(spec, `${dir}/p.pcap`, { inputs: ['pull'], outputs: ['pull'] });
  pulled.pullable[0]!.push(pkt(frames.udp()), pkt(frames.tcp()));
  t.equal(pulled.pull(0, 5).length, 2);
  t.equal(pulled.read('count'), '2');
  const task = harness(spec, `${dir}/task.pcap`, { inputs: ['pull'] });
  t.ok(task.taskScheduled);
  for (let i = 0; i < 40; i++) task.pullable[0]!.push(pkt(frames.udp()));
  t.ok(task.runTaskLikeEngine());
  t.ok(task.runTaskLikeEngine());
  t.notOk(task.runTaskLikeEngine());
  t.equal(task.read('count'), '40');
  t.equal(task.element.stats.consumed, 40);
  task.cleanup();
  t.equal(readCapture(new Uint8Array(readFileSync(`${dir}/task.pcap`))).packets.length, 40);
});

t.test('USE_ENCAP_FROM reads the sources encap handlers', async (t) => {
  const reads: Record<string, string> = { 'a.encap': 'IP', 'b.encap': 'IP', 'c.encap': 'ETHER', 'd.encap': 'WIRE' };
  const handlers = { read: (path: string) => reads[path] ?? (() => { throw new Error('no handler'); })() };
  const others = { a: 'FromDump', b: 'FromDump', c: 'FromDump', d: 'FromDump', z: 'Counter' };
  const h = harness(spec, `${dir}/x.pcap, USE_ENCAP_FROM a b`, { handlers, others });
  h.cleanup();
  t.equal(readCapture(new Uint8Array(readFileSync(`${dir}/x.pcap`))).linkType, 101);
  t.throws(() => harness(spec, `${dir}/x.pcap, USE_ENCAP_FROM a c`, { handlers, others }), /source encapsulation types disagree: a has IP, c has ETHER/);
  t.throws(() => harness(spec, `${dir}/x.pcap, USE_ENCAP_FROM d`, { handlers, others }), { message: "'d.encap' did not return a valid encapsulation type" });
  t.throws(() => harness(spec, `${dir}/x.pcap, USE_ENCAP_FROM z`, { handlers, others }), { message: "'z' has no 'encap' read handler" });
});

t.test('errors', async (t) => {
  t.throws(() => harness(spec, `${dir}/no/such/dir/x.pcap`), { message: `${dir}/no/such/dir/x.pcap: No such file or directory` });
  t.equal(configError(spec, 'x.pcap, ENCAP WIRE', 1, 0), 'bad encapsulation type');
  t.equal(configError(spec, 'x.pcap, ENCAP IP, USE_ENCAP_FROM a', 1, 0), "specify at most one of 'ENCAP' and 'USE_ENCAP_FROM'");
  t.match(configError(spec, 'x.pcap, SNAPLEN -3', 1, 0), /^SNAPLEN: /);
  t.equal(configError(spec, '', 1, 0), 'missing mandatory argument FILENAME');
});

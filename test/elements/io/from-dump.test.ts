import t from 'tap';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spec, FROMDUMP_BURST, type FromDumpElement } from '../../../elements/io/from-dump.js';
import { ANNO } from '../../../host-engine/packet.js';
import { readCapture, writeCapture, type CapturedPacket } from '../../../host-engine/pcap.js';
import { configError, configureWithWarnings, harness } from '../../util/element-harness.js';
import { ether, frames } from '../../util/packets.js';
import { bigEndianPcap, pcapng, seq, tempDir, writeTemp } from './capture-files.js';
import { drain } from './run-util.js';

const FIXTURE = new URL('../../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;
const fixture = readCapture(new Uint8Array(readFileSync(FIXTURE)));
const dir = tempDir();
const file = (name: string, bytes: Uint8Array | string) => writeTemp(dir, name, bytes);
const fromDump = (config: string, opts: Parameters<typeof harness>[2] = {}) => harness<FromDumpElement>(spec, config, opts);
const S = 1_000_000_000n;

/** Ten packets one second apart, from t = 100 s; packet i carries byte i. */
const tenSeconds = file('ten.pcap', writeCapture(Array.from({ length: 10 }, (_, i) => ({ tsSec: 100 + i, tsNsec: 0, origLen: 1, data: Uint8Array.of(i) }))));
const firstBytes = (h: { outputs: { data: Uint8Array }[][] }) => h.outputs[0]!.map((p) => p.data[0]);

t.test('one packet per task run, as Click, unless the engine allows batches', async (t) => {
  const h = fromDump(FIXTURE);
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, 1, 'Click pace: another task may interleave');
  const alone = fromDump(FIXTURE, { canBatch: false });
  alone.runTaskLikeEngine();
  t.equal(alone.outputs[0]!.length, 1);
  t.equal(drain(h), 300, 'one run per packet, the last finds the end');
});

t.test('reads a capture in batches of 32 and stops the driver at the end', async (t) => {
  const h = fromDump(`${FIXTURE}, STOP true`, { canBatch: true });
  t.ok(h.taskScheduled);
  h.runTaskLikeEngine();
  t.equal(h.outputs[0]!.length, FROMDUMP_BURST, 'one batch per task run');
  const runs = drain(h);
  t.equal(runs + 1, Math.ceil(300 / 32), 'the run that finds the end emits the last packets');
  t.equal(h.outputs[0]!.length, 300);
  t.equal(h.stopCount, 1);
  t.equal(h.read('count'), '300');
  t.equal(h.read('active'), 'false', 'stop makes it inactive');
  const got = h.outputs[0]!;
  t.equal(got.reduce((n, p) => n + p.length, 0), 60589);
  t.same(got.map((p) => [p.tsSec, p.tsNsec]), fixture.packets.map((p) => [p.tsSec, p.tsNsec]));
  t.ok(got.every((p, i) => Buffer.from(p.data).equals(fixture.packets[i]!.data)));
  t.equal(got[0]!.macHeaderOffset, 0);
  t.equal(h.read('encap'), 'ETHER');
  t.equal(h.read('filename'), FIXTURE);
  t.equal(h.read('filesize'), String(readFileSync(FIXTURE).length));
  t.equal(h.read('filepos'), h.read('filesize'));
  t.equal(h.element.stats.created, 300);
  t.equal(h.element.held(), 0);
});

t.test('nanosecond, big-endian, pcapng and gzip files', async (t) => {
  const pkts: CapturedPacket[] = [{ tsSec: 5, tsNsec: 123456789, origLen: 4, data: seq(4) }];
  const ns = fromDump(file('ns.pcap', writeCapture(pkts, { nanosecond: true })));
  drain(ns);
  t.equal(ns.outputs[0]![0]!.tsNsec, 123456789);
  const be = fromDump(file('be.pcap', bigEndianPcap([{ ...pkts[0]!, tsNsec: 7000 }])));
  drain(be);
  t.same([be.outputs[0]![0]!.tsSec, be.outputs[0]![0]!.tsNsec], [5, 7000]);
  const ng = fromDump(file('x.pcapng', pcapng([{ ts: 1_700_000_000_000_001n, data: frames.udp() }, { ts: 1_700_000_001_000_000n, data: seq(20) }])));
  drain(ng);
  t.equal(ng.outputs[0]!.length, 2);
  t.same([ng.outputs[0]![0]!.tsSec, ng.outputs[0]![0]!.tsNsec], [1_700_000_000, 1000]);
  t.equal(ng.read('encap'), 'ETHER');
  const gz = fromDump(file('fixture.pcap.gz', gzipSync(readFileSync(FIXTURE))));
  drain(gz);
  t.equal(gz.outputs[0]!.length, 300);
  t.equal(gz.read('filesize'), String(readFileSync(FIXTURE).length), 'the uncompressed size');
});

t.test('snaplen truncation sets the extra length annotation', async (t) => {
  const h = fromDump(file('snap.pcap', writeCapture([{ tsSec: 1, tsNsec: 0, origLen: 1500, data: seq(68) }], { snaplen: 68 })));
  drain(h);
  const p = h.outputs[0]![0]!;
  t.equal(p.length, 68);
  t.equal(p.annoU32(ANNO.EXTRA_LENGTH), 1432);
});

t.test('damaged and unreadable files', async (t) => {
  t.throws(() => fromDump(file('empty.pcap', '')), { message: `${dir}/empty.pcap: empty file` });
  t.throws(() => fromDump(file('junk.pcap', 'GET / HTTP/1.1\r\nHost: example.org\r\n\r\n')), { message: `${dir}/junk.pcap: not a tcpdump file (bad magic number)` });
  t.throws(() => fromDump(file('short.pcap', '\xd4\xc3')), { message: `${dir}/short.pcap: not a tcpdump file (too short)` });
  t.throws(() => fromDump(`${dir}/missing.pcap`), { message: `${dir}/missing.pcap: No such file or directory` });
  const whole = readFileSync(FIXTURE);
  const cut = fromDump(`${file('cut.pcap', whole.subarray(0, whole.length - 10))}, STOP true`);
  drain(cut);
  t.equal(cut.outputs[0]!.length, 299, 'every whole packet before the damage');
  t.equal(cut.stderr.length, 1);
  t.match(cut.stderr[0]!, /^e: .*cut\.pcap: packet at offset \d+ is cut short/);
  t.equal(cut.stopCount, 1, 'the damage ends the input like the end of the file');
  cut.write('active', 'true');
  drain(cut);
  t.equal(cut.stderr.length, 1, 'said once');
  t.equal(cut.stopCount, 2, 'the end action runs again when reactivated, as in Click');
  const noPackets = fromDump(`${file('header-only.pcap', writeCapture([]))}, STOP true`);
  drain(noPackets);
  t.equal(noPackets.outputs[0]!.length, 0);
  t.equal(noPackets.stopCount, 1);
});

t.test('TIMING replays at capture pace on engine time', async (t) => {
  const path = file('paced.pcap', writeCapture([0n, 500_000_000n, 500_000_000n, 2_000_000_000n].map((d, i) => ({ tsSec: 50 + Number(d / S), tsNsec: Number(d % S), origLen: 1, data: Uint8Array.of(i) }))));
  const h = fromDump(`${path}, true`, { now: 1000n * S });
  h.runTaskLikeEngine();
  t.same(firstBytes(h), [0], 'the first packet at once');
  t.notOk(h.taskScheduled, 'then it waits on a timer');
  t.equal(h.element.held(), 1, 'holding the next packet');
  h.advanceTo(1000n * S + 499_999_999n);
  t.notOk(h.taskScheduled);
  h.advanceTo(1000n * S + 500_000_000n);
  drain(h);
  t.same(firstBytes(h), [0, 1, 2], 'packets with the same time go together');
  h.advanceTo(1002n * S);
  drain(h);
  t.same(firstBytes(h), [0, 1, 2, 3]);
  t.equal(h.outputs[0]![3]!.tsSec, 52, 'packets keep their capture timestamps');
});

t.test('time windows: START, START_AFTER, END, END_AFTER, INTERVAL, extend_interval', async (t) => {
  const run = (config: string) => {
    const h = fromDump(`${tenSeconds}, ${config}`);
    drain(h);
    return h;
  };
  t.same(firstBytes(run('START_AFTER 2')), [2, 3, 4, 5, 6, 7, 8, 9]);
  t.same(firstBytes(run('START 104.5')), [5, 6, 7, 8, 9]);
  t.same(firstBytes(run('END 103')), [0, 1, 2]);
  t.same(firstBytes(run('START_AFTER 2, INTERVAL 3')), [2, 3, 4]);
  const after = run('END_AFTER 5');
  t.same(firstBytes(after), [0, 1, 2, 3, 4]);
  t.equal(after.read('active'), 'false', 'reaching END makes it inactive');
  t.equal(after.stopCount, 0);
  after.write('extend_interval', '2');
  t.equal(after.read('active'), 'true');
  drain(after);
  t.same(firstBytes(after), [0, 1, 2, 3, 4, 6], 'the packet that hit END is gone, as in Click');
  t.throws(() => after.write('extend_interval', 'later'), { message: "'extend_interval' takes a time interval" });
  const stop = run('END_AFTER 1.5, STOP true');
  t.same(firstBytes(stop), [0, 1]);
  t.equal(stop.stopCount, 1);
  const calls: string[] = [];
  const call = fromDump(`${tenSeconds}, END_AFTER 1, END_CALL s.step`, { handlers: { write: (p, v) => void calls.push(`${p}|${v}`) } });
  drain(call);
  t.same(firstBytes(call), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'a custom END_CALL that leaves it active');
  t.same(calls, ['s.step|', 's.step|'], 'called at END and again at the end of the file');
});

t.test('SAMPLE keeps packets with the given probability', async (t) => {
  const half = fromDump(`${FIXTURE}, SAMPLE 0.5`);
  drain(half);
  const n = half.outputs[0]!.length;
  t.ok(n > 100 && n < 200, `about half kept (${n})`);
  t.equal(half.read('sampling_prob'), '0.5');
  t.equal(half.read('count'), String(n));
  t.equal(half.element.stats.created, n, 'skipped records never become packets');
  const none = fromDump(`${FIXTURE}, SAMPLE 0`);
  drain(none);
  t.equal(none.outputs[0]!.length, 0);
  t.equal(fromDump(`${FIXTURE}, SAMPLE 2`).read('sampling_prob'), '1');
  t.same(configureWithWarnings(spec, 'f, SAMPLE 2', 0, 1).warnings, ['SAMPLE probability reduced to 1']);
  t.same(configureWithWarnings(spec, 'f, SAMPLE 0', 0, 1).warnings, ['SAMPLE probability is 0; emitting no packets']);
});

t.test('FORCE_IP sets IP annotations and sends other packets to output 1 or drops them', async (t) => {
  const mixed = file('mixed.pcap', writeCapture([frames.udp({ dst: '192.0.2.9' }), frames.arpRequest(), ether(Uint8Array.of(0x45, 0)), frames.tcp()].map((data) => ({ tsSec: 1, tsNsec: 0, origLen: data.length, data }))));
  const two = fromDump(`${mixed}, FORCE_IP true`, { outputs: ['push', 'push'] });
  drain(two);
  t.equal(two.outputs[0]!.length, 2);
  t.equal(two.outputs[1]!.length, 2, 'ARP and a cut IP header');
  t.equal(two.outputs[0]![0]!.networkHeaderOffset, 14);
  t.equal(two.outputs[0]![0]!.networkHeaderLength, 20);
  t.equal(two.outputs[0]![0]!.dstIP, 0xc0000209);
  const one = fromDump(`${mixed}, FORCE_IP true`);
  drain(one);
  t.equal(one.outputs[0]!.length, 2);
  t.equal(one.element.stats.dropped, 2);
  t.equal(one.read('count'), '2');
  const raw = fromDump(file('raw.pcap', writeCapture([{ tsSec: 1, tsNsec: 0, origLen: 28, data: frames.udp().subarray(14) }, { tsSec: 1, tsNsec: 0, origLen: 3, data: seq(3) }], { linkType: 101 })));
  drain(raw);
  t.equal(raw.read('encap'), 'IP');
  t.equal(raw.outputs[0]!.length, 1, 'raw IP files always force IP');
  t.equal(raw.outputs[0]![0]!.networkHeaderOffset, 0);
  t.throws(() => fromDump(`${file('arcnet.pcap', writeCapture([], { linkType: 7 }))}, FORCE_IP true`), /unknown linktype 7; can't force IP packets/);
});

t.test('ACTIVE, filepos, packet_filepos, FILEPOS, stop, reset_counts', async (t) => {
  const h = fromDump(`${tenSeconds}, ACTIVE false`);
  t.notOk(h.taskScheduled);
  h.write('active', 'true');
  t.ok(h.taskScheduled);
  drain(h);
  t.equal(h.outputs[0]!.length, 10);
  t.equal(h.read('packet_filepos'), String(24 + 9 * 17));
  h.write('filepos', String(24 + 7 * 17));
  h.write('active', 'true');
  drain(h);
  t.same(firstBytes(h).slice(10), [7, 8, 9], 'seeking back replays from there');
  t.throws(() => h.write('filepos', 'start'), { message: 'argument must be file offset' });
  t.throws(() => h.write('filepos', '99999'), { message: 'FILEPOS out of range' });
  t.throws(() => h.write('active', 'maybe'), { message: 'type mismatch' });
  h.write('reset_counts', '');
  t.equal(h.read('count'), '0');
  const skip = fromDump(`${tenSeconds}, FILEPOS ${24 + 8 * 17}`);
  drain(skip);
  t.same(firstBytes(skip), [8, 9]);
  const stopped = fromDump(tenSeconds);
  stopped.write('stop', '');
  t.equal(stopped.stopCount, 1);
  t.notOk(stopped.runTaskLikeEngine());
});

t.test('pull mode', async (t) => {
  const h = fromDump(`${tenSeconds}, STOP true`, { outputs: ['pull'] });
  t.notOk(h.taskScheduled);
  t.equal(h.pull(0, 4).length, 4);
  t.equal(h.pull(0, 100).length, 6);
  t.equal(h.stopCount, 1);
  t.equal(h.pull(0, 1).length, 0);
});

t.test('configuration errors', async (t) => {
  t.equal(configError(spec, '', 0, 1), 'missing mandatory argument FILENAME');
  t.equal(configError(spec, 'f, START 1, START_AFTER 1', 0, 1), 'START and START_AFTER are mutually exclusive');
  t.equal(configError(spec, 'f, END 1, INTERVAL 1', 0, 1), 'END, END_AFTER, and INTERVAL are mutually exclusive');
  t.equal(configError(spec, 'f, STOP true, END_CALL x.y', 0, 1), 'END_CALL and STOP are mutually exclusive');
  t.match(configError(spec, 'f, SAMPLE -1', 0, 1), /^SAMPLE: /);
  t.match(configError(spec, 'f, START yesterday', 0, 1), /^START: /);
  t.equal(configError(spec, 'f, MMAP false', 0, 1), undefined);
});

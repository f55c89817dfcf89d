// CaptureReader and the incremental pcap writer of host-engine/pcap.ts.
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  CaptureReader, PcapError, memorySource, pcapFileHeader, readCapture, writeCapture, writeRecordHeader, type RecordResult,
} from '../../../host-engine/pcap.js';
import { bigEndianPcap, pcapng, seq, tempDir, writeTemp } from './capture-files.js';

const fixture = new URL('../../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;

function all(r: CaptureReader): { packets: { sec: number; nsec: number; len: number; data: number[]; pos: number }[]; last: RecordResult } {
  const packets = [];
  for (;;) {
    const x = r.next();
    if (x.kind !== 'packet') return { packets, last: x };
    packets.push({ sec: x.record.tsSec, nsec: x.record.tsNsec, len: x.record.origLen, data: Array.from(x.record.data), pos: x.record.filePos });
  }
}

t.test('streams the conformance capture from disk like readCapture reads it whole', async (t) => {
  const whole = readCapture(new Uint8Array(readFileSync(fixture)));
  const r = CaptureReader.open(fixture);
  t.equal(r.format, 'pcap');
  t.equal(r.linkType, 1);
  const { packets, last } = all(r);
  r.close();
  t.equal(last.kind, 'end');
  t.equal(packets.length, 300);
  t.equal(packets[0]!.pos, 24);
  t.same(packets.map((p) => p.data), whole.packets.map((p) => Array.from(p.data)));
  t.same(packets.map((p) => [p.sec, p.nsec]), whole.packets.map((p) => [p.tsSec, p.tsNsec]));
});

t.test('reads nanosecond and big-endian classic files', async (t) => {
  const pkts = [{ tsSec: 7, tsNsec: 123456789, origLen: 5, data: seq(5) }, { tsSec: 8, tsNsec: 1000, origLen: 60, data: seq(3, 9) }];
  const ns = all(new CaptureReader(memorySource(writeCapture(pkts, { nanosecond: true }))));
  t.same(ns.packets.map((p) => [p.sec, p.nsec, p.len, p.data]), [[7, 123456789, 5, [0, 1, 2, 3, 4]], [8, 1000, 60, [9, 10, 11]]]);
  const be = new CaptureReader(memorySource(bigEndianPcap(pkts.map((p) => ({ ...p, tsNsec: 5000 })), 101)));
  t.equal(be.linkType, 101);
  t.same(all(be).packets.map((p) => [p.sec, p.nsec, p.len]), [[7, 5000, 5], [8, 5000, 60]]);
});

t.test('understands version 2.2 length order and the modified (Kuznetsov) format', async (t) => {
  const old = writeCapture([{ tsSec: 1, tsNsec: 0, origLen: 10, data: seq(4) }]);
  const v = new DataView(old.buffer);
  v.setUint16(6, 2, true); // minor version 2: caplen and len swapped
  v.setUint32(24 + 8, 10, true);
  v.setUint32(24 + 12, 4, true);
  t.same(all(new CaptureReader(memorySource(old))).packets.map((p) => [p.len, p.data.length]), [[10, 4]]);

  const mod = new Uint8Array(24 + 24 + 3);
  mod.set(pcapFileHeader({ linkType: 1, snaplen: 100, nanosecond: false }));
  new DataView(mod.buffer).setUint32(0, 0xa1b2cd34, true);
  writeRecordHeader(mod, 24, 3, 4, 3, 3);
  mod.set([7, 8, 9], 48);
  t.same(all(new CaptureReader(memorySource(mod))).packets.map((p) => [p.sec, p.nsec, p.data]), [[3, 4000, [7, 8, 9]]]);
});

t.test('reports damage as a result, not an exception', async (t) => {
  const good = writeCapture([{ tsSec: 0, tsNsec: 0, origLen: 4, data: seq(4) }, { tsSec: 0, tsNsec: 0, origLen: 4, data: seq(4) }]);
  const cut = all(new CaptureReader(memorySource(good.subarray(0, good.length - 2))));
  t.equal(cut.packets.length, 1);
  t.equal(cut.last.kind, 'damaged');
  t.match((cut.last as { message: string }).message, /cut short \(2 of 4 bytes present\)/);
  const inHeader = all(new CaptureReader(memorySource(good.subarray(0, 24 + 20 + 6))));
  t.match((inHeader.last as { message: string }).message, /inside the header/);
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(24 + 8, 0x7fffffff, true);
  new DataView(huge.buffer).setUint32(24 + 12, 0x7fffffff, true);
  t.match((all(new CaptureReader(memorySource(huge))).last as { message: string }).message, /bad packet header/);
});

t.test('rejects files that are not captures', async (t) => {
  t.throws(() => new CaptureReader(memorySource(new Uint8Array(0))), { message: 'empty file' });
  t.throws(() => new CaptureReader(memorySource(Uint8Array.of(1, 2))), { message: 'not a tcpdump file (too short)' });
  t.throws(() => new CaptureReader(memorySource(new TextEncoder().encode('this is not a capture file at all'))), new PcapError('not a tcpdump file (bad magic number)'));
  const v3 = pcapFileHeader({ linkType: 1, snaplen: 1, nanosecond: false });
  new DataView(v3.buffer).setUint16(4, 3, true);
  t.throws(() => new CaptureReader(memorySource(v3)), { message: 'unknown major version 3' });
});

t.test('reads pcapng: enhanced and simple packet blocks, resolutions, byte orders', async (t) => {
  const file = pcapng([{ ts: 0n, data: seq(6), origLen: 6 }, { ts: 1_500_000_250n, data: seq(4), origLen: 90 }], { tsresol: 9, simpleFirst: true });
  const r = new CaptureReader(memorySource(file));
  t.equal(r.format, 'pcapng');
  t.equal(r.linkType, 1);
  const { packets, last } = all(r);
  t.equal(last.kind, 'end');
  t.same(packets.map((p) => [p.sec, p.nsec, p.len, p.data.length]), [[0, 0, 6, 6], [1, 500000250, 90, 4]]);
  const be = all(new CaptureReader(memorySource(pcapng([{ ts: 2_000_001n, data: seq(3) }], { bigEndian: true, linkType: 101 }))));
  t.same(be.packets.map((p) => [p.sec, p.nsec]), [[2, 1000]]);
  const cut = all(new CaptureReader(memorySource(file.subarray(0, file.length - 8))));
  t.equal(cut.packets.length, 1);
  t.equal(cut.last.kind, 'damaged');
});

t.test('seeks back to a recorded file position', async (t) => {
  const r = CaptureReader.open(fixture);
  r.next();
  const second = r.next();
  if (second.kind !== 'packet') throw new Error('expected a packet');
  r.next();
  r.seek(second.record.filePos);
  const again = r.next();
  t.same(again.kind === 'packet' && Array.from(again.record.data), Array.from(second.record.data));
  r.close();
});

t.test('streams a file larger than its read window', async (t) => {
  const pkts = Array.from({ length: 2500 }, (_, i) => ({ tsSec: i, tsNsec: 0, origLen: 1000, data: seq(1000, i) }));
  const path = writeTemp(tempDir(), 'big.pcap', writeCapture(pkts));
  const r = CaptureReader.open(path);
  t.equal(r.size, 24 + 2500 * 1016);
  const { packets, last } = all(r);
  r.close();
  t.equal(last.kind, 'end');
  t.equal(packets.length, 2500);
  t.ok(packets.every((p, i) => p.sec === i && p.data[0] === (i & 255) && p.data[999] === ((i + 999) & 255)));
});

import t from 'tap';
import { readFileSync } from 'node:fs';
import { readCapture, writeCapture, PcapError } from '../../host-engine/pcap.js';

const fixture = (c: string, f: string) => new Uint8Array(readFileSync(new URL(`../fixtures/conformance/${c}/${f}`, import.meta.url)));

t.test('reads a conformance input capture', async (t) => {
  const cap = readCapture(fixture('01-counter', 'in.pcap'));
  t.equal(cap.linkType, 1);
  t.equal(cap.packets.length, 300);
  t.equal(cap.packets.reduce((n, p) => n + p.data.length, 0), 60589, 'matches Counter byte_count from Click');
});

t.test('write then read round-trips, microsecond and nanosecond', async (t) => {
  const pkts = [{ tsSec: 5, tsNsec: 123456000, origLen: 3, data: Uint8Array.of(1, 2, 3) }, { tsSec: 6, tsNsec: 7000, origLen: 10, data: Uint8Array.of(9) }];
  for (const nanosecond of [false, true]) {
    const back = readCapture(writeCapture(pkts, { nanosecond }));
    t.equal(back.nanosecond, nanosecond);
    t.same(back.packets.map((p) => [p.tsSec, p.tsNsec, p.origLen, Array.from(p.data)]), pkts.map((p) => [p.tsSec, p.tsNsec, p.origLen, Array.from(p.data)]));
  }
});

t.test('rejects garbage and truncation with a PcapError', async (t) => {
  t.throws(() => readCapture(Uint8Array.of(1, 2, 3, 4, 5)), PcapError);
  const ok = writeCapture([{ tsSec: 0, tsNsec: 0, origLen: 4, data: Uint8Array.of(1, 2, 3, 4) }]);
  t.throws(() => readCapture(ok.subarray(0, ok.length - 2)), /truncated/);
});

t.test('a pcapng block claiming gigabytes is damage, not a crash', async (t) => {
  const { CaptureReader, fileSource } = await import('../../host-engine/pcap.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const shb = Buffer.alloc(28);
  shb.writeUInt32LE(0x0a0d0d0a, 0);
  shb.writeUInt32LE(28, 4);
  shb.writeUInt32LE(0x1a2b3c4d, 8);
  shb.writeUInt16LE(1, 12);
  shb.writeBigInt64LE(-1n, 16);
  shb.writeUInt32LE(28, 24);
  const idb = Buffer.alloc(20);
  idb.writeUInt32LE(1, 0);
  idb.writeUInt32LE(20, 4);
  idb.writeUInt16LE(1, 8);
  idb.writeUInt32LE(65535, 12);
  idb.writeUInt32LE(20, 16);
  const huge = Buffer.alloc(12);
  huge.writeUInt32LE(6, 0);
  huge.writeUInt32LE(0xfffffff0, 4);
  const file = join(mkdtempSync(join(tmpdir(), 'clickvm-pcapng-')), 'huge.pcapng');
  writeFileSync(file, Buffer.concat([shb, idb, huge]));
  const r = new CaptureReader(fileSource(file));
  t.same(r.next(), { kind: 'damaged', message: 'file ends inside the pcapng block at offset 48' });
});

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

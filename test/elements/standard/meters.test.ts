import t from 'tap';
import { spec as AverageCounter } from '../../../elements/standard/average-counter.js';
import { parseBandwidth, unparseBandwidth } from '../../../elements/standard/bandwidth-arg.js';
import { spec as BandwidthMeter } from '../../../elements/standard/bandwidth-meter.js';
import { spec as Meter } from '../../../elements/standard/meter.js';
import { configError, configureWithWarnings, harness } from '../../util/element-harness.js';
import { pkt } from '../../util/packets.js';

const MS = 1_000_000n;
const push = (n: number) => Array.from({ length: n }, () => 'push' as const);

t.test('AverageCounter: strict average between the first and last packet', async (t) => {
  const h = harness(AverageCounter, '', { now: 5_000n * MS });
  t.equal(h.read('rate'), '0');
  for (let i = 0; i < 11; i++) {
    h.now = (5_000n + BigInt(i) * 100n) * MS;
    h.push(0, pkt(new Uint8Array(100)));
  }
  t.equal(h.read('count'), '11');
  t.equal(h.read('byte_count'), '1100');
  t.equal(h.read('rate'), '11', '11 packets over 1000 jiffies');
  t.equal(h.read('byte_rate'), '1100');
  t.equal(h.read('bit_rate'), '8800');
  h.now = 9_000n * MS;
  t.equal(h.read('rate'), '11', 'idle time after the last packet does not count');
  h.write('reset', '');
  t.equal(h.read('count'), '0');
  h.push(0, pkt(new Uint8Array(3)));
  t.equal(h.read('rate'), '1000', 'a single packet: elapsed time taken as one jiffy');
});

t.test('AverageCounter IGNORE skips the first seconds', async (t) => {
  const h = harness(AverageCounter, '1', { now: 10_000n * MS });
  for (let ms = 0n; ms < 3_000n; ms += 10n) {
    h.now = (10_000n + ms) * MS;
    h.push(0, pkt(new Uint8Array(1)));
  }
  t.equal(h.read('count'), '200', 'packets of the first second are ignored');
  // elapsed 2990 jiffies - 1000 ignored
  t.equal(h.read('rate'), '100.502512563');
  t.equal(h.outputs[0]!.length, 300, 'ignored packets still pass');
  t.match(configError(AverageCounter, 'x'), /IGNORE/);
});

t.test('AverageCounter in pull mode', async (t) => {
  const h = harness(AverageCounter, '', { inputs: ['pull'], outputs: ['pull'], now: MS });
  h.pullable[0]!.push(pkt(new Uint8Array(5)), pkt(new Uint8Array(5)));
  t.equal(h.pull(0, 5).length, 2);
  t.equal(h.read('byte_count'), '10');
});

t.test('Meter sends the stream out of the output matching its packet rate', async (t) => {
  const h = harness(Meter, '1000, 3000', { outputs: push(3), now: 100n * MS });
  /** Push one packet at jiffy `ms` and say which output it left by. */
  const send = (ms: bigint): number => {
    h.now = ms * MS;
    const before = h.outputs.map((o) => o.length);
    h.push(0, pkt(new Uint8Array(10)));
    return h.outputs.findIndex((o, port) => o.length > before[port]!);
  };
  let last = -1;
  for (let ms = 100n; ms < 200n; ms++) for (let k = 0; k < 2; k++) last = send(ms);
  t.equal(last, 1, 'about 2000 packets/s: between the rates');
  for (let ms = 200n; ms < 300n; ms++) for (let k = 0; k < 5; k++) last = send(ms);
  t.equal(last, 2, 'about 5000 packets/s: above the last rate');
  t.equal(send(1_000n), 0, 'after a long pause the rate is low again');
  t.equal(h.read('meters'), '1000\n3000');
  const { warnings } = configureWithWarnings(Meter, '1000, 3000', 1, 3);
  t.equal(warnings.length, 2, 'bare numbers draw the "no units" warning, as in Click');
});

t.test('BandwidthMeter meters bytes per second', async (t) => {
  const h = harness(BandwidthMeter, '100kBps', { outputs: push(2), now: 50n * MS });
  for (let i = 0; i < 200; i++) {
    h.now = (50n + BigInt(i)) * MS;
    h.push(0, pkt(new Uint8Array(50)));
  }
  t.equal(h.outputs[1]!.length, 0, '50 kB/s stays on output 0');
  for (let i = 0; i < 200; i++) {
    h.now = (250n + BigInt(i)) * MS;
    h.push(0, pkt(new Uint8Array(200)));
  }
  t.ok(h.outputs[1]!.length > 150, '200 kB/s moves to output 1');
  // 200 bytes per jiffy settle at (200 << 10) + 8 - 15 = 204793 -> 204793 * 1000 / 1024.
  t.equal(h.read('rate'), '199993.164', "Click's EWMA settles a little under the true rate");
  t.equal(h.read('meters'), '100000', 'the threshold as stored: (100000 << 10) / 1000, times 1000');
});

t.test('meter configuration errors', async (t) => {
  t.match(configError(BandwidthMeter, '', 1, 2), /too few arguments/);
  t.match(configError(BandwidthMeter, '2kBps, 1kBps', 1, 3), /must be greater/);
  t.match(configError(BandwidthMeter, '1kBps', 1, 3), /outputs/);
  t.match(configError(BandwidthMeter, '5MBps', 1, 2), /too large \(at most 4194303\)/);
  t.match(configError(BandwidthMeter, '10GBps', 1, 2), /out of range/);
  t.match(configError(Meter, 'fast', 1, 2), /bandwidth/);
  t.equal(configError(BandwidthMeter, '1Mbps, 2Mbps', 1, 3), undefined);
});

t.test("bandwidth arguments in Click's units", async (t) => {
  t.same(parseBandwidth('384kbps'), { rate: 48000, unitless: false });
  t.same(parseBandwidth('20kBps'), { rate: 20000, unitless: false });
  t.same(parseBandwidth('1.5 MBps'), { rate: 1500000, unitless: false });
  t.same(parseBandwidth('10Gbps'), { rate: 1250000000, unitless: false });
  t.same(parseBandwidth('100 baud'), { rate: 13, unitless: false }, 'rounded to the nearest byte');
  t.same(parseBandwidth('125000'), { rate: 125000, unitless: true });
  t.throws(() => parseBandwidth('5mbps'), /unknown bandwidth unit/, 'Click has no lower-case m prefix');
  t.throws(() => parseBandwidth('40GBps'), /out of range/);
  t.equal(unparseBandwidth(1000), '8kbps');
  t.equal(unparseBandwidth(1250000), '10Mbps');
  t.equal(unparseBandwidth(125000000), '1Gbps');
  t.equal(unparseBandwidth(0x20000000), '536.870912MBps');
});

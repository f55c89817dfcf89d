// Frames for the benchmark matrix: resized Ethernet/IPv4/UDP frames keep
// valid headers, configurations are rewritten only at their measured
// source, and the host engine counts every packet at every size.

import { readFileSync } from 'node:fs';
import t from 'tap';
import { FRAME_SIZES, gbps, lineRatePps, packetLength, resizeFrame, sizedConfig } from '../../benchmarks/suite/frames.js';
import { runHost } from '../../benchmarks/suite/host-engine.js';
import { benchmarkConfigs, configsDir, matrix } from '../../benchmarks/suite/matrix.js';
import { countHandler } from '../../benchmarks/suite/native-engine.js';
import { parseTestpmdRates } from '../../benchmarks/suite/dpdk.js';
import { median, spread } from '../../benchmarks/suite/stats.js';
import { el, escapeXml, linearTicks, logTicks } from '../../benchmarks/suite/svg.js';

const FRAME = Buffer.from('001122334455 00aabbccddee 0800 4500002e00000000401166bd0a0000010a00000204d2162e001ad0b7'.replace(/ /g, '') + '00'.repeat(18), 'hex');

/** Ones'-complement sum over [start, end) folded to 16 bits (0xffff for a correct checksum). */
function sum16(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

t.test('line rate and Gbit/s', async (t) => {
  t.equal(Math.round(lineRatePps(64)), 14_880_952);
  t.equal(Math.round(lineRatePps(1500)), 822_368);
  t.equal(gbps(lineRatePps(64), 64).toFixed(3), '7.619');
  t.equal(packetLength(64), 60);
});

t.test('resized IPv4/UDP frames have valid lengths and checksums', async (t) => {
  for (const size of FRAME_SIZES) {
    const f = resizeFrame(FRAME, packetLength(size));
    t.equal(f.length, size - 4);
    t.equal((f[16]! << 8) | f[17]!, f.length - 14, `${size}: IP total length`);
    t.equal(sum16(f, 14, 34), 0xffff, `${size}: IP header checksum`);
    const udpLen = (f[38]! << 8) | f[39]!;
    t.equal(udpLen, f.length - 34, `${size}: UDP length`);
    let pseudo = 17 + udpLen;
    for (let i = 26; i < 34; i += 2) pseudo += (f[i]! << 8) | f[i + 1]!;
    t.equal(sum16(f, 34, f.length, pseudo), 0xffff, `${size}: UDP checksum`);
    t.same([...f.subarray(0, 14)], [...FRAME.subarray(0, 14)], 'Ethernet header kept');
  }
  const arp = Buffer.from('ffffffffffff00aabbccddee0806', 'hex');
  t.same([...resizeFrame(arp, 20).subarray(14)], [0, 0, 0, 0, 0, 0], 'non-IP frames are only padded');
});

t.test('sizedConfig rewrites the measured source only', async (t) => {
  const f = readFileSync(`${configsDir}/f_ip_router.click`, 'utf8');
  const seed = /seed :: InfiniteSource\(.*\);/.exec(f)![0];
  const g = sizedConfig(f, 256);
  t.ok(g.includes(seed), 'the ARP seed is unchanged');
  t.not(g, f);
  t.match(sizedConfig('src :: InfiniteSource(LENGTH 64, LIMIT $N, STOP true) -> d :: Discard;', 1500), /LENGTH 1496, LIMIT \$N/);
  t.throws(() => sizedConfig('Idle -> Discard;', 64));
});

t.test('every configuration counts every packet at every size (host engine)', async (t) => {
  // (The examples are rows at their own frames' size: test/benchmarks/examples.test.ts.)
  for (const c of benchmarkConfigs().filter((x) => !x.example)) {
    const base = readFileSync(c.file, 'utf8');
    for (const size of [64, 1500]) {
      const text = sizedConfig(base, size);
      const r = runHost(text, c.file, configsDir, { N: '20' }, countHandler(text));
      t.equal(r.counted, 20, `${c.name} ${size} B`);
    }
  }
});

t.test('matrix choices', async (t) => {
  t.same(matrix({ quick: true }).configs.map((c) => c.name), ['a_source_discard', 'e_pull_queue', 'x_firewall']);
  t.same(matrix({ only: ['x_'] }).configs.map((c) => c.name), ['x_firewall', 'x_load-balancer', 'x_monitor', 'x_nat', 'x_router'], 'the examples, fed from memory');
  t.same(matrix({ only: ['c'] }).configs.map((c) => c.name), ['c2_ipfilter', 'c_classify']);
  t.same(matrix().sizes, [...FRAME_SIZES]);
  t.throws(() => matrix({ only: ['zz'] }));
  t.throws(() => matrix({ sizes: [32] }));
});

t.test('stats, testpmd output and SVG escaping', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 2, 3]), 2.5);
  t.same(spread([5, 1, 3]), { median: 3, min: 1, max: 5 });
  t.same(parseTestpmdRates('port 0\n  Rx-pps:   10  Rx-bps: 0\nport 1\n  Rx-pps:   12\n  Rx-pps: 0\n  Rx-pps: 0\n'), [22, 0]);
  t.equal(escapeXml('a<b & "c">'), 'a&lt;b &amp; &quot;c&quot;&gt;');
  t.equal(el('text', { x: 1.5, y: undefined }, 'hi'), '<text x="1.50">hi</text>');
  t.equal(el('line', { x1: 0 }), '<line x1="0"/>');
  t.same(linearTicks(15.8), [0, 5, 10, 15, 20], 'the top tick is above the largest value');
  t.same(linearTicks(10), [0, 2, 4, 6, 8, 10]);
  t.same(logTicks(0.1, 1000), [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
});

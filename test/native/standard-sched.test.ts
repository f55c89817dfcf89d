// Issue 12's queues, switches and splitters in both engines: NotifierQueue,
// MixedQueue (FIFO input 0, LIFO input 1, the drops of each), PullSwitch and
// SimplePullSwitch (switch writes while running), RatedSplitter and
// BandwidthRatedSplitter (token buckets in simulated time, rate writes).
import t from 'tap';
import { differential, runHost } from './differential.js';
import { data } from './standard-configs.js';

const QUEUE_READS = ['length', 'highwater_length', 'capacity', 'drops'];
const reads = (el: string, names: readonly string[]) => names.map((h) => `${el}.${h}`);

t.test('NotifierQueue: overflow to output 1, handlers', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(40)}, LIMIT 30, BURST 15) -> q :: NotifierQueue(20);
      q[0] -> u :: Unqueue(BURST 3, LIMIT 25) -> c :: Counter -> Discard;
      q[1] -> dc :: Counter -> Discard;`,
    handlers: [...reads('q', QUEUE_READS), 'c.count', 'dc.count'],
  });
});

t.test('MixedQueue: FIFO and LIFO inputs, drops of each, capacity 0, reset', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(40)}, LIMIT 12, BURST 3) -> m :: MixedQueue(5);
      b :: InfiniteSource(${data(41, 1)}, LIMIT 9, BURST 2) -> [1]m;
      m[0] -> u :: Unqueue(ACTIVE false) -> ToDump(out.pcap);
      m[1] -> ToDump(drops.pcap);
      go :: InfiniteSource(\\<00>, LIMIT 1, END_CALL u.active true) -> Discard;
      z :: InfiniteSource(${data(5)}, LIMIT 3) -> z0 :: MixedQueue(0);
      y :: InfiniteSource(${data(6)}, LIMIT 3) -> [1]z0;
      z0 -> Unqueue -> c0 :: Counter -> Discard;
      r :: InfiniteSource(${data(7)}, LIMIT 10, BURST 10) -> k :: Counter(COUNT_CALL 8 mr.reset) -> mr :: MixedQueue(4);
      InfiniteSource(${data(8)}, LIMIT 6, BURST 3) -> [1]mr;
      mr[0] -> Unqueue(ACTIVE false) -> Discard;
      mr[1] -> dr :: Counter -> Discard;`,
    handlers: [...reads('m', QUEUE_READS), ...reads('z0', QUEUE_READS), ...reads('mr', QUEUE_READS), 'c0.count', 'dr.count'],
  });
});

t.test('PullSwitch and SimplePullSwitch: switch writes, out-of-range inputs, bad values', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(10)}, LIMIT 20, BURST 5) -> qa :: Queue;
      b :: InfiniteSource(${data(20)}, LIMIT 20, BURST 5) -> qb :: Queue;
      qa -> [0]ps :: PullSwitch(1);
      qb -> [1]ps;
      ps -> u :: Unqueue(BURST 2) -> c :: Counter(COUNT_CALL 6 ps.switch 0, BYTE_COUNT_CALL 200 ps.switch 7) -> ToDump(ps.pcap);
      s2 :: InfiniteSource(${data(30)}, LIMIT 8, BURST 4) -> q2 :: Queue -> sps :: SimplePullSwitch(-3) -> u2 :: Unqueue -> c2 :: Counter -> Discard;
      w1 :: InfiniteSource(\\<01>, LIMIT 1, END_CALL sps.switch 0) -> k :: Counter(COUNT_CALL 1 sps.switch bad) -> Discard;`,
    handlers: ['ps.switch', 'ps.config', 'sps.switch', 'sps.config', 'c.count', 'c2.count', 'qa.length', 'qb.length', 'q2.length'],
  });
});

t.test('RatedSplitter: rate and bursts in simulated time, rate writes', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(50)}, LIMIT 300, BURST 10) -> q :: Queue(1000) -> RatedUnqueue(1000)
        -> r :: RatedSplitter(200) -> c0 :: Counter(COUNT_CALL 30 r.rate 400) -> Discard;
      r[1] -> c1 :: Counter -> Discard;
      s2 :: InfiniteSource(${data(51)}, LIMIT 100, BURST 10) -> q2 :: Queue -> RatedUnqueue(500) -> r2 :: RatedSplitter(RATE 50, BURST_SIZE 10) -> c2 :: Counter -> Discard;
      s3 :: InfiniteSource(${data(52)}, LIMIT 40, BURST 40) -> r3 :: RatedSplitter(7, BURST_DURATION 2s) -> c3 :: Counter -> Discard;
      w :: InfiniteSource(\\<01>, LIMIT 2) -> k :: Counter(COUNT_CALL 1 r3.rate -1, BYTE_COUNT_CALL 2 r3.rate "") -> Discard;`,
    handlers: ['r.rate', 'r.config', 'r2.rate', 'r3.rate', 'c0.count', 'c1.count', 'c2.count', 'c3.count'],
  });
});

t.test('BandwidthRatedSplitter: byte tokens, units, rate writes', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(1000)}, LIMIT 200, BURST 10) -> q :: Queue(1000) -> BandwidthRatedUnqueue(1MBps)
        -> r :: BandwidthRatedSplitter(200kBps) -> c0 :: Counter(COUNT_CALL 50 r.rate 1.5Mbps) -> Discard;
      r[1] -> c1 :: Counter -> Discard;
      s2 :: InfiniteSource(${data(100)}, LIMIT 100, BURST 50) -> r2 :: BandwidthRatedSplitter(RATE 10kBps, BURST_BYTES 1000) -> c2 :: Counter -> Discard;
      w :: InfiniteSource(\\<01>, LIMIT 2) -> k :: Counter(COUNT_CALL 1 r2.rate fast, BYTE_COUNT_CALL 2 r2.rate 3.5kbps) -> Discard;`,
    handlers: ['r.rate', 'r.config', 'r2.rate', 'c0.count', 'c1.count', 'c2.count'],
  });
});

t.test('MixedQueue: Click\'s LIFO order and tail drop (MixedQueue-02), and the splitter\'s rate', async (t) => {
  const dump = '!data ip_src ip_dst ip_proto\n' + [[1, 1], [1, 2], [2, 3], [1, 4], [2, 5], [1, 6], [2, 7]].map(([s, d]) => `1.0.0.${s} 1.0.0.${d} U`).join('\n') + '\n';
  const r = runHost({
    config: `
      FromIPSummaryDump(d.txt, STOP true) -> c :: IPClassifier(src 1.0.0.1, src 1.0.0.2) -> m :: MixedQueue(5)
        -> u :: Unqueue(ACTIVE false) -> ToIPSummaryDump(o.txt, FIELDS ip_dst);
      c[1] -> [1]m;
      src :: InfiniteSource(\\<00>, LIMIT 300, BURST 10) -> Queue(1000) -> RatedUnqueue(1000) -> r :: RatedSplitter(200) -> c0 :: Counter -> Discard;
      r[1] -> c1 :: Counter -> Discard;
      DriverManager(wait, write u.active true, wait_time 0.1s, stop)`,
    files: { 'd.txt': dump },
    handlers: ['m.drops', 'm.highwater_length', 'c0.count', 'c1.count'],
  });
  const out = Buffer.from(r.files['o.txt']!, 'hex').toString().split('\n').filter((l) => l && !l.startsWith('!'));
  t.same(out, ['1.0.0.7', '1.0.0.5', '1.0.0.3', '1.0.0.1', '1.0.0.2'], '1.0.0.6 (FIFO, full) and 1.0.0.4 (the tail, for a LIFO packet) dropped');
  t.equal(r.handlers['m.drops'], '2');
  t.equal(r.handlers['m.highwater_length'], '5');
  t.equal(r.stderr, 'm: overflow\n');
  // 119 packets in 0.119 s at 200 per second: 4 tokens of burst, then one every 5 ms.
  t.equal(Number(r.handlers['c0.count']) + Number(r.handlers['c1.count']), 119);
  t.ok(Number(r.handlers['c0.count']) >= 23 && Number(r.handlers['c0.count']) <= 28, `c0 ${r.handlers['c0.count']}`);
});

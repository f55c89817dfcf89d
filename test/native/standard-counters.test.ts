// Counter, AverageCounter, Meter and BandwidthMeter in both engines: the
// same packets out of the same ports, the same handler text (rates computed
// with Click's fixed-point EWMA over simulated jiffies), the same calls.
import t from 'tap';
import { differential, runHost, sanitizerRun } from './differential.js';
import { data, paced } from './standard-configs.js';

const COUNTER_READS = ['count', 'byte_count', 'rate', 'byte_rate', 'bit_rate', 'count_call'];
const reads = (el: string, names: readonly string[]) => names.map((h) => `${el}.${h}`);

t.test('Counter: counts, rates at full speed, push mode', async (t) => {
  differential(t, {
    config: `src :: InfiniteSource(${data(60)}, LIMIT 100, BURST 7, STOP true) -> c :: Counter -> d :: Discard;`,
    handlers: [...reads('c', COUNTER_READS), 'd.count'],
  });
});

t.test('Counter: rates over simulated time (packets released by RatedUnqueue)', async (t) => {
  differential(t, {
    config: `${paced('c :: Counter', 300, 1000, 98)} -> d :: Discard;`,
    handlers: [...reads('c', COUNTER_READS), 'd.count'],
  });
});

t.test('Counter: odd lengths, an empty packet, and pull mode', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(\\<>, LIMIT 3, BURST 2) -> q :: Queue;
      b :: InfiniteSource(${data(1)}, LIMIT 5, BURST 3) -> q;
      e :: InfiniteSource(${data(1517)}, LIMIT 4) -> q;
      q -> c :: Counter -> u :: Unqueue(BURST 3) -> d :: Discard;`,
    handlers: [...reads('c', COUNTER_READS), 'q.length', 'd.count'],
  });
});

t.test('Counter: COUNT_CALL and BYTE_COUNT_CALL reach other elements, itself and the driver', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(50)}, LIMIT 40, BURST 4)
        -> c :: Counter(COUNT_CALL 6 sw.switch 1, BYTE_COUNT_CALL 1000 c2.reset)
        -> sw :: Switch(0);
      sw[0] -> c1 :: Counter -> Discard;
      sw[1] -> c2 :: Counter(COUNT_CALL 10 stop) -> Discard;`,
    handlers: [...reads('c', COUNTER_READS), 'c1.count', 'c2.count', 'c2.count_call', 'sw.switch', 'src.count'],
  });
  // A count of stops: -1 asks for one more stop before the run ends, so the
  // first stop (STOP true) does not end it; the run ends when idle.
  differential(t, {
    config: `
      src :: InfiniteSource(${data(50)}, LIMIT 40, BURST 4, STOP true) -> c :: Counter(COUNT_CALL 6 stop -1, BYTE_COUNT_CALL 1500 .stop +1) -> Discard;
      s2 :: InfiniteSource(${data(10)}, LIMIT 100, BURST 3) -> c2 :: Counter(COUNT_CALL 90 stop 2x) -> Discard;`,
    handlers: ['c.count', 'c2.count', 'src.count', 's2.count'],
  });
});

t.test('Counter: calls to its own handlers, rewriting the calls, and failing calls', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(20)}, LIMIT 30, BURST 1)
        -> c :: Counter(COUNT_CALL 3 reset)
        -> k :: Counter(COUNT_CALL 2 count_call 5 c.count_call  4   reset, BYTE_COUNT_CALL 100 byte_count_call 7)
        -> bad :: Counter(COUNT_CALL 1 count_call x12, BYTE_COUNT_CALL 2 sw.switch nope)
        -> q :: Counter(COUNT_CALL 4 count_call "9 /* not a comment here */ reset", BYTE_COUNT_CALL 0 byte_count_call)
        -> sw :: Switch
        -> Discard;`,
    handlers: [...reads('c', ['count', 'byte_count', 'count_call']), ...reads('k', ['count', 'count_call']), 'bad.count_call', 'q.count_call', 'q.count', 'sw.switch'],
  });
});

t.test('Counter: reset_counts and count_call writes from an END_CALL', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(30)}, LIMIT 12, BURST 5, END_CALL c.count_call 20 k.reset) -> c :: Counter -> k :: Counter -> Discard;
      more :: InfiniteSource(${data(10)}, LIMIT 9, BURST 3, ACTIVE false) -> c;
      s2 :: InfiniteSource(\\<00>, LIMIT 1, END_CALL more.active true) -> Discard;`,
    handlers: [...reads('c', ['count', 'byte_count', 'count_call']), 'k.count'],
  });
});

t.test('AverageCounter: averages between first and last packet, IGNORE, reset', async (t) => {
  differential(t, {
    config: `${paced('a :: AverageCounter', 1500, 1000, 77)} -> b :: AverageCounter(0) -> i :: AverageCounter(IGNORE 1) -> d :: Discard;`,
    handlers: [...reads('a', ['count', 'byte_count', 'rate', 'byte_rate', 'bit_rate']), ...reads('i', ['count', 'byte_count', 'rate', 'bit_rate']), 'b.count'],
  });
  differential(t, {
    config: `src :: InfiniteSource(${data(33)}, LIMIT 9, BURST 4, END_CALL a.reset) -> a :: AverageCounter -> Discard;`,
    handlers: reads('a', ['count', 'byte_count', 'rate', 'byte_rate', 'bit_rate']),
  });
});

t.test('AverageCounter: a rate exactly between two 12-digit values rounds to even, as printf', async (t) => {
  // One packet per jiffy: 1025 packets of 101 bytes over 1024 jiffies give
  // 101098.6328125 bytes per second, printed by Click as 101098.632812.
  differential(t, {
    config: `InfiniteSource(${data(101)}, LIMIT 1025, BURST 64) -> Queue(2000) -> RatedUnqueue(1000, BURST_SIZE 1) -> a :: AverageCounter -> Discard;`,
    handlers: reads('a', ['count', 'byte_count', 'rate', 'byte_rate', 'bit_rate']),
  });
  t.equal(runHost({ config: `InfiniteSource(${data(101)}, LIMIT 1025, BURST 64) -> Queue(2000) -> RatedUnqueue(1000, BURST_SIZE 1) -> a :: AverageCounter -> Discard;`, handlers: ['a.byte_rate'] }).handlers['a.byte_rate'], '101098.632812');
});

t.test('AverageCounter in pull mode, at full speed (one jiffy)', async (t) => {
  differential(t, {
    config: `src :: InfiniteSource(${data(101)}, LIMIT 20, BURST 6) -> q :: Queue -> a :: AverageCounter -> Unqueue(BURST 4) -> Discard;`,
    handlers: reads('a', ['count', 'byte_count', 'rate', 'byte_rate', 'bit_rate']),
  });
});

t.test('Meter: outputs by packet rate', async (t) => {
  differential(t, {
    config: `
      ${paced('m :: Meter(1000, 1990)', 400, 2000, 60)};
      m[0] -> c0 :: Counter -> Discard;
      m[1] -> c1 :: Counter -> Discard;
      m[2] -> c2 :: Counter -> Discard;`,
    handlers: ['m.rate', 'm.meters', 'c0.count', 'c1.count', 'c2.count'],
  });
});

t.test('BandwidthMeter: outputs by byte rate, with a burst at full speed', async (t) => {
  differential(t, {
    config: `
      ${paced('m :: BandwidthMeter(40kBps, 100kBps, 1MBps)', 300, 1000, 100)};
      burst :: InfiniteSource(${data(1000)}, LIMIT 30, BURST 10) -> m;
      m[0] -> c0 :: Counter -> Discard;
      m[1] -> c1 :: Counter -> Discard;
      m[2] -> c2 :: Counter -> Discard;
      m[3] -> c3 :: Counter -> Discard;`,
    handlers: ['m.rate', 'm.meters', 'c0.count', 'c1.count', 'c2.count', 'c3.count'],
  });
});

t.test('sanitizer: counters and meters', async (t) => {
  sanitizerRun(t, {
    config: `
      ${paced('c :: Counter(COUNT_CALL 50 count_call "70 reset")', 100, 1000, 64)}
        -> a :: AverageCounter -> m :: Meter(500);
      m[0] -> Discard; m[1] -> Discard;`,
    handlers: ['c.count', 'c.rate', 'c.bit_rate', 'c.count_call', 'a.rate', 'm.rate', 'm.meters'],
  });
});

// Queues, unqueuers and schedulers in both engines: the same packets pulled
// in the same order, the same overflow drops and warnings, the same handler
// text, and the same behaviour in simulated time (token buckets and timers).
import t from 'tap';
import { differential, sanitizerRun } from './differential.js';
import { data } from './standard-configs.js';

const QUEUE_READS = ['length', 'highwater_length', 'capacity', 'drops'];
const reads = (el: string, names: readonly string[]) => names.map((h) => `${el}.${h}`);

for (const cls of ['Queue', 'SimpleQueue', 'FullNoteQueue', 'FrontDropQueue']) {
  t.test(`${cls}: overflow to output 1, warning once, handlers`, async (t) => {
    // Two sources of different lengths, so byte counts show which packets were dropped.
    differential(t, {
      config: `
        a :: InfiniteSource(${data(40)}, LIMIT 30, BURST 15) -> q :: ${cls}(20);
        b :: InfiniteSource(${data(41, 1)}, LIMIT 30, BURST 10) -> q;
        q[0] -> u :: Unqueue(BURST 3, LIMIT 25) -> c :: Counter -> Discard;
        q[1] -> dc :: Counter -> Discard;`,
      handlers: [...reads('q', QUEUE_READS), 'c.count', 'c.byte_count', 'dc.count', 'dc.byte_count'],
    });
  });

  t.test(`${cls}: no drop output, default capacity, pulled to empty`, async (t) => {
    differential(t, {
      config: `
        src :: InfiniteSource(${data(64)}, LIMIT 1100, BURST 50) -> q :: ${cls};
        q -> u :: Unqueue(BURST 64, LIMIT 1050) -> c :: Counter -> Discard;`,
      handlers: [...reads('q', QUEUE_READS), 'c.count', 'u.count'],
    });
  });

  t.test(`${cls}: capacity, reset and reset_counts written while running`, async (t) => {
    differential(t, {
      config: `
        a :: InfiniteSource(${data(30)}, LIMIT 40, BURST 8) -> k :: Counter(COUNT_CALL 24 q.capacity 6, BYTE_COUNT_CALL 960 q.reset_counts) -> q :: ${cls}(30);
        b :: InfiniteSource(${data(31, 2)}, LIMIT 40, BURST 8) -> k2 :: Counter(COUNT_CALL 30 q.reset, BYTE_COUNT_CALL 1000 q.capacity -1) -> q;
        q[0] -> u :: Unqueue(BURST 2, ACTIVE false) -> c :: Counter -> Discard;
        q[1] -> dc :: Counter -> Discard;
        go :: InfiniteSource(\\<00>, LIMIT 1, END_CALL q.capacity 0x10) -> Discard;`,
      handlers: [...reads('q', QUEUE_READS), 'c.count', 'c.byte_count', 'dc.count', 'dc.byte_count', 'u.count', 'u.active'],
    });
  });

  t.test(`${cls}: reset without a drop output drops, capacity 0`, async (t) => {
    differential(t, {
      config: `
        a :: InfiniteSource(${data(25)}, LIMIT 20, BURST 4) -> k :: Counter(COUNT_CALL 10 q.reset, BYTE_COUNT_CALL 400 q.capacity bad) -> q :: ${cls}(8);
        q -> Unqueue(ACTIVE false) -> Discard;
        z :: InfiniteSource(${data(5)}, LIMIT 7, BURST 3) -> q0 :: ${cls}(0);
        q0[0] -> Unqueue -> c0 :: Counter -> Discard;
        q0[1] -> d0 :: Counter -> Discard;`,
      handlers: [...reads('q', QUEUE_READS), ...reads('q0', QUEUE_READS), 'c0.count', 'd0.count'],
    });
  });
}

t.test('Unqueue: BURST, LIMIT, ACTIVE and their handlers', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(12)}, LIMIT 200, BURST 20) -> q :: Queue(500);
      q -> u :: Unqueue(7, LIMIT 50) -> c :: Counter(COUNT_CALL 50 u.limit 80, BYTE_COUNT_CALL 960 u.burst -3) -> Discard;
      s2 :: InfiniteSource(${data(13)}, LIMIT 20, BURST 5) -> q2 :: Queue -> u2 :: Unqueue(BURST 0) -> c2 :: Counter -> Discard;
      poke :: InfiniteSource(\\<01>, LIMIT 1, END_CALL u2.burst 3) -> Discard;`,
    handlers: [...reads('u', ['count', 'active', 'burst', 'limit']), ...reads('u2', ['count', 'burst', 'limit']), 'c.count', 'c2.count', 'q.length', 'q2.length'],
  });
});

t.test('Unqueue: handler writes, bad values and restarting', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(12)}, LIMIT 60, BURST 10) -> q :: Queue(500);
      q -> u :: Unqueue(4, ACTIVE false) -> c :: Counter(COUNT_CALL 8 u.reset, BYTE_COUNT_CALL 300 u.active maybe) -> Discard;
      on :: InfiniteSource(\\<01>, LIMIT 1, END_CALL u.active yes) -> k :: Counter(COUNT_CALL 1 u.limit 1e3) -> Discard;
      lim :: InfiniteSource(\\<01>, LIMIT 1, END_CALL u.limit 16) -> k2 :: Counter(COUNT_CALL 1 u.burst 99999999999) -> Discard;`,
    handlers: [...reads('u', ['count', 'active', 'burst', 'limit']), 'c.count', 'q.length'],
  });
});

t.test('RatedUnqueue: rate in simulated time, BURST_SIZE, handlers', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(50)}, LIMIT 400, BURST 40) -> q :: Queue(1000)
        -> r :: RatedUnqueue(1500) -> c :: Counter(COUNT_CALL 100 r.rate 333, BYTE_COUNT_CALL 12500 r.rate) -> Discard;
      s2 :: InfiniteSource(${data(51)}, LIMIT 50, BURST 50) -> q2 :: Queue -> r2 :: RatedUnqueue(RATE 100, BURST_SIZE 10) -> c2 :: Counter -> Discard;
      s3 :: InfiniteSource(${data(52)}, LIMIT 30, BURST 30) -> q3 :: Queue -> r3 :: RatedUnqueue(7, BURST_DURATION 2s) -> c3 :: Counter(COUNT_CALL 20 r3.active false) -> Discard;`,
    handlers: [...reads('r', ['rate', 'config', 'active', 'calls']), ...reads('r2', ['rate', 'calls']), ...reads('r3', ['rate', 'active', 'calls']), 'c.rate', 'c.count', 'c2.count', 'c3.count', 'q3.length'],
  });
});

t.test('RatedUnqueue: rate write errors; a zero rate', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(50)}, LIMIT 20, BURST 20) -> q :: Queue -> r :: RatedUnqueue(0) -> c :: Counter -> Discard;
      e1 :: InfiniteSource(\\<01>, LIMIT 1, END_CALL r.rate -4) -> k :: Counter(COUNT_CALL 1 r.rate 5000000000) -> Discard;
      e2 :: InfiniteSource(\\<01>, LIMIT 1, END_CALL r.active nah) -> Discard;
      e3 :: InfiniteSource(\\<01>, LIMIT 1, END_CALL r.rate 0x3e8) -> Discard;`,
    handlers: [...reads('r', ['rate', 'active', 'calls']), 'c.count'],
  });
});

t.test('BandwidthRatedUnqueue: byte tokens, units, handlers', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(1000)}, LIMIT 300, BURST 50) -> q :: Queue(1000)
        -> r :: BandwidthRatedUnqueue(2Mbps) -> c :: Counter(COUNT_CALL 150 r.rate 1.5MBps, BYTE_COUNT_CALL 250000 r.rate 123.456kbps) -> Discard;
      s2 :: InfiniteSource(${data(64)}, LIMIT 100, BURST 50) -> q2 :: Queue -> r2 :: BandwidthRatedUnqueue(RATE 100kBps, BURST_BYTES 1000) -> c2 :: Counter -> Discard;
      s3 :: InfiniteSource(${data(1500)}, LIMIT 40, BURST 40) -> q3 :: Queue -> r3 :: BandwidthRatedUnqueue(8 Gbps, BURST_DURATION 0.001) -> c3 :: Counter -> Discard;`,
    handlers: [...reads('r', ['rate', 'config', 'active', 'calls']), ...reads('r2', ['rate', 'calls']), ...reads('r3', ['rate', 'calls']), 'c.count', 'c.rate', 'c.byte_rate', 'c2.count', 'c3.count'],
  });
});

t.test('BandwidthRatedUnqueue: bandwidth writes, good and bad', async (t) => {
  // One unqueuer per written value, each with nothing to send: a zero rate
  // with packets waiting would wait for ever (in Click too: the bucket's
  // refill interval wraps the jiffy clock).
  const writes = ['5e3 Bps', '  +.5e1kBps ', '12baud', '3.3333333Kbps', '4GBps', '1e-3MBps', '4294967295', '4294967296', 'fast', '10 furlongs', '1e401', '.', '5e', '7 B/s', '2E+2', '1e-400Gbps', '0.0000000000000000000000000000001', '6toString', '3constructor', '0.5Bps', '2.5e-1kbps', '00012.50000B/s'];
  const config = writes
    .map((w, i) => `w${i} :: InfiniteSource(\\<01>, LIMIT 1, END_CALL r${i}.rate ${w.trim() === w ? w : `"${w}"`}) -> Discard;
      InfiniteSource(LIMIT 0) -> Queue -> r${i} :: BandwidthRatedUnqueue(1kbps) -> Discard;`)
    .join('\n');
  differential(t, { config, handlers: writes.flatMap((_, i) => [`r${i}.rate`, `r${i}.config`]) });
  differential(t, {
    config: `src :: InfiniteSource(LIMIT 0) -> Queue -> r :: BandwidthRatedUnqueue(1kbps) -> Discard;
      w :: InfiniteSource(\\<01>, LIMIT 3) -> k :: Counter(COUNT_CALL 1 r.rate "", BYTE_COUNT_CALL 2 r.active off) -> Discard;`,
    handlers: ['r.rate', 'r.active', 'r.calls'],
  });
});

t.test('RoundRobinSched and PrioSched', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(10)}, LIMIT 30, BURST 5) -> qa :: Queue;
      b :: InfiniteSource(${data(20)}, LIMIT 12, BURST 3) -> qb :: Queue;
      c :: InfiniteSource(${data(30)}, LIMIT 20, BURST 10) -> qc :: Queue;
      qa -> [0] rr :: RoundRobinSched;
      qb -> [1] rr;
      qc -> [2] rr;
      rr -> u :: Unqueue(BURST 4) -> t :: Counter -> Discard;
      d :: InfiniteSource(${data(11)}, LIMIT 30, BURST 5) -> qd :: Queue;
      e :: InfiniteSource(${data(22)}, LIMIT 12, BURST 3) -> qe :: Queue;
      qd -> [0] ps :: PrioSched;
      qe -> [1] ps;
      ps -> u2 :: Unqueue(BURST 3, LIMIT 25) -> t2 :: Counter -> Discard;`,
    handlers: ['t.count', 't.byte_count', 't2.count', 't2.byte_count', 'qa.length', 'qd.length', 'qe.length'],
  });
});

t.test('PullTee: clones out of push outputs while pulled', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(33)}, LIMIT 20, BURST 6) -> q :: Queue -> pt :: PullTee(3);
      pt[0] -> u :: Unqueue(BURST 5) -> c0 :: Counter -> Discard;
      pt[1] -> c1 :: Counter -> Discard;
      pt[2] -> Strip(3) -> c2 :: Counter -> Discard;`,
    handlers: ['c0.count', 'c1.count', 'c2.count', 'c2.byte_count'],
  });
});

t.test('Null, PushNull, PullNull', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(9)}, LIMIT 10, BURST 4) -> Null -> PushNull -> q :: Queue -> Null -> PullNull -> u :: Unqueue(BURST 3) -> c :: Counter -> Discard;
      s2 :: InfiniteSource(${data(3)}, LIMIT 5) -> PullNull -> c2 :: Counter -> Discard;`,
    handlers: ['c.count', 'c2.count', 'u.count'],
  });
});

t.test('sanitizer: queues drained by reset through a timer, shrunk, overflowing', async (t) => {
  sanitizerRun(t, {
    config: `
      a :: InfiniteSource(${data(30)}, LIMIT 60, BURST 8) -> k :: Counter(COUNT_CALL 20 q.reset, BYTE_COUNT_CALL 1200 q.capacity 3) -> q :: Queue(10);
      q[0] -> u :: Unqueue(BURST 2, LIMIT 30) -> c :: Counter -> Discard;
      q[1] -> dc :: Counter -> Discard;
      b :: InfiniteSource(${data(31)}, LIMIT 40, BURST 16) -> f :: FrontDropQueue(5);
      f[0] -> r :: RatedUnqueue(500) -> Discard;
      f[1] -> Discard;`,
    handlers: ['q.length', 'q.drops', 'q.highwater_length', 'c.count', 'dc.count', 'f.drops', 'r.calls'],
  });
});

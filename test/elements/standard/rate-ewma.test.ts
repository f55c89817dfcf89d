import t from 'tap';
import { RateEwma } from '../../../elements/standard/rate-ewma.js';
import { TokenBucket } from '../../../elements/standard/token-bucket.js';
import { jiffiesAt, jiffiesToNs } from '../../../elements/lib/click-time.js';

const P32 = { bits: 32, stability: 4, scale: 10 } as const;

t.test('an epoch closes into the average with compensation and arithmetic shift', async (t) => {
  const r = new RateEwma(P32, 0);
  r.update(1, 0);
  t.equal(r.scaledAverage, 0n, 'nothing until the epoch ends');
  r.update(1, 1);
  // (1 << 10) + 8 = 1032; 1032 >> 4 = 64
  t.equal(r.scaledAverage, 64n);
  t.equal(r.unparseRate(), '62.5', '64 * 1000 / 1024 packets per second');
  r.update(0, 3);
  // epoch 1: 64 + ((1032 - 64) >> 4) = 124; one empty epoch: 124 + ((8 - 124) >> 4) = 124 - 8 = 116
  t.equal(r.scaledAverage, 116n);
});

t.test('100 or more empty epochs reset the average', async (t) => {
  const r = new RateEwma(P32, 0);
  for (let j = 0; j < 50; j++) r.update(5, j);
  t.ok(r.scaledAverage > 0n);
  r.update(0, 50 + 100);
  t.equal(r.scaledAverage, 0n);
});

t.test('steady traffic settles where the shifted step becomes zero, as in Click', async (t) => {
  const r = new RateEwma({ bits: 64, stability: 4, scale: 10 }, 0);
  for (let j = 0; j < 400; j++) r.update(3, j);
  // From below, the average stops when (3080 - avg) >> 4 is 0: avg = 3065 -> 3065 * 1000 / 1024.
  t.equal(r.scaledAverage, 3065n);
  t.equal(r.unparseRate(), '2993.164');
});

t.test('jiffies are milliseconds in an unsigned 32-bit counter', async (t) => {
  t.equal(jiffiesAt(1_999_999n), 1);
  t.equal(jiffiesAt(4_294_967_296n * 1_000_000n + 5_000_000n), 5);
  t.equal(jiffiesToNs(3), 3_000_000n);
});

t.test("token bucket: Click's rate and capacity arithmetic", async (t) => {
  const b = new TokenBucket();
  b.assign(1000, 20);
  t.equal(b.rate, 1000);
  t.equal(b.capacity, 20);
  t.equal(b.size, 0, 'a new bucket is empty');
  b.refill(0);
  t.notOk(b.contains(1), 'no time has passed since time point 0');
  t.equal(b.timeUntilContains(1), 1, 'one token per jiffy');
  b.refill(5);
  t.equal(b.size, 5);
  b.remove(2);
  t.equal(b.size, 3);
  b.refill(1000);
  t.equal(b.size, 20, 'capped at capacity');
  t.notOk(b.contains(21), 'more than the capacity is never contained');
  t.equal(b.timeUntilContains(21), 0xffffffff);
  b.remove(100);
  t.equal(b.size, 0, 'overdrawing empties');
  b.refill(999);
  t.equal(b.size, 0, 'time going back adds nothing');
});

t.test('token bucket: slow rates and huge rates', async (t) => {
  const slow = new TokenBucket();
  slow.assign(10, 1);
  slow.refill(0);
  // 10 per second is 42949672 fractional tokens per tick out of 2^32-1: 101 ticks, not 100.
  t.equal(slow.timeUntilContains(1), 101, 'rounding down the per-tick fill costs one tick');
  const fast = new TokenBucket();
  fast.assign(4_000_000, 1);
  t.equal(fast.capacity, 4000, 'capacity raised to one tick of tokens');
  const idle = new TokenBucket();
  idle.assign(0, 10);
  idle.refill(100000);
  t.equal(idle.size, 0);
  t.equal(idle.timeUntilContains(1), 0xffffffff);
});

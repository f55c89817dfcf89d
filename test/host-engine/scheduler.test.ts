import t from 'tap';
import { TaskQueue, TimerQueue, type TimerImpl } from '../../host-engine/scheduler.js';
import { Xorshift32 } from '../../host-engine/random.js';

t.test('the timer heap pops in (expiry, scheduling order) under random scheduling and unscheduling', async (t) => {
  const rng = new Xorshift32(7);
  let now = 0n;
  const q = new TimerQueue(() => now);
  const timers: TimerImpl[] = Array.from({ length: 50 }, (_, i) => q.create(i, () => {}));
  for (let step = 0; step < 2000; step++) {
    const tm = timers[rng.next() % timers.length]!;
    const op = rng.next() % 3;
    if (op === 2) tm.unschedule();
    else tm.scheduleAt(now + BigInt(rng.next() % 20));
    if (step % 50 === 49) {
      now += 10n;
      const expected = timers
        .filter((x) => x.scheduled && x.expiry <= now)
        .sort((a, b) => (a.expiry < b.expiry ? -1 : a.expiry > b.expiry ? 1 : a.seq - b.seq));
      const got: TimerImpl[] = [];
      for (let x = q.popDue(now, q.seqMark); x; x = q.popDue(now, q.seqMark)) got.push(x);
      t.same(got.map((x) => x.owner), expected.map((x) => x.owner));
      t.equal(q.size, timers.filter((x) => x.scheduled).length, 'size counts scheduled timers');
    }
  }
  t.end();
});

t.test('the run queue: FIFO, no duplicates, removal anywhere', async (t) => {
  const q = new TaskQueue();
  const [a, b, c] = [q.create(0), q.create(1), q.create(2)];
  a.schedule();
  b.schedule();
  c.schedule();
  a.schedule();
  t.equal(q.size, 3);
  b.unschedule();
  t.equal(q.shift(), a);
  t.notOk(a.scheduled);
  a.schedule();
  t.equal(q.shift(), c);
  t.equal(q.shift(), a);
  t.equal(q.shift(), undefined);
  t.equal(q.size, 0);
});

// Lock-step pairs (dataplane-native/lockstep.ts): a source, a queue and an
// Unqueue batched natively must give exactly what Click's one-packet rounds
// give, the host engine's (unbatched) result: the same counts, drops,
// high-water marks and printed lines, also when handlers change the
// conditions mid-run and when the pair must not batch at all.

import t from 'tap';
import { loadConfig } from '../../config-lang/load.js';
import { generateC } from '../../dataplane-native/codegen.js';
import { differential, runNative } from './differential.js';
import { data } from './standard-configs.js';

const READS = ['q.length', 'q.highwater_length', 'q.drops', 'q.capacity', 'c.count', 'c.byte_count', 'u.count'];

function pairIn(config: string): boolean {
  return generateC(loadConfig(config, 'x.click')).source.includes('lock-step pair');
}

const cases: { name: string; config: string; batched: boolean; handlers?: string[] }[] = [
  {
    name: "Click's defaults: one packet per round",
    config: `src :: InfiniteSource(${data(60)}, LIMIT 1000, STOP true) -> q :: Queue(1000) -> u :: Unqueue -> c :: Counter -> Discard;`,
    batched: true,
  },
  {
    name: 'the drain pulls more per run than the source sends',
    config: `src :: InfiniteSource(${data(61)}, LIMIT 777, BURST 3) -> q :: Queue(100) -> u :: Unqueue(BURST 5) -> c :: Counter -> Discard;`,
    batched: true,
  },
  {
    name: 'the source outpaces the drain: never batched, the queue fills',
    config: `src :: InfiniteSource(${data(62)}, LIMIT 900, BURST 4) -> q :: Queue(200) -> u :: Unqueue(BURST 3) -> c :: Counter -> Discard;`,
    batched: true, // the pair is found; the run-time check refuses every round
  },
  {
    name: 'a queue smaller than a batch',
    config: `src :: InfiniteSource(${data(63)}, LIMIT 500) -> q :: FrontDropQueue(10) -> u :: Unqueue -> c :: Counter -> Discard;`,
    batched: true,
  },
  {
    name: 'a drain with a LIMIT',
    config: `src :: InfiniteSource(${data(64)}, LIMIT 600) -> q :: SimpleQueue(400) -> u :: Unqueue(LIMIT 250) -> c :: Counter -> Discard;`,
    batched: true,
  },
  {
    name: 'a count that stops the router downstream of the drain: not batched',
    config: `src :: InfiniteSource(${data(65)}, LIMIT 5000) -> q :: Queue -> u :: Unqueue -> c :: Counter(COUNT_CALL 77 stop) -> Discard;`,
    batched: false,
  },
  {
    name: 'handlers change the bursts and the capacity mid-run: not batched',
    config: `src :: InfiniteSource(${data(66)}, LIMIT 3000) -> q :: Queue(500) -> u :: Unqueue
               -> c :: Counter(COUNT_CALL 100 src.burst 4, BYTE_COUNT_CALL 60000 q.capacity 20) -> k :: Counter(COUNT_CALL 1500 u.burst 7) -> Discard;`,
    batched: false,
    handlers: [...READS, 'k.count', 'src.count'],
  },
  {
    name: 'the drain declared first runs before the source: not next, not batched',
    config: `u :: Unqueue -> c :: Counter -> Discard; src :: InfiniteSource(${data(67)}, LIMIT 400) -> q :: Queue(64) -> u;`,
    batched: true,
  },
  {
    name: 'a script looking at the queue between rounds: not batched',
    config: `src :: InfiniteSource(${data(68)}, LIMIT 2000) -> q :: Queue(100) -> u :: Unqueue -> c :: Counter -> Discard;
             Script(TYPE ACTIVE, label l, print "q=" $(q.length) "hw=" $(q.highwater_length) "c=" $(c.count), wait 1us, goto l $(lt $(c.count) 2000));`,
    batched: false,
  },
  {
    name: 'a third task: no pair',
    config: `src :: InfiniteSource(${data(69)}, LIMIT 300) -> q :: Queue(100) -> u :: Unqueue -> c :: Counter -> Discard;
             InfiniteSource(${data(20)}, LIMIT 50) -> Discard;`,
    batched: false,
  },
  {
    name: 'something between source and queue: no pair',
    config: `src :: InfiniteSource(${data(70)}, LIMIT 300) -> Counter -> q :: Queue(100) -> u :: Unqueue -> c :: Counter -> Discard;`,
    batched: false,
  },
];

// The same rule holds for a source that is the only task (a batch of 32 per
// run): a count that stops the router stops it at that packet, as in Click.
t.test('a sole source with a stopping count downstream stops at the count', async (t) => {
  const config = `src :: InfiniteSource(${data(40)}, LIMIT 5000) -> c :: Counter(COUNT_CALL 77 stop) -> Discard;`;
  differential(t, { config, handlers: ['c.count', 'src.count'] });
  const native = runNative({ config, handlers: ['c.count'] });
  t.equal(native.handlers['c.count'], '77');
});

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.equal(pairIn(c.config), c.batched, c.batched ? 'compiled as a lock-step pair' : 'no lock-step pair');
    differential(t, { config: c.config, handlers: c.handlers ?? READS });
  });
}

// Every write handler of the standard elements, written directly after a
// run in both engines with good and bad values: the same values read back,
// the same error messages, the same packets dropped.
import t from 'tap';
import { data } from './standard-configs.js';
import { handlerSteps, type Step } from './standard-writes.js';

const INTS = ['7', ' 12 ', '0x1f', '0X1F', '017', '08', '-0', '+5', '', ' ', '1e3', '0x', '-', '12abc', '9007199254740991', '9007199254740992', '0x20000000000000', '-2147483648', '-2147483649', '2147483647', '2147483648', '4294967295', '4294967296', '255', '256', '-1'];
const BOOLS = ['true', 'FALSE', ' yes ', 'No', '1', '0', 'T', 'f', 'Y', 'n', 'ON', 'off', '2', '', 'truth'];

/** Write each value to `path`, reading `reads` after each. */
function sweep(path: string, values: readonly string[], reads: readonly string[]): Step[] {
  return values.flatMap((v): Step[] => [['w', path, v], ...reads.map((r): Step => ['r', r])]);
}

t.test('Counter: reset, reset_counts, count_call, byte_count_call', async (t) => {
  const calls = ['5', '5 reset', '  9   c.reset  ', '12 d.active false', '3 count_call 4 reset', '+7', '-7', 'x', '', '99999999999999999999 stop', '0 reset', '4 "quoted handler" and  a  value ', "6 'a b' c", '8 [x y] (z)', '2 /* note */ reset', '2 \\<41 42> v'];
  const steps: Step[] = [
    ['r', 'c.count'], ['r', 'c.byte_count'], ['r', 'c.rate'], ['r', 'c.count_call'],
    ['w', 'c.reset', ''], ['r', 'c.count'], ['r', 'c.byte_count'], ['r', 'c.rate'], ['r', 'c.bit_rate'],
    ['w', 'n.byte_count_call', '10'], ['w', 'n.count_call', '10'], ['r', 'n.count_call'],
    ...sweep('c.count_call', calls, ['c.count_call']),
    ...sweep('c.byte_count_call', calls, ['c.count_call']),
    ['w', 'k.reset_counts', 'anything'], ['r', 'k.count'], ['r', 'k.byte_count'], ['r', 'k.count_call'],
  ];
  handlerSteps(t, `
    src :: InfiniteSource(${data(70)}, LIMIT 10, BURST 3) -> c :: Counter -> k :: Counter(COUNT_CALL 100 stop) -> n :: Counter -> d :: Discard;`, steps);
});

t.test('AverageCounter: reset', async (t) => {
  handlerSteps(t, `src :: InfiniteSource(${data(70)}, LIMIT 10, BURST 3) -> a :: AverageCounter -> Discard;`, [
    ['r', 'a.count'], ['r', 'a.rate'], ['w', 'a.reset', ''], ['r', 'a.count'], ['r', 'a.byte_count'], ['r', 'a.rate'], ['r', 'a.bit_rate'],
  ]);
});

for (const cls of ['Queue', 'SimpleQueue', 'FrontDropQueue']) {
  t.test(`${cls}: capacity, reset, reset_counts`, async (t) => {
    const qr = ['q.length', 'q.capacity', 'q.drops', 'q.highwater_length'];
    const steps: Step[] = [
      ...qr.map((r): Step => ['r', r]),
      ['w', 'q.reset_counts', ''], ...qr.map((r): Step => ['r', r]),
      ...sweep('q.capacity', ['12', 'x', '-1', '4294967296', ' 0x8 ', '3', '0', '100'], qr),
      ['w', 'q2.capacity', '5'], ['r', 'q2.length'], ['w', 'q2.reset', ''], ['r', 'q2.length'], ['w', 'q2.reset', 'again'], ['r', 'q2.length'],
      ['w', 'q.reset', ''], ...qr.map((r): Step => ['r', r]),
    ];
    handlerSteps(t, `
      a :: InfiniteSource(${data(30)}, LIMIT 40, BURST 8) -> q :: ${cls}(20) -> Unqueue(LIMIT 3) -> Discard;
      q[1] -> Discard;
      b :: InfiniteSource(${data(31)}, LIMIT 20, BURST 8) -> q2 :: ${cls}(16) -> Unqueue(ACTIVE false) -> Discard;
      q2[1] -> dc :: Counter -> Discard;`, steps);
  });
}

t.test('Unqueue: reset, reset_counts, active, burst, limit', async (t) => {
  const ur = ['u.count', 'u.active', 'u.burst', 'u.limit'];
  handlerSteps(t, `src :: InfiniteSource(${data(20)}, LIMIT 30, BURST 10) -> Queue -> u :: Unqueue(4, LIMIT 9) -> Discard;`, [
    ...ur.map((r): Step => ['r', r]),
    ...sweep('u.burst', INTS, ['u.burst']),
    ...sweep('u.limit', INTS, ['u.limit']),
    ...sweep('u.active', BOOLS, ['u.active']),
    ['w', 'u.reset', ''], ['r', 'u.count'], ['w', 'u.reset_counts', ''], ['r', 'u.count'],
  ]);
});

t.test('RatedUnqueue and BandwidthRatedUnqueue: rate, active', async (t) => {
  handlerSteps(t, `
    src :: InfiniteSource(${data(20)}, LIMIT 30, BURST 10) -> Queue -> r :: RatedUnqueue(1000) -> Discard;
    s2 :: InfiniteSource(${data(200)}, LIMIT 30, BURST 10) -> Queue -> b :: BandwidthRatedUnqueue(1MBps) -> Discard;`, [
    ['r', 'r.rate'], ['r', 'r.calls'], ['r', 'b.rate'], ['r', 'b.calls'],
    ...sweep('r.rate', [...INTS, '1000000', '3999999999'], ['r.rate', 'r.config']),
    ...sweep('r.active', BOOLS, ['r.active']),
    ...sweep('b.rate', ['1', '999', '1000', '124999', '125000', '124999999', '125000000', '536870911', '536870912', '4294967295', '1.0000005MBps', '9.99999999kbps', '0.1', 'x', '', '1e-5', '3 Mbps '], ['b.rate', 'b.config']),
    ...sweep('b.active', BOOLS, ['b.active']),
  ]);
});

t.test('Switch, RandomSample, colors, CheckLength, Truncate', async (t) => {
  handlerSteps(t, `
    src :: InfiniteSource(${data(20)}, LIMIT 5) -> sw :: Switch(1) -> Discard;
    sw[1] -> rs :: RandomSample(0.5) -> p :: Paint(3) -> pt :: PaintTee(4) -> cp :: CheckPaint(5) -> cl :: CheckLength(50) -> tr :: Truncate(9) -> Discard;
    pt[1] -> Discard;`, [
    ...sweep('sw.switch', INTS, ['sw.switch', 'sw.config']),
    ...sweep('rs.sampling_prob', ['0.3', '1', '0', '1.5', 'x', '', '.1e1', '0.99999999999', '5e-9'], ['rs.sampling_prob', 'rs.drop_prob', 'rs.config']),
    ...sweep('rs.drop_prob', ['0.3', '1', '0', '-0', '1.0000000001', ' 0.25 '], ['rs.sampling_prob', 'rs.drop_prob']),
    ...sweep('rs.active', BOOLS, ['rs.active', 'rs.config']),
    ...sweep('p.color', INTS, ['p.color']),
    ...sweep('pt.color', INTS, ['pt.color']),
    ...sweep('cp.color', INTS, ['cp.color']),
    ...sweep('cl.length', INTS, ['cl.length']),
    ...sweep('tr.nbytes', INTS, ['tr.nbytes']),
  ]);
});

t.test("every standard class's handler listing and standard handlers", async (t) => {
  const { differential } = await import('./differential.js');
  const names = ['c', 'ac', 'm', 'bm', 'q', 'sq', 'fq', 'fdq', 'u', 'ru', 'bru', 'rr', 'ps', 'n', 'pn', 'pln', 'tee', 'pt', 'sw', 'ss', 'rrs', 'hs', 'rs', 'p', 'ptee', 'psw', 'cp', 'cl', 'st', 'us', 'sn', 'tr', 'sd'];
  differential(t, {
    config: `
      src :: InfiniteSource(${data(40)}, LIMIT 5) -> c :: Counter -> ac :: AverageCounter -> m :: Meter(10) -> bm :: BandwidthMeter(1000);
      m[1] -> Discard; bm[1] -> Discard;
      bm[0] -> tee :: Tee(2) -> q :: Queue -> rr :: RoundRobinSched -> u :: Unqueue -> n :: Null -> pn :: PushNull -> sw :: Switch(0) -> ss :: StaticSwitch(0)
        -> rrs :: RoundRobinSwitch -> hs :: HashSwitch(0, 1) -> rs :: RandomSample(1) -> p :: Paint(1) -> ptee :: PaintTee(1) -> psw :: PaintSwitch;
      tee[1] -> sq :: SimpleQueue -> ps :: PrioSched -> pln :: PullNull -> pt :: PullTee(2) -> ru :: RatedUnqueue(100) -> Discard;
      pt[1] -> Discard;
      InfiniteSource(${data(7)}, LIMIT 3) -> fq :: FullNoteQueue -> [1] rr;
      ptee[1] -> fdq :: FrontDropQueue -> [1] ps;
      psw[0] -> cp :: CheckPaint(1) -> cl :: CheckLength(100) -> st :: Strip(1) -> us :: Unstrip(1) -> sn :: StripToNetworkHeader -> tr :: Truncate(3) -> sd :: StoreData(0, \\<00>) -> Discard;
      psw[1] -> Queue -> bru :: BandwidthRatedUnqueue(1kbps) -> Discard;`,
    handlers: names.flatMap((e) => [`${e}.handlers`, `${e}.class`, `${e}.config`, `${e}.ports`]),
  });
});

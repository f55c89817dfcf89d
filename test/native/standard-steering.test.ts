// Tee, switches, RandomSample and the paint elements in both engines: the
// same packets (ToDump files compared byte for byte) out of the same ports
// in the same order, the same clones, drops and handler text.
import t from 'tap';
import { differential, sanitizerRun } from './differential.js';
import { data } from './standard-configs.js';

t.test('Tee: clones to every output, the packet itself last; clones written independently', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(40)}, LIMIT 12, BURST 5) -> tee :: Tee(3);
      tee[0] -> StoreData(0, \\<aa bb>) -> ToDump(t0.pcap);
      tee[1] -> Strip(10) -> ToDump(t1.pcap);
      tee[2] -> c2 :: Counter -> ToDump(t2.pcap);
      s1 :: InfiniteSource(${data(7)}, LIMIT 3) -> one :: Tee -> ToDump(one.pcap);`,
    handlers: ['c2.count', 'c2.byte_count'],
  });
});

t.test('Tee copies that meet again keep Click order', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(20)}, LIMIT 9, BURST 4) -> tee :: Tee;
      tee[0] -> Paint(1) -> m :: Null -> d :: ToDump(meet.pcap);
      tee[1] -> Truncate(8) -> m;`,
  });
});

t.test('Switch: output chosen and changed by handler writes; negative drops', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(30)}, LIMIT 40, BURST 3)
        -> k :: Counter(COUNT_CALL 9 sw.switch 2, BYTE_COUNT_CALL 600 sw.switch -1)
        -> sw :: Switch(1);
      sw[0] -> c0 :: Counter -> Discard;
      sw[1] -> c1 :: Counter -> Discard;
      sw[2] -> c2 :: Counter -> Discard;
      e1 :: InfiniteSource(\\<01>, LIMIT 1, END_CALL sw.switch 7) -> k1 :: Counter(COUNT_CALL 1 sw.switch abc) -> Discard;
      s2 :: InfiniteSource(${data(5)}, LIMIT 6, BURST 2) -> k2 :: Counter(COUNT_CALL 4 sw2.switch 0) -> sw2 :: Switch(-1) -> c3 :: Counter -> Discard;
      s3 :: InfiniteSource(${data(5)}, LIMIT 6) -> k3 :: Counter(COUNT_CALL 2 none.switch 0) -> sw3 :: Switch(-5);
      late :: InfiniteSource(\\<02>, LIMIT 1, END_CALL sw.switch 0x7fffffff) -> Discard;`,
    handlers: ['sw.switch', 'sw.config', 'sw2.switch', 'sw3.switch', 'sw3.config', 'c0.count', 'c1.count', 'c2.count', 'c3.count', 'k.count'],
  });
});

t.test('StaticSwitch: fixed output, negative or too large drops', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(30)}, LIMIT 10, BURST 3) -> s :: StaticSwitch(1);
      s[0] -> c0 :: Counter -> Discard;
      s[1] -> c1 :: Counter -> Discard;
      InfiniteSource(${data(3)}, LIMIT 5) -> StaticSwitch(-1);
      InfiniteSource(${data(4)}, LIMIT 5) -> big :: StaticSwitch(9) -> Discard;`,
    handlers: ['c0.count', 'c1.count'],
  });
});

t.test('RoundRobinSwitch: outputs in turn across batches', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(30)}, LIMIT 22, BURST 5) -> rr :: RoundRobinSwitch;
      rr[0] -> ToDump(r0.pcap);
      rr[1] -> ToDump(r1.pcap);
      rr[2] -> c2 :: Counter -> Discard;
      s2 :: InfiniteSource(${data(3)}, LIMIT 4) -> one :: RoundRobinSwitch -> c3 :: Counter -> Discard;`,
    handlers: ['c2.count', 'c3.count'],
  });
});

t.test('HashSwitch: sums of bytes, 2/4/8 outputs folded, others modulo; short packets; negative offsets', async (t) => {
  const srcs = (name: string) =>
    [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => `InfiniteSource(${data(12 + seed, seed)}, LIMIT ${3 + seed}, BURST 2) -> ${name};`).join('\n');
  differential(t, {
    config: `
      h4 :: HashSwitch(2, 3);
      ${srcs('h4')}
      h4[0] -> c40 :: Counter -> Discard; h4[1] -> c41 :: Counter -> Discard; h4[2] -> c42 :: Counter -> Discard; h4[3] -> c43 :: Counter -> Discard;
      h3 :: HashSwitch(10, 5);
      ${srcs('h3')}
      h3[0] -> c30 :: Counter -> Discard; h3[1] -> c31 :: Counter -> Discard; h3[2] -> c32 :: Counter -> Discard;
      hn :: HashSwitch(-2, 4);
      ${srcs('hn')}
      hn[0] -> cn0 :: Counter -> Discard; hn[1] -> cn1 :: Counter -> Discard;
      hm :: HashSwitch(5, 14);
      ${srcs('hm')}
      hm[0] -> cm0 :: Counter -> Discard; hm[1] -> cm1 :: Counter -> Discard;
      hz :: HashSwitch(3, -2);
      ${srcs('hz')}
      hz[0] -> cz0 :: Counter -> Discard; hz[1] -> cz1 :: Counter -> Discard;`,
    handlers: ['c40.count', 'c41.count', 'c42.count', 'c43.count', 'c30.count', 'c31.count', 'c32.count', 'cn0.count', 'cn1.count', 'cm0.count', 'cm1.count', 'cz0.count', 'cz1.count'],
  });
});

t.test('RandomSample: push mode, reject output, handlers and seeds', async (t) => {
  for (const seed of [undefined, 12345]) {
    differential(t, {
      seed,
      config: `
        src :: InfiniteSource(${data(20)}, LIMIT 200, BURST 16)
          -> k :: Counter(COUNT_CALL 100 rs.sampling_prob 0.9, BYTE_COUNT_CALL 3000 rs.active false)
          -> rs :: RandomSample(0.25);
        rs[0] -> kept :: Counter -> ToDump(kept.pcap);
        rs[1] -> rej :: Counter -> Discard;
        s2 :: InfiniteSource(${data(21)}, LIMIT 100, BURST 10) -> k2 :: Counter(COUNT_CALL 50 rd.drop_prob 1) -> rd :: RandomSample(DROP 0.5) -> kept2 :: Counter -> Discard;`,
      handlers: ['rs.sampling_prob', 'rs.drop_prob', 'rs.active', 'rs.drops', 'rs.config', 'rd.sampling_prob', 'rd.drop_prob', 'rd.drops', 'rd.config', 'kept.count', 'rej.count', 'kept2.count'],
    });
  }
});

t.test('RandomSample: pull mode ends a pull at a rejected packet', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(20)}, LIMIT 150, BURST 30) -> q :: Queue -> rs :: RandomSample(SAMPLE 0.6) -> u :: Unqueue(BURST 8) -> kept :: Counter -> Discard;
      rs[1] -> rej :: Counter -> Discard;
      s2 :: InfiniteSource(${data(22)}, LIMIT 40, BURST 30) -> q2 :: Queue -> r2 :: RandomSample(0.3, ACTIVE false) -> u2 :: Unqueue(BURST 8) -> k2 :: Counter -> Discard;
      s3 :: InfiniteSource(${data(23)}, LIMIT 40, BURST 30) -> q3 :: Queue -> r3 :: RandomSample(0.5) -> u3 :: Unqueue(BURST 8) -> k3 :: Counter -> Discard;`,
    handlers: ['rs.drops', 'kept.count', 'rej.count', 'q.length', 'r2.drops', 'r2.config', 'k2.count', 'r3.drops', 'k3.count', 'q3.length'],
  });
});

t.test('RandomSample: probability writes, good and bad', async (t) => {
  const writes = ['0', '1', '0.5', '.125', '1.0000000001', '2', '-0.5', '1e-1', '25e-2', 'half', '0.0000000018626451', ' 0.75 ', '3.7252903e-9', '1e-400'];
  const config = writes
    .map((w, i) => `w${i} :: InfiniteSource(\\<01>, LIMIT 1, END_CALL r${i}.${i % 2 ? 'drop_prob' : 'sampling_prob'} ${w.trim() === w ? w : `"${w}"`}) -> r${i} :: RandomSample(0.5) -> Discard;`)
    .join('\n');
  differential(t, {
    config: `${config}\nz :: InfiniteSource(\\<01>, LIMIT 1, END_CALL r0.active 2) -> Discard;`,
    handlers: writes.flatMap((_, i) => [`r${i}.sampling_prob`, `r${i}.drop_prob`]),
  });
});

t.test('Paint, PaintTee, PaintSwitch, CheckPaint: annotations, clones, color handlers', async (t) => {
  differential(t, {
    config: `
      ps :: PaintSwitch;
      src :: InfiniteSource(${data(24)}, LIMIT 30, BURST 4)
        -> rr :: RoundRobinSwitch;
      rr[0] -> Paint(0) -> ps;
      rr[1] -> p1 :: Paint(1) -> ps;
      rr[2] -> Paint(2) -> pt :: PaintTee(2) -> ps;
      rr[3] -> Paint(255) -> ps;
      rr[4] -> Paint(9) -> ps;
      pt[1] -> tc :: Counter -> Discard;
      ps[0] -> c0 :: Counter -> ToDump(p0.pcap);
      ps[1] -> c1 :: Counter -> cp :: CheckPaint(1) -> ok1 :: Counter -> Discard;
      cp[1] -> bad1 :: Counter -> Discard;
      ps[2] -> c2 :: Counter -> Discard;
      k :: InfiniteSource(\\<01>, LIMIT 1, END_CALL p1.color 2) -> kk :: Counter(COUNT_CALL 1 pt.color 256) -> Discard;
      InfiniteSource(${data(5)}, LIMIT 3) -> Paint(255) -> PaintSwitch;
      InfiniteSource(${data(5)}, LIMIT 3) -> PaintSwitch;
      InfiniteSource(${data(6)}, LIMIT 4, BURST 4) -> Paint(255) -> wide :: PaintSwitch;
      wide[0] -> w0 :: Counter -> Discard; wide[1] -> w1 :: Counter -> Discard; wide[2] -> w2 :: Counter -> Discard;
      wide[3] -> w3 :: Counter -> Discard; wide[4] -> w4 :: Counter -> ToDump(w4.pcap);`,
    handlers: ['c0.count', 'c1.count', 'c2.count', 'tc.count', 'ok1.count', 'bad1.count', 'p1.color', 'pt.color', 'cp.color', 'w0.count', 'w3.count', 'w4.count'],
  });
});

t.test('Paint elements on other annotation bytes, in pull mode, CheckPaint without output 1', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(24)}, LIMIT 20, BURST 6) -> q :: Queue
        -> pa :: Paint(7, 40) -> pt :: PaintTee(7, ANNO 40) -> cp :: CheckPaint(7, 40) -> pb :: Paint(3, PAINT) -> cp2 :: CheckPaint(4)
        -> u :: Unqueue(BURST 5) -> c :: Counter -> Discard;
      pt[1] -> tc :: Counter -> Discard;
      cp2[1] -> ps :: PaintSwitch(40);
      ps[0] -> Discard; ps[1] -> Discard; ps[2] -> Discard; ps[3] -> Discard; ps[4] -> Discard; ps[5] -> Discard; ps[6] -> Discard;
      ps[7] -> s7 :: Counter -> ToDump(s7.pcap);
      x :: InfiniteSource(${data(9)}, LIMIT 5) -> CheckPaint(1) -> cx :: Counter -> Discard;
      w :: InfiniteSource(\\<01>, LIMIT 1, END_CALL cp.color 0x07) -> k :: Counter(COUNT_CALL 1 pa.color -1) -> Discard;`,
    handlers: ['c.count', 'tc.count', 's7.count', 'cx.count', 'pa.color', 'cp.color', 'pt.color'],
  });
});

t.test('CheckLength: long packets to output 1 or dropped; length writes; pull mode', async (t) => {
  differential(t, {
    config: `
      cl :: CheckLength(60) -> short :: Counter -> ToDump(short.pcap);
      a :: InfiniteSource(${data(60)}, LIMIT 10, BURST 3) -> cl;
      b :: InfiniteSource(${data(61)}, LIMIT 10, BURST 3) -> cl;
      e :: InfiniteSource(\\<>, LIMIT 3) -> cl;
      cl[1] -> long :: Counter(COUNT_CALL 4 cl.length 100) -> Discard;
      c :: InfiniteSource(${data(61)}, LIMIT 8, BURST 3) -> q :: Queue -> cl2 :: CheckLength(0) -> u :: Unqueue -> s2 :: Counter -> Discard;
      z :: InfiniteSource(\\<>, LIMIT 2) -> q;
      w :: InfiniteSource(\\<01>, LIMIT 1, END_CALL cl2.length 4294967296) -> Discard;
      n :: InfiniteSource(${data(70)}, LIMIT 4) -> cl3 :: CheckLength(69) -> s3 :: Counter -> Discard;`,
    handlers: ['cl.length', 'cl2.length', 'short.count', 'long.count', 's2.count', 's3.count'],
  });
});

t.test('sanitizer: Tee clones, PaintSwitch broadcast, RandomSample', async (t) => {
  sanitizerRun(t, {
    config: `
      src :: InfiniteSource(${data(33)}, LIMIT 64, BURST 8) -> tee :: Tee(4);
      tee[0] -> StoreData(0, \\<01 02 03>) -> Discard;
      tee[1] -> Strip(40) -> Unstrip(50) -> Discard;
      tee[2] -> Paint(255) -> ps :: PaintSwitch;
      ps[0] -> Truncate(3) -> Discard; ps[1] -> Discard; ps[2] -> Discard;
      tee[3] -> rs :: RandomSample(0.5) -> Discard;
      rs[1] -> Discard;`,
    handlers: ['rs.drops'],
  });
});

t.test('Hub: every output but the input\'s, clones first; one port drops', async (t) => {
  differential(t, {
    config: `
      h :: Hub;
      InfiniteSource(${data(20)}, LIMIT 3, BURST 2) -> [0] h; InfiniteSource(${data(21)}, LIMIT 2) -> [1] h; InfiniteSource(${data(22)}, LIMIT 2) -> [2] h;
      h[0] -> StoreData(0, \\<aa>) -> ToDump(h0.pcap); h[1] -> ToDump(h1.pcap); h[2] -> ToDump(h2.pcap);
      InfiniteSource(${data(23)}, LIMIT 2) -> one :: Hub -> c :: Counter -> ToDump(none.pcap);`,
    handlers: ['c.count'],
  });
});

// Strip, Unstrip, StripToNetworkHeader, Truncate and StoreData in both
// engines: the packets written by ToDump must be byte-identical (data,
// recorded lengths with the extra-length annotation), at the edges too
// (runts, empty packets, headroom exhausted, shared clones).
import t from 'tap';
import { differential, sanitizerRun } from './differential.js';
import { data } from './standard-configs.js';

t.test('Strip and Unstrip: restore stripped bytes, zeros beyond, runts and empty packets', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(60)}, LIMIT 4, BURST 2) -> s :: Strip(14) -> ToDump(strip.pcap);
      b :: InfiniteSource(${data(10)}, LIMIT 3) -> Strip(14) -> c0 :: Counter -> ToDump(runt.pcap);
      c :: InfiniteSource(${data(60)}, LIMIT 3) -> Strip(20) -> Unstrip(20) -> ToDump(back.pcap);
      d :: InfiniteSource(${data(30)}, LIMIT 3) -> Strip(5) -> Unstrip(12) -> ToDump(more.pcap);
      e :: InfiniteSource(${data(8)}, LIMIT 2) -> Unstrip(64) -> Unstrip(1) -> ToDump(grow.pcap);
      f :: InfiniteSource(\\<>, LIMIT 2) -> Strip(3) -> Unstrip(2) -> ToDump(empty.pcap);
      g :: InfiniteSource(${data(50)}, LIMIT 3) -> Strip(0) -> Unstrip(0) -> Strip(50) -> c1 :: Counter -> ToDump(zero.pcap);`,
    handlers: ['c0.byte_count', 'c1.byte_count'],
  });
});

t.test('Unstrip on shared clones copies before writing; pull mode', async (t) => {
  differential(t, {
    config: `
      src :: InfiniteSource(${data(40)}, LIMIT 5, BURST 5) -> Strip(10) -> tee :: Tee;
      tee[0] -> Unstrip(10) -> StoreData(0, \\<ee>) -> ToDump(a.pcap);
      tee[1] -> Unstrip(4) -> ToDump(b.pcap);
      p :: InfiniteSource(${data(30)}, LIMIT 7, BURST 3) -> q :: Queue -> Strip(7) -> Unstrip(9) -> Truncate(12) -> u :: Unqueue(BURST 2) -> ToDump(pull.pcap);`,
  });
});

t.test('StripToNetworkHeader: forward and back to the IP header; no header drops', async (t) => {
  // An IPv4 header (IHL 5) 14 bytes into the frame.
  const frame = `\\<${'00'.repeat(12)}0800 4500 0028 0001 0000 4006 0000 0a000001 0a000002 ${'11'.repeat(20)}>`;
  differential(t, {
    config: `
      a :: InfiniteSource(${frame}, LIMIT 3) -> MarkIPHeader(14) -> StripToNetworkHeader -> ToDump(fwd.pcap, ENCAP IP);
      b :: InfiniteSource(${frame}, LIMIT 3) -> MarkIPHeader(14) -> Strip(20) -> StripToNetworkHeader -> ToDump(back.pcap, ENCAP IP);
      c :: InfiniteSource(${frame}, LIMIT 3) -> MarkIPHeader(0) -> Unstrip(8) -> StripToNetworkHeader -> ToDump(zero.pcap);
      d :: InfiniteSource(${frame}, LIMIT 4) -> StripToNetworkHeader -> none :: Counter -> Discard;
      e :: InfiniteSource(${frame}, LIMIT 3) -> q :: Queue -> MarkIPHeader(14) -> StripToNetworkHeader -> Unqueue -> ToDump(pulled.pcap, ENCAP IP);`,
    handlers: ['none.count'],
  });
});

t.test('Truncate: cuts, extra-length annotation, nbytes writes', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(100)}, LIMIT 6, BURST 2) -> k :: Counter(COUNT_CALL 3 tr.nbytes 30) -> tr :: Truncate(50) -> Truncate(40) -> ToDump(cut.pcap);
      b :: InfiniteSource(${data(100)}, LIMIT 3) -> Truncate(10, EXTRA_LENGTH false) -> ToDump(plain.pcap);
      c :: InfiniteSource(${data(20)}, LIMIT 3) -> Truncate(20) -> Truncate(0) -> ToDump(empty.pcap);
      d :: InfiniteSource(${data(64)}, LIMIT 5, BURST 5) -> q :: Queue -> t2 :: Truncate(16) -> Unqueue -> ToDump(pull.pcap);
      w :: InfiniteSource(\\<01>, LIMIT 1, END_CALL t2.nbytes 1O) -> Discard;`,
    handlers: ['tr.nbytes', 't2.nbytes'],
  });
});

t.test('StoreData: data, mask, partial writes, GROW, shared clones', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(20)}, LIMIT 2) -> StoreData(2, \\<01 02 03>) -> ToDump(plain.pcap);
      b :: InfiniteSource(${data(20)}, LIMIT 2) -> StoreData(4, \\<ff 00 ff 00>, \\<0f 0f f0 f0>) -> ToDump(mask.pcap);
      c :: InfiniteSource(${data(20)}, LIMIT 2) -> StoreData(18, \\<aa bb cc dd>) -> ToDump(partial.pcap);
      d :: InfiniteSource(${data(20)}, LIMIT 2) -> StoreData(20, \\<aa bb>) -> StoreData(25, \\<cc>) -> ToDump(past.pcap);
      e :: InfiniteSource(${data(20)}, LIMIT 2) -> StoreData(24, \\<aa bb>, GROW true) -> ToDump(grow.pcap);
      f :: InfiniteSource(${data(20)}, LIMIT 2) -> StoreData(17, \\<11 22 33 44 55>, \\<ff 00 ff 00 ff>, GROW true) -> ToDump(growmask.pcap);
      g :: InfiniteSource(${data(20)}, LIMIT 3, BURST 3) -> tee :: Tee;
      tee[0] -> StoreData(0, \\<99>) -> ToDump(t0.pcap);
      tee[1] -> ToDump(t1.pcap);
      h :: InfiniteSource(\\<>, LIMIT 2) -> StoreData(0, \\<>, GROW true) -> StoreData(1, \\<7f>, GROW true) -> ToDump(fromempty.pcap);
      i :: InfiniteSource(${data(20)}, LIMIT 4, BURST 4) -> q :: Queue -> StoreData(3, \\<de ad>) -> Unqueue -> ToDump(pull.pcap);`,
  });
});

t.test('sanitizer: Strip/Unstrip at the edges of the buffer, growth, StoreData GROW', async (t) => {
  sanitizerRun(t, {
    config: `
      a :: InfiniteSource(${data(60)}, LIMIT 8, BURST 4) -> Strip(100) -> Unstrip(200) -> Strip(150) -> tee :: Tee;
      tee[0] -> StoreData(100, \\<01 02>, GROW true) -> Truncate(3) -> ToDump(a.pcap);
      tee[1] -> Unstrip(3000) -> Strip(2990) -> ToDump(b.pcap);
      b :: InfiniteSource(\\<>, LIMIT 3) -> Unstrip(1) -> StoreData(0, \\<aa>) -> ToDump(c.pcap);
      c :: InfiniteSource(${data(1600)}, LIMIT 2) -> StoreData(1590, \\<${'ab'.repeat(40)}>, GROW true) -> Unstrip(70) -> ToDump(d.pcap);`,
  });
});

t.test('Pad: up to LENGTH, or back by the extra-length annotation (after Truncate), which it clears; pull mode', async (t) => {
  differential(t, {
    config: `
      a :: InfiniteSource(${data(30)}, LIMIT 3, BURST 2) -> Truncate(12) -> Pad -> ToDump(back.pcap);
      b :: InfiniteSource(${data(30)}, LIMIT 2) -> Truncate(10) -> Pad(20) -> c1 :: Counter -> Pad -> ToDump(len.pcap);
      c :: InfiniteSource(${data(30)}, LIMIT 2) -> Pad(20) -> Pad(0, ZERO false) -> ToDump(long.pcap);
      d :: InfiniteSource(\\<>, LIMIT 2) -> q :: Queue -> Pad(7) -> u :: Unqueue -> ToDump(pull.pcap);`,
    handlers: ['c1.byte_count'],
  });
});

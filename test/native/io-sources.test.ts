// RatedSource, TimedSource, Idle and Print in both engines: packets (through
// ToDump files, timestamps included), Print lines, handler reads and writes
// with their error messages, simulated-time pacing.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { differential, handlerDiff, sanitizerRun } from './io-util.js';

const FIXTURE = new URL('../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;
const fixture = new Uint8Array(readFileSync(FIXTURE));
const files = { 'in.pcap': fixture };

const RATED = ['rs.count', 'rs.data', 'rs.rate', 'rs.limit', 'rs.active', 'rs.length', 'rs.datasize', 'td.count'];
const TIMED = ['ts.count', 'ts.data', 'ts.limit', 'ts.interval', 'ts.active', 'ts.headroom', 'td.count'];

t.test('RatedSource paces packets by its token bucket', async (t) => {
  const configs = [
    'rs :: RatedSource(RATE 1000, LIMIT 50, STOP true) -> td :: ToDump(out.pcap);',
    'rs :: RatedSource(\\<00 11 22>, 7, 12, LENGTH 10, STOP true) -> td :: ToDump(out.pcap);',
    'rs :: RatedSource(RATE 250, LIMIT 40, DATASIZE 100, STOP true) -> td :: ToDump(out.pcap);',
    'rs :: RatedSource(BANDWIDTH 10kBps, LENGTH 100, LIMIT 30, STOP true) -> td :: ToDump(out.pcap);',
    'rs :: RatedSource(RATE 0, LIMIT 3) -> td :: ToDump(out.pcap);',
    'rs :: RatedSource(ACTIVE false, LIMIT 3) -> td :: ToDump(out.pcap);',
  ];
  for (const config of configs) await t.test(config, async (t) => differential(t, { config, handlers: RATED }));
});

t.test('RatedSource in pull mode, with another task and a timer moving time', async (t) => {
  differential(t, {
    config: `rs :: RatedSource(RATE 20, LIMIT 25, STOP false) -> Unqueue(BURST 4) -> td :: ToDump(out.pcap);
             tick :: TimedSource(0.05, LIMIT 60, STOP true) -> td2 :: ToDump(tick.pcap);`,
    handlers: [...RATED, 'td2.count'],
  });
  differential(t, {
    config: `rs :: RatedSource(RATE 1000, LIMIT 10, STOP true) -> Unqueue -> td :: ToDump(out.pcap);
             tick :: TimedSource(0.002, LIMIT 100) -> Discard;`,
    handlers: RATED,
  });
});

t.test('RatedSource handlers: writes before and after the run, bad values', async (t) => {
  handlerDiff(t, {
    config: 'rs :: RatedSource(RATE 100, LIMIT 20, STOP true) -> td :: ToDump(out.pcap);',
    writes: [
      ['rs.rate', '500'], ['rs.rate', 'x'], ['rs.rate', '-1'], ['rs.rate', '4294967296'], ['rs.limit', '30'], ['rs.limit', '1.5'],
      ['rs.length', '20'], ['rs.length', 'ten'], ['rs.data', 'hello'], ['rs.active', 'maybe'], ['rs.active', 'no'], ['rs.active', 'yes'],
      ['rs.datasize', '5'], ['rs.reset', ''], ['rs.count', '1'],
    ],
    writesAfter: [['rs.reset', ''], ['rs.limit', '0x10'], ['rs.rate', '0']],
    handlers: RATED,
  });
  handlerDiff(t, {
    config: 'rs :: RatedSource(RATE 10, LIMIT 5) -> Unqueue -> td :: ToDump(out.pcap);',
    writes: [['rs.active', 'false'], ['rs.active', 'true'], ['rs.reset', '']],
    handlers: RATED,
  });
});

t.test('TimedSource: intervals, limits, STOP', async (t) => {
  const configs = [
    'ts :: TimedSource(0.1, \\<0102 0304>, LIMIT 5, STOP true) -> td :: ToDump(out.pcap);',
    'ts :: TimedSource(INTERVAL 1.5, LIMIT 3, HEADROOM 0) -> td :: ToDump(out.pcap);',
    'ts :: TimedSource(250us, LIMIT 40, STOP true) -> Print(t, TIMESTAMP true) -> td :: ToDump(out.pcap);',
    'ts :: TimedSource(ACTIVE false, LIMIT 2) -> td :: ToDump(out.pcap);',
  ];
  for (const config of configs) await t.test(config, async (t) => differential(t, { config, handlers: TIMED }));
});

t.test('TimedSource handlers', async (t) => {
  handlerDiff(t, {
    config: 'ts :: TimedSource(0.2, LIMIT 4, STOP true) -> td :: ToDump(out.pcap);',
    writes: [
      ['ts.interval', 'x'], ['ts.interval', '0'], ['ts.interval', '-1'], ['ts.interval', '1.25ms'], ['ts.limit', 'five'], ['ts.limit', '6'],
      ['ts.data', 'payload'], ['ts.headroom', '-1'], ['ts.headroom', 'x'], ['ts.headroom', '8'], ['ts.active', 'bad'], ['ts.active', 'false'],
      ['ts.active', 'true'], ['ts.reset', ''],
    ],
    writesAfter: [['ts.reset', ''], ['ts.interval', '2.5']],
    handlers: TIMED,
  });
});

t.test('Idle: never sends, drops what it is given', async (t) => {
  differential(t, {
    config: 'fd :: FromDump(in.pcap, STOP true) -> i :: Idle; Idle -> td :: ToDump(out.pcap); Idle -> q :: Queue -> Idle;',
    files,
    handlers: ['fd.count', 'td.count', 'q.length'],
  });
  differential(t, {
    config: 'fd :: FromDump(in.pcap, STOP true) -> s :: Switch(0); s[0] -> i :: Idle -> Discard; s[1] -> Discard; Idle -> [1]i; i[1] -> Discard;',
    files,
    handlers: ['fd.count'],
  });
});

const PRINTS = [
  'Print',
  'Print(hello)',
  'Print(lbl, 0)',
  'Print(lbl, -1)',
  'Print(lbl, 5, CONTENTS ASCII)',
  'Print(lbl, 100, CONTENTS ascii, TIMESTAMP true)',
  'Print(CONTENTS NONE, TIMESTAMP true)',
  'Print(x, CONTENTS false)',
  'Print(x, CONTENTS true, LENGTH 7)',
  'Print(x, NBYTES 3, PRINTANNO true)',
  'Print("two words", 30, TIMESTAMP true, PRINTANNO true)',
  'Print(off, ACTIVE false)',
];

t.test('Print lines', async (t) => {
  for (const p of PRINTS) {
    await t.test(p, async (t) =>
      differential(t, { config: `fd :: FromDump(in.pcap, STOP true, FORCE_IP true) -> Paint(3) -> p :: ${p} -> td :: ToDump(out.pcap); fd[1] -> Discard;`, files, handlers: ['p.active'] }));
  }
});

t.test('Print in series, split paths, and in a pull path', async (t) => {
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> Print(a, 8) -> c :: Classifier(12/0800, -);
             c[0] -> Print(ip, 4) -> Truncate(30) -> out :: Print(both, 40) -> Discard; c[1] -> Print(other, 4) -> out;`,
    files,
  });
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> Print(before, 4) -> q :: Queue -> Print(pulled, 6) -> Unqueue(BURST 7) -> Print(after, 2) -> Discard;`,
    files,
  });
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> q :: Queue -> p :: Print(pulled, 6) -> td :: ToDump(out.pcap);`,
    files,
    handlers: ['td.count'],
  });
});

t.test('Print active handler', async (t) => {
  handlerDiff(t, {
    config: 'fd :: FromDump(in.pcap, STOP true) -> p :: Print(x, 4) -> Discard;',
    files,
    writes: [['p.active', 'perhaps'], ['p.active', 'off'], ['p.active', 'ON']],
    writesAfter: [['p.active', '0']],
    handlers: ['p.active'],
  });
});

t.test('sanitizer builds: sources and Print', async (t) => {
  sanitizerRun(t, { config: 'rs :: RatedSource(RATE 300, LIMIT 30, STOP true) -> Print(r, -1, TIMESTAMP true) -> td :: ToDump(out.pcap);', handlers: RATED });
  sanitizerRun(t, { config: 'ts :: TimedSource(0.01, LIMIT 9, STOP true) -> Print(t, 200, CONTENTS ASCII, PRINTANNO true) -> td :: ToDump(out.pcap);', handlers: TIMED });
  sanitizerRun(t, { config: 'fd :: FromDump(in.pcap, STOP true) -> Print(p, 2000) -> i :: Idle;', files, handlers: ['fd.count'] });
});

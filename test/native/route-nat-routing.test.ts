// Routing tables (LinearIPLookup, StaticIPLookup, RadixIPLookup) in both
// engines: forwarding by the destination annotation, gateways, "no route"
// lines, every handler (writes through END_CALL, whose errors print), and
// lookups of many addresses in large tables with non-contiguous masks.
import t from 'tap';
import { differential, runHost, sanitizerRun } from './differential.js';
import { runSession, type HandlerStep } from './engines.js';
import { paramReads } from './route-nat-params.js';

/** A source that writes one handler (LIMIT 0: at once) and sends nothing. */
const call = (h: string) => `InfiniteSource(LIMIT 0, END_CALL ${JSON.stringify(h)}) -> Discard;`;

t.test('gateways go into the destination annotation; the default route', async (t) => {
  // InfiniteSource packets have destination 0.0.0.0: rt's default route
  // sends them to 10.0.0.5, which rt2 routes by its most specific prefix.
  for (const cls of ['RadixIPLookup', 'LinearIPLookup', 'StaticIPLookup']) {
    differential(t, {
      config: `src :: InfiniteSource(LIMIT 9, BURST 4, STOP true) -> rt :: ${cls}(10.0.0.0/8 1, 0.0.0.0/0 10.0.0.5 0);
        rt[0] -> rt2 :: ${cls}(10.0.0.0/24 0, 10.0.0.4/30 1, 10.0.0.5 2, 0/0 3);
        rt[1] -> d1 :: Discard;
        rt2[0] -> a :: Discard; rt2[1] -> b :: Discard; rt2[2] -> c :: Discard; rt2[3] -> d :: Discard;`,
      handlers: ['a.count', 'b.count', 'c.count', 'd.count', 'd1.count', 'rt.table', 'rt2.table'],
    });
  }
});

t.test('no route: dropped, five lines per label (Linear and Static share one)', async (t) => {
  differential(t, {
    config: `InfiniteSource(LIMIT 4, STOP true) -> l :: LinearIPLookup(10.0.0.0/8 0) -> Discard;
      InfiniteSource(LIMIT 4) -> s :: StaticIPLookup(10.0.0.0/8 0) -> Discard;
      InfiniteSource(LIMIT 7, BURST 3) -> r :: RadixIPLookup(10.0.0.0/8 0, 0.0.0.1/32 1) -> Discard; r[1] -> Discard;
      InfiniteSource(LIMIT 2) -> r2 :: RadixIPLookup(0.0.0.0/0 1) -> Discard; r2[1] -> x :: Discard;`,
    handlers: ['l.table', 's.table', 'r.table', 'x.count'],
  });
});

t.test('a route to a port the element lacks is never configured (checked at configure)', async (t) => {
  // A route whose output is removed later leaves no dangling port: only ctrl
  // can name ports, and it checks them; lookups at a killed Linear slot
  // report no route.
  differential(t, {
    config: `${call('rt.ctrl add 0.0.0.0/32 1\nremove 0.0.0.0/32')}
      src :: InfiniteSource(LIMIT 3, STOP true) -> rt :: LinearIPLookup(10.0.0.0/8 0) -> Discard; rt[1] -> Discard;`,
    handlers: ['rt.table'],
  });
});

const writeSequence = (rt: string) => [
  call(`${rt}.add 192.168.0.0/16 1`),
  call(`${rt}.add 192.168.0.0/16 2`), // conflict
  call(`${rt}.set 192.168.0.0/16 192.168.1.1 2`),
  call(`${rt}.add 1.2.3.4 0`), // bare address: /32
  call(`${rt}.add 18.26.4/24 - 1`), // short address with a covering mask, `-` gateway
  call(`${rt}.add 18.26/24 1`), // mask longer than the parts written: syntax error
  call(`${rt}.add 10.1.0.0/255.0.255.0 3`), // non-contiguous mask (address masked)
  call(`${rt}.add 10.0.0.0/8 9`), // bad OUTPUT
  call(`${rt}.add 10.0.0.0/8 1 extra`),
  call(`${rt}.add 10.0.0.0/8 0x3`), // hex port
  call(`${rt}.remove 10.0.0.0/8 1.1.1.1 3`), // gateway and port must match
  call(`${rt}.remove 172.16.0.0/12`), // not found
  call(`${rt}.remove 1.2.3.4/32`),
  call(`${rt}.remove 10.0.0.0/8 -1`),
  call(`${rt}.ctrl add 172.16.0.0/12 1\n// a comment\nset 10.0.0.0/8 2\n/* block */ remove 18.26.4.0/24`),
  call(`${rt}.ctrl add 100.0.0.0/8 1\nadd 101.0.0.0/8 2\nremove 192.168.0.0/16\nset 172.16.0.0/12 3\nadd 172.16.0.0/12 0`), // rolls back
  call(`${rt}.ctrl add 102.0.0.0/8 1\nfrobnicate 1.0.0.0/8 1`), // bad command: rolls back
  call(`${rt}.ctrl\n\n  add 103.0.0.0/8 1  \n`),
  call(`${rt}.add "104.0.0.0/8" '1'`), // quoted words
  call(`${rt}.add 0.0.0.0/32 2`),
  call(`${rt}.set 0.0.0.0/0 7.7.7.7 0`),
  call(`${rt}.remove 100.0.0.0/8`),
  call(`${rt}.add 105.0.0.0/8 2`), // reuses a free slot
];

t.test('add, set, remove, ctrl: results, Click messages, rollback, slot order', async (t) => {
  for (const cls of ['LinearIPLookup', 'RadixIPLookup']) {
    differential(t, {
      config: `${writeSequence('rt').join('\n')}
        src :: InfiniteSource(LIMIT 3, STOP true) -> rt :: ${cls}(10.0.0.0/8 3, 11.0.0.0/8 2) -> Discard;
        rt[1] -> Discard; rt[2] -> Discard; rt[3] -> Discard;`,
      handlers: ['rt.table'],
    });
  }
});

t.test('Linear: 0.0.0.0/32 moves to the earliest free slot; more specific routes after less specific ones', async (t) => {
  differential(t, {
    config: `${call('rt.ctrl add 0.0.0.0/32 1\nadd 1.0.0.0/8 0\nadd 1.1.0.0/16 1\nremove 10.0.0.0/8\nadd 0.0.0.0/8 2')}
      ${call('rt.remove 2.0.0.0/8')}
      ${call('rt.add 1.1.1.0/24 2')}
      src :: InfiniteSource(LIMIT 5, STOP true) -> rt :: LinearIPLookup(10.0.0.0/8 0, 2.0.0.0/8 1, 0/0 0) -> a :: Discard;
      rt[1] -> b :: Discard; rt[2] -> c :: Discard;`,
    handlers: ['rt.table', 'a.count', 'b.count', 'c.count'],
  });
});

t.test('Radix: flush, then new routes', async (t) => {
  differential(t, {
    config: `${call('rt.flush')}
      ${call('rt.add 0.0.0.0/1 1')}
      ${call('rt.set 0/0 9.9.9.9 0')}
      src :: InfiniteSource(LIMIT 5, STOP true) -> rt :: RadixIPLookup(10.0.0.0/8 0, 0/0 1) -> a :: Discard; rt[1] -> b :: Discard;`,
    handlers: ['rt.table', 'a.count', 'b.count'],
  });
});

/** A deterministic pseudo-random sequence (xorshift32). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

const ip = (a: number) => `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/** Routes of every length, some with gateways, a few non-contiguous masks. */
function randomRoutes(n: number, ports: number, seed: number): { text: string[]; addrs: number[] } {
  const r = rng(seed);
  const text: string[] = [];
  const addrs: number[] = [];
  for (let i = 0; i < n; i++) {
    const len = i % 17 === 0 ? 32 : r() % 33;
    // Cluster the addresses so prefixes nest.
    const addr = ((r() & 0x0f0f0fff) | 0x0a000000) >>> 0;
    const mask = i % 23 === 5 ? (r() | 0xff000000) >>> 0 : len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    const prefix = i % 23 === 5 ? `${ip(addr)}/${ip(mask)}` : `${ip(addr)}/${len}`;
    text.push(`${prefix}${i % 3 === 0 ? ` ${ip(r())}` : ''} ${r() % ports}`);
    addrs.push(addr, (addr & mask) >>> 0, ((addr & mask) | ~mask) >>> 0, (addr + 1) >>> 0);
  }
  return { text, addrs };
}

t.test('lookup ADDR (read handler with a parameter) in large tables, after changes', async (t) => {
  const { text, addrs } = randomRoutes(300, 4, 7);
  const r = rng(99);
  const queries = [...addrs, ...Array.from({ length: 300 }, () => r()), 0, 0xffffffff].map(ip);
  const removals = text.filter((_, i) => i % 5 === 1).map((s) => s.split(' ')[0]);
  for (const cls of ['RadixIPLookup', 'LinearIPLookup', 'StaticIPLookup']) {
    const edits = cls === 'StaticIPLookup' ? '' : `${call(`rt.ctrl ${removals.map((x) => `remove ${x}`).join('\n')}`)}\n${call('rt.add 10.0.0.0/7 3')}`;
    const reads = [...queries.map((q) => `rt.lookup ${q}`), 'rt.lookup', 'rt.lookup 10.0.0', 'rt.lookup  10.1.2.3  ', 'rt.lookup 256.0.0.1'];
    const { host, native } = paramReads(
      `${edits}\nInfiniteSource(LIMIT 1, STOP true) -> rt :: ${cls}(${text.join(', ')}) -> Discard; rt[1] -> Discard; rt[2] -> Discard; rt[3] -> Discard;`,
      reads,
    );
    t.same(native, host, `${cls}: ${reads.length} lookups identical`);
    t.ok(host.some((x) => 'value' in x && x.value.includes(' ')), `${cls}: some lookups have gateways`);
    differential(t, {
      config: `${edits}\nInfiniteSource(LIMIT 1, STOP true) -> rt :: ${cls}(${text.join(', ')}) -> Discard; rt[1] -> Discard; rt[2] -> Discard; rt[3] -> Discard;`,
      handlers: ['rt.table'],
    });
  }
});

t.test('Radix: every lookup sees the changes before it (the packet path reads a table rebuilt after each change)', async (t) => {
  // Host routes (/32, /28: the flat table's third level), /20 and /12
  // (second and first level), a non-contiguous mask and the default route,
  // each looked up around the addresses it covers after every change.
  const probes = ['10.1.2.3', '10.1.2.4', '10.1.2.15', '10.1.2.16', '10.1.15.255', '10.1.16.0', '10.15.0.1', '10.16.0.1', '11.0.0.1', '10.77.0.9', '10.78.0.9', '0.0.0.0', '255.255.255.255'];
  const look = (): HandlerStep[] => probes.map((a) => ['r', `rt.lookup ${a}`] as const);
  const edits: [string, string][] = [
    ['rt.add', '10.1.2.3/32 1'],
    ['rt.add', '10.1.2.0/28 2.2.2.2 2'],
    ['rt.add', '10.1.0.0/20 3'],
    ['rt.set', '10.0.0.0/12 1'],
    ['rt.add', '10.0.0.0/255.0.255.0 2'],
    ['rt.set', '0.0.0.0/0 9.9.9.9 0'],
    ['rt.remove', '10.1.2.0/28'],
    ['rt.ctrl', 'remove 10.1.2.3/32\nadd 10.1.2.0/30 3'],
    ['rt.flush', ''],
    ['rt.add', '10.1.2.3/32 2'],
  ];
  const after: HandlerStep[] = [...look(), ...edits.flatMap(([h, v]) => [['w', h, v] as const, ...look()])];
  const config = `src :: InfiniteSource(LIMIT 6, STOP true) -> SetIPAddress(10.1.2.3) -> rt :: RadixIPLookup(10.0.0.0/8 0) -> a :: Discard;
    rt[1] -> b :: Discard; rt[2] -> c :: Discard; rt[3] -> d :: Discard;`;
  const host = runSession('host', { config, after: [...after, ['r', 'rt.table']] });
  const native = runSession('native', { config, after: [...after, ['r', 'rt.table']] });
  t.same(native.after, host.after, `${after.length} steps: the same lookups and results`);
  t.ok(host.after.every((o) => o.ok), 'every step succeeded');
  const seen = new Set(host.after.map((o, i) => (after[i]?.[1] === 'rt.lookup 10.1.2.3' && o.ok ? o.value : undefined)).filter((v) => v !== undefined));
  t.ok(seen.size >= 4, `the lookups followed the table (${[...seen].join(', ')})`);
});

t.test('Radix: packets follow the routes changed between batches', async (t) => {
  // A packet every 0.5 s; between them the script changes the route for the
  // packets' destination: the packet path must not keep a stale table.
  const spec = {
    config: `src :: RatedSource(LENGTH 60, RATE 2, LIMIT 10, STOP true) -> SetIPAddress(10.1.2.3) -> rt :: RadixIPLookup(10.0.0.0/8 0) -> a :: Discard;
      rt[1] -> b :: Discard; rt[2] -> c :: Discard;
      Script(wait 1.25s, write rt.add 10.1.2.0/24 1, wait 1s, write rt.add 10.1.2.3/32 2, wait 1s, write rt.flush);`,
    handlers: ['a.count', 'b.count', 'c.count', 'rt.table'],
  };
  differential(t, spec);
  const { handlers } = runHost(spec);
  t.same([handlers['a.count'], handlers['b.count'], handlers['c.count']], ['3', '2', '2'], 'each route took its packets; the rest had none');
});

t.test('sanitizer build: tables, writes, lookups', async (t) => {
  const { text } = randomRoutes(120, 3, 3);
  for (const cls of ['RadixIPLookup', 'LinearIPLookup']) {
    sanitizerRun(t, {
      config: `${writeSequence('rt').join('\n')}
        src :: InfiniteSource(LIMIT 40, BURST 8, STOP true) -> rt :: ${cls}(${text.join(', ')}) -> a :: Discard; rt[1] -> b :: Discard; rt[2] -> c :: Discard;`,
      handlers: ['rt.table', 'a.count', 'b.count', 'c.count'],
    });
  }
});

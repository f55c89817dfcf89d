// The NAT elements in both engines: IPRewriter, IPAddrRewriter,
// RoundRobinIPMapper and IPRewriterPatterns. Packets, tables and counts must
// be identical, including port allocation order (sequential, own port
// first, random with the engines' shared random numbers), TCP/UDP state and
// timeouts in simulated time, reaping, capacity eviction, displaced flows,
// annotations, every handler, and initialization errors.
import t from 'tap';
import { runSession, type Engine } from './engines.js';
import { icmp, ipv4, tcp, udp } from '../util/packets.js';
import { paramReads } from './route-nat-params.js';
import { outputsIdentical, sanitizedOutputsIdentical, sources, STOP_AFTER_SOURCES, timeline, type Step } from './route-nat-support.js';

const FIN = 1, SYN = 2, RST = 4, ACK = 16;

interface FlowOpts {
  flags?: number;
  payload?: number;
  frag?: number;
  sum?: number;
}
const tcpP = (src: string, sport: number, dst: string, dport: number, o: FlowOpts = {}) =>
  ipv4(tcp(new Uint8Array(o.payload ?? 0).fill(0x61), { src, dst, sport, dport, flags: o.flags ?? ACK }), { src, dst, proto: 6, frag: o.frag });
const udpP = (src: string, sport: number, dst: string, dport: number, o: FlowOpts = {}) =>
  ipv4(udp(new Uint8Array(o.payload ?? 10).fill(0x75), { src, dst, sport, dport, checksum: o.sum }), { src, dst, proto: 17, frag: o.frag });

const TABLES = ['rw.tcp_table', 'rw.udp_table', 'rw.nmappings', 'rw.mapping_failures', 'rw.patterns', 'rw.size', 'rw.capacity'];

t.test('IPRewriter: source NAT both ways, checksums, tables, tcp_lookup', async (t) => {
  const out = [
    tcpP('10.0.0.2', 4000, '198.51.100.5', 80, { flags: SYN }),
    udpP('10.0.0.3', 5000, '198.51.100.5', 53),
    udpP('10.0.0.3', 5001, '198.51.100.5', 53, { sum: 0 }), // no UDP checksum: stays zero
    tcpP('10.0.0.2', 4000, '198.51.100.5', 80, { payload: 20 }),
  ];
  const back = [
    tcpP('198.51.100.5', 80, '192.0.2.1', 4000, { flags: SYN | ACK }),
    udpP('198.51.100.5', 53, '192.0.2.1', 5000),
    udpP('198.51.100.5', 53, '192.0.2.1', 5001, { sum: 0 }),
    udpP('198.51.100.5', 53, '192.0.2.1', 5002), // no mapping: dropped by the drop spec
  ];
  outputsIdentical(t, {
    config: `rw :: IPRewriter(pattern 192.0.2.1 1024-65535 - - 0 1, drop);
      c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw;
      rw[0] -> @OUT(out); rw[1] -> @OUT(back);
      ${sources(out, 'c0')}
      ${sources(back, 'c1')}
      ${STOP_AFTER_SOURCES}`,
    handlers: [...TABLES, 'rw.tcp_mappings', 'rw.udp_mappings', 'rw.tcp_lookup 10.0.0.2 4000 198.51.100.5 www', 'rw.tcp_lookup 10.0.0.9 4000 198.51.100.5 80', 'rw.tcp_lookup 198.51.100.5 80 192.0.2.1 4000'],
  });
});

t.test('IPRewriter: tcp_lookup errors', async (t) => {
  const { host, native } = paramReads(`InfiniteSource(LIMIT 0) -> rw :: IPRewriter(keep 0 0) -> Discard; ${STOP_AFTER_SOURCES}`, [
    'rw.tcp_lookup 10.0.0.9 x 1.2.3.4 80',
    'rw.tcp_lookup 10.0.0.9 80 1.2.3.4',
    'rw.tcp_lookup 10.0.0.9 80 1.2.3.4 80 9',
    'rw.tcp_lookup 10.0.0.9 65536 1.2.3.4 80',
    'rw.tcp_lookup',
    'rw.tcp_lookup 10.0.0.9 ssh 1.2.3.4 0x50',
  ]);
  t.same(native, host);
  t.ok(host.some((r) => 'error' in r));
});

t.test('IPRewriter: port choice: own port first, collisions, sequential, random, full ranges', async (t) => {
  const from = (src: string, sport: number, dport = 53) => udpP(src, sport, '198.51.100.5', dport);
  const out = [
    from('10.0.0.1', 1024), from('10.0.0.2', 1024), from('10.0.0.3', 1024), from('10.0.0.4', 1024), from('10.0.0.5', 1025),
  ];
  const seq = [from('10.0.0.1', 7), from('10.0.0.2', 2001), from('10.0.0.3', 9), from('10.0.0.4', 9)];
  const rnd = Array.from({ length: 12 }, (_, i) => from(`10.0.1.${i + 1}`, 3000 + (i % 3)));
  for (const seed of [1, 12345]) {
    outputsIdentical(t, {
      seed,
      config: `rw :: IPRewriter(pattern 192.0.2.1 1024-1026 - - 0 1, pattern 192.0.2.2 2000-2001# - - 0 1, pattern 192.0.2.3 3000-3009? - - 0 1);
        c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw; c2 :: CheckIPHeader -> [2] rw;
        rw[0] -> @OUT(out); rw[1] -> @OUT(back);
        ${sources(out, 'c0')}
        ${sources(seq, 'c1')}
        ${sources(rnd, 'c2')}
      ${STOP_AFTER_SOURCES}`,
      handlers: TABLES,
    });
  }
});

t.test('IPRewriter: keep, pass, drop specs; ICMP, later fragments, short and unmarked packets', async (t) => {
  const odd = [
    tcpP('10.0.0.2', 4000, '198.51.100.5', 80),
    udpP('10.0.0.2', 4000, '198.51.100.5', 80),
    ipv4(icmp(8, 0), { proto: 1 }),
    udpP('10.0.0.2', 4001, '198.51.100.5', 80, { frag: 0x0004 }), // a later fragment
    udpP('10.0.0.2', 4002, '198.51.100.5', 80, { frag: 0x2000 }), // a first fragment is mapped
    ipv4(new Uint8Array(6), { proto: 17 }), // under 8 transport bytes
    tcpP('10.0.0.2', 4003, '198.51.100.5', 80).slice(0, 36), // TCP with under 18 bytes: ports and sum left alone
  ];
  outputsIdentical(t, {
    config: `rw :: IPRewriter(keep 0 1, pass 1, drop, nochange, pattern 192.0.2.9 - - - 1 0);
      m0 :: MarkIPHeader -> [0] rw; m1 :: MarkIPHeader -> [1] rw; m2 :: MarkIPHeader -> [2] rw; m3 :: MarkIPHeader -> [3] rw; m4 :: MarkIPHeader -> [4] rw;
      rw[0] -> @OUT(out0); rw[1] -> @OUT(out1);
      ${['m0', 'm1', 'm2', 'm3', 'm4'].map((m) => sources(odd, m)).join('\n')}
      ${sources(odd.slice(0, 2), '[0] rw')}
      ${STOP_AFTER_SOURCES}`,
    handlers: TABLES,
  });
});

/** Both directions of the TCP and UDP flows of the timeout scenario. */
function timeoutSteps(): Step[] {
  const o = (p: Uint8Array): Step => [p, 0];
  const b = (p: Uint8Array): Step => [p, 1];
  const N = '192.0.2.1';
  return [
    o(tcpP('10.0.0.1', 1000, '198.51.100.1', 80, { flags: SYN })), // A: 5000
    b(tcpP('198.51.100.1', 80, N, 5000, { flags: SYN | ACK })),
    o(tcpP('10.0.0.1', 1000, '198.51.100.1', 80, { payload: 10 })),
    b(tcpP('198.51.100.1', 80, N, 5000, { payload: 30 })), // A has data both ways
    o(tcpP('10.0.0.2', 1001, '198.51.100.1', 80, { flags: SYN })), // B: 5001
    o(tcpP('10.0.0.2', 1001, '198.51.100.1', 80, { flags: FIN | ACK })),
    b(tcpP('198.51.100.1', 80, N, 5001, { flags: FIN | ACK })), // B done both ways
    o(tcpP('10.0.0.3', 1002, '198.51.100.1', 80, { flags: SYN })), // C: 5002
    b(tcpP('198.51.100.1', 80, N, 5002, { flags: RST })), // C reset
    o(udpP('10.0.0.4', 2000, '198.51.100.2', 53)), // D: one packet
    o(udpP('10.0.0.5', 2001, '198.51.100.2', 53)), // E: streaming
    b(udpP('198.51.100.2', 53, N, 5004)),
    o(udpP('10.0.0.5', 2001, '198.51.100.2', 53)),
    null, null, null,
    b(udpP('198.51.100.2', 53, N, 5003)), // D after 7 s: reaped?
    null, null, null, null,
    b(tcpP('198.51.100.1', 80, N, 5001, { flags: ACK })), // B after its done timeout
    o(tcpP('10.0.0.3', 1002, '198.51.100.1', 80, { flags: SYN })), // C again: a new mapping
    null, null, null, null, null, null,
    b(tcpP('198.51.100.1', 80, N, 5000, { payload: 1 })), // A is still alive
    b(udpP('198.51.100.2', 53, N, 5004)), // E after 17 s
  ];
}

t.test('IPRewriter: TCP and UDP state, guarantees and timeouts, reaping in simulated time', async (t) => {
  for (const [guarantees, reap] of [['TCP_GUARANTEE 2, UDP_GUARANTEE 0', 3], ['TCP_GUARANTEE 0, UDP_GUARANTEE 3', 2], ['GUARANTEE 1', 0]] as const) {
    outputsIdentical(t, {
      config: `rw :: IPRewriter(pattern 192.0.2.1 5000-5999# - - 0 1, drop, TCP_TIMEOUT 40, TCP_DONE_TIMEOUT 4, TCP_NODATA_TIMEOUT 8,
          UDP_TIMEOUT 6, UDP_STREAMING_TIMEOUT 30, ${guarantees}, REAP_INTERVAL ${reap});
        c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw;
        rw[0] -> @OUT(out); rw[1] -> @OUT(back);
        ${timeline(timeoutSteps(), ['c0', 'c1'])}`,
      handlers: TABLES,
    });
  }
});

t.test('IPRewriter: capacity: earliest expiry evicted, guaranteed flows refuse new ones; capacity and clear handlers', async (t) => {
  const steps: Step[] = Array.from({ length: 8 }, (_, i): Step => [udpP(`10.0.0.${i + 1}`, 1000 + i, '198.51.100.9', 53), 0]);
  steps.splice(3, 0, [udpP('198.51.100.9', 53, '10.0.0.1', 1000), 1]);
  for (const opts of ['UDP_GUARANTEE 0, MAPPING_CAPACITY 3', 'UDP_GUARANTEE 5, CAPACITY 3', 'UDP_GUARANTEE 2, CAPACITY 0x4']) {
    outputsIdentical(t, {
      config: `rw :: IPRewriter(keep 0 1, keep 1 0, UDP_TIMEOUT 10, ${opts});
        c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw;
        rw[0] -> @OUT(out); rw[1] -> @OUT(back);
        ${timeline(steps, ['c0', 'c1'], [[6, 'rw.capacity 2'], [8, 'rw.clear']])}
        InfiniteSource(LIMIT 0, END_CALL "rw.capacity lots") -> Discard;`,
      handlers: TABLES,
    });
  }
});

t.test('IPRewriter: a new flow whose reply entry displaces another flow destroys it', async (t) => {
  outputsIdentical(t, {
    config: `rw :: IPRewriter(keep 0 1, pattern 10.0.0.2 - - - 0 1, REPLY_ANNO PAINT, DST_ANNO false);
      c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw;
      rw[0] -> ps0 :: PaintSwitch; rw[1] -> ps1 :: PaintSwitch;
      ps0[0] -> @OUT(out_p0); ps0[1] -> @OUT(out_p1); ps0[2] -> @OUT(out_p2);
      ps1[0] -> @OUT(back_p0); ps1[1] -> @OUT(back_p1); ps1[2] -> @OUT(back_p2);
      ${sources([tcpP('10.0.0.1', 1000, '10.0.0.2', 2000), tcpP('10.0.0.7', 7, '10.0.0.8', 8)], 'Paint(1) -> c0')}
      ${sources([tcpP('10.0.0.9', 2000, '10.0.0.1', 1000), tcpP('10.0.0.1', 1000, '10.0.0.2', 2000)], 'Paint(2) -> c1')}
      ${sources([tcpP('10.0.0.1', 1000, '10.0.0.2', 2000), tcpP('10.0.0.2', 2000, '10.0.0.1', 1000), tcpP('10.0.0.8', 8, '10.0.0.7', 7)], 'Paint(0) -> c0')}
      ${STOP_AFTER_SOURCES}`,
    handlers: TABLES,
  });
});

t.test('IPAddrRewriter: address pools (sequential, random, prefix), replies, any protocol, tables', async (t) => {
  const out = (src: string, p = 1) => [udpP(src, 1000 + p, '198.51.100.5', 53), 0] as const;
  for (const seed of [3, 99]) {
    outputsIdentical(t, {
      seed,
      config: `ar :: IPAddrRewriter(pattern 192.0.2.1-192.0.2.3# - 0 1, pattern 192.0.2.8/29 - 0 1, keep 0 1, drop, pass 1, TIMEOUT 9, GUARANTEE 2, REAP_INTERVAL 4);
        c0 :: CheckIPHeader -> [0] ar; c1 :: CheckIPHeader -> [1] ar; c2 :: CheckIPHeader -> [2] ar; c3 :: CheckIPHeader -> [3] ar; c4 :: CheckIPHeader -> [4] ar;
        ar[0] -> @OUT(out); ar[1] -> @OUT(back);
        tc0 :: CheckIPHeader -> [3] ar; tc1 :: CheckIPHeader -> [4] ar;
        ${sources([out('10.0.0.1'), out('10.0.0.2'), out('10.0.0.3'), out('10.0.0.4'), out('10.0.0.1', 2)].map((s) => s[0]), 'c0')}
        ${sources(['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5', '10.0.1.6', '10.0.1.7'].map((s) => udpP(s, 9, '198.51.100.5', 53)), 'c1')}
        ${sources([ipv4(icmp(8, 0), { proto: 1, src: '10.0.2.1' }), tcpP('10.0.2.2', 5, '198.51.100.5', 80), udpP('10.0.2.3', 5, '198.51.100.5', 80, { frag: 0x0008 })], 'c2')}
        ${sources([udpP('10.0.3.1', 5, '198.51.100.5', 80)], 'c3')}
        ${sources([udpP('10.0.4.1', 5, '198.51.100.5', 80)], 'c4')}
        ${timeline(
          [
            null, null,
            [udpP('198.51.100.5', 53, '192.0.2.1', 1001), 0],
            [tcpP('198.51.100.5', 80, '10.0.2.2', 5), 0],
            [udpP('198.51.100.5', 53, '192.0.2.2', 1001, { sum: 0 }), 1],
            null, null, null, null, null, null, null, null,
            [udpP('198.51.100.5', 53, '192.0.2.3', 1001), 0], // after the timeout
            [udpP('10.0.0.1', 1001, '198.51.100.5', 53), 0],
          ],
          ['tc0', 'tc1'],
        )}`,
      handlers: ['ar.table', 'ar.mappings', 'ar.nmappings', 'ar.mapping_failures', 'ar.patterns', 'ar.size', 'ar.capacity'],
    });
  }
});

t.test('RoundRobinIPMapper and IPRewriterPatterns: turns, shared sequential state, outputs per pattern', async (t) => {
  const flows = Array.from({ length: 7 }, (_, i) => tcpP(`10.0.0.${i + 1}`, 100, '198.51.100.5', 80));
  const aflows = Array.from({ length: 4 }, (_, i) => udpP(`10.0.5.${i + 1}`, 100, '198.51.100.5', 80));
  outputsIdentical(t, {
    config: `pats :: IPRewriterPatterns(shared 192.0.2.50 6000-6001# - -, addr 192.0.2.60 -, again shared);
      rw :: IPRewriter(rr, pattern again 0 1, drop, pattern shared 2 1);
      rr :: RoundRobinIPMapper(192.0.2.10 - - - 0 1, shared 2 1, 192.0.2.11 7000-7001 198.51.100.6 - 0 1);
      ar :: IPAddrRewriter(rr2, pattern addr 0 1);
      rr2 :: RoundRobinIPMapper(192.0.2.70 - 0 1, 192.0.2.71-192.0.2.72 - 1 0);
      c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw; c3 :: CheckIPHeader -> [3] rw;
      a0 :: CheckIPHeader -> [0] ar; a1 :: CheckIPHeader -> [1] ar;
      InfiniteSource(LIMIT 0) -> [2] rw;
      rw[0] -> @OUT(out0); rw[1] -> @OUT(out1); rw[2] -> @OUT(out2);
      ar[0] -> @OUT(aout0); ar[1] -> @OUT(aout1);
      ${sources(flows, 'c0')}
      ${sources(flows.slice(0, 2).map((_, i) => tcpP(`10.0.1.${i + 1}`, 100, '198.51.100.5', 80)), 'c1')}
      ${sources(flows.slice(0, 2).map((_, i) => tcpP(`10.0.3.${i + 1}`, 100, '198.51.100.5', 80)), 'c3')}
      ${sources(aflows, 'a0')}
      ${sources(aflows.slice(0, 2).map((_, i) => udpP(`10.0.6.${i + 1}`, 100, '198.51.100.5', 80)), 'a1')}
      ${STOP_AFTER_SOURCES}`,
    handlers: [...TABLES, 'ar.table', 'ar.patterns', 'ar.nmappings', 'ar.mapping_failures'],
  });
});

t.test('rewriters sharing one flow set (MAPPING_CAPACITY names the other)', async (t) => {
  const steps: Step[] = [];
  for (let i = 0; i < 5; i++) {
    steps.push([udpP(`10.0.0.${i + 1}`, 1000, '198.51.100.5', 53), 0]);
    steps.push([udpP(`10.0.9.${i + 1}`, 1000, '198.51.100.5', 53), 1]);
  }
  outputsIdentical(t, {
    config: `rw :: IPRewriter(pattern 192.0.2.1 1024-2000 - - 0 1, MAPPING_CAPACITY ar, UDP_GUARANTEE 0, UDP_TIMEOUT 30);
      ar :: IPAddrRewriter(pattern 192.0.2.100-192.0.2.120 - 0 1, CAPACITY 4, GUARANTEE 0, TIMEOUT 20);
      c0 :: CheckIPHeader -> rw; c1 :: CheckIPHeader -> ar;
      rw[0] -> @OUT(rout); rw[1] -> @OUT(rback); ar[0] -> @OUT(aout); ar[1] -> @OUT(aback);
      ${timeline(steps, ['c0', 'c1'], [[7, 'rw.capacity 3']])}`,
    handlers: ['rw.size', 'rw.capacity', 'ar.size', 'ar.capacity', 'rw.udp_table', 'ar.table', 'rw.nmappings', 'ar.nmappings', 'rw.mapping_failures', 'ar.mapping_failures'],
  });
});

/** The message with which an engine refuses to initialize a configuration ('' if it starts). */
function initError(engine: Engine, config: string): string {
  try {
    runSession(engine, { config, run: false });
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

/** Initialize a configuration in both engines; their error messages. */
function initErrors(config: string): { host: string; native: string } {
  return { host: initError('host', config), native: initError('native', config) };
}

t.test('initialization errors: unknown named patterns, mapper ports out of range', async (t) => {
  const cases: [string, string[]][] = [
    ['rw :: IPRewriter(pattern nosuch 0 0, keep 0 0, pattern other 0 0) -> Discard; InfiniteSource(LIMIT 0) -> rw; Idle2 :: InfiniteSource(LIMIT 0) -> [1] rw; InfiniteSource(LIMIT 0) -> [2] rw;',
      ["input spec 0: no such pattern 'nosuch'", "input spec 2: no such pattern 'other'"]],
    ['rr :: RoundRobinIPMapper(1.1.1.1 - - - 3 0, 2.2.2.2 - - - 0 1); InfiniteSource(LIMIT 0) -> rw :: IPRewriter(rr) -> Discard; rw[1] -> Discard;',
      ['input spec 0: output port out of range in rr :: RoundRobinIPMapper pattern 0']],
    ['rr :: RoundRobinIPMapper(nosuch 0 0, 2.2.2.2 - - - 0 0); InfiniteSource(LIMIT 0) -> IPRewriter(rr) -> Discard;', ["no such pattern 'nosuch'"]],
  ];
  for (const [config, messages] of cases) {
    const { host, native } = initErrors(config);
    for (const m of messages) {
      t.match(host, m, `host: ${m}`);
      t.match(native, m, `native: ${m}`);
    }
  }
});

t.test('sanitizer build: many flows, random ports, eviction and reaping', async (t) => {
  const steps: Step[] = [];
  for (let i = 0; i < 60; i++) {
    steps.push([i % 2 ? udpP(`10.1.${i >> 4}.${i & 15}`, 1000 + i, '198.51.100.5', 53) : tcpP(`10.1.${i >> 4}.${i & 15}`, 1000 + i, '198.51.100.5', 80, { flags: i % 6 ? ACK : FIN }), 0]);
    if (i % 5 === 4) steps.push([udpP('198.51.100.5', 53, '192.0.2.1', 3000 + i), 1]);
  }
  // (The sanitizer build runs with the default random seed.)
  sanitizedOutputsIdentical(t, {
    config: `rw :: IPRewriter(pattern 192.0.2.1 3000-3050? - - 0 1, drop, MAPPING_CAPACITY 25, UDP_TIMEOUT 8, TCP_DONE_TIMEOUT 3, TCP_NODATA_TIMEOUT 12, GUARANTEE 1, UDP_GUARANTEE 1, REAP_INTERVAL 5);
      c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw;
      rw[0] -> @OUT(out); rw[1] -> @OUT(back);
      ${timeline(steps, ['c0', 'c1'], [[40, 'rw.capacity 10']])}`,
    handlers: TABLES,
  });
});

t.test('IPAddrPairRewriter, ICMPIPEncap and RandomSeed: pairs both ways, ICMP errors back, Click\'s random choices, handlers', async (t) => {
  const out = (src: string, dst: string) => udpP(src, 1000, dst, 53);
  const steps: Step[] = [
    [out('198.51.100.5', '192.0.2.1'), 0], // no mapping yet: input 1 drops it
    [new Uint8Array(12).fill(0x11), 2], // ICMPIPEncap payloads
    [tcpP('198.51.100.5', 53, '192.0.2.2', 1000), 0],
    [udpP('198.51.100.5', 53, '1.0.0.2', 1024), 1],
    null,
    [new Uint8Array(3), 2],
    [udpP('198.51.100.99', 53, '192.0.2.20', 1000, { sum: 0 }), 0],
    null, null, null, null, null, null, null, null, null,
    [out('198.51.100.5', '192.0.2.1'), 0], // after the timeout
    [new Uint8Array(0), 2],
  ];
  for (const seed of [1, 4000000000]) {
    outputsIdentical(t, {
      config: `rs :: RandomSeed(${seed});
        pr :: IPAddrPairRewriter(pattern 192.0.2.1-192.0.2.3# - 0 1, drop, keep 0 1, pattern 192.0.2.16/28 198.51.100.99 0 1, TIMEOUT 9, GUARANTEE 2, REAP_INTERVAL 4);
        ur :: UDPRewriter(pattern 1.0.0.2 1024-65534 - - 0 1, drop);
        c0 :: CheckIPHeader -> [0] pr; c3 :: CheckIPHeader -> [3] pr; u0 :: CheckIPHeader -> [0] ur;
        tc0 :: CheckIPHeader -> [1] pr; tc1 :: CheckIPHeader -> [1] ur;
        ie :: ICMPIPEncap(10.0.7.1, 198.51.100.5, echo, IDENTIFIER 77) -> [2] pr;
        ie2 :: ICMPIPEncap(10.0.7.2, 198.51.100.5, timestamp) -> [2] pr;
        ie3 :: ICMPIPEncap(10.0.7.3, 198.51.100.6, unreachable, port) -> [2] pr;
        pr[0] -> tee :: Tee -> @OUT(out); pr[1] -> @OUT(back);
        tee[1] -> ICMPError(198.51.100.5, unreachable, host) -> icrw :: ICMPRewriter(pr) -> @OUT(icmp);
        ur[0] -> @OUT(uout); ur[1] -> @OUT(uback);
        ${sources([out('10.0.0.1', '198.51.100.5'), tcpP('10.0.0.2', 1000, '198.51.100.5', 53), out('10.0.0.1', '198.51.100.5'), out('10.0.0.3', '198.51.100.7'), out('10.0.0.4', '198.51.100.5')], 'c0')}
        ${sources(['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4'].map((s) => out(s, '203.0.113.1')), 'c3')}
        ${sources(['10.0.2.1', '10.0.2.2', '10.0.2.3', '10.0.2.4', '10.0.2.5'].map((s) => udpP(s, 1024, '1.0.0.2', 20)), 'u0')}
        ${sources([new Uint8Array(8)], 'ie')}
        ${sources([new Uint8Array(5).fill(0xab), new Uint8Array(0)], 'ie2')}
        ${sources([new Uint8Array(28).fill(0x45)], 'ie3')}
        ${timeline(steps, ['tc0', 'tc1', 'ie'], [[4, 'ie.src 10.0.7.9'], [9, 'rs.seed 77']])}`,
      handlers: ['pr.table', 'pr.mappings', 'pr.nmappings', 'pr.mapping_failures', 'pr.patterns', 'pr.size', 'ur.table', 'ie.src', 'ie.dst', 'rs.seed'],
    });
  }
});

t.test('patternN and table_size in both engines; a patternN write: the host replaces the spec, the native dataplane refuses', async (t) => {
  const config = `rw :: IPRewriter(pattern 192.0.2.1 1024-65534# - - 0 1, keep 0 1, drop);
    c0 :: CheckIPHeader -> [0] rw; c1 :: CheckIPHeader -> [1] rw; Idle -> [2] rw; rw[0] -> Discard; rw[1] -> Discard;
    ${sources([tcpP('10.0.0.1', 7, '198.51.100.5', 80), udpP('10.0.0.2', 7, '198.51.100.5', 53)], 'c0')}
    ${sources([udpP('10.0.0.3', 7, '198.51.100.5', 53)], 'c1')}
    ${STOP_AFTER_SOURCES}`;
  const reads = ['rw.pattern0', 'rw.pattern1', 'rw.pattern2', 'rw.table_size', 'rw.nmappings'];
  const { host, native } = paramReads(config, reads);
  t.same(native, host, 'reads identical');
  t.same(host, ['192.0.2.1 1024-65534 - - [2]\n', '<keep> [1]\n', '<drop>\n', '3', '3'].map((value) => ({ value })));
  const write = (engine: Engine) => runSession(engine, { config, after: [['w', 'rw.pattern1', 'drop'], ['r', 'rw.pattern1'], ['r', 'rw.size']] }).after;
  t.same(write('host'), [{ ok: true }, { ok: true, value: '<drop>\n' }, { ok: true, value: '2' }]);
  t.match(write('native'), [{ ok: false, message: 'input spec 1 cannot change in the native dataplane: the input specs are compiled into its code' }, { ok: true, value: '<keep> [1]\n' }, { ok: true, value: '3' }]);
});

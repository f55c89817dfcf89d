// FromDump and ToDump in both engines: capture variants made here (nanosecond,
// big-endian, pcapng, gzip, modified, old-version, truncated and damaged
// files), every keyword and read handler, and the same files, chatter and
// handler values from the native dataplane as from the host engine.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readCapture, writeCapture, type CapturedPacket } from '../../host-engine/pcap.js';
import { bigEndianPcap, pcapng, seq } from '../elements/io/capture-files.js';
import { frames } from '../util/packets.js';
import { differential, handlerDiff, initErrors, nativeSurvives, sanitizerRun } from './io-util.js';

const FIXTURE = new URL('../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;
const fixtureBytes = new Uint8Array(readFileSync(FIXTURE));
const fixture = readCapture(fixtureBytes);
const some = fixture.packets.slice(0, 40);

const READS = ['fd.count', 'fd.active', 'fd.encap', 'fd.filename', 'fd.filesize', 'fd.filepos', 'fd.packet_filepos', 'fd.sampling_prob', 'td.count', 'td.filename'];
const dump = (file: string, keywords = '', out = 'out.pcap', toKeywords = '') =>
  `fd :: FromDump(${file}${keywords ? ', ' + keywords : ''}) -> td :: ToDump(${out}${toKeywords ? ', ' + toKeywords : ''});`;

/** A classic file whose header has another magic number and version (and optional extra record bytes). */
function classicVariant(packets: readonly CapturedPacket[], magic: number, minor: number, extra = 0, swapLengths = false): Uint8Array {
  const parts: Uint8Array[] = [];
  const head = new Uint8Array(24);
  const hv = new DataView(head.buffer);
  hv.setUint32(0, magic, true);
  hv.setUint16(4, 2, true);
  hv.setUint16(6, minor, true);
  hv.setUint32(16, 65535, true);
  hv.setUint32(20, 1, true);
  parts.push(head);
  for (const p of packets) {
    const rec = new Uint8Array(16 + extra + p.data.length);
    const v = new DataView(rec.buffer);
    v.setUint32(0, p.tsSec, true);
    v.setUint32(4, Math.floor(p.tsNsec / 1000), true);
    v.setUint32(swapLengths ? 12 : 8, p.data.length, true);
    v.setUint32(swapLengths ? 8 : 12, p.origLen, true);
    rec.set(p.data, 16 + extra);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}

t.test('classic variants: nanosecond, big-endian, modified, version 2.2, snaplen', async (t) => {
  const cases: Record<string, Uint8Array> = {
    'ns.pcap': writeCapture(some.map((p, i) => ({ ...p, tsNsec: (p.tsNsec + i * 7) % 1e9 })), { nanosecond: true }),
    'be.pcap': bigEndianPcap(some),
    'mod.pcap': classicVariant(some, 0xa1b2cd34, 4, 8),
    'old.pcap': classicVariant(some, 0xa1b2c3d4, 2, 0, true),
    'snap.pcap': writeCapture(fixture.packets.slice(0, 30).map((p) => ({ ...p, origLen: p.origLen + 1000, data: p.data.subarray(0, 40) })), { snaplen: 40 }),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    await t.test(name, async (t) => differential(t, { config: dump(name, 'STOP true'), files: { [name]: bytes }, handlers: READS }));
  }
});

t.test('pcapng: little- and big-endian, nanosecond resolution, simple packet blocks, other link types', async (t) => {
  const pkts = [
    { ts: 1_700_000_000_000_001n, data: frames.udp() },
    { ts: 1_700_000_001_000_000n, data: seq(20) },
    { ts: 1_700_000_002_500_000n, data: frames.tcp(), origLen: 300 },
  ];
  const cases: Record<string, Uint8Array> = {
    'le.pcapng': pcapng(pkts),
    'be.pcapng': pcapng(pkts, { bigEndian: true }),
    'nano.pcapng': pcapng(pkts.map((p) => ({ ...p, ts: p.ts * 1000n + 7n })), { tsresol: 9 }),
    'pow2.pcapng': pcapng(pkts, { tsresol: 0x80 | 20 }),
    'simple.pcapng': pcapng(pkts, { simpleFirst: true }),
    'raw.pcapng': pcapng([{ ts: 5n, data: frames.udp().subarray(14) }], { linkType: 101 }),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    await t.test(name, async (t) => differential(t, { config: dump(name, 'STOP true'), files: { [name]: bytes }, handlers: READS }));
  }
});

t.test('gzip-compressed captures, one member or two', async (t) => {
  const half = fixtureBytes.length >> 1;
  differential(t, { config: dump('in.pcap.gz', 'STOP true'), files: { 'in.pcap.gz': gzipSync(fixtureBytes) }, handlers: READS });
  const twoMembers = Buffer.concat([gzipSync(fixtureBytes.subarray(0, half)), gzipSync(fixtureBytes.subarray(half))]);
  differential(t, { config: dump('two.gz', 'STOP true'), files: { 'two.gz': twoMembers }, handlers: READS });
});

t.test('damaged files: cut short, cut inside a header, nonsense lengths, bad pcapng blocks', async (t) => {
  const ng = pcapng([{ ts: 1n, data: seq(30) }, { ts: 2n, data: seq(30) }]);
  const badLen = fixtureBytes.slice(0, 24 + 16 + 60 + 16);
  new DataView(badLen.buffer).setUint32(24 + 16 + 60 + 8, 0x7fffffff, true);
  const cases: Record<string, Uint8Array> = {
    'cut.pcap': fixtureBytes.subarray(0, fixtureBytes.length - 10),
    'cuthead.pcap': fixtureBytes.subarray(0, 24 + 16 + 60 + 7),
    'badlen.pcap': writeCapture([{ tsSec: 1, tsNsec: 0, origLen: 60, data: seq(60) }]).length === 100 ? badLen : badLen,
    'header-only.pcap': writeCapture([]),
    'cut.pcapng': ng.subarray(0, ng.length - 6),
    'badblock.pcapng': (() => {
      const b = ng.slice();
      new DataView(b.buffer).setUint32(b.length - 64 + 4, 13, true);
      return b;
    })(),
    'cut.gz': gzipSync(fixtureBytes).subarray(0, 4000),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    if (name === 'cut.gz') {
      await t.test(name, async (t) => initErrors(t, { config: dump(name, 'STOP true'), files: { [name]: bytes } }));
      continue;
    }
    await t.test(name, async (t) => differential(t, { config: dump(name, 'STOP true'), files: { [name]: bytes }, handlers: READS }));
  }
});

t.test('files that are not captures fail initialization with the same message', async (t) => {
  const cases: Record<string, Uint8Array | string> = {
    'empty.pcap': '',
    'junk.pcap': 'GET / HTTP/1.1\r\nHost: example.org\r\n\r\n',
    'short.pcap': '\xd4\xc3',
    'major.pcap': (() => {
      const b = writeCapture([]);
      b[4] = 3;
      return b;
    })(),
    'bom.pcapng': (() => {
      const b = pcapng([]);
      b[8] = 0;
      return b;
    })(),
  };
  for (const [name, bytes] of Object.entries(cases)) await t.test(name, async (t) => initErrors(t, { config: dump(name), files: { [name]: bytes } }));
  await t.test('missing file', async (t) => initErrors(t, { config: dump('missing.pcap') }));
  await t.test('FORCE_IP on an unknown link type', async (t) =>
    initErrors(t, { config: dump('x.pcap', 'FORCE_IP true'), files: { 'x.pcap': writeCapture(some, { linkType: 147 }) } }));
  await t.test('FILEPOS past the end', async (t) => initErrors(t, { config: dump('in.pcap', 'FILEPOS 999999'), files: { 'in.pcap': fixtureBytes } }));
  await t.test('ToDump into a missing folder', async (t) => initErrors(t, { config: dump('in.pcap', '', 'no/such/dir/out.pcap'), files: { 'in.pcap': fixtureBytes } }));
});

t.test('one packet per task run with another task, batches alone: the same interleaving', async (t) => {
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> td :: ToDump(out.pcap);
             src :: InfiniteSource(LIMIT 50, STOP false) -> c :: Counter -> td2 :: ToDump(out2.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: ['fd.count', 'td.count', 'c.count', 'td2.count'],
  });
  differential(t, {
    config: `a :: FromDump(in.pcap) -> q :: Queue(1000) -> Unqueue(BURST 3) -> td :: ToDump(out.pcap);
             b :: FromDump(in2.pcap, STOP true) -> q;`,
    files: { 'in.pcap': fixtureBytes, 'in2.pcap': writeCapture(some) },
    handlers: ['a.count', 'b.count', 'td.count'],
  });
});

t.test('time windows', async (t) => {
  const t0 = fixture.packets[0]!;
  const mid = fixture.packets[100]!;
  const abs = `${mid.tsSec}.${String(mid.tsNsec).padStart(9, '0')}`;
  const cases = [
    `START ${abs}`,
    `END ${abs}`,
    `START_AFTER 0.000010`,
    `END_AFTER 0.00002, STOP true`,
    `START_AFTER 5us, INTERVAL 20us`,
    `START ${t0.tsSec}.5, END_AFTER 1`,
    `END ${abs}, END_CALL td.reset_counts`,
    `END ${abs}, END_CALL nosuch.handler`,
    `END ${abs}, END_CALL stop`,
  ];
  for (const kw of cases) {
    await t.test(kw, async (t) => differential(t, { config: dump('in.pcap', kw), files: { 'in.pcap': fixtureBytes }, handlers: READS }));
  }
});

t.test('TIMING replays at capture pace on simulated time', async (t) => {
  const paced = writeCapture([0, 0.5, 0.5, 2, 2.25, 7].map((d, i) => ({ tsSec: 50 + Math.floor(d), tsNsec: Math.round((d % 1) * 1e9), origLen: 60, data: seq(60, i) })));
  differential(t, { config: dump('paced.pcap', 'TIMING true, STOP true'), files: { 'paced.pcap': paced }, handlers: READS });
  differential(t, { config: dump('paced.pcap', 'true, STOP true', 'out.pcap', 'NANO false'), files: { 'paced.pcap': paced }, handlers: READS });
});

t.test('SAMPLE draws random numbers as the host does', async (t) => {
  differential(t, { config: dump('in.pcap', 'SAMPLE 0.25, STOP true'), files: { 'in.pcap': fixtureBytes }, handlers: READS });
  differential(t, { config: dump('in.pcap', 'SAMPLE 0.0009765625, STOP true'), files: { 'in.pcap': fixtureBytes }, handlers: READS, seed: 77 });
  differential(t, {
    config: `fd :: FromDump(in.pcap, SAMPLE 0.5, STOP true) -> RandomSample(0.5) -> td :: ToDump(out.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: READS,
  });
});

t.test('FORCE_IP: IP annotations, other frames to output 1 or dropped', async (t) => {
  differential(t, {
    config: `fd :: FromDump(in.pcap, FORCE_IP true, STOP true) -> td :: ToDump(ip.pcap);
             fd[1] -> other :: ToDump(other.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: ['fd.count', 'td.count', 'other.count'],
  });
  differential(t, {
    config: `fd :: FromDump(in.pcap, FORCE_IP true, STOP true) -> GetIPAddress(16) -> td :: ToDump(ip.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: ['fd.count', 'td.count'],
  });
});

t.test('ACTIVE false, FILEPOS, MMAP', async (t) => {
  differential(t, { config: dump('in.pcap', 'ACTIVE false'), files: { 'in.pcap': fixtureBytes }, handlers: READS });
  const pos = 24 + 16 + fixture.packets[0]!.data.length;
  differential(t, { config: dump('in.pcap', `FILEPOS ${pos}, MMAP true, STOP true`), files: { 'in.pcap': fixtureBytes }, handlers: READS });
});

t.test('pull mode: FromDump pulled through Unqueue; ToDump pulling with its task or passing packets on', async (t) => {
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> Unqueue(BURST 5) -> td :: ToDump(out.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: READS,
  });
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> q :: Queue(500) -> td :: ToDump(out.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: ['fd.count', 'td.count', 'q.length'],
  });
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> q :: Queue(500) -> td :: ToDump(out.pcap) -> Unqueue -> td2 :: ToDump(out2.pcap, SNAPLEN 20);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: ['fd.count', 'td.count', 'td2.count'],
  });
});

t.test('ToDump keywords: SNAPLEN, ENCAP, EXTRA_LENGTH, NANO, UNBUFFERED, USE_ENCAP_FROM, output', async (t) => {
  const snap = writeCapture(fixture.packets.slice(0, 30).map((p) => ({ ...p, origLen: p.origLen + 77 })));
  const variants = ['SNAPLEN 0', '64', '64, IP', 'ENCAP #147', 'EXTRA_LENGTH false', 'NANO false', 'UNBUFFERED true', 'USE_ENCAP_FROM fd', 'ENCAP SLL, NANO false, SNAPLEN 10'];
  for (const v of variants) {
    await t.test(v, async (t) => differential(t, { config: dump('in.pcap', 'STOP true', 'out.pcap', v), files: { 'in.pcap': snap }, handlers: READS }));
  }
  await t.test('with an output', async (t) =>
    differential(t, { config: `fd :: FromDump(in.pcap, STOP true) -> td :: ToDump(a.pcap) -> td2 :: ToDump(b.pcap, 0, IP);`, files: { 'in.pcap': snap }, handlers: ['td.count', 'td2.count'] }));
  await t.test('packets without a timestamp get the engine time', async (t) =>
    differential(t, { config: `InfiniteSource(LIMIT 5, TIMESTAMP false, STOP true) -> td :: ToDump(t.pcap); Idle -> td2 :: ToDump(u.pcap, NANO false, ENCAP IP) -> Discard;`, handlers: ['td.count'] }));
  await t.test('USE_ENCAP_FROM errors', async (t) => {
    await t.test('disagreeing sources', async (t) =>
      initErrors(t, { config: `b :: FromDump(ip.pcap) -> td2 :: ToDump(p.pcap); a :: FromDump(in.pcap) -> td :: ToDump(o.pcap, USE_ENCAP_FROM a b);`, files: { 'in.pcap': snap, 'ip.pcap': writeCapture([], { linkType: 101 }) } }));
    await t.test('a source not yet initialized', async (t) =>
      initErrors(t, { config: `td :: ToDump(o.pcap, USE_ENCAP_FROM a); a :: FromDump(in.pcap) -> td;`, files: { 'in.pcap': snap } }));
    await t.test('no encap handler', async (t) =>
      initErrors(t, { config: `c :: Counter; a :: FromDump(in.pcap) -> c -> td :: ToDump(o.pcap, USE_ENCAP_FROM c);`, files: { 'in.pcap': snap } }));
  });
});

t.test('compound elements: END_CALL and USE_ENCAP_FROM names resolve in the compound scope', async (t) => {
  differential(t, {
    config: `elementclass Trace { $f | fd :: FromDump($f, END_CALL td.reset_counts, END_AFTER 0.00001) -> td :: ToDump(out.pcap, USE_ENCAP_FROM fd) }
             t :: Trace(in.pcap);`,
    files: { 'in.pcap': fixtureBytes },
    handlers: ['t/fd.count', 't/td.count', 't/fd.active'],
  });
});

t.test('sanitizer builds: FromDump and ToDump on damaged and compressed input', async (t) => {
  sanitizerRun(t, { config: dump('cut.pcap', 'STOP true'), files: { 'cut.pcap': fixtureBytes.subarray(0, fixtureBytes.length - 10) }, handlers: READS });
  sanitizerRun(t, { config: dump('in.pcap.gz', 'STOP true, FORCE_IP true', 'out.pcap', 'SNAPLEN 30'), files: { 'in.pcap.gz': gzipSync(fixtureBytes) }, handlers: READS });
  sanitizerRun(t, { config: dump('x.pcapng', 'STOP true'), files: { 'x.pcapng': pcapng([{ ts: 1n, data: seq(30) }, { ts: 2n, data: seq(3000) }]).subarray(0, 3000) }, handlers: READS });
});

t.test('FromDump and ToDump handlers written from outside, before and after the run', async (t) => {
  const second = 24 + 16 + fixture.packets[0]!.data.length;
  handlerDiff(t, {
    config: dump('in.pcap', 'STOP true, END_AFTER 0.00003'),
    files: { 'in.pcap': fixtureBytes },
    writes: [
      ['fd.active', 'maybe'], ['fd.filepos', 'x'], ['fd.filepos', '-1'], ['fd.filepos', '99999999'], ['fd.filepos', String(second)],
      ['fd.extend_interval', 'soon'], ['fd.extend_interval', '10us'], ['fd.reset_timing', ''], ['fd.count', '3'], ['td.count', '1'],
      ['fd.encap', 'IP'], ['td.reset_counts', ''],
    ],
    writesAfter: [['fd.filepos', '0'], ['fd.active', 'true'], ['fd.stop', ''], ['fd.reset_counts', ''], ['td.reset_counts', '']],
    handlers: READS,
  });
  handlerDiff(t, {
    config: dump('in.pcap', 'ACTIVE false'),
    files: { 'in.pcap': fixtureBytes },
    run: false,
    writes: [['fd.active', 'yes'], ['fd.filepos', '24']],
    handlers: READS,
  });
});

/** Deterministic pseudo-random bytes (xorshift32). */
function noise(seed: number, n: number): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

t.test('random damage never crashes: classic and pcapng files with noise after their headers', async (t) => {
  for (const seed of [1, 2, 3]) {
    const classic = Buffer.concat([fixtureBytes.subarray(0, 24 + 16 * 3 + 200), noise(seed, 3000)]);
    const ng = pcapng([{ ts: 1n, data: seq(30) }]);
    const ngNoisy = Buffer.concat([ng, noise(seed + 10, 2000)]);
    // flip bytes inside the records of an otherwise good file
    const flipped = fixtureBytes.slice();
    const n = noise(seed + 20, 64);
    for (let k = 0; k < 32; k++) flipped[24 + ((n[2 * k]! << 8) | n[2 * k + 1]!) % (flipped.length - 24)] ^= 0xff;
    await t.test(`seed ${seed}`, async (t) => {
      for (const [name, bytes] of [['noisy.pcap', classic], ['flipped.pcap', flipped]] as const) {
        sanitizerRun(t, { config: `${dump(name, 'STOP true, FORCE_IP true', 'out.pcap', 'SNAPLEN 100')} fd[1] -> Discard;`, files: { [name]: bytes }, handlers: ['fd.count', 'td.count', 'fd.filepos'] });
      }
      // pcapng noise: block lengths up to 4 GiB, which the host engine's reader cannot allocate
      nativeSurvives(t, { config: `${dump('noisy.pcapng', 'STOP true')}`, files: { 'noisy.pcapng': ngNoisy }, handlers: ['fd.count', 'fd.filepos'], stderr: /fd: noisy\.pcapng: / });
    });
  }
});

// The example middleboxes in examples/: each configuration checks, runs on
// its captures in simulated time (in-process, in a scratch copy of its
// folder, the way `clickvm run --simtime` runs it there) and gives exactly the
// report, handler values and output captures its README promises, with every
// element's packet accounting balanced. The captures are reproducible from
// make-captures.ts byte for byte, and the router, the headline example, also
// runs through the real command line.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { loadFile } from '../config-lang/load.js';
import { formatAccountingTable, type AccountingReport } from '../host-engine/accounting.js';
import { readCapture } from '../host-engine/pcap.js';
import { Router } from '../host-engine/router.js';
import { EXAMPLES_DIR, buildCaptures } from '../examples/make-captures.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = import.meta.resolve('tsx');

interface Expected {
  /** Folder under examples/, and the configuration's base name. */
  readonly name: string;
  /** What the configuration prints on standard output (its DriverManager/Script report). */
  readonly stdout: readonly string[];
  /** More read handlers and their values after the run. */
  readonly handlers: Readonly<Record<string, string>>;
  /** Each capture the run writes, and its packet count. */
  readonly outputs: Readonly<Record<string, number>>;
}

const EXAMPLES: readonly Expected[] = [
  {
    name: 'firewall',
    stdout: [
      'allowed: 32 ssh, 588 established, 40 dns, 23 ping',
      'denied: 88; bad IP headers: 2; ARP bridged: 12; other frames dropped: 7',
    ],
    handlers: { 'in.count': '792', 'pass.count': '695', 'log.count': '88' },
    outputs: { 'out.pcap': 695, 'denied.pcap': 88 },
  },
  {
    name: 'nat',
    stdout: [
      'translated out: 410 packets; back in: 496 of 508 for 198.51.100.2 (52 flows mapped)',
      'not translated: 4 from inside; ARP: 10 queries inside',
    ],
    handlers: { 'rw.nmappings': '52', 'rw.mapping_failures': '0', 'arpq.length': '0', 'inside.count': '438', 'outside.count': '513' },
    outputs: { 'inside-out.pcap': 519, 'outside-out.pcap': 414 },
  },
  {
    name: 'router',
    stdout: [
      'eth0: 535 frames in, 677 out; eth1: 656 frames in, 495 out',
      'forwarded: 658 IP packets to eth0, 491 to eth1; for the router itself: 9',
      'ARP: 13 queries on eth0 (3 packets still waiting), 2 on eth1',
      'ICMP errors: 5 time exceeded, 3 need-fragment, 1 parameter problem, 1 redirect',
      'dropped: 2 bad IP headers, 0 + 6 link broadcasts, 7 not IPv4, 8 for other hosts',
    ],
    handlers: { 'arpq0.length': '3', 'arpq1.count': '2', 'frag1.fragments': '12', 'opt1.drops': '1', 'out0.length': '0', 'out1.length': '0' },
    outputs: { 'if0-out.pcap': 677, 'if1-out.pcap': 495 },
  },
  {
    name: 'load-balancer',
    stdout: [
      'connections: 90; packets to server 1: 318, server 2: 334, server 3: 313',
      'answers to clients: 797; refused: 6 from clients, 3 from servers',
    ],
    handlers: { 'rw.nmappings': '90', 'rw.mapping_failures': '0' },
    outputs: { 'back-out.pcap': 968, 'front-out.pcap': 801 },
  },
  {
    name: 'monitor',
    stdout: [
      't=1s  215 packets  911776 bit/s',
      't=2s  243 packets  964384 bit/s',
      't=3s  400 packets  2713960 bit/s',
      't=4s  196 packets  981816 bit/s',
      't=5s  260 packets  1393704 bit/s',
      't=6s  293 packets  1552216 bit/s',
      't=7s  303 packets  1634904 bit/s',
      't=8s  186 packets  1028624 bit/s',
      't=9s  230 packets  1364224 bit/s',
      'IPv4: 2445 packets, 1662299 bytes, 1394253.72195 bit/s; not IPv4: 19 frames',
      'web   1675 packets  1321923 bytes  1168679.85413 bit/s',
      'quic  362 packets  230841 bytes  307531.723564 bit/s',
      'dns   120 packets  8258 bytes  12.5812539316 packets/s',
      'ssh   123 packets  19401 bytes  83.0519918974 packets/s',
      'mail  117 packets  78628 bytes  122188.034188 bit/s',
      'icmp  20 packets  1680 bytes',
      'other 28 packets  1568 bytes',
    ],
    handlers: { 'out.count': '2464', 'sample.drops': '2421' },
    outputs: { 'out.pcap': 2464 },
  },
  {
    name: 'rate-limiter',
    stdout: [
      't=1s  offered 583000 bit/s  sent 583000 bit/s  queue 0  dropped 0',
      't=2s  offered 10840144 bit/s  sent 5096712 bit/s  queue 133  dropped 433',
      't=3s  offered 197144 bit/s  sent 1125576 bit/s  queue 0  dropped 433',
      't=4s  offered 696944 bit/s  sent 696944 bit/s  queue 0  dropped 433',
      'offered: 1667 packets at 3087025.56391 bit/s',
      'sent:    1234 packets at 1880258.64662 bit/s',
      'queue:   433 dropped, at most 200 waiting, 0 left',
    ],
    handlers: { 'shaper.rate': '5.002496Mbps', 'q.drops': '433' },
    outputs: { 'out.pcap': 1234 },
  },
];

/** A scratch copy of an example folder: its configuration and input captures only. */
function stage(name: string): string {
  const from = join(EXAMPLES_DIR, name);
  const dir = mkdtempSync(join(tmpdir(), `clickvm-example-${name}-`));
  cpSync(from, dir, { recursive: true, filter: (src) => src === from || /\.click$|in\.pcap$/.test(src) });
  return dir;
}

interface Outcome {
  readonly stdout: string[];
  readonly stderr: string[];
  readonly handlers: Record<string, string>;
  readonly accounting: AccountingReport;
  readonly reason: string;
}

function runInProcess(dir: string, ex: Expected): Outcome {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const graph = loadFile(join(dir, `${ex.name}.click`));
  const router = new Router(graph, { simtime: true, baseDir: dir, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) });
  try {
    router.initialize();
    const { reason } = router.run();
    const handlers: Record<string, string> = {};
    for (const h of Object.keys(ex.handlers)) handlers[h] = router.readHandler(h);
    return { stdout, stderr, handlers, accounting: router.accounting(), reason };
  } finally {
    router.cleanup();
  }
}

function packetsIn(path: string): number {
  return readCapture(readFileSync(path)).packets.length;
}

function clickvm(args: string[], cwd: string) {
  return spawnSync(process.execPath, ['--import', tsx, join(root, 'cli', 'main.ts'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
}

for (const ex of EXAMPLES) {
  t.test(`examples/${ex.name}`, async (t) => {
    const readme = readFileSync(join(EXAMPLES_DIR, ex.name, 'README.md'), 'utf8');
    t.match(readme.split('\n')[0], new RegExp(`^# ${ex.name}: `), 'README opens with what the example is');
    t.match(readme, `${ex.name}.click`, 'README says how to run it');
    for (const line of ex.stdout) t.ok(readme.includes(line), `README shows: ${line}`);
    for (const [file, n] of Object.entries(ex.outputs)) t.match(readme, `\`${file}\` (${n} frames`, `README gives ${file}'s size`);

    const check = clickvm(['check', `${ex.name}.click`], join(EXAMPLES_DIR, ex.name));
    t.same({ status: check.status, stdout: check.stdout, stderr: check.stderr }, { status: 0, stdout: '', stderr: '' }, 'clickvm check passes silently');

    const dir = stage(ex.name);
    try {
      const got = runInProcess(dir, ex);
      t.equal(got.reason, 'stopped', 'the run ends by a stop request (end of the captures)');
      t.same(got.stdout, ex.stdout, 'the report it prints', { stderr: got.stderr.slice(0, 20).join('\n') });
      t.same(got.handlers, ex.handlers, 'handler values');
      t.ok(got.accounting.ok, 'every element balances in + created = out + dropped + consumed + held', {
        accounting: got.accounting.ok ? undefined : formatAccountingTable(got.accounting),
      });
      const produced = readdirSync(dir).filter((f) => f.endsWith('.pcap') && !/in\.pcap$/.test(f)).sort();
      t.same(produced, Object.keys(ex.outputs).sort(), 'the output captures it writes');
      for (const [file, n] of Object.entries(ex.outputs)) t.equal(packetsIn(join(dir, file)), n, `${file} holds ${n} packets`);
      if (ex.name === 'monitor') {
        const samples = got.stderr.filter((l) => l.startsWith('sample: '));
        t.equal(samples.length, 24, 'IPPrint shows a 1% sample: 24 lines');
        t.equal(samples[0], 'sample: 1000000000.114714: 192.0.2.53.53 > 10.0.0.32.38984: udp 53');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

t.test('the router example through the real command line', async (t) => {
  const dir = stage('router');
  try {
    const r = clickvm(['run', '--simtime', 'router.click', '-h', 'arpq0.length'], dir);
    t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
    const router = EXAMPLES.find((e) => e.name === 'router')!;
    t.equal(r.stdout, [...router.stdout, '3', ''].join('\n'), 'the summary, then the handler value');
    t.same(r.stderr.split('\n').filter(Boolean), [
      'DropBroadcasts: dropped a packet',
      'IPFragmenter(1400) DF 10.0.0.13 203.0.113.80 len=1500',
      'IPFragmenter(1400) DF 10.0.0.13 203.0.113.80 len=1500',
      'IPFragmenter(1400) DF 10.0.0.13 203.0.113.80 len=1500',
      'bad_ip: IP header check failed: bad IP checksum',
    ], "the elements' notes on standard error");
    t.equal(packetsIn(join(dir, 'if0-out.pcap')), 677);
    t.equal(packetsIn(join(dir, 'if1-out.pcap')), 495);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

t.test('make-captures.ts reproduces every committed capture byte for byte', async (t) => {
  const built = buildCaptures();
  const committed = EXAMPLES.flatMap((ex) =>
    readdirSync(join(EXAMPLES_DIR, ex.name)).filter((f) => /in\.pcap$/.test(f)).map((f) => `${ex.name}/${f}`),
  ).sort();
  t.same(built.map((c) => c.path).sort(), committed, 'one generated capture per committed input capture');
  for (const c of built) {
    const bytes = c.bytes();
    const onDisk = readFileSync(join(EXAMPLES_DIR, c.path));
    t.ok(Buffer.compare(Buffer.from(bytes), onDisk) === 0, `${c.path}: identical (${c.size} packets)`);
  }
  // A second build gives the same bytes: nothing depends on the clock or on Math.random.
  const again = buildCaptures();
  t.ok(again.every((c, i) => Buffer.compare(Buffer.from(c.bytes()), Buffer.from(built[i]!.bytes())) === 0), 'deterministic');
});

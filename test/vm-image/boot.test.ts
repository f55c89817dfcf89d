// Compiled configurations boot as VM images under QEMU (microvm, TCG) and
// print exactly what the host binary of the same configuration prints.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../dataplane-native/native-spec.js';
import { alive, boot, buildImage, compileConfig, runHost } from './vm-util.js';

interface Case {
  readonly name: string;
  readonly config: string;
  readonly defines?: Record<string, string>;
  readonly args: readonly string[];
  /** What the output must contain, besides being the host's. */
  readonly expect: RegExp;
}

const cases: Case[] = [
  {
    name: 'a counter',
    config: 'InfiniteSource(LIMIT 1000, STOP true) -> c :: Counter -> Discard;',
    args: ['-h', 'c.count'],
    expect: /^1000\n$/,
  },
  {
    name: 'the IP router benchmark (ARP, classification, lookup, TTL, fragmentation)',
    config: readFileSync(join(repoRoot, 'benchmarks', 'configs', 'f_ip_router.click'), 'utf8'),
    defines: { N: '5000' },
    args: ['-h', 'cnt.count', '-h', 'chk.drops', '--accounting'],
    expect: /^cnt\.count:\n5000\n\nchk\.drops:\n0\n\n$/,
  },
  {
    name: 'push and pull through a queue',
    config:
      'InfiniteSource(LENGTH 60, LIMIT 777, BURST 8, STOP true) -> q :: Queue(100) -> u :: Unqueue(BURST 4) -> c :: Counter -> Discard;',
    args: ['-h', 'c.count', '-h', 'q.drops', '-h', 'c.byte_count', '--accounting'],
    expect: /c\.byte_count:\n\d+\n/,
  },
  {
    name: 'doubles formatted by the Script element (%.12g, shortest round trip, inf)',
    config: `s :: Script(TYPE ACTIVE,
      print $(div 1 3) $(mul 0.1 3) $(add 0.1 0.2) $(div 2 7) $(sub 1e20 1) $(div 22 7),
      print $(div 1e300 1e-10) $(mul 1.5 -2) $(div 10 4) $(div -1 3e-9),
      stop);`,
    args: [],
    expect: /^0\.333333333333 .*\ninf -3 2\.5 /,
  },
  {
    name: 'rates in simulated time (AverageCounter and Counter doubles)',
    config: `RatedSource(DATA \\<00 11 22 33 44 55 66 77 88 99 aa bb 08 00>, RATE 3000, LIMIT 300, STOP true)
      -> ac :: AverageCounter -> c :: Counter -> Discard;`,
    args: ['--simtime', '-h', 'ac.rate', '-h', 'ac.count', '-h', 'c.rate', '-h', 'c.count'],
    expect: /ac\.rate:\n\d+(\.\d+)?\n/,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const program = compileConfig(c.config, c.defines);
    const host = runHost(program, c.args);
    t.equal(host.status, 0, host.output);
    t.match(host.output, c.expect, 'the host binary prints what the case expects');
    const image = buildImage(program);
    const vm = await boot(t, image, { append: c.args.join(' ') });
    t.same({ kind: vm.kind, status: vm.status }, { kind: 'exit', status: 0 }, vm.stderr || vm.console);
    t.equal(vm.console, host.output, 'the VM console shows byte for byte what the host binary printed');
    t.notOk(vm.timedOut);
    t.notOk(alive(vm.pid), 'QEMU has exited');
  });
}

t.test('timers in real time: TimedSource and RatedSource end the run at their limits', async (t) => {
  const program = compileConfig(`
    TimedSource(INTERVAL 0.01, LIMIT 10, STOP true) -> a :: Counter -> Discard;
    RatedSource(RATE 500, LIMIT 20) -> b :: Counter -> Discard;`);
  const vm = await boot(t, buildImage(program), { append: '-h a.count -h b.count -t' });
  t.equal(vm.kind, 'exit', vm.console);
  t.equal(vm.status, 0);
  t.match(vm.console, /a\.count:\n10\n\nb\.count:\n\d+\n/);
  const ns = Number(/clickvm-run-ns (\d+)/.exec(vm.console)?.[1]);
  // Ten ticks 10 ms apart: at least 90 ms of guest time; a generous upper bound for a loaded machine.
  t.ok(ns >= 90e6 && ns < 20e9, `the run took ${ns / 1e6} ms of guest time`);
});

t.test('command-line quoting: "..." and \'...\' group words for argv', async (t) => {
  const program = compileConfig('InfiniteSource(LIMIT 5, STOP true) -> c :: Counter -> Discard;');
  const vm = await boot(t, buildImage(program), { append: `-h "c.count" -h 'c.byte_count'` });
  t.equal(vm.kind, 'exit', vm.console);
  t.equal(vm.console, runHost(program, ['-h', 'c.count', '-h', 'c.byte_count']).output);
});

t.test('a driver error: the status and message come through', async (t) => {
  const program = compileConfig('InfiniteSource(LIMIT 5, STOP true) -> c :: Counter -> Discard;');
  const vm = await boot(t, buildImage(program), { append: '-h nosuch.count' });
  const host = runHost(program, ['-h', 'nosuch.count']);
  t.equal(host.status, 1);
  t.same({ kind: vm.kind, status: vm.status }, { kind: 'exit', status: 1 });
  t.equal(vm.console, host.output);
});

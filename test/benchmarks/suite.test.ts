// The benchmark suite run with --quick (configuration a only, to stay
// short) into a temporary folder: the JSON's
// shape, every row measured, the Markdown table and the SVG charts
// well-formed. Never a speed: the figures are only checked to be numbers.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { BenchUsageError, parseBenchArgs } from '../../benchmarks/suite/main.js';
import type { Results } from '../../benchmarks/suite/run.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = import.meta.resolve('tsx');

/** Well-formed XML as far as these charts go: one root, every tag closed in order, attributes quoted, entities known. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos);)/g)) {
    if (m[0] === '<') problems.push(`stray < at ${m.index}`);
    else if (m[0].startsWith('&')) problems.push(`bare & at ${m.index}`);
    else if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`</${m[2]}> closes the wrong element at ${m.index}`);
    } else if (!m[4]) {
      if (!stack.length) roots++;
      stack.push(m[2]!);
    } else if (!stack.length) roots++;
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(' ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

t.test('xmlProblems finds broken documents', async (t) => {
  t.same(xmlProblems('<svg a="1"><g><text>x &amp; y</text></g><line/></svg>'), []);
  t.not(xmlProblems('<svg><g></svg>').length, 0);
  t.not(xmlProblems('<svg><text>a < b</text></svg>').length, 0);
  t.not(xmlProblems('<svg>a & b</svg>').length, 0);
  t.not(xmlProblems('<svg/><svg/>').length, 0);
});

t.test('npm run bench -- --quick writes JSON, Markdown and SVG charts', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'clickvm-bench-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'benchmarks/bench.ts'), '--quick', '--configs', 'a', '--out', out, '--stem', 'quick'], { encoding: 'utf8', cwd: root });
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.match(lines[lines.length - 1]!, /^wrote .*quick\.json/);
  t.notMatch(r.stdout, /\x1b\[/, 'no progress bar when stdout is not a terminal');

  const res = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as Results;
  t.equal(res.schema, 'clickvm-bench/1');
  t.match(res.machine, { cpuModel: String, cores: Number, kernel: String, node: String });
  t.ok(res.machine.cores >= 1);
  t.same(res.matrix.sizes, [64, 1500]);
  t.same(res.matrix.configs, ['a_source_discard']);
  t.ok(res.matrix.runs >= 5, 'medians of at least 5 runs');
  t.equal(res.rows.length, res.matrix.configs.length * res.matrix.sizes.length, 'one row per configuration and size');
  t.equal(lines.filter((l) => /\(\d+\/\d+\)$/.test(l)).length, res.rows.length, 'one log line per row');
  for (const row of res.rows) {
    t.same(row.errors, {}, `${row.config} ${row.size}: no failures`);
    t.ok(Math.abs(row.lineRateMpps - 10e3 / ((row.size + 20) * 8)) < 1e-9, 'line rate from the frame size');
    for (const engine of ['host', 'native', 'inprocess', 'vm'] as const) {
      const m = row.results[engine]!;
      t.ok(m, `${row.config} ${row.size} ${engine} measured`);
      t.equal(m.runs, res.matrix.runs);
      const sent = engine === 'host' ? res.matrix.hostPackets : engine === 'vm' ? res.matrix.vmPackets : res.matrix.packets;
      t.equal(m.packets, sent, 'every packet counted');
      t.ok(m.mpps.min <= m.mpps.median && m.mpps.median <= m.mpps.max && m.mpps.min > 0, 'min <= median <= max');
      t.ok(m.startupMs && m.startupMs.median >= 0, 'start-up reported separately');
      t.type(row.gbps[engine], 'number');
    }
    t.same(row.ratioToClick, {}, 'no ratio without --reference');
    const cyc = row.cyclesPerPacket!.native!;
    t.ok(Math.abs(cyc - res.machine.mhz / row.results.native!.mpps.median) < 1e-6 * cyc, 'native cycles per packet: the nominal clock over the median rate');
    if (row.size === 64) {
      const l = row.inprocessLatency!;
      t.ok(l && l.frames > 0 && l.medianUs > 0 && l.medianUs <= l.p99Us && l.p99Us <= l.maxUs, 'in-process latency at the smallest size: median <= p99 <= max');
    } else t.notOk(row.inprocessLatency, 'latency only at the smallest size');
  }

  // Scaling: the native binary alone, then one instance per core at once, at the smallest size.
  t.equal(res.scaling?.length, res.matrix.configs.length, `a scaling row per configuration${res.scalingError ? `: ${res.scalingError}` : ''}`);
  for (const s of res.scaling ?? []) {
    t.equal(s.size, 64);
    t.ok(s.instances >= 2, 'at least two instances');
    t.ok(s.single.median > 0 && s.aggregate.median > 0, 'both shapes measured');
    t.ok(Math.abs(s.efficiency - s.aggregate.median / (s.instances * s.single.median)) < 1e-9, 'efficiency from the medians');
  }
  t.match(md0(out), /## Multi-core scaling \(native binary, 64 B frames\)/);

  t.match(res.vmAccel, /^(tcg|kvm)$/, 'the VM\'s accelerator is recorded');
  const vb = res.vmBoot!;
  t.ok(vb, `VM image figures${res.vmBootError ? `: ${res.vmBootError}` : ''}`);
  t.ok(vb.imageBytes.ipRouter > vb.imageBytes.emptyProgram && vb.imageBytes.emptyProgram > 0, 'image sizes');
  t.ok(vb.guestMainMs.median > 0 && vb.guestReadyMs.median >= vb.guestMainMs.min, 'guest boot milestones in order');
  t.ok(vb.firstFrameMs.median > 0 && vb.bootToExitMs.emptyProgram.median > 0, 'QEMU start to first frame, and the baseline');
  t.ok(vb.smallestMemoryMiB >= 2 && vb.smallestMemoryMiB <= 16, `runs in ${vb.smallestMemoryMiB} MiB`);
  // Latency on veth pairs (as root: CI is) and through the VM's NICs: the shape, each row's own order, never a speed.
  if (process.getuid?.() === 0) {
    const v = res.vethLatency!;
    t.ok(v, `veth latency${res.vethLatencyError ? `: ${res.vethLatencyError}` : ''}`);
    t.equal(v.frameBytes, 64);
    t.same(v.rows.map((x) => (x.path === 'kernel' ? 'kernel' : `${x.path} ${x.method}`)), ['kernel', 'native LINUX', 'native PCAP', 'native XDP', 'host LINUX'], 'the baseline first, then each engine and method (--quick: the host engine over LINUX only)');
    for (const x of v.rows) {
      if (x.path === 'kernel' || x.method !== 'XDP') t.notOk(x.error, `${x.path} ${x.method ?? ''} measured`);
      if (x.error) continue;
      t.equal(x.lost, 0, `${x.path} ${x.method ?? ''}: every frame came back`);
      t.ok(x.medianUs > 0 && x.medianUs <= x.p99Us && x.p99Us <= x.maxUs, `${x.path} ${x.method ?? ''}: median <= p99 <= max`);
      if (x.path !== 'kernel') t.ok(Math.abs(x.addedUs! - (x.medianUs - v.rows[0]!.medianUs)) < 1e-9, 'what it adds: its median less the baseline');
    }
    t.match(md0(out), /## Latency on veth pairs \(64 B frames\)/);
  }
  const vn = res.vmNicLatency!;
  t.ok(vn, `VM NIC latency${res.vmNicLatencyError ? `: ${res.vmNicLatencyError}` : ''}`);
  t.ok(vn.baseline.medianUs > 0 && vn.vm.medianUs <= vn.vm.p99Us && vn.vm.p99Us <= vn.vm.maxUs, 'VM NIC latency: median <= p99 <= max');
  t.ok(Math.abs(vn.addedUs - (vn.vm.medianUs - vn.baseline.medianUs)) < 1e-9, 'what the VM adds over the relay');
  t.match(md0(out), /## Latency through the VM's NICs \(64 B frames\)/);

  // --quick: the front end on a 1,000-element configuration and one example through gcc.
  const fe = res.frontend!;
  t.ok(fe, 'front-end timings');
  t.ok(fe.generated.elements >= 1000, `${fe.generated.elements} elements`);
  for (const p of ['parse', 'elaborate', 'check', 'total'] as const) t.ok(fe.generated.wallMs[p].median > 0, `${p} timed`);
  t.ok(fe.generated.wallMs.total.median >= fe.generated.wallMs.check.min, 'the total covers the phases');
  t.same(fe.generated.standIns, [], 'every class of the generated configuration is a real one');
  t.ok(fe.generated.codegenMs && fe.generated.codegenMs.median > 0, 'C generation timed');
  t.equal(fe.examples.length, 1);
  t.ok(fe.examples[0]!.elements > 0 && fe.examples[0]!.gccMs > 0, 'an example through gcc');

  const md = readFileSync(join(out, 'quick.md'), 'utf8');
  t.match(md, /^# clickvm benchmark suite/);
  t.match(md, res.machine.cpuModel);
  const tables = md.split(/\n\n/).filter((b) => b.startsWith('| '));
  t.ok(tables.length >= 7, 'throughput, start-up, latency, scaling, VM and front-end tables');
  t.match(md, /## Latency \(in-process, 64 B frames\)/);
  t.match(md, /## Front end \(text to binary\)/);
  t.match(md, /## VM image \(QEMU (tcg|kvm)/);
  for (const table of tables) {
    const cols = table.split('\n').map((l) => l.split(' | ').length);
    t.ok(cols.every((c) => c === cols[0]), 'every table line has the same columns');
    t.match(table.split('\n')[1]!, /^\| ---( \| ---)* \|$/);
  }
  t.equal(table(md).length, res.rows.length, 'a table line per row');

  const svgs = readdirSync(out).filter((f) => f.endsWith('.svg')).sort();
  t.same(svgs, ['quick-host.svg', 'quick-inprocess.svg', 'quick-native.svg', 'quick-vm.svg'], 'a chart per engine, no ratio chart without Click');
  for (const f of svgs) {
    const svg = readFileSync(join(out, f), 'utf8');
    t.same(xmlProblems(svg), [], `${f} is well-formed`);
    t.match(svg, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    t.match(svg, /10GbE line rate/);
    t.match(svg, /<polyline points="[\d.]+,[\d.]+ /, 'has plotted lines');
    t.ok(md.includes(`](${f})`), `${f} linked from the Markdown`);
  }

  // --render writes the same Markdown and charts again from the JSON alone.
  const before = new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
  for (const f of before.keys()) if (!f.endsWith('.json')) rmSync(join(out, f));
  const again = spawnSync(process.execPath, ['--import', tsx, join(root, 'benchmarks/bench.ts'), '--render', join(out, 'quick.json')], { encoding: 'utf8', cwd: root });
  t.equal(again.status, 0, again.stderr);
  t.same(new Map(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])), before, '--render reproduces the files');
});

const md0 = (out: string): string => readFileSync(join(out, 'quick.md'), 'utf8');

/** The throughput table's body lines. */
function table(md: string): string[] {
  const block = md.split('## Steady-state throughput')[1]!.split(/\n\n/)[1]!;
  return block.split('\n').slice(2);
}

t.test('bad options are usage errors', async (t) => {
  for (const args of [['--engines', 'fpga'], ['--runs', '0'], ['--reference', '/nonexistent/click'], ['--sizes', '32'], ['--configs', 'zz'], ['--frobnicate']]) {
    t.throws(() => parseBenchArgs(args), BenchUsageError, args.join(' '));
  }
  t.match(parseBenchArgs(['--quick', '--configs', 'a,e', '--sizes', '64,128', '--runs', '7']), { quick: true, only: ['a', 'e'], sizes: [64, 128], runs: 7 });
});

t.test('clickvm bench: its options in --help, bad ones a usage error', async (t) => {
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', tsx, join(root, 'cli/main.ts'), ...args], { encoding: 'utf8', cwd: root });
  const help = cli(['bench', '--help']);
  t.equal(help.status, 0, help.stderr);
  for (const o of ['--quick', '--reference', '--callgrind', '--dpdk', '--sizes', '--out', '--vm-packets', '--skip-scaling', '--skip-device-latency']) t.match(help.stdout, o);
  const bad = cli(['bench', '--engines', 'fpga']);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /fpga/);
  t.notMatch(bad.stderr, /\n\s+at .*:\d+:\d+\)?\n/, 'no stack trace');
});

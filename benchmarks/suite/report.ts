// Writing a run's results: the JSON as measured, a Markdown table, and SVG
// charts (Mpps against frame size per engine with the 10GbE line rate;
// ratio to Click per configuration).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineRatePps } from './frames.js';
import { shortName, type Engine } from './matrix.js';
import type { Measured, Results, Row } from './run.js';
import type { Spread } from './stats.js';
import { FRONTEND_PHASES } from '../frontend.js';
import type { FrontendResults } from './frontend.js';
import type { VmBootResults } from './vm-boot.js';
import { barChart, lineChart, type Series } from './svg.js';

const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const range = (s: Spread): string => `${f(s.min)}-${f(s.max)}`;
const cell = (r: Row, e: Measured): string => {
  const m = r.results[e];
  // A run that counted nothing readable has no rate (NaN is null in the JSON).
  if (m && Number.isFinite(m.mpps.median)) return `${f(m.mpps.median)} (${range(m.mpps)})`;
  return r.errors[e] ? 'failed' : '-';
};

export const ENGINE_TITLES: Record<Measured, string> = {
  host: 'host engine (TypeScript)',
  native: 'native engine (standalone binary)',
  inprocess: 'native engine in-process (koffi)',
  vm: 'native engine in its VM image (QEMU)',
  click: 'Click userlevel driver',
};

function vmBootSection(v: VmBootResults): string[] {
  const sp = (s: Spread): string => `${f(s.median)} (${range(s)})`;
  const kb = (n: number): string => `${(n / 1024).toFixed(0)} KiB (${n.toLocaleString('en-US')} B)`;
  return [
    `## VM image (QEMU ${v.accel}, -M microvm, median of ${v.runs} boots)`,
    '',
    table(
      ['figure', 'value'],
      [
        ['image, IP router (stripped)', kb(v.imageBytes.ipRouter)],
        ['image, trivial configuration', kb(v.imageBytes.trivial)],
        ['image, empty program (kernel + libc)', kb(v.imageBytes.emptyProgram)],
        ['guest clock, first instruction to main(), two NICs (ms)', sp(v.guestMainMs)],
        ['guest clock, first instruction to ready-to-forward, two NICs (ms)', sp(v.guestReadyMs)],
        ['QEMU start to first frame forwarded NIC 0 -> NIC 1 (ms)', sp(v.firstFrameMs)],
        ['QEMU start to exit, trivial configuration (ms)', sp(v.bootToExitMs.trivial)],
        ['QEMU start to exit, empty program: the baseline (ms)', sp(v.bootToExitMs.emptyProgram)],
        ['smallest -m for the IP router', `${v.smallestMemoryMiB} MiB`],
      ],
    ),
    '',
  ];
}

function deviceLatencySection(r: Results): string[] {
  const out: string[] = [];
  const v = r.vethLatency;
  if (v || r.vethLatencyError) {
    out.push(`## Latency on veth pairs (${v?.frameBytes ?? 64} B frames)`, '');
    if (!v) out.push(`Not measured: ${r.vethLatencyError}`, '');
    else {
      out.push(
        `Sender, middlebox and receiver in three network namespaces joined by two veth pairs; one frame at a time out of the sender's link, timed until it arrives on the receiver's ` +
          `(one process holds both sockets: one clock), ${v.gapUs} us between frames so that each sample includes the middlebox waking up. ` +
          'The kernel row is the kernel forwarding between the two links itself (tc mirred, no user space): the floor. ' +
          'METHOD LINUX is the TPACKET_V2 ring of frame slots (a frame is handed over as it arrives); METHOD PCAP the TPACKET_V3 ring of blocks, which hands a block over when it fills or after its 1 ms timeout, so a lone frame waits for the timeout; METHOD XDP is AF_XDP (copy mode on veth).',
        '',
        table(
          ['path', 'frames', 'lost', 'median us', '99th percentile us', 'max us', 'adds (us)'],
          v.rows.map((x) => [
            x.path === 'kernel' ? 'kernel forwarding (baseline)' : `${x.path} engine bridge, METHOD ${x.method}`,
            String(x.frames),
            String(x.lost),
            ...(x.error ? ['failed', '-', '-', x.error] : [f(x.medianUs), f(x.p99Us), f(x.maxUs), x.addedUs !== undefined ? f(x.addedUs) : '-']),
          ]),
        ),
        '',
      );
    }
  }
  const m = r.vmNicLatency;
  if (m || r.vmNicLatencyError) {
    out.push(`## Latency through the VM's NICs (${m?.frameBytes ?? 64} B frames)`, '');
    if (!m) out.push(`Not measured: ${r.vmNicLatencyError}`, '');
    else {
      out.push(
        `A bridge image (FromDevice(0) -> Queue -> ToDevice(1)) under QEMU ${m.accel}, its NICs on loopback UDP (-netdev dgram); one frame at a time into NIC 0, timed until it leaves NIC 1, ` +
          `${m.frames.toLocaleString('en-US')} frames after a warm-up. The baseline is the same two datagrams with a relay socket in the measuring process where the VM would be.`,
        '',
        table(
          ['path', 'median us', '99th percentile us', 'max us', 'adds (us)'],
          [
            ['UDP relay in-process (baseline)', f(m.baseline.medianUs), f(m.baseline.p99Us), f(m.baseline.maxUs), '-'],
            [`VM, two virtio-net NICs (${m.accel})`, f(m.vm.medianUs), f(m.vm.p99Us), f(m.vm.maxUs), f(m.addedUs)],
          ],
        ),
        '',
      );
    }
  }
  return out;
}

function scalingSection(r: Results): string[] {
  const rows = r.scaling ?? [];
  const sp = (s: Spread): string => `${f(s.median)} (${range(s)})`;
  const n = rows[0]?.instances ?? 2;
  return [
    `## Multi-core scaling (native binary, ${rows[0]?.size ?? r.matrix.sizes[0]} B frames)`,
    '',
    'A router runs on one thread, as a ClickOS middlebox runs on one vCPU; it scales out as one instance per core. ' +
      `The standalone binary alone on core 0, then ${n} copies started together, each pinned to its own core (taskset) and timing its own run loop; ` +
      `the aggregate is the sum of their rates, efficiency the aggregate over ${n} x the single rate. Median of ${r.matrix.runs} runs, the two shapes alternating.`,
    '',
    table(
      ['configuration', '1 core Mpps', `${n} cores Mpps (aggregate)`, 'efficiency'],
      rows.map((x) => [x.config, sp(x.single), sp(x.aggregate), x.efficiency.toFixed(2)]),
    ),
    '',
    ...(r.scalingError ? [`Not measured: ${r.scalingError}`, ''] : []),
  ];
}

function frontendSection(fe: FrontendResults): string[] {
  const g = fe.generated;
  const sp = (s: Spread | undefined): string => (s ? `${f(s.median)} (${range(s)})` : '-');
  const phases = table(
    ['phase', 'wall ms', 'CPU ms', 'wall us/element'],
    [...FRONTEND_PHASES, 'total' as const].map((p) => [p, sp(g.wallMs[p]), sp(g.cpuMs[p]), ((g.wallMs[p].median * 1000) / g.elements).toFixed(2)]),
  );
  const examples = table(
    ['example', 'elements', 'parse+check ms', 'C generation ms', 'gcc -O2 ms'],
    fe.examples.map((e) => [e.name, String(e.elements), sp(e.checkMs), sp(e.codegenMs), f(e.gccMs)]),
  );
  return [
    '## Front end (text to binary)',
    '',
    `A generated configuration of ${g.elements.toLocaleString('en-US')} elements and ${g.connections.toLocaleString('en-US')} connections (${(g.bytes / 1024).toFixed(0)} KiB; benchmarks/frontend.ts), median of ${g.runs} runs` +
      (g.codegenMs ? `; C generation ${sp(g.codegenMs)} ms.` : '.') +
      (g.standIns.length ? ` Stand-ins for ${g.standIns.join(', ')}.` : ''),
    '',
    phases,
    '',
    'The examples, text to checked graph, to C, and one uncached gcc build of the standalone binary:',
    '',
    examples,
    '',
  ];
}

function table(head: string[], rows: string[][]): string {
  const line = (cols: string[]) => `| ${cols.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function markdown(r: Results, charts: readonly string[]): string {
  const m = r.machine;
  const hasClick = r.rows.some((x) => x.results.click);
  const hasIpp = r.rows.some((x) => x.nativeInstructionsPerPacket !== undefined);
  const engines = r.matrix.engines;
  const ratio = (x: Row, e: Engine): string => (Number.isFinite(x.ratioToClick[e]) ? `${x.ratioToClick[e]!.toFixed(2)}x` : '-');
  const head = ['configuration', 'frame B', '10GbE Mpps', ...engines.map((e) => `${e} Mpps`), 'native Gbit/s (10GbE)'];
  if (hasClick) head.push('Click Mpps', ...engines.map((e) => `${e} / Click`));
  if (hasIpp) head.push('native instr/pkt');
  const cyc = (x: Row, e: Measured): string => (Number.isFinite(x.cyclesPerPacket?.[e]) ? x.cyclesPerPacket![e]!.toFixed(0) : '-');
  const hasCycles = r.rows.some((x) => x.cyclesPerPacket?.native !== undefined);
  if (hasCycles) head.push('native cycles/pkt', ...(hasClick ? ['Click cycles/pkt'] : []));
  const rows = r.rows.map((x) => {
    const cols = [x.config, x.example ? `mix, mean ${x.size}` : String(x.size), f(x.lineRateMpps), ...engines.map((e) => cell(x, e)), x.gbps.native !== undefined ? `${f(x.gbps.native)} (${x.lineRateGbps.toFixed(2)})` : '-'];
    if (hasClick) cols.push(cell(x, 'click'), ...engines.map((e) => ratio(x, e)));
    if (hasIpp) cols.push(x.nativeInstructionsPerPacket !== undefined ? x.nativeInstructionsPerPacket.toFixed(1) : '-');
    if (hasCycles) cols.push(cyc(x, 'native'), ...(hasClick ? [cyc(x, 'click')] : []));
    return cols;
  });
  const startHead = ['configuration', 'frame B', ...engines.map((e) => `${e} ms`), ...(hasClick ? ['Click ms'] : [])];
  const ms = (x: Row, e: Measured): string => {
    const s = x.results[e]?.startupMs;
    return s ? `${f(s.median)} (${range(s)})` : '-';
  };
  const firstSize = r.matrix.sizes[0];
  const startRows = r.rows.filter((x) => x.size === firstSize).map((x) => [x.config, String(x.size), ...engines.map((e) => ms(x, e)), ...(hasClick ? [ms(x, 'click')] : [])]);
  const failures = r.rows.flatMap((x) => Object.entries(x.errors).map(([e, why]) => `- ${x.config} ${x.size} B, ${e}: ${why}`));
  const out = [
    `# clickvm benchmark suite, ${r.date.slice(0, 10)}, ${m.host}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores at ~${m.mhz} MHz, kernel ${m.kernel}, ${m.os}, Node ${m.node}, gcc ${m.gcc}. ` +
      `Load average ${m.loadAtStart.toFixed(1)} at the start, ${r.loadAtEnd.toFixed(1)} at the end; the run took ${r.seconds.toFixed(0)} s.`,
    '',
    `One core per engine. Each figure is the median of ${r.matrix.runs} runs after a warm-up run, with the smallest and largest in brackets; ` +
      `${r.matrix.packets.toLocaleString('en-US')} packets per run for the native engine${hasClick ? ' and Click' : ''}, ${r.matrix.hostPackets.toLocaleString('en-US')} for the host engine` +
      (engines.includes('vm') ? `, ${(r.matrix.vmPackets ?? 0).toLocaleString('en-US')} inside the VM (QEMU ${r.vmAccel ?? 'tcg'}, -M microvm; its start-up column is QEMU's start, the guest's boot and power-off)` : '') +
      '. ' +
      'Mpps is steady state (start-up excluded, see below). Frame sizes include the FCS (the packet in memory is 4 bytes shorter); ' +
      'Gbit/s counts frame bits; 10GbE line rate is 10e9 / ((size + 20) x 8) frames/s. ' +
      `Cycles per packet are the nominal clock (${m.mhz} MHz, the TSC rate) over the median steady-state rate: wall-clock cycles, stalls included (this machine has no performance counters).` +
      (r.options.marchNative ? ' Native built with -march=native.' : ''),
    '',
  ];
  if (r.reference) {
    out.push(
      `Reference: ${r.reference.version} (\`${r.reference.path}\`), same configurations in the same run. Its steady state is wall(N) - wall(${r.reference.tinyPackets}) ` +
        `over the packets between; the native engine's is the run loop's own time (\`-t\`); the host engine's is Router.run().`,
      '',
    );
  }
  out.push('## Steady-state throughput', '', table(head, rows), '');
  out.push(`## Start-up (ms, ${firstSize} B frames)`, '', 'native: process wall time less its run loop. inprocess: cvm_lib_start (element initialisation). vm: QEMU start, guest boot and power-off (QEMU wall time less the guest\'s run loop). host: loading the configuration and initialising the router. Click: wall time with a tiny packet count.', '', table(startHead, startRows), '');
  if (r.dpdk) {
    out.push('## DPDK baseline', '');
    if (!r.dpdk.available) out.push(`Not measured: ${r.dpdk.reason ?? r.dpdk.rows.map((x) => x.error).join('; ')}`, '');
    else {
      out.push(
        `${r.dpdk.tool}, no hugepages, forwarding on one lcore (the main lcore prints statistics). Both ports summed; one-second samples after the first.`,
        '',
        table(
          ['frame B', '10GbE Mpps', 'testpmd Mpps'],
          r.dpdk.rows.map((x) => [String(x.size), f(lineRatePps(x.size) / 1e6), x.result ? `${f(x.result.mpps.median)} (${range(x.result.mpps)})` : `failed: ${x.error}`]),
        ),
        '',
      );
    }
  }
  const lat = r.rows.filter((x) => x.inprocessLatency);
  if (lat.length) {
    out.push(
      `## Latency (in-process, ${lat[0]!.size} B frames)`,
      '',
      `One frame at a time handed to the configuration's FromDevice (a memory device in place of its source), the router run until the frame's work is done; ` +
        `${lat[0]!.inprocessLatency!.frames.toLocaleString('en-US')} frames after a warm-up. Each sample includes two koffi crossings and the run loop's entry and exit: ` +
        'configuration a (source straight to Discard) is that floor, and what a configuration adds over it is its own latency.',
      '',
      table(
        ['configuration', 'median us', '99th percentile us', 'max us', 'median over a (us)'],
        lat.map((x) => {
          const l = x.inprocessLatency!;
          const floor = lat.find((y) => y.config.startsWith('a_'))?.inprocessLatency?.medianUs;
          return [x.config, f(l.medianUs), f(l.p99Us), f(l.maxUs), floor !== undefined ? (l.medianUs - floor).toFixed(2) : '-'];
        }),
      ),
      '',
    );
  }
  out.push(...deviceLatencySection(r));
  if (r.scaling?.length || r.scalingError) out.push(...scalingSection(r));
  if (r.vmBoot) out.push(...vmBootSection(r.vmBoot));
  else if (r.vmBootError) out.push('## VM image', '', `Not measured: ${r.vmBootError}`, '');
  if (r.frontend) out.push(...frontendSection(r.frontend));
  if (failures.length) out.push('## Failures', '', ...failures, '');
  if (charts.length) out.push('## Charts', '', ...charts.map((c) => `![${c}](${c})`), '');
  return out.join('\n');
}

const LINE_RATE = '10GbE line rate';

/** Mpps against frame size for one engine, a line per configuration, and the line rate. */
export function engineChart(r: Results, engine: Measured): string {
  const series: Series[] = r.matrix.configs.filter((c) => !c.startsWith('x_')).map((c) => ({
    name: c,
    points: r.rows.filter((x) => x.config === c && x.results[engine]).map((x) => [x.size, x.results[engine]!.mpps.median] as const),
  }));
  series.push({ name: LINE_RATE, points: r.matrix.sizes.map((s) => [s, lineRatePps(s) / 1e6] as const), color: '#000', dashed: true });
  if (engine === 'native' && r.dpdk?.available) {
    series.push({ name: 'DPDK testpmd io', points: r.dpdk.rows.filter((x) => x.result).map((x) => [x.size, x.result!.mpps.median] as const), color: '#555', dashed: true });
  }
  return lineChart({ title: `${ENGINE_TITLES[engine]}: Mpps by frame size`, xLabel: 'frame size (bytes)', yLabel: 'Mpps (log scale)', xs: r.matrix.sizes, series, logY: true });
}

/** Native engine Mpps over Click's, grouped by configuration, a bar per frame size. */
export function ratioChart(r: Results): string {
  const sized = r.matrix.configs.filter((c) => !c.startsWith('x_'));
  return barChart({
    title: 'native engine / Click userlevel, steady-state Mpps',
    yLabel: 'ratio (1 = as fast as Click)',
    groups: sized.map(shortName),
    series: r.matrix.sizes.map((s) => ({ name: `${s} B`, values: sized.map((c) => r.rows.find((x) => x.config === c && x.size === s)?.ratioToClick.native) })),
    reference: 1,
  });
}

export interface Written {
  readonly json: string;
  readonly markdown: string;
  readonly svgs: readonly string[];
}

/** Write <stem>.json, <stem>.md and <stem>-<chart>.svg into `dir`. */
export function writeResults(r: Results, dir: string, stem: string): Written {
  mkdirSync(dir, { recursive: true });
  const charts: [string, string][] = [];
  for (const e of ['native', 'inprocess', 'vm', 'host', 'click'] as const) if (r.rows.some((x) => x.results[e])) charts.push([`${stem}-${e}.svg`, engineChart(r, e)]);
  if (r.rows.some((x) => x.ratioToClick.native !== undefined)) charts.push([`${stem}-ratio.svg`, ratioChart(r)]);
  for (const [name, svg] of charts) writeFileSync(join(dir, name), svg);
  const json = join(dir, `${stem}.json`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const md = join(dir, `${stem}.md`);
  writeFileSync(md, markdown(r, charts.map((c) => c[0])));
  return { json, markdown: md, svgs: charts.map((c) => join(dir, c[0])) };
}

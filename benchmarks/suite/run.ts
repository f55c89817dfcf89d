// Running the matrix: every configuration at every frame size through each
// engine, and the Click reference and DPDK baseline when asked for. One log
// line per row; a progress bar under it only when stdout is a terminal.

import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import { clickVersion, measureClick, TINY } from './click-reference.js';
import { dpdkUnavailable, measureDpdk } from './dpdk.js';
import { gbps, lineRatePps, sizedConfig } from './frames.js';
import { measureHost } from './host-engine.js';
import { measureInProcess } from './inprocess-engine.js';
import { machine, type Machine } from './machine.js';
import { matrix, type Engine, type Matrix, type MatrixChoice } from './matrix.js';
import { countHandler, instructionsPerPacket, measureNative } from './native-engine.js';
import { measureVm, vmAccel } from './vm-engine.js';
import { measureFrontend, type FrontendResults } from './frontend.js';
import { measureVmBoot, type VmBootResults } from './vm-boot.js';
import { measureLatency, type Latency } from './latency.js';
import { measureVethLatency, vethLatencyUnavailable, type VethLatencyResults } from './latency-veth.js';
import { measureVmNicLatency, type VmNicLatency } from './latency-vm.js';
import { measureScaling, type ScalingRow } from './scaling.js';
import { exampleBench } from './examples.js';
import type { Measurement } from './stats.js';

export type Measured = Engine | 'click';

export interface Row {
  readonly config: string;
  /** Frame size in bytes on the wire (FCS included); for an example, its replayed frames' mean. */
  readonly size: number;
  /** An examples/ middlebox fed from memory (one row, a mix of frame sizes). */
  readonly example?: boolean;
  readonly lineRateMpps: number;
  /** Line rate in Gbit/s of frame bits (10 less preamble and gap). */
  readonly lineRateGbps: number;
  readonly results: Partial<Record<Measured, Measurement>>;
  /** Median Gbit/s of frame bits per engine. */
  readonly gbps: Partial<Record<Measured, number>>;
  readonly errors: Partial<Record<Measured, string>>;
  /** Engine median Mpps over Click's, with --reference. */
  readonly ratioToClick: Partial<Record<Engine, number>>;
  /** Native engine instructions per packet (callgrind), with --callgrind. */
  readonly nativeInstructionsPerPacket?: number;
  /** Clock cycles per packet at the machine's nominal (TSC) rate, from the median steady-state Mpps. */
  readonly cyclesPerPacket?: Partial<Record<Measured, number>>;
  /** Frame in to work done, one frame at a time, on the in-process path (smallest size only). */
  readonly inprocessLatency?: Latency;
}

export interface DpdkResult {
  readonly available: boolean;
  readonly reason?: string;
  readonly tool: string;
  readonly rows: readonly { readonly size: number; readonly result?: Measurement; readonly error?: string }[];
}

export interface Results {
  readonly schema: 'clickvm-bench/1';
  readonly date: string;
  readonly machine: Machine;
  readonly matrix: Omit<Matrix, 'configs'> & { readonly configs: readonly string[] };
  readonly options: { readonly quick: boolean; readonly callgrind: boolean; readonly marchNative: boolean };
  /** The accelerator the vm engine ran under. */
  readonly vmAccel?: 'tcg' | 'kvm';
  readonly reference?: { readonly path: string; readonly version: string; readonly tinyPackets: number };
  readonly dpdk?: DpdkResult;
  /** Text to binary: the generated 10,000-element configuration and the examples. */
  readonly frontend?: FrontendResults;
  /** The VM image's size, boot and memory (with the vm engine). */
  readonly vmBoot?: VmBootResults;
  readonly vmBootError?: string;
  /** The native binary alone on one core, then one instance per core at once (smallest frame size). */
  readonly scaling?: readonly ScalingRow[];
  readonly scalingError?: string;
  /** One frame at a time across veth pairs: the kernel forwarding, then a bridge per engine and device method. */
  readonly vethLatency?: VethLatencyResults;
  readonly vethLatencyError?: string;
  /** One frame at a time through the VM's two NICs, beside the same datagrams relayed in-process (with the vm engine). */
  readonly vmNicLatency?: VmNicLatency;
  readonly vmNicLatencyError?: string;
  readonly rows: readonly Row[];
  readonly loadAtEnd: number;
  readonly seconds: number;
}

export interface SuiteOptions extends MatrixChoice {
  /** Path of an original Click userlevel `click` binary. */
  readonly reference?: string;
  readonly callgrind?: boolean;
  readonly dpdk?: boolean;
  readonly marchNative?: boolean;
  /** Time the front end (default true). */
  readonly frontend?: boolean;
  /** Measure multi-core scaling of the native engine (default true when it is among the engines). */
  readonly scaling?: boolean;
  /** Latency on veth pairs (needs root) and through the VM's NICs (with the vm engine); default true. */
  readonly deviceLatency?: boolean;
  /** Where log lines go (default stdout). */
  readonly write?: (text: string) => void;
  /** Draw a progress bar (default: stdout is a TTY). */
  readonly bar?: boolean;
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

function progressBar(done: number, total: number): string {
  const width = 30;
  const full = Math.round((done / total) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total}`;
}

export async function runSuite(opts: SuiteOptions = {}): Promise<Results> {
  const started = process.hrtime.bigint();
  const m = matrix(opts);
  const write = opts.write ?? ((t: string) => void process.stdout.write(t));
  const bar = opts.bar ?? process.stdout.isTTY === true;
  const mach = machine();
  let reference: Results['reference'];
  if (opts.reference !== undefined) {
    const version = clickVersion(opts.reference);
    if (!version) throw new Error(`--reference: '${opts.reference}' does not run as a click binary`);
    reference = { path: opts.reference, version, tinyPackets: TINY };
  }
  const total = m.configs.reduce((n, c) => n + (c.example ? 1 : m.sizes.length), 0);
  const rows: Row[] = [];
  write(`${mach.cpuModel}, ${mach.cores} cores, ${mach.kernel.split(' ')[0]}, load ${mach.loadAtStart.toFixed(1)}; ${total} rows, ${m.runs} runs each\n`);
  for (const c of m.configs) {
    const base = readFileSync(c.file, 'utf8');
    const cwd = dirname(c.file);
    // An example is one row at its frames' mean size; its $N is frames per source.
    const example = c.example ? exampleBench(base, cwd) : undefined;
    const per = (n: number): number => (example ? Math.ceil(n / example.sources) : n);
    for (const size of example ? [example.meanFrameBytes] : m.sizes) {
      if (bar) write(`\r${progressBar(rows.length, total)} ${c.name} ${size} B`);
      const text = example ? example.text : sizedConfig(base, size);
      const handler = countHandler(text);
      const results: Row['results'] = {};
      const errors: Row['errors'] = {};
      const attempt = (name: Measured, f: () => Measurement): void => {
        try {
          results[name] = f();
        } catch (e) {
          errors[name] = why(e);
        }
      };
      if (m.engines.includes('host')) attempt('host', () => measureHost(text, c.file, cwd, handler, per(m.hostPackets), m.runs));
      if (m.engines.includes('native')) attempt('native', () => measureNative(text, c.file, cwd, per(m.packets), m.runs, { marchNative: opts.marchNative ?? false }));
      if (m.engines.includes('inprocess')) attempt('inprocess', () => measureInProcess(text, c.file, per(m.packets), m.runs, { marchNative: opts.marchNative ?? false }));
      if (m.engines.includes('vm')) attempt('vm', () => measureVm(text, c.file, handler, per(m.vmPackets), m.runs));
      if (reference) attempt('click', () => measureClick(reference.path, text, cwd, per(m.packets), m.runs));
      let ipp: number | undefined;
      // Instructions per packet barely depend on the frame size; callgrind is slow, so it runs at the smallest.
      if (opts.callgrind && results.native && (example || size === Math.min(...m.sizes))) {
        try {
          const k = per(m.callgrindPackets);
          ipp = instructionsPerPacket(text, c.file, cwd, k, { marchNative: opts.marchNative ?? false }) / (example ? example.sources : 1);
        } catch (e) {
          errors.native = `callgrind: ${why(e)}`;
        }
      }
      let latency: Latency | undefined;
      if (!example && m.engines.includes('inprocess') && size === Math.min(...m.sizes)) {
        try {
          latency = measureLatency(base, c.file, size, opts.quick ? 2_000 : 20_000);
        } catch (e) {
          errors.inprocess = `latency: ${why(e)}`;
        }
      }
      const ratioToClick: Row['ratioToClick'] = {};
      const g: Row['gbps'] = {};
      const cycles: Row['cyclesPerPacket'] = {};
      for (const [k, r] of Object.entries(results) as [Measured, Measurement][]) {
        g[k] = gbps(r.mpps.median * 1e6, size);
        if (mach.mhz > 0) cycles[k] = mach.mhz / r.mpps.median;
      }
      const click = results.click;
      if (click) for (const e of m.engines) if (results[e]) ratioToClick[e] = results[e]!.mpps.median / click.mpps.median;
      const row: Row = {
        config: c.name,
        size,
        ...(example ? { example: true } : {}),
        lineRateMpps: lineRatePps(size) / 1e6,
        lineRateGbps: gbps(lineRatePps(size), size),
        results,
        gbps: g,
        cyclesPerPacket: cycles,
        errors,
        ratioToClick,
        ...(ipp !== undefined ? { nativeInstructionsPerPacket: ipp } : {}),
        ...(latency ? { inprocessLatency: latency } : {}),
      };
      rows.push(row);
      const parts = [`${c.name.padEnd(16)} ${String(size).padStart(4)} B  line ${fmt(row.lineRateMpps)}`];
      for (const [k, r] of Object.entries(results) as [Measured, Measurement][]) parts.push(`${k} ${fmt(r.mpps.median)} Mpps`);
      if (ratioToClick.native !== undefined) parts.push(`native/click ${ratioToClick.native.toFixed(2)}x`);
      if (ipp !== undefined) parts.push(`${ipp.toFixed(1)} instr/pkt`);
      if (cycles.native !== undefined) parts.push(`${cycles.native.toFixed(0)} cycles/pkt`);
      if (latency) parts.push(`latency ${fmt(latency.medianUs)} us (p99 ${fmt(latency.p99Us)})`);
      for (const [k, e] of Object.entries(errors)) parts.push(`${k} failed: ${e}`);
      write(`${bar ? '\r\x1b[K' : ''}${parts.join('  ')}  (${rows.length}/${total})\n`);
    }
  }
  let scaling: ScalingRow[] | undefined;
  let scalingError: string | undefined;
  if ((opts.scaling ?? true) && m.engines.includes('native')) {
    const size = Math.min(...m.sizes);
    scaling = [];
    for (const c of m.configs.filter((x) => !x.example)) {
      try {
        const s = await measureScaling(c.name, sizedConfig(readFileSync(c.file, 'utf8'), size), c.file, dirname(c.file), size, m.packets, m.runs, {
          marchNative: opts.marchNative ?? false,
        });
        scaling.push(s);
        write(`scaling ${c.name.padEnd(16)} ${size} B  1 core ${fmt(s.single.median)} Mpps, ${s.instances} instances ${fmt(s.aggregate.median)} Mpps (efficiency ${s.efficiency.toFixed(2)})\n`);
      } catch (e) {
        scalingError = `${c.name}: ${why(e)}`;
        write(`scaling ${c.name} failed: ${why(e)}\n`);
      }
    }
  }
  let dpdk: DpdkResult | undefined;
  if (opts.dpdk) {
    const reason = dpdkUnavailable();
    const dpdkRows: DpdkResult['rows'][number][] = [];
    if (!reason) {
      for (const size of m.sizes) {
        try {
          const r = measureDpdk(size, m.runs);
          dpdkRows.push({ size, result: r });
          write(`dpdk-testpmd io null PMDs ${String(size).padStart(4)} B  ${fmt(r.mpps.median)} Mpps\n`);
        } catch (e) {
          dpdkRows.push({ size, error: why(e) });
          write(`dpdk-testpmd ${size} B failed: ${why(e)}\n`);
        }
      }
    } else write(`dpdk: ${reason}\n`);
    dpdk = { available: !reason && dpdkRows.some((r) => r.result), ...(reason ? { reason } : {}), tool: 'dpdk-testpmd --forward-mode=io, net_null0/net_null1', rows: dpdkRows };
  }
  let frontend: FrontendResults | undefined;
  if (opts.frontend ?? true) {
    // --quick: a 1,000-element configuration and one example.
    frontend = measureFrontend(m.runs, opts.quick ? 1_000 : 10_000, opts.quick ? 1 : Infinity);
    const g = frontend.generated;
    write(`front end, ${g.elements} elements: parse+elaborate+check ${fmt(g.wallMs.total.median)} ms${g.codegenMs ? `, C ${fmt(g.codegenMs.median)} ms` : ''}\n`);
    for (const e of frontend.examples) write(`front end, ${e.name}: check ${fmt(e.checkMs.median)} ms, C ${fmt(e.codegenMs.median)} ms, gcc ${fmt(e.gccMs)} ms\n`);
  }
  let vmBoot: VmBootResults | undefined;
  let vmBootError: string | undefined;
  if (m.engines.includes('vm')) {
    try {
      vmBoot = await measureVmBoot(opts.quick ? 2 : m.runs, vmAccel());
      write(
        `vm image: IP router ${vmBoot.imageBytes.ipRouter} B; boot (${vmBoot.accel}, two NICs) to main ${fmt(vmBoot.guestMainMs.median)} ms, ` +
          `to ready-to-forward ${fmt(vmBoot.guestReadyMs.median)} ms (guest clock); QEMU start to first frame forwarded ${fmt(vmBoot.firstFrameMs.median)} ms, ` +
          `empty program boot to exit ${fmt(vmBoot.bootToExitMs.emptyProgram.median)} ms; runs in -m ${vmBoot.smallestMemoryMiB}M\n`,
      );
    } catch (e) {
      vmBootError = why(e);
      write(`vm image figures failed: ${vmBootError}\n`);
    }
  }
  const devices = opts.deviceLatency ?? true ? await deviceLatency(m.engines, opts.quick ?? false, write) : {};
  const { configs, ...rest } = m;
  return {
    schema: 'clickvm-bench/1',
    date: new Date().toISOString(),
    machine: mach,
    matrix: { ...rest, configs: configs.map((c) => c.name) },
    options: { quick: opts.quick ?? false, callgrind: opts.callgrind ?? false, marchNative: opts.marchNative ?? false },
    ...(m.engines.includes('vm') ? { vmAccel: vmAccel() } : {}),
    ...(reference ? { reference } : {}),
    ...(dpdk ? { dpdk } : {}),
    ...(frontend ? { frontend } : {}),
    ...(vmBoot ? { vmBoot } : {}),
    ...(vmBootError ? { vmBootError } : {}),
    ...(scaling ? { scaling } : {}),
    ...(scalingError ? { scalingError } : {}),
    ...devices,
    rows,
    loadAtEnd: loadavg()[0]!,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

const latencyLine = (name: string, l: { medianUs: number; p99Us: number }, added?: number): string =>
  `latency ${name.padEnd(24)} median ${fmt(l.medianUs)} us, p99 ${fmt(l.p99Us)} us${added !== undefined ? `, adds ${fmt(added)} us` : ''}\n`;

/** The veth rows for the host and native engines among `engines` (both device methods), and the VM NIC figure with the vm engine. */
async function deviceLatency(
  engines: readonly Engine[],
  quick: boolean,
  write: (t: string) => void,
): Promise<Pick<Results, 'vethLatency' | 'vethLatencyError' | 'vmNicLatency' | 'vmNicLatencyError'>> {
  const out: { -readonly [K in keyof Results]?: Results[K] } = {};
  const frames = quick ? 200 : 2000;
  // --quick: the host engine (seconds to start each time) over LINUX only.
  const methods = (engine: 'native' | 'host') => (quick && engine === 'host' ? (['LINUX'] as const) : (['LINUX', 'PCAP', 'XDP'] as const));
  const bridges = (['native', 'host'] as const).filter((e) => engines.includes(e)).flatMap((engine) => methods(engine).map((method) => ({ engine, method })));
  if (bridges.length) {
    const reason = vethLatencyUnavailable();
    if (reason) {
      out.vethLatencyError = reason;
      write(`latency on veth: not measured (${reason})\n`);
    } else {
      try {
        const v = await measureVethLatency(frames, bridges);
        out.vethLatency = v;
        for (const row of v.rows) {
          const name = row.path === 'kernel' ? 'veth, kernel forwarding' : `veth, ${row.path} ${row.method}`;
          write(row.error ? `latency ${name} failed: ${row.error}\n` : latencyLine(name, row, row.addedUs));
        }
      } catch (e) {
        out.vethLatencyError = why(e);
        write(`latency on veth failed: ${why(e)}\n`);
      }
    }
  }
  if (engines.includes('vm')) {
    try {
      const v = await measureVmNicLatency(frames);
      out.vmNicLatency = v;
      write(latencyLine('UDP relay in-process', v.baseline) + latencyLine(`VM NICs (${v.accel})`, v.vm, v.addedUs));
    } catch (e) {
      out.vmNicLatencyError = why(e);
      write(`latency through the VM's NICs failed: ${why(e)}\n`);
    }
  }
  return out;
}

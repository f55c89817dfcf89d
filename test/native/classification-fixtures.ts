// Test elements and a two-engine runner for the native classification tests.
//
// ClsTestSource sends a fixed list of packets, each with its own bytes,
// network/transport header annotations (or none) and bytes pulled off the
// front, numbered in annotation bytes 40-43. ClsTestLog records `PORT:NUMBER`
// for every packet it receives (its `log`: `N packets: 0:3 1:4 ...`). Both exist in both engines, so a
// configuration `src -> classifier => log` compares, packet by packet and in
// arrival order, where each engine sent every packet.

import { rmSync } from 'node:fs';
import type { Test } from 'tap';
import { a, ConfigError } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { loadConfig } from '../../config-lang/load.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';
import { spec as ClassifierSpec } from '../../elements/classification/classifier.js';
import { spec as IPClassifierSpec } from '../../elements/classification/ip-classifier.js';
import { spec as IPFilterSpec } from '../../elements/classification/ip-filter.js';
import { programNative } from '../../elements/classification/program-c.js';
import { registerClass } from '../../elements/registry.js';
import { type AnyElementSpec, defineElement } from '../../elements/spec.js';
import { printReadHandlers } from '../../host-engine/driver-handlers.js';
import { HostElement, type Out, type Task } from '../../host-engine/element.js';
import { Packet, type PacketBatch } from '../../host-engine/packet.js';
import { Router } from '../../host-engine/router.js';
import type { CheckedGraph } from '../../graph/router-graph.js';
import { reads, runSanitized, runSession, stageConfig, type Engine } from './engines.js';

/** One test packet: bytes, leading bytes pulled off after the headers are set, header offsets from the first byte (-1: unset). */
export interface TestPacket {
  readonly bytes: Uint8Array;
  readonly pull: number;
  readonly net: number;
  readonly trans: number;
}

/** The packet list as a configuration word list: `HEX/PULL/NET/TRANS` (`-` for an unset header, `.` for no bytes). */
export function packetsArg(packets: readonly TestPacket[]): string {
  const off = (n: number) => (n < 0 ? '-' : String(n));
  return packets.map((p) => `${Buffer.from(p.bytes).toString('hex') || '.'}/${p.pull}/${off(p.net)}/${off(p.trans)}`).join(' ');
}

function parsePackets(text: string): TestPacket[] {
  return text.split(/\s+/).filter(Boolean).map((w) => {
    const [hex, pull, net, trans] = w.split('/');
    if (hex === undefined || pull === undefined || net === undefined || trans === undefined) throw new ConfigError(`bad test packet '${w}'`);
    const off = (s: string) => (s === '-' ? -1 : Number(s));
    return { bytes: hex === '.' ? new Uint8Array(0) : Uint8Array.from(Buffer.from(hex, 'hex')), pull: Number(pull), net: off(net), trans: off(trans) };
  });
}

interface SourceConf {
  packets: TestPacket[];
  burst: number;
}

const NUMBER_ANNO = 40;

class TestSource extends HostElement<SourceConf> {
  private next = 0;
  private task: Task | undefined;

  override initialize(): void {
    this.task = this.env.task();
    if (this.conf.packets.length) this.task.schedule();
  }

  override runTask(out: Out): boolean {
    const batch: PacketBatch = [];
    while (batch.length < this.conf.burst && this.next < this.conf.packets.length) {
      const d = this.conf.packets[this.next]!;
      const p = this.created(Packet.make(d.bytes));
      if (d.net >= 0) p.setNetworkHeader(d.net, 0);
      if (d.trans >= 0) p.setTransportHeader(d.trans);
      // The host API cannot unset the transport header alone; the native
      // source can (p->trans = -1), so reach the same state here directly.
      else if (d.net >= 0) (p as unknown as { transOff: number }).transOff = -1;
      p.pull(d.pull);
      p.setAnnoU32(NUMBER_ANNO, this.next);
      batch.push(p);
      this.next++;
    }
    if (batch.length) out.emitBatch(0, batch);
    if (this.next < this.conf.packets.length) this.task!.schedule();
    return batch.length > 0;
  }
}

const sourceArgs = { PACKETS: a.p(T.raw, ''), BURST: a.kw(T.unsigned, 32) };

export const ClsTestSource = defineElement<typeof sourceArgs, SourceConf, TestSource>({
  name: 'ClsTestSource',
  ports: '0/1',
  processing: '/h',
  args: sourceArgs,
  configure: (v) => {
    if (v.BURST < 1 || v.BURST > 64) throw new ConfigError('BURST must be 1..64 (one native batch)');
    return { packets: parsePackets(v.PACKETS), burst: v.BURST };
  },
  host: (init) => new TestSource(init),
  native: {
    source: nativeSource(import.meta.url, 'fixtures/classification-source.c'),
    prefix: 'cls_test_source',
    hooks: { init: true, task: true },
    init: (c, ctx) => {
      const bytes = new Uint8Array(c.packets.reduce((n, p) => n + p.bytes.length, 0));
      let at = 0;
      for (const p of c.packets) {
        bytes.set(p.bytes, at);
        at += p.bytes.length;
      }
      const desc = c.packets.flatMap((p) => [p.bytes.length, p.pull, p.net, p.trans]);
      return `.bytes = ${ctx.constBytes(bytes)}, .desc = ${ctx.constArray('int32_t', desc)}, .npackets = ${c.packets.length}, .burst = ${c.burst}`;
    },
  },
});

class TestLog extends HostElement<Record<string, never>> {
  readonly log: string[] = [];

  override push(port: number, batch: PacketBatch): void {
    for (const p of batch) {
      this.log.push(`${port}:${p.annoU32(NUMBER_ANNO)}`);
      this.consume(p);
    }
  }
}

export const ClsTestLog = defineElement<Record<string, never>, Record<string, never>, TestLog>({
  name: 'ClsTestLog',
  ports: '-/0',
  processing: 'h/',
  args: {},
  host: (init) => new TestLog(init),
  native: { source: nativeSource(import.meta.url, 'fixtures/classification-log.c'), prefix: 'cls_test_log', hooks: { cleanup: true } },
  handlers: { log: { read: (e) => [`${e.log.length} packets:`, ...e.log].join(' ') } },
});

// Variants of the classifiers whose C always has (Fast...) or never has
// (Checked...) the unchecked copy, so both copies meet every program.
const variants: AnyElementSpec[] = [ClassifierSpec, IPClassifierSpec, IPFilterSpec].flatMap((s) => {
  const withPatterns = s.instanceHandlers !== undefined;
  return [
    { ...s, name: `Fast${s.name}`, native: programNative(withPatterns, 'always') },
    { ...s, name: `Checked${s.name}`, native: programNative(withPatterns, 'never') },
  ];
});

registerClass(ClsTestSource);
registerClass(ClsTestLog);
for (const s of variants) registerClass(s);

/** The configuration's graph (the test classes are registered above). */
export function testGraph(config: string): CheckedGraph {
  return loadConfig(config, 'classification-test.click');
}

export interface BothRuns {
  readonly host: Record<string, string>;
  readonly native: Record<string, string>;
  readonly hostAccounting: readonly string[];
  readonly nativeAccounting: readonly string[];
}

/** The handler values and unbalanced elements of one engine's run. */
function readAfterRun(engine: Engine, config: string, handlers: readonly string[]): { values: Record<string, string>; accounting: readonly string[] } {
  const r = runSession(engine, { config, after: reads(handlers) });
  const values: Record<string, string> = {};
  handlers.forEach((h, i) => {
    const o = r.after[i]!;
    if (!o.ok) throw new Error(`${engine} ${h}: ${o.message}`);
    values[h] = o.value!;
  });
  return { values, accounting: r.accounting };
}

/** Run the configuration in both engines (native in-process) and read the handlers. */
export function runBoth(config: string, handlers: readonly string[]): BothRuns {
  const host = readAfterRun('host', config, handlers);
  const native = readAfterRun('native', config, handlers);
  return { host: host.values, native: native.values, hostAccounting: host.accounting, nativeAccounting: native.accounting };
}

/** Compare both engines handler by handler; returns whether everything agreed. */
export function compareBoth(t: Test, config: string, handlers: readonly string[], label: string): boolean {
  const r = runBoth(config, handlers);
  let ok = true;
  for (const h of handlers) {
    if (r.native[h] !== r.host[h]) {
      ok = false;
      t.equal(r.native[h], r.host[h], `${label}: ${h} differs`);
    }
  }
  ok = t.same(r.hostAccounting, [], `${label}: host accounting balances`) && ok;
  ok = t.same(r.nativeAccounting, [], `${label}: native accounting balances`) && ok;
  return ok;
}

/**
 * The sanitizer build (address, undefined) as a standalone binary: its
 * handler printout must equal the host engine's, with no sanitizer report.
 */
export function sanitizedAgainstHost(t: Test, config: string, handlers: readonly string[]): void {
  const dir = stageConfig({ config }, 'cls-asan');
  try {
    const router = new Router(testGraph(config), { baseDir: dir, simtime: true, stderr: () => {}, stdout: () => {} });
    router.initialize();
    router.run();
    const expected = printReadHandlers(router, handlers).stdout;
    router.cleanup();
    const r = runSanitized(dir, { handlers });
    t.equal(r.status, 0, 'sanitizer build exits 0', { stderr: r.stderr.slice(0, 4000) });
    t.notMatch(r.stderr, /AddressSanitizer|runtime error:/, 'no sanitizer report');
    t.ok(r.stdout === expected, 'handler printout identical to the host engine', { native: r.stdout.slice(0, 2000), host: expected.slice(0, 2000) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

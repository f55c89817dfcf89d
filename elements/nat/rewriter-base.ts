// What every rewriter shares (Click's IPRewriterBase): input specs, the
// flow heap with capacity and reaping, storing and forgetting flows, the
// timing keywords, and the nmappings/mapping_failures/patterns/size/
// capacity/clear handlers. Time is in jiffies: milliseconds of engine time.

import { a, ConfigError, type ArgType, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementEnv, type ElementInit, type Out, type Timer } from '../../host-engine/element.js';
import type { Packet, PacketBatch } from '../../host-engine/packet.js';
import { HandlerError, type HandlerDef } from '../spec.js';
import { annoArg } from '../lib/anno-arg.js';
import { parseClickInt } from '../lib/ip-route.js';
import { headerPositions, type HeaderPositions } from '../lib/packet-headers.js';
import { routerAttachment } from '../lib/router-attachments.js';
import type { FlowID } from './flow-id.js';
import { parseInputSpec, REWRITER_CLASSES, type InputSpecConf } from './input-spec.js';
import { RewriterPattern, RW_ADDMAP, RW_DROP, unparsePattern } from './rewriter-pattern.js';
import { Flow, FlowHeap, type Entry, type FlowHost, type FlowOwner } from './rewriter-flow.js';

export { RW_ADDMAP, RW_DROP };

/** Seconds, as Click's SecondsArg: a time with optional unit, rounded to whole seconds. */
export const secondsArg: ArgType<number> = {
  description: 'time in seconds (e.g. 300, 5min)',
  parse(text, ctx) {
    const ns = T.interval.parse(text, ctx);
    const s = Number((ns + 500_000_000n) / 1_000_000_000n);
    if (s > 0xffffffff) throw new Error(`'${text}' is too large`);
    return s;
  },
};

/** Keywords IPRewriterBase reads, in its order. */
export const baseKeywords = {
  CAPACITY: a.ko(T.raw),
  MAPPING_CAPACITY: a.ko(T.raw),
  GUARANTEE: a.ko(secondsArg),
  REAP_INTERVAL: a.ko(secondsArg),
  REAP_TIME: a.ko(secondsArg),
};

export const replyAnnoKeyword = { REPLY_ANNO: a.ko(annoArg(1)) };

/** The annotation bits of RewriterBaseConf.annos from DST_ANNO and REPLY_ANNO. */
export function annoBits(dstAnno: boolean, replyAnno: number | undefined): number {
  return (dstAnno ? 1 : 0) + (replyAnno !== undefined ? 2 + (replyAnno << 2) : 0);
}

export interface RewriterBaseConf {
  readonly inputs: InputSpecConf[];
  /** Seconds: [best-effort timeout, guarantee]. */
  readonly timeouts: [number, number];
  /** Seconds between reaps (0: never). */
  readonly gcInterval: number;
  /** A number, or the name of a rewriter whose flow heap (and capacity) this one shares. */
  readonly capacity: number | string;
  /** Bit 0: set the destination annotation; bit 1: REPLY_ANNO set, its offset in bits 2+. */
  readonly annos: number;
}

/** Shared configure step: capacity, reap interval, one input spec per input. */
export function configureBase(
  v: { CAPACITY?: string; MAPPING_CAPACITY?: string; GUARANTEE?: number; REAP_INTERVAL?: number; REAP_TIME?: number; INPUTSPEC: string[] },
  ctx: ConfigContext,
  defaults: { timeout: number; guarantee: number },
  annos: number,
): RewriterBaseConf {
  let capacity: number | string = 0x7fffffff;
  const word = v.MAPPING_CAPACITY ?? v.CAPACITY;
  if (word !== undefined) {
    const n = parseClickInt(word.trim());
    if (n !== undefined) capacity = n;
    else if (REWRITER_CLASSES.has(ctx.lookupElement(word.trim()) ?? '')) capacity = word.trim();
    else throw new ConfigError('bad MAPPING_CAPACITY');
  }
  if (v.INPUTSPEC.length !== ctx.ninputs) {
    throw new ConfigError(`need ${ctx.ninputs} arguments, one per input port`, undefined, `${ctx.className} has ${ctx.ninputs} input${ctx.ninputs === 1 ? '' : 's'}`);
  }
  // Every input spec is checked, and all their errors reported, as Click does.
  const errors: string[] = [];
  const inputs = v.INPUTSPEC.map((text, i) => {
    try {
      return parseInputSpec(text, i, ctx);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      errors.push(e.message);
      return { kind: 'drop' } as const;
    }
  });
  if (errors.length) throw new ConfigError(errors.join('\n'));
  return {
    inputs,
    timeouts: [defaults.timeout, v.GUARANTEE ?? defaults.guarantee],
    gcInterval: v.REAP_TIME ?? v.REAP_INTERVAL ?? 15 * 60,
    capacity,
    annos,
  };
}

/** Click's IPMapper interface, implemented by RoundRobinIPMapper. */
export interface IPMapperHost {
  readonly isIPMapper: true;
  /** Errors about the mapper's ports for this rewriter input (empty if fine). */
  notifyRewriter(user: RewriterBase<RewriterBaseConf>, input: RewriterInput): string[];
  rewriteFlowid(input: RewriterInput, flowid: FlowID, mapid: number): { result: number; flowid: FlowID };
}

export function isIPMapper(e: unknown): e is IPMapperHost {
  return typeof e === 'object' && e !== null && (e as { isIPMapper?: unknown }).isIPMapper === true;
}

/** Named patterns of the router's IPRewriterPatterns elements. */
export function namedPatterns(env: ElementEnv): Map<string, RewriterPattern> {
  return routerAttachment(env, 'IPRewriterPatterns', () => new Map<string, RewriterPattern>());
}

/** Map ids (Click's mapid): the default (TCP) map, and IPRewriter's UDP map. */
export const MAPID_DEFAULT = 0;
export const MAPID_IPREWRITER_UDP = 1;

/** getEntry's input for a lookup of a reply (Click's get_entry_reply): never makes a mapping. */
export const GET_ENTRY_REPLY = -2;

/** One input spec at run time (Click's IPRewriterInput). */
export class RewriterInput implements FlowOwner {
  count = 0;
  failures = 0;
  foutput: number;
  routput: number;
  pattern?: RewriterPattern;
  mapper?: IPMapperHost;

  constructor(
    readonly rewriter: RewriterBase<RewriterBaseConf>,
    readonly inputNumber: number,
    readonly spec: InputSpecConf,
  ) {
    this.foutput = 'foutput' in spec ? spec.foutput : -1;
    this.routput = 'routput' in spec ? spec.routput : -1;
    if (spec.kind === 'pattern') this.pattern = new RewriterPattern(spec.pattern);
  }

  /** The rewriter whose maps hold the reply entries; always the owner here, as in Click. */
  get replyElement(): RewriterBase<RewriterBaseConf> {
    return this.rewriter;
  }

  /** Output port (nochange), RW_ADDMAP with the new flow ID, or RW_DROP. */
  rewriteFlowid(flowid: FlowID, mapid: number): { result: number; flowid: FlowID } {
    switch (this.spec.kind) {
      case 'nochange':
        return { result: this.spec.foutput, flowid };
      case 'keep':
        return { result: RW_ADDMAP, flowid };
      case 'pattern':
      case 'named': {
        const map = this.replyElement.getMap(mapid);
        const r = this.pattern!.rewrite(flowid, (k) => map?.has(k) ?? false, () => this.rewriter.random());
        if (r.result === RW_DROP) this.failures++;
        return r;
      }
      case 'mapper': {
        const r = this.mapper!.rewriteFlowid(this, flowid, mapid);
        if (r.result === RW_DROP) this.failures++;
        return r;
      }
      default:
        return { result: RW_DROP, flowid };
    }
  }

  describe(): string {
    switch (this.spec.kind) {
      case 'drop':
        return '<drop>';
      case 'nochange':
        return '<nochange>';
      case 'keep':
        return '<keep>';
      case 'mapper':
        return '<mapper>';
      default:
        return unparsePattern(this.pattern!.conf);
    }
  }
}

export abstract class RewriterBase<C extends RewriterBaseConf> extends HostElement<C> implements FlowHost {
  readonly inputSpecs: RewriterInput[];
  heap = new FlowHeap();
  private gcTimer?: Timer;
  /** Timeouts in jiffies: [best effort, guarantee]. */
  protected readonly timeouts: [number, number];

  constructor(init: ElementInit<C>) {
    super(init);
    this.inputSpecs = this.conf.inputs.map((s, i) => new RewriterInput(this, i, s));
    this.timeouts = [this.conf.timeouts[0] * 1000, this.conf.timeouts[1] * 1000];
    if (typeof this.conf.capacity === 'number') this.heap.capacity = this.conf.capacity;
  }

  /** The mapping table for a map id, if this rewriter has one. */
  abstract getMap(mapid: number): Map<string, Entry> | undefined;
  abstract destroyFlow(flow: Flow): void;
  /**
   * Click's get_entry: the entry for `flowid` of protocol `proto`, made by
   * input spec `input` if there is none (none made when `input` is not an
   * input: ICMPRewriter asks with -2). FTPPortMapper and ICMPRewriter use it.
   */
  abstract getEntry(proto: number, flowid: FlowID, input: number): Entry | undefined;

  bestEffortExpiry(flow: Flow): number {
    return flow.expiry + this.timeouts[0] - this.timeouts[1];
  }

  override initialize(): void {
    const errors: string[] = [];
    if (typeof this.conf.capacity === 'string') {
      const other = this.env.lookup(this.conf.capacity);
      if (!(other instanceof RewriterBase)) throw new Error(`bad MAPPING_CAPACITY: '${this.conf.capacity}' is not a rewriter`);
      this.heap = other.heap;
    }
    for (const input of this.inputSpecs) {
      const spec = input.spec;
      if (spec.kind === 'named') {
        const p = namedPatterns(this.env).get(spec.name);
        if (!p) errors.push(`input spec ${input.inputNumber}: no such pattern '${spec.name}'`);
        input.pattern = p;
      } else if (spec.kind === 'mapper') {
        const m = this.env.lookup(spec.element);
        if (!isIPMapper(m)) errors.push(`input spec ${input.inputNumber}: element is not an IPMapper`);
        else {
          input.mapper = m;
          for (const e of m.notifyRewriter(this, input)) errors.push(`input spec ${input.inputNumber}: ${e}`);
        }
      }
    }
    if (errors.length) throw new Error(errors.join('\n'));
    const timer = this.env.timer(() => {
      this.shrinkHeap(false);
      if (this.conf.gcInterval) timer.scheduleAfter(BigInt(this.conf.gcInterval) * 1_000_000_000n);
    });
    this.gcTimer = timer;
    if (this.conf.gcInterval) timer.scheduleAfter(BigInt(this.conf.gcInterval) * 1_000_000_000n);
  }

  override cleanup(): void {
    this.gcTimer?.unschedule();
  }

  /** Engine time in jiffies (ms). */
  jiffies(): number {
    return Number(this.env.now() / 1_000_000n);
  }

  random(): number {
    return this.env.random32();
  }

  /** Packets without an IP header annotation are dropped (Click would read through a null header). */
  override push(port: number, batch: PacketBatch, out: Out): void {
    for (const p of batch) {
      p.writable();
      const h = headerPositions(p);
      if (h) this.rewrite(port, p, h, out);
      else this.drop(p);
    }
  }

  /** Look up, rewrite and emit one packet that has an IP header (or drop it). */
  protected abstract rewrite(port: number, p: Packet, h: HeaderPositions, out: Out): void;

  /** A new flow from `input`, expiring after its guarantee (or, without one, its timeout) from now. */
  protected newFlow(input: RewriterInput, flowid: FlowID, rewritten: FlowID, proto: number, [timeout, guarantee]: readonly [number, number]): Flow {
    return new Flow(input, flowid, rewritten, input.foutput, input.routput, proto, guarantee !== 0, this.jiffies() + (guarantee || timeout));
  }

  /**
   * The mapping for a flow no map knows yet, as the input spec decides
   * (Click's rewrite_flowid, then add_flow through `add`). Undefined when
   * there is none: the packet has then gone where the spec sends unmapped
   * packets, or was dropped.
   */
  protected newMapping(input: RewriterInput, flowid: FlowID, mapid: number, p: Packet, out: Out, add: (rewritten: FlowID) => Entry | undefined): Entry | undefined {
    const r = input.rewriteFlowid(flowid, mapid);
    const m = r.result === RW_ADDMAP ? add(r.flowid) : undefined;
    if (!m) {
      this.emitOrDrop(out, r.result, p);
      return undefined;
    }
    if (this.conf.annos & 2) m.flow.replyAnno = p.annoU8(this.conf.annos >> 2);
    return m;
  }

  /** Click's checked_output_push: a valid port, or a counted drop. */
  protected emitOrDrop(out: Out, port: number, p: Packet): void {
    if (port >= 0 && port < this.noutputs) out.emit(port, p);
    else this.drop(p);
  }

  /**
   * Enter a new flow in its maps and heap (Click's store_flow). A reply
   * entry that displaces another flow's destroys that flow. Returns the
   * forward entry, or undefined if the ports are bad or the heap is full
   * of guaranteed flows.
   */
  protected storeFlow(flow: Flow, input: RewriterInput, map: Map<string, Entry>, replyMap: Map<string, Entry>): Entry | undefined {
    if (flow.e[0].output < 0 || flow.e[0].output >= this.noutputs || flow.e[1].output < 0 || flow.e[1].output >= input.replyElement.noutputs) return undefined;
    map.set(flow.e[0].key, flow.e[0]);
    const old = replyMap.get(flow.e[1].key);
    replyMap.set(flow.e[1].key, flow.e[1]);
    if (old && old.flow !== flow) this.destroy(old.flow);
    this.heap.insert(flow);
    input.count++;
    if (this.heap.size > this.heap.capacity) {
      if (this.shrinkHeapForNewFlow(flow, this.jiffies())) {
        input.failures++;
        return undefined;
      }
    }
    return flow.e[0];
  }

  /**
   * The maps a flow of this rewriter lives in ([forward, reply]), for hot
   * reconfiguration; undefined: this class does not hand its flows over.
   */
  protected flowMaps(_flow: Flow): [Map<string, Entry>, Map<string, Entry>] | undefined {
    return undefined;
  }

  /**
   * Hot reconfiguration (a deliberate addition: Click's rewriters keep no
   * state across a hotswap): every flow the old rewriter of the same class
   * made is entered here with the same translation, outputs, expiry and
   * connection state, under this rewriter's input of the same number, so
   * established flows (and their replies) keep their mapping. Flows whose
   * input or outputs this configuration lacks are left behind.
   */
  override takeState(old: HostElement): void {
    if (!(old instanceof RewriterBase) || old.className !== this.className) return;
    if (this.heap.size > 0) throw new Error('already have mappings, cannot take state');
    const flows = [...old.heap.heaps[1], ...old.heap.heaps[0]].filter((f) => (f.owner as RewriterInput).rewriter === old);
    // Oldest expiry first, so the heaps fill in the order they had.
    flows.sort((x, y) => x.expiry - y.expiry);
    for (const f of flows) {
      const input = this.inputSpecs[f.owner.inputNumber];
      if (!input) continue;
      const [fwd, rev] = f.e;
      if (fwd.output >= this.noutputs || rev.output >= this.noutputs) continue;
      const flow = new Flow(input, fwd.flowid, f.rewrittenFlowid(false), fwd.output, rev.output, f.ipP, f.guaranteed, f.expiry);
      flow.tflags = f.tflags;
      flow.replyAnno = f.replyAnno;
      flow.dt = f.dt; // TCPRewriter's sequence deltas (the old router is done with them)
      const maps = this.flowMaps(flow);
      if (!maps) return;
      maps[0].set(flow.e[0].key, flow.e[0]);
      maps[1].set(flow.e[1].key, flow.e[1]);
      this.heap.insert(flow);
      input.count++;
    }
  }

  /** Remove a flow's entries from the maps, if they still point at it (Click's unmap_flow). */
  protected unmapFlow(flow: Flow, map: Map<string, Entry>, replyMap: Map<string, Entry>): void {
    if (map.get(flow.e[0].key) === flow.e[0]) map.delete(flow.e[0].key);
    if (replyMap.get(flow.e[1].key) === flow.e[1]) replyMap.delete(flow.e[1].key);
  }

  /** Forget a flow everywhere (Click's IPRewriterFlow::destroy). */
  destroy(flow: Flow): void {
    this.heap.remove(flow);
    flow.owner.count--;
    flow.owner.rewriter.destroyFlow(flow);
  }

  private shiftHeapBestEffort(now: number): void {
    const g = this.heap.heaps[1];
    while (g.length && g[0]!.expired(now)) {
      const f = g[0]!;
      this.heap.changeExpiry(f, false, f.owner.rewriter.bestEffortExpiry(f));
    }
  }

  private shrinkHeapForNewFlow(flow: Flow, now: number): boolean {
    this.shiftHeapBestEffort(now);
    const dead = this.heap.heaps[0].length ? this.heap.heaps[0][0]! : flow;
    this.ownerOf(dead).destroy(dead);
    return dead === flow;
  }

  /** Reap expired flows, then evict earliest-expiring ones down to the capacity (0 with clearAll). */
  shrinkHeap(clearAll: boolean): void {
    const now = this.jiffies();
    this.shiftHeapBestEffort(now);
    const be = this.heap.heaps[0];
    while (be.length && be[0]!.expired(now)) this.ownerOf(be[0]!).destroy(be[0]!);
    const capacity = clearAll ? 0 : this.heap.capacity;
    while (this.heap.size > capacity) {
      const dead = this.heap.heaps[this.heap.heaps[0].length ? 0 : 1][0]!;
      this.ownerOf(dead).destroy(dead);
    }
  }

  /** The rewriter element that owns a flow (heaps may be shared). */
  private ownerOf(flow: Flow): RewriterBase<RewriterBaseConf> {
    return (flow.owner as RewriterInput).rewriter;
  }

  /** Click's unparse_ports: ` [*F R] iN expS`, the entry's own output starred. */
  unparsePorts(flow: Flow, direction: boolean, now: number): string {
    const expiry = flow.guaranteed ? this.bestEffortExpiry(flow) : flow.expiry;
    const secs = Math.trunc((expiry + 500 - now) / 1000);
    return ` [${direction ? '' : '*'}${flow.e[0].output} ${direction ? '*' : ''}${flow.e[1].output}] i${flow.owner.inputNumber} exp${secs}`;
  }

  patternsText(): string {
    return this.inputSpecs.map((i) => `${i.describe()}${i.count ? ` [${i.count}]` : ''}\n`).join('');
  }

  /** Click's patternN read handler: input spec i, with its mapping count. */
  patternText(i: number): string {
    const input = this.inputSpecs[i]!;
    return `${input.describe()}${input.count ? ` [${input.count}]` : ''}\n`;
  }

  /**
   * Click's patternN write handler: a new input spec for input i. Every
   * flow the old spec made is destroyed first, and the new one starts
   * counting from zero. A bad spec is refused (Click reports it and
   * changes nothing, but the write succeeds).
   */
  writePattern(i: number, text: string): void {
    let conf: InputSpecConf;
    try {
      conf = parseInputSpec(text.trim(), i, { noutputs: this.noutputs, lookupElement: (name) => this.env.lookup(name)?.className });
    } catch (e) {
      throw new HandlerError((e as Error).message);
    }
    const input = new RewriterInput(this, i, conf);
    if (conf.kind === 'named') {
      input.pattern = namedPatterns(this.env).get(conf.name);
      if (!input.pattern) throw new HandlerError(`input spec ${i}: no such pattern '${conf.name}'`);
    } else if (conf.kind === 'mapper') {
      const m = this.env.lookup(conf.element);
      if (!isIPMapper(m)) throw new HandlerError(`input spec ${i}: element is not an IPMapper`);
      const errors = m.notifyRewriter(this, input);
      if (errors.length) throw new HandlerError(errors.map((e) => `input spec ${i}: ${e}`).join('\n'));
      input.mapper = m;
    }
    const old = this.inputSpecs[i]!;
    for (const f of [...this.heap.heaps[0], ...this.heap.heaps[1]].filter((f) => f.owner === old)) this.destroy(f);
    this.inputSpecs[i] = input;
  }

  setCapacity(text: string): void {
    const n = parseClickInt(text.trim());
    if (n === undefined) throw new HandlerError('CAPACITY: expected integer');
    // Click keeps an int32 and, given a negative one, evicts from an empty heap and crashes: refused here.
    if (n < 0 || n > 0x7fffffff) throw new HandlerError('CAPACITY: expected an integer from 0 to 2147483647');
    this.heap.capacity = n;
    this.shrinkHeap(false);
  }
}

/** IPRewriterBase's handlers. */
export const rewriterBaseHandlers: { readonly [name: string]: HandlerDef<RewriterBase<RewriterBaseConf>> } = {
  nmappings: { read: (e) => String(e.inputSpecs.reduce((n, i) => n + i.count, 0)), doc: 'mappings made by this rewriter' },
  mapping_failures: { read: (e) => String(e.inputSpecs.reduce((n, i) => n + i.failures, 0)), doc: 'flows that could not be mapped' },
  patterns: { read: (e) => e.patternsText(), doc: 'each input spec, with its mapping count' },
  size: { read: (e) => String(e.heap.size), doc: 'flows in the (possibly shared) flow set' },
  capacity: { read: (e) => String(e.heap.capacity), write: (e, v) => e.setCapacity(v), doc: 'maximum number of flows' },
  clear: { write: (e) => e.shrinkHeap(true), doc: 'remove every flow' },
};

/**
 * The handlers of every rewriter whose names depend on its inputs: one
 * patternN (read/write) per input spec, and table_size (Click's name for
 * nmappings), generated with them in the native dataplane.
 */
export function rewriterInstanceHandlers(ninputs: number): { readonly [name: string]: HandlerDef<RewriterBase<RewriterBaseConf>> } {
  const handlers: { [name: string]: HandlerDef<RewriterBase<RewriterBaseConf>> } = {
    table_size: { read: (e) => String(e.inputSpecs.reduce((n, i) => n + i.count, 0)), doc: 'mappings made by this rewriter' },
  };
  for (let i = 0; i < ninputs; i++) {
    handlers[`pattern${i}`] = { read: (e) => e.patternText(i), write: (e, v) => e.writePattern(i, v), doc: `input spec ${i}; writing replaces it and removes its flows` };
  }
  return handlers;
}

/** A rewriter with one mapping table (IPAddrRewriter, ICMPPingRewriter). */
export abstract class OneMapRewriter extends RewriterBase<RewriterBaseConf> {
  readonly map = new Map<string, Entry>();

  override getMap(mapid: number): Map<string, Entry> | undefined {
    return mapid === MAPID_DEFAULT ? this.map : undefined;
  }

  override destroyFlow(f: Flow): void {
    this.unmapFlow(f, this.map, this.map);
  }
}

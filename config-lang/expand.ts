// Elaboration, phase 2: instantiate compound elements into one flat table
// (Click's expand_compound_element) and then connect through the
// pass-through entries that compounds and groups leave behind.
//
// A compound instance `c` becomes three pass-through entries: `c` itself,
// `c/input` and `c/output`. A connection into `c [p]` continues from
// `c/input [p]`, and one into `c/output [p]` continues from `c [p]`; groups
// work the same way. Following these links from every connection gives the
// flat graph. A port used on one side but not the other is an error, as in
// Click ("'c' has no input 1", "input 0 of 'c' is not connected").

import type { GraphConnection, GraphElement, RouterGraph } from '../graph/router-graph.js';
import { splitArgs } from './args/split.js';
import { assignArguments, formalsSignature, plural, portCountText } from './compound-args.js';
import type { DiagnosticBag, RelatedNote } from './diagnostics.js';
import type { SourceSpan } from './source.js';
import type { ClassRef, CompiledBody, CompoundClassRef, ElementTable, PortRef } from './table.js';
import { VariableScope, expandVariables } from './variables.js';

interface FlatEntry {
  readonly name: string;
  kind: 'element' | 'passthrough' | 'error';
  readonly cls?: ClassRef;
  className?: string;
  config: string;
  configSpan?: SourceSpan;
  readonly span: SourceSpan;
  readonly context: readonly RelatedNote[];
  maxIn: number;
  maxOut: number;
  /** For a compound instance or group: how to name it in messages, and its definition. */
  passthrough?: { readonly label: string; readonly body?: CompiledBody };
}

interface FlatConnection {
  readonly from: PortRef;
  readonly to: PortRef;
  readonly span: SourceSpan;
  readonly context: readonly RelatedNote[];
}

/** Compound instances nest at most this deep (guards against pathological inputs). */
const MAX_INSTANCE_DEPTH = 200;

function compoundLabel(def: CompoundClassRef): string {
  return def.name ? `compound '${def.name}'` : 'anonymous compound';
}

export class Expander {
  private readonly entries: FlatEntry[] = [];
  private readonly names = new Map<string, number>();
  private readonly connections: FlatConnection[] = [];
  /** Pass-through links: a connection into key [p] continues from value [p]. */
  private readonly exitOf = new Map<number, number>();
  /** The reverse: a connection out of key [p] comes from whatever enters value [p]. */
  private readonly entryOf = new Map<number, number>();

  constructor(private readonly diags: DiagnosticBag) {}

  /** Expand the file's table with its variables; returns the flat graph. */
  run(file: ElementTable, scope: VariableScope, requirements: readonly string[]): RouterGraph {
    const map = this.copyTable(file, '', [], 0);
    for (const idx of map) if (idx >= 0) this.expandEntry(idx, scope, 0);
    return this.buildGraph(requirements);
  }

  private addEntry(e: Omit<FlatEntry, 'maxIn' | 'maxOut'>): number {
    const idx = this.entries.length;
    // One object shape for every entry keeps large configurations fast.
    this.entries.push({
      name: e.name,
      kind: e.kind,
      cls: e.cls,
      className: e.className,
      config: e.config,
      configSpan: e.configSpan,
      span: e.span,
      context: e.context,
      maxIn: -1,
      maxOut: -1,
      passthrough: e.passthrough,
    });
    this.names.set(e.name, idx);
    return idx;
  }

  private addConnection(c: FlatConnection): void {
    this.connections.push(c);
    const f = this.entries[c.from.idx]!;
    const t = this.entries[c.to.idx]!;
    if (c.from.port > f.maxOut) f.maxOut = c.from.port;
    if (c.to.port > t.maxIn) t.maxIn = c.to.port;
  }

  /** Link a compound instance or group `g` with its `input` and `output` entries. */
  private link(g: number, input: number, output: number): void {
    this.exitOf.set(g, input);
    this.entryOf.set(input, g);
    this.exitOf.set(output, g);
    this.entryOf.set(g, output);
  }

  /**
   * Copy a scope's entries under `prefix` (with their connections); returns
   * the flat index of each table entry (-1 when it could not be created).
   * Entries 0 and 1 of a compound table map to `pseudo` when given.
   */
  private copyTable(
    table: ElementTable,
    prefix: string,
    context: readonly RelatedNote[],
    first: number,
    pseudo?: readonly [number, number],
  ): number[] {
    const map: number[] = [];
    if (pseudo) map.push(pseudo[0], pseudo[1]);
    const entries = table.entries;
    for (let i = first; i < entries.length; i++) {
      const e = entries[i]!;
      const name = prefix + e.name;
      if (e.kind === 'group') {
        const g = this.addEntry({ name, kind: 'passthrough', config: '', span: e.span, context, passthrough: { label: 'element group' } });
        const gi = this.addEntry({ name: prefix + entries[i + 1]!.name, kind: 'passthrough', config: '', span: e.span, context });
        const go = this.addEntry({ name: prefix + entries[i + 2]!.name, kind: 'passthrough', config: '', span: e.span, context });
        this.link(g, gi, go);
        map.push(g, gi, go);
        i += 2;
        continue;
      }
      if (prefix && this.names.has(name)) {
        const prev = this.entries[this.names.get(name)!]!;
        this.diags.error(context[0]?.span ?? e.span, `redeclaration of element '${name}'`, undefined, [
          { span: prev.span, message: `'${name}' previously declared here` },
          ...context,
        ]);
        map.push(-1);
        continue;
      }
      map.push(
        this.addEntry({
          name,
          kind: e.kind === 'element' ? 'element' : 'error',
          cls: e.cls,
          config: e.config,
          configSpan: e.configSpan,
          span: e.span,
          context,
        }),
      );
    }
    for (const c of table.connections) {
      const from = map[c.from.idx]!;
      const to = map[c.to.idx]!;
      if (from >= 0 && to >= 0) {
        this.addConnection({ from: { idx: from, port: c.from.port }, to: { idx: to, port: c.to.port }, span: c.span, context });
      }
    }
    return map;
  }

  /** Substitute variables into an entry's configuration and expand it if it is a compound. */
  private expandEntry(idx: number, scope: VariableScope, level: number): void {
    const e = this.entries[idx]!;
    if (e.kind !== 'element' || !e.cls) return;
    const config = expandVariables(e.config, scope);
    if (config !== e.config) {
      e.config = config;
      e.configSpan = undefined;
    }
    const cls = e.cls;
    if (cls.kind === 'primitive') {
      e.className = cls.name;
      return;
    }
    if (cls.kind === 'error') {
      e.kind = 'error';
      return;
    }
    if (level >= MAX_INSTANCE_DEPTH) {
      this.diags.error(e.span, `compound elements nested more than ${MAX_INSTANCE_DEPTH} levels deep`, undefined, e.context);
      e.kind = 'error';
      return;
    }
    const args = splitArgs(config).map((p) => p.text);
    const choice = this.resolve(cls, e, args);
    if (!choice) {
      e.kind = 'error';
    } else if ('primitive' in choice) {
      e.className = choice.primitive;
    } else {
      this.instantiate(idx, choice.body, choice.values, scope, level);
    }
  }

  /**
   * Choose the definition of an overloaded compound (Click's rule): the first
   * whose port counts and arguments both fit; `|| ...` continues with the
   * extended class, and a primitive there is taken as is. With a single
   * definition whose arguments fit, a port mismatch is left to the port checks.
   */
  private resolve(
    def: CompoundClassRef,
    e: FlatEntry,
    args: readonly string[],
  ): { body: CompiledBody; values: readonly string[] } | { primitive: string } | undefined {
    const nin = e.maxIn + 1;
    const nout = e.maxOut + 1;
    const candidates: CompiledBody[] = [];
    let closest: { body: CompiledBody; values: readonly string[] } | undefined;
    let firstReason = '';
    for (let d: CompoundClassRef | undefined = def; d; ) {
      for (const body of d.overloads) {
        candidates.push(body);
        const a = assignArguments(body.formals, args);
        if (a.ok && body.ninputs === nin && body.noutputs === nout) return { body, values: a.values };
        if (a.ok) closest = { body, values: a.values };
        else if (!firstReason) firstReason = a.reason;
      }
      const ext: ClassRef | undefined = d.extension;
      if (ext?.kind === 'primitive') return { primitive: ext.name };
      if (ext?.kind === 'error') return undefined;
      d = ext;
    }
    if (candidates.length === 1 && closest) return closest;
    const name = def.name || '<anonymous>';
    const defined = { span: def.span, message: `${compoundLabel(def)} defined here` };
    if (candidates.length === 1) {
      this.diags.error(e.span, `wrong arguments for ${compoundLabel(def)}: ${firstReason}`, undefined, [defined, ...e.context]);
    } else {
      const notes = candidates.map((b) => ({
        span: b.span,
        message: `candidate: ${name}${formalsSignature(b.formals)} [${portCountText(b.ninputs, b.noutputs)}]`,
      }));
      this.diags.error(
        e.span,
        `no definition of ${compoundLabel(def)} matches ${plural(args.length, 'argument')}, ${portCountText(nin, nout)}`,
        'overloads are chosen by argument count and by the number of input and output ports used',
        [...notes, ...e.context],
      );
    }
    return undefined;
  }

  private instantiate(idx: number, body: CompiledBody, values: readonly string[], caller: VariableScope, level: number): void {
    const e = this.entries[idx]!;
    const def = body.owner;
    const scope = new VariableScope(caller.ancestorBelow(body.depth), body.depth);
    body.formals.forEach((f, i) => scope.set(f.name, values[i] ?? ''));
    for (const d of body.defines) scope.set(d.name, expandVariables(d.value, scope));
    e.kind = 'passthrough';
    e.passthrough = { label: `'${e.name}'`, body };
    const context: RelatedNote[] = [
      { span: e.span, message: `in ${compoundLabel(def)} used here` },
      { span: def.span, message: `${compoundLabel(def)} defined here` },
      ...e.context,
    ];
    const input = this.addEntry({ name: `${e.name}/input`, kind: 'passthrough', config: '', span: e.span, context });
    const output = this.addEntry({ name: `${e.name}/output`, kind: 'passthrough', config: '', span: e.span, context });
    this.link(idx, input, output);
    const map = this.copyTable(body.table, `${e.name}/`, context, 2, [input, output]);
    for (let i = 2; i < map.length; i++) {
      const child = map[i]!;
      if (child >= 0) this.expandEntry(child, scope, level + 1);
    }
  }

  // --- connecting through pass-through entries ------------------------------

  private buildGraph(requirements: readonly string[]): RouterGraph {
    // Connections leaving and entering each pass-through entry (real ones need no index).
    const byFrom = new Map<number, FlatConnection[]>();
    const byTo = new Map<number, FlatConnection[]>();
    for (const c of this.connections) {
      if (this.entries[c.from.idx]!.kind === 'passthrough') (byFrom.get(c.from.idx) ?? byFrom.set(c.from.idx, []).get(c.from.idx)!).push(c);
      if (this.entries[c.to.idx]!.kind === 'passthrough') (byTo.get(c.to.idx) ?? byTo.set(c.to.idx, []).get(c.to.idx)!).push(c);
    }
    const memoSources = new Map<number, Map<number, PortRef[]>>();
    const memoTargets = new Map<number, Map<number, PortRef[]>>();
    const memoFor = (memo: Map<number, Map<number, PortRef[]>>, idx: number): Map<number, PortRef[]> =>
      memo.get(idx) ?? memo.set(idx, new Map()).get(idx)!;

    // Real output ports that feed `p` when `p` is a pass-through's output side.
    const sources = (p: PortRef, cause: FlatConnection): readonly PortRef[] => {
      const kind = this.entries[p.idx]!.kind;
      if (kind === 'element') return [p];
      if (kind === 'error') return [];
      const memo = memoFor(memoSources, p.idx);
      const done = memo.get(p.port);
      if (done) return done;
      const out: PortRef[] = [];
      memo.set(p.port, out); // a cycle of pass-throughs contributes nothing
      const entry = this.entryOf.get(p.idx);
      if (entry === undefined) return out;
      const feeding = (byTo.get(entry) ?? []).filter((c) => c.to.port === p.port);
      if (feeding.length === 0) this.reportDangling(p, entry, 'source', cause);
      for (const c of feeding) out.push(...sources(c.from, c));
      return out;
    };

    // Real input ports that `p` reaches when `p` is a pass-through's input side.
    const targets = (p: PortRef, cause: FlatConnection): readonly PortRef[] => {
      const kind = this.entries[p.idx]!.kind;
      if (kind === 'element') return [p];
      if (kind === 'error') return [];
      const memo = memoFor(memoTargets, p.idx);
      const done = memo.get(p.port);
      if (done) return done;
      const out: PortRef[] = [];
      memo.set(p.port, out);
      const exit = this.exitOf.get(p.idx);
      if (exit === undefined) return out;
      const leaving = (byFrom.get(exit) ?? []).filter((c) => c.from.port === p.port);
      if (leaving.length === 0) this.reportDangling(p, exit, 'target', cause);
      for (const c of leaving) out.push(...targets(c.to, c));
      return out;
    };

    const index = new Int32Array(this.entries.length).fill(-1);
    const elements: GraphElement[] = [];
    this.entries.forEach((e, i) => {
      if (e.kind !== 'element') return;
      index[i] = elements.length;
      const el: GraphElement = {
        index: elements.length,
        name: e.name,
        className: e.className!,
        config: e.config,
        span: e.span,
        configSpan: e.configSpan,
        context: e.context,
      };
      if (!e.configSpan) delete (el as { configSpan?: SourceSpan }).configSpan;
      elements.push(el);
    });
    // Click drops repeated connections; key them by element and port numbers.
    const seen = new Set<string>();
    const connections: GraphConnection[] = [];
    const add = (f: PortRef, t: PortRef, c: FlatConnection): void => {
      const from = index[f.idx]!;
      const to = index[t.idx]!;
      const k = `${from}.${f.port}>${to}.${t.port}`;
      if (seen.has(k)) return;
      seen.add(k);
      connections.push({ from: { element: from, port: f.port }, to: { element: to, port: t.port }, span: c.span, context: c.context });
    };
    for (const c of this.connections) {
      const fk = this.entries[c.from.idx]!.kind;
      const tk = this.entries[c.to.idx]!.kind;
      if (fk === 'element' && tk === 'element') {
        add(c.from, c.to, c);
        continue;
      }
      const froms = sources(c.from, c);
      if (froms.length === 0) continue;
      const tos = targets(c.to, c);
      for (const f of froms) for (const t of tos) add(f, t, c);
    }
    return { elements, connections, requirements: [...requirements] };
  }

  /**
   * A pass-through port with nothing on the other side. `p` is the port being
   * followed, `other` the entry on the far side of its link.
   */
  private reportDangling(p: PortRef, other: number, side: 'source' | 'target', cause: FlatConnection): void {
    const pe = this.entries[p.idx]!;
    const oe = this.entries[other]!;
    // The compound instance or group is whichever of the two carries a label.
    const owner = pe.passthrough ? pe : oe;
    const label = owner.passthrough?.label ?? `'${owner.name}'`;
    const body = owner.passthrough?.body;
    const notes: RelatedNote[] = body
      ? [{ span: body.owner.span, message: `${compoundLabel(body.owner)} has ${portCountText(body.ninputs, body.noutputs)}` }]
      : [];
    const isOwner = pe === owner;
    if (side === 'target' && isOwner) {
      // `x -> [p] c`, but nothing inside leaves input p.
      this.diags.error(cause.span, `${label} has no input ${p.port}`, undefined, [...notes, ...cause.context]);
    } else if (side === 'source' && isOwner) {
      // `c [p] -> x`, but nothing inside reaches output p.
      this.diags.error(cause.span, `${label} has no output ${p.port}`, undefined, [...notes, ...cause.context]);
    } else if (side === 'source') {
      // Inside uses input p, but nothing outside connects to it.
      this.diags.error(owner.span, `input ${p.port} of ${label} is not connected`, 'connect every input port the compound element or group uses', [
        ...notes,
        ...owner.context,
      ]);
    } else {
      this.diags.error(owner.span, `output ${p.port} of ${label} is not connected`, 'connect every output port the compound element or group uses', [
        ...notes,
        ...owner.context,
      ]);
    }
  }
}

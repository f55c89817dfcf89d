// The native (C) entries of the NAT classes: their configurations rendered
// as initializers of the structs in elements/lib/rewriter.h. Input specs
// become a constant RwInputConf array; mappers and a shared flow heap
// (MAPPING_CAPACITY naming another rewriter) are element references.

import { nativeSource, type NativeInitContext, type NativeSpec } from '../../dataplane-native/native-spec.js';
import type { InputSpecConf } from './input-spec.js';
import type { RewriterBaseConf } from './rewriter-base.js';
import type { PatternConf } from './rewriter-pattern.js';

const SPEC_KIND: Record<InputSpecConf['kind'], number> = { drop: 0, nochange: 1, keep: 2, pattern: 3, named: 4, mapper: 5 };

/** An RwPattern initializer. */
export function patternInit(p: PatternConf): string {
  return (
    `{ .saddr = ${p.saddr >>> 0}u, .daddr = ${p.daddr >>> 0}u, .sport = ${p.sport}u, .dport = ${p.dport}u, ` +
    `.is_napt = ${+p.isNapt}, .sequential = ${+p.sequential}, .same_first = ${+p.sameFirst}, .variation_top = ${p.variationTop >>> 0}u }`
  );
}

/** Which rewriter an RwCore belongs to (its RW_KIND_). */
export type RewriterKind = 'ipRewriter' | 'udp' | 'tcp' | 'addr' | 'icmpPing' | 'addrPair';
const KIND: Record<RewriterKind, string> = { ipRewriter: 'RW_KIND_IPREWRITER', udp: 'RW_KIND_UDP', tcp: 'RW_KIND_TCP', addr: 'RW_KIND_ADDR', icmpPing: 'RW_KIND_ICMP_PING', addrPair: 'RW_KIND_ADDR_PAIR' };

/** The RwCore fields every rewriter has (`.rw = { ... }` without braces). */
function coreInit(c: RewriterBaseConf, ctx: NativeInitContext, kind: RewriterKind, nmaps: number): string[] {
  const mappers: string[] = [];
  const inputs = c.inputs.map((s) => {
    // Ports a spec does not give are -1, as RewriterInput's (a mapper sets them per flow).
    const f = [`.kind = ${SPEC_KIND[s.kind]}`, `.foutput = ${'foutput' in s ? s.foutput : -1}`, `.routput = ${'routput' in s ? s.routput : -1}`];
    if (s.kind === 'pattern') f.push(`.pattern = ${patternInit(s.pattern)}`);
    if (s.kind === 'named') f.push(`.name = ${ctx.cString(s.name)}`);
    if (s.kind === 'mapper') {
      f.push(`.mapper = ${mappers.length}`);
      mappers.push(`&(${ctx.elementRef(s.element)})->m`);
    }
    return `{ ${f.join(', ')} }`;
  });
  const fields = [
    `.input_conf = ${ctx.constArray('RwInputConf', inputs)}, .ninputs = ${c.inputs.length}, .noutputs = ${ctx.noutputs}`,
    `.kind = ${KIND[kind]}, .nmaps = ${nmaps}, .annos = ${c.annos}u`,
    `.timeouts = { ${c.timeouts[0] * 1000}, ${c.timeouts[1] * 1000} }, .gc_interval = ${c.gcInterval}`,
    typeof c.capacity === 'number'
      ? `.own_heap = { .capacity = ${c.capacity} }`
      : `.own_heap = { .capacity = 2147483647 }, .capacity_of = &(${ctx.elementRef(c.capacity)})->rw`,
  ];
  if (mappers.length) fields.push(`.mappers = (RwMapper *const[]){ ${mappers.join(', ')} }`);
  return fields;
}

/** The native entry of a rewriter class; `extra` adds class-specific RwCore fields. */
export function rewriterNative<C extends RewriterBaseConf>(
  moduleUrl: string,
  file: string,
  prefix: string,
  kind: RewriterKind,
  extra: (c: C) => string[] = () => [],
): NativeSpec<C> {
  return {
    source: nativeSource(moduleUrl, file),
    prefix,
    inPlace: true,
    hooks: { init: true, cleanup: true, timer: true, takeState: kind === 'ipRewriter' || kind === 'udp' || kind === 'tcp' },
    init: (c, ctx) => `.rw = {\n        ${[...coreInit(c, ctx, kind, kind === 'ipRewriter' ? 2 : 1), ...extra(c)].join(',\n        ')}\n    }`,
    // The handlers of rewriterInstanceHandlers (rewriter-base.ts): table_size and one patternN per input.
    instanceCode: (c, _ctx, inst) =>
      [
        `static inline void ${inst}_push(struct ${prefix} *e, int port, Packet **in, unsigned n, CvmOut *out) { ${prefix}_push(e, port, in, n, out); }`,
        `static void ${inst}_read_table_size(struct ${prefix} *e, CvmStr *o) { rw_read_nmappings(&e->rw, o); }`,
        ...c.inputs.flatMap((_, i) => [
          `static void ${inst}_read_pattern${i}(struct ${prefix} *e, CvmStr *o) { rw_read_pattern(&e->rw, ${i}, o); }`,
          `static int ${inst}_write_pattern${i}(struct ${prefix} *e, const char *v, CvmStr *err) { (void)e, (void)v; return rw_write_pattern(${i}, err); }`,
        ]),
      ].join('\n'),
  };
}

/**
 * RoundRobinIPMapper — hand out rewrite patterns in turn (an IPMapper).
 *
 * Synopsis:   RoundRobinIPMapper(PATTERN1, ..., PATTERNn)
 * Ports:      none.
 * Processing: a rewriter (IPRewriter, IPAddrRewriter) whose input spec
 *             names this element asks it for each new flow. It tries its
 *             patterns in round-robin order, starting after the one used
 *             last, and uses the first that can map the flow; the flow's
 *             forward and reply outputs are that pattern's. Useful for load
 *             balancing.
 * Arguments:  each PATTERN is `SADDR SPORT DADDR DPORT FOUTPUT ROUTPUT` or
 *             `NAME FOUTPUT ROUTPUT` (a pattern of IPRewriterPatterns), as in
 *             IPRewriter's `pattern` input spec. At least one; one alone
 *             draws a warning.
 * Handlers:   none.
 * Output ports are checked against each rewriter using the mapper when it
 * initializes: "output port out of range in NAME :: RoundRobinIPMapper pattern N".
 */

import { a, ConfigError, type ConfigContext } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import type { FlowID } from './flow-id.js';
import { parsePatternWithPorts } from './input-spec.js';
import { namedPatterns, RW_DROP, type IPMapperHost, type RewriterBase, type RewriterBaseConf, type RewriterInput } from './rewriter-base.js';
import { RewriterPattern, type PatternConf } from './rewriter-pattern.js';
import { patternInit } from './rewriter-native.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

interface MapperPatternConf {
  readonly pattern: PatternConf | { readonly name: string };
  readonly foutput: number;
  readonly routput: number;
}

interface RoundRobinConf {
  readonly patterns: MapperPatternConf[];
}

const args = { PATTERN: a.rest(T.raw) };

function configure(v: { PATTERN: string[] }, ctx: ConfigContext): RoundRobinConf {
  if (v.PATTERN.length === 0) throw new ConfigError('no patterns given', undefined, 'RoundRobinIPMapper(SADDR SPORT DADDR DPORT FOUTPUT ROUTPUT, ...)');
  if (v.PATTERN.length === 1) ctx.warn('only one pattern given');
  const patterns = v.PATTERN.map((text) => {
    try {
      return parsePatternWithPorts(text);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
  });
  return { patterns };
}

export class RoundRobinIPMapperElement extends HostElement<RoundRobinConf> implements IPMapperHost {
  readonly isIPMapper = true as const;
  private patterns: (RewriterPattern | undefined)[] = [];
  private last = 0;

  override initialize(): void {
    this.patterns = this.conf.patterns.map((p) => ('name' in p.pattern ? namedPatterns(this.env).get(p.pattern.name) : new RewriterPattern(p.pattern)));
    const missing = this.conf.patterns.find((p, i) => !this.patterns[i] && 'name' in p.pattern);
    if (missing && 'name' in missing.pattern) throw new Error(`no such pattern '${missing.pattern.name}'`);
  }

  notifyRewriter(user: RewriterBase<RewriterBaseConf>, input: RewriterInput): string[] {
    const errors: string[] = [];
    this.conf.patterns.forEach((p, i) => {
      if (p.foutput >= user.noutputs || p.routput >= input.replyElement.noutputs) {
        errors.push(`output port out of range in ${this.name} :: RoundRobinIPMapper pattern ${i}`);
      }
    });
    return errors;
  }

  rewriteFlowid(input: RewriterInput, flowid: FlowID, mapid: number): { result: number; flowid: FlowID } {
    const map = input.replyElement.getMap(mapid);
    for (let i = 0; i < this.patterns.length; i++) {
      const k = this.last;
      this.last = (this.last + 1) % this.patterns.length;
      const pattern = this.patterns[k];
      if (!pattern) continue;
      const r = pattern.rewrite(flowid, (key) => map?.has(key) ?? false, () => this.env.random32());
      if (r.result !== RW_DROP) {
        // The rewriter's new flow takes this pattern's outputs.
        input.foutput = this.conf.patterns[k]!.foutput;
        input.routput = this.conf.patterns[k]!.routput;
        return r;
      }
    }
    return { result: RW_DROP, flowid };
  }
}

export const spec = anySpec(defineElement<typeof args, RoundRobinConf, RoundRobinIPMapperElement>({
  name: 'RoundRobinIPMapper',
  ports: '0/0',
  processing: 'a/a',
  args,
  configure,
  host: (init) => new RoundRobinIPMapperElement(init),
  native: {
    source: nativeSource(import.meta.url, 'round-robin-ip-mapper.c'),
    prefix: 'round_robin_ip_mapper',
    hooks: { init: true, cleanup: true },
    init: (c, ctx) => {
      const pats = c.patterns.map((p) =>
        'name' in p.pattern
          ? `{ .name = ${ctx.cString(p.pattern.name)}, .foutput = ${p.foutput}, .routput = ${p.routput} }`
          : `{ .pattern = ${patternInit(p.pattern)}, .foutput = ${p.foutput}, .routput = ${p.routput} }`,
      );
      return `.m = { .name = ${ctx.cString(ctx.elementName)}, .conf = ${ctx.constArray('RwMapperConf', pats)}, .n = ${pats.length} }`;
    },
  },
}));

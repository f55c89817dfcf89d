/**
 * IPRewriterPatterns — name rewrite patterns for rewriters to share.
 *
 * Synopsis:   IPRewriterPatterns(NAME PATTERN, ...)
 * Ports:      none.
 * Processing: none; defines each NAME as `SADDR SPORT DADDR DPORT` (or a
 *             two-word `SADDR DADDR` address pattern) for use as
 *             `pattern NAME FOUTPUT ROUTPUT` in IPRewriter or IPAddrRewriter
 *             input specs and in RoundRobinIPMapper. Every user of a name
 *             shares one pattern, including its sequential allocation state.
 * Arguments:  `NAME PATTERN` pairs; a name may be defined once per router.
 * Handlers:   none.
 */

import { a, ConfigError } from '../../config-lang/args/args.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { T } from '../../config-lang/args/types.js';
import { HostElement, type ElementInit } from '../../host-engine/element.js';
import { defineElement } from '../spec.js';
import { anySpec } from '../lib/any-spec.js';
import { namedPatterns } from './rewriter-base.js';
import { parsePatternWords, RewriterPattern, type PatternConf } from './rewriter-pattern.js';
import { patternInit } from './rewriter-native.js';
import { nativeSource } from '../../dataplane-native/native-spec.js';

interface PatternsConf {
  readonly patterns: { readonly name: string; readonly pattern: PatternConf }[];
}

const args = { PATTERN: a.rest(T.raw) };

function configure(v: { PATTERN: string[] }): PatternsConf {
  const patterns: { name: string; pattern: PatternConf }[] = [];
  for (const text of v.PATTERN) {
    const words = splitWords(text).map((w) => w.text);
    if (words.length === 0) continue;
    const name = unquote(words[0]!);
    if (patterns.some((p) => p.name === name)) throw new ConfigError(`pattern '${name}' already defined`);
    let parsed: PatternConf | { readonly name: string };
    try {
      parsed = parsePatternWords(words.slice(1));
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
    if ('name' in parsed) {
      const ref = parsed.name;
      const earlier = patterns.find((p) => p.name === ref);
      if (!earlier) throw new ConfigError(`no such pattern '${ref}'`);
      parsed = earlier.pattern;
    }
    patterns.push({ name, pattern: parsed });
  }
  return { patterns };
}

export class IPRewriterPatternsElement extends HostElement<PatternsConf> {
  constructor(init: ElementInit<PatternsConf>) {
    super(init);
    // Defined at construction so rewriters find them when they initialize.
    const table = namedPatterns(this.env);
    for (const p of this.conf.patterns) {
      if (table.has(p.name)) throw new Error(`pattern '${p.name}' already defined`);
      table.set(p.name, new RewriterPattern(p.pattern));
    }
  }
}

export const spec = anySpec(defineElement<typeof args, PatternsConf, IPRewriterPatternsElement>({
  name: 'IPRewriterPatterns',
  ports: '0/0',
  processing: 'a/a',
  args,
  configure,
  host: (init) => new IPRewriterPatternsElement(init),
  native: {
    source: nativeSource(import.meta.url, 'ip-rewriter-patterns.c'),
    prefix: 'ip_rewriter_patterns',
    hooks: { init: true, cleanup: true },
    init: (c, ctx) =>
      `.conf = ${ctx.constArray('RwPattern', c.patterns.map((p) => patternInit(p.pattern)))}, ` +
      `.names = ${ctx.constArray('char *', c.patterns.map((p) => ctx.cString(p.name)))}, .n = ${c.patterns.length}`,
  },
}));

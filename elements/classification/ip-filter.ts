/**
 * IPFilter — filter IP packets with tcpdump-like patterns.
 *
 * Synopsis:   IPFilter(ACTION_1 PATTERN_1, ..., ACTION_N PATTERN_N)
 * Ports:      1 push input; any number of push outputs.
 * Processing: the first filter whose PATTERN matches decides: ACTION `allow`
 *             (output 0), a port number, or `drop`/`deny` (drop the packet).
 *             A packet no filter matches is dropped. Input packets need their
 *             IP header annotation (CheckIPHeader or MarkIPHeader sets it); a
 *             packet without one is dropped.
 * Patterns:   the language of IPClassifier (see ip-classifier.ts). `allow`
 *             alone, `allow -`, `allow all` and `allow any` match everything.
 * Compilation: at configure time the filters become one decision program
 *             (program.ts) with tests on the IP and transport headers.
 * Handlers:
 *   program (read)   the decision program, one step per line
 * Differences from Click: see ip-classifier.ts.
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { defineElement } from '../spec.js';
import { compileRules } from './compile.js';
import { PatternError, parseFilterPattern } from './ip-filter-parser.js';
import { type ProgramConf, ProgramElement, programHandler } from './program-element.js';
import { programNative } from './program-c.js';
import type { Rule } from './expr.js';

/** Parse IPFilter-style `ACTION PATTERN` arguments into rules, reporting errors as `pattern N: ...`. */
export function filterRules(texts: readonly string[], noutputs: number, warn: (m: string) => void, displayIndex: (i: number) => number = (i) => i): Rule[] {
  return texts.map((text, i) => {
    const n = displayIndex(i);
    try {
      return parseFilterPattern(text, noutputs, (m) => warn(`pattern ${n}: ${m}`));
    } catch (e) {
      if (e instanceof PatternError) throw new ConfigError(`pattern ${n}: ${e.message}`, i, e.hint);
      throw e;
    }
  });
}

const args = { FILTER: a.rest(T.raw) };

export const spec = defineElement<typeof args, ProgramConf, ProgramElement>({
  name: 'IPFilter',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (values, ctx) => {
    const patterns = values.FILTER;
    const program = compileRules(filterRules(patterns, ctx.noutputs, (m) => ctx.warn(m)));
    return { program, patterns };
  },
  host: (init) => new ProgramElement(init),
  native: programNative(false),
  handlers: {
    program: programHandler,
  },
});

/**
 * Classifier — classify packets by bytes at fixed offsets.
 *
 * Synopsis:   Classifier(PATTERN_0, ..., PATTERN_N-1)
 * Ports:      1 push input; N push outputs, one per pattern.
 * Processing: a packet goes to the output of the first pattern it matches;
 *             a packet matching none is dropped (counted).
 * Patterns:   terms `OFFSET/VALUE` or `OFFSET/VALUE%MASK`, separated by
 *             spaces, all of which must hold. OFFSET is a decimal byte offset
 *             from the start of the packet data; VALUE and MASK are an even
 *             number of hex digits, `?` meaning "any nibble"; the mask keeps
 *             only its 1 bits. `!TERM` negates a term. `-` (or an empty
 *             pattern) matches every packet. A term that tests bytes past the
 *             end of the packet does not hold, so its negation does.
 *             Example: Classifier(12/0806 20/0001, 12/0806 20/0002, 12/0800, -)
 *             sends ARP requests, ARP replies, IPv4 and the rest to outputs 0-3.
 * Compilation: at configure time the patterns become a decision program
 *             (see program.ts): tests of 32-bit words, shared between patterns
 *             and left out where earlier tests decide them.
 * Handlers:
 *   program (read)   the decision program, one step per line
 * Differences from Click: offsets are limited to 65520; no AlignmentInfo
 *   (offsets are exact, words need no alignment).
 */

import { ConfigError, a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { defineElement } from '../spec.js';
import { parseClassifierPattern } from './classifier-pattern.js';
import { compileRules } from './compile.js';
import { reachableOutputs, unparseProgram } from './program.js';
import { type ProgramConf, ProgramElement } from './program-element.js';
import { programNative } from './program-c.js';

const args = { PATTERN: a.rest(T.raw) };

export const spec = defineElement<typeof args, ProgramConf, ProgramElement>({
  name: 'Classifier',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (values, ctx) => {
    const patterns = values.PATTERN;
    if (patterns.length !== ctx.noutputs) {
      throw new ConfigError(`need ${ctx.noutputs} arguments, one per output port`, undefined, `${patterns.length} pattern${patterns.length === 1 ? '' : 's'} given for ${ctx.noutputs} output${ctx.noutputs === 1 ? '' : 's'}`);
    }
    const rules = patterns.map((p, i) => ({ expr: parseClassifierPattern(p, i), output: i }));
    const program = compileRules(rules);
    const used = reachableOutputs(program);
    for (let i = 0; i < patterns.length; i++) if (!used.has(i)) ctx.warn(`output ${i} matches no packets`);
    return { program, patterns };
  },
  host: (init) => new ProgramElement(init),
  native: programNative(false),
  handlers: {
    program: { read: (e) => unparseProgram(e.program), doc: 'the compiled decision program' },
  },
});

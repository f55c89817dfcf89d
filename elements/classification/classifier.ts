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

import { a } from '../../config-lang/args/args.js';
import { T } from '../../config-lang/args/types.js';
import { defineElement } from '../spec.js';
import { parseClassifierPattern } from './classifier-pattern.js';
import { compileRules } from './compile.js';
import { configurePerOutput, type ProgramConf, ProgramElement, programHandler } from './program-element.js';
import { programNative } from './program-c.js';

const args = { PATTERN: a.rest(T.raw) };

export const spec = defineElement<typeof args, ProgramConf, ProgramElement>({
  name: 'Classifier',
  ports: '1/-',
  processing: 'h/h',
  args,
  configure: (values, ctx) => configurePerOutput(values.PATTERN, ctx, (patterns) => compileRules(patterns.map((p, i) => ({ expr: parseClassifierPattern(p, i), output: i })))),
  host: (init) => new ProgramElement(init),
  native: programNative(false),
  handlers: {
    program: programHandler,
  },
});

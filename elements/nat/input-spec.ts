// Input specifications of the rewriters (Click's IPRewriterBase::
// parse_input_spec), one per input port, parsed into plain data:
//   drop | discard
//   pass [OUTPUT] | passthrough | nochange
//   keep FOUTPUT ROUTPUT
//   pattern SADDR SPORT DADDR DPORT FOUTPUT ROUTPUT   (also xpattern, and 2- or 3-word patterns)
//   pattern NAME FOUTPUT ROUTPUT                       (named by an IPRewriterPatterns element)
//   ELEMENT                                           (an IPMapper such as RoundRobinIPMapper)

import { ConfigError } from '../../config-lang/args/args.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import { parseClickInt } from '../lib/ip-route.js';
import { parsePatternWords, type PatternConf } from './rewriter-pattern.js';

export type InputSpecConf =
  | { readonly kind: 'drop' }
  | { readonly kind: 'nochange'; readonly foutput: number }
  | { readonly kind: 'keep'; readonly foutput: number; readonly routput: number }
  | { readonly kind: 'pattern'; readonly pattern: PatternConf; readonly foutput: number; readonly routput: number }
  | { readonly kind: 'named'; readonly name: string; readonly foutput: number; readonly routput: number }
  | { readonly kind: 'mapper'; readonly element: string };

/** Element classes that implement Click's IPMapper interface here. */
export const IP_MAPPER_CLASSES: ReadonlySet<string> = new Set(['RoundRobinIPMapper']);

/** Element classes that are rewriters (may share a MAPPING_CAPACITY). */
export const REWRITER_CLASSES: ReadonlySet<string> = new Set(['IPRewriter', 'UDPRewriter', 'TCPRewriter', 'IPAddrRewriter', 'ICMPPingRewriter', 'IPAddrPairRewriter']);

/** `FOUTPUT ROUTPUT` (Click's parse_ports). */
export function parsePorts(words: string[]): { foutput: number; routput: number } {
  const f = words.length === 2 ? parseClickInt(unquote(words[0]!)) : undefined;
  if (f === undefined) throw new Error('bad forward port');
  const r = parseClickInt(unquote(words[1]!));
  if (r === undefined) throw new Error('bad reply port');
  return { foutput: f, routput: r };
}

/** A pattern followed by its two ports (Click's parse_with_ports). */
export function parsePatternWithPorts(text: string): { pattern: PatternConf | { readonly name: string }; foutput: number; routput: number } {
  const words = splitWords(text).map((w) => w.text);
  if (words.length <= 2) throw new Error('syntax error');
  const pattern = parsePatternWords(words.slice(0, -2));
  return { pattern, ...parsePorts(words.slice(-2)) };
}

export interface InputSpecContext {
  readonly noutputs: number;
  /** Class of another element, or undefined. */
  lookupElement(name: string): string | undefined;
}

/** Parse input spec number `index`; errors are ConfigErrors prefixed `input spec N: `, as Click's. */
export function parseInputSpec(text: string, index: number, ctx: InputSpecContext): InputSpecConf {
  const fail = (msg: string): never => {
    throw new ConfigError(`input spec ${index}: ${msg}`);
  };
  const words = splitWords(text);
  if (words.length === 0) return fail('empty argument');
  const word = unquote(words[0]!.text);
  const rest = text.slice(words[0]!.offset + words[0]!.text.length).trim();
  const inRange = (f: number, r: number) => f >= 0 && f < ctx.noutputs && r >= 0 && r < ctx.noutputs;
  const attempt = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return fail((e as Error).message);
    }
  };

  if (word === 'pass' || word === 'passthrough' || word === 'nochange') {
    const out = rest ? parseClickInt(unquote(rest)) : 0;
    if (out === undefined) return fail("syntax error, expected 'nochange [OUTPUT]'");
    if (out < 0 || out >= ctx.noutputs) return fail('output port out of range');
    return { kind: 'nochange', foutput: out };
  }
  if (word === 'keep') {
    const ports = attempt(() => parsePorts(splitWords(rest).map((w) => w.text)));
    if (!inRange(ports.foutput, ports.routput)) return fail('output port out of range');
    return { kind: 'keep', ...ports };
  }
  if (word === 'drop' || word === 'discard') {
    if (rest) return fail(`syntax error, expected '${word}'`);
    return { kind: 'drop' };
  }
  if (word === 'pattern' || word === 'xpattern') {
    const p = attempt(() => parsePatternWithPorts(rest));
    if (!inRange(p.foutput, p.routput)) return fail('output port out of range');
    if ('name' in p.pattern) return { kind: 'named', name: p.pattern.name, foutput: p.foutput, routput: p.routput };
    return { kind: 'pattern', pattern: p.pattern, foutput: p.foutput, routput: p.routput };
  }
  const cls = ctx.lookupElement(word);
  if (cls !== undefined) {
    if (rest) return fail('syntax error, expected element name');
    if (!IP_MAPPER_CLASSES.has(cls)) return fail('element is not an IPMapper');
    return { kind: 'mapper', element: word };
  }
  return fail('unknown specification');
}

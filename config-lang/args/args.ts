// Declarative element arguments with Click's conventions (Click's Args):
// arguments are read in declaration order; positional ones take the next
// argument that carries no keyword (a mandatory one takes it even if it looks
// like `WORD value`); keyword ones match `KEYWORD value` exactly, the last
// occurrence winning; leftovers are "unknown argument" or "too many
// arguments". Types come from ./types.ts.

import { keywordLength, Piece, splitArgs } from './split.js';

/** A configuration error located at one argument (by index) or the whole config. */
export class ConfigError extends Error {
  constructor(
    message: string,
    /** Index of the offending argument, if known. */
    readonly argIndex?: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** What a parser may ask about the element and the router it lives in. */
export interface ConfigContext {
  readonly elementName: string;
  readonly className: string;
  readonly ninputs: number;
  readonly noutputs: number;
  /** Class name of another element of the router, or undefined if absent. */
  lookupElement(name: string): string | undefined;
  warn(message: string): void;
  /**
   * A port name for IP protocol `proto` (6, 17, ...) as Click's NameInfo
   * finds it for this element: PortInfo definitions of its compound, then
   * of the enclosing ones, then the default names (TCP and UDP). Absent
   * outside a configuration (handler writes): names are then unknown.
   */
  lookupPort?(proto: number, name: string): number | undefined;
}

/** A typed argument parser. Throws ConfigError (or any Error) with a short reason. */
export interface ArgType<T> {
  /** What the user should have written, for messages: 'IP address', 'unsigned integer'. */
  readonly description: string;
  parse(text: string, ctx: ConfigContext): T;
}

export type ArgKind = 'required' | 'default' | 'optional' | 'rest';

export interface ArgDef<T, K extends ArgKind = ArgKind> {
  readonly kind: K;
  readonly type: ArgType<T>;
  /** May be given without its keyword, in declaration order. */
  readonly positional: boolean;
  readonly default?: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ArgDefs = { readonly [keyword: string]: ArgDef<any, ArgKind> };

export type ArgValue<D> = D extends ArgDef<infer T, infer K>
  ? K extends 'optional'
    ? T | undefined
    : K extends 'rest'
      ? T[]
      : T
  : never;

export type ArgValues<A extends ArgDefs> = { -readonly [K in keyof A]: ArgValue<A[K]> };

/**
 * Builders, named after Click's Args readers:
 * mp = mandatory positional, p = optional positional with default,
 * po = optional positional without default, m = mandatory keyword,
 * kw = keyword with default, ko = optional keyword without default,
 * rest = every remaining argument, positionally (Classifier patterns, routes).
 */
export const a = {
  mp: <T>(type: ArgType<T>): ArgDef<T, 'required'> => ({ kind: 'required', type, positional: true }),
  p: <T>(type: ArgType<T>, dflt: T): ArgDef<T, 'default'> => ({ kind: 'default', type, positional: true, default: dflt }),
  po: <T>(type: ArgType<T>): ArgDef<T, 'optional'> => ({ kind: 'optional', type, positional: true }),
  m: <T>(type: ArgType<T>): ArgDef<T, 'required'> => ({ kind: 'required', type, positional: false }),
  kw: <T>(type: ArgType<T>, dflt: T): ArgDef<T, 'default'> => ({ kind: 'default', type, positional: false, default: dflt }),
  ko: <T>(type: ArgType<T>): ArgDef<T, 'optional'> => ({ kind: 'optional', type, positional: false }),
  rest: <T>(type: ArgType<T>): ArgDef<T, 'rest'> => ({ kind: 'rest', type, positional: true }),
};

/** Where each parsed value came from, for pointing errors at the right text. */
export interface ArgSource {
  readonly keyword: string;
  readonly index: number;
  /** Offset of the value text in the configuration string. */
  readonly offset: number;
  readonly length: number;
}

export interface ParsedArgs<A extends ArgDefs> {
  readonly values: ArgValues<A>;
  readonly sources: ArgSource[];
  readonly pieces: Piece[];
}

interface Slot {
  piece: Piece;
  /** Keyword length if the argument looks like `WORD value`, else 0; -1 consumed positionally, -2 by keyword. */
  kw: number;
}

/**
 * Parse a configuration string against declared arguments. Errors are thrown
 * as ConfigError with the index of the argument at fault and a message that
 * names the argument and shows what was written.
 */
export function parseArgs<A extends ArgDefs>(defs: A, config: string, ctx: ConfigContext): ParsedArgs<A> {
  const pieces = splitArgs(config);
  const slots: Slot[] = pieces.map((piece) => ({ piece, kw: keywordLength(piece.text) }));
  const values: Record<string, unknown> = {};
  const sources: ArgSource[] = [];

  for (const [keyword, def] of Object.entries(defs)) {
    if (def.kind === 'rest') {
      const items: unknown[] = [];
      slots.forEach((slot, index) => {
        if (slot.kw < 0) return;
        slot.kw = -1;
        items.push(parseOne(keyword, def, slot.piece.text, index, ctx));
        sources.push({ keyword, index, offset: slot.piece.offset, length: slot.piece.text.length });
      });
      values[keyword] = items;
      continue;
    }

    // The last `KEYWORD value` occurrence wins; earlier ones are consumed too.
    let got = -1;
    let gotKw = 0;
    let position = -1;
    slots.forEach((slot, i) => {
      if (position === -1 && slot.kw !== -1) position = slot.kw >= 0 ? i : -2;
      if (slot.kw === keyword.length && slot.piece.text.startsWith(keyword)) {
        got = i;
        gotKw = slot.kw;
        slot.kw = -2;
      }
    });
    if (def.positional && position >= 0) {
      const slot = slots[position]!;
      if (slot.kw >= 0 && ((got < 0 && def.kind === 'required') || slot.kw === 0)) {
        if (got < position) {
          got = position;
          gotKw = 0;
        }
        slot.kw = -1;
      }
    }
    if (got < 0) {
      if (def.kind === 'required') {
        throw new ConfigError(`missing mandatory argument ${keyword}`, undefined, `expected ${describe(keyword, def)}`);
      }
      values[keyword] = def.default;
      continue;
    }
    const piece = slots[got]!.piece;
    let valueText = piece.text;
    let valueOffset = piece.offset;
    if (gotKw > 0) {
      const rest = piece.text.slice(gotKw);
      const lead = rest.length - rest.trimStart().length;
      valueText = rest.trimStart();
      valueOffset = piece.offset + gotKw + lead;
    }
    values[keyword] = parseOne(keyword, def, valueText, got, ctx);
    sources.push({ keyword, index: got, offset: valueOffset, length: valueText.length });
  }

  slots.forEach((slot, i) => {
    if (slot.kw > 0) {
      const word = slot.piece.text.slice(0, slot.kw);
      const known = Object.keys(defs).filter((k) => !defs[k]!.positional || defs[k]!.kind !== 'rest');
      throw new ConfigError(`unknown argument '${word}'`, i, known.length ? `${ctx.className} takes ${known.join(', ')}` : `${ctx.className} takes no keyword arguments`);
    }
  });
  const extra = slots.findIndex((s) => s.kw === 0);
  if (extra >= 0) {
    const max = Object.values(defs).filter((d) => d.positional).length;
    throw new ConfigError(`too many arguments`, extra, `${ctx.className} takes at most ${max} positional argument${max === 1 ? '' : 's'}`);
  }
  return { values: values as ArgValues<A>, sources, pieces };
}

function describe(keyword: string, def: ArgDef<unknown>): string {
  return `${keyword} (${def.type.description})`;
}

function parseOne(keyword: string, def: ArgDef<unknown>, text: string, index: number, ctx: ConfigContext): unknown {
  try {
    return def.type.parse(text, ctx);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const hint = e instanceof ConfigError ? e.hint : undefined;
    throw new ConfigError(`${keyword}: ${reason}`, index, hint ?? `expected ${def.type.description}, got '${text}'`);
  }
}

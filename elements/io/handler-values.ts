// Parsing values written to handlers, with Click's per-element error texts.

import type { ConfigContext } from '../../config-lang/args/args.js';
import { parseInteger, T } from '../../config-lang/args/types.js';
import { HandlerError } from '../spec.js';

const NO_CONTEXT: ConfigContext = {
  elementName: '',
  className: '',
  ninputs: 0,
  noutputs: 0,
  lookupElement: () => undefined,
  warn: () => {},
};

/** An integer (decimal, 0x hex, 0 octal), or HandlerError(message). */
export function handlerInt(text: string, message: string): number {
  try {
    return parseInteger(text.trim());
  } catch {
    throw new HandlerError(message);
  }
}

/** A Click boolean (true/false, yes/no, 1/0, on/off...), or HandlerError(message). */
export function handlerBool(text: string, message: string): boolean {
  try {
    return T.bool.parse(text.trim(), NO_CONTEXT);
  } catch {
    throw new HandlerError(message);
  }
}

/** Parse with any argument type outside a configuration. */
export function parseWith<V>(type: { parse(text: string, ctx: ConfigContext): V }, text: string): V {
  return type.parse(text, NO_CONTEXT);
}

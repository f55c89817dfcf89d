// Parsing values written to handlers: the syntax of configuration arguments
// (Click's IntArg, BoolArg, or any argument type), with failures reported as
// HandlerError carrying the message the element gives in Click.

import type { ArgType, ConfigContext } from '../../config-lang/args/args.js';
import { parseInteger, T } from '../../config-lang/args/types.js';
import { HandlerError } from '../spec.js';

/** A configuration context for parsing handler values, which never name elements. */
const HANDLER_CONTEXT: ConfigContext = {
  elementName: '',
  className: '',
  ninputs: 0,
  noutputs: 0,
  lookupElement: () => undefined,
  warn: () => {},
};

/** Parse with an argument type outside a configuration; errors are the type's own. */
export function parseWith<V>(type: Pick<ArgType<V>, 'parse'>, text: string): V {
  return type.parse(text, HANDLER_CONTEXT);
}

/** Parse a written handler value with an argument type; bad text throws HandlerError `expected TYPE: REASON`. */
export function parseHandlerValue<V>(type: ArgType<V>, value: string): V {
  try {
    return type.parse(value.trim(), HANDLER_CONTEXT);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new HandlerError(`expected ${type.description}: ${reason}`);
  }
}

/**
 * An integer (decimal, 0x hex, 0 octal) in [lo, hi] (default Click's int,
 * -2^31..2^31-1: its IntArg refuses, never wraps, what does not fit), or
 * HandlerError(message) for bad syntax and out of range alike.
 */
export function handlerInt(text: string, message: string, lo = -(2 ** 31), hi = 2 ** 31 - 1): number {
  let v: number;
  try {
    v = parseInteger(text.trim());
  } catch {
    throw new HandlerError(message);
  }
  if (v < lo || v > hi) throw new HandlerError(message);
  return v;
}

/** A Click boolean (true/false, yes/no, 1/0, on/off...), or HandlerError(message). */
export function handlerBool(text: string, message: string): boolean {
  try {
    return T.bool.parse(text.trim(), HANDLER_CONTEXT);
  } catch {
    throw new HandlerError(message);
  }
}

// The standard elements' form: the message names the handler and the text.

/** An integer in [lo, hi] (default: signed 32-bit). */
export function intValue(value: string, handler: string, lo = -(2 ** 31), hi = 2 ** 31 - 1): number {
  const v = handlerInt(value, `${handler}: '${value.trim()}' is not an integer`, -Infinity, Infinity);
  if (v < lo || v > hi) throw new HandlerError(`${handler}: ${v} is out of range (${lo} to ${hi})`);
  return v;
}

export function unsignedValue(value: string, handler: string): number {
  return intValue(value, handler, 0, 0xffffffff);
}

export function byteValue(value: string, handler: string): number {
  return intValue(value, handler, 0, 255);
}

export function boolValue(value: string, handler: string): boolean {
  return handlerBool(value, `${handler}: '${value.trim()}' is not true or false`);
}

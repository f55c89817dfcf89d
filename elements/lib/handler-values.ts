// Parsing values written to handlers: the same syntax as configuration
// arguments, with failures reported as HandlerError.

import type { ArgType, ConfigContext } from '../../config-lang/args/args.js';
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

/** Parse a written handler value with an argument type; bad text throws HandlerError. */
export function parseHandlerValue<T>(type: ArgType<T>, value: string): T {
  try {
    return type.parse(value.trim(), HANDLER_CONTEXT);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new HandlerError(`expected ${type.description}: ${reason}`);
  }
}

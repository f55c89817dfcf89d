// Parsing of values written to handlers, with Click's syntax (IntArg,
// BoolArg) and a HandlerError naming the handler when the text is wrong.

import { parseInteger } from '../../config-lang/args/types.js';
import { HandlerError } from '../spec.js';

const TRUE = new Set(['true', 'yes', '1', 't', 'y', 'on']);
const FALSE = new Set(['false', 'no', '0', 'f', 'n', 'off']);

/** An integer in [lo, hi]. */
export function intValue(value: string, handler: string, lo = -(2 ** 31), hi = 2 ** 31 - 1): number {
  let v: number;
  try {
    v = parseInteger(value.trim());
  } catch {
    throw new HandlerError(`${handler}: '${value.trim()}' is not an integer`);
  }
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
  const t = value.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new HandlerError(`${handler}: '${value.trim()}' is not true or false`);
}

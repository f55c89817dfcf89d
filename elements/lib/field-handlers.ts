// Read/write handlers for one field of an element, the most common handler
// shape: the read prints the field, the write parses the text with the
// field's argument type and stores it (bad text: HandlerError
// `expected TYPE: REASON`, from parseHandlerValue).

import type { ArgType } from '../../config-lang/args/args.js';
import { formatIPv4, T } from '../../config-lang/args/types.js';
import type { HandlerDef } from '../spec.js';
import { unparseEther } from './ether-header.js';
import { parseHandlerValue } from './handler-values.js';

/** The names of E's fields that hold a V. */
export type FieldOf<E, V> = { [K in keyof E]: E[K] extends V ? (V extends E[K] ? K : never) : never }[keyof E] & string;

/** The handler of field `key` of element class E (named explicitly: `fieldHandler<MyElement, number>(...)`). */
export function fieldHandler<E, V>(key: FieldOf<E, V>, type: ArgType<V>, format: (value: V) => string, doc?: string): HandlerDef<E> {
  // FieldOf guarantees that E[key] is a V; TypeScript cannot see it through the mapped type.
  const field = (e: E) => e as unknown as Record<string, V>;
  return {
    read: (e) => format(field(e)[key]!),
    write: (e, value) => {
      field(e)[key] = parseHandlerValue(type, value);
    },
    ...(doc === undefined ? {} : { doc }),
  };
}

/** An Ethernet address field (read as 00-11-22-33-44-55). */
export function etherField<E>(key: FieldOf<E, Uint8Array>, doc?: string): HandlerDef<E> {
  return fieldHandler<E, Uint8Array>(key, T.ether, unparseEther, doc);
}

/** An IPv4 address field (a number, read in dotted form). */
export function ipField<E>(key: FieldOf<E, number>, doc?: string): HandlerDef<E> {
  return fieldHandler<E, number>(key, T.ip, formatIPv4, doc);
}

// Calling handlers by text, as Click's HandlerCall does for END_CALL
// arguments and Script instructions: `element.handler VALUE`, where the
// first dot separates element and handler and a name without a dot is a
// global handler (`stop`, `config`, ...).

import type { ArgType } from '../../config-lang/args/args.js';
import { splitWords, unquote } from '../../config-lang/args/split.js';
import type { ElementEnv } from '../../host-engine/element.js';

export interface HandlerCall {
  /** `element.handler`, or a global handler name. */
  readonly path: string;
  /** The rest of the text: the value written. */
  readonly value: string;
}

/** Split `PATH [VALUE...]` at the first run of spaces. */
export function parseHandlerCall(text: string): HandlerCall {
  const t = text.trim();
  const words = splitWords(t);
  if (words.length === 0) return { path: '', value: '' };
  const first = words[0]!;
  return { path: first.text, value: t.slice(first.offset + first.text.length).trim() };
}

/** An END_CALL-style argument: a (possibly quoted) write handler call. */
export const handlerCallArg: ArgType<HandlerCall> = {
  description: 'handler call (ELEMENT.HANDLER [VALUE])',
  parse(text) {
    const call = parseHandlerCall(unquote(text.trim()));
    if (!call.path) throw new Error('missing handler name');
    if (call.path.startsWith('.') && call.path.length === 1) throw new Error(`'${text}' is not a handler name`);
    return call;
  },
};

/**
 * Call a write handler. The global `stop` handler is Click's
 * please_stop_driver; everything else goes through the router. Returns an
 * error message instead of throwing.
 */
export function callWrite(env: ElementEnv, call: HandlerCall): string | undefined {
  const path = call.path.startsWith('.') ? call.path.slice(1) : call.path;
  if (path === 'stop') {
    // Click's global stop handler takes an optional count of stop requests.
    const n = /^[+-]?\d+$/.test(call.value.trim()) ? Number(call.value.trim()) : 1;
    for (let i = 0; i < n; i++) env.requestStop();
    return undefined;
  }
  try {
    env.writeHandler(path, call.value);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

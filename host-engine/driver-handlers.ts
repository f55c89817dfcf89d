// What the userlevel `click` driver does with handlers after a run:
// `-h ELEMENT.HANDLER` prints read handler values, `-x ELEMENT.HANDLER` turns
// one into the exit status. Same expansion, format and messages as
// userlevel/click.cc:
//
//   - `h` or `.h` is a global handler; `e.h` an element's handler (the
//     first dot separates them);
//   - if `e` is no element name, it is a glob pattern (`*`, `?`, `[...]`)
//     over element names, or else a class name; every matching element that
//     has a readable `h` is printed, each with its name;
//   - with one handler and no pattern only the value is printed; otherwise
//     `name:` on a line, the value, and a blank line;
//   - a value not ending in a newline gets one (empty values stay empty).

import type { CheckedGraph } from '../graph/router-graph.js';
import { globToRegExp, isGlobPattern, parseHandlerPath, unparseHandlerName, type HandlerEntry } from './handlers.js';

/** What the driver needs of a router, whichever engine runs it (host Router, NativeDriver). */
export interface HandlerHost {
  readonly graph: CheckedGraph;
  element(name: string): unknown;
  handler(element: string | undefined, handler: string): HandlerEntry | undefined;
  readHandler(path: string): string;
}

export interface HandlerPrintResult {
  /** Text for standard output. */
  readonly stdout: string;
  /** Error messages (Click's wording), one per problem; the run's exit status becomes 1. */
  readonly errors: readonly string[];
}

export function printReadHandlers(router: HandlerHost, specs: readonly string[]): HandlerPrintResult {
  const printNames = specs.length > 1;
  let stdout = '';
  const errors: string[] = [];

  const printOne = (element: string | undefined, handler: string, withName: boolean) => {
    const full = unparseHandlerName(element, handler);
    const h = router.handler(element, handler);
    const read = h?.read ?? (h?.readParam ? () => h.readParam!('') : undefined);
    if (!h || (!read && !h.write)) return void errors.push(`no '${full}' handler`);
    if (!read) return void errors.push(`'${full}' is a write handler`);
    if (withName) stdout += `${full}:\n`;
    let value = read();
    if (value.length > 0 && !value.endsWith('\n')) value += '\n';
    stdout += value;
    if (withName) stdout += '\n';
  };

  for (const spec of specs) {
    const { element, handler } = parseHandlerPath(spec);
    if (element === undefined) {
      printOne(undefined, handler, printNames);
      continue;
    }
    if (router.element(element) !== undefined) {
      printOne(element, handler, printNames);
      continue;
    }
    const pattern = isGlobPattern(element);
    const re = pattern ? globToRegExp(element) : undefined;
    let any = false;
    for (const e of router.graph.elements) {
      if (re ? !re.test(e.name) : e.className !== element) continue;
      any = true;
      const h = router.handler(e.name, handler);
      if (h?.read || h?.readParam) printOne(e.name, handler, true);
    }
    if (!any) errors.push(pattern ? `no element matching '${element}'` : `no element '${element}'`);
  }
  return { stdout, errors };
}

export type ExitHandlerResult = { readonly status: number } | { readonly error: string };

/**
 * `-x`: read the handler and use its value as the exit status: an integer
 * as is, a boolean as 0 (true) or 1 (false). Errors give status 255 (Click's -1).
 */
export function exitStatusFromHandler(router: HandlerHost, spec: string): ExitHandlerResult {
  let text: string;
  try {
    text = router.readHandler(spec);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const v = uncomment(text).trim();
  if (/^[+-]?\d+$/.test(v)) return { status: Number(BigInt.asIntN(32, BigInt(v))) & 0xff };
  if (/^(true|yes|on|1)$/i.test(v)) return { status: 0 };
  if (/^(false|no|off|0)$/i.test(v)) return { status: 1 };
  return { error: 'exit handler value should be integer' };
}

/** Drop `//` and `/* *\/` comments outside quotes (Click's cp_uncomment). */
function uncomment(s: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      out += c;
      if (c === '\\' && quote === '"' && i + 1 < s.length) out += s[++i];
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
      out += c;
    } else if (c === '/' && s[i + 1] === '/') {
      while (i < s.length && s[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      i = end < 0 ? s.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out;
}

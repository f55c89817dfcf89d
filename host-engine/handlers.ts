// Handlers of a running router, with Click's names, formats and error texts.
//
// Every element has `name`, `class`, `config`, `ports` and `handlers`, then its
// class's own handlers (which may replace those). The router itself has the
// global handlers `version`, `driver`, `config`, `flatconfig`, `list`,
// `classes`, `requirements`, `handlers` (read) and `stop` (write), addressed
// as `handler` or `.handler`. A path `e.h` names element e's handler h; the
// first dot separates them (handler names may contain dots, element names
// may not).

import { HandlerError } from '../elements/spec.js';

export { HandlerError };

export interface HandlerEntry {
  readonly name: string;
  read?: () => string;
  /** A read handler that takes a parameter (`e.h PARAM`); listed with `+`. */
  readParam?: (param: string) => string;
  write?: (value: string) => void;
  /** Click's "calm" flag: shown as `.` in `handlers` listings (the default handlers have it). */
  readonly calm?: boolean;
}

/** An ordered set of handlers (later ones with the same name replace earlier ones, keeping their place). */
export class HandlerSet {
  private readonly map = new Map<string, HandlerEntry>();

  add(entry: HandlerEntry): void {
    this.map.set(entry.name, entry);
  }
  get(name: string): HandlerEntry | undefined {
    return this.map.get(name);
  }
  entries(): HandlerEntry[] {
    return [...this.map.values()];
  }

  /** The `handlers` listing: `name<TAB>flags` per line, flags r, w, then `.` for calm handlers. */
  listing(): string {
    let s = '';
    for (const h of this.map.values()) {
      const read = h.read ?? h.readParam;
      if (!read && !h.write) continue;
      s += `${h.name}\t${read ? 'r' : ''}${h.write ? 'w' : ''}${h.readParam ? '+' : ''}${h.calm ? '.' : ''}\n`;
    }
    return s;
  }
}

/** A parsed handler path: `element` undefined for a global handler. */
export interface HandlerPath {
  readonly element: string | undefined;
  readonly handler: string;
}

/** Split `e.h`, `.h` or `h` at the first dot. */
export function parseHandlerPath(path: string): HandlerPath {
  const dot = path.indexOf('.');
  if (dot < 0) return { element: undefined, handler: path };
  if (dot === 0) return { element: undefined, handler: path.slice(1) };
  return { element: path.slice(0, dot), handler: path.slice(dot + 1) };
}

/** Click's full handler name: `h` for a global handler, `e.h` otherwise. */
export function unparseHandlerName(element: string | undefined, handler: string): string {
  return element === undefined ? handler : `${element}.${handler}`;
}

/** Click's messages (lib/handlercall.cc, lib/router.cc). */
export const handlerErrors = {
  noElement: (name: string) => `no element named '${name}'`,
  noReadHandler: (full: string) => `no '${full}' read handler`,
  noWriteHandler: (full: string) => `no '${full}' write handler`,
  noParams: (full: string) => `read handler '${full}' does not take parameters`,
};

/** Click's glob patterns in `-h` arguments: `*`, `?` and `[...]` classes. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      if (body.startsWith('!') || body.startsWith('^')) body = '^' + body.slice(1);
      re += '[' + body.replace(/\\/g, '\\\\') + ']';
      i = close;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function isGlobPattern(s: string): boolean {
  return /[*?[]/.test(s);
}
